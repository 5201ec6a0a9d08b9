"""newsarchive/middleware.py: a database outage answers 503, wherever it is raised."""

import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db

RAISED: list[Exception] = []


class FailingMiddleware:
    """Stands for a middleware that reads the database (sessions, say): raises ``RAISED``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise RAISED[0]


@pytest.fixture
def failing(settings):
    settings.MIDDLEWARE = [
        settings.MIDDLEWARE[0],
        "tests.test_middleware.FailingMiddleware",
        *settings.MIDDLEWARE[1:],
    ]

    def fail_with(exception):
        RAISED[:] = [exception]
        return Client(raise_request_exception=False)

    yield fail_with
    RAISED.clear()


def test_an_outage_outside_a_view_gives_the_same_503(failing):
    client = failing(OperationalError("server closed the connection unexpectedly"))
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "cannot be reached" in response.content.decode()
    api = client.get("/api/articles/")
    assert api.status_code == 503 and api.json()["error"] == "database unavailable"


def test_other_errors_keep_the_500_page(failing):
    response = failing(ValueError("a bug")).get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response
