"""A deployment of the archive of its own for each test: a database (a SQLite file, or a
fresh PostgreSQL database when the suite runs on PostgreSQL) and a search index in a temp
dir, migrated and then used only through subprocesses (`manage.py ...`, and
``tests.faults.newsroom`` for editors saving through the ORM), as gunicorn workers and
cron jobs use it."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.search.engines import ON_POSTGRES, POSTGRES_ONLY

BASE_DIR = Path(settings.BASE_DIR)

# Words of the generated documents' bodies.
WORDS = ("harbour", "talks", "ceasefire", "grain", "exports", "shipping", "convoy", "port")

# What no process may have written to its log.
FAULTS = ("Traceback", "LockError", "database is locked", "Could not update")


@dataclass
class Site:
    """One deployment: ``manage()`` runs a command in it, ``start()`` a process beside
    others, ``rows()`` reads its database directly."""

    root: Path
    env: dict[str, str]
    database: str  # "sqlite" or "postgres"
    database_url: str

    def command(self, *args: str) -> list[str]:
        return [sys.executable, str(BASE_DIR / "manage.py"), *args]

    def manage(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            self.command(*args),
            env=self.env,
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start(
        self, argv: list[str], log_name: str, env: dict[str, str] | None = None
    ) -> subprocess.Popen:
        """Start ``argv`` with stdout and stderr going to ``<root>/<log_name>.log``."""
        log = open(self.root / f"{log_name}.log", "w")  # noqa: SIM115 (the child has its own)
        try:
            return subprocess.Popen(
                argv, env=env or self.env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT
            )
        finally:
            log.close()

    def newsroom(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "tests.faults.newsroom", *args]

    def logs(self) -> dict[str, str]:
        return {path.stem: path.read_text() for path in sorted(self.root.glob("*.log"))}

    def faults_in_logs(self) -> list[str]:
        return [
            f"{name}: {line}"
            for name, text in self.logs().items()
            for line in text.splitlines()
            if any(fault in line for fault in FAULTS)
        ]

    def rows(self, sql: str) -> list[tuple]:
        if self.database == "sqlite":
            with closing(sqlite3.connect(self.root / "db" / "archive.sqlite3")) as conn:
                return conn.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.database_url) as conn:
            return conn.execute(sql).fetchall()


def write_documents(folder: Path, count: int, *, start: int = 0) -> list[Path]:
    """``count`` complete Markdown articles (title, author, date, publication, language),
    each with different text, so each is one article."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + count):
        rnd = random.Random(n)
        paragraphs = [
            " ".join(rnd.choice(WORDS) for _ in range(50)).capitalize() + "." for _ in range(3)
        ]
        path = folder / f"report-{n:04d}.md"
        path.write_text(
            "---\n"
            f"title: Harbour report number {n} hr{n}\n"
            "author: Nancy Thomas\n"
            f"date: 2019-09-{n % 28 + 1:02d}\n"
            "publication: The Daily Record\n"
            "language: en\n"
            "---\n" + "\n\n".join(paragraphs) + "\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


# The PostgreSQL server fault tests create their databases on: the suite's own, or else
# a local one (the database-down test runs on it even when the suite runs on SQLite).
if ON_POSTGRES:
    _db = settings.DATABASES["default"]
    POSTGRES = {
        "host": _db.get("HOST") or "127.0.0.1",
        "port": str(_db.get("PORT") or 5432),
        "user": _db.get("USER") or "postgres",
        "password": _db.get("PASSWORD") or "",
    }
else:
    POSTGRES = {"host": "127.0.0.1", "port": "5432", "user": "postgres", "password": ""}


def postgres_url(name: str, port: str | int | None = None) -> str:
    password = f":{POSTGRES['password']}" if POSTGRES["password"] else ""
    return (
        f"postgres://{POSTGRES['user']}{password}@{POSTGRES['host']}:"
        f"{port or POSTGRES['port']}/{name}"
    )


def postgres_unreachable() -> str | None:
    """Why no PostgreSQL server can be used, or None when one can."""
    import psycopg

    try:
        psycopg.connect(postgres_url("postgres"), connect_timeout=3).close()
    except psycopg.Error as exc:
        return f"PostgreSQL is not reachable at {POSTGRES['host']}:{POSTGRES['port']}: {exc}"
    return None


def _postgres_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(postgres_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


@contextmanager
def deployment(root: Path, database: str, search: str = "whoosh") -> Iterator[Site]:
    """A migrated, empty deployment in ``root``: a SQLite file (in a folder of its own,
    ``root/db``) or a new PostgreSQL database, dropped at the end."""
    created = None
    if database == "sqlite":
        (root / "db").mkdir()
        url = f"sqlite:///{root / 'db' / 'archive.sqlite3'}"
    else:
        created = f"newsarchive_faults_{uuid.uuid4().hex[:12]}"
        _postgres_admin(f'CREATE DATABASE "{created}"')
        url = postgres_url(created)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "SEARCH_", "PYTEST_"))
    }
    env.update(
        DATABASE_URL=url,
        SEARCH_BACKEND=search,
        SEARCH_INDEX_PATH=str(root / "whoosh"),
        NEWSARCHIVE_VAR_DIR=str(root / "var"),
        DEBUG="0",
        SECRET_KEY=settings.SECRET_KEY,
        LOG_LEVEL="INFO",
        PYTHONPATH=str(BASE_DIR),
        DJANGO_SETTINGS_MODULE="newsarchive.settings",
    )
    site = Site(root=root, env=env, database=database, database_url=url)
    try:
        migrated = site.manage("migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stderr
        indexed = site.manage("reindex")  # as a deployment does (docs/deployment.md)
        assert indexed.returncode == 0, indexed.stderr
        yield site
    finally:
        if created:
            _postgres_admin(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


@pytest.fixture(
    params=[
        "sqlite+whoosh",
        pytest.param("postgres+whoosh", marks=POSTGRES_ONLY),
        pytest.param("postgres+postgres", marks=POSTGRES_ONLY),
    ]
)
def site(request, tmp_path) -> Iterator[Site]:
    """A migrated, empty deployment: ``<database>+<search backend>``; the PostgreSQL ones
    when the suite runs on PostgreSQL."""
    database, search = request.param.split("+")
    with deployment(tmp_path, database, search) as deployed:
        yield deployed
