import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.stories import find_stories


class Command(BaseCommand):
    help = (
        "Find the articles that are versions of one story (reprints, corrected re-sends) and "
        "group them. Only what needs it is looked at (new, changed, not yet placed), a batch "
        "per transaction: a stopped run resumes. Editors' confirmations and splits hold."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Article ids (default: all).")
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Undo every automatic grouping and group again (editors' decisions stay).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, ids, rebuild, no_progress, **options):
        bar = None
        if not no_progress and sys.stderr.isatty():
            bar = tqdm(unit="article", file=sys.stderr)

        def progress(report, total):
            if bar is not None:
                bar.total = total
                bar.update(report.seen - bar.n)

        report = find_stories(ids or None, rebuild=rebuild, on_batch=progress)
        if bar is not None:
            bar.close()
        self.stdout.write(report.summary())
