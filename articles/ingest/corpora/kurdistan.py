"""Reader for the Kurdistan university news set (``shared/corpus/kurdistan_univ_news_ku_ar_en``).

One xz-compressed CSV, ``Dataset.csv.xz``: a header row, then one post per row with the
columns ``id, title, content, link, url_hash, language, source, category`` and five columns
that are always empty or constant. Posts are in Sorani Kurdish, Arabic or English, from the
news pages of six universities of the Kurdistan Region; each university is the publication.

What is made of each row:

- ``language``: ISO 639 ``ckb`` (Sorani), ``ar`` or ``en``, from the page's own address
  ("…/ar/node/1186") where it says, else from the row's ``ku`` / ``ar`` / ``en`` label, which
  the set guessed by counting characters (see ``language_of``): 114 Arabic pages are
  labelled ``ku``;
- ``body``: ``content`` without the university's "about us" paragraph that the crawler put in
  front of some posts; when nothing else is there, or the crawler stored something else
  instead (see ``is_debris``), the title stands in for the text, as it already does in the
  rows where ``content`` equals ``title``. ``raw_text`` keeps ``content`` as it was;
- ``published``: the set has no date column, but the University of Sulaimani rows' content is
  the page's category line ending in the date ("Sulaimani Home Slider, News 19 Feb, 2025"),
  in English, Arabic or Kurdish; that date is read (see ``date_from_debris``);
- ``section`` from ``category``, ``publication`` from ``source``, ``source_url`` from ``link``.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from articles.ingest.cleanup import normalise_text
from articles.ingest.files import csv_rows, open_text, usable
from articles.ingest.record import ArticleRecord, skip

logger = logging.getLogger(__name__)

FILE_NAME = "Dataset.csv.xz"
SOURCE_NAME = "Dataset.csv"
COLUMNS = ("id", "title", "content", "link", "language", "source", "category")

LANGUAGES = {"ku": "ckb", "ar": "ar", "en": "en"}

# The universities' own sites, by the name the set gives them; others get their link's host.
HOMEPAGES = {
    "Garmian University": "https://garmian.edu.krd",
    "Koya University": "https://koyauniversity.org",
    "Qaiwan International University": "https://uniq.edu.iq",
    "Sulaimani Polytechnic University": "https://spu.edu.iq",
    "University of Goizha": "https://uog.edu.iq",
    "University of Sulaimani": "https://univsul.edu.iq",
}

# What the crawler stored instead of a post's text: its own placeholder; and a university's
# "about us" paragraph, in front of the post's text (all of Qaiwan's rows) or alone (some of
# Koya's). Matched on the content with its whitespace made single spaces.
_PLACEHOLDER = "Article extracted using method:"
_ABOUT_US = (
    re.compile(
        r"^Qaiwan International University \(QIU\) was established in 2018\b"
        r".*?diversifying its educational portfolio\.\s*"
    ),
    re.compile(r"^Koya University is located in the city of Koya\b.*?mountainous nature\.\s*"),
)
# The University of Sulaimani's category line, which ends in the post's date: "Sulaimani Home
# Slider, News 19 Feb, 2025", "السليمانية خبر, منزلقة الصفحة الرئيسية 03 يونيو, 2025",
# "سلێمانی هەواڵ 07 ئازار, 2025". It starts with the university's name in the page's language.
_CATEGORY_LINE = re.compile(
    r"^(?:Sulaimani|السليمانية|سلێمانی)(?:,? [^\d\s]+){0,6}"
    r" (?P<day>\d{1,2}) (?P<month>[^\d,]+?) ?, (?P<year>\d{4})$"
)
MAX_CATEGORY_LINE = 120

# Month names in the three languages of the category lines: English abbreviations, the
# Arabic names (Egyptian and Levantine/Iraqi) and the Sorani names, as the sites spell them.
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "يناير", "كانون الثاني", "کانوونی دووەم", "کانونی دووەم"),
            ("feb", "فبراير", "شباط", "شوبات"),
            ("mar", "مارس", "آذار", "ئازار"),
            ("apr", "أبريل", "ابريل", "نيسان", "نیسان"),
            ("may", "مايو", "أيار", "ئایار", "مایس"),
            ("jun", "يونيو", "حزيران", "حوزەیران"),
            ("jul", "يوليو", "تموز", "تەموز", "تەممووز"),
            ("aug", "أغسطس", "آب", "ئاب"),
            ("sep", "سبتمبر", "أيلول", "ئەیلوول", "ئەیلول"),
            ("oct", "أكتوبر", "تشرين الأول", "تشرینی یەکەم"),
            ("nov", "نوفمبر", "تشرين الثاني", "تشرینی دووەم"),
            ("dec", "ديسمبر", "كانون الأول", "کانوونی یەکەم", "کانونی یەکەم"),
        ),
        start=1,
    )
    for name in names
}

# Letters Sorani has and Arabic has not (ێ ۆ ڕ ڵ ە ھ); Arabic's teh marbuta (ة), which
# Sorani does not use, and its article "ال" at the start of a word.
_SORANI_LETTERS = re.compile("[\u06ce\u06c6\u0695\u06b5\u06d5\u06be]")
_ARABIC_SIGNS = re.compile(r"\u0629|(?:^|\s)\u0627\u0644")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def read(path: Path, limit: int | None = None) -> Iterator[ArticleRecord]:
    """Yield one ``ArticleRecord`` per CSV row of the corpus folder ``path``, in file order.

    Rows that cannot be used (a column missing, no title, or a language other than ku, ar,
    en) are skipped with a warning; ``limit`` caps the number of records yielded.
    """
    with open_text(Path(path) / FILE_NAME) as text:
        yield from usable((parse_row(row, label) for label, row in _rows(text)), limit)


def _rows(text: Iterable[str]) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield (label for messages, row by column name), skipping rows the csv module rejects."""
    rows = csv.DictReader(text)
    missing = [name for name in COLUMNS if name not in (rows.fieldnames or ())]
    if missing:
        skip(logger, SOURCE_NAME, f"no {', '.join(missing)} column, nothing read")
        return
    for _, row in csv_rows(rows, SOURCE_NAME, logger):
        yield f"line {rows.line_num}", row


