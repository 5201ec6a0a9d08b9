"""Articles from plain text and Markdown files.

A plain text file has its title on the first non-empty line; a byline, date or section label
may follow, then the body. A Markdown file may start with front matter (a ``---`` block of
``key: value`` lines), then a ``# Title``; its markup is taken out of the body. A ``.txt`` file
that is really a PDF-to-text dump is read by ``articles.ingest.formats.dump`` instead (see
``articles.ingest.documents.looks_like_dump``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from articles.ingest import metadata
from articles.ingest.cleanup import (
    join_lines,
    normalise_text,
    vocabulary,
)
from articles.ingest.header import BYLINE, DATE, SECTION, classify_line
from articles.ingest.record import ArticleRecord
from articles.language import detect_language, main_script

# Kinds of line that can sit between the title and the body of a plain text or Markdown file.
_HEADER_KINDS = frozenset({BYLINE, DATE, SECTION})
# In a plain text file, a line this long is a whole paragraph, not a line wrapped by an editor
# (which wraps at 72 to 80 characters).
MAX_WRAPPED_LINE = 100


def parse_plain_text(text: str, source_name: str = "") -> ArticleRecord:
    """Read one article from a plain text file's text.

    The first non-empty line is the title. Byline ("By A and B"), date and section label lines
    right below it fill those fields (see ``articles.ingest.metadata`` for the forms read).
    Paragraphs of the body are separated by blank lines; lines wrapped by an editor are joined,
    while in a block of long lines each line is a paragraph.
    """
    lines = normalise_text(text).split("\n")
    title, rest = _first_line(lines)
    return _record(title, rest, text, source_name, soft_wrap=False)


def parse_markdown(text: str, source_name: str = "") -> ArticleRecord:
    """Read one article from a Markdown file's text.

    Front matter, if the file starts with a ``---`` block, gives ``title``, ``author`` (or
    ``authors``: a list, or names joined by commas and "and"), ``date``, ``source`` (a URL, or
    else the publication's name), ``publication``, ``section`` and ``language``. Without a
    title there, a leading ``# Title`` (or the first line) is the title. The body keeps the text
    of headings, emphasis, links and list items, without their markup; images, link
    definitions and HTML tags go. Each heading and list item is a paragraph of its own.
    """
    lines = normalise_text(text).split("\n")
    fields, lines = _front_matter(lines)
    lines = _strip_markdown(lines)
    title = _clean(fields.get("title", ""))
    heading, rest = _first_line(lines)
    if not title or heading == title:
        title, lines = heading, rest
    record = _record(title, lines, text, source_name, soft_wrap=True)
    return _with_front_matter(record, fields)


def _first_line(lines: list[str]) -> tuple[str, list[str]]:
    for index, line in enumerate(lines):
        if line:
            return line, lines[index + 1 :]
    return "", []


def _record(
    title: str, lines: list[str], raw: str, source_name: str, *, soft_wrap: bool
) -> ArticleRecord:
    """The record for a title and the lines below it: header lines read, the rest the body."""
    script = main_script("\n".join(lines))
    authors: list[str] = []
    published = None
    section = ""
    start = 0
    for index, line in enumerate(lines):
        if not line:
            continue
        # The same reading of byline, date and section lines as the dump's header reader.
        kind, reading = classify_line(line, script)
        if kind not in _HEADER_KINDS:
            break
        # What a line says has the shape its kind gives it (see classify_line).
        if kind == BYLINE and not authors and isinstance(reading, tuple):
            authors, date = reading
            published = published or date
        elif kind == DATE and published is None and isinstance(reading, dt.date):
            published = reading
        elif kind == SECTION and not section and isinstance(reading, str):
            section = reading
        start = index + 1
    body = "\n\n".join(_paragraphs(lines[start:], soft_wrap=soft_wrap))
    return ArticleRecord(
        title=title,
        body=body,
        raw_text=raw,
        authors=authors,
        published=published,
        section=section,
        language=detect_language(body),
        source_name=source_name,
    )


def _paragraphs(lines: list[str], *, soft_wrap: bool) -> list[str]:
    """Paragraphs of a body: blocks of lines between blank lines, their lines joined (words
    split at a line end re-joined as in the dump cleanup). Without ``soft_wrap`` a block with a
    line longer than an editor wraps at is one paragraph per line."""
    known_words = vocabulary("\n".join(lines))
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    paragraphs: list[str] = []
    for block in blocks:
        if not soft_wrap and any(len(line) > MAX_WRAPPED_LINE for line in block[:-1]):
            paragraphs.extend(block)
        elif block:
            paragraphs.append(join_lines(block, known_words))
    return paragraphs


# --- Markdown -------------------------------------------------------------------------------

_FRONT_MATTER_FIELD = re.compile(r"(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*)")
_FRONT_MATTER_ITEM = re.compile(r"-\s+(?P<value>.*)")

_FENCE = re.compile(r"(```|~~~)")
_ATX_HEADING = re.compile(r"#{1,6}\s+(?P<text>.*?)(?:\s+#+)?")
_SETEXT_UNDERLINE = re.compile(r"=+|-+")
_THEMATIC_BREAK = re.compile(r"(?:[-*_]\s*){3,}")
_LIST_ITEM = re.compile(r"(?:[-*+]|\d{1,9}[.)])\s+(?P<text>.*)")
_QUOTE_MARKER = re.compile(r"(?:>\s?)+")
_LINK_DEFINITION = re.compile(r"\[[^\]]+\]:\s*\S+.*")
# Inline markup, replaced in this order: images go; links, autolinks, code, emphasis keep
# their text; HTML tags and comments go; backslash escapes keep the character.
_INLINE = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]"), ""),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),
    (re.compile(r"`+([^`]+?)`+"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"<!--.*?-->|</?[A-Za-z][^>]*>"), ""),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])"), r"\1"),
)


def _front_matter(lines: list[str]) -> tuple[dict[str, str | list[str]], list[str]]:
    """The fields of a leading ``---`` block (keys lower-cased) and the lines after it; no
    fields and all the lines when there is no such block."""
    first = next((index for index, line in enumerate(lines) if line), None)
    if first is None or lines[first] != "---":
        return {}, lines
    end = next(
        (index for index in range(first + 1, len(lines)) if lines[index] in ("---", "...")), None
    )
    if end is None:
        return {}, lines
    fields: dict[str, str | list[str]] = {}
    key = ""
    for line in lines[first + 1 : end]:
        item = _FRONT_MATTER_ITEM.fullmatch(line)
        field = _FRONT_MATTER_FIELD.fullmatch(line)
        if item and key:
            previous = fields.get(key) or []
            items = previous if isinstance(previous, list) else [previous]
            fields[key] = [*items, _unquote(item["value"])]
        elif field:
            key = field["key"].lower()
            fields[key] = _front_matter_value(field["value"])
    return fields, lines[end + 1 :]


def _front_matter_value(value: str) -> str | list[str]:
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        return [_unquote(item) for item in value[1:-1].split(",") if item.strip()]
    return _unquote(value)


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _strip_markdown(lines: list[str]) -> list[str]:
    """The lines of a Markdown body as plain text: block markup gone, each heading, list item
    and quotation set apart by blank lines, inline markup reduced to its text."""
    plain: list[str] = []
    in_code = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_code = not in_code
            plain.append("")
            continue
        if in_code:
            plain.append(line)
            continue
        next_line = lines[index + 1] if index + 1 < len(lines) else ""
        if line and _SETEXT_UNDERLINE.fullmatch(next_line) and not _LIST_ITEM.fullmatch(line):
            plain += ["", _inline(line), ""]  # a heading underlined with === or ---
            continue
        if _THEMATIC_BREAK.fullmatch(line) or _SETEXT_UNDERLINE.fullmatch(line):
            plain.append("")
            continue
        if _LINK_DEFINITION.fullmatch(line):
            continue
        line = _QUOTE_MARKER.sub("", line, count=1) if line.startswith(">") else line
        heading = _ATX_HEADING.fullmatch(line)
        item = _LIST_ITEM.fullmatch(line)
        if heading:
            plain += ["", _inline(heading["text"]), ""]
        elif item:
            plain += ["", _inline(item["text"])]
        else:
            plain.append(_inline(line).strip())
    return plain


def _inline(text: str) -> str:
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def _clean(value: str | list[str]) -> str:
    if isinstance(value, list):
        value = ", ".join(value)
    return " ".join(_inline(value).split())


def _with_front_matter(record: ArticleRecord, fields: dict[str, str | list[str]]) -> ArticleRecord:
    """``record`` with the fields the front matter gives put over what the text gave."""

    def field(*names: str, read: Callable[[str | list[str]], object] = _clean):
        for name in names:
            if fields.get(name):
                return read(fields[name])
        return None

    authors = field("author", "authors", read=_front_matter_authors)
    published = field("date", read=_front_matter_date)
    source = field("source")
    url = source if isinstance(source, str) and re.match(r"https?://", source) else ""
    publication = field("publication") or (source if source and not url else "")
    if url:
        found = metadata.publication_from_domain(urlsplit(url).hostname or "")
        record.source_url = url
        record.publication_url = found.homepage
        publication = publication or found.name
    record.authors = authors or record.authors
    record.published = published or record.published
    record.publication = publication or record.publication
    record.section = field("section") or record.section
    language = field("language", "lang")
    # "en-GB" and "fa_IR" are stored as their language: "en", "fa".
    record.language = re.split(r"[-_]", language)[0].lower() if language else record.language
    return record


def _front_matter_authors(value: str | list[str]) -> list[str]:
    if isinstance(value, list):
        return [_clean(name) for name in value if _clean(name)]
    return metadata.parse_authors(f"By {_clean(value)}")


def _front_matter_date(value: str | list[str]) -> dt.date | None:
    text = _clean(value)
    try:
        return dt.date.fromisoformat(text[:10])  # "2024-03-14", "2024-03-14T08:30:00Z"
    except ValueError:
        return metadata.parse_date(text)
