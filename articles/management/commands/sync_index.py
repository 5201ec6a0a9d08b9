from django.core.management.base import BaseCommand

from articles.search.indexing import sync_index


class Command(BaseCommand):
    help = (
        "Bring the search index in line with the database: index published articles "
        "it lacks or holds an older version of, remove what is no longer public "
        "(what `check_index --repair` does, without the report)."
    )

    def handle(self, *args, **options):
        added, removed = sync_index()
        self.stdout.write(f"Search index in step: {added} indexed, {removed} removed.")
