import time

from django.core.management.base import BaseCommand

from articles.search.indexing import rebuild_index


class Command(BaseCommand):
    help = (
        "Rebuild the whole search index from the database in one pass (a writer with "
        "several processes, one commit), beside the current index, then swap it in: "
        "search goes on answering meanwhile."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--procs",
            type=int,
            default=2,
            help="Processes that make the documents (Whoosh's writers, PostgreSQL's row "
            "workers, each with a database connection of its own; default 2).",
        )

    def handle(self, *args, procs, **options):
        start = time.perf_counter()
        count = rebuild_index(procs=procs)
        seconds = time.perf_counter() - start
        self.stdout.write(
            f"Indexed {count} published articles in {seconds:.1f} s "
            f"({count / seconds if seconds else 0:.0f} articles/s)."
        )
