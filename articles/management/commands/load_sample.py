from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# What `make run` loads: the seed dumps and a few hundred articles of several corpora.
SAMPLE = (
    ("bbc2025", 250),
    ("reuters", 300),
    ("farsnews", 60),
)


class Command(BaseCommand):
    help = "Load the sample archive from ../shared (seeds and corpora) when it is there."

    def handle(self, *args, **options):
        shared = settings.SHARED_DIR
        seeds = shared / "seeds"
        if not shared.is_dir():
            self.stdout.write(f"No sample data at {shared}: the archive starts empty.")
            return
        if seeds.is_dir():
            call_command("import_articles", seeds, stdout=self.stdout, stderr=self.stderr)
        for name, limit in SAMPLE:
            try:
                call_command(
                    "import_articles",
                    corpus=name,
                    limit=limit,
                    stdout=self.stdout,
                    stderr=self.stderr,
                )
            except Exception as exc:  # a missing corpus, or rows that failed, stop no other
                self.stderr.write(f"Sample corpus {name}: {exc}")
