"""The shape every reader hands to the pipeline.

Readers turn a source (a PDF-to-text dump, a corpus file, a CSV row) into
``ArticleRecord`` values; the pipeline (``articles.ingest.pipeline``) stores
them. Readers do no database work, so each can be tested on its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

# The entity kinds the archive knows; mirrors ``articles.models.Entity.Kind``.
ENTITY_KINDS = ("person", "organisation", "place", "other")


@dataclass
class EntityRef:
    """An entity named by the source itself (e.g. Reuters' index terms)."""

    name: str
    kind: str  # one of ENTITY_KINDS
    count: int = 1


@dataclass
class ArticleRecord:
    """One article as read from a source, before it is stored.

    ``raw_text`` is what the source gave, untouched, so that cleanup can be re-run
    later; ``body`` is the cleaned text with paragraphs separated by one blank line.
    Missing fields stay empty (``""``, ``None`` or ``[]``): the pipeline flags
    such articles for review instead of guessing.
    """

    title: str
    body: str
    raw_text: str = ""
    authors: list[str] = field(default_factory=list)
    published: dt.date | None = None
    publication: str = ""
    publication_url: str = ""  # homepage, e.g. "https://www.afgazad.com"
    section: str = ""
    language: str = ""  # ISO 639-1 code, e.g. "en", "fa"
    kicker: str = ""
    summary: str = ""
    source_url: str = ""
    source_name: str = ""  # the original file name or corpus key, e.g. "reut2-000.sgm#17"
    original_path: Path | None = None  # a file to keep with the article, as it was given
    format: str = ""  # how raw_text is to be read again: "dump", "pdf", "html", "corpus:reuters"…
    entities: list[EntityRef] = field(default_factory=list)
