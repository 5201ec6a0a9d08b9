"""Reader for the BBC News 2004-2005 dataset (``shared/corpus/bbc_news_2005``).

One tar.xz, ``bbc-fulltext.tar.xz``, holding ``bbc/<section>/<NNN>.txt``: line 1 is the
headline, then a blank line, then paragraphs separated by blank lines. There are no dates,
bylines or URLs. The files are UTF-8 except a few still in Latin-1 (``sport/199.txt``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

from articles.ingest.files import archive_files, usable
from articles.ingest.record import ArticleRecord, skip

logger = logging.getLogger(__name__)

FILE_NAME = "bbc-fulltext.tar.xz"
PUBLICATION = "BBC News"
PUBLICATION_URL = "https://www.bbc.com/news"  # the same publication as the 2025 scrape

# The site's own names for the dataset's folders.
SECTIONS = {
    "business": "Business",
    "entertainment": "Entertainment",
    "politics": "Politics",
    "sport": "Sport",
    "tech": "Technology",
}

_ARTICLE_PATH = re.compile(r"^bbc/(?P<section>[a-z]+)/\d+\.txt$")
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def read(path: Path, limit: int | None = None) -> Iterator[ArticleRecord]:
    """Yield one ``ArticleRecord`` per article file in the tarball of the corpus folder ``path``.

    Files are read in archive order (section by section, by number) without unpacking the
    archive. Files with no headline or no body are skipped with a warning; ``limit`` caps the
    number of records yielded.
    """
    files = archive_files(Path(path) / FILE_NAME, wanted=_ARTICLE_PATH.match)  # not README.TXT
    records = (
        parse_article(data, name, match["section"])
        for name, data in files
        if (match := _ARTICLE_PATH.match(name))
    )
    return usable(records, limit)


def parse_article(data: bytes, source_name: str, folder: str) -> ArticleRecord | None:
    """Turn one article file's bytes into a record; ``None`` (with a warning) if unusable.

    ``source_name`` is the file's path in the archive (``bbc/sport/001.txt``) and ``folder``
    the section folder it sits in.
    """
    text = decode(data, source_name)
    title, _, rest = text.replace("\r\n", "\n").partition("\n")
    title = title.strip()
    body = "\n\n".join(_paragraphs(rest))
    if not title or not body:
        skip(logger, source_name, "no headline or no body")
        return None
    return ArticleRecord(
        title=title,
        body=body,
        raw_text=text,
        published=None,
        publication=PUBLICATION,
        publication_url=PUBLICATION_URL,
        section=SECTIONS.get(folder, folder.replace("-", " ").title()),
        language="en",
        source_name=source_name,
    )


def decode(data: bytes, source_name: str) -> str:
    """Decode UTF-8, falling back to Latin-1 for the files that were never converted."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        logger.info("%s: not UTF-8, read as Latin-1", source_name)
        return data.decode("latin-1")


def _paragraphs(text: str) -> list[str]:
    """Split on blank lines; lines inside a paragraph (bulleted lists) keep their line breaks."""
    paragraphs = []
    for block in _BLANK_LINES.split(text):
        lines = [line.strip() for line in block.splitlines()]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return paragraphs
