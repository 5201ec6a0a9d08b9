from django.conf import settings
from django.core.management.base import BaseCommand

from articles.upload import expire_previews


class Command(BaseCommand):
    help = (
        "Delete upload previews nobody confirmed or cancelled (staging folders under "
        "MEDIA_ROOT/uploads/ older than UPLOAD_PREVIEW_TTL seconds). Safe to run from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="SECONDS",
            help=f"Age in seconds (default UPLOAD_PREVIEW_TTL, {settings.UPLOAD_PREVIEW_TTL}).",
        )

    def handle(self, *args, older_than, **options):
        removed = expire_previews(older_than)
        self.stdout.write(
            f"{removed} abandoned upload preview{'s' if removed != 1 else ''} removed."
        )
