import os
import subprocess
import sys
import time

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from articles.moving import BATCH_SIZE, TargetNotEmpty, copy_archive

TARGET = "move_target"


class Command(BaseCommand):
    help = (
        "Copy this archive (articles, people, entities, stories, users, everything the "
        "database holds) into another, empty database, e.g. from SQLite to PostgreSQL, then "
        "build that database's search index. The site goes on serving from this database "
        "meanwhile; stop imports and edits until the app servers are switched over."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            required=True,
            metavar="DATABASE_URL",
            help="The new database, e.g. postgres://user@host:5432/newsarchive (created, empty).",
        )
        parser.add_argument(
            "--search-backend",
            choices=("postgres", "whoosh", "none"),
            default=None,
            help="Index to build afterwards (default: postgres for a PostgreSQL target, "
            "else none).",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, to, search_backend, batch_size, **options):
        config = dj_database_url.parse(to)
        if search_backend is None:
            search_backend = "postgres" if "postgresql" in config["ENGINE"] else "none"
        env = {**os.environ, "DATABASE_URL": to, "DATABASE_REPLICA_URLS": ""}
        began = time.perf_counter()
        self.stdout.write("Migrating the new database …")
        self._run(["migrate", "--noinput", "-v0"], env)

        # The target as a connection of this process, beside "default".
        connections.settings[TARGET] = connections.configure_settings({"default": config})[
            "default"
        ]
        try:
            copied = copy_archive(
                "default",
                TARGET,
                batch_size=batch_size,
                on_model=lambda label, rows: self.stdout.write(f"  {label}: {rows:,} rows"),
            )
        except TargetNotEmpty as exc:
            raise CommandError(str(exc)) from exc
        finally:
            connections[TARGET].close()
            del connections[TARGET]
            del connections.settings[TARGET]
        self.stdout.write(
            f"Copied {sum(copied.values()):,} rows in {time.perf_counter() - began:.1f} s."
        )
        if search_backend != "none":
            self.stdout.write(f"Building the {search_backend} search index …")
            self._run(["reindex"], {**env, "SEARCH_BACKEND": search_backend})
        self.stdout.write(
            "Done. Point the app servers at the new database (DATABASE_URL"
            + (f", SEARCH_BACKEND={search_backend}" if search_backend != "none" else "")
            + ") and restart them; copy MEDIA_ROOT (scanned pages, original files) if the "
            "new servers do not share it."
        )

    def _run(self, command: list[str], env: dict[str, str]) -> None:
        """A management command of this project against the new database, in a process
        of its own (its settings read from ``env``)."""
        done = subprocess.run(  # noqa: S603 (our own interpreter and commands)
            [sys.executable, "-m", "django", *command],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise CommandError(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
        if done.stdout.strip():
            self.stdout.write(done.stdout.strip())
