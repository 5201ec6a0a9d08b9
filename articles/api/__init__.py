"""The read-only JSON API under /api/: published articles, their authors, the entities they
mention, and the archive's one search (``articles.search.service``).

Built on django-ninja: the operations in ``archive.py`` and ``search.py`` declare their
parameters (``params.py``) and answers (``schemas.py``) as types, and the OpenAPI document
at /api/openapi.json is generated from those very types, so the document cannot say other
than the code does. tests/api/test_openapi.py runs the API against it (schemathesis).

What the public may see is what the pages show (``articles.public``). Every list is
paginated in one envelope (``count``, ``page``, ``pages``, ``page_size``, ``next``,
``previous``, ``results``); every error is JSON (``{"error": ..., "detail": ...}``), never an
HTML page: 400 naming each parameter that cannot be read, 404, 405 for a method but GET and
HEAD, 422 for a search over its time budget, 503 with Retry-After when the search index
(here) or the database (``newsarchive.middleware``, for the whole site) cannot answer.
"""

from __future__ import annotations

import copy
import json
from functools import cache, wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer

from articles.api import archive, search
from articles.api.params import MAX_PAGE_SIZE, PAGE_SIZE
from articles.api.schemas import Endpoints, Index
from articles.search.service import (
    OVER_BUDGET_MESSAGE,
    RETRY_AFTER_SECONDS,
    SearchOverBudget,
    SearchUnavailable,
)

ALLOWED_METHODS = ("GET", "HEAD")
DESCRIPTION = (
    "A read-only JSON API over the archive's published articles. Everything it shows is "
    "public on the site too: drafts, articles in review and withdrawn ones never appear, nor "
    "do mentions an editor rejected or entities merged into another.\n\n"
    "Lists are paginated alike: count, page, pages, page_size, next and previous (absolute "
    f"URLs, or null) and results; page_size is 1 to {MAX_PAGE_SIZE} ({PAGE_SIZE} by "
    "default). A parameter given empty (?page=) is as if it were not given. Errors are JSON "
    'too, {"error": "...", "detail": ...}: 400 for a parameter that cannot be read (the '
    "search reads its parameters as the search page does and warns instead), 404 for an "
    "unknown slug or a page past the last, 405 for any method but GET and HEAD, 422 for a "
    "search too costly to answer in time, 503 (with Retry-After) when the search index "
    "cannot answer.\n\n"
    "Every `url` is the thing's page on the site; every `api_url` its place in this API."
)


class _JSON(JSONRenderer):
    # Names in Persian and Arabic stay readable in the response.
    json_dumps_params = {"ensure_ascii": False}


class ArchiveAPI(NinjaAPI):
    def get_content_type(self) -> str:
        # JSON is UTF-8 by definition (RFC 8259 defines no charset parameter); plain
        # application/json is what the API has always answered.
        return self.renderer.media_type or "application/json"


api = ArchiveAPI(
    title="NewsArchive API",
    version="1.0.0",
    description=DESCRIPTION,
    # The document and the index are operations of their own below, documented as the
    # rest; no interactive docs page (it would load scripts from another host).
    openapi_url=None,
    docs_url=None,
    renderer=_JSON(),
    servers=[{"url": "/"}],
    openapi_extra={
        "tags": [{"name": tag} for tag in ("index", "articles", "authors", "entities", "search")]
    },
)
api.add_router("", archive.router)
api.add_router("", search.router)


def error(request: HttpRequest, status: int, message: str, detail) -> HttpResponse:
    return api.create_response(request, {"error": message, "detail": detail}, status=status)


