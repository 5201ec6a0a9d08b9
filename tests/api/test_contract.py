"""The API's contract as clients rely on it, pinned when the API moved from hand-written
views and a hand-written OpenAPI document onto a framework that generates the document:
exact error bodies, headers (no caching headers, no cookies), the index, and the document's
paths, parameters, status codes and payload shapes (``contract.json``, taken from the
hand-written document). What the generator may word differently (titles, descriptions,
``oneOf`` or ``anyOf``) is left out of the comparison; what a client reads is not."""

import json
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse

from articles.search.service import OVER_BUDGET_MESSAGE, RETRY_AFTER_SECONDS
from tests.api import small_archive

pytestmark = pytest.mark.django_db

CONTRACT = Path(__file__).with_name("contract.json")


@pytest.fixture
def archive(indexed):
    with indexed():
        return small_archive()


# --- the document ------------------------------------------------------------------


def _resolve(doc: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def shape(doc: dict, schema: dict):
    """What a client can rely on in ``schema``: each object's properties (a name ending in
    ``?`` is optional), arrays, enums, plain types, and which of them may be null. An
    alternative that is only the empty string (a query parameter given empty) is left
    out: it reads as not given."""
    schema = _resolve(doc, schema)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            options = [_resolve(doc, s) for s in schema[key]]
            kept = [s for s in options if s.get("type") != "null" and s.get("const") != ""]
            shapes = [shape(doc, s) for s in kept]
            nullable = any(s.get("type") == "null" for s in options)
            one = shapes[0] if len(shapes) == 1 else {"one of": sorted(map(str, shapes))}
            return {"nullable": one} if nullable else one
    types = schema.get("type")
    if isinstance(types, list):
        inner = shape(doc, {**schema, "type": next(t for t in types if t != "null")})
        return {"nullable": inner} if "null" in types else inner
    if "enum" in schema:
        return sorted(schema["enum"])
    if types == "object" and "properties" in schema:
        required = set(schema.get("required", []))
        return {
            name if name in required else f"{name}?": shape(doc, sub)
            for name, sub in sorted(schema["properties"].items())
        }
    if types == "array":
        return [shape(doc, schema.get("items", {}))]
    if types in ("integer", "number") and "maximum" in schema:
        return f"{types} ≤ {schema['maximum']}"
    return types or "any"


def contract(doc: dict) -> dict:
    """Every operation: its parameters (name, where, required, shape) and, for each status
    code, the shape of its JSON body and the headers it promises."""
    out = {}
    for path, methods in sorted(doc["paths"].items()):
        for method, operation in sorted(methods.items()):
            parameters = sorted(
                [p["name"], p["in"], bool(p.get("required")), shape(doc, p["schema"])]
                for p in operation.get("parameters", [])
            )
            responses = {}
            for status, response in sorted(operation["responses"].items()):
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                responses[str(status)] = {
                    "body": shape(doc, schema) if schema else None,
                    "headers": sorted(response.get("headers", {})),
                }
            out[f"{method.upper()} {path}"] = {"parameters": parameters, "responses": responses}
    return out


def test_the_document_keeps_the_contract(client):
    doc = client.get(reverse("articles:api-openapi")).json()
    assert contract(doc) == json.loads(CONTRACT.read_text())


# --- headers -----------------------------------------------------------------------

PAGES = [
    "/api/",
    "/api/openapi.json",
    "/api/articles/",
    "/api/articles/?page=x",
    "/api/articles/no-such-article/",
    "/api/authors/",
    "/api/entities/",
    "/api/entities/r-t-erdogan/",
    "/api/search/?q=Erdogan",
    "/api/nothing/",
]


@pytest.mark.parametrize("path", PAGES)
def test_json_without_caching_headers_or_cookies(client, archive, path):
    """Plain ``application/json`` (UTF-8, as JSON always is), and nothing that tells a
    cache how to keep it or sets a cookie: the API answers every request afresh."""
    response = client.get(path)
    assert response["Content-Type"] == "application/json"
    for header in ("Cache-Control", "Expires", "ETag", "Last-Modified", "Vary", "Set-Cookie"):
        assert header not in response, header
    assert int(response["Content-Length"]) == len(response.content)


def test_head_answers_as_get_without_a_body(client, archive):
    get = client.get("/api/articles/")
    head = client.head("/api/articles/")
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Type"] == "application/json"
    assert head["Content-Length"] == get["Content-Length"]


# --- the index ---------------------------------------------------------------------


def test_the_index_as_written(client):
    assert client.get("/api/").json() == {
        "name": "NewsArchive API",
        "description": "Read-only: published articles, their authors, the entities they "
        "mention, and full-text search.",
        "openapi": "http://testserver/api/openapi.json",
        "endpoints": {
            "articles": "http://testserver/api/articles/",
            "authors": "http://testserver/api/authors/",
            "entities": "http://testserver/api/entities/",
            "search": "http://testserver/api/search/",
        },
    }


# --- error bodies ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, status, body",
    [
        (
            "/api/articles/?page=x&page_size=500&ordering=up&from=2019-13&to=soon",
            400,
            {
                "error": "bad parameters",
                "detail": {
                    "page": "“x” is not a whole number 1 or more.",
                    "page_size": "“500” is not a whole number from 1 to 100.",
                    "ordering": "Order by newest or oldest, not “up”.",
                    # The search page's wording (parse_date), where such a date is ignored.
                    "from": "The from date “2019-13” is not a date like 2019-09-05; "
                    "it was ignored.",
                    "to": "The to date “soon” is not a date like 2019-09-05; it was ignored.",
                },
            },
        ),
        (
            "/api/entities/?kind=animal",
            400,
            {
                "error": "bad parameters",
                "detail": {"kind": "A kind is one of person, organisation, place, group, other."},
            },
        ),
        (
            "/api/search/?q=x&page_size=0",
            400,
            {
                "error": "bad parameters",
                "detail": {"page_size": "“0” is not a whole number from 1 to 100."},
            },
        ),
        (
            "/api/articles/?page=9",
            404,
            {"error": "not found", "detail": "There is no page 9; the last is 1."},
        ),
        (
            "/api/articles/secret-draft-piece/",
            404,
            {
                "error": "not found",
                "detail": "No published article has the slug “secret-draft-piece”.",
            },
        ),
        (
            "/api/authors/hidden-writer/",
            404,
            {
                "error": "not found",
                "detail": "No author of a published article has the slug “hidden-writer”.",
            },
        ),
        (
            "/api/entities/no-such-entity/",
            404,
            {"error": "not found", "detail": "No entity has the slug “no-such-entity”."},
        ),
        (
            "/api/entities/secret-source/",
            404,
            {
                "error": "not found",
                "detail": "No published article mentions the entity “secret-source”.",
            },
        ),
        (
            "/api/articles/a/b/",
            404,
            {"error": "not found", "detail": "No API endpoint here; GET /api/ lists them."},
        ),
    ],
)
def test_error_bodies(client, archive, path, status, body):
    response = client.get(path)
    assert response.status_code == status
    assert response.json() == body


