"""Articles from PDF files: the text layer, read with pdfminer.six, then the dump cleanup.

``extract_text`` gets the text of every page, pages separated by a form feed as ``pdftotext``
separates them; that text is the record's ``raw_text``. ``parse_pdf_text`` hands it to
``articles.ingest.formats.dump.parse_dump``: a PDF goes through the same page furniture removal,
header reader and cleanup as a PDF-to-text dump.

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
from dataclasses import dataclass, replace

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTFigure, LTImage, LTPage, LTTextBox, LTTextLine
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from articles.ingest.formats.dump import parse_dump
from articles.ingest.ocr import fill_scanned_pages
from articles.ingest.record import ArticleRecord, UnreadableDocument

PAGE_BREAK = "\f"
# Typographic ligatures (U+FB00-FB06: ff, fi, fl, ffi, ffl, long st, st) that fonts map their
# glyphs to; searching for "fish" must find "ﬁsh".
_LIGATURES = re.compile("[\ufb00-\ufb06]")
# Glyphs pdfminer could not map to characters come out as "(cid:123)".
_UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")
# Above this share of unmapped glyphs the text is gibberish, not an article.
MAX_UNMAPPED_SHARE = 0.1
# A page that images cover this much of, with text lines over this little of it, is a scan
# under a stamp or a page number: read by OCR (a page of text has lines over a third of it).
SCAN_IMAGE_SHARE = 0.5
STAMP_TEXT_SHARE = 0.02


def extract_text(data: bytes, scans: list | None = None) -> str:
    """The text layer of the PDF ``data``, laid out as ``pdftotext -layout`` lays it out: each
    page's lines top to bottom, indented as printed, parts of one line far apart separated by
    wide gaps, a blank line where the print leaves a line's height of space; each page followed
    by a form feed (see ``lay_out_page``).

    Pages without a text layer (scans), and scans under a text layer of a few words (a page
    number, a stamp: ``is_stamped_scan``), are read by OCR when ``scans`` is given
    (``articles.ingest.ocr.fill_scanned_pages``), which adds them to it.

    Raises ``UnreadableDocument`` when the PDF is damaged or cut short, needs a password, or has
    no text to read (a scan without a text layer, or fonts with no mapping to characters).
    """
    try:
        laid_out = list(extract_pages(io.BytesIO(data), laparams=LAParams()))
        pages = [lay_out_page(page) for page in laid_out]
        stamped = [number for number, page in enumerate(laid_out, start=1) if is_stamped_scan(page)]
    except PDFPasswordIncorrect as error:
        raise UnreadableDocument("the PDF is protected by a password") from error
    except PDFEncryptionError as error:
        raise UnreadableDocument("the PDF is encrypted in a way that cannot be read") from error
    except Exception as error:
        # pdfminer raises many kinds of error (its own, KeyError, TypeError...) on broken files.
        raise UnreadableDocument("the PDF is damaged or incomplete and cannot be read") from error
    if scans is not None:
        pages = fill_scanned_pages(data, pages, scans, also=stamped)
    text = "".join(page + PAGE_BREAK for page in pages)
    words = text.split()
    if not words:
        raise UnreadableDocument(
            "the PDF has no text layer (probably a scan); run it through OCR first"
        )
    unmapped = len(_UNMAPPED_GLYPH.findall(text))
    if unmapped > MAX_UNMAPPED_SHARE * len(words):
        raise UnreadableDocument("the PDF's fonts do not say which letters they draw")
    return text


def is_stamped_scan(page: LTPage) -> bool:
    """Whether the page is a scan with a few words of text layer over it: images cover at
    least ``SCAN_IMAGE_SHARE`` of it and text lines at most ``STAMP_TEXT_SHARE``. Its text is
    on the image, not in the text layer (a page number or a stamp added after scanning)."""
    area = page.width * page.height
    if area <= 0:
        return False
    images = sum(_clipped_area(image, page) for image in _images(page))
    if images < SCAN_IMAGE_SHARE * area:
        return False
    lines = sum(
        _clipped_area(line, page)
        for box in page
        if isinstance(box, LTTextBox)
        for line in box
        if isinstance(line, LTTextLine) and line.get_text().strip()
    )
    return lines <= STAMP_TEXT_SHARE * area


def _images(container) -> list[LTImage]:
    found = []
    for item in container:
        if isinstance(item, LTImage):
            found.append(item)
        elif isinstance(item, LTFigure):
            found.extend(_images(item))
    return found


def _clipped_area(item, page: LTPage) -> float:
    width = min(item.x1, page.x1) - max(item.x0, page.x0)
    height = min(item.y1, page.y1) - max(item.y0, page.y0)
    return max(width, 0) * max(height, 0)


@dataclass
class _PrintedLine:
    box: int
    x0: float
    x1: float
    y0: float
    y1: float
    text: str


def lay_out_page(page: LTPage) -> str:
    """One page's text with its layout, from pdfminer's text lines and their positions.

    Lines are read top to bottom, and lines at one height (a running header's parts, set apart
    on the page) become one line with a gap of at least three spaces between the parts. When
    blocks of several lines stand side by side (columns), pdfminer's reading order of the
    blocks is kept instead, one block after the other. Indentation is the distance from the
    page's left margin in the body's average character width; a blank line marks vertical space
    at least as tall as a line (a paragraph set apart, a heading).
    """
    printed = [
        _PrintedLine(number, line.x0, line.x1, line.y0, line.y1, line.get_text().rstrip("\n"))
        for number, box in enumerate(item for item in page if isinstance(item, LTTextBox))
        for line in box
        if isinstance(line, LTTextLine) and line.get_text().strip()
    ]
    if not printed:
        return ""
    widths = sorted((line.x1 - line.x0) / len(line.text) for line in printed)
    char_width = widths[len(widths) // 2] or 1.0
    left = min(line.x0 for line in printed)
    columns = _has_columns(printed)
    if columns:
        rows = [[line] for line in printed]  # pdfminer's reading order, block by block
    else:
        rows = []
        for line in sorted(printed, key=lambda line: (-line.y1, line.x0)):
            middle = (line.y0 + line.y1) / 2
            if rows and rows[-1][0].y0 <= middle <= rows[-1][0].y1:
                rows[-1].append(line)
            else:
                rows.append([line])
    out: list[str] = []
    previous: list[_PrintedLine] | None = None
    for row in rows:
        row.sort(key=lambda line: line.x0)
        if previous is not None and not columns:
            gap = min(line.y0 for line in previous) - max(line.y1 for line in row)
            height = min(line.y1 - line.y0 for line in [*row, *previous])
            if gap >= 0.9 * height:
                out.append("")
        text = ""
        for line in row:
            column = round((line.x0 - left) / char_width)
            spaces = column - len(text) if not text else max(3, column - len(text))
            text += " " * max(spaces, 0 if not text else 3) + line.text.strip()
        out.append(text.rstrip())
        previous = row
    return "\n".join(out)


def _has_columns(lines: list[_PrintedLine]) -> bool:
    """Whether blocks of several lines stand side by side on the page."""
    boxes: dict[int, list[_PrintedLine]] = {}
    for line in lines:
        boxes.setdefault(line.box, []).append(line)
    spans = [
        (
            min(line.x0 for line in box),
            max(line.x1 for line in box),
            min(line.y0 for line in box),
            max(line.y1 for line in box),
        )
        for box in boxes.values()
        if len(box) > 1
    ]
    return any(
        a[1] <= b[0] and a[2] < b[3] and b[2] < a[3] for a in spans for b in spans if a is not b
    )


def parse_pdf_text(text: str, source_name: str = "") -> ArticleRecord:
    """Read one article from the text ``extract_text`` gave (pages ended by form feeds).

    Ligatures are spelt out, and the rest is the dump's page furniture, header reader and
    cleanup (``parse_dump``); ``raw_text`` is ``text`` as given.
    """
    spelt_out = _LIGATURES.sub(lambda match: unicodedata.normalize("NFKC", match[0]), text)
    record = parse_dump(spelt_out, source_name=source_name)
    return replace(record, raw_text=text)


def read_pdf(data: bytes, source_name: str = "") -> ArticleRecord:
    """Read one article from the bytes of a PDF file (see ``extract_text`` for what raises)."""
    return parse_pdf_text(extract_text(data), source_name=source_name)
