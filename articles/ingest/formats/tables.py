"""Reader for articles in a table of one's own: a CSV file or JSON Lines, mapped field by field.

``read_csv`` and ``read_jsonl`` take a ``mapping`` from ``ArticleRecord`` field names to the
file's column (CSV header) or key (JSON Lines) names, such as ``{"title": "headline", "body":
"text", "published": "date"}``; ``parse_mapping`` reads the same from the command line's
"title=headline,body=text,published=date". ``title`` and ``body`` must be mapped; the other
fields that can be are listed in ``FIELDS``. ``defaults`` gives values for fields a file
lacks or leaves empty, e.g. ``{"publication": "The Kabul Times", "language": "en"}``.

Files may be compressed (``.xz``, ``.gz``, ``.bz2``) and are read as they are. How values
are read:

- empty cells, JSON ``null`` and the strings "NaN" and "null" are missing values;
- ``body``: paragraphs separated by blank lines, or one per line if the text has no blank
  line; a JSON list is one paragraph per item;
- ``authors``: names separated by ", ", " and ", " & " or ";" (a JSON list: one per item);
- ``published``: see ``parse_published``; an unreadable date is left empty, with a warning;
- ``tags``: separated by ",", ";" or "|" (or a JSON list), each an ``EntityRef`` of kind
  "other";
- ``language``: lower-cased, as given ("en", "fa").

A row or line that cannot be used (malformed, or without a title or a body) is skipped with a
warning and reading goes on. A mapping that names an unknown field, leaves out title or body,
or names a CSV column the file does not have is a ``ValueError``.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from dateutil import parser

from articles.ingest.cleanup import normalise_text
from articles.ingest.files import OPENERS, csv_rows, json_object, open_text, usable
from articles.ingest.metadata import parse_date
from articles.ingest.record import ArticleRecord, EntityRef, skip

logger = logging.getLogger(__name__)

# Record fields a mapping may fill, and those it must.
FIELDS = (
    "title", "body", "authors", "published", "publication", "section", "language",
    "source_url", "summary", "kicker", "tags",
)  # fmt: skip
REQUIRED = ("title", "body")
# Defaults may also give the publication's homepage, which no row carries.
DEFAULT_FIELDS = (*FIELDS, "publication_url")

MISSING = frozenset({"", "nan", "null"})  # compared lower-cased

_AUTHOR_SEPARATORS = re.compile(r"\s*;\s*|\s*,\s+(?:and\s+)?|\s+and\s+|\s*&\s*")
_BYLINE_BY = re.compile(r"^by\s+", re.IGNORECASE)
_TAG_SEPARATORS = re.compile(r"\s*[,;|]\s*")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_BLANK_LINE = re.compile(r"\n\s*\n")
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # undecodable bytes, as surrogateescape gives them


def parse_mapping(text: str) -> dict[str, str]:
    """Read a mapping written as "field=column" pairs separated by commas.

    ``"title=headline,body=text,published=date"`` gives ``{"title": "headline", "body":
    "text", "published": "date"}``; spaces around names are ignored. Raises ``ValueError``
    for a pair without "=", a field named twice, an unknown field, or no title or body.
    """
    mapping: dict[str, str] = {}
    for pair in text.split(","):
        if not pair.strip():
            continue
        name, equals, column = (part.strip() for part in pair.partition("="))
        if not equals or not name or not column:
            raise ValueError(f"{pair.strip()!r} is not field=column (as in title=headline)")
        if name in mapping:
            raise ValueError(f"the field {name!r} is mapped twice")
        mapping[name] = column
    check_mapping(mapping)
    return mapping


def check_mapping(mapping: dict[str, str]) -> None:
    """Raise ``ValueError`` if ``mapping`` names a field records do not have or lacks
    title or body."""
    unknown = [name for name in mapping if name not in FIELDS]
    if unknown:
        raise ValueError(
            f"unknown record field{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(map(repr, unknown))}; the fields are {', '.join(FIELDS)}"
        )
    missing = [name for name in REQUIRED if not mapping.get(name)]
    if missing:
        raise ValueError(f"the mapping must name the column for {' and '.join(missing)}")


def _check_defaults(defaults: dict[str, Any] | None) -> dict[str, Any]:
    defaults = dict(defaults or {})
    unknown = [name for name in defaults if name not in DEFAULT_FIELDS]
    if unknown:
        raise ValueError(
            f"no default can be given for {', '.join(map(repr, unknown))}; "
            f"the fields are {', '.join(DEFAULT_FIELDS)}"
        )
    return defaults


def read_table(
    path: Path,
    mapping: dict[str, str],
    limit: int | None = None,
    defaults: dict[str, Any] | None = None,
) -> Iterator[ArticleRecord]:
    """``read_jsonl`` for ``.jsonl`` / ``.ndjson`` / ``.json`` files (perhaps compressed),
    else ``read_csv``."""
    suffixes = Path(path).name.lower().split(".")[1:]
    if {"jsonl", "ndjson", "json"} & set(suffixes):
        return read_jsonl(path, mapping, limit, defaults)
    return read_csv(path, mapping, limit, defaults)


def read_csv(
    path: Path,
    mapping: dict[str, str],
    limit: int | None = None,
    defaults: dict[str, Any] | None = None,
) -> Iterator[ArticleRecord]:
    """Yield one ``ArticleRecord`` per data row of the CSV file ``path``, in file order.

    The first row is the header; ``mapping`` maps record fields to its column names. Commas
    separate the cells (tabs in a ``.tsv`` file); a byte-order mark is ignored. Rows the csv
    module rejects, or with more or fewer cells than the header, are skipped with a warning.
    A bad mapping or default raises ``ValueError`` at once, a mapped column the file lacks
    when reading starts.
    """
    check_mapping(mapping)
    return usable(_csv_records(Path(path), mapping, _check_defaults(defaults)), limit)


def _csv_records(
    path: Path, mapping: dict[str, str], defaults: dict[str, Any]
) -> Iterator[ArticleRecord | None]:
    name = _display_name(path)
    with _open_text(path) as text:
        rows = csv.DictReader(text, delimiter="\t" if name.lower().endswith(".tsv") else ",")
        header = rows.fieldnames or []
        absent = [column for column in mapping.values() if column not in header]
        if absent:
            raise ValueError(
                f"{name} has no column {', '.join(map(repr, absent))}; "
                f"its columns are {', '.join(map(repr, header))}"
            )
        for number, row in csv_rows(rows, name, logger):
            if None in row or None in row.values():
                skip(
                    logger,
                    f"{name} line {rows.line_num}",
                    "not as many cells as the header has columns",
                )
            elif any(_NOT_UTF8.search(cell) for cell in row.values()):
                skip(logger, f"{name} line {rows.line_num}", "not UTF-8")
            else:
                values = {field: row[column] for field, column in mapping.items()}
                yield build_record(values, f"{name}#{number}", defaults)


def read_jsonl(
    path: Path,
    mapping: dict[str, str],
    limit: int | None = None,
    defaults: dict[str, Any] | None = None,
) -> Iterator[ArticleRecord]:
    """Yield one ``ArticleRecord`` per line of the JSON Lines file ``path``, in file order.

    Each line is a JSON object; ``mapping`` maps record fields to its keys (top-level keys
    only). Keys a line lacks are missing values. Lines that are not a JSON object are
    skipped with a warning; blank lines are ignored. A bad mapping or default raises
    ``ValueError`` at once.
    """
    check_mapping(mapping)
    return usable(_jsonl_records(Path(path), mapping, _check_defaults(defaults)), limit)


def _jsonl_records(
    path: Path, mapping: dict[str, str], defaults: dict[str, Any]
) -> Iterator[ArticleRecord | None]:
    name = _display_name(path)
    with _open_text(path) as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                yield _jsonl_record(line, f"{name}#{number}", mapping, defaults)


def _jsonl_record(
    line: str, source_name: str, mapping: dict[str, str], defaults: dict[str, Any]
) -> ArticleRecord | None:
    if _NOT_UTF8.search(line):
        skip(logger, source_name, "not UTF-8")
        return None
    item = json_object(line, source_name, logger)
    if item is None:
        return None
    return build_record(
        {field: item.get(key) for field, key in mapping.items()}, source_name, defaults
    )


def _display_name(path: Path) -> str:
    """The file's name without a compression suffix: "articles.csv.xz" → "articles.csv"."""
    return path.name[: -len(path.suffix)] if path.suffix.lower() in OPENERS else path.name


