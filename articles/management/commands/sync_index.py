from django.core.management.base import BaseCommand

from articles.search.indexing import sync_index


class Command(BaseCommand):
    help = (
        "Bring the search index in line with the database: index published articles "
        "it lacks, remove what is no longer public. Cheap when nothing is out of step."
    )

    def handle(self, *args, **options):
        added, removed = sync_index()
        self.stdout.write(f"Search index in step: {added} indexed, {removed} removed.")
