"""Pages of a PDF-to-text dump and the furniture printed around the article on them.

A dump (``pdftotext -layout``, or a PDF's text as ``formats.pdf`` lays it out) is pages
separated by form feeds; each page has lines that keep the layout's leading spaces (a centred
title, an indented paragraph) and wide gaps between the parts of a running header
("www.site.com        12"). ``read_pages`` turns the text into ``Line`` values that keep
those facts; ``find_furniture`` says which lines are page furniture (running headers and
footers, page numbers, print stamps, copyright and "downloaded from" lines, running titles)
from what a running header is everywhere: a line at the top or bottom of a page, repeated on
other pages, or made of a page number, an address or a time stamp. Nothing here knows a
particular outlet's header.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from articles.ingest.cleanup import ends_sentence, is_page_number, is_site_line, normalise_text

PAGE_BREAK = "\f"
# Line ends other than a form feed, as normalise_text reads them.
_LINE_BREAKS = re.compile(r"\r\n|[\r\v\u2028\u2029]")
# How many non-blank lines at the top and at the bottom of a page can be furniture.
EDGE_LINES = 3
# Furniture is a line or two of a page's margin; a longer line is text.
MAX_FURNITURE_CHARS = 300
# How many non-blank lines at the top of the first page hold the article's header.
HEADER_LINES = 15
# Two parts of a line this many spaces apart are separate columns (a running header's parts),
# not words of a sentence.
_COLUMN_GAP = re.compile(r"\S( {3,}|\t)\S")
_ADDRESS = re.compile(
    r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\bwww\.[\w-]+(?:\.[\w-]+)+\S*"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|info|int|edu|gov|co\.[a-z]{2}|[a-z]{2})(?:/\S*)?$",
    re.IGNORECASE,
)
# A browser's or printer's stamp: "4/14/25, 6:06 PM", "2019-09-05 14:02".
_TIME_STAMP = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]\.?M\.?)?\b", re.IGNORECASE)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)|\ball rights reserved\b", re.IGNORECASE)
_PAGE_WORD = re.compile(r"\bpage\s+\d+(?:\s+of\s+\d+)?\b|^\d+\s*/\s*\d+$", re.IGNORECASE)
_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)\s*$")


@dataclass(frozen=True)
class Line:
    """One physical line of a page: its text (whitespace made regular, stripped), how far the
    layout indented it, and its parts when wide gaps split it into columns."""

    text: str
    indent: int = 0
    page: int = 0
    columns: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.text)


def read_pages(text: str) -> list[list[Line]]:
    """The pages of a dump (split at form feeds), each a list of ``Line`` values, blank lines
    kept. Expects the dump's text as decoded; normalisation is ``normalise_text``'s, after the
    indentation and the column gaps of each line are read."""
    pages = []
    for number, page in enumerate(_LINE_BREAKS.sub("\n", text).split(PAGE_BREAK)):
        raw_lines = page.split("\n")
        # One pass over the page (not one per line): normalise_text keeps the line structure.
        texts = normalise_text(page).split("\n")
        lines = []
        for raw, line_text in zip(raw_lines, texts, strict=True):
            if not line_text:
                lines.append(Line("", 0, number))
                continue
            layout = raw.expandtabs(8).replace("\u00a0", " ")
            stripped = layout.strip()
            indent = len(layout) - len(layout.lstrip(" "))
            parts: tuple[str, ...] = ()
            if "   " in stripped:
                split = (normalise_text(part) for part in re.split(r" {3,}", stripped))
                parts = tuple(part for part in split if part)
            lines.append(Line(line_text, indent, number, parts if len(parts) > 1 else ()))
        pages.append(lines)
    return pages


def _key(text: str) -> str:
    # Page numbers change from page to page; the rest of a running header does not.
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _edge_indexes(page: list[Line]) -> list[int]:
    filled = [index for index, line in enumerate(page) if line]
    return sorted(set(filled[:EDGE_LINES] + filled[-EDGE_LINES:]))


def _is_stamp_part(part: str) -> bool:
    """A part of a line that only furniture holds: a page number, an address, a time stamp,
    "Page 2 of 3"."""
    return bool(
        is_page_number(part)
        or is_site_line(part)
        or _ADDRESS.search(part)
        or _TIME_STAMP.search(part)
        or _PAGE_WORD.search(part)
    )


def _reads_as_text(text: str) -> bool:
    """Whether a line reads as a sentence's part (starts in lower case, or ends a sentence
    without holding a number): such a line repeated at page edges is still text."""
    text = _ELLIPSIS.sub("", text)  # a running title cut short is not a sentence's end
    first = text.lstrip("\"'“‘([")[:1]
    return first.islower() or (ends_sentence(text) and not re.search(r"\d", text))


def is_short_name(text: str) -> bool:
    """A few words, each capitalised, no sentence punctuation: a name or a label ("Harbour
    Post", "WORLD NEWS")."""
    words = text.split()
    return (
        0 < len(words) <= 4
        and not re.search(r"[.,;:!?\"“”]", text)
        and all(word[0].isupper() or word in ("&", "and", "of", "the") for word in words)
    )


def find_furniture(pages: list[list[Line]]) -> set[tuple[int, int]]:
    """The ``(page, line index)`` of every furniture line on the pages ``read_pages`` gave.

    Only lines among the first and last ``EDGE_LINES`` non-blank lines of a page are looked at.
    One is furniture when it is

    * a page number ("3", "- 3 -", "Page 3 of 7", "3/7"), or only addresses and numbers;
    * repeated, page numbers aside, at the edge of another page, unless it reads as text;
    * split by wide gaps into columns one of which is a page number, an address or a time
      stamp ("www.site.org      4", "9/18/25, 3:33 PM      Some title - Outlet");
    * a copyright line, or a line naming a web address, at the very top or bottom of a page;
    * at the top of a later page, made only of text printed in the first page's header (a
      running title, maybe cut short with "…", beside the outlet's name).
    """
    edges = {number: _edge_indexes(page) for number, page in enumerate(pages)}
    repeats = Counter(
        key
        for number, page in enumerate(pages)
        for key in {_key(page[index].text) for index in edges[number]}
    )
    # The first page's header: where a running title's text was printed in full.
    first_page_top = (
        " ".join(line.text.lower() for line in [line for line in pages[0] if line][:HEADER_LINES])
        if pages
        else ""
    )
    found: set[tuple[int, int]] = set()
    for number, page in enumerate(pages):
        filled = [index for index, line in enumerate(page) if line]
        outermost = set(filled[:1] + filled[-1:])
        top = set(filled[:EDGE_LINES])
        for index in edges[number]:
            line = page[index]
            if _is_furniture(
                line,
                repeats=repeats[_key(line.text)],
                outermost=index in outermost,
                later_top=number > 0 and index in top,
                first_page_top=first_page_top,
            ):
                found.add((number, index))
    # A text extractor may put a running head's parts on lines of their own: a short name at
    # the top of a later page, beside a line found to be furniture, is part of it.
    for number, page in enumerate(pages[1:], start=1):
        top_lines = [index for index, line in enumerate(page) if line][:EDGE_LINES]
        if any((number, index) in found for index in top_lines):
            for index in top_lines:
                if is_short_name(page[index].text) and not ends_sentence(page[index].text):
                    found.add((number, index))
    return found


def _is_furniture(
    line: Line, *, repeats: int, outermost: bool, later_top: bool, first_page_top: str
) -> bool:
    text = line.text
    if len(text) > MAX_FURNITURE_CHARS:
        return False
    if is_page_number(text) or is_site_line(text) or _PAGE_WORD.fullmatch(text):
        return True
    if repeats >= 2 and not _reads_as_text(text):
        return True
    if line.columns and any(_is_stamp_part(part) for part in line.columns):
        return True
    if outermost and (_COPYRIGHT.search(text) or _ADDRESS.search(text)):
        return True
    if later_top and (line.columns or not _reads_as_text(text)):
        parts = line.columns or (text,)
        cores = [_ELLIPSIS.sub("", part) for part in parts]
        printed = [len(core) >= 3 and core.lower() in first_page_top for core in cores]
        # A lone short line is as likely the end of a paragraph ("said.") as a running title;
        # beside a running title, a short name is the outlet's.
        return (
            (len(cores) > 1 or len(cores[0].split()) >= 2)
            and all(
                seen or (len(cores) > 1 and is_short_name(core))
                for seen, core in zip(printed, cores, strict=True)
            )
            and any(printed)
        )
    return False


def article_lines(pages: list[list[Line]], furniture: set[tuple[int, int]]) -> list[Line]:
    """The lines of all pages without their furniture, pages run together.

    Blank lines at the top and bottom of each page go, so a paragraph (and a word split over
    the page break) runs on into the next page; a blank line is kept between two pages when the
    first ends a sentence on a short line, the end of a paragraph.
    """
    kept_pages = []
    for number, page in enumerate(pages):
        lines = [line for index, line in enumerate(page) if (number, index) not in furniture]
        filled = [index for index, line in enumerate(lines) if line]
        if filled:
            kept_pages.append(lines[filled[0] : filled[-1] + 1])
    widths = sorted(len(line.text) for page in kept_pages for line in page if line)
    width = widths[int(len(widths) * 0.9)] if widths else 0
    joined: list[Line] = []
    for lines in kept_pages:
        last = joined[-1].text if joined else ""
        if last and ends_sentence(last) and len(last) < 0.75 * width:
            joined.append(Line("", 0, lines[0].page))
        joined.extend(lines)
    return joined
