"""The archive's state (``public.version``: what the kept counts and lists are keyed by) is
read once per request, and again after an article is saved or deleted within it."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import public
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_a_request():
    # As the test client does: the signals without Django's closing of old connections,
    # which would close the test's own.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
        yield
        request_finished.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_read_once_in_a_request(in_a_request):
    builders.article()
    first = public.version()
    with CaptureQueriesContext(connection) as captured:
        assert public.version() == first
    assert len(captured) == 0


def test_a_save_or_a_delete_in_the_request_is_seen(in_a_request):
    builders.article()
    before = public.version()
    added = builders.article()
    after_add = public.version()
    assert after_add != before
    added.delete()
    assert public.version() != after_add


def test_read_again_outside_a_request_and_in_the_next_one(client):
    builders.article(title="First")
    before = public.version()
    builders.article(title="Second")
    assert public.version() != before  # no request: nothing kept
    client.get(reverse("articles:home"))
    builders.article(title="Third")
    response = client.get(reverse("articles:home"))
    assert response.context["counts"]["articles"] == 3
