"""Store what the readers read: deduplicate, create or update, reuse publications,
sections, authors and entities. New articles go in a batch at a time, in one transaction
per batch (``articles.ingest.bulk``); changed ones, and every record of a batch that
failed, are saved one by one, each in its own transaction.

Identity: the same document (SHA-256 of what the source gave with its title, date, source
URL and publication; see ``checksum``) is the same article and is skipped. The same source
(its URL, else its file name or corpus key) with new content is a changed document: it
updates the article, except for the fields an editor corrected by hand
(``Article.edited_fields``, kept by the admin), which stay as the editor left them.

The search index follows through ``articles.search.indexing``: in batches at the end of an
import (``deferred_indexing``), never per article; an import without entity extraction
indexes its new articles as they are stored, ``bulk.INDEX_EVERY`` at a time.

What the readers skip while the import reads them (``articles.ingest.record.skip``: a
malformed row, an unreadable document) is reported as failed, beside the records that could
not be stored.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.db import transaction

from articles.entities.cleanup import source_entity
from articles.entities.tagging import extract_articles
from articles.ingest.bulk import RunCache, Unindexed, batches, store_batch
from articles.ingest.documents import REPARSABLE, reparse
from articles.ingest.ocr import save_pages
from articles.ingest.record import ArticleRecord, reporting_skips
from articles.ingest.rows import (
    CREATED,
    UNCHANGED,
    UNTITLED,
    UPDATED,
    checksum,
    find_publication,
    find_section,
    for_review,
    keep_original,
    stand_in_title,
)
from articles.ingest.rows import missing_fields as missing_fields  # for articles.upload
from articles.ingest.sources import document_paths, document_records
from articles.models import Article, Author, Byline, Entity, Mention
from articles.search.indexing import deferred_indexing, schedule_out_of_step
from articles.stories import find_stories

log = logging.getLogger(__name__)

# Objects made between two looks of the garbage collector at the youngest ones, during an
# import (``old_objects_left_alone``); Python's default is 700.
YOUNG_OBJECTS = 10_000

# Article fields an import fills, and so an editor's correction of which it must respect.
IMPORTED_FIELDS = (
    "title",
    "kicker",
    "summary",
    "body",
    "published_on",
    "language",
    "source_url",
    "publication",
    "section",
    "authors",
)


# How many failures a report lists with their reasons; past that it only counts them, so that
# a badly broken file of a million rows does not keep (and print) a line for each.
MAX_FAILURES_LISTED = 1000
# How many articles are fetched at a time to have their entities found after an import.
ENTITY_BATCH = 500


@dataclass
class ImportReport:
    """What an import did: the ids of the articles it created, updated or found unchanged,
    and what failed, as ``(source, reason)``.

    It holds ids, never ``Article`` objects: an import of 100,000 articles would otherwise
    keep every one, text and all, until it ends. ``failed_count`` counts every failure;
    ``failed`` lists the first ``MAX_FAILURES_LISTED``. In a dry run nothing is created:
    ``created`` holds a ``None`` for each article that would be.
    """

    created: list[int | None] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    failed_count: int = 0
    dry_run: bool = False

    def add(self, article: Article | int | None, outcome: str) -> None:
        """Count ``article`` (an article or its id) under ``outcome``: CREATED, UPDATED or
        UNCHANGED."""
        pk = article.pk if isinstance(article, Article) else article
        if outcome == CREATED:
            self.created.append(pk)
        elif pk is not None:  # only a dry run has no article, and it updates nothing
            {UPDATED: self.updated, UNCHANGED: self.unchanged}[outcome].append(pk)

    def fail(self, source: str, reason: str) -> None:
        """Count a failure; ``source`` says where (a file, with its row or line), ``reason``
        why."""
        self.failed_count += 1
        if len(self.failed) < MAX_FAILURES_LISTED:
            self.failed.append((source, reason))

    def summary(self) -> str:
        verb = "would be " if self.dry_run else ""
        return (
            f"{len(self.created)} {verb}imported, {len(self.updated)} {verb}updated, "
            f"{len(self.unchanged)} skipped (already in the archive), {self.failed_count} failed"
        )


def _author(name: str) -> Author:
    author = Author.objects.filter(name__iexact=name).order_by("pk").first()
    return author or Author.objects.create(name=name)


def _entity(name: str, kind: str) -> Entity:
    entity = Entity.objects.filter(name__iexact=name, kind=kind).order_by("pk").first()
    return entity or Entity.objects.create(name=name, kind=kind)


def same_source(record: ArticleRecord) -> Article | None:
    """The stored article this record is a new version of, if any."""
    if record.source_url:
        return Article.objects.filter(source_url=record.source_url[:1000]).first()
    if record.source_name:
        return Article.objects.filter(source_name=record.source_name[:500]).first()
    return None


def classify(record: ArticleRecord) -> tuple[Article | None, str]:
    """What storing the record would do, without doing it: ``(article, outcome)``."""
    existing = Article.objects.filter(checksum=checksum(record)).first()
    if existing is not None:
        return existing, UNCHANGED
    existing = same_source(record)
    return existing, (UPDATED if existing is not None else CREATED)


def store(
    record: ArticleRecord, *, publish_complete: bool = True, force: bool = False
) -> tuple[Article, str]:
    """Save one record in its own transaction; returns ``(article, outcome)``.

    A new complete record is published when ``publish_complete``; one with fields
    missing comes in for review, with what is missing in ``missing_fields``. An update
    keeps the article's status and every field in its ``edited_fields``. ``force``
    updates an article even when its source is unchanged (cleanup re-run).
    """
    if not (record.body.strip() or record.raw_text.strip()):
        raise ValueError("no article text was found")
    if not record.title.strip():
        # A readable document is never refused for want of a title: its first words stand
        # in, and an editor is asked to write one.
        record = replace(
            record,
            title=stand_in_title(record.body or record.raw_text),
            review=[*record.review, UNTITLED],
        )
    article, outcome = classify(record)
    if outcome == UNCHANGED and article is not None:
        if not force:
            return article, outcome
        outcome = UPDATED

    with transaction.atomic():
        missing = for_review(record)
        if article is None:
            article = Article(
                status=(
                    Article.Status.PUBLISHED
                    if publish_complete and not missing
                    else Article.Status.REVIEW
                )
            )
        keep = set(article.edited_fields)
        publication = find_publication(record) if "publication" not in keep else article.publication
        values = {
            "title": record.title.strip()[:500],
            "kicker": record.kicker[:500],
            "summary": record.summary,
            "body": record.body,
            "published_on": record.published,
            "language": record.language or (publication.default_language if publication else ""),
            "source_url": record.source_url[:1000],
            "publication": publication,
            "section": find_section(publication, record.section),
        }
        for name, value in values.items():
            if name not in keep:
                setattr(article, name, value)
        article.source_name = record.source_name[:500]
        article.source_format = record.format[:40]
        article.raw_text = record.raw_text
        article.checksum = checksum(record)
        article.missing_fields = missing
        article.save()

        if "authors" not in keep:
            article.bylines.all().delete()
            names = dict.fromkeys(n.strip() for n in record.authors if n.strip())
            authors = list(dict.fromkeys(_author(name) for name in names))
            Byline.objects.bulk_create(
                Byline(article=article, author=author, position=position)
                for position, author in enumerate(authors)
            )
        # The source's own tags are replaced; editors' mentions, and their rejections, stay.
        article.mentions.filter(origin=Mention.Origin.SOURCE, rejected=False).delete()
        kept = set(article.mentions.values_list("entity_id", flat=True))
        counts: dict[int, int] = {}
        for ref in record.entities:
            # A keyword may be no name (a topic, a function word of the article's language).
            if named := source_entity(ref.name, ref.kind, article.language):
                entity = _entity(*named)
                counts[entity.pk] = counts.get(entity.pk, 0) + ref.count
        Mention.objects.bulk_create(
            Mention(article=article, entity_id=pk, count=n, origin=Mention.Origin.SOURCE)
            for pk, n in counts.items()
            if pk not in kept
        )
        if record.original_path is not None:
            # The file as given, kept beside its raw text: nothing handed in is lost.
            keep_original(article, record.original_path)
        if record.scanned_pages:
            save_pages(article, record.scanned_pages)
    return article, outcome


def import_records(
    records: Iterable[ArticleRecord],
    *,
    publish_complete: bool = True,
    dry_run: bool = False,
    find_entities: bool = True,
    group_stories: bool = True,
    on_each: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Store every record (new ones a batch per transaction, the rest each in its own);
    one that fails is reported and the rest go on. New and changed articles then have
    their entities found (in batches, ``articles.entities``) and are grouped into stories
    (``articles.stories``); without ``find_entities`` / ``group_stories``,
    ``manage.py extract_entities --not-yet`` / ``manage.py find_stories`` catch up
    afterwards. With ``dry_run`` nothing is written: the report says what would be. Items
    the readers skip while they are read here count as failed."""
    report = ImportReport(dry_run=dry_run)
    with old_objects_left_alone(), deferred_indexing():
        with reporting_skips(report.fail):
            # Each batch is indexed as it is stored, unless entities found at the end
            # would change its articles again (indexing them twice).
            index_now = not find_entities
            _store_all(records, report, publish_complete, dry_run, on_each, index_now)
        if not dry_run:
            # A run stopped before its end (where it indexes) left articles stored but not
            # indexed; this run finds them unchanged, and indexes those the index lacks.
            schedule_out_of_step(report.unchanged)
        if find_entities and not dry_run:
            # New and changed articles, and those a stopped run stored but did not reach.
            created = [pk for pk in report.created if pk is not None]
            todo = [*created, *report.updated, *_never_tagged(report.unchanged)]
            if todo:
                extract_articles(_articles(todo))
        if group_stories and not dry_run:
            # Reprints and re-sends join their story (articles.stories). Unchanged articles
            # already placed are skipped there; those a stopped run never placed are not.
            try:
                stored = [*report.created, *report.updated, *report.unchanged]
                find_stories([pk for pk in stored if pk is not None])
            except Exception:  # the articles are stored; `manage.py find_stories` catches up
                log.exception("Could not group the imported articles into stories")
    return report


