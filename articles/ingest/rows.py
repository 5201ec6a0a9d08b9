"""How a record becomes an article's row: its identity (``checksum``), a stand-in title
where it prints none, what it lacks for publication, and the publication and section it is
filed under. Shared by the one-by-one store (``articles.ingest.pipeline``) and the batch
store (``articles.ingest.bulk``)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from django.core.files.base import ContentFile

from articles.ingest.record import ArticleRecord
from articles.models import Article, Publication, Section

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


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


def for_review(record: ArticleRecord) -> list[str]:
    """What keeps the record's article in review, in words: the fields it lacks, what its
    reader was unsure of, a section with no publication. Empty: it can be published."""
    missing = missing_fields(record)
    return missing + [r for r in [*record.review, *unfiled_section(record)] if r not in missing]


def find_publication(record: ArticleRecord) -> Publication | None:
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


def find_section(publication: Publication | None, name: str) -> Section | None:
    if publication is None or not name:
        return None
    existing = publication.sections.filter(name__iexact=name).order_by("pk").first()
    if existing is not None:
        return existing
    section, _ = Section.objects.get_or_create(publication=publication, name=name)
    return section


def unfiled_section(record: ArticleRecord) -> list[str]:
    """A section read without a publication to file it under: kept in words for review
    rather than lost (a section belongs to a publication)."""
    if record.section and not record.publication:
        return [f"section: {record.section} (no publication to file it under)"]
    return []


def keep_original(article: Article, path: Path) -> None:
    """Keep the file as given beside the article's raw text: nothing handed in is lost."""
    article.original_file.save(path.name, ContentFile(path.read_bytes()))
