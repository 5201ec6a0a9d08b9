"""Store what the readers read: deduplicate, create or update, reuse publications,
sections, authors and entities, and save each article in its own transaction.

Identity: the same document (SHA-256 of what the source gave with its title, date, source
URL and publication; see ``checksum``) is the same article and is skipped. The same source
(its URL, else its file name or corpus key) with new content is a changed document: it
updates the article, except for the fields an editor corrected by hand
(``Article.edited_fields``, kept by the admin), which stay as the editor left them.

The search index follows through ``articles.search.indexing``: once, in batches, at the
end of an import (``deferred_indexing``), never per article.

What the readers skip while the import reads them (``articles.ingest.record.skip``: a
malformed row, an unreadable document) is reported as failed, beside the records that could
not be stored.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction

from articles.entities.cleanup import source_entity
from articles.ingest.record import ArticleRecord, reporting_skips
from articles.models import Article, Author, Byline, Entity, Mention, Publication, Section
from articles.search.indexing import deferred_indexing, schedule_out_of_step

log = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"

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

    def add(self, article: Article | None, outcome: str) -> None:
        """Count ``article`` (by its id) under ``outcome``: CREATED, UPDATED or UNCHANGED."""
        ids = {CREATED: self.created, UPDATED: self.updated, UNCHANGED: self.unchanged}[outcome]
        ids.append(article.pk if article is not None else None)

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


def checksum(record: ArticleRecord) -> str:
    """SHA-256 of the document: what the source gave (its raw text, else the body) together
    with what it says of the text beside it (title, date, source URL, publication).

    Corpora and tables give the body alone as raw text, and a short boilerplate body ("Shr
    loss 12 cts vs profit 3 cts") is shared by many different stories: hashing the body alone
    made them one article. The same document given twice still hashes the same.
    """
    parts = (
        record.raw_text or record.body,
        record.title,
        record.published.isoformat() if record.published else "",
        record.source_url,
        record.publication,
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


# What the admin shows for an article whose title the import made up.
UNTITLED = "title (none found: the first words of the text stand in)"
# How many words of the text a stand-in title takes.
STAND_IN_WORDS = 12


def stand_in_title(text: str) -> str:
    """A title for a document that prints none: its first sentence, or its first
    ``STAND_IN_WORDS`` words and "…"."""
    words = text.split()
    for count, word in enumerate(words[:STAND_IN_WORDS], start=1):
        if re.search(r"[.!?…]$", word) and count > 2:
            return " ".join(words[:count])
    return " ".join(words[:STAND_IN_WORDS]) + ("…" if len(words) > STAND_IN_WORDS else "")


def missing_fields(record: ArticleRecord) -> list[str]:
    """The fields a complete article has that this record lacks."""
    wanted = {
        "title": record.title.strip(),
        "body": record.body.strip(),
        "publication date": record.published,
        "publication": record.publication,
        "language": record.language,
    }
    return [name for name, value in wanted.items() if not value]


def _publication(record: ArticleRecord) -> Publication | None:
    if not record.publication:
        return None
    # "Harbour Post" printed in capitals in one document is the same publication.
    existing = Publication.objects.filter(name__iexact=record.publication).order_by("pk").first()
    if existing is not None:
        return existing
    publication, _ = Publication.objects.get_or_create(
        name=record.publication,
        defaults={"homepage": record.publication_url, "default_language": record.language},
    )
    return publication


def _section(publication: Publication | None, name: str) -> Section | None:
    if publication is None or not name:
        return None
    existing = publication.sections.filter(name__iexact=name).order_by("pk").first()
    if existing is not None:
        return existing
    section, _ = Section.objects.get_or_create(publication=publication, name=name)
    return section


def _unfiled_section(record: ArticleRecord) -> list[str]:
    """A section read without a publication to file it under: kept in words for review
    rather than lost (a section belongs to a publication)."""
    if record.section and not record.publication:
        return [f"section: {record.section} (no publication to file it under)"]
    return []


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
    if outcome == UNCHANGED:
        if not force:
            return article, outcome
        outcome = UPDATED

    with transaction.atomic():
        missing = missing_fields(record)
        missing += [r for r in [*record.review, *_unfiled_section(record)] if r not in missing]
        if article is None:
            article = Article(
                status=(
                    Article.Status.PUBLISHED
                    if publish_complete and not missing
                    else Article.Status.REVIEW
                )
            )
        keep = set(article.edited_fields)
        publication = _publication(record) if "publication" not in keep else article.publication
        values = {
            "title": record.title.strip()[:500],
            "kicker": record.kicker[:500],
            "summary": record.summary,
            "body": record.body,
            "published_on": record.published,
            "language": record.language or (publication.default_language if publication else ""),
            "source_url": record.source_url[:1000],
            "publication": publication,
            "section": _section(publication, record.section),
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
            if named := source_entity(ref.name, ref.kind):  # a keyword may be no name
                entity = _entity(*named)
                counts[entity.pk] = counts.get(entity.pk, 0) + ref.count
        Mention.objects.bulk_create(
            Mention(article=article, entity_id=pk, count=n, origin=Mention.Origin.SOURCE)
            for pk, n in counts.items()
            if pk not in kept
        )
        if record.original_path is not None:
            # The file as given, kept beside its raw text: nothing handed in is lost.
            article.original_file.save(
                record.original_path.name, ContentFile(record.original_path.read_bytes())
            )
    return article, outcome


def import_records(
    records: Iterable[ArticleRecord],
    *,
    publish_complete: bool = True,
    dry_run: bool = False,
    find_entities: bool = True,
    on_each: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Store every record, each in its own transaction; one that fails is reported and
    the rest go on. New and changed articles then have their entities found (in batches,
    ``articles.entities``). With ``dry_run`` nothing is written: the report says what
    would be. Items the readers skip while they are read here count as failed."""
    report = ImportReport(dry_run=dry_run)
    with deferred_indexing():
        with reporting_skips(report.fail):
            _store_all(records, report, publish_complete, dry_run, on_each)
        if not dry_run:
            # A run stopped before its end (where it indexes) left articles stored but not
            # indexed; this run finds them unchanged, and indexes those the index lacks.
            schedule_out_of_step(report.unchanged)
        if find_entities and not dry_run:
            # New and changed articles, and those a stopped run stored but did not reach.
            todo = [*report.created, *report.updated, *_never_tagged(report.unchanged)]
            if todo:
                from articles.entities.tagging import extract_articles

                extract_articles(_articles(todo))
    return report


def _never_tagged(ids: list[int]) -> list[int]:
    """Those of ``ids`` whose entities were never looked for."""
    found = []
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


def _store_all(records, report, publish_complete, dry_run, on_each) -> None:
    for record in records:
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


def import_files(paths: Iterable[Path], **options) -> ImportReport:
    """Import documents (PDF-to-text dumps, PDFs, HTML pages, text, Markdown)."""
    from articles.ingest.sources import document_paths, document_records

    return import_records(document_records(document_paths(paths)), **options)


def reclean(articles: Iterable[Article]) -> ImportReport:
    """Read each article's kept raw text again with today's cleanup and metadata, and
    update it (editors' corrections kept). Articles from corpora, whose raw text is a
    corpus field rather than a document, are left as they are."""
    from articles.ingest.documents import REPARSABLE, reparse

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
