"""What one request may cost the search engine, and what a missing index answers.

A query that would take longer than ``SEARCH_TIME_LIMIT`` is stopped and answered with a
message (the page) or a 422 (the API, the feeds), never a long wait; a missing index is a
503 with Retry-After everywhere search is asked, never an empty index made in its place.
"""

import datetime as dt
import shutil

import pytest
from django.urls import reverse
from haystack import connections

from articles.models import Article
from articles.search.backends.base import SearchOverBudget
from articles.search.service import OVER_BUDGET_MESSAGE
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(indexed):
    with indexed():
        builders.article(title="Harbour reopens", body="The harbour reopened on Monday.")
        builders.article(title="Harbour closes", body="The harbour closed for the winter.")


@pytest.fixture
def no_time(settings, archive):
    settings.SEARCH_TIME_LIMIT = 0.0


def test_within_the_budget_searches_answer(client, archive):
    response = client.get(reverse("articles:search"), {"q": "harbour"})
    assert response.status_code == 200 and "reopened on Monday" in response.content.decode()


def test_over_budget_the_page_says_so(client, no_time):
    response = client.get(reverse("articles:search"), {"q": "harbour"})
    assert response.status_code == 200
    assert OVER_BUDGET_MESSAGE.split("(")[0].strip() in response.content.decode()


def test_over_budget_the_api_answers_422(client, no_time):
    response = client.get(reverse("articles:api-search"), {"q": "harbour"})
    assert response.status_code == 422
    assert response.json()["error"] == "query too costly"


def test_over_budget_the_feed_answers_422(client, no_time):
    response = client.get(reverse("articles:feed-search"), {"q": "harbour"})
    assert response.status_code == 422


def test_the_engine_stops_at_the_deadline(archive):
    from whoosh import query as wq

    from articles.search.backends.whoosh import Deadline

    backend = connections["default"].get_backend()
    searcher = backend.searcher()
    query = wq.Term("text", "harbour")
    assert len(searcher.search(Deadline.after(query, 5.0))) == 2
    with pytest.raises(SearchOverBudget):
        searcher.search(Deadline(query, deadline=0.0))


def test_the_budget_comes_from_the_settings(settings):
    from articles.search.backends.base import time_limit

    settings.SEARCH_TIME_LIMIT = 0.25
    assert time_limit() == 0.25


@pytest.fixture
def index_gone(archive, settings, tmp_path):
    """The index directory moved away and the workers restarted (connections reloaded)."""
    path = settings.HAYSTACK_CONNECTIONS["default"]["PATH"]
    kept = tmp_path / "kept-index"
    shutil.move(path, kept)
    connections.reload("default")
    yield path
    shutil.rmtree(path, ignore_errors=True)
    shutil.move(kept, path)
    connections.reload("default")


def test_a_missing_index_is_503_and_never_recreated(client, index_gone):
    import os

    page = client.get(reverse("articles:search"), {"q": "harbour"})
    assert page.status_code == 503 and page["Retry-After"]
    api = client.get(reverse("articles:api-search"), {"q": "harbour"})
    assert api.status_code == 503 and api["Retry-After"]
    assert api.json()["error"] == "search unavailable"
    feed = client.get(reverse("articles:feed-search"), {"q": "harbour"})
    assert feed.status_code == 503 and feed["Retry-After"]
    assert not os.path.exists(index_gone)  # no empty index made in its place
    # Browsing does not need the index.
    assert client.get(reverse("articles:home")).status_code == 200
    assert client.get(reverse("articles:archive")).status_code == 200


def test_putting_the_index_back_just_works(client, settings, tmp_path, archive):
    path = settings.HAYSTACK_CONNECTIONS["default"]["PATH"]
    kept = tmp_path / "kept-index"
    shutil.move(path, kept)
    connections.reload("default")
    assert client.get(reverse("articles:search"), {"q": "harbour"}).status_code == 503
    shutil.move(kept, path)  # the same worker, no restart
    response = client.get(reverse("articles:search"), {"q": "harbour"})
    assert response.status_code == 200 and "reopened on Monday" in response.content.decode()


def test_sync_index_builds_a_missing_index_whole(index_gone):
    from articles.search.indexing import check_index, sync_index

    indexed, removed = sync_index()
    assert (indexed, removed) == (2, 0)
    assert not check_index()


def test_an_import_without_an_index_keeps_its_articles_and_makes_no_index(index_gone, caplog):
    import os

    from articles.ingest.pipeline import import_records
    from articles.ingest.record import ArticleRecord

    # A complete record, published at once: the import must index it, and tells why it could not.
    record = ArticleRecord(
        title="New harbour",
        body="A new harbour opened.",
        language="en",
        published=dt.date(2024, 5, 2),
        publication="The Harbour Post",
    )
    report = import_records([record], find_entities=False)
    assert Article.objects.get(pk=report.created[0]).status == Article.Status.PUBLISHED
    assert len(report.created) == 1
    assert not os.path.exists(index_gone)
    assert "Search index not updated" in caplog.text
