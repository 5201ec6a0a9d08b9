"""Trends: how often up to five queries match, year by year (or month, or week), as counts
and as a share of all articles in the same filters, optionally split by publication or
language.

Every query is a search of the search service (``build_queryset``): the query language,
facet filters and date range work as on the search page, and only what the index holds
(published articles) is counted. The counting is the engine's (``date_histogram``): no
article is loaded.

Parameters (a QueryDict, as on the search page): ``q`` (repeated, up to ``MAX_QUERIES``),
``f``, ``from``, ``to`` (shared by every query), ``interval`` (year, month, week; default:
as the range suggests), ``split`` (publication, language), ``measure`` (share, count: what
the chart draws) and ``hide`` (repeated: series not drawn).
"""

from __future__ import annotations

import datetime as dt
import logging
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


@dataclass
class TrendParams:
    queries: list[str]
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
        queries: list[str] = []
        for raw in params.getlist("q"):
            one = QueryDict(mutable=True)
            one["q"] = raw
            single = SearchParams.from_query(one)
            errors += [e for e in single.errors if e not in errors]
            if single.q and single.q not in queries:
                queries.append(single.q)
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
        query.setlist("q", self.queries)
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


def compare(params: TrendParams) -> Trends:
    """Count each query per stretch of time, and all articles in the same filters.

    Raises ``SearchUnavailable`` when the engine cannot answer and ``SearchOverBudget``
    when one of the queries would take longer than ``SEARCH_TIME_LIMIT``."""
    filters = params.filters
    notes: list[str] = []
    # The range: as asked, else as far as the articles in the filters go (by year first:
    # the cheapest answer, enough to choose the interval).
    yearly = _histogram(filters, "year", None)
    if not yearly:
        return Trends(params, params.interval or "year", [], [], [], notes)
    first = filters.date_from or min(yearly)
    last = filters.date_to or max(yearly).replace(month=12, day=31)
    # The year-by-year extent overstates the range by under two years: beyond that much
    # more than YEARS_BEYOND_DAYS, the range suggests years whatever its exact ends.
    surely_years = (last - first).days > YEARS_BEYOND_DAYS + 2 * 366
    refine = params.interval != "year" and not (params.interval is None and surely_years)
    if not filters.date_to and refine:
        # The last year's last article, to the stretch: a year of empty months misleads.
        finer = _histogram(replace(filters, date_from=max(first, max(yearly))), "week", None)
        last = max(finer) + dt.timedelta(days=6) if finer else last
    if not filters.date_from and refine:
        earliest = _histogram(
            replace(filters, date_to=min(min(yearly).replace(month=12, day=31), last)),
            "week",
            None,
        )
        first = min(earliest) if earliest else first
    interval = params.interval or _suggested_interval(first, last)
    while _count_stretches(first, last, interval) > MAX_BUCKETS:
        coarser = INTERVALS[INTERVALS.index(interval) - 1]
        notes.append(
            f"Counted by {coarser} rather than by {interval}: "
            f"more than {MAX_BUCKETS} {interval}s do not fit one chart."
        )
        interval = coarser
    buckets = _stretches(first, last, interval)

    overall = yearly if interval == "year" else _histogram(filters, interval, None)
    totals = [overall.get(day, 0) for day in buckets]
    values: list[str | None] = [None]
    split_totals: dict = {}
    if params.split:
        split_totals = _histogram(filters, interval, params.split)
        by_value: dict[str, int] = {}
        for (_, value), count in split_totals.items():
            by_value[value] = by_value.get(value, 0) + count
        ranked = sorted(by_value, key=lambda v: (-by_value[v], v))
        values = list(ranked[:SPLIT_LIMIT])
        if len(ranked) > SPLIT_LIMIT:
            notes.append(
                f"Split by {params.split}: the {SPLIT_LIMIT} with most articles are shown, "
                f"{len(ranked) - SPLIT_LIMIT} others are not."
            )

    series = []
    for text in params.queries:
        found = _histogram(replace(filters, q=text), interval, params.split)
        for value in values:
            if value is None:
                counts, base = [found.get(d, 0) for d in buckets], totals
            else:
                counts = [found.get((d, value), 0) for d in buckets]
                base = [split_totals.get((d, value), 0) for d in buckets]
            series.append(Series(text, value, counts, base))
    return Trends(params, interval, buckets, totals, series, notes)
