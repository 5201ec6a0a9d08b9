"""Articles from PDF files: the text layer, read with pdfminer.six, then the dump cleanup.

``extract_text`` gets the text of every page, pages separated by a form feed as ``pdftotext``
separates them; that text is the record's ``raw_text``. ``parse_pdf_text`` joins the pages
(see ``join_pages``) and hands the result to ``articles.ingest.dump.parse_dump``: a PDF goes
through the same cleanup and metadata extraction as a PDF-to-text dump.

Why pdfminer.six: measured on PDFs made with reportlab (a 3-page article with running
header, footer page numbers, a word hyphenated across a page break; the same with the text
drawn in reverse order; two columns; the same article with fi/fl ligature glyphs in an
embedded TrueType font; 30 pages), against pypdf 7.1.1 and PyMuPDF 1.28.2:

* reading order: only pdfminer (layout analysis) kept two columns apart and put body lines
  drawn in reverse order back in reading order; pypdf and PyMuPDF (default mode) interleave
  the columns and follow the drawing order, which lost the title, byline and date. PyMuPDF's
  ``sort=True`` and pypdf's layout mode fix the order but print columns side by side.
* paragraphs: pdfminer leaves a blank line between paragraphs set apart by space; pypdf and
  PyMuPDF (default mode) run them together.
* ligatures: all three give U+FB01/U+FB02 as the PDF maps them; ``parse_pdf_text`` expands them.
* damaged files: cut at 5 % to 99 % of their length, pdfminer raised every time; PyMuPDF
  silently repaired a half file and returned part of the text.
* speed (median of 5): 3 pages 18 ms, 30 pages 420 ms; pypdf 5 / 69 ms; PyMuPDF 2 / 13 ms.
  Slowest, but a single uploaded article takes well under a second.
* licence and size: pdfminer.six MIT, pure Python, 9.5 MB plus cryptography (for AES
  encryption) and charset-normalizer; pypdf BSD, 4.3 MB, no dependencies; PyMuPDF 65 MB of
  native code under the AGPL (or a commercial licence), which would bind a product serving it.
  pdfminer.six and pypdf both release several times a year.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from pdfminer.high_level import extract_text as pdfminer_extract_text
from pdfminer.layout import LAParams
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from articles.ingest.cleanup import (
    ends_sentence,
    is_page_number,
    is_site_line,
    normalise_text,
    typical_line_width,
)
from articles.ingest.documents import UnreadableDocument
from articles.ingest.dump import parse_dump
from articles.ingest.metadata import BODY_LINE_SHARE
from articles.ingest.record import ArticleRecord

PAGE_BREAK = "\f"
# Typographic ligatures (U+FB00-FB06: ff, fi, fl, ffi, ffl, long st, st) that fonts map their
# glyphs to; searching for "fish" must find "ﬁsh".
_LIGATURES = re.compile("[\ufb00-\ufb06]")
# Glyphs pdfminer could not map to characters come out as "(cid:123)".
_UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")
# Above this share of unmapped glyphs the text is gibberish, not an article.
MAX_UNMAPPED_SHARE = 0.1
# How many non-blank lines at the top and bottom of a page can be running headers or footers.
EDGE_LINES = 2


def extract_text(data: bytes) -> str:
    """The text layer of the PDF ``data``: each page's text followed by a form feed.

    Raises ``UnreadableDocument`` when the PDF is damaged or cut short, needs a password, or has
    no text to read (a scan without a text layer, or fonts with no mapping to characters).
    """
    try:
        text = pdfminer_extract_text(io.BytesIO(data), laparams=LAParams())
    except PDFPasswordIncorrect as error:
        raise UnreadableDocument("the PDF is protected by a password") from error
    except PDFEncryptionError as error:
        raise UnreadableDocument("the PDF is encrypted in a way that cannot be read") from error
    except Exception as error:
        # pdfminer raises many kinds of error (its own, KeyError, TypeError...) on broken files.
        raise UnreadableDocument("the PDF is damaged or incomplete and cannot be read") from error
    words = text.split()
    if not words:
        raise UnreadableDocument(
            "the PDF has no text layer (probably a scan); run it through OCR first"
        )
    unmapped = len(_UNMAPPED_GLYPH.findall(text))
    if unmapped > MAX_UNMAPPED_SHARE * len(words):
        raise UnreadableDocument("the PDF's fonts do not say which letters they draw")
    return text


def _edge_key(line: str) -> str:
    # As in the dump cleanup, a running header differs from page to page only in its numbers.
    return re.sub(r"\d+", "#", line.lower())


def _edges(lines: list[str]) -> list[str]:
    text_lines = [line for line in lines if line]
    return text_lines[:EDGE_LINES] + text_lines[-EDGE_LINES:]


def _trim(lines: list[str], top: Callable[[str], bool], bottom: Callable[[str], bool]) -> list[str]:
    """``lines`` without the blank lines and the lines ``top`` (at the top) or ``bottom`` (at the
    bottom) calls furniture."""
    start, end = 0, len(lines)
    while start < end and (not lines[start] or top(lines[start])):
        start += 1
    while end > start and (not lines[end - 1] or bottom(lines[end - 1])):
        end -= 1
    return lines[start:end]


def join_pages(text: str) -> str:
    """Join the pages of ``extract_text``'s output into one text for ``parse_dump``.

    The dump cleanup knows nothing of pages: it would take the blank lines, running header and
    page number between two pages for a paragraph break, and keep a page number that follows a
    hyphenated word. So each page loses, at its top and bottom, blank lines and its furniture:
    page numbers, lines of web addresses, and lines that recur (numbers aside) among the top or
    bottom lines of another page. The first page keeps its top, where the article's own header
    is (the cleanup drops a site line there and reads the publication from it), but for
    recurring lines with a number in them, such as the date and time a browser printed the page
    at. Two pages are joined as one paragraph running on, unless the first ends with a short
    line that ends a sentence: the end of a paragraph.
    """
    pages = [normalise_text(page).split("\n") for page in text.split(PAGE_BREAK)]
    pages = [page for page in pages if any(page)]
    edge_counts = Counter(
        key for page in pages for key in {_edge_key(line) for line in _edges(page)}
    )

    def recurs(line: str) -> bool:
        return edge_counts[_edge_key(line)] >= 2

    def is_furniture(line: str) -> bool:
        return is_page_number(line) or is_site_line(line) or recurs(line)

    def is_dated_furniture(line: str) -> bool:
        return recurs(line) and bool(re.search(r"\d", line)) and not is_site_line(line)

    trimmed = [_trim(page, is_furniture, is_furniture) for page in pages[1:]]
    if pages:
        trimmed.insert(0, _trim(pages[0], is_dated_furniture, is_furniture))
    width = typical_line_width(line for page in trimmed for line in page)
    joined: list[str] = []
    for page in trimmed:
        last = joined[-1] if joined else ""
        if last and ends_sentence(last) and len(last) < BODY_LINE_SHARE * width:
            joined.append("")
        joined.extend(page)
    return "\n".join(joined)


def parse_pdf_text(text: str, source_name: str = "") -> ArticleRecord:
    """Read one article from the text ``extract_text`` gave (pages ended by form feeds).

    Ligatures are spelt out, the pages joined by ``join_pages``, and the rest is the dump
    cleanup and metadata of ``parse_dump``; ``raw_text`` is ``text`` as given.
    """
    spelt_out = _LIGATURES.sub(lambda match: unicodedata.normalize("NFKC", match[0]), text)
    record = parse_dump(join_pages(spelt_out), source_name=source_name)
    return replace(record, raw_text=text)


def read_pdf(data: bytes, source_name: str = "") -> ArticleRecord:
    """Read one article from the bytes of a PDF file (see ``extract_text`` for what raises)."""
    return parse_pdf_text(extract_text(data), source_name=source_name)
