"""Reader for the Fars News Agency sample (``shared/corpus/farsnews_sample_fa``), in Persian.

One xz-compressed JSON Lines file, ``fars-news.jsonl.xz``: per line an object with ``title``,
``abstract`` (the lead, usually opening with the agency's name), ``paragraphs``, ``cat`` (a
section slug), ``subcat``, ``tags`` and ``link``. There is no date field: the news id in the
link encodes the Jalali date (see ``date_from_link``).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from pathlib import Path

from articles.ingest.files import json_object, open_text, usable
from articles.ingest.jalali import jalali_to_gregorian
from articles.ingest.record import ArticleRecord, EntityRef, skip

logger = logging.getLogger(__name__)

FILE_NAME = "fars-news.jsonl.xz"
SOURCE_NAME = "fars-news.jsonl"
PUBLICATION = "Fars News Agency"
PUBLICATION_URL = "https://www.farsnews.ir"

# Fars News started in Bahman 1381 (February 2003); ids that decode to earlier years are not
# dates (the sample has three that decode to 1360).
FIRST_YEAR = 1381

# The agency's credit opening the lead: "خبرگزاري فارس:" (Arabic yeh) or "خبرگزاری فارس:"
# (Persian yeh), also with a dash, underscore or comma for the colon, a space inside the
# name, the "خبرگزراي" typo, or stray ZWNJs (U+200C) and spaces around it; once or twice.
_AGENCY_CREDIT = re.compile(
    r"^(?:[\s\u200c]*خبر[\s\u200c]*گز(?:ار|را)[يی][\s\u200c]*فارس[\s\u200c]*[:\-_،][\s\u200c]*)+"
)
_NEWS_ID = re.compile(r"/news/(\d+)")

# Section slugs whose words do not make a good English name on their own.
SECTIONS = {
    "arts-media": "Arts and Media",
    "myfars": "MyFars",
    "scientific-academic": "Science and Academia",
}


def read(path: Path, limit: int | None = None) -> Iterator[ArticleRecord]:
    """Yield one ``ArticleRecord`` per line of the JSON Lines file in the corpus folder ``path``.

    Lines that are not a JSON object, or have no title or no text, are skipped with a warning;
    ``limit`` caps the number of records yielded. Duplicate articles are left to the pipeline.
    """
    with open_text(Path(path) / FILE_NAME) as lines:
        records = (
            parse_line(line, f"{SOURCE_NAME}#{number}")
            for number, line in enumerate(lines, start=1)
            if line.strip()
        )
        yield from usable(records, limit)


def parse_line(line: str, source_name: str) -> ArticleRecord | None:
    """Turn one JSON line into a record; ``None`` (with a warning) if it cannot be used."""
    item = json_object(line, source_name, logger)
    if item is None:
        return None

    title = _text(item.get("title"))
    paragraphs = item.get("paragraphs")
    if not isinstance(paragraphs, list):
        paragraphs = []
    body = "\n\n".join(text for text in (_text(p) for p in paragraphs) if text)
    if not title or not body:
        skip(logger, source_name, "no title or no text")
        return None

    link = _text(item.get("link"))
    return ArticleRecord(
        title=title,
        body=body,
        raw_text="\n\n".join(p for p in paragraphs if isinstance(p, str)),
        published=date_from_link(link),
        publication=PUBLICATION,
        publication_url=PUBLICATION_URL,
        section=section_name(_text(item.get("cat"))),
        language="fa",
        summary=strip_agency_credit(_text(item.get("abstract"))),
        source_url=link,
        source_name=source_name,
        entities=_tags(item.get("tags")),
    )


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def strip_agency_credit(abstract: str) -> str:
    """Drop the "خبرگزاري فارس:" credit that opens most leads; the rest is the summary."""
    return _AGENCY_CREDIT.sub("", abstract, count=1).strip()


def section_name(slug: str) -> str:
    """An English section name for a slug: "world" → "World", "farsplus-magazine" →
    "Farsplus Magazine", "" → "".
    """
    if slug in SECTIONS:
        return SECTIONS[slug]
    return " ".join(word.capitalize() for word in slug.split("-") if word)


def date_from_link(link: str) -> dt.date | None:
    """The publication date encoded in a Fars News link's id, as a Gregorian date.

    ``https://www.farsnews.ir/news/<id>[/<slug>]``: a 10-digit id is ``YYMMDDNNNN`` (year
    13YY), a 14-digit id ``YYYYMMDDNNNNNN``; the date is Jalali. Other ids, dates that do not
    exist and years before the agency existed give ``None``.
    """
    match = _NEWS_ID.search(link)
    if match is None:
        return None
    news_id = match.group(1)
    if len(news_id) == 10:
        year, month, day = 1300 + int(news_id[:2]), int(news_id[2:4]), int(news_id[4:6])
    elif len(news_id) == 14:
        year, month, day = int(news_id[:4]), int(news_id[4:6]), int(news_id[6:8])
    else:
        return None
    if year < FIRST_YEAR:
        return None
    try:
        return jalali_to_gregorian(year, month, day)
    except ValueError:
        return None


def _tags(tags: object) -> list[EntityRef]:
    """The site's keywords as entities of kind "other" (they mix people, places and topics)."""
    if not isinstance(tags, list):
        return []
    names = dict.fromkeys(_text(tag) for tag in tags)  # ordered, each tag once
    return [EntityRef(name=name, kind="other") for name in names if name]
