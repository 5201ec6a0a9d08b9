from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.ingest.pipeline import import_files, import_records
from articles.ingest.readers import READERS


class Command(BaseCommand):
    help = (
        "Import articles: PDF-to-text dumps given as files or folders, or a corpus "
        "from shared/corpus with --corpus NAME. The same document twice is one article."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="Text files or folders of them.")
        parser.add_argument("--corpus", help="A corpus reader's name, e.g. reuters, bbc2025.")
        parser.add_argument("--corpus-path", type=Path, help="Where that corpus is.")
        parser.add_argument("--limit", type=int, help="Import at most this many corpus items.")
        parser.add_argument(
            "--review", action="store_true", help="Put everything in review; publish nothing."
        )

    def handle(self, *args, paths, corpus, corpus_path, limit, review, **options):
        if not paths and not corpus:
            raise CommandError("Name files or folders to import, or a corpus with --corpus.")
        reports = []
        if paths:
            missing = [str(p) for p in paths if not p.exists()]
            if missing:
                raise CommandError(f"No such file or folder: {', '.join(missing)}")
            reports.append(import_files(paths, publish_complete=not review))
        if corpus:
            reader = READERS.get(corpus)
            if reader is None:
                raise CommandError(f"Unknown corpus {corpus!r}; known: {', '.join(READERS)}.")
            folder = corpus_path or settings.SHARED_DIR / "corpus" / reader.folder
            if not folder.is_dir():
                raise CommandError(f"No corpus folder at {folder} (give --corpus-path).")
            records = reader.read(folder, limit)
            reports.append(import_records(records, publish_complete=not review))
        for report in reports:
            for source, reason in report.failed:
                self.stderr.write(f"failed: {source}: {reason}")
            self.stdout.write(report.summary())
