"""Reader for the 2025 BBC News scrape (``shared/corpus/bbc_news_2025_sample``).

One xz-compressed CSV, ``bbc_news_2025.csv.xz``: a header row, then one article per row with
the columns ``(row number), url, text, headline, publish_date, author``. Missing values are the
literal string ``NaN``. The scraper glued the paragraphs together with no separator, so the
body's paragraph breaks are guessed back (see ``restore_paragraphs``).
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from articles.ingest.files import csv_rows, open_text, usable
from articles.ingest.record import ArticleRecord, skip

logger = logging.getLogger(__name__)

FILE_NAME = "bbc_news_2025.csv.xz"
SOURCE_NAME = "bbc_news_2025.csv"
PUBLICATION = "BBC News"
PUBLICATION_URL = "https://www.bbc.com/news"
COLUMNS = ("", "url", "text", "headline", "publish_date", "author")
MISSING = "NaN"  # how pandas wrote an empty cell

# Where a paragraph ended and the next began, glued together by the scraper: sentence-ending
# punctuation (perhaps with a quote before it or a curly closing quote after it) right after a
# lower-case letter, a digit, a closing bracket or an all-capitals word ("the US.Trump"),
# directly followed by a capital; or a glued "include:The" where a dropped bulleted list used to
# be. This is SOURCE.md's hint, widened; it still misses paragraphs that ended without
# punctuation.
_GLUED_BREAK = re.compile(
    r"(?:(?<=[a-z0-9)%][.?!])|(?<=[A-Z]{2}[.?!])|(?<=[a-z]:)"
    r"|(?<=[a-z0-9)%][.?!][”’])|(?<=[a-z0-9)%][\"”'’][.?!]))"
    r"(?=[A-Z“‘])"
)
# The same, with a straight double quote between the full stop and the capital:
# 'he said."We' (the quote opens the next paragraph) or 'in Ukraine."It' (it closes this one).
# After an acronym too: 'told the BBC."We', 'in the UK."Behind'.
_GLUED_QUOTE_BREAK = re.compile(r'(?:(?<=[a-z0-9)%][.?!])|(?<=[A-Z]{2}[.?!]))"(?=[A-Z])')
# Byline parts that are places ("Natasha Booty in London") or the desk ("BBC News, Delhi").
_BYLINE_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+|&\s*)?|\s+&\s*|\s+and\s+")
_BYLINE_PLACE = re.compile(r"\s+in\s+[A-Z].*$")


def read(path: Path, limit: int | None = None) -> Iterator[ArticleRecord]:
    """Yield one ``ArticleRecord`` per CSV row of the corpus folder ``path``, in file order.

    Rows that cannot be used (wrong number of columns, no headline or no text) are skipped
    with a warning; ``limit`` caps the number of records yielded.
    """
    with open_text(Path(path) / FILE_NAME) as text:
        yield from usable((_record(label, row) for label, row in _rows(text)), limit)


def _rows(text: Iterable[str]) -> Iterator[tuple[str, list[str]]]:
    """Yield (label for messages, row) for each data row, skipping rows the csv module rejects."""
    rows = csv.reader(text)
    header = next(rows, None)
    if header is None:
        logger.warning("%s is empty", SOURCE_NAME)
        return
    if tuple(header) != COLUMNS:
        logger.warning("%s: unexpected header %r, reading by position", SOURCE_NAME, header)
    for _, row in csv_rows(rows, SOURCE_NAME, logger):
        yield f"line {rows.line_num}", row


def _record(row_label: str, row: list[str]) -> ArticleRecord | None:
    if len(row) != len(COLUMNS):
        skip(
            logger,
            f"{SOURCE_NAME} {row_label}",
            f"{len(row)} columns instead of {len(COLUMNS)}",
        )
        return None
    number, url, text, headline, publish_date, author = (cell.strip() for cell in row)
    source_name = f"{SOURCE_NAME}#{number}" if number else f"{SOURCE_NAME} {row_label}"
    if not headline or headline == MISSING or not text or text == MISSING:
        skip(logger, source_name, "no headline or no text")
        return None
    return ArticleRecord(
        title=headline,
        body=restore_paragraphs(text),
        raw_text=row[2],
        authors=split_byline(author),
        published=_parse_date(publish_date, source_name),
        publication=PUBLICATION,
        publication_url=PUBLICATION_URL,
        language="en",
        source_url="" if url == MISSING else url,
        source_name=source_name,
    )


def _parse_date(value: str, source_name: str) -> dt.date | None:
    """Read ``YYYY-MM-DD``; ``NaN`` (no date) and unreadable values give ``None``."""
    if not value or value == MISSING:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        logger.warning("%s: unreadable publish_date %r, left empty", source_name, value)
        return None


def restore_paragraphs(text: str) -> str:
    """Put back the paragraph breaks the scraper removed, one blank line between paragraphs.

    Expects the scraped ``text`` cell: paragraphs concatenated with no separator, as in
    ``"…of the century.The decision…"``. A straight quote between the full stop and the
    capital goes with the paragraph in which it leaves an even number of quotes, so an
    opening quote starts the next paragraph and a closing one ends this one.
    """
    breaks = [m.start() for m in _GLUED_BREAK.finditer(text)]
    breaks += [m.start() for m in _GLUED_QUOTE_BREAK.finditer(text)]  # before the quote, for now
    breaks.sort()

    paragraphs: list[str] = []
    start = 0
    for position in breaks:
        if position <= start:
            continue
        if text[position] == '"' and text[start:position].count('"') % 2 == 1:
            position += 1  # the quote closes the current paragraph
        paragraphs.append(text[start:position].strip())
        start = position
    paragraphs.append(text[start:].strip())
    return "\n\n".join(p for p in paragraphs if p)


def split_byline(byline: str) -> list[str]:
    """Split a BBC byline into author names.

    Names are joined by ", ", " & " or " and " (also ", and "). A name may carry a place
    ("Natasha Booty in London"), which is dropped; "BBC News" and the place after it in
    "Nikhil Inamdar, BBC News, Delhi" are the desk, not authors. A desk alone
    ("BBC Burmese") is kept: it is the whole byline. ``NaN`` means no byline.
    """
    byline = byline.strip()
    if not byline or byline == MISSING:
        return []
    authors: list[str] = []
    for part in _BYLINE_SEPARATOR.split(byline):
        name = _BYLINE_PLACE.sub("", part.strip())
        if not name:
            continue
        if name.startswith("BBC") and authors:
            break  # the desk and its place follow the names
        if name not in authors:
            authors.append(name)
    return authors
