from django.conf import settings
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
        parser.add_argument(
            "--time-limit",
            type=float,
            default=300.0,
            metavar="SECONDS",
            help="Seconds each read of the index may take (default 300).",
        )

    def handle(self, *args, repair, show, time_limit, **options):
        # Not a web request: the revisions are read back as searches, and under load a
        # million-article index answered one after more than a page's second (issue 18),
        # which stopped the check half-way.
        page_limit = settings.SEARCH_TIME_LIMIT
        settings.SEARCH_TIME_LIMIT = time_limit
        try:
            self.compare(repair, show)
        finally:
            settings.SEARCH_TIME_LIMIT = page_limit

    def compare(self, repair: bool, show: int) -> None:
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
