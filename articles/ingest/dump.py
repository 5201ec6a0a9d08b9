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
    main_script,
    normalise_text,
    rebuild_paragraphs,
    remove_banner_lines,
    remove_running_headers,
)
from articles.ingest.record import ArticleRecord


def parse_dump(raw: str, source_name: str = "") -> ArticleRecord:
    """Read one article from the text of a PDF-to-text dump.

    ``raw`` is the whole dump as decoded text; it is kept unchanged as ``raw_text``. The body
    holds neither the header (title, byline, date, section label, banner) nor the running
    headers and page numbers, and has its paragraphs separated by one blank line. The language
    is the body's own; when it cannot be detected, the publication's usual language.
    """
    text = normalise_text(raw)
    lines = text.split("\n")
    domain = metadata.find_site_domain(lines)
    lines = remove_running_headers(lines)
    script = main_script(text)
    body_start = metadata.header_end(lines, script)
    header, body_lines = lines[:body_start], lines[body_start:]
    body = rebuild_paragraphs(remove_banner_lines(body_lines, script))
    publication = metadata.publication_from_domain(domain) if domain else None
    return ArticleRecord(
        title=metadata.extract_title(header, script),
        body=body,
        raw_text=raw,
        authors=metadata.extract_authors(header),
        published=metadata.extract_date(header),
        publication=publication.name if publication else "",
        publication_url=publication.homepage if publication else "",
        section=metadata.extract_section(header, script),
        language=metadata.detect_language(body) or (publication.language if publication else ""),
        source_name=source_name,
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