def parse_row(row: Mapping[str, str | None], row_label: str) -> ArticleRecord | None:
    """Turn one CSV row (column → cell) into a record; ``None`` (with a warning) if unusable."""
    if None in row or any(row.get(name) is None for name in COLUMNS):
        skip(logger, f"{SOURCE_NAME} {row_label}", "wrong number of columns")
        return None
    cells = {name: _clean(row[name] or "") for name in COLUMNS}
    source_name = f"{SOURCE_NAME}#{cells['id']}" if cells["id"] else f"{SOURCE_NAME} {row_label}"
    title = " ".join(cells["title"].split())
    if not title:
        skip(logger, source_name, "no title")
        return None
    label = cells["language"].lower()
    if label not in LANGUAGES:
        skip(logger, source_name, f"unknown language {cells['language']!r}")
        return None

    content = without_about_us(cells["content"])
    debris = is_debris(content)
    # Posts whose page held no text of its own come in without a body, to be reviewed.
    body = "" if debris or not content.strip() else _paragraphs(content)
    link = cells["link"]
    publication = " ".join(cells["source"].split())
    return ArticleRecord(
        title=title,
        body=body,
        raw_text=row["content"] or "",
        published=date_from_debris(content) if debris else None,
        publication=publication,
        publication_url=HOMEPAGES.get(publication) or _homepage(link),
        section=" ".join(cells["category"].split()),
        language=language_of(label, title, link),
        source_url=link,
        source_name=source_name,
    )


def _clean(text: str) -> str:
    """The cell in NFC with regular spaces (no-break spaces too) and no control characters."""
    return _CONTROL.sub("", normalise_text(text))


def _paragraphs(text: str) -> str:
    """Paragraphs separated by one blank line; lines inside a paragraph joined with a space."""
    blocks = re.split(r"\n\s*\n", text.strip())
    paragraphs = (" ".join(block.split()) for block in blocks)
    return "\n\n".join(p for p in paragraphs if p)


def without_about_us(content: str) -> str:
    """``content`` without a university's "about us" paragraph in front of the post's text
    ("" if that paragraph is all there is); other content is returned as it is."""
    text = " ".join(content.split())
    for pattern in _ABOUT_US:
        match = pattern.match(text)
        if match is not None:
            return text[match.end() :]
    return content


def is_debris(content: str) -> bool:
    """Whether ``content`` is something the crawler stored instead of the post's text: its
    placeholder ("Article extracted using method: …") or the page's category line with the
    date."""
    text = " ".join(content.split())
    return text.startswith(_PLACEHOLDER) or (
        len(text) <= MAX_CATEGORY_LINE and _CATEGORY_LINE.match(text) is not None
    )


def date_from_debris(content: str) -> dt.date | None:
    """The date ending a category line: "Sulaimani Home Slider, News 19 Feb, 2025" →
    2025-02-19; ``None`` for other text or an unknown month name."""
    text = " ".join(content.split())
    match = _CATEGORY_LINE.match(text) if len(text) <= MAX_CATEGORY_LINE else None
    if match is None:
        return None
    month = _MONTHS.get(match["month"].strip().lower())
    if month is None:
        return None
    try:
        return dt.date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        return None


def language_of(label: str, title: str, link: str = "") -> str:
    """The ISO code of a post's language: ``ckb``, ``ar`` or ``en``.

    The page's address says it first: "https://koyauniversity.org/ar/node/1186" is Arabic
    (not a listing page's anchor, "…/ku/hawalakan/#title", which says where the list was).
    Otherwise the row's label counts, checked against the title: a ``ku`` row whose title has
    no letter peculiar to Sorani but Arabic's teh marbuta or its article "ال" is Arabic.
    """
    parts = urlsplit(link)
    segment = parts.path.strip("/").split("/", 1)[0].lower()
    if segment in LANGUAGES and not parts.fragment:
        return LANGUAGES[segment]
    if label == "ku" and not _SORANI_LETTERS.search(title) and _ARABIC_SIGNS.search(title):
        return "ar"
    return LANGUAGES[label]


def _homepage(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.scheme}://{parts.hostname}" if parts.scheme and parts.hostname else ""
