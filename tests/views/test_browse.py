import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Entity
from tests import builders

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"

NOT_PUBLIC = (Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN)


@pytest.fixture
def archive():
    world = builders.section("World")
    public = builders.article(
        title="Visible story",
        authors=["Nancy Thomas", "Ulas Atesci"],
        entities=[("Idlib", Entity.Kind.PLACE)],
        sec=world,
    )
    hidden = [
        builders.article(
            title=f"Hidden {status} story",
            status=status,
            authors=[f"Hidden {status} writer"],
            entities=[(f"Hidden {status} place", Entity.Kind.PLACE)],
            sec=builders.section(f"Hidden {status} section"),
            published_on=dt.date(2001, 1, 1),
        )
        for status in NOT_PUBLIC
    ]
    return public, hidden


def public_pages(public):
    author = public.authors.first()
    entity = public.mentions.first().entity
    return [
        reverse("articles:home"),
        reverse("articles:archive"),
        reverse("articles:archive-year", args=[2019]),
        reverse("articles:archive-month", args=[2019, 9]),
        reverse("articles:archive-day", args=[2019, 9, 5]),
        reverse("articles:authors"),
        author.get_absolute_url(),
        reverse("articles:entities"),
        entity.get_absolute_url(),
        reverse("articles:publications"),
        public.publication.get_absolute_url(),
        public.section.get_absolute_url(),
        public.get_absolute_url(),
    ]


def test_every_browse_page_shows_the_published_article_and_nothing_else(client, archive):
    public, hidden = archive
    for url in public_pages(public):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for article in hidden:
            assert article.title not in html, url
            assert article.authors.first().name not in html, url
            assert article.mentions.first().entity.name not in html, url
            assert article.section.name not in html, url
        assert "2001" not in html, url


def test_non_public_articles_and_their_dates_are_not_found(client, archive):
    _, hidden = archive
    for article in hidden:
        assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(reverse("articles:archive-year", args=[2001])).status_code == 404


def test_date_archive_counts(client):
    for day in (1, 1, 2):
        builders.article(published_on=dt.date(2020, 3, day))
    builders.article(published_on=dt.date(2020, 5, 9))
    html = client.get(reverse("articles:archive")).content.decode()
    assert "4 articles" in html
    html = client.get(reverse("articles:archive-year", args=[2020])).content.decode()
    assert "March" in html and "3 articles" in html and "May" in html
    html = client.get(reverse("articles:archive-month", args=[2020, 3])).content.decode()
    assert reverse("articles:archive-day", args=[2020, 3, 1]) in html
    assert reverse("articles:archive-day", args=[2020, 3, 4]) not in html
    assert client.get(reverse("articles:archive-month", args=[2020, 13])).status_code == 404
    assert client.get(reverse("articles:archive-day", args=[2020, 2, 31])).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/archive/0/",
        "/archive/10000/",
        "/archive/99999/1/",
        "/archive/2019/0/",
        "/archive/2019/13/",
        "/archive/2019/123/",
        "/archive/2019/9/0/",
        "/archive/2019/9/32/",
        "/archive/0/1/1/",
        "/archive/1/99999999999999999999/30/",
        "/archive/99999999999999999999999/",
        "/archive/2019/9/99999999999999999999/",
        "/archive/9999/12/31/",
        "/archive/1/1/1/",
        "/archive/9999/12/",
        "/archive/-1/",
    ],
)
def test_dates_outside_the_calendar_are_not_found(client, path):
    builders.article(published_on=dt.date(2019, 9, 5))
    assert client.get(path).status_code == 404


def test_the_calendar_s_edges_are_pages_when_they_hold_articles(client):
    builders.article(published_on=dt.date(1, 1, 1))
    builders.article(published_on=dt.date(9999, 12, 31))
    for path in ("/archive/1/", "/archive/1/1/", "/archive/1/1/1/"):
        assert client.get(path).status_code == 200, path
    for path in ("/archive/9999/", "/archive/9999/12/", "/archive/9999/12/31/"):
        assert client.get(path).status_code == 200, path


def test_author_index_by_initial(client, archive):
    html = client.get(reverse("articles:authors"), {"letter": "n"}).content.decode()
    assert "Nancy Thomas" in html and "Ulas Atesci" not in html