def test_a_method_other_than_get_or_head(client, archive):
    for path in ["/api/", "/api/openapi.json", "/api/articles/", "/api/search/"]:
        response = client.post(path, {"q": "x"})
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
        assert response.json() == {
            "error": "method not allowed",
            "detail": "This API is read-only: use GET or HEAD.",
        }


def test_a_search_over_its_budget_is_422(client, archive, settings):
    settings.SEARCH_TIME_LIMIT = 0.0
    response = client.get("/api/search/", {"q": "Erdogan"})
    assert response.status_code == 422
    assert response.json() == {"error": "query too costly", "detail": OVER_BUDGET_MESSAGE}
    assert "Retry-After" not in response


def test_a_broken_index_is_503_with_retry_after(client, broken_index):
    response = client.get("/api/search/", {"q": "Erdogan"})
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": "search unavailable",
        "detail": "The search index cannot answer just now (it may be being rebuilt); "
        "the rest of the API works. Try again in a few minutes.",
    }


def test_a_database_gone_is_json_503_with_retry_after(client, monkeypatch):
    """Raised inside an API view, a database error reaches the site's middleware, which
    answers for every app (newsarchive/middleware.py) in the API's error shape."""
    from articles import public

    def gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(public, "articles", gone)
    monkeypatch.setattr(public, "authors", gone)
    for path in ["/api/articles/", "/api/authors/", "/api/articles/some-slug/"]:
        response = client.get(path)
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert response.json()["error"] == "database unavailable"
