"""The search page's cards keep their byline, date and links as rendered for a version of
the article (``service.card_meta``): the same HTML as rendering them afresh, not loaded
again while kept, made again for a new version, and never a way for an article that is no
longer public to be shown."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from tests import builders

pytestmark = pytest.mark.django_db

URL = reverse("articles:search")


@pytest.fixture
def indexed(engine):
    """``engine`` (tests/views/conftest.py), with no card kept by another test."""
    cache.clear()
    return engine


@pytest.fixture
def crude(indexed):
    daily = builders.publication("The Daily Record")
    with indexed():
        article = builders.article(
            title="Crude climbs",
            body="Crude oil rose on Monday.",
            authors=["Nancy Thomas", "Ulas Atesci"],
            pub=daily,
            sec=builders.section("World", daily),
            published_on=dt.date(2019, 9, 5),
        )
        builders.article(title="Olive harvest", body="Olive oil.", published_on=None)
    return article


def page(client, **params) -> str:
    response = client.get(URL, {"q": "oil", **params})
    assert response.status_code == 200
    return response.content.decode()


def test_kept_cards_show_the_same_page_without_loading_bylines(client, crude):
    first = page(client)
    assert 'By <a href="/authors/nancy-thomas/">Nancy Thomas</a> and ' in first
    with CaptureQueriesContext(connection) as queries:
        again = page(client)
    assert again == first
    loaded = " ".join(query["sql"] for query in queries.captured_queries)
    assert "articles_byline" not in loaded and "articles_section" not in loaded


def test_a_new_version_of_the_article_has_its_card_made_again(client, crude, indexed):
    assert '<a href="/publications/the-daily-record/world/">World</a>' in page(client)
    with indexed():
        crude.section = builders.section("Business", crude.publication)
        crude.save()
    html = page(client)
    assert '<a href="/publications/the-daily-record/business/">Business</a>' in html
    assert ">World</a>" not in html


def test_a_kept_card_never_shows_an_article_no_longer_public(client, crude):
    assert "Crude climbs" in page(client)
    # Withdrawn without the index hearing of it: the engine still finds it, its card is kept.
    Article.objects.filter(pk=crude.pk).update(status=Article.Status.WITHDRAWN)
    html = page(client)
    # (The facets are the engine's counts, which the index's next write corrects.)
    shown = html[html.index('<div class="cards">') : html.index('<aside class="facets"')]
    assert "Crude climbs" not in shown and "/authors/nancy-thomas/" not in shown
    assert "Olive harvest" in shown


def test_cards_are_made_when_the_cache_cannot_be_reached(client, crude, settings):
    made = page(client)
    settings.CACHES = {
        **settings.CACHES,
        # A Redis no one listens to: reading and keeping fail at once.
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        },
    }
    assert page(client) == made
