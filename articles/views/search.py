"""The search page: full text through haystack, facets that filter, a date range."""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import render
from django.utils.translation import get_language_info
from haystack.query import SearchQuerySet

from articles.models import Article
from articles.search.facets import FACET_FIELDS, FACETS, facet_filter
from articles.search.highlight import highlight_words, snippet

log = logging.getLogger(__name__)

PER_PAGE = 20
MAX_QUERY_LENGTH = 500
MAX_PAGE = 500  # deeper than anyone reads; keeps absurd page numbers cheap
FACET_LIMIT = 10
SORTS = {"relevance": None, "newest": "-published_on", "oldest": "published_on"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _clean_query(raw: str) -> str:
    return " ".join(_CONTROL.sub(" ", raw).split())[:MAX_QUERY_LENGTH]


def _parse_date(raw: str, errors: list[str], label: str) -> dt.date | None:
    raw = raw.strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    errors.append(f"The {label} date “{raw[:40]}” is not a date like 2019-09-05; it was ignored.")
    return None


def _selected_facets(params: QueryDict) -> list[tuple[str, str]]:
    selected = []
    for item in params.getlist("f"):
        field, sep, value = item.partition(":")
        if sep and field in FACET_FIELDS and value and (field, value) not in selected:
            selected.append((field, value[:300]))
    return selected


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


def _page_number(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), MAX_PAGE)
    except ValueError:
        return 1


def search(request):
    params = request.GET
    q = _clean_query(params.get("q", ""))
    errors: list[str] = []
    date_from = _parse_date(params.get("from", ""), errors, "from")
    date_to = _parse_date(params.get("to", ""), errors, "to")
    sort = params.get("sort", "relevance")
    if sort not in SORTS:
        sort = "relevance"
    selected = _selected_facets(params)
    context = {
        "q": q,
        "date_from": date_from,
        "date_to": date_to,
        "sort": sort,
        "sorts": list(SORTS),
        "errors": errors,
        "selected": [
            {
                "field": field,
                "label": dict(FACETS)[field],
                "value": value,
                "display": _display(field, value),
                "remove_url": _url_with(
                    params, f=[f"{f}:{v}" for f, v in selected if (f, v) != (field, value)]
                ),
            }
            for field, value in selected
        ],
    }
    if not (q or selected or date_from or date_to):
        return render(request, "search/search.html", context)

    sqs = SearchQuerySet().models(Article)
    sqs = sqs.auto_query(q) if q else sqs.all()
    for field, value in selected:
        sqs = sqs.narrow(facet_filter(field, value))
    if date_from:
        sqs = sqs.filter(published_on__gte=date_from)
    if date_to:
        sqs = sqs.filter(published_on__lte=date_to)
    if SORTS[sort]:
        sqs = sqs.order_by(SORTS[sort])
    for field, _ in FACETS:
        sqs = sqs.facet(field)
    sqs = sqs.load_all()  # one query for the page, through ArticleIndex.read_queryset

    number = _page_number(params.get("page"))
    try:
        results, total, facet_counts = _run(sqs, number)
        if not results and total and number > 1:  # past the end: show the last page
            number = min(-(-total // PER_PAGE), MAX_PAGE)
            results, total, facet_counts = _run(sqs._clone(), number)
    except Exception:
        # Whatever the query, the reader gets a page, not an error.
        log.exception("Search failed for %r", q)
        context["failed"] = True
        return render(request, "search/search.html", context)

    page = Paginator(_Hits(total), PER_PAGE).get_page(number)
    page.object_list = [
        {
            "article": result.object,
            "title": highlight_words(result.object.title, q),
            "snippet": snippet(result.object.body, q),
        }
        for result in results
        if result.object is not None
    ]
    context.update(
        {
            "searched": True,
            "page": page,
            "total": total,
            "facets": _facet_groups(params, facet_counts, selected),
        }
    )
    return render(request, "search/search.html", context)


class _Hits:
    """Stands in for the result list so that Django's Paginator can number the pages."""

    def __init__(self, total: int):
        self.total = total

    def count(self) -> int:
        return min(self.total, MAX_PAGE * PER_PAGE)

    def __getitem__(self, key):
        return []


def _run(sqs, number: int):
    start = (number - 1) * PER_PAGE
    results = list(sqs[start : start + PER_PAGE])
    return results, sqs.count(), sqs.facet_counts().get("fields", {})


def _display(field: str, value: str) -> str:
    """What a reader sees for a facet value: language codes become language names."""
    if field == "language":
        try:
            return get_language_info(value)["name"]
        except KeyError:
            return value
    return value


def _facet_groups(params, facet_counts, selected) -> list[dict]:
    """Facet values with counts and the link that adds (or removes) each as a filter."""
    current = [f"{f}:{v}" for f, v in selected]
    groups = []
    for field, label in FACETS:
        values = [(v, n) for v, n in facet_counts.get(field, []) if v not in (None, "") and n]
        if field == "year":
            values.sort(reverse=True)
        items = []
        for value, count in values[:FACET_LIMIT]:
            token = f"{field}:{value}"
            chosen = token in current
            new = [t for t in current if t != token] if chosen else current + [token]
            items.append(
                {
                    "display": _display(field, value),
                    "count": count,
                    "selected": chosen,
                    "url": _url_with(params, f=new),
                }
            )
        if items:
            groups.append({"field": field, "label": label, "items": items})
    return groups
