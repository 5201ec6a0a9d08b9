"""One entry point for single documents: a PDF, an HTML page, a Markdown or text file.

``read_document(path)`` and ``read_document_bytes(name, data)`` tell the format from the
content first (``%PDF-``, an HTML doctype or ``<html>`` tag), then from the file name
(``.pdf``, ``.html``/``.htm``, ``.md``/``.markdown``; anything else that is text is read as
text), and hand the document to its reader. A text file that is a PDF-to-text dump is read as
a dump. Whatever goes wrong comes back as ``UnreadableDocument`` with a reason a user can act
on; no parser's own error reaches the user.

The record's ``raw_text`` is the document's text before cleanup (a PDF's extracted text, an
HTML page's source) and its ``format`` says which reader made it, so that ``reparse`` can read
the kept text again after the cleanup improves.
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path

from articles.ingest import ocr
from articles.ingest.cleanup import normalise_text, remove_running_headers
from articles.ingest.formats import html, pdf, text
from articles.ingest.formats.dump import parse_dump
from articles.ingest.record import ArticleRecord, UnreadableDocument

log = logging.getLogger(__name__)

MAX_BYTES = 50 * 1024 * 1024

PDF, HTML, MARKDOWN, TEXT, DUMP = "pdf", "html", "markdown", "text", "dump"
SCAN = "scan"  # a page image read by OCR (articles.ingest.ocr); its raw text reads as a dump
# Formats whose kept raw text ``reparse`` can read again.
REPARSABLE = frozenset({PDF, HTML, MARKDOWN, TEXT, DUMP, SCAN})
# Page images, read by OCR, by their first bytes.
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})
# File name endings a folder import picks up.
SUFFIXES = frozenset(
    {".pdf", ".html", ".htm", ".xhtml", ".md", ".markdown", ".txt", ".text", *IMAGE_SUFFIXES}
)
_FORMAT_OF_SUFFIX = {
    ".pdf": PDF,
    ".html": HTML,
    ".htm": HTML,
    ".xhtml": HTML,
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
}
# What the formats are called in messages.
_NAMES = {
    PDF: "PDF",
    HTML: "HTML page",
    MARKDOWN: "Markdown file",
    TEXT: "text file",
    DUMP: "PDF-to-text dump",
    SCAN: "scanned image",
}

# Where a PDF's header may start: the specification allows junk before it in the first 1 KB.
_PDF_HEADER_WINDOW = 1024
_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
    re.IGNORECASE | re.DOTALL,
)
# Formats people try to import that are not text, by their first bytes, for a clear refusal.
_OTHER_FORMATS = (
    (b"PK\x03\x04", "a ZIP archive (a Word .docx, OpenDocument or EPUB file is one)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file (.doc, .xls)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"%!PS", "a PostScript file"),
)
# <meta charset="windows-1256"> or <meta http-equiv="Content-Type" content="text/html;
# charset=windows-1256">, within the first bytes of a page as HTML requires.
_META_CHARSET = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_CHARSET_WINDOW = 4096
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters (Unicode category Cc) but those text files do hold: tab, line feed,
# vertical tab, form feed, carriage return, and the DOS end-of-file mark (0x1A).
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")
# Above this share of other control characters, decoded bytes are not text.
MAX_CONTROL_SHARE = 0.01
# Windows-1252 is only a guess; Western European text has few letters outside ASCII. Bytes of
# another encoding (Cyrillic, Greek, Persian) read as Windows-1252 have many.
MAX_NON_ASCII_SHARE_CP1252 = 0.3


def read_document(path: Path) -> ArticleRecord:
    """Read one document file; the record's ``source_name`` is the file name.

    The file's size is checked before it is read, so a file over ``MAX_BYTES`` is refused
    without loading it. Raises ``UnreadableDocument`` (see ``read_document_bytes``).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        _check_size(size)
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableDocument(f"the file cannot be read ({error.strerror})") from error
    return read_document_bytes(path.name, data)


def read_document_bytes(name: str, data: bytes) -> ArticleRecord:
    """Read one document from its bytes; ``name`` is its file name, used for the format when
    the content does not tell it, and as the record's ``source_name``.

    Raises ``UnreadableDocument`` for an empty file, one over ``MAX_BYTES``, binary data or a
    format that is not read (images, archives, office files), text in an unknown encoding, and
    whatever its reader cannot read: a damaged, password-protected or scanned PDF, an HTML page
    with no article.
    """
    _check_size(len(data))
    suffix = Path(name).suffix.lower()
    if b"%PDF-" in data[:_PDF_HEADER_WINDOW]:
        return _parse(PDF, name, data)
    if suffix == ".pdf":
        raise UnreadableDocument("the file is named .pdf but is not a PDF")
    if data.startswith(_IMAGE_MAGIC):
        return _parse(SCAN, name, data)
    text = decode_text(data)
    if _HTML_START.match(text[:4096]):
        return _parse(HTML, name, text)
    if suffix in _FORMAT_OF_SUFFIX:
        return _parse(_FORMAT_OF_SUFFIX[suffix], name, text)
    return _parse(DUMP if looks_like_dump(text) else TEXT, name, text)


