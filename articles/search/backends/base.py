"""What every backend of the archive shares: the reader's query travels beside haystack's
own query string, unparsed, and each backend parses it with ``articles.search.syntax``;
a date range travels beside it too, as two dates, for each backend to apply its own way."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.conf import settings
from haystack.query import SearchQuerySet

from articles.search import syntax

DATE_FIELD = "published_on"  # the index field a date range applies to
# "Did you mean" looks for close words only for words up to this long: the cost of finding
# words within two edits grows with the word's length, and no real word is longer.
SUGGEST_MAX_WORD = 30
# The share of SEARCH_TIME_LIMIT "did you mean" may take after the search itself: words
# left when it is spent keep their spelling.
SUGGEST_SHARE = 0.25


class IndexMissing(Exception):
    """There is no search index where the settings say (deleted, never built, a wrong
    path). Only a command that fills it from the database creates one
    (``articles.search.indexing.rebuild_index``): an empty index made in its place would
    answer every search with nothing."""


class SearchOverBudget(Exception):
    """The engine could not answer within the time one request may take
    (``settings.SEARCH_TIME_LIMIT``): the query asks for too much at once."""


def time_limit() -> float:
    """Seconds one engine call may take (``SEARCH_TIME_LIMIT``)."""
    return float(getattr(settings, "SEARCH_TIME_LIMIT", 1.0))


class ArchiveQueryMixin:
    """For a backend's SearchQuery class: carries ``archive_query`` to ``backend.search``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.archive_query: str | None = None
        self.date_range: tuple[dt.date | None, dt.date | None] | None = None

    def _clone(self, klass=None, using=None):
        clone = super()._clone(klass=klass, using=using)
        clone.archive_query = self.archive_query
        clone.date_range = self.date_range
        return clone

    def build_params(self, *args, **kwargs):
        params = super().build_params(*args, **kwargs)
        if self.archive_query:
            params["archive_query"] = self.archive_query
        if self.date_range:
            params["date_range"] = self.date_range
        return params


class ArchiveSearchQuerySet(SearchQuerySet):
    def archive(self, text: str) -> ArchiveSearchQuerySet:
        """Match the reader's query ``text`` (see ``articles.search.syntax``)."""
        clone = self._clone()
        clone.query.archive_query = text
        return clone

    def published_between(self, start: dt.date | None, end: dt.date | None):
        """Only documents dated from ``start`` to ``end``, both included (None: open)."""
        clone = self._clone()
        clone.query.date_range = (start, end) if start or end else None
        return clone


def no_results() -> dict:
    """What a backend's ``search`` or ``more_like_this`` answers when nothing can match."""
    return {"results": [], "hits": 0, "facets": {}, "spelling_suggestion": None}


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def suggest_query(text: str, closest: Callable[[str], str | None]) -> str | None:
    """``text`` with each word it asks for replaced by ``closest(word)`` (None: the word is
    known, or nothing in the archive is close), or None when no word was replaced. Each
    backend says what is close; the query around the words stays as the reader wrote it."""
    suggestion = text
    for word in dict.fromkeys(syntax.positive_words(syntax.parse(text))):
        if len(word) > SUGGEST_MAX_WORD:
            continue
        better = closest(word)
        if better:
            suggestion = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", better, suggestion)
    return suggestion if suggestion != text else None
