"""The tsvectors of the PostgreSQL backend's documents (``articles.search.backends.postgres``),
made in Python: a field's text as a tsvector literal of the terms of
``articles.search.analysis`` with their positions, so that PostgreSQL indexes exactly the
terms Whoosh does. Relies on ``articles.search.analysis`` alone."""

from __future__ import annotations

import functools

from django.utils.encoding import force_str

from articles.search.analysis import positioned_words, stem

# tsvector limits: positions above this are stored as this; at most this many per lexeme.
MAX_POSITION = 16383
MAX_POSITIONS = 256


# Positions as tsvector literals write them (all are at most MAX_POSITION, see ``_vector``).
_POSITIONS = [str(position) for position in range(MAX_POSITION + 1)]


def _vector(text) -> tuple[str, int, list[str], list[str]]:
    """(tsvector literal, number of words, its distinct words, its terms) of ``text``: the
    terms of ``articles.search.analysis`` with their positions, made here so that PostgreSQL indexes
    exactly the terms Whoosh does (its own parser and stemmer never see the text). Terms are
    letters, digits and inner dots: nothing to escape (no quote, no backslash)."""
    # Words at positions 1, 2, ...; a compound written apart at its first part's position
    # (``positioned_words``); every term counts towards the length, as Whoosh counts them.
    found, at_positions = positioned_words(force_str(text or ""), 1)
    words = len(found)
    positions: dict[str, list[int]] = {}
    get = positions.get
    for position, word in (
        enumerate(found, 1) if at_positions is None else zip(at_positions, found, strict=True)
    ):
        at = get(word)
        if at is None:
            positions[word] = [position]
        else:
            at.append(position)
    # Words sharing a term (plural and singular) merge here; their positions stay apart.
    # A list of ``positions`` may become a term's and grow: only its keys are used after.
    terms = list(map(stem, positions))
    lists = list(positions.values())
    if words > MAX_POSITION:  # as PostgreSQL does: a first position past it is the last
        lists = [
            [min(at[0], MAX_POSITION), *(p for p in at[1:] if p <= MAX_POSITION)] for at in lists
        ]
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
    named, most = _POSITIONS.__getitem__, MAX_POSITIONS
    literal = " ".join(
        [
            f"'{term}':{named(at[0])}"
            if len(at) == 1
            else f"'{term}':{','.join(map(named, at if len(at) <= most else at[:most]))}"
            for term, at in merged.items()
        ]
    )
    return literal, words, list(positions), list(merged)


# Names (a section, a publication, a byline, an article's entities) come again and again:
# their vectors are kept for the next article that names the same (as are stems), shorter
# ones only, so that the cache stays small. Callers never change the lists returned.
_NAME_VECTORS = 20_000
_NAME_LENGTH = 300


@functools.lru_cache(maxsize=_NAME_VECTORS)
def _name_vector(text: str) -> tuple[str, int, list[str], list[str]]:
    return _vector(text)


def _field_vector(name: str, text) -> tuple[str, int, list[str], list[str]]:
    """``_vector(text)`` of a document's field ``name``: from ``_name_vector``'s cache for
    a short one other than the full text."""
    text = force_str(text or "")
    return _name_vector(text) if name != "text" and len(text) < _NAME_LENGTH else _vector(text)
