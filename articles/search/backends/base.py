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


# --- Research tools: trends and export (issue 19) ------------------------------------------
# Each backend answers ``date_histogram`` (the PostgreSQL backend with GROUP BY date_trunc,
# the Whoosh backend from each segment's date column) and ``ordered_ids`` (every match's
# id in the search's order, without loading a stored field); ``articles.search.trends``
# and ``articles.views.export`` call them through the functions below, with a query
# built by the search service.
INTERVALS = ("year", "month", "week")
# What a trend may be split by: a reader's name → the single-valued index facet field.
SPLIT_FIELDS = {"publication": "publication_exact", "language": "language_exact"}


def bucket_start(day: dt.date, interval: str) -> dt.date:
    """The first day of the year, month or week (Monday, as ISO and PostgreSQL's
    ``date_trunc('week', …)`` have it) holding ``day``."""
    if interval == "year":
        return day.replace(month=1, day=1)
    if interval == "month":
        return day.replace(day=1)
    if interval == "week":
        return day - dt.timedelta(days=day.weekday())
    raise ValueError(f"Unknown interval {interval!r}; one of {', '.join(INTERVALS)}.")


def date_histogram(
    sqs: ArchiveSearchQuerySet, interval: str, split: str | None = None
) -> dict[dt.date, int] | dict[tuple[dt.date, str], int]:
    """How many documents ``sqs`` matches in each ``interval`` (keys: the first day of each
    stretch, see ``bucket_start``; stretches without a match are absent), or with ``split``
    (a ``SPLIT_FIELDS`` name) per ``(first day, value)``. Documents without a date are
    not counted. The same query, filters and date range as a search of ``sqs``."""
    if interval not in INTERVALS:
        raise ValueError(f"Unknown interval {interval!r}; one of {', '.join(INTERVALS)}.")
    if split is not None and split not in SPLIT_FIELDS:
        raise ValueError(f"Trends split by {', '.join(SPLIT_FIELDS)}, not {split!r}.")
    query = sqs.query
    params = query.build_params()
    return query.backend.date_histogram(
        query.build_query(),
        interval=interval,
        split_field=SPLIT_FIELDS[split] if split else None,
        archive_query=query.archive_query,
        narrow_queries=params.get("narrow_queries"),
        date_range=query.date_range,
        models=params.get("models"),
    )


def ordered_ids(sqs: ArchiveSearchQuerySet, limit: int | None = None) -> list[int]:
    """The primary keys of the objects ``sqs`` matches, in its order (relevance: the
    engine's score, without the search page's feedback re-ranking of its first hundred),
    at most ``limit``: one engine call, however many there are."""
    query = sqs.query
    params = query.build_params()
    return query.backend.ordered_ids(
        query.build_query(),
        sort_by=params.get("sort_by"),
        archive_query=query.archive_query,
        narrow_queries=params.get("narrow_queries"),
        date_range=query.date_range,
        models=params.get("models"),
        limit=limit,
    )
