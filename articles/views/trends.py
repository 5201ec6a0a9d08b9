"""Trends: up to five queries compared over time (``articles.search.trends``), as a page
with a chart and a table, and as CSV and JSON downloads of the same numbers."""

from __future__ import annotations

import csv
import io
from typing import cast

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header

from articles.charts import format_share, line_chart, line_style
from articles.search.backends.base import INTERVALS, SPLIT_FIELDS
from articles.search.export import spreadsheet_safe
from articles.search.facets import FACETS, display_value
from articles.search.service import (
    OVER_BUDGET_MESSAGE,
    RETRY_AFTER_SECONDS,
    SearchOverBudget,
    SearchParams,
    SearchUnavailable,
)
from articles.search.trends import MAX_QUERIES, MEASURES, TrendParams, Trends, compare

UNAVAILABLE_MESSAGE = (
    "Trends are unavailable at the moment: the search index is being rebuilt or repaired. "
    "Please try again in a few minutes."
)


def _facet_label(name: str, value: str) -> str:
    return f"{dict(FACETS)[name]}: {display_value(name, value)}"


def describe_filters(filters: SearchParams) -> str:
    """Facet filters and a date range as a reader reads them: 'Publication: Reuters,
    2010-01-01 to 2015-12-31'; empty when there are none."""
    parts = [_facet_label(name, value) for name, value in filters.facets]
    start, end = filters.date_from, filters.date_to
    if start and end:
        parts.append(f"{start.isoformat()} to {end.isoformat()}")
    elif start:
        parts.append(f"from {start.isoformat()}")
    elif end:
        parts.append(f"to {end.isoformat()}")
    return ", ".join(parts)


def query_name(text: str, own: SearchParams) -> str:
    """The query, then its own filters (if any) in brackets."""
    described = describe_filters(own)
    return f"{text} [{described}]" if described else text


def series_name(series, split: str | None) -> str:
    """The query with its own filters, then the value of a split."""
    name = query_name(series.query, series.own)
    if series.value is None or split is None:
        return name
    return f"{name} — {display_value(split, series.value) or '(none)'}"


def _filter_tokens(filters: SearchParams) -> list[str]:
    """The facet filters as the search page's ``f=`` values."""
    return filters.as_query().get("f", [])


def _query_rows(params: TrendParams) -> list[dict]:
    """The form's rows: one per query that can be compared, filled from ``params``."""
    rows = []
    for n in range(MAX_QUERIES):
        one = params.queries[n] if n < len(params.queries) else None
        own = one.own if one else SearchParams()
        rows.append(
            {
                "number": n + 1,
                "value": one.text if one else "",
                "filters": [
                    {"token": token, "display": _facet_label(name, value)}
                    for token, (name, value) in zip(_filter_tokens(own), own.facets, strict=True)
                ],
                "date_from": own.date_from,
                "date_to": own.date_to,
                "described": describe_filters(own),
                "open": bool(one and one.has_own_filters),
            }
        )
    return rows


def _link(params: TrendParams, **changes) -> str:
    return "?" + params.as_query(**changes).urlencode()


