from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles.search.indexing import check_index, sync_index

KINDS = (
    ("missing", "published, not in the index"),
    ("stale", "in the index as an older version"),
    ("extra", "in the index, not a published article"),
)


class Command(BaseCommand):
    help = (
        "Compare the search index with the database: published articles the index lacks "
        "(missing), holds an older version of (stale), or entries that are not published "
        "articles (extra). Exits non-zero when they differ; --repair brings them in step."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair", action="store_true", help="Index, re-index and remove what differs."
        )
        parser.add_argument(
            "--show", type=int, default=20, metavar="N", help="List up to N ids of each kind."
        )

    def handle(self, *args, repair, show, **options):
        drift = self.read_index(check_index)
        self.report(drift, show)
        if drift and repair:
            indexed, removed = self.read_index(sync_index, drift)
            self.stdout.write(f"Repaired: {indexed} indexed, {removed} removed.")
            drift = self.read_index(check_index)
            if drift:
                self.report(drift, show)
        if drift:
            raise CommandError(
                "The search index is out of step with the database"
                + ("." if repair else "; `manage.py check_index --repair` brings it in step.")
            )
        self.stdout.write("The search index is in step with the database.")

    def report(self, drift, show: int) -> None:
        for kind, meaning in KINDS:
            ids = getattr(drift, kind)
            listed = ", ".join(str(pk) for pk in ids[:show])
            more = f" and {len(ids) - show} more" if len(ids) > show else ""
            self.stdout.write(
                f"{kind}: {len(ids)} ({meaning})" + (f": {listed}{more}" if listed else "")
            )

    @staticmethod
    def read_index(step, *args):
        """``step(*args)``, with an index that cannot be read (a segment file missing or
        cut short, a table of contents damaged) said in one sentence with what to do,
        instead of the engine's traceback; ``--traceback`` still shows it. The database's
        own errors are not the index's and go through as they are."""
        try:
            return step(*args)
        except DatabaseError:
            raise
        except Exception as exc:
            kind = type(exc).__name__
            if type(exc).__module__ != "builtins":  # struct.error, not just "error"
                kind = f"{type(exc).__module__}.{kind}"
            raise CommandError(
                f"The search index cannot be read ({kind}: {exc}). Its files "
                "may be missing or damaged; `manage.py reindex` rebuilds it from the database."
            ) from exc
