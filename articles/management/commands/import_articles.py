import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from articles.ingest.corpora import READERS
from articles.ingest.pipeline import import_records
from articles.ingest.reader_process import read_ahead
from articles.ingest.sources import (
    ImportSourceError,
    corpus_records,
    document_paths,
    document_records,
    table_records,
)

# After this many articles created or updated, PostgreSQL's planner statistics are
# refreshed at once (ANALYZE) instead of whenever autovacuum next passes: the plans for
# facets, browsing and search chosen on the statistics of a much smaller archive can be
# slower by orders of magnitude until then.
ANALYZE_AFTER = 1000


def refresh_statistics(changed: int) -> bool:
    """ANALYZE the database after a large import on PostgreSQL; whether it did."""
    if connection.vendor != "postgresql" or changed < ANALYZE_AFTER:
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True


class Command(BaseCommand):
    help = (
        "Import articles from documents (PDF-to-text dumps, PDFs, HTML pages, text, Markdown; "
        "folders are searched), from CSV / JSON Lines files with --mapping, or from a corpus "
        "with --corpus NAME. The same document twice is one article; a changed document "
        "updates its article but keeps what editors corrected. A document or row that cannot "
        "be read fails alone; the command exits non-zero when anything failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="Files or folders to import.")
        parser.add_argument("--corpus", help=f"A corpus by name: {', '.join(READERS)}.")
        parser.add_argument("--corpus-path", type=Path, help="Where that corpus is.")
        parser.add_argument(
            "--mapping",
            help="Read the paths as CSV / JSON Lines with this field mapping, "
            "e.g. title=headline,body=text,published=date,authors=byline",
        )
        parser.add_argument("--limit", type=int, help="Import at most this many articles.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and report; write nothing."
        )
        parser.add_argument(
            "--review", action="store_true", help="Put new articles in review; publish none."
        )
        parser.add_argument(
            "--skip-entities",
            action="store_true",
            help="Store and index without looking for entities (much faster for a large "
            "corpus); `manage.py extract_entities --not-yet` finds them afterwards.",
        )
        parser.add_argument(
            "--skip-stories",
            action="store_true",
            help="Do not group the new articles into stories (reprints, re-sends) yet; "
            "`manage.py find_stories` does it afterwards.",
        )
        parser.add_argument(
            "--read-ahead",
            action="store_true",
            help="Read the documents in a second process while this one stores and indexes "
            "them (for a machine with a core to spare: on two busy cores it gained nothing).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        paths, limit = options["paths"], options["limit"]
        if not paths and not options["corpus"]:
            raise CommandError("Name files or folders to import, or a corpus with --corpus.")
        try:
            if options["corpus"]:
                corpus_root = settings.SHARED_DIR / "corpus"
                records = corpus_records(
                    options["corpus"], corpus_root, options["corpus_path"], limit
                )
                total = limit
            elif options["mapping"]:
                records, total = table_records(paths, options["mapping"], limit), limit
            else:
                files = document_paths(paths)[:limit]
                records, total = document_records(files), len(files)
        except ImportSourceError as exc:
            raise CommandError(str(exc)) from exc

        if options["read_ahead"]:
            records = read_ahead(records)
        # tqdm shows itself only on a terminal, unless switched off; no monitor thread beside
        # it, so that extraction may fork its workers (articles.entities.parallel).
        tqdm.monitor_interval = 0
        with tqdm(
            total=total,
            unit="article",
            file=sys.stderr,
            desc="Importing",
            disable=True if options["no_progress"] else None,
        ) as bar:
            report = import_records(
                records,
                publish_complete=not options["review"],
                dry_run=options["dry_run"],
                find_entities=not options["skip_entities"],
                group_stories=not options["skip_stories"],
                on_each=lambda _: bar.update(1),
            )
        for source, reason in report.failed:
            self.stderr.write(f"failed: {source}: {reason}")
        unlisted = report.failed_count - len(report.failed)
        if unlisted:
            self.stderr.write(f"failed: {unlisted} more, not listed here (the log names each)")
        self.stdout.write(report.summary())
        if not report.dry_run and refresh_statistics(len(report.created) + len(report.updated)):
            self.stdout.write("Planner statistics refreshed (ANALYZE).")
        if report.failed_count:
            raise CommandError(
                f"{report.failed_count} document(s) or row(s) could not be imported."
            )