def trends(request):
    params = TrendParams.from_query(request.GET)
    context = {
        "params": params,
        "errors": params.errors,
        "query_inputs": _query_rows(params),
        "title": ", ".join(query_name(q.text, q.own) for q in params.queries),
        "facet_names": [name for name, _ in FACETS],
        "intervals": INTERVALS,
        "splits": list(SPLIT_FIELDS),
        "measures": MEASURES,
        "filters": [
            {
                "label": dict(FACETS)[name],
                "token": f"{name}:{value}",
                "display": display_value(name, value),
                "remove_url": _link(
                    params,
                    f=[f"{n}:{v}" for n, v in params.filters.facets if (n, v) != (name, value)],
                ),
            }
            for name, value in params.filters.facets
        ],
    }
    if not params.queries:
        return render(request, "articles/trends.html", context)
    try:
        result = compare(params)
    except SearchOverBudget:
        # As the search page: the form again, with what to change (the downloads say 422).
        context["errors"] = [*params.errors, OVER_BUDGET_MESSAGE]
        return render(request, "articles/trends.html", context)
    except SearchUnavailable:
        context["errors"] = [*params.errors, UNAVAILABLE_MESSAGE]
        response = render(request, "articles/trends.html", context, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    context.update(_result_context(params, result))
    return render(request, "articles/trends.html", context)


def _result_context(params: TrendParams, result: Trends) -> dict:
    share = params.measure == "share"
    names = [series_name(s, params.split) for s in result.series]
    values = [cast(list[float | None], s.shares if share else s.counts) for s in result.series]
    interval = result.interval
    legend = []
    for index, name in enumerate(names):
        hidden = index in params.hidden
        colour, dash, marker = line_style(index)
        legend.append(
            {
                "name": name,
                "hidden": hidden,
                "colour": colour,
                "dash": dash,
                "marker": marker,
                "total": result.series[index].count,
                "toggle_url": _link(params, hide=[str(h) for h in sorted(params.hidden ^ {index})]),
            }
        )
    rows = []
    for i, label in enumerate(result.labels):
        rows.append(
            {
                "label": label,
                "total": result.totals[i],
                "cells": [
                    {
                        "count": s.counts[i],
                        # Its own denominator, for a query counted in filters of its own.
                        "total": None if s.own.is_empty else s.totals[i],
                        "share": format_share(s.shares[i]),
                    }
                    for s in result.series
                ],
            }
        )
    measure = "Share of articles" if share else "Articles"
    chart = line_chart(
        result.labels,
        list(zip(names, values, strict=True)),
        f"{measure} per {interval} matching each query",
        x_label=interval.capitalize(),
        y_label=measure,
        percent=share,
        hidden=params.hidden,
        chart_id="trends-chart",
    )
    query = params.as_query().urlencode()
    return {
        "result": result,
        "interval": interval,
        "chart": chart,
        "legend": legend,
        "columns": [
            {"name": name, "own": not s.own.is_empty}
            for name, s in zip(names, result.series, strict=True)
        ],
        "own_filters": any(not s.own.is_empty for s in result.series),
        "rows": rows,
        "measure_links": [
            {"measure": m, "url": _link(params, measure=m), "current": m == params.measure}
            for m in MEASURES
        ],
        "csv_url": f"{reverse('articles:trends-csv')}?{query}",
        "json_url": f"{reverse('articles:trends-json')}?{query}",
    }


def _data(params: TrendParams):
    """The trends for a download, or an error response (422, 503) as the API gives."""
    # Without a query: the articles in the filters alone, over time (the denominator).
    try:
        return compare(params), None
    except SearchOverBudget:
        return None, JsonResponse(
            {"error": "query too costly", "detail": OVER_BUDGET_MESSAGE}, status=422
        )
    except SearchUnavailable:
        response = JsonResponse(
            {"error": "search unavailable", "detail": UNAVAILABLE_MESSAGE}, status=503
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return None, response


def trends_csv(request):
    """One row per stretch of time, query and (when split) publication or language."""
    params = TrendParams.from_query(request.GET)
    result, error = _data(params)
    if error:
        return error
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # Each row says what it counts in: the query's filters (its own, else the shared
    # ones), as the search page's f= values joined by "; ", and its date range.
    header = ["period", "period_start", "query", "filters", "from", "to"]
    if params.split:
        header.append(params.split)
    writer.writerow([*header, "articles_matching", "articles_in_filters", "share"])
    for i, (label, day) in enumerate(zip(result.labels, result.buckets, strict=True)):
        for s in result.series:
            cells = [label, day.isoformat(), s.query, "; ".join(_filter_tokens(s.filters))]
            cells += [_iso(s.filters.date_from), _iso(s.filters.date_to)]
            if params.split:
                cells.append(s.value)
            share = s.shares[i]
            cells += [s.counts[i], s.totals[i], "" if share is None else round(share, 8)]
            writer.writerow([spreadsheet_safe(cell) for cell in cells])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, "trends.csv")
    return response


def _iso(day) -> str:
    return day.isoformat() if day else ""


def _filters_json(filters: SearchParams) -> dict:
    return {
        "f": _filter_tokens(filters),
        "from": filters.date_from and filters.date_from.isoformat(),
        "to": filters.date_to and filters.date_to.isoformat(),
    }


def trends_json(request):
    params = TrendParams.from_query(request.GET)
    result, error = _data(params)
    if error:
        return error
    data = {
        "interval": result.interval,
        "filters": params.filters.as_query(),  # shared by the queries without their own
        "split": params.split,
        "periods": [
            {"label": label, "start": day.isoformat()}
            for label, day in zip(result.labels, result.buckets, strict=True)
        ],
        "articles_in_filters": result.totals,
        "series": [
            {
                "query": s.query,
                # The query's own filters as asked, and all it counts in (with the shared).
                "own_filters": _filters_json(s.own),
                "filters": _filters_json(s.filters),
                **({params.split: s.value} if params.split else {}),
                "articles_matching": s.counts,
                "articles_in_filters": s.totals,
                "share": [None if v is None else round(v, 8) for v in s.shares],
            }
            for s in result.series
        ],
        "notes": result.notes,
        "warnings": params.errors,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = content_disposition_header(False, "trends.json")
    return response
