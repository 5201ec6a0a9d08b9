"""The tsvectors of the PostgreSQL backend's documents (``articles.search.backends.postgres``),
made in Python: a field's text as a tsvector literal of the terms of
``articles.search.analysis`` with their positions, so that PostgreSQL indexes exactly the
terms Whoosh does. Relies on ``articles.search.analysis`` alone."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from itertools import chain, repeat

from django.utils.encoding import force_str

from articles.search.analysis import positioned_words, stem

# tsvector limits: positions above this are stored as this; at most this many per lexeme.
MAX_POSITION = 16383
MAX_POSITIONS = 256


# Positions as tsvector literals write them: position n is ``_POSITIONS[n]``. One past
# MAX_POSITION is named "" (``_vector`` keeps the first such of a word, as the limit).
_POSITIONS = [str(position) for position in range(MAX_POSITION + 1)]
_FROM_FIRST = _POSITIONS[1:]  # the names of positions 1, 2, ... MAX_POSITION
_LAST = _POSITIONS[MAX_POSITION]
_ENTRY = "'{}':{}".format  # a lexeme and its positions, as a literal writes them


# Each word's term, as ``stem`` gives it, in a plain dict: its lookups cost two thirds of
# ``stem``'s own cache's (an ``lru_cache``), and a rebuild looks up every word of every
# article. Emptied when it grows past ``_TERMS_KEPT`` words.
_TERMS: dict[str, str] = {}
_TERMS_KEPT = 300_000


def _term(word: str) -> str:
    term = _TERMS.get(word)
    if term is None:
        if len(_TERMS) >= _TERMS_KEPT:
            _TERMS.clear()
        term = _TERMS[word] = stem(word)
    return term


def _named(position: int) -> str:
    return _POSITIONS[position] if position <= MAX_POSITION else ""


def _vector(text) -> tuple[str, int, list[str], list[str]]:
    """(tsvector literal, number of words, its distinct words, its terms) of ``text``: the
    terms of ``articles.search.analysis`` with their positions, made here so that PostgreSQL indexes
    exactly the terms Whoosh does (its own parser and stemmer never see the text). Terms are
    letters, digits and inner dots: nothing to escape (no quote, no backslash)."""
    return _counted_vector(text)[:4]


def _counted_vector(text) -> tuple[str, int, list[str], list[str], list[int]]:
    """``_vector(text)`` and, beside its terms, how many positions the literal gives each
    (as PostgreSQL counts them once it has read it: each position once): what a row's
    salient terms are chosen by (``postgres_candidates.salient_literal``).

    A rebuild makes one for every article: its words are walked once, in one loop that
    files each word's position under it already written out; the rest is done by ``map``
    and ``str.join`` (docs/performance.md, "The rebuild at a million (session 12)")."""
    # Words at positions 1, 2, ...; a compound written apart at its first part's position
    # (``positioned_words``); every term counts towards the length, as Whoosh counts them.
    found, at_positions = positioned_words(text if type(text) is str else force_str(text or ""), 1)
    words = len(found)
    names: Iterable[str]
    if at_positions is not None:
        names = map(_named, at_positions)
    elif words <= MAX_POSITION:
        names = _FROM_FIRST  # zip stops at the last word
    else:
        names = chain(_FROM_FIRST, repeat(""))
    positions: dict[str, list[str]] = {}
    get = positions.get
    for word, name in zip(found, names, strict=False):  # names may run on
        at = get(word)
        if at is None:
            positions[word] = [name]
        else:
            at.append(name)
    # Words sharing a term (plural and singular) merge here; their positions stay apart.
    # A list of ``positions`` may become a term's and grow: only its keys are used after.
    try:
        terms = list(map(_TERMS.__getitem__, positions))
    except KeyError:
        terms = list(map(_term, positions))
    lists = list(positions.values())
    if words > MAX_POSITION:  # as PostgreSQL does: a first position past it is the last
        lists = [[at[0] or _LAST, *filter(None, at[1:])] for at in lists]
    if len(set(terms)) == len(terms):  # no two words share a term
        merged = dict(zip(terms, lists, strict=True))
    else:
        merged = {}
        for term, at in zip(terms, lists, strict=True):
            have = merged.get(term)
            if have is None:
                merged[term] = at
            else:
                have.extend(at[:MAX_POSITIONS])
    kept: Iterable[list[str]] = merged.values()
    if max(map(len, kept), default=0) > MAX_POSITIONS:
        kept = [at[:MAX_POSITIONS] for at in kept]
    literal = " ".join(map(_ENTRY, merged, map(",".join, kept)))
    if at_positions is None and words <= MAX_POSITION:
        # Each word at positions of its own, no two words at one: every position differs.
        counts = list(map(len, kept))
    else:  # a compound beside its first part, the positions past the last made the last
        counts = [len(set(at)) for at in kept]
    return literal, words, list(positions), list(merged), counts


# Names (a section, a publication, a byline, an article's entities) come again and again:
# their vectors are kept for the next article that names the same (as are stems), shorter
# ones only, so that the cache stays small. Callers never change the lists returned.
_NAME_VECTORS = 20_000
_NAME_LENGTH = 300


@functools.lru_cache(maxsize=_NAME_VECTORS)
def _name_vector(text: str) -> tuple[str, int, list[str], list[str], list[int]]:
    return _counted_vector(text)


def _field_vector(name: str, text) -> tuple[str, int, list[str], list[str], list[int]]:
    """``_counted_vector(text)`` of a document's field ``name``: from ``_name_vector``'s
    cache for a short one other than the full text."""
    text = force_str(text or "")
    if name != "text" and len(text) < _NAME_LENGTH:
        return _name_vector(text)
    return _counted_vector(text)
