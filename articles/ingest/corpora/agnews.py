"""Reader for the AG News test split (``shared/corpus/ag_news_test``), in English.

``test.csv.xz``: a CSV without a header, one item per row: class index (1-4), title,
description. ``classes.txt`` names the classes, one a line (World, Sports, Business,
Sci/Tech). The items are 2004-05 news snippets that A. Gulli's ComeToMyHead engine gathered
from more than 2,000 sources; there are no dates, bylines or links.

What is made of each row:

- ``title`` and ``body`` (the description), repaired as ``clean_text`` describes: the set
  mangled its HTML references and line breaks, and some descriptions carry feed markup; a
  first paragraph that repeats the title is dropped, and one that is a byline ("By Deborah
  Cohen") becomes the ``authors``;
- ``section``: the class's name from ``classes.txt``;
- ``publication``: AG's corpus is an aggregator's crawl, not a publication, so an item is
  credited to the source it names, when it names one we know: the title's closing
  "(Reuters)" / "(AP)" / "(SPACE.com)", a dateline's "TORONTO (Reuters) -", or a lead's
  "SPACE.com - " (see ``CREDITS``). The credit is taken off the title and off the start of
  the description. About three items in four name no source: their publication stays empty,
  and the pipeline holds them for review (as it does every item here: none has a date).
"""

from __future__ import annotations

import csv
import html
import logging
import re
from collections.abc import Iterator
from pathlib import Path

from articles.ingest.files import csv_rows, open_text, usable
from articles.ingest.metadata import is_byline, parse_authors
from articles.ingest.record import ArticleRecord, skip

logger = logging.getLogger(__name__)

FILE_NAME = "test.csv.xz"
SOURCE_NAME = "test.csv"
CLASSES_FILE = "classes.txt"
# classes.txt's names, for a folder without the file.
CLASSES = ("World", "Sports", "Business", "Sci/Tech")

# The sources items credit, as they spell them (case aside), with the publication's name
# and homepage; names as the other readers give them ("Associated Press", "Reuters").
CREDITS = {
    "afp": ("AFP", "https://www.afp.com"),
    "ap": ("Associated Press", "https://apnews.com"),
    "businessweek online": ("BusinessWeek", "https://www.businessweek.com"),
    "canadian press": ("The Canadian Press", "https://www.thecanadianpress.com"),
    "cbs.mw": ("CBS MarketWatch", "https://www.marketwatch.com"),
    "cnn/money": ("CNN Money", "https://money.cnn.com"),
    "computerworld": ("Computerworld", "https://www.computerworld.com"),
    "cp": ("The Canadian Press", "https://www.thecanadianpress.com"),
    "forbes.com": ("Forbes", "https://www.forbes.com"),
    "ft.com": ("Financial Times", "https://www.ft.com"),
    "idg news service": ("IDG News Service", "https://www.idg.com"),
    "infoworld": ("InfoWorld", "https://www.infoworld.com"),
    "investor's business daily": ("Investor's Business Daily", "https://www.investors.com"),
    "los angeles times": ("Los Angeles Times", "https://www.latimes.com"),
    "maccentral": ("MacCentral", "https://www.macworld.com"),
    "newsfactor": ("NewsFactor", "https://www.newsfactor.com"),
    "pc world": ("PC World", "https://www.pcworld.com"),
    "reuters": ("Reuters", "https://www.reuters.com"),
    "siliconvalley.com": ("SiliconValley.com", "https://www.siliconvalley.com"),
    "space.com": ("Space.com", "https://www.space.com"),
    "sports network": ("The Sports Network", "https://www.sportsnetwork.com"),
    "techweb": ("TechWeb", "https://www.techweb.com"),
    "the motley fool": ("The Motley Fool", "https://www.fool.com"),
    "thedeal.com": ("The Deal", "https://www.thedeal.com"),
    "usatoday.com": ("USA Today", "https://www.usatoday.com"),
    "washingtonpost.com": ("The Washington Post", "https://www.washingtonpost.com"),
    "xinhuanet": ("Xinhua", "http://www.xinhuanet.com"),
    "ziff davis": ("Ziff Davis", "https://www.ziffdavis.com"),
}

_TITLE_CREDIT = re.compile(r"\s*\((?P<credit>[^()]{2,40})\)\s*$")
_DATELINE_CREDIT = re.compile(r"^[^()]{0,80}?\((?P<credit>[^()]{2,30})\)\s*-{1,2}\s")
_LEAD_CREDIT = re.compile(r"^(?P<credit>[A-Za-z][\w.&'/ ]{1,30}?)\s+-{1,2}\s+")

