"""Snippets of an article around the words a reader searched for, with those words marked.

Backend-agnostic: it needs the text and the query as typed. A word is marked when its index
term (``articles.search.analysis``: folded, stemmed, as both backends index it) is one the
query asks for, or starts with a prefix the query asks for (``milit*``): what matches is what
is marked, 'missiles' for 'missile', 'U.S.' for 'US', '3.5' for '3.5'. The text is escaped
before any markup is added, so a title or body carrying HTML stays inert.
"""

from __future__ import annotations

import functools
import re

# Django's ``escape`` is this one, wrapped for lazy strings and returning a SafeString per
# piece: a page's snippets and titles are two hundred-odd pieces, marked safe once whole.
from html import escape

from django.utils.safestring import SafeString, mark_safe

from articles.search.analysis import analyze, compound_spans, index_words
from articles.search.analysis import stem as term_of
from articles.search.syntax import parse, positive_prefixes, positive_words

# Between two matched words, these make them one compound, marked as one ('S-400').
_JOINERS = frozenset(["-", "\u2010", "\u2011", "/"])


class QueryTerms:
    """What a query asks for, as index terms: whole terms, and prefixes of words."""

    def __init__(self, query: str):
        node = parse(query)
        self.terms: set[str] = set()
        self.prefixes: tuple[str, ...] = tuple(
            word for text in positive_prefixes(node) for word in index_words(text)
        )
        for word in positive_words(node):
            self.terms.update(analyze(word))
        self.terms.difference_update(self.prefixes)
        # A compound can only be marked if a term begins as its first part does: the
        # others are not looked up (most of the cost of marking a long Persian text).
        self.beginnings = frozenset({t[:3] for t in self.terms} | {p[:3] for p in self.prefixes})

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where in ``text`` the words the query asks for are written."""
        if not self:
            return []
        spans: list[tuple[int, int]] = []
        beginnings = self.beginnings

        def could_start(word: str) -> bool:
            return word[:3] in beginnings or any(b.startswith(word) for b in beginnings)

        for _, start, end, word in compound_spans(text, could_start):
            if term_of(word) in self.terms or (self.prefixes and word.startswith(self.prefixes)):
                if spans and start < spans[-1][1]:
                    # A compound written apart ('کتاب خانه'): one mark over its parts
                    while spans and start < spans[-1][1]:
                        start = min(start, spans.pop()[0])
                    spans.append((start, end))
                elif spans and text[spans[-1][1] : start] in _JOINERS:
                    spans[-1] = (spans[-1][0], end)  # 'S-400': one mark for the compound
                else:
                    spans.append((start, end))
        return spans


@functools.lru_cache(maxsize=256)
def _asked(query: str) -> QueryTerms:
    """``QueryTerms(query)``, made once for the title and snippet of every hit on a page
    (parsing and analysing the query forty times a page was a tenth of a search's Python).
    A ``QueryTerms`` is not changed after it is made: callers only read it."""
    return QueryTerms(query)


def query_terms(query: str) -> set[str]:
    """The index terms of the words a query asks for (operators and excluded words left out)."""
    return set(_asked(query).terms)


def snippet(text: str, query: str, length: int = 280) -> SafeString:
    """About ``length`` characters of ``text`` around the densest cluster of matches."""
    text = " ".join(text.split())
    spans = _asked(query).spans(text)
    if not spans:
        cut = text[:length]
        return mark_safe(escape(cut) + ("…" if len(text) > length else ""))  # noqa: S308

    # The window of `length` characters that holds the most matches.
    best_start, best_count, j = spans[0][0], 0, 0
    for i, (start, _) in enumerate(spans):
        while spans[j][0] < start - length:
            j += 1
        if i - j + 1 > best_count:
            best_count, best_start = i - j + 1, spans[j][0]
    start = max(0, best_start - length // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < best_start else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end

    return mark_safe(excerpt(text, spans, start, end))  # noqa: S308  (every piece escaped)


def excerpt(
    text: str, spans: list[tuple[int, int]], start: int, end: int, *, squeeze: bool = False
) -> str:
    """``text[start:end]`` as escaped HTML, the ``spans`` inside it in ``<mark>``, with "…"
    where the text goes on. ``spans``: sorted, non-overlapping (start, end) offsets.
    ``squeeze``: line breaks and runs of spaces read as one space."""
    out: list[str] = []
    pos = start
    for s, e in spans:
        if s < pos or e > end:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    html = "".join(out)
    if squeeze:
        html = re.sub(r"\s+", " ", html).strip()
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + html + suffix


def highlight_words(text: str, query: str) -> SafeString:
    """All of ``text`` (a title, say), escaped, with matching words marked."""
    out: list[str] = []
    pos = 0
    for start, end in _asked(query).spans(text):
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308  (every piece escaped)