def _open_text(path: Path) -> IO[str]:
    """The file as text; bytes that are not UTF-8 come through as surrogates (``_NOT_UTF8``),
    so that only the row holding them is skipped."""
    return open_text(path, encoding="utf-8-sig", errors="surrogateescape")


def build_record(
    values: dict[str, Any], source_name: str, defaults: dict[str, Any] | None = None
) -> ArticleRecord | None:
    """Turn one row's values (record field → value as the file gives it) into a record.

    Missing values fall back to ``defaults``. Returns ``None``, skipped with a warning, if the
    title or the body is missing.
    """
    defaults = defaults or {}

    def value(name: str) -> Any:
        given = values.get(name)
        return defaults.get(name) if _is_missing(given) else given

    title = " ".join(_plain(_as_text(value("title"))).split())
    raw_body = value("body")
    body = _body(raw_body)
    if not title or not body:
        skip(logger, source_name, "no title or no body")
        return None
    return ArticleRecord(
        title=title,
        body=body,
        raw_text=_as_text(raw_body, "\n\n"),
        authors=split_authors(value("authors")),
        published=_published(value("published"), source_name),
        publication=_line(value("publication")),
        publication_url=_line(value("publication_url")),
        section=_line(value("section")),
        language=_line(value("language")).lower(),
        kicker=_line(value("kicker")),
        summary=_body(value("summary")),
        source_url=_line(value("source_url")),
        source_name=source_name,
        entities=[EntityRef(name=tag, kind="other") for tag in split_tags(value("tags"))],
    )


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in MISSING)