@pytest.mark.parametrize("letter", ["\x00", "\x00a", "\x1f", " ", "\u202e", "%"])
@pytest.mark.parametrize("index", ["articles:authors", "articles:entities"])
def test_a_z_indexes_take_any_letter(client, archive, index, letter):
    """Found by the fuzz test on PostgreSQL, which refuses a NUL in text: a 500."""
    response = client.get(reverse(index), {"letter": letter, "kind": "%"})
    assert response.status_code == 200


def test_entity_index_by_kind(client, archive):
    builders.article(entities=[("NATO", Entity.Kind.ORGANISATION)])
    html = client.get(reverse("articles:entities"), {"kind": "organisation"}).content.decode()
    assert "NATO" in html and "Idlib" not in html
    assert client.get(reverse("articles:entities"), {"kind": "<bad>"}).status_code == 200


def test_home_says_how_to_import_when_empty(client):
    html = client.get(reverse("articles:home")).content.decode()
    assert "import_articles" in html


def test_pagination_survives_bad_page_numbers(client):
    pub = builders.publication()
    for _ in range(25):
        builders.article(pub=pub)
    url = pub.get_absolute_url()
    for page in ("2", "0", "-1", "999", "x"):
        assert client.get(url, {"page": page}).status_code == 200
    assert "Page 2 of 2" in client.get(url, {"page": "2"}).content.decode()


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def list_urls():
    author = builders.author("Nancy Thomas")
    entity = builders.entity("Idlib", Entity.Kind.PLACE)
    sec = builders.section("World")
    return [
        reverse("articles:home"),
        reverse("articles:archive"),
        reverse("articles:archive-year", args=[2019]),
        reverse("articles:archive-month", args=[2019, 9]),
        reverse("articles:archive-day", args=[2019, 9, 5]),
        reverse("articles:authors"),
        author.get_absolute_url(),
        reverse("articles:entities"),
        entity.get_absolute_url(),
        reverse("articles:publications"),
        sec.publication.get_absolute_url(),
        sec.get_absolute_url(),
    ]


def add_articles(n):
    for i in range(n):
        builders.article(
            authors=["Nancy Thomas", f"Co-author {i}"],
            entities=[("Idlib", Entity.Kind.PLACE), (f"Place {i}", Entity.Kind.PLACE)],
            sec=builders.section("World"),
        )


def test_list_pages_do_not_grow_queries_with_rows(client):
    urls = list_urls()
    add_articles(2)
    few = {url: count_queries(client, url) for url in urls}
    add_articles(12)
    many = {url: count_queries(client, url) for url in urls}
    assert many == few


def test_names_known_only_from_unpublished_articles_are_not_public(client, archive):
    _, hidden = archive
    for article in hidden:
        assert client.get(article.authors.first().get_absolute_url()).status_code == 404
        assert client.get(article.section.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/articles/%00/",
        "/authors/a%00b/",
        "/entities/%01/",
        "/publications/x%00/y/",
        "/articles/%00/cite.bib",
    ],
)
def test_control_characters_in_addresses_are_not_found(client, path):
    assert client.get(path).status_code == 404


def year_chart(html: str) -> ET.Element:
    match = re.search(r'<figure class="chart" id="articles-per-year">.*?</figure>', html, re.S)
    assert match, "no chart of articles per year"
    return ET.fromstring(match.group())


def test_date_archive_charts_published_articles_per_year_in_one_query(
    client, django_assert_num_queries
):
    for year in (2019, 2019, 2021):
        builders.article(published_on=dt.date(year, 6, 1))
    builders.article(published_on=None)
    for status in NOT_PUBLIC:
        builders.article(status=status, published_on=dt.date(2019, 6, 1))
        builders.article(status=status, published_on=dt.date(2023, 6, 1))

    with django_assert_num_queries(1):
        html = client.get(reverse("articles:archive")).content.decode()

    figure = year_chart(html)
    rows = [(tr.find("th").text, tr.find("td").text) for tr in figure.find("table/tbody")]
    assert rows == [("2019", "2"), ("2020", "0"), ("2021", "1")]  # the empty year too
    svg = figure.find(f"{SVG}svg")
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Published articles per year"
    assert "3 articles in all" in svg.find(f"{SVG}desc").text
    assert "2023" not in html
    assert "1 published article has no known date." in html


def test_date_archive_without_dated_articles_has_no_chart(client):
    builders.article(published_on=None)
    builders.article(status=Article.Status.DRAFT, published_on=dt.date(2019, 6, 1))
    html = client.get(reverse("articles:archive")).content.decode()
    assert "<svg" not in html and "No dated articles yet." in html