@api.exception_handler(ValidationError)
def bad_parameters(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """400, naming each parameter that cannot be read (by its name in the query string)."""
    problems = {str(problem["loc"][-1]): problem["msg"] for problem in exc.errors}
    return error(request, 400, "bad parameters", problems)


@api.exception_handler(Http404)
def not_found_here(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(request, 404, "not found", str(exc) or "Nothing here.")


@api.exception_handler(SearchOverBudget)
def too_costly(request: HttpRequest, exc: SearchOverBudget) -> HttpResponse:
    return error(request, 422, "query too costly", OVER_BUDGET_MESSAGE)


@api.exception_handler(SearchUnavailable)
def search_unavailable(request: HttpRequest, exc: SearchUnavailable) -> HttpResponse:
    response = error(
        request,
        503,
        "search unavailable",
        "The search index cannot answer just now (it may be being rebuilt); the rest of the "
        "API works. Try again in a few minutes.",
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.exception_handler(Exception)
def anything_else(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Raised on as from any view: a database that went away is the site's 503
    (``newsarchive.middleware``), anything else its 500, in DEBUG or not."""
    raise exc


@api.get(
    "/",
    response=Index,
    url_name="api-index",
    operation_id="api_index",
    summary="API index",
    description="Links to every endpoint and to this document.",
    tags=["index"],
)
def index(request: HttpRequest):
    def link(name: str) -> str:
        return request.build_absolute_uri(reverse(name))

    return Index(
        name="NewsArchive API",
        description="Read-only: published articles, their authors, the entities they "
        "mention, and full-text search.",
        openapi=link("articles:api-openapi"),
        endpoints=Endpoints(
            articles=link("articles:api-articles"),
            authors=link("articles:api-authors"),
            entities=link("articles:api-entities"),
            search=link("articles:api-search"),
        ),
    )


@api.get(
    "/openapi.json",
    response=dict,
    url_name="api-openapi",
    operation_id="openapi_document",
    summary="OpenAPI document",
    description="This document.",
    tags=["index"],
)
def openapi(request: HttpRequest):
    return HttpResponse(_openapi_json(), content_type=api.get_content_type())


@cache
def _openapi_json() -> str:
    # Made from the operations once per process: they do not change while it runs.
    schema = api.get_openapi_schema(path_prefix=reverse("articles:api-index"))
    # No request: the document is made once for all of them, and the JSON renderer reads none
    # (ninja types the argument HttpRequest all the same).
    return api.renderer.render(None, schema, response_status=200)  # type: ignore[arg-type]


def openapi_document() -> dict:
    """The OpenAPI 3.1 document, as /api/openapi.json serves it."""
    return json.loads(_openapi_json())


def read_only(view):
    """GET and HEAD only (HEAD answered as GET; the server leaves the body out); any other
    method is a JSON 405. Nothing here changes state, so there is no CSRF token to ask for."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method == "HEAD":
            request = copy.copy(request)
            request.method = "GET"
        elif request.method not in ALLOWED_METHODS:
            response = error(
                request,
                405,
                "method not allowed",
                f"This API is read-only: use {' or '.join(ALLOWED_METHODS)}.",
            )
            response["Allow"] = ", ".join(ALLOWED_METHODS)
            return response
        return view(request, *args, **kwargs)

    return wrapper


def urlpatterns(prefix: str) -> list[URLPattern]:
    """The API's addresses under ``prefix``, for articles/urls.py to list among its own
    (flat, so that every public address is one pattern there): named ``api-…`` in the
    ``articles`` namespace like every other page."""
    patterns, _app, _namespace = api.urls
    return [
        path(
            prefix + str(pattern.pattern),
            read_only(pattern.callback),
            # Django takes name=None (no name); the stubs ask for a str.
            name=pattern.name,  # type: ignore[arg-type]
        )
        for pattern in patterns
        # ninja's own root address only serves to reverse its docs' prefix; /api/ is ours.
        # Each is a URLPattern: ninja includes no other URL conf.
        if isinstance(pattern, URLPattern) and pattern.name != "api-root"
    ]


@read_only
def not_found(request: HttpRequest) -> HttpResponse:
    """Any other address under /api/ (ending in a slash): a JSON 404, not the site's page."""
    return error(request, 404, "not found", "No API endpoint here; GET /api/ lists them.")
