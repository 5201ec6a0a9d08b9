"""The shape every reader hands to the pipeline.

Readers turn a source (a PDF-to-text dump, a corpus file, a CSV row) into
``ArticleRecord`` values; the pipeline (``articles.ingest.pipeline``) stores
them. Readers do no database work, so each can be tested on its own.

What a reader cannot use (a malformed row, a document it cannot read) it passes over with
``skip``, which logs where and why; an import that is reading (``reporting_skips``) counts
it as failed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class EntityRef:
    """An entity named by the source itself (e.g. Reuters' index terms)."""

    name: str
    kind: str  # one of articles.models.Entity.Kind's values
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
    # What the reader was unsure of, in words for an editor ("title: no line stood out as the
    # title"): such an article comes in for review, as one with fields missing does.
    review: list[str] = field(default_factory=list)
    # Pages read by OCR (articles.ingest.ocr.ScannedPage): images and confidence, kept with
    # the article for the admin.
    scanned_pages: list[Any] = field(default_factory=list)
    # What the search backend made of this record before it was stored
    # (``articles.ingest.bulk.index_ahead``, in an import's reading process); used only
    # where the stored article gives the same text.
    indexed_ahead: Any = None


class UnreadableDocument(Exception):
    """A document that cannot be imported; ``reason`` says why, in words for the user.

    Raised by the format readers (``articles.ingest.formats``) and by the dispatcher that
    hands documents to them (``articles.ingest.documents``); it lives here, with the record
    the readers make, so that neither has to import the other to name it.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# Who hears of skipped items: set by the import that is pulling records from the readers.
_skip_listener: ContextVar[Callable[[str, str], None] | None] = ContextVar(
    "skip_listener", default=None
)


def skip(logger: logging.Logger, source: str, reason: str, **log_options: Any) -> None:
    """Pass over an item that cannot be used: log ``"<source>: skipped, <reason>"`` and tell
    the import that is reading it, if any (see ``reporting_skips``).

    ``source`` says where the item is, as a user can find it: the file and the row or line
    ("test.csv#12", "Dataset.csv line 40", "reut2-000.sgm#NEWID=17"), or a document's path;
    ``reason`` says why, in words ("no title or no body"). ``log_options`` go to the log
    call (``exc_info=True``).
    """
    # stacklevel: the log names the reader that skipped, not this function.
    logger.warning("%s: skipped, %s", source, reason, stacklevel=2, **log_options)
    report_skip(source, reason)


def report_skip(source: str, reason: str) -> None:
    """Tell the import that is reading, if any, of an item passed over (``skip`` without
    the log: for an item a reading process passed over and logged, see ``reader_process``)."""
    listener = _skip_listener.get()
    if listener is not None:
        listener(source, reason)


@contextmanager
def reporting_skips(listener: Callable[[str, str], None]) -> Iterator[None]:
    """Within the block, every ``skip`` also calls ``listener(source, reason)``.

    Readers stream their records through generators and helpers several calls deep; a
    context variable lets the import that pulls the records hear of every item passed over,
    without a list handed down through each of them (as ``deferred_indexing`` gathers saves).
    """
    token = _skip_listener.set(listener)
    try:
        yield
    finally:
        _skip_listener.reset(token)
