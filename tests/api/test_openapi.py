"""The API against its OpenAPI document (articles/api_schema.py): schemathesis generates
requests from the document, valid and invalid, sends them to the Django app through its
WSGI interface, and checks every answer: documented status, JSON as documented, never a
5xx, 400 for what the document rules out, 405 (with Allow) for other methods."""

import copy
import re

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse

from articles import urls
from articles.api_schema import OPENAPI
from tests import builders
from tests.api import small_archive

pytestmark = pytest.mark.django_db

# Bounded, and the same examples every run: the suite must not turn flaky, and must
# stay well under a minute. Raise max-examples locally to search harder. The fixture's
# data is made once per test and shared by every example: the API only reads.
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20260107,
        "generation": {"max-examples": 50, "deterministic": True, "database": "none"},
    }
)
# Read from the module, not over HTTP: tests are collected before the test settings
# exist (and schemathesis 4.32's lazy `from_fixture` fails on pytest 9, which renamed
# Node._nodeid). test_the_document_is_served_as_written checks that /api/openapi.json
# is this very document; the tests with real slugs below read it over HTTP.
schema = schemathesis.openapi.from_dict(copy.deepcopy(OPENAPI), config=CONFIG)


@pytest.fixture
def app(indexed, settings):
    """The Django site as a WSGI application, with a small archive to answer from."""
    with indexed():
        small_archive()
        for i in range(3):  # more than one page at page_size=1, 2…
            builders.article(title=f"Filler {i}", body="Erdogan Idlib", authors=["Nancy Thomas"])
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis' Host
    # As Django's test client does: requests must not close the connection that holds
    # the test's transaction (on PostgreSQL the data would be gone).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
def test_the_api_keeps_to_its_openapi_document(case, app):
    case.call_and_validate(app=app)


def test_every_api_route_is_documented_and_every_documented_path_exists():
    routes = {
        "/" + re.sub(r"<\w+:slug>", "{slug}", str(p.pattern))
        for p in urls.urlpatterns
        if p.name and p.name.startswith("api-")
    }
    assert routes == set(OPENAPI["paths"])


@pytest.fixture
def served(app):
    """The document as the running app serves it, to call real addresses with."""
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


# Generated slugs almost never name anything: these do, so that responses full of data
# are checked too.
@pytest.mark.parametrize(
    "path, slug, status",
    [
        ("/api/articles/{slug}/", "russia-and-turkey-intensify-military-cooperation", 200),
        ("/api/articles/{slug}/", "گزارش-بدون-تاریخ", 200),
        ("/api/articles/{slug}/", "secret-draft-piece", 404),
        ("/api/authors/{slug}/", "nancy-thomas", 200),
        ("/api/entities/{slug}/", "recep-tayyip-erdogan", 200),
        ("/api/entities/{slug}/", "r-t-erdogan", 301),
    ],
)
def test_real_details_keep_to_the_document(served, path, slug, status):
    case = served[path]["GET"].Case(path_parameters={"slug": slug})
    response = case.call()
    assert response.status_code == status
    case.validate_response(response)


@pytest.mark.parametrize(
    "path, query",
    [
        ("/api/", {}),
        ("/api/articles/", {"author": "nancy-thomas", "page_size": 2, "page": 2}),
        ("/api/authors/", {}),
        ("/api/entities/", {"kind": "place"}),
        ("/api/search/", {"q": "Erdogan", "page_size": 2}),
        ("/api/search/", {"q": "Erdogan", "sort": "sideways", "page": "x"}),
        ("/api/search/", {}),
    ],
)
def test_real_lists_keep_to_the_document(served, path, query):
    case = served[path]["GET"].Case(query=query)
    response = case.call()
    assert response.status_code == 200
    if path != "/api/" and query:
        assert response.json()["results"]
    case.validate_response(response)


def test_the_document_is_served_as_written(client):
    response = client.get(reverse("articles:api-openapi"))
    assert response.status_code == 200
    assert response.json() == OPENAPI
    assert response.json()["openapi"].startswith("3.1.")


def test_the_document_is_valid_openapi_3_1():
    # schemathesis' own copy of the OpenAPI 3.1 specification's schema (internal, but
    # pinned with it in requirements.txt).
    from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

    OPENAPI_31_VALIDATOR.validate(OPENAPI)
