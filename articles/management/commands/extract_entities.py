import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.entities.parallel import add_processes_argument
from articles.entities.resolution import resolve_across_archive
from articles.entities.tagging import extract_articles
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Find the people, organisations and places in articles (again) and store them as "
        "mentions. Editors' decisions hold: rejected mentions stay rejected, merged entities "
        "stay merged, mentions added by hand stay."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Article ids (default: all).")
        parser.add_argument("--since", help="Only articles published on or after YYYY-MM-DD.")
        parser.add_argument("--publication", help="Only this publication (name or slug).")
        parser.add_argument("--language", help="Only articles in this language (e.g. en, fa).")
        parser.add_argument(
            "--not-yet",
            action="store_true",
            help="Only articles whose entities were never looked for.",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        add_processes_argument(parser)
        parser.add_argument(
            "--resolve-only",
            action="store_true",
            help="Read no texts: only resolve names across the archive (short names into "
            "the one full name, each entity's kind by its mentions), as every run does last.",
        )

    def handle(
        self,
        *args,
        ids,
        since,
        publication,
        language,
        not_yet,
        no_progress,
        resolve_only,
        processes,
        **options,
    ):
        if resolve_only:
            kinds, merged = resolve_across_archive()
            self.stdout.write(f"{kinds} entities changed kind, {merged} short names merged.")
            return
        articles = Article.objects.exclude(body="").select_related(None).order_by("pk")
        if ids:
            articles = articles.filter(pk__in=ids)
        if since:
            try:
                articles = articles.filter(published_on__gte=dt.date.fromisoformat(since))
            except ValueError as exc:
                raise CommandError(f"--since takes a date like 2019-09-05, not {since!r}") from exc
        if publication:
            articles = articles.filter(publication__name__iexact=publication) | articles.filter(
                publication__slug=publication
            )
        if language:
            articles = articles.filter(language=language)
        if not_yet:
            articles = articles.filter(entities_found_at__isnull=True)
        total = articles.count()
        # No monitor thread beside the bar: extraction forks its workers only from a process
        # without other threads (articles.entities.parallel).
        tqdm.monitor_interval = 0
        with tqdm(
            total=total,
            unit="article",
            file=sys.stderr,
            desc="Entities",
            disable=True if no_progress else None,
        ) as bar:
            done = extract_articles(
                articles.prefetch_related("mentions").iterator(chunk_size=500),
                on_each=lambda _: bar.update(1),
                processes=processes,
            )
        self.stdout.write(f"Entities found in {done} of {total} articles.")
