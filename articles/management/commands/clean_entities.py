import datetime as dt
import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.entities.stored import clean_stored_entities
from articles.entities.tagging import extract_articles
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Apply today's entity rules to the entities already stored: names that are no name "
        "(numbers, amounts, punctuation) go with their mentions, trimmed names are renamed or "
        "join the entity of that name, glued names are found again in their articles, kinds "
        "follow the weight of the mentions. Entities editors reviewed, gave aliases, or whose "
        "mentions they added or rejected are left alone. Every change is printed and kept in "
        "a JSON record."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )
        parser.add_argument(
            "--record",
            type=Path,
            help="Where to keep the JSON record (default: var/entity-cleanup-<time>.json).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, dry_run, record, no_progress, **options):
        report = clean_stored_entities(dry_run=dry_run)
        for change in report.changes:
            self.stdout.write(str(change))
        for pk, name, kind in report.left_for_editors:
            self.stdout.write(f"editors  #{pk} {name!r} ({kind}): an editor's mention; left alone")
        extracted = 0
        if report.to_extract and not dry_run:
            articles = Article.objects.filter(pk__in=report.to_extract).order_by("pk")
            with tqdm(
                total=len(report.to_extract),
                unit="article",
                file=sys.stderr,
                desc="Entities",
                disable=True if no_progress else None,
            ) as bar:
                extracted = extract_articles(
                    articles.prefetch_related("mentions").iterator(chunk_size=500),
                    on_each=lambda _: bar.update(1),
                )
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        record = record or Path(settings.VAR_DIR) / f"entity-cleanup-{stamp}.json"
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(
            json.dumps({"at": stamp, **report.as_record()}, ensure_ascii=False, indent=1)
        )
        counts = ", ".join(f"{n} {action}" for action, n in sorted(report.counts().items()))
        would = "would be " if dry_run else ""
        self.stdout.write(
            f"Entities {would}changed: {counts or 'none'}; "
            f"{len(report.left_for_editors)} left for editors; "
            f"{report.kinds_settled} changed kind, {report.short_names_merged} short names merged; "
            f"articles to look at again {len(report.to_extract)}"
            + (f" (done: {extracted})" if extracted else "")
            + f". Record: {record}"
        )
