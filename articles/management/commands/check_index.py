from django.core.management.base import BaseCommand, CommandError

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
        drift = check_index()
        self.report(drift, show)
        if drift and repair:
            indexed, removed = sync_index(drift)
            self.stdout.write(f"Repaired: {indexed} indexed, {removed} removed.")
            drift = check_index()
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
