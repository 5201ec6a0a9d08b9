"""Articles from saved web pages: main text and metadata found by trafilatura.

trafilatura drops the page's navigation, sidebars and footer and reads the metadata from the
page's own markup (``og:`` and ``article:`` properties, ``<meta name="author">``, the canonical
link, JSON-LD). It is given the HTML as text and never a URL to fetch: nothing is downloaded.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from trafilatura import bare_extraction
from trafilatura.settings import Document

from articles.ingest.cleanup import ends_sentence, normalise_text
from articles.ingest.metadata import KNOWN_PUBLICATIONS, publication_from_domain
from articles.ingest.record import ArticleRecord, UnreadableDocument
from articles.language import detect_language

if TYPE_CHECKING:
    from lxml import etree

# The page's language as its markup states it: <html lang="en-GB"> (or xml:lang), else
# <meta http-equiv="content-language" content="fa">.
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([a-z]{2,3})\b", re.IGNORECASE)
_META_LANG = re.compile(
    r"<meta\b(?=[^>]*http-equiv\s*=\s*[\"']?content-language)[^>]*?"
    r"\bcontent\s*=\s*[\"']?([a-z]{2,3})\b",
    re.IGNORECASE,
)
# A page has an article when at least one paragraph is running text: a sentence of this many
# words or more, most of them not capitalised. Menus, form labels and link lists, which
# trafilatura may run together into one paragraph ("Home Local Sport Sign in Password Forgot
# your password?"), are mostly capitalised words.
MIN_SENTENCE_WORDS = 8
# htmldate's settings: prefer the publication date to the last change, and take dates only
# from the page's markup, not guessed from any date in its text (such as "© 2024").
_DATE_SEARCH = {"original_date": True, "extensive_search": False}

_NO_ARTICLE = (
    "no article text found: the page has no paragraph of running text "
    "(it may be a login, index or navigation page)"
)


def page_language(html: str) -> str:
    """The ISO 639-1 code the page's markup gives (``<html lang>``, then the content-language
    meta tag), "" if it gives none."""
    match = _HTML_LANG.search(html) or _META_LANG.search(html)
    return match[1].lower() if match else ""


def parse_html(html: str, source_name: str = "") -> ArticleRecord:
    """Read one news article from the text of an HTML page.

    The body is the page's main text, one paragraph (or subheading, or list item) per block,
    blocks separated by one blank line, without the title repeated at its top. Authors come
    from the page's author markup ("A; B" is two authors), the date from its markup only, the
    publication from ``og:site_name`` (a known site by its archive name), the section from
    ``article:section`` or a category link. The language is the one the markup states, else
    the one detected in the body. Raises ``UnreadableDocument`` when the page cannot be parsed
    or holds no article (a login page, a list of links).
    """
    try:
        document = bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            date_extraction_params=_DATE_SEARCH,
        )
    except Exception as error:
        raise UnreadableDocument("the HTML page could not be parsed") from error
    if not isinstance(document, Document):  # nothing found (a dict only when asked for one)
        raise UnreadableDocument(_NO_ARTICLE)
    title = _clean(document.title)
    paragraphs = _paragraphs(document.body)
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    if not any(_is_running_text(paragraph) for paragraph in paragraphs):
        raise UnreadableDocument(_NO_ARTICLE)
    body = "\n\n".join(paragraphs)
    host = _host(document.url) or document.hostname
    publication, homepage = _publication(document.sitename, host)
    return ArticleRecord(
        title=title,
        body=body,
        raw_text=html,
        authors=_authors(document.author),
        published=_date(document.date),
        publication=publication,
        publication_url=homepage,
        section=_clean(document.categories[0]) if document.categories else "",
        language=page_language(html) or detect_language(body),
        source_url=document.url or "",
        source_name=source_name,
    )


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _paragraphs(body: etree._Element | None) -> list[str]:
    """The text of each block of trafilatura's main-text tree (``<p>``, ``<head>``, ``<quote>``,
    each ``<item>`` of a ``<list>``), its whitespace made regular."""
    if body is None:
        return []
    paragraphs = []
    for element in body:
        for block in element.findall("item") if element.tag == "list" else [element]:
            # <lb/> is a line break within a paragraph (an HTML <br>): it reads as a space.
            for line_break in block.iter("lb"):
                line_break.tail = " " + (line_break.tail or "")
            paragraphs.append(_clean(normalise_text("".join(block.itertext()))))
    return [paragraph for paragraph in paragraphs if paragraph]


def _is_running_text(paragraph: str) -> bool:
    words = paragraph.split()
    initials = (next((char for char in word if char.isalpha()), "") for word in words)
    capitalised = sum(initial.isupper() for initial in initials)
    return (
        len(words) >= MIN_SENTENCE_WORDS
        and ends_sentence(paragraph)
        and capitalised * 2 < len(words)
    )


def _host(url: str | None) -> str:
    try:
        return urlsplit(url or "").hostname or ""
    except ValueError:  # a malformed address in the page's markup
        return ""


def _authors(author: str | None) -> list[str]:
    names = (_clean(name) for name in (author or "").split(";"))
    return [name for name in names if name]


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _publication(site_name: str | None, host: str | None) -> tuple[str, str]:
    """(name, homepage) of the publishing site: a known publication by its archive name,
    else the page's own site name, else a name made from its domain."""
    if not host:
        return _clean(site_name), ""
    publication = publication_from_domain(host)
    if host.lower().removeprefix("www.") in KNOWN_PUBLICATIONS:
        return publication.name, publication.homepage
    return _clean(site_name) or publication.name, publication.homepage
