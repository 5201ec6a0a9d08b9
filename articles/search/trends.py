"""Trends: how often up to five queries match, year by year (or month, or week), as counts
and as a share of all articles in the same filters, optionally split by publication or
language.

Every query is a search of the search service (``build_queryset``): the query language,
facet filters and date range work as on the search page, and only what the index holds
(published articles) is counted. The counting is the engine's (``date_histogram``): no
article is loaded.

Parameters (a QueryDict, as on the search page): the queries, up to ``MAX_QUERIES``, as
``q1`` … ``q5``, each with its own filters ``f1`` (repeated ``field:value``, as the search
page's ``f``), ``from1`` and ``to1`` (the same for 2 to 5); the older repeated ``q`` (queries
without filters of their own) is still read, after the numbered ones. ``f``, ``from``, ``to``
are shared by every query: a query's own filter on a field replaces the shared filters on
that field, and its own date range (``from``, ``to`` or both) replaces the shared range.
``interval`` (year, month, week; default: as the range suggests), ``split`` (publication,
language), ``measure`` (share, count: what the chart draws) and ``hide`` (repeated: series
not drawn).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field, replace

from django.http import QueryDict

from articles.search.backends.base import (
    INTERVALS,
    SPLIT_FIELDS,
    IndexMissing,
    SearchOverBudget,
    bucket_start,
    date_histogram,
)
from articles.search.service import SearchParams, SearchUnavailable, build_queryset

log = logging.getLogger(__name__)

MAX_QUERIES = 5
# More stretches than this make a chart nobody can read and a table nobody scrolls: a
# finer interval asked for over a longer range is made coarser, with a note.
MAX_BUCKETS = 520
SPLIT_LIMIT = 5  # the publications or languages with most articles in the filters
MEASURES = ("share", "count")
# The interval a range suggests: years beyond this many days, months beyond the next.
YEARS_BEYOND_DAYS = 366 * 4
MONTHS_BEYOND_DAYS = 120


# The numbered parameters of one query: q1, f1, from1, to1 (up to two digits: anything
# longer is not a query of the form, and is ignored like any unknown parameter).
_NUMBERED = re.compile(r"^(q|f|from|to)([1-9][0-9]?)$")


@dataclass
class TrendQuery:
    """One query compared, with the filters of its own (facets and dates; no ``q``)."""

    text: str
    own: SearchParams = field(default_factory=SearchParams)

    @property
    def has_own_filters(self) -> bool:
        return not self.own.is_empty

    def key(self) -> tuple:
        return (self.text, tuple(self.own.facets), self.own.date_from, self.own.date_to)

    def filters_within(self, shared: SearchParams) -> SearchParams:
        """The filters this query counts in: the shared ones, with every shared facet of a
        field this query filters on, and the shared range if it has its own, replaced."""
        fields = {name for name, _ in self.own.facets}
        facets = [(n, v) for n, v in shared.facets if n not in fields] + list(self.own.facets)
        dated = self.own.date_from or self.own.date_to
        source = self.own if dated else shared
        return replace(
            shared,
            q="",
            facets=facets,
            date_from=source.date_from,
            date_to=source.date_to,
            errors=[],
        )

    def as_query(self, number: int) -> dict[str, list[str]]:
        query = {f"q{number}": [self.text]}
        for key, values in self.own.as_query().items():
            if key in ("f", "from", "to"):
                query[f"{key}{number}"] = values
        return query


def _own_filters(params: QueryDict, number: str, errors: list[str]) -> SearchParams:
    """Query ``number``'s own filters, read by the search page's parser (same messages,
    prefixed with the query's number); empty fields of the form are not filters."""
    one = QueryDict(mutable=True)
    one.setlist("f", [v for v in params.getlist(f"f{number}") if v.strip()])
    for key in ("from", "to"):
        one[key] = params.get(f"{key}{number}", "")
    own = SearchParams.from_query(one)
    errors += [f"Query {number}: {e}" for e in own.errors if f"Query {number}: {e}" not in errors]
    return replace(own, errors=[])


@dataclass
class TrendParams:
    queries: list[TrendQuery]
    filters: SearchParams  # the shared facets and date range; no query of its own
    interval: str | None = None  # None: as the range suggests
    split: str | None = None
    measure: str = "share"
    hidden: set[int] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, params: QueryDict) -> TrendParams:
        """Read (and tidy) parameters; never raises: bad values are dropped with a message."""
        filters = SearchParams.from_query(params)
        errors = list(filters.errors)
        numbers = sorted({m[2] for m in map(_NUMBERED.match, params) if m}, key=int)
        asked: list[tuple[str, SearchParams]] = []
        for number in numbers:
            own = _own_filters(params, number, errors)
            text = params.get(f"q{number}", "")
            if text.strip():
                asked.append((text, own))
            elif not own.is_empty:
                errors.append(f"Query {number} has filters but no query; it was left out.")
        asked += [(raw, SearchParams()) for raw in params.getlist("q")]  # the older URLs
        queries: list[TrendQuery] = []
        for raw, own in asked:
            one = QueryDict(mutable=True)
            one["q"] = raw
            single = SearchParams.from_query(one)
            errors += [e for e in single.errors if e not in errors]
            query = TrendQuery(single.q, own)
            if single.q and query.key() not in [q.key() for q in queries]:
                queries.append(query)
        if len(queries) > MAX_QUERIES:
            errors.append(f"Up to {MAX_QUERIES} queries can be compared; the first are shown.")
            queries = queries[:MAX_QUERIES]
        interval = params.get("interval") or None
        if interval not in (None, *INTERVALS):
            errors.append(f"Intervals are {', '.join(INTERVALS)}; “{str(interval)[:20]}” ignored.")
            interval = None
        split = params.get("split") or None
        if split not in (None, *SPLIT_FIELDS):
            errors.append(
                f"Trends split by {', '.join(SPLIT_FIELDS)}; “{str(split)[:20]}” ignored."
            )
            split = None
        measure = params.get("measure") or "share"
        if measure not in MEASURES:
            errors.append(f"The chart shows {' or '.join(MEASURES)}; “{measure[:20]}” ignored.")
            measure = "share"
        hidden = {int(h) for h in params.getlist("hide") if h.isdigit() and len(h) < 4}
        return cls(
            queries=queries,
            filters=replace(filters, q="", sort="relevance", page=1, errors=[]),
            interval=interval,
            split=split,
            measure=measure,
            hidden=hidden,
            errors=errors,
        )

    def as_query(self, **changes) -> QueryDict:
        """These parameters as a query string (for links and downloads); ``changes``
        replace single values (None removes one)."""
        query = QueryDict(mutable=True)
        for number, one in enumerate(self.queries, 1):
            for key, values in one.as_query(number).items():
                query.setlist(key, values)
        for key, values in self.filters.as_query().items():
            query.setlist(key, values)
        for key, value in (
            ("interval", self.interval),
            ("split", self.split),
            ("measure", None if self.measure == "share" else self.measure),
        ):
            if value:
                query[key] = value
        query.setlist("hide", [str(h) for h in sorted(self.hidden)])
        for key, value in changes.items():
            if value is None:
                query.pop(key, None)
            elif isinstance(value, list):
                query.setlist(key, value)
            else:
                query[key] = value
        return query