def looks_like_dump(text: str) -> bool:
    """Whether a text file is a PDF-to-text dump rather than plain text.

    A dump has page breaks (form feeds), or lines the dump cleanup drops as page furniture: web
    and e-mail addresses ("www.afgazad.com  afgazad@gmail.com  1"), page numbers, short lines
    repeated as running headers. Plain text has none of these.
    """
    if "\f" in text:
        return True
    lines = normalise_text(text).split("\n")
    return len(remove_running_headers(lines)) < len(lines)


def reparse(fmt: str, raw_text: str, source_name: str = "") -> ArticleRecord:
    """Read an article again from the ``raw_text`` its reader kept, with today's cleanup.

    ``fmt`` is the record's ``format``, one of ``REPARSABLE``. Raises ``UnreadableDocument``.
    """
    if fmt not in REPARSABLE:
        raise UnreadableDocument(f"articles of format {fmt!r} cannot be read again")
    return _parse(fmt, source_name, raw_text)


def _parse(fmt: str, name: str, content: str | bytes) -> ArticleRecord:
    """Parse a document's text (or a PDF's bytes) as ``fmt``; label the record with it."""
    parsers = {
        PDF: pdf.parse_pdf_text,
        HTML: html.parse_html,
        MARKDOWN: text.parse_markdown,
        TEXT: text.parse_plain_text,
        DUMP: parse_dump,
        SCAN: parse_dump,
    }
    scans: list[ocr.ScannedPage] = []  # pages read by OCR, kept with the article
    try:
        if fmt == SCAN and isinstance(content, bytes):
            raw_text = ocr.read_image_text(content, scans)
        elif isinstance(content, bytes):
            raw_text = pdf.extract_text(content, scans)
        else:
            raw_text = content
        record = parsers[fmt](raw_text, name)
    except UnreadableDocument:
        raise
    except Exception as error:
        # A bug of ours or a parser's: the user gets a reason, the log the traceback.
        log.exception("Reading %s as %s failed", name, fmt)
        raise UnreadableDocument(f"the {_NAMES[fmt]} could not be read") from error
    record.format = fmt
    record.scanned_pages = scans
    record.review += ocr.review_reasons(scans)
    return record


def _check_size(size: int) -> None:
    if size == 0:
        raise UnreadableDocument("the file is empty")
    if size > MAX_BYTES:
        raise UnreadableDocument(
            f"the file is too large ({size / 2**20:.0f} MB; at most {MAX_BYTES // 2**20} MB)"
        )


def decode_text(data: bytes) -> str:
    """The text of a text file's bytes, or ``UnreadableDocument`` if they are not text.

    Tries, in order: a byte-order mark (UTF-8, UTF-16), the encoding an HTML page declares,
    UTF-8, then Windows-1252 (the usual encoding of older Western files, whose curly quotes
    Latin-1 lacks) if the result looks like Western text. NUL bytes outside UTF-16 mean binary
    data.
    """
    for bom, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(bom):
            try:
                return _as_text(data.decode(encoding))
            except UnicodeDecodeError as error:
                raise UnreadableDocument(
                    f"the file is marked as {encoding.upper().removesuffix('-SIG')} "
                    "but is not valid text in it"
                ) from error
    for magic, what in _OTHER_FORMATS:
        if data.startswith(magic):
            raise UnreadableDocument(f"the file is {what}, not a document that can be imported")
    if b"\x00" in data:
        raise UnreadableDocument("the file holds binary data, not text")
    declared = _declared_charset(data)
    if declared:
        try:
            return _as_text(data.decode(declared))
        except UnicodeDecodeError:
            pass  # the declaration is wrong; guess as for any text
    try:
        return _as_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    try:
        text = _as_text(data.decode("cp1252"))
    except UnicodeDecodeError as error:
        raise UnreadableDocument(
            "the file is binary data or text in an unknown encoding"
        ) from error
    non_ascii = len(data.translate(None, bytes(range(128))))
    if non_ascii > MAX_NON_ASCII_SHARE_CP1252 * len(data):
        raise UnreadableDocument("the file is text in an unknown encoding (not UTF-8)")
    return text


def _declared_charset(data: bytes) -> str:
    """The encoding an HTML page declares in a ``<meta>`` tag near its top, if Python knows
    it; "" otherwise. Persian and Arabic sites often still declare windows-1256."""
    match = _META_CHARSET.search(data[:_CHARSET_WINDOW])
    if not match:
        return ""
    try:
        name = codecs.lookup(match[1].decode("ascii")).name
    except LookupError:
        return ""
    # As browsers do (WHATWG Encoding): pages that say Latin-1 or ASCII are Windows-1252.
    return "cp1252" if name in ("iso8859-1", "ascii") else name


def _as_text(text: str) -> str:
    """``text`` if it looks like text: bytes of binary data that happen to decode have many
    control characters, which raise ``UnreadableDocument``."""
    if len(_CONTROL_CHARACTERS.findall(text)) > MAX_CONTROL_SHARE * len(text):
        raise UnreadableDocument("the file holds binary data, not text")
    return text
