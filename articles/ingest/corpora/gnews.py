"""Reader for the GNews headlines archive (``shared/corpus/gnews_headlines_archive``), in English.

One tar.xz, ``news_md.tar.xz``, holding ``news/news_YYYYMMDD_HHMM.md``: a scraper's twice-daily
fetch of the GNews API's top headlines, each file a heading with the fetch time ("# News
Today -- Fetched at 2025-10-02 14:25 Beijing Time") and a Markdown table with one row per
headline: ``| category | title | description | url |``. The fields never contain " | ".

What is made of each row:

- one record per article, not per row: a URL seen in an earlier fetch (the same story is
  often still a top headline hours later, or in another category) is passed over, so each
  article keeps the headline, category and date of its first sighting; 86,220 rows give
  74,030 records;
- ``title``; ``body`` and ``summary``, both the description (the API gives no more);
- ``section``: the category as a label ("technology" → "Technology");
- ``published``: there is no publication date, so the fetch time of the first sighting stands
  in for it, as a UTC date (the fetch times are Beijing time, UTC+8, except one file's in UTC);
- ``publication``: named after the link's site (see ``publication_for``);
- ``language``: "en" for every row. The archive is of English-language news; the non-Latin
  runs SOURCE.md counts are names and symbols inside English text (no row is mostly in
  another script).
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from articles.ingest.cleanup import normalise_text
from articles.ingest.files import archive_files, usable
from articles.ingest.metadata import publication_from_domain
from articles.ingest.record import ArticleRecord, skip

logger = logging.getLogger(__name__)

FILE_NAME = "news_md.tar.xz"

_FILE = re.compile(r"^news_(?P<date>\d{8})_(?P<time>\d{4})\.md$")
_HEADING = re.compile(
    r"^#\s*News Today -- Fetched at (?P<when>\d{4}-\d{2}-\d{2} \d{2}:\d{2})"
    r"(?:\s+(?P<zone>Beijing Time|UTC))?\s*$"
)
# The scraper ran in Beijing time; a heading without a zone is read as such, like the names.
BEIJING = dt.timezone(dt.timedelta(hours=8), "Beijing")
_TABLE_HEADER = ("Category", "Title", "Description", "URL")

SECTIONS = {
    "business": "Business",
    "entertainment": "Entertainment",
    "general": "General",
    "health": "Health",
    "nation": "Nation",
    "science": "Science",
    "sports": "Sports",
    "technology": "Technology",
    "world": "World",
}

# The names of the sites most often linked (about 60% of the articles), by domain; other sites
# are named from their domain by ``publication_from_domain``.
PUBLICATIONS = {
    "9to5google.com": "9to5Google",
    "9to5mac.com": "9to5Mac",
    "abc7.com": "ABC7",
    "abcnews.com": "ABC News",
    "abcnews.go.com": "ABC News",
    "aljazeera.com": "Al Jazeera",
    "aol.com": "AOL",
    "apnews.com": "Associated Press",
    "arstechnica.com": "Ars Technica",
    "bbc.co.uk": "BBC News",
    "bbc.com": "BBC News",
    "bloomberg.com": "Bloomberg",
    "businessinsider.com": "Business Insider",
    "buzzfeed.com": "BuzzFeed",
    "cbsnews.com": "CBS News",
    "cbssports.com": "CBS Sports",
    "cnbc.com": "CNBC",
    "cnn.com": "CNN",
    "dailygalaxy.com": "The Daily Galaxy",
    "dailymail.co.uk": "Daily Mail",
    "deadline.com": "Deadline",
    "dw.com": "DW",
    "espn.com": "ESPN",
    "forbes.com": "Forbes",
    "fortune.com": "Fortune",
    "foxnews.com": "Fox News",
    "gizmodo.com": "Gizmodo",
    "hollywoodreporter.com": "The Hollywood Reporter",
    "huffpost.com": "HuffPost",
    "ign.com": "IGN",
    "kotaku.com": "Kotaku",
    "ksl.com": "KSL",
    "latimes.com": "Los Angeles Times",
    "macrumors.com": "MacRumors",
    "mlbtraderumors.com": "MLB Trade Rumors",
    "nbcnews.com": "NBC News",
    "nbcsports.com": "NBC Sports",
    "nintendoeverything.com": "Nintendo Everything",
    "nintendolife.com": "Nintendo Life",
    "npr.org": "NPR",
    "nypost.com": "New York Post",
    "nytimes.com": "The New York Times",
    "pagesix.com": "Page Six",
    "pbs.org": "PBS",
    "politico.eu": "Politico Europe",
    "rollingstone.com": "Rolling Stone",
    "techcrunch.com": "TechCrunch",
    "theguardian.com": "The Guardian",
    "thedailybeast.com": "The Daily Beast",
    "theverge.com": "The Verge",
    "timesofisrael.com": "The Times of Israel",
    "tmz.com": "TMZ",
    "usatoday.com": "USA Today",
    "variety.com": "Variety",
    "washingtonpost.com": "The Washington Post",
    "yahoo.com": "Yahoo",
}
# The BBC's own readers name it with its news page; the same publication here.
HOMEPAGES = {"BBC News": "https://www.bbc.com/news"}

# A run of UTF-8 bytes that was decoded as Latin-1 somewhere upstream ("â\x80¦" for "…").
_MOJIBAKE = re.compile(r"[\u00c2-\u00f4][\u0080-\u00bf]{1,3}")
_C1_CONTROL = re.compile(r"[\u0080-\u009f]")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def read(path: Path, limit: int | None = None) -> Iterator[ArticleRecord]:
    """Yield one ``ArticleRecord`` per distinct article URL in the archive of folder ``path``.

    Files are read in archive order (oldest fetch first) without unpacking the archive, and
    only the set of URLs seen so far is kept. Malformed rows, and files that are not UTF-8
    or have no readable fetch time, are skipped with a warning; ``limit`` caps the number
    of records yielded.
    """
    return usable(_first_sightings(Path(path) / FILE_NAME), limit)


def _first_sightings(archive: Path) -> Iterator[ArticleRecord]:
    seen: set[str] = set()
    for name, data in archive_files(archive, wanted=lambda name: name.endswith(".md")):
        for record in parse_file(data, PurePosixPath(name).name):
            if record.source_url not in seen:
                seen.add(record.source_url)
                yield record


def parse_file(data: bytes, file_name: str) -> Iterator[ArticleRecord]:
    """Yield a record for every usable row of one fetch's Markdown file, repeats included.

    ``file_name`` (``news_20251002_1425.md``) names the records, with the row's number in
    the table: ``news_20251002_1425.md#3``.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        skip(logger, file_name, f"not UTF-8 ({error})")
        return
    lines = text.splitlines()
    fetched = fetch_time(lines[0] if lines else "", file_name)
    if fetched is None:
        skip(logger, file_name, "no fetch time")
        return
    published = fetched.astimezone(dt.UTC).date()
    number = 0
    for line in lines[1:]:
        cells = _cells(line)
        if cells is None or tuple(cells) == _TABLE_HEADER or set("".join(cells)) <= set("-:| "):
            continue  # the heading, blank lines, the table's header and its rule
        number += 1
        source_name = f"{file_name}#{number}"
        if len(cells) != 4:
            skip(logger, source_name, f"{len(cells)} cells instead of 4")
            continue
        record = parse_row(cells, line, published, source_name)
        if record is not None:
            yield record


