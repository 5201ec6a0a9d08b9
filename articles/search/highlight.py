"""Snippets of an article around the words a reader searched for, with those words marked.

Backend-agnostic: it needs the text and the query as typed. Words match when their
stems match (English Porter stemming, as in the index), so 'missiles' highlights for
'missile'. The text is escaped before any markup is added, so a title or body
carrying HTML stays inert.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from whoosh.lang.porter import stem

from articles.search.analysis import normalise_persian_arabic
from articles.search.syntax import parse, positive_words

_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)


def query_terms(query: str) -> set[str]:
    """Stems of the words a query asks for, leaving out operators and excluded words."""
    terms: set[str] = set()
    for word in positive_words(parse(query)):
        terms.update(_stems(normalise_persian_arabic(word)))
    return terms


def _stems(word: str) -> set[str]:
    """The word's stem, and for compounds ('S-400', "Erdogan's") the stems of its parts."""
    lowered = word.lower().replace("’", "'")
    stems = {stem(lowered)}
    for part in re.split(r"[-']", lowered):
        if len(part) > 1 or part.isdigit():
            stems.add(stem(part))
    return stems


def _matches(word: str, terms: set[str]) -> bool:
    lowered = normalise_persian_arabic(word).lower().replace("’", "'")
    if stem(lowered) in terms:
        return True
    return any(stem(part) in terms for part in re.split(r"[-']", lowered) if part)


def snippet(text: str, query: str, length: int = 280) -> SafeString:
    """About ``length`` characters of ``text`` around the densest cluster of matches."""
    text = " ".join(text.split())
    terms = query_terms(query)
    spans = [m.span() for m in _WORD.finditer(text) if terms and _matches(m.group(), terms)]
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
    out, pos = [], start
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
    terms = query_terms(query)
    out, pos = [], 0
    for m in _WORD.finditer(text):
        if terms and _matches(m.group(), terms):
            out.append(escape(text[pos : m.start()]))
            out.append(f"<mark>{escape(m.group())}</mark>")
            pos = m.end()
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308  (every piece escaped)