@dataclass
class Series:
    query: str
    value: str | None  # the publication or language of a split, else None
    counts: list[int]
    totals: list[int]  # the articles in the same filters (and value), per stretch
    own: SearchParams = field(default_factory=SearchParams)  # the query's own filters
    filters: SearchParams = field(default_factory=SearchParams)  # what it counts in

    @property
    def shares(self) -> list[float | None]:
        return [c / t if t else None for c, t in zip(self.counts, self.totals, strict=True)]

    @property
    def count(self) -> int:
        return sum(self.counts)


@dataclass
class Trends:
    params: TrendParams
    interval: str
    buckets: list[dt.date]  # the first day of each stretch, in order
    totals: list[int]  # all articles in the filters, per stretch
    series: list[Series]
    notes: list[str] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return [bucket_label(day, self.interval) for day in self.buckets]


def bucket_label(day: dt.date, interval: str) -> str:
    """2019, 2019-09, or 2019-W36 (the ISO week)."""
    if interval == "year":
        return str(day.year)
    if interval == "month":
        return f"{day.year}-{day.month:02d}"
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _histogram(params: SearchParams, interval: str, split: str | None) -> dict:
    try:
        return date_histogram(build_queryset(params), interval, split)
    except SearchOverBudget:
        log.warning("Trend over its time budget: %r", params.q[:200])
        raise
    except IndexMissing as exc:
        log.error("Trends unavailable: %s", exc)
        raise SearchUnavailable(str(exc)) from exc
    except Exception as exc:
        log.exception("Trend failed for %r", params.q)
        raise SearchUnavailable(str(exc)) from exc


