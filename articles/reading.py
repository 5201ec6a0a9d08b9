"""The article page around the text: the searched words marked in the whole title and body,
the entities grouped by kind, and where to go next.

**Marking a search in an article.** A reader arriving from a search sees the words and
phrases the query language matched, as it matched them: each word through the one analyzer
(``articles.search.analysis``: folded, stemmed, so 'missiles' for 'missile' and either
Persian spelling for the other), a quoted phrase only where its words stand together (one
mark for the whole phrase), a proximity phrase (``"a b"~5``) only where its words are near
each other, ``title:`` words only in the title and ``body:`` words only in the body,
excluded words never; ``author:`` and ``entity:`` words (and plain words, which the index
also looks for there) in the names of the article's authors and entities (``mark_names``),
and ``section:`` and ``publication:`` nowhere. Snippets on the results page
(``articles.search.highlight``) mark every word of the query; a whole article read by a
person needs the stricter reading, or a phrase search would light up every "safe" and
every "zone" on ten screens.

Bounded whatever the query or the article: the query is parsed by ``syntax.parse`` (at most
its first 64 words), marking stops after ``MAX_MARKS`` marks or when its share of
``SEARCH_TIME_LIMIT`` is spent, and what is left is shown escaped and unmarked, with a note.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import Entity, Mention
from articles.search.analysis import analyze, index_words, stem, word_spans
from articles.search.syntax import Field, Not, Phrase, Prefix, Term, parse

MAX_MARKS = 500  # more than anyone steps through; beyond it the text is shown unmarked
# The share of SEARCH_TIME_LIMIT the marking of one article may take: a page is more than
# its highlighting, and a hostile query must not hold a worker longer than a search would.
TIME_SHARE = 0.5
CHECK_EVERY = 2000  # words between two looks at the clock inside one long paragraph

# Between two marked words, these make them one compound, marked as one ('S-400').
_JOINERS = frozenset(["-", "\u2010", "\u2011", "/"])

# The parts of an article the query's fields search: ``title:`` the title, ``body:`` the
# body, ``entity:`` the names of its entities, ``author:`` its authors' names, and a plain
# word all of them and the kicker and summary (what the index's text holds).
TITLE, BODY, OTHER, ENTITIES, AUTHORS = "title", "body", "other", "entities", "authors"
_PARTS = {TITLE, BODY, OTHER, ENTITIES, AUTHORS}


@dataclass(frozen=True)
class _Run:
    """Words that match together: a phrase's terms in order (``slop`` 0), or near each other
    in any order (``slop`` > 0: each within ``slop`` words of the next, as the engines'
    unordered SpanNear reads it)."""

    terms: tuple[str, ...]
    slop: int = 0


@dataclass
class _Matchers:
    """What one text field (title or body) should mark."""

    terms: set[str] = field(default_factory=set)
    prefixes: tuple[str, ...] = ()
    runs: list[_Run] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes or self.runs)


class SearchMarks:
    """The words a query matched, ready to mark in a title and in a body's paragraphs."""

    def __init__(self, query: str):
        self.query = query
        self.fields = {name: _Matchers() for name in _PARTS}
        self._collect(parse(query), _PARTS)

    def __bool__(self) -> bool:
        return any(self.fields.values())

    def _collect(self, node, fields: set[str]) -> None:
        if node is None or isinstance(node, Not):
            return
        if isinstance(node, Field):
            self._collect(node.node, fields & {node.name})
            return
        if not fields:  # section:, publication:: matched outside the text
            return
        if isinstance(node, Prefix):
            for name in fields:
                matchers = self.fields[name]
                matchers.prefixes += tuple(index_words(node.text))
            return
        if isinstance(node, (Term, Phrase)):
            words = node.words if isinstance(node, Phrase) else (node.text,)
            slop = node.slop if isinstance(node, Phrase) else 0
            terms = tuple(term for word in words for term in analyze(word))
            for name in fields:
                if len(terms) == 1:
                    self.fields[name].terms.add(terms[0])
                elif terms:  # a phrase, or one typed word the analyzer splits ('S-400')
                    self.fields[name].runs.append(_Run(terms, slop))
            return
        for child in getattr(node, "nodes", ()):
            self._collect(child, fields)

    def spans(self, text: str, name: str, budget: _Budget | None = None) -> list[tuple[int, int]]:
        """Where in ``text`` (of part ``name``) the query matched, in order, without overlap."""
        matchers = self.fields[name]
        if not matchers or not text:
            return []
        budget = budget or _Budget()
        wanted = matchers.terms.union(*(run.terms for run in matchers.runs))
        keys = {_stem_key(term) for term in wanted}
        words: list[tuple[int, int]] = []  # start, end of each word
        positions: dict[str, list[int]] = {}  # wanted term -> indexes of its words
        hits: list[tuple[int, int]] = []  # word index ranges, end exclusive
        for index, (start, end, word) in enumerate(word_spans(text)):
            words.append((start, end))
            # Stemming a word the cache has not seen costs a hundred times more than the
            # rest; only a word that can have a wanted term as its stem is stemmed.
            if _stem_key(word) in keys:
                term = stem(word)
                if term in wanted:
                    positions.setdefault(term, []).append(index)
            if matchers.prefixes and word.startswith(matchers.prefixes):
                hits.append((index, index + 1))
            if index % CHECK_EVERY == CHECK_EVERY - 1 and budget.spent():
                break
        for term in matchers.terms:
            hits.extend((index, index + 1) for index in positions.get(term, ()))
        for run in matchers.runs:
            hits.extend(_run_hits(run, positions))
        spans: list[tuple[int, int]] = []
        for first, last in _without_overlap(hits):
            start, end = words[first][0], words[last - 1][1]
            if spans and (start <= spans[-1][1] or text[spans[-1][1] : start] in _JOINERS):
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))  # 'S-400': one mark
            else:
                spans.append((start, end))
        return spans


