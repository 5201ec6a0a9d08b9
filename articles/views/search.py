"""The search page: full text through ``articles.search.service``, facets that filter,
a date range, sorting."""

from __future__ import annotations

from urllib.parse import quote_plus

from django.core.paginator import Paginator
from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from articles.charts import bar_chart
from articles.search.facets import FACETS, display_value
from articles.search.service import (
    MAX_PAGE,
    OVER_BUDGET_MESSAGE,
    RETRY_AFTER_SECONDS,
    SORTS,
    SearchOverBudget,
    SearchParams,
    SearchUnavailable,
    autocomplete,
    keep_results,
    kept_results,
    run_search,
)

FACET_LIMIT = 10


def _url_with(params: QueryDict, **changes) -> str:
    query = params.copy()
    query.pop("page", None)  # a changed filter starts again from the first page
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        elif isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    return "?" + query.urlencode()


class _Pages:
    """Stands in for the result list so that Django's Paginator can number the pages."""

    def __init__(self, total: int, per_page: int):
        self.total = min(total, MAX_PAGE * per_page)

    def count(self) -> int:
        return self.total

    def __getitem__(self, key):
        return []


def search(request):
    query = request.GET
    params = SearchParams.from_query(query)
    selected = [f"{name}:{value}" for name, value in params.facets]
    context = {
        # The request's parameters, carried by the page's links (feeds, research, cards):
        # encoded once rather than by each link.
        "query_string": query.urlencode(),
        "q": params.q,
        "params": params,
        "date_from": params.date_from,
        "date_to": params.date_to,
        "sort": params.sort,
        "sorts": list(SORTS),
        "errors": params.errors,
        "selected": [
            {
                "field": name,
                "label": dict(FACETS)[name],
                "value": value,
                "display": display_value(name, value),
                "remove_url": _url_with(query, f=[t for t in selected if t != f"{name}:{value}"]),
            }
            for name, value in params.facets
        ],
    }
    if params.is_empty:
        return render(request, "search/search.html", context)
    kept = kept_results(params, context["query_string"])
    if kept.html is not None:
        context.update(searched=True, results=mark_safe(kept.html), facets=kept.facets)  # noqa: S308 (rendered here before)
        return render(request, "search/search.html", context)
    try:
        outcome = run_search(params, suggest=True, cards=True)
    except SearchOverBudget:
        context["errors"] = [*params.errors, OVER_BUDGET_MESSAGE]
        return render(request, "search/search.html", context)
    except SearchUnavailable:
        context["failed"] = True
        response = render(request, "search/search.html", context, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    page = Paginator(_Pages(outcome.total, params.per_page), params.per_page).get_page(outcome.page)
    page.object_list = outcome.hits
    years = sorted((v, n) for v, n in outcome.facets.get("year", []) if v)
    context.update(
        searched=True,
        page=page,
        total=outcome.total,
        total_exact=outcome.total_exact,
        facets_among=outcome.facets_among,
        matches_exact=outcome.matches_exact,
        facets=_facet_groups(query, outcome.facets, selected),
        suggestion=outcome.suggestion,
        articles_total=outcome.articles_total,
        grouped_within=outcome.grouped_within,
        suggestion_url=_url_with(query, q=outcome.suggestion) if outcome.suggestion else None,
        histogram=bar_chart(
            years, "Results per year", x_label="Year", y_label="Articles", chart_id="hits-years"
        )
        if len(years) > 1
        else "",
    )
    context["results"] = render_to_string("search/_results.html", context, request)
    keep_results(kept, context["results"], outcome.hits, facets=bool(context["facets"]))
    return render(request, "search/search.html", context)


def complete(request):
    """Suggestions for the search box, as JSON: {"suggestions": [{label, kind, url}]}."""
    text = request.GET.get("q", "")[:100]
    try:
        suggestions = autocomplete(text)
    except Exception:  # a suggestion is a nicety: never an error for the reader
        suggestions = []
    return JsonResponse({"query": text, "suggestions": suggestions})


def _facet_groups(query, facet_counts, selected) -> list[dict]:
    """Facet values with counts and the link that adds (or removes) each as a filter."""
    # The links are the request's parameters with other filters (``_url_with``'s links,
    # the filters where the request has them, else last): the other parameters are encoded
    # once for all of them, each filter once, not the whole query string per link (sixty a
    # page, a twentieth of its Python).
    base = query.copy()
    base.pop("page", None)  # a changed filter starts again from the first page
    keys = list(base)
    cut = keys.index("f") if "f" in base else len(keys)

    def encoded(lists) -> str:
        part = QueryDict(mutable=True, encoding=base.encoding)
        for key, values in lists:
            part.setlist(key, values)
        return part.urlencode()

    before = encoded((key, base.getlist(key)) for key in keys[:cut])
    after = encoded((key, base.getlist(key)) for key in keys[cut + 1 :])
    each_filter: dict[str, str] = {}

    def with_filters(filters: list[str]) -> str:
        parts = [before]
        for token in filters:
            if token not in each_filter:  # as QueryDict.urlencode writes it
                each_filter[token] = "f=" + quote_plus(token.encode(base.encoding))
            parts.append(each_filter[token])
        parts.append(after)
        return "?" + "&".join(part for part in parts if part)

    groups = []
    for name, label in FACETS:
        values = [(v, n) for v, n in facet_counts.get(name, []) if v not in (None, "") and n]
        if name == "year":
            values.sort(reverse=True)
        items = []
        for value, count in values[:FACET_LIMIT]:
            token = f"{name}:{value}"
            chosen = token in selected
            new = [t for t in selected if t != token] if chosen else [*selected, token]
            items.append(
                {
                    "display": display_value(name, value),
                    "count": count,
                    "selected": chosen,
                    "url": with_filters(new),
                }
            )
        if items:
            groups.append({"field": name, "label": label, "items": items})
    return groups
