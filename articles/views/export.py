"""Any search's results as a download: ``/api/export/?q=…&format=csv|jsonl`` (the search
page's parameters, plus ``full_text=1`` for the body), streamed a chunk at a time
(``articles.search.export``). Up to ``MAX_ROWS`` rows; a larger search is answered with a
message saying how to narrow it (staff export everything with ``manage.py
export_articles``). A query too costly is a 422 and an unavailable index a 503 with
``Retry-After``, as on the API's search."""

from __future__ import annotations

from django.http import JsonResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from articles.search import export
from articles.search.service import (
    OVER_BUDGET_MESSAGE,
    RETRY_AFTER_SECONDS,
    SearchOverBudget,
    SearchParams,
    SearchUnavailable,
)

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
TRUE = {"1", "true", "yes", "on"}
TOO_MANY_MESSAGE = (
    f"This search finds more than {export.MAX_ROWS:,} articles, more than one export "
    "holds. Narrow it with a filter (publication, language, year) or a date range, or "
    "export it in parts by date; staff can export everything with "
    "`manage.py export_articles`."
)


def _error(status: int, message: str, detail: str) -> JsonResponse:
    return JsonResponse(
        {"error": message, "detail": detail}, status=status, json_dumps_params={"indent": 2}
    )


@require_GET
def export_results(request):
    fmt = request.GET.get("format", "csv")
    if fmt not in export.FORMATS:
        return _error(
            400, "unknown format", f"format is one of {', '.join(export.FORMATS)}, not {fmt!r}."
        )
    full_text = request.GET.get("full_text", "").lower() in TRUE
    params = SearchParams.from_query(request.GET)
    try:
        ids = export.matching_ids(params, limit=export.MAX_ROWS)
    except export.TooManyRows:
        return _error(422, "too many results", TOO_MANY_MESSAGE)
    except SearchOverBudget:
        return _error(422, "query too costly", OVER_BUDGET_MESSAGE)
    except SearchUnavailable:
        response = _error(
            503,
            "search unavailable",
            "The search index cannot answer just now (it may be being rebuilt). "
            "Try again in a few minutes.",
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    records = export.rows(ids, request.build_absolute_uri, full_text=full_text)
    body = export.as_csv(records, full_text=full_text) if fmt == "csv" else export.as_jsonl(records)
    response = StreamingHttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"search.{fmt}")
    # What a client may check against the rows it got (withdrawn meanwhile: fewer).
    response["X-Result-Count"] = str(len(ids))
    return response