def _stem_key(text: str) -> str:
    """What a word and its stem have in common, whatever the stemmer: the first letter, and
    the second but for y and i (Snowball English keeps the first two letters of every word
    but 'dying', 'lying' and 'tying', whose stems 'die', 'lie', 'tie' keep the first and
    turn y into i; Persian suffix stripping keeps two letters at least)."""
    return text[:1] + text[1:2].replace("y", "i")


def _run_hits(run: _Run, positions: dict[str, list[int]]) -> list[tuple[int, int]]:
    """Word ranges where ``run`` matches, given the word indexes of each wanted term."""
    if any(term not in positions for term in run.terms):
        return []
    size = len(run.terms)
    if not run.slop:
        following = [set(positions[term]) for term in run.terms]
        return [
            (i, i + size)
            for i in positions[run.terms[0]]
            if all(i + k in following[k] for k in range(1, size))
        ]
    # Near each other: chains of the run's words, each within `slop` words of the one
    # before; a chain holding every one of them matched, and its words are marked.
    wanted = set(run.terms)
    found = sorted((i, term) for term in wanted for i in positions[term])
    hits: list[tuple[int, int]] = []
    chain: list[tuple[int, str]] = []
    ends: list[tuple[int | None, str]] = [*found, (None, "")]
    for index, term in ends:
        if index is None or (chain and index - chain[-1][0] > run.slop):
            if {t for _, t in chain} >= wanted:
                hits.extend((i, i + 1) for i, _ in chain)
            chain = []
        if index is not None:
            chain.append((index, term))
    return hits


