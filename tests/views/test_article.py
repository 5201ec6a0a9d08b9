import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Entity
from tests import builders

pytestmark = pytest.mark.django_db


def test_article_page_shows_everything_a_reader_needs(client):
    sec = builders.section("European Languages")
    article = builders.article(
        title="Russia and Turkey intensify military cooperation",
        body="First paragraph.\n\nSecond paragraph.",
        authors=["Ulas Atesci", "Nancy Thomas"],
        entities=[("Idlib", Entity.Kind.PLACE)],
        sec=sec,
    )
    related = builders.article(title="Another Idlib story", entities=[("Idlib", "place")])
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<h1>Russia and Turkey intensify military cooperation</h1>" in html
    assert 'href="/authors/ulas-atesci/">Ulas Atesci</a> and <a' in html
    assert '<time dir="ltr" datetime="2019-09-05">5 September 2019</time>' in html
    assert sec.get_absolute_url() in html and sec.publication.get_absolute_url() in html
    assert "<p>First paragraph.</p>" in html and "<p>Second paragraph.</p>" in html
    assert "/entities/idlib/" in html
    assert related.get_absolute_url() in html


def test_right_to_left_articles_render_right_to_left(client):
    article = builders.article(title="خبر", body="متن خبر", language="fa")
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'lang="fa" dir="rtl"' in html


def test_markup_in_text_is_inert(client):
    article = builders.article(
        title="<script>alert(1)</script>", body='<img src=x onerror="alert(2)">'
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_related_articles_are_published_only(client):
    article = builders.article(entities=[("Idlib", "place")])
    hidden = builders.article(
        title="Hidden related", entities=[("Idlib", "place")], status=Article.Status.DRAFT
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert hidden.title not in html


def test_article_page_queries_do_not_grow_with_entities(client):
    small = builders.article(authors=["A One"], entities=[("E1", "place")])
    big = builders.article(
        authors=[f"Author {i}" for i in range(8)],
        entities=[(f"Entity {i}", "place") for i in range(15)],
    )
    counts = []
    for article in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            client.get(article.get_absolute_url())
        counts.append(len(ctx))
    assert counts[0] == counts[1]