# The set's mangled text: an HTML reference whose "&" became a space (" #39;s", "Johnson
# amp; Johnson", " quot;"), and escaped line breaks written as a backslash.
_BROKEN_REFERENCE = re.compile(r"(?:^| )(#\d{2,5}|quot|amp|lt|gt|apos|hellip|nbsp);")
_NAMED = {"quot": '"', "amp": "&", "lt": "<", "gt": ">", "apos": "'", "hellip": "…", "nbsp": " "}
# Feed furniture after the text: an advertisement, and a grey small-print credit.
_ADVERTISEMENT = re.compile(r"<p>\s*ADVERTISEMENT\s*</p>.*$", re.I | re.S)
_FONT_CREDIT = re.compile(r"<font\b[^>]*>.*$", re.I | re.S)
# Markup left in some descriptions; tickers such as "<TXN.N>" are text and stay.
_BLOCK_TAG = re.compile(r"</?(?:p|br|div)\b[^<>]*>", re.I)
_INLINE_TAG = re.compile(r"</?(?:a|b|i|u|em|strong|font|nobr|span|img)\b[^<>]*>", re.I)
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def read(path: Path, limit: int | None = None) -> Iterator[ArticleRecord]:
    """Yield one ``ArticleRecord`` per CSV row of the corpus folder ``path``, in file order.

    Rows that cannot be used (not three columns, an unknown class, no title or no
    description) are skipped with a warning; ``limit`` caps the number of records yielded.
    """
    folder = Path(path)
    classes = class_names(folder / CLASSES_FILE)
    with open_text(folder / FILE_NAME) as text:
        rows = csv_rows(csv.reader(text), SOURCE_NAME, logger)
        records = (parse_row(row, f"{SOURCE_NAME}#{number}", classes) for number, row in rows)
        yield from usable(records, limit)


def class_names(path: Path) -> dict[str, str]:
    """Class index → name from ``classes.txt`` ("1" → "World"); the usual four if it is missing."""
    try:
        names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    except OSError:
        logger.warning("%s not found: the usual AG News class names are used", path)
        names = list(CLASSES)
    return {str(index): name for index, name in enumerate(names, start=1) if name}


def parse_row(row: list[str], source_name: str, classes: dict[str, str]) -> ArticleRecord | None:
    """Turn one CSV row into a record; ``None`` (with a warning) if it cannot be used."""
    if len(row) != 3:
        skip(logger, source_name, f"{len(row)} columns instead of 3")
        return None
    label, raw_title, raw_description = row
    section = classes.get(label.strip())
    if section is None:
        skip(logger, source_name, f"unknown class {label!r}")
        return None
    title = " ".join(clean_text(raw_title).split())
    body = clean_text(raw_description)
    title, body, credit = take_credit(title, body)
    paragraphs = body.split("\n\n")
    if len(paragraphs) > 1 and paragraphs[0] == title:
        paragraphs = paragraphs[1:]  # a feed that repeated the headline above the text
    authors = []
    if len(paragraphs) > 1 and is_byline(paragraphs[0]):  # "By Deborah Cohen", Reuters' feed
        authors = parse_authors(paragraphs[0])
        paragraphs = paragraphs[1:]
    body = "\n\n".join(paragraphs)
    if not title or not body:
        skip(logger, source_name, "no title or no description")
        return None
    publication, homepage = CREDITS.get(credit.lower(), ("", "")) if credit else ("", "")
    return ArticleRecord(
        title=title,
        body=body,
        raw_text=raw_description,
        authors=authors,
        publication=publication,
        publication_url=homepage,
        section=section,
        language="en",
        source_name=source_name,
    )


def clean_text(text: str) -> str:
    """Repair one title or description; paragraphs are separated by one blank line.

    Expects the CSV cell as the set gives it. A doubled backslash is a paragraph break, a
    backslash before "$" escapes it and any other backslash is a line break (a space here).
    References whose "&" became a space are restored (" #39;s" → "'s", "Johnson  amp;
    Johnson" → "Johnson & Johnson", " #151;" → "—"), then the intact ones ("&lt;"). An
    advertisement or a grey credit line at the end is dropped, other markup removed; tickers
    such as "<TXN.N>" stay.
    """
    text = text.replace("\\\\", "\n\n").replace("\\$", "$").replace("\\", " ")
    text = html.unescape(_BROKEN_REFERENCE.sub(_restore_reference, text))
    text = _FONT_CREDIT.sub("", _ADVERTISEMENT.sub("", text))
    text = _INLINE_TAG.sub("", _BLOCK_TAG.sub("\n\n", text))
    text = _CONTROL.sub(" ", text.replace("\u00a0", " "))
    paragraphs = (" ".join(block.split()) for block in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


def _restore_reference(match: re.Match[str]) -> str:
    name = match.group(1)
    if not name.startswith("#"):
        return _NAMED[name]
    code = int(name[1:])
    if 128 <= code <= 159:  # Windows-1252 code points written as references: "#151;" is "—"
        return bytes([code]).decode("cp1252", errors="ignore")
    return chr(code) if 32 <= code <= 0x10FFFF else ""


def take_credit(title: str, body: str) -> tuple[str, str, str]:
    """Find the source an item credits: ``(title, body, credit)``, credit as spelled, or "".

    The title's closing "(Reuters)" is taken off the title; a lead's "SPACE.com - " off the
    body; a dateline's "TORONTO (Reuters) -" stays, as it is part of the story. Only
    sources in ``CREDITS`` count: "(Update1)" or "Athens - " are not credits.
    """
    credit = ""
    match = _TITLE_CREDIT.search(title)
    if match and match["credit"].strip().lower() in CREDITS:
        credit = match["credit"].strip()
        title = title[: match.start()].strip()
    lead = _LEAD_CREDIT.match(body)
    if lead and lead["credit"].strip().lower() in CREDITS:
        credit = credit or lead["credit"].strip()
        body = body[lead.end() :].strip()
    if not credit:
        dateline = _DATELINE_CREDIT.match(body)
        if dateline and dateline["credit"].strip().lower() in CREDITS:
            credit = dateline["credit"].strip()
    return title, body, credit
