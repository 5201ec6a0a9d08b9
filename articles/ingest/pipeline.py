"""Store what the readers read: deduplicate, create or reuse publications, sections,
authors and entities, and save each article in one transaction.

The search index follows through ``articles.search.indexing`` (per article after
each commit, or once at the end inside ``deferred_indexing()``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction

from articles.ingest.record import ArticleRecord
from articles.models import Article, Author, Byline, Entity, Mention, Publication, Section
from articles.search.indexing import deferred_indexing

log = logging.getLogger(__name__)


@dataclass
class ImportReport:
    created: list[Article] = field(default_factory=list)
    unchanged: list[Article] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)

    def summary(self) -> str:
        return (
            f"{len(self.created)} imported, {len(self.unchanged)} already in the archive, "
            f"{len(self.failed)} failed"
        )


def checksum(record: ArticleRecord) -> str:
    """SHA-256 of what the source gave (its raw text, else title and body)."""
    content = record.raw_text or f"{record.title}\n\n{record.body}"
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def missing_fields(record: ArticleRecord) -> list[str]:
    """The fields a complete article has that this record lacks."""
    wanted = {
        "title": record.title,
        "body": record.body,
        "publication date": record.published,
        "publication": record.publication,
    }
    return [name for name, value in wanted.items() if not value]


def _publication(record: ArticleRecord) -> Publication | None:
    if not record.publication:
        return None
    publication, _ = Publication.objects.get_or_create(
        name=record.publication,
        defaults={"homepage": record.publication_url, "default_language": record.language},
    )
    return publication


def _section(publication: Publication | None, name: str) -> Section | None:
    if publication is None or not name:
        return None
    section, _ = Section.objects.get_or_create(publication=publication, name=name)
    return section


def _author(name: str) -> Author:
    author = Author.objects.filter(name__iexact=name).order_by("pk").first()
    return author or Author.objects.create(name=name)


def _entity(name: str, kind: str) -> Entity:
    entity = Entity.objects.filter(name__iexact=name, kind=kind).order_by("pk").first()
    return entity or Entity.objects.create(name=name, kind=kind)


def store(record: ArticleRecord, *, publish_complete: bool = True) -> tuple[Article, bool]:
    """Save one record; returns ``(article, created)``.

    The same document twice (same checksum) is one article: the second time returns
    the stored one untouched. A complete record is published when
    ``publish_complete``; one with fields missing comes in for review.
    """
    digest = checksum(record)
    existing = Article.objects.filter(checksum=digest).first()
    if existing is not None:
        return existing, False
    if not record.title.strip() or not record.body.strip():
        raise ValueError("no title or no body text was found")

    with transaction.atomic():
        publication = _publication(record)
        complete = not missing_fields(record)
        article = Article.objects.create(
            title=record.title.strip()[:500],
            kicker=record.kicker[:500],
            summary=record.summary,
            body=record.body,
            publication=publication,
            section=_section(publication, record.section),
            published_on=record.published,
            language=record.language or (publication.default_language if publication else ""),
            source_url=record.source_url[:1000],
            source_name=record.source_name[:500],
            raw_text=record.raw_text,
            checksum=digest,
            status=(
                Article.Status.PUBLISHED if complete and publish_complete else Article.Status.REVIEW
            ),
        )
        seen: set[int] = set()
        for position, name in enumerate(
            dict.fromkeys(n.strip() for n in record.authors if n.strip())
        ):
            author = _author(name)
            if author.pk not in seen:
                Byline.objects.create(article=article, author=author, position=position)
                seen.add(author.pk)
        counts: dict[int, int] = {}
        for ref in record.entities:
            entity = _entity(ref.name.strip(), ref.kind)
            counts[entity.pk] = counts.get(entity.pk, 0) + ref.count
        Mention.objects.bulk_create(
            Mention(article=article, entity_id=pk, count=n) for pk, n in counts.items()
        )
        if record.original_path is not None:
            # The file as given, kept beside its raw text: nothing handed in is lost.
            article.original_file.save(
                record.original_path.name, ContentFile(record.original_path.read_bytes())
            )
    return article, True


def import_records(
    records: Iterable[ArticleRecord], *, publish_complete: bool = True
) -> ImportReport:
    """Store every record; one that fails is reported and the rest go on."""
    report = ImportReport()
    with deferred_indexing():
        for record in records:
            source = record.source_name or record.title[:80]
            try:
                article, created = store(record, publish_complete=publish_complete)
            except Exception as exc:  # one bad document never stops the import
                log.warning("Could not import %s: %s", source, exc)
                report.failed.append((source, str(exc)))
                continue
            (report.created if created else report.unchanged).append(article)
    return report


def _read_dump_files(paths: Iterable[Path], report: ImportReport) -> Iterator[ArticleRecord]:
    from articles.ingest.dump import read_dump_file

    for path in paths:
        try:
            record = read_dump_file(path)
        except Exception as exc:
            log.warning("Could not read %s: %s", path, exc)
            report.failed.append((str(path), str(exc)))
            continue
        record.original_path = path
        yield record


def import_files(paths: Iterable[Path], *, publish_complete: bool = True) -> ImportReport:
    """Import text dumps; directories are searched for ``*.txt`` files."""
    files: list[Path] = []
    for path in map(Path, paths):
        files.extend(sorted(path.rglob("*.txt")) if path.is_dir() else [path])
    unreadable = ImportReport()
    report = import_records(_read_dump_files(files, unreadable), publish_complete=publish_complete)
    report.failed[:0] = unreadable.failed
    return report
