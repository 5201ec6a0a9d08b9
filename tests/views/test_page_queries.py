"""The pages a reader opens most read a fixed number of queries, however large the archive
(issue 18): counted on a small archive and again after it has grown fivefold."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import builders

pytestmark = pytest.mark.django_db

# Queries per page once a first reader has filled the caches (the home page's totals, an
# article's related articles). The home page's fourth is "on this day" (its dates listed
# from the first year the kept totals give). The archive's state, which the kept parts are
# keyed by, is read once a request (the entity page read it twice, the sitemap index once
# for each of its lists).
QUERIES = {"home": 4, "article": 9, "entity": 4, "author": 4, "sitemap index": 1}


def grow(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        builders.article(
            title=f"Harbour report {i}",
            body="The harbour reopened after the storm. " * 3,
            authors=["Nancy Thomas", f"Writer {i}"],
            entities=[("Rotterdam", "place"), (f"Ship {i}", "organisation")],
            sec=builders.section("World", builders.publication("The Daily Record")),
            published_on=dt.date(2000 + i % 20, 1 + i % 12, 1 + i % 28),
        )


def queries(client, url: str) -> int:
    client.get(url)  # the first reader fills the caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def url_of(page: str) -> str:
    from articles.models import Article, Author, Entity

    return {
        "home": reverse("articles:home"),
        "article": Article.objects.get(title="Harbour report 1").get_absolute_url(),
        "entity": Entity.objects.get(name="Rotterdam").get_absolute_url(),
        "author": Author.objects.get(name="Nancy Thomas").get_absolute_url(),
        "sitemap index": reverse("sitemap"),
    }[page]


@pytest.mark.parametrize("page", QUERIES)
def test_page_queries_do_not_grow_with_the_archive(client, page):
    grow(4)
    small = queries(client, url_of(page))
    grow(16, start=4)
    assert (small, queries(client, url_of(page))) == (QUERIES[page], QUERIES[page])