def _as_text(value: Any, separator: str = " ") -> str:
    """A value as text: strings as they are, numbers written out, lists joined."""
    if _is_missing(value):
        return ""
    if isinstance(value, list):
        return separator.join(text for text in (_as_text(item) for item in value) if text)
    if isinstance(value, dict):
        return ""
    return str(value)


def _plain(text: str) -> str:
    """NFC, regular spaces (no-break ones too), no invisible or control characters; line
    breaks kept."""
    if not text:  # most cells of most tables: six patterns saved a cell
        return ""
    return _CONTROL.sub("", normalise_text(text))


def _line(value: Any) -> str:
    return " ".join(_plain(_as_text(value)).split())


def _body(value: Any) -> str:
    """Paragraphs separated by one blank line, from a text or a list of paragraphs.

    A text with blank lines is split at them (single line breaks inside a paragraph become
    spaces); a text without any is taken to have one paragraph per line.
    """
    if isinstance(value, list):
        paragraphs = [_line(item) for item in value]
    else:
        text = _plain(_as_text(value))
        blocks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
        paragraphs = [" ".join(block.split()) for block in blocks]
    return "\n\n".join(p for p in paragraphs if p)


def split_authors(value: Any) -> list[str]:
    """Author names from a byline or a list: "Ann Lee, Bo Chan and Cy Dee" →
    ["Ann Lee", "Bo Chan", "Cy Dee"]; "By Ann Lee; Bo Chan" → ["Ann Lee", "Bo Chan"].

    Names are separated by ", ", " and ", " & " or ";". "Lee, Ann" (surname first) is read
    as two names: a file that writes names so should map them as a list.
    """
    if isinstance(value, list):
        names = [_line(item) for item in value]
    else:
        byline = _BYLINE_BY.sub("", _line(value))
        names = [name.strip(" .,") for name in _AUTHOR_SEPARATORS.split(byline)]
    return list(dict.fromkeys(name for name in names if name))


def split_tags(value: Any) -> list[str]:
    """Tags from a text separated by ",", ";" or "|", or from a list; each once, in order."""
    if isinstance(value, list):
        tags = [_line(item) for item in value]
    else:
        tags = _TAG_SEPARATORS.split(_line(value))
    return list(dict.fromkeys(tag for tag in tags if tag))


def _published(value: Any, source_name: str) -> dt.date | None:
    text = _line(value)
    if not text:
        return None
    date = parse_published(text)
    if date is None:
        logger.warning("%s: unreadable date %r, left empty", source_name, text)
    return date


def parse_published(text: str) -> dt.date | None:
    """A publication date from a date cell, or ``None``.

    ISO 8601 dates and timestamps ("2019-09-05", "2019-09-05T10:00:00Z", "20190905");
    "September 5, 2019", "5 Sept. 2019" and "05.09.2019" / "05/09/2019" (day first, always)
    as ``metadata.parse_date`` reads them; anything else by python-dateutil if it is
    installed, day first unless a four-digit year leads ("Thu, 05 Sep 2019 10:00:00 GMT",
    "2019/9/5 10:00"). A timestamp's date is the one written, whatever
    its time zone. Dates without a day ("September 2019") are not dates.
    """
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    date = parse_date(text)
    if date is not None:
        return date
    # A leading four-digit year is followed by the month ("2019/09/05"), else the day comes
    # first ("05 09 2019").
    year_first = bool(re.match(r"\d{4}\D", text))
    try:
        # Parsed against two different defaults: a date that is only complete thanks to the
        # default (no day or no month given) comes out differently and is refused.
        first, second = (
            parser.parse(text, dayfirst=not year_first, yearfirst=year_first, default=default)
            for default in (dt.datetime(2000, 1, 1), dt.datetime(2001, 2, 2))
        )
    except (ValueError, OverflowError):
        return None
    return first.date() if first.date() == second.date() else None