def _without_overlap(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ranges sorted, overlapping ones joined (a word inside a marked phrase is not marked
    twice)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


class _Budget:
    """How long marking may go on, and how many marks it may make."""

    def __init__(self, seconds: float | None = None, marks: int = MAX_MARKS):
        if seconds is None:
            seconds = float(getattr(settings, "SEARCH_TIME_LIMIT", 1.0)) * TIME_SHARE
        self.deadline = time.monotonic() + seconds
        self.marks_left = marks
        self.exhausted = False

    def spent(self) -> bool:
        if not self.exhausted and (self.marks_left <= 0 or time.monotonic() > self.deadline):
            self.exhausted = True
        return self.exhausted


@dataclass
class MarkedArticle:
    """An article's kicker, title, summary and paragraphs as HTML, the matches marked
    ``<mark id="match-N">`` (numbered from 1 in reading order), and how many there are."""

    kicker: SafeString
    title: SafeString
    summary: SafeString
    paragraphs: list[SafeString]
    count: int
    complete: bool  # False: marking stopped early (too many matches, or out of time)


def mark_article(
    title: str,
    paragraphs: list[str],
    query: str,
    *,
    kicker: str = "",
    summary: str = "",
    seconds: float | None = None,
) -> MarkedArticle:
    """The article's text with what ``query`` matched marked (see the module doc)."""
    marks = SearchMarks(query)
    budget = _Budget(seconds)
    numbering = iter(range(1, MAX_MARKS + 1))
    html_kicker = _marked(kicker, marks.spans(kicker, OTHER, budget), numbering, budget)
    html_title = _marked(title, marks.spans(title, TITLE, budget), numbering, budget)
    html_summary = _marked(summary, marks.spans(summary, OTHER, budget), numbering, budget)
    html_paragraphs = []
    for paragraph in paragraphs:
        if budget.spent() or not marks.fields[BODY]:
            html_paragraphs.append(escape(paragraph))
            continue
        spans = marks.spans(paragraph, BODY, budget)
        html_paragraphs.append(_marked(paragraph, spans, numbering, budget))
    count = MAX_MARKS - budget.marks_left
    return MarkedArticle(
        html_kicker, html_title, html_summary, html_paragraphs, count, not budget.exhausted
    )


def _marked(text: str, spans, numbering, budget: _Budget) -> SafeString:
    out: list[str] = []
    pos = 0
    for start, end in spans:
        if budget.marks_left <= 0:
            budget.exhausted = True
            break
        budget.marks_left -= 1
        out.append(escape(text[pos:start]))
        number = f' id="match-{next(numbering)}"' if numbering else ""
        out.append(f"<mark{number}>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308  (every piece of text escaped)


def mark_names(names: Iterable[str], query: str, part: str) -> dict[str, SafeString]:
    """The names (of entities or authors: ``part``) in which ``query`` matched, each as HTML
    with the matching words marked (not numbered: they are beside the text, not in it)."""
    marks = SearchMarks(query)
    if not marks.fields[part]:
        return {}
    budget = _Budget()
    marked = {}
    for name in names:
        spans = marks.spans(name, part, budget)
        if spans:
            marked[name] = _marked(name, spans, None, budget)
    return marked


# --- entities -----------------------------------------------------------------------------

# The order a reader looks for them in; the kinds after FOLDED_FROM are folded away.
KIND_ORDER = (
    Entity.Kind.PERSON,
    Entity.Kind.ORGANISATION,
    Entity.Kind.PLACE,
    Entity.Kind.GROUP,
    Entity.Kind.OTHER,
)
FOLDED_KINDS = frozenset({Entity.Kind.GROUP, Entity.Kind.OTHER})
_PLURALS = {
    Entity.Kind.PERSON: "People",
    Entity.Kind.ORGANISATION: "Organisations",
    Entity.Kind.PLACE: "Places",
    Entity.Kind.GROUP: "Groups",
    Entity.Kind.OTHER: "Other",
}


@dataclass
class EntityGroup:
    kind: str
    label: str
    mentions: list[Mention]
    folded: bool


def entity_groups(mentions: Iterable[Mention]) -> list[EntityGroup]:
    """Mentions grouped by their entity's kind, people first, each group most mentioned
    first; groups and "other" marked ``folded`` (shown closed)."""
    by_kind: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_kind.setdefault(mention.entity.kind, []).append(mention)
    groups = []
    for kind in KIND_ORDER:
        found = by_kind.pop(kind, [])
        if found:
            found.sort(key=lambda m: (-m.count, m.entity.name.casefold()))
            groups.append(EntityGroup(kind, _PLURALS[kind], found, kind in FOLDED_KINDS))
    for other, found in by_kind.items():  # a kind this list does not know yet: last, folded
        groups.append(EntityGroup(other, str(other).capitalize(), found, True))
    return groups