def _cells(line: str) -> list[str] | None:
    """The cells of a Markdown table row ``| a | b |``; ``None`` for a line that is not one."""
    line = line.strip()
    if not (line.startswith("|") and line.endswith("|")) or len(line) < 2:
        return None
    return [cell.strip() for cell in line[1:-1].split(" | ")]


def parse_row(
    cells: list[str], line: str, published: dt.date, source_name: str
) -> ArticleRecord | None:
    """Turn one table row's four cells into a record; ``None`` (with a warning) if unusable."""
    category, title, description, url = (clean_text(cell) for cell in cells)
    if not title or not description or not url:
        skip(logger, source_name, "no title, description or URL")
        return None
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        skip(logger, source_name, f"{url!r} is not a web address")
        return None
    publication, homepage = publication_for(host)
    return ArticleRecord(
        title=title,
        body=description,
        raw_text=line,
        published=published,
        publication=publication,
        publication_url=homepage,
        section=SECTIONS.get(category.lower(), category.capitalize()),
        language="en",
        summary=description,
        source_url=url,
        source_name=source_name,
    )


def fetch_time(heading: str, file_name: str) -> dt.datetime | None:
    """When a file was fetched, from its heading or else its name, as an aware datetime.

    "Fetched at 2025-10-02 14:25 Beijing Time" and a heading without a zone are Beijing time,
    "… UTC" is UTC. ``None`` if neither the heading nor the name gives a time.
    """
    match = _HEADING.match(heading.strip())
    if match is not None:
        zone = dt.UTC if match["zone"] == "UTC" else BEIJING
        return dt.datetime.strptime(match["when"], "%Y-%m-%d %H:%M").replace(tzinfo=zone)
    logger.warning("%s: no fetch time in the heading, taken from the file name", file_name)
    name = _FILE.match(file_name)
    if name is None:
        return None
    try:
        naive = dt.datetime.strptime(name["date"] + name["time"], "%Y%m%d%H%M")
    except ValueError:
        return None
    return naive.replace(tzinfo=BEIJING)


def publication_for(host: str) -> tuple[str, str]:
    """``(name, homepage)`` of the site at ``host``: "www.nytimes.com" → ("The New York
    Times", "https://nytimes.com"), "abcnews.go.com" → ("ABC News", …); sites not in
    ``PUBLICATIONS`` are named from their domain ("www.cbc.ca" → "CBC")."""
    labels = host.lower().removeprefix("www.").split(".")
    for start in range(len(labels) - 1):
        domain = ".".join(labels[start:])
        if domain in PUBLICATIONS:
            name = PUBLICATIONS[domain]
            return name, HOMEPAGES.get(name, f"https://{domain}")
    publication = publication_from_domain(".".join(labels))
    return publication.name, publication.homepage


def clean_text(text: str) -> str:
    """One cell as plain text: HTML references resolved ("&nbsp;"), Latin-1 mojibake of UTF-8
    repaired ("â\\x80¦" → "…"), spaces made regular, invisible and control characters dropped.
    """
    text = _MOJIBAKE.sub(_repair_mojibake, html.unescape(text))
    return _CONTROL.sub("", " ".join(normalise_text(text).split()))


def _repair_mojibake(match: re.Match[str]) -> str:
    run = match.group()
    if not _C1_CONTROL.search(run):
        return run  # "Â£", "Ã©" could be meant; a C1 control never is
    try:
        return run.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return run
