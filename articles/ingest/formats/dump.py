"""Articles from PDF-to-text dumps (the text ``pdftotext`` makes of a saved web page).

Such a dump starts with the site's running header, maybe a banner in the site's own script,
a section label, byline, date and title, then the body as wrapped physical lines, often with a
blank line after each. ``parse_dump`` turns one into an ``ArticleRecord``; ``read_dump_file``
adds the file reading.
"""

from __future__ import annotations

from pathlib import Path

from articles.ingest import metadata
from articles.ingest.cleanup import (
    rebuild_paragraphs,
    remove_banner_lines,
    remove_running_headers,
)
from articles.ingest.header import read_header
from articles.ingest.pages import article_lines, find_furniture, read_pages
from articles.ingest.record import ArticleRecord
from articles.language import detect_language, main_script

# How much of the body the language is told from.
LANGUAGE_SAMPLE = 2500


def parse_dump(raw: str, source_name: str = "") -> ArticleRecord:
    """Read one article from the text of a PDF-to-text dump.

    ``raw`` is the whole dump as decoded text, pages separated by form feeds, lines as the
    layout printed them (indentation and gaps between columns help, but are not needed); it is
    kept unchanged as ``raw_text``. Page furniture is found page by page
    (``pages.find_furniture``), the header is read by ``header.read_header``, and the body
    holds neither: its paragraphs are separated by one blank line, and words split at a line
    or page end are re-joined with the word list of the body's language. The language is the
    body's own; when it cannot be detected, the publication's usual language. What the reader
    was unsure of goes to ``review``.
    """
    pages = read_pages(raw)
    furniture = find_furniture(pages)
    lines = article_lines(pages, furniture)
    furniture_lines = [pages[page][index] for page, index in sorted(furniture)]
    script = main_script("\n".join(line.text for line in lines))
    header = read_header(lines, furniture_lines, script)
    body_lines = [line.text for line in lines[header.body_start :]]
    body_lines = remove_banner_lines(remove_running_headers(body_lines), script)
    # A few paragraphs tell the language as surely as the whole text, in a fraction of the time
    # (langdetect's cost grows with the text, up to 10,000 characters).
    language = detect_language("\n".join(body_lines)[:LANGUAGE_SAMPLE])
    body = rebuild_paragraphs(body_lines, language)
    known = metadata.KNOWN_PUBLICATIONS.get(
        header.publication_url.removeprefix("https://").removeprefix("www.")
    )
    return ArticleRecord(
        title=header.title,
        body=body,
        raw_text=raw,
        authors=header.authors,
        published=header.published,
        publication=header.publication,
        publication_url=header.publication_url,
        section=header.section,
        language=language or (known.language if known else ""),
        source_name=source_name,
        review=header.doubts,
    )


def read_dump_file(path: str | Path) -> ArticleRecord:
    """Read and parse one dump file, named in the record by its file name.

    The bytes are decoded as UTF-8; a file that is not valid UTF-8 is decoded as Latin-1,
    which never fails, so an oddly encoded dump is still imported and can be reviewed.
    """
    path = Path(path)
    data = path.read_bytes()
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError:
        raw = data.decode("latin-1")
    return parse_dump(raw, source_name=path.name)