def _stretches(first: dt.date, last: dt.date, interval: str) -> list[dt.date]:
    days = []
    day = bucket_start(first, interval)
    while day <= last:
        days.append(day)
        if interval == "year":
            day = day.replace(year=day.year + 1)
        elif interval == "month":
            day = day.replace(year=day.year + day.month // 12, month=day.month % 12 + 1)
        else:
            day += dt.timedelta(days=7)
    return days


def _suggested_interval(first: dt.date, last: dt.date) -> str:
    span = (last - first).days
    if span > YEARS_BEYOND_DAYS:
        return "year"
    return "month" if span > MONTHS_BEYOND_DAYS else "week"


def _count_stretches(first: dt.date, last: dt.date, interval: str) -> int:
    if interval == "year":
        return last.year - first.year + 1
    if interval == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return (bucket_start(last, "week") - bucket_start(first, "week")).days // 7 + 1


def _scope_key(filters: SearchParams) -> tuple:
    return (tuple(filters.facets), filters.date_from, filters.date_to)


class _Counts:
    """The engine's histograms, each asked once however many queries share its filters."""

    def __init__(self) -> None:
        self._known: dict[tuple, dict] = {}

    def __call__(self, filters: SearchParams, interval: str, split: str | None = None) -> dict:
        key = (filters.q, _scope_key(filters), interval, split)
        if key not in self._known:
            self._known[key] = _histogram(filters, interval, split)
        return self._known[key]


def _extent(
    scopes: list[SearchParams], interval: str | None, counts: _Counts
) -> tuple[dt.date, dt.date] | None:
    """The first and last day to chart: as asked, else as far as the articles in any of the
    ``scopes`` go (by year first: the cheapest answer, enough to choose the interval)."""
    found = [(scope, counts(scope, "year")) for scope in scopes]
    found = [(scope, yearly) for scope, yearly in found if yearly]
    if not found:
        return None
    first = min(scope.date_from or min(yearly) for scope, yearly in found)
    last = max(scope.date_to or max(yearly).replace(month=12, day=31) for scope, yearly in found)
    # The year-by-year extent overstates the range by under two years: beyond that much
    # more than YEARS_BEYOND_DAYS, the range suggests years whatever its exact ends.
    surely_years = (last - first).days > YEARS_BEYOND_DAYS + 2 * 366
    if interval == "year" or (interval is None and surely_years):
        return first, last
    # The last year's last article, to the stretch: a year of empty months misleads. Only
    # the scopes whose articles reach the last year can end the range; the first likewise.
    open_end = [(s, y) for s, y in found if not s.date_to]
    top = max((max(y) for _, y in open_end), default=None)
    ends = [s.date_to for s, _ in found if s.date_to]
    for scope, yearly in open_end:
        if max(yearly) == top:
            start = max(scope.date_from or top, top)
            finer = counts(replace(scope, date_from=start), "week")
            ends.append(max(finer) + dt.timedelta(days=6) if finer else last)
    open_start = [(s, y) for s, y in found if not s.date_from]
    bottom = min((min(y) for _, y in open_start), default=None)
    starts = [s.date_from for s, _ in found if s.date_from]
    for scope, yearly in open_start:
        if min(yearly) == bottom:
            end = min(bottom.replace(month=12, day=31), scope.date_to or last)
            earliest = counts(replace(scope, date_to=end), "week")
            starts.append(min(earliest) if earliest else first)
    return min(starts), max(ends)


def compare(params: TrendParams) -> Trends:
    """Count each query per stretch of time, and all articles in the same filters: the
    shared ones, and for a query with filters of its own, its own (``filters_within``).

    Raises ``SearchUnavailable`` when the engine cannot answer and ``SearchOverBudget``
    when one of the queries would take longer than ``SEARCH_TIME_LIMIT``."""
    shared = params.filters
    notes: list[str] = []
    counts = _Counts()
    scopes = [q.filters_within(shared) for q in params.queries]
    # Without a query: the articles in the shared filters alone, over time.
    extent = _extent(scopes or [shared], params.interval, counts)
    if extent is None:
        return Trends(params, params.interval or "year", [], [], [], notes)
    first, last = extent
    interval = params.interval or _suggested_interval(first, last)
    while _count_stretches(first, last, interval) > MAX_BUCKETS:
        coarser = INTERVALS[INTERVALS.index(interval) - 1]
        notes.append(
            f"Counted by {coarser} rather than by {interval}: "
            f"more than {MAX_BUCKETS} {interval}s do not fit one chart."
        )
        interval = coarser
    buckets = _stretches(first, last, interval)

    totals = [counts(shared, interval).get(day, 0) for day in buckets]
    values: list[str | None] = [None]
    if params.split:
        by_value: dict[str, int] = {}
        distinct = {_scope_key(scope): scope for scope in scopes or [shared]}
        for scope in distinct.values():
            for (_, value), count in counts(scope, interval, params.split).items():
                by_value[value] = by_value.get(value, 0) + count
        ranked = sorted(by_value, key=lambda v: (-by_value[v], v))
        values = list(ranked[:SPLIT_LIMIT])
        if len(ranked) > SPLIT_LIMIT:
            notes.append(
                f"Split by {params.split}: the {SPLIT_LIMIT} with most articles are shown, "
                f"{len(ranked) - SPLIT_LIMIT} others are not."
            )

    series = []
    for query, scope in zip(params.queries, scopes, strict=True):
        found = counts(replace(scope, q=query.text), interval, params.split)
        for value in values:
            if value is None:
                hits = [found.get(d, 0) for d in buckets]
                base = [counts(scope, interval).get(d, 0) for d in buckets]
            else:
                hits = [found.get((d, value), 0) for d in buckets]
                within = counts(scope, interval, params.split)
                base = [within.get((d, value), 0) for d in buckets]
            series.append(Series(query.text, value, hits, base, query.own, scope))
    return Trends(params, interval, buckets, totals, series, notes)