@contextmanager
def old_objects_left_alone() -> Iterator[None]:
    """Within the block, Python's garbage collector looks only at objects made in it, and
    less often.

    An import makes and drops objects by the million (nearly all freed as soon as dropped,
    without the collector), and every so often the collector went through the whole
    process (Django, the analyzer's caches and word lists) for the few cycles among them:
    0.08 ms of the importer's 0.5 an article. What was there before the run is set aside
    (``gc.freeze``) and the youngest objects are looked at every 10,000 made rather than
    700; both are given back at the run's end. Within a block already set aside (a nested
    import, a process that froze its own objects) nothing changes."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _never_tagged(ids: list[int]) -> list[int]:
    """Those of ``ids`` whose entities were never looked for."""
    found: list[int] = []
    for start in range(0, len(ids), ENTITY_BATCH):
        chunk = ids[start : start + ENTITY_BATCH]
        found += Article.objects.filter(pk__in=chunk, entities_found_at__isnull=True).values_list(
            "pk", flat=True
        )
    return found


def _articles(ids: list[int]) -> Iterator[Article]:
    """The articles with these ids, each once and in this order, fetched a batch at a time."""
    ids = list(dict.fromkeys(ids))
    for start in range(0, len(ids), ENTITY_BATCH):
        batch = ids[start : start + ENTITY_BATCH]
        found = Article.objects.in_bulk(batch)
        yield from (found[pk] for pk in batch if pk in found)


def _store_all(records, report, publish_complete, dry_run, on_each, index_now) -> None:
    def one(record: ArticleRecord) -> None:
        source = record.source_name or record.source_url or record.title[:80]
        try:
            if dry_run:
                article, outcome = classify(record)
            else:
                article, outcome = store(record, publish_complete=publish_complete)
        except Exception as exc:  # one bad document never stops the import
            log.warning("Could not import %s: %s", source, exc)
            report.fail(source, str(exc))
        else:
            report.add(article, outcome)
        if on_each:
            on_each(report)

    def added(pk: int, outcome: str, record: ArticleRecord) -> None:
        report.add(pk, outcome)
        if on_each:
            on_each(report)

    if dry_run:
        for record in records:
            one(record)
        return
    # New articles a batch at a time (``articles.ingest.bulk``); the rest one by one.
    cache, unindexed = RunCache(), Unindexed()
    try:
        for batch in batches(records):
            store_batch(
                batch,
                cache,
                publish_complete=publish_complete,
                add=added,
                one=one,
                index_now=index_now,
                unindexed=unindexed,
            )
    finally:
        # What is stored is indexed, even when reading the records failed.
        unindexed.index()


def import_files(paths: Iterable[Path], **options) -> ImportReport:
    """Import documents (PDF-to-text dumps, PDFs, HTML pages, text, Markdown)."""
    return import_records(document_records(document_paths(paths)), **options)


def reclean(articles: Iterable[Article]) -> ImportReport:
    """Read each article's kept raw text again with today's cleanup and metadata, and
    update it (editors' corrections kept). Articles from corpora, whose raw text is a
    corpus field rather than a document, are left as they are."""
    report = ImportReport()
    with deferred_indexing():
        for article in articles:
            if article.source_format not in REPARSABLE or not article.raw_text:
                report.add(article, UNCHANGED)
                continue
            try:
                record = reparse(article.source_format, article.raw_text, article.source_name)
                record.source_url = record.source_url or article.source_url
                _, outcome = store(record, force=True)
            except Exception as exc:
                report.fail(article.source_name or str(article.pk), str(exc))
            else:
                report.add(article, outcome)
    return report
