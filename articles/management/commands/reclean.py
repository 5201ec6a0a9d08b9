from django.core.management.base import BaseCommand, CommandError

from articles.ingest.pipeline import reclean
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Run cleanup and metadata extraction again on the raw text kept with each imported "
        "document (after the cleanup improved). Fields editors corrected are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Article ids (default: all).")

    def handle(self, *args, ids, **options):
        articles = Article.objects.exclude(raw_text="").order_by("pk")
        if ids:
            articles = articles.filter(pk__in=ids)
        report = reclean(articles.iterator(chunk_size=200))
        for source, reason in report.failed:
            self.stderr.write(f"failed: {source}: {reason}")
        self.stdout.write(
            f"{len(report.updated)} re-cleaned, {len(report.unchanged)} left as they were, "
            f"{report.failed_count} failed"
        )
        if report.failed_count:
            raise CommandError(f"{report.failed_count} article(s) could not be re-cleaned.")
