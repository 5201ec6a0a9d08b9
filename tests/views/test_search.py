import datetime as dt

import pytest
from django.urls import reverse

from articles.models import Article, Entity
from tests import builders

pytestmark = pytest.mark.django_db

URL = reverse("articles:search")


@pytest.fixture
def archive(indexed):
    with indexed():
        seedlike = builders.article(
            title="Russia and Turkey intensify military cooperation over US objections",
            body=(
                "Turkish President Recep Tayyip Erdogan visited Moscow.\n\n"
                "Turkey purchased Russian S-400 anti-aircraft missiles.\n\n"
                "Forces clashed in Idlib province."
            ),
            authors=["Ulas Atesci"],
            entities=[("Recep Tayyip Erdogan", Entity.Kind.PERSON), ("Idlib", Entity.Kind.PLACE)],
            sec=builders.section("European Languages"),
        )
        older = builders.article(
            title="Older report",
            body="Erdogan spoke in Ankara.",
            authors=["Nancy Thomas"],
            published_on=dt.date(2015, 1, 2),
        )
        hidden = builders.article(
            title="Secret draft",
            body="Erdogan draft text.",
            status=Article.Status.DRAFT,
            authors=["Hidden Writer"],
        )
    return {"seedlike": seedlike, "older": older, "hidden": hidden}


@pytest.mark.parametrize(
    "q, mark", [("Erdogan", "Erdogan"), ("S-400", "S-400"), ("Idlib", "Idlib")]
)
def test_finds_with_highlighted_snippets(client, archive, q, mark):
    response = client.get(URL, {"q": q})
    html = response.content.decode()
    assert response.status_code == 200
    assert archive["seedlike"].get_absolute_url() in html
    assert f"<mark>{mark}</mark>" in html


def test_total_and_facets_with_real_names(client, archive):
    response = client.get(URL, {"q": "Erdogan"})
    html = response.content.decode()
    assert "2 results" in html
    assert "Ulas Atesci" in html and "Nancy Thomas" in html
    assert ">nanci<" not in html and ">thoma<" not in html
    assert html.count(">Nancy Thomas</a>") == 2  # the byline and the author facet
    assert "Hidden Writer" not in html and "Secret draft" not in html


def test_clicking_a_facet_filters(client, archive):
    response = client.get(URL, {"q": "Erdogan", "f": "authors:Nancy Thomas"})
    html = response.content.decode()
    assert "1 result" in html
    assert archive["older"].get_absolute_url() in html
    assert archive["seedlike"].get_absolute_url() not in html


def test_date_range_and_sort(client, archive):
    response = client.get(URL, {"q": "Erdogan", "from": "2019-01-01", "to": "2019-12-31"})
    html = response.content.decode()
    assert archive["seedlike"].get_absolute_url() in html
    assert archive["older"].get_absolute_url() not in html
    response = client.get(URL, {"q": "Erdogan", "sort": "oldest"})
    html = response.content.decode()
    assert html.index(archive["older"].get_absolute_url()) < html.index(
        archive["seedlike"].get_absolute_url()
    )


def test_empty_query_explains_how_to_search(client, archive):
    response = client.get(URL)
    assert response.status_code == 200
    assert "the exact phrase" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"q": '"unbalanced'},
        {"q": "AND"},
        {"q": "OR NOT AND ("},
        {"q": "x" * 10_000},
        {"q": "erdogan\x00\x07"},
        {"q": "title:"},
        {"q": "*"},
        {"q": "Erdogan", "page": "-4"},
        {"q": "Erdogan", "page": "99999999999"},
        {"q": "Erdogan", "page": "abc"},
        {"q": "Erdogan", "from": "2019-99-99"},
        {"q": "Erdogan", "f": "nonsense:value"},
        {"q": "Erdogan", "f": "authors:"},
        {"q": "Erdogan", "sort": "sideways"},
    ],
)
def test_malformed_input_never_errors(client, archive, params):
    assert client.get(URL, params).status_code == 200


def test_bad_date_is_explained(client, archive):
    html = client.get(URL, {"q": "Erdogan", "from": "yesterday"}).content.decode()
    assert "is not a date" in html


def test_page_past_the_end_shows_the_last_page(client, archive):
    response = client.get(URL, {"q": "Erdogan", "page": "50"})
    assert "Page" not in response.content.decode() or response.status_code == 200
    assert archive["seedlike"].get_absolute_url() in response.content.decode()


def test_withdrawn_article_vanishes_from_search(client, archive, indexed):
    with indexed():
        archive["seedlike"].withdraw()
    html = client.get(URL, {"q": "Idlib"}).content.decode()
    assert archive["seedlike"].get_absolute_url() not in html
    assert "0 results" in html


def test_language_facet_shows_language_names(client, archive):
    html = client.get(URL, {"q": "Erdogan"}).content.decode()
    assert ">English</a>" in html
    html = client.get(URL, {"q": "Erdogan", "f": "language:en"}).content.decode()
    assert "Language: <strong>English</strong>" in html


def test_search_page_queries_do_not_grow_with_results(client, indexed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, {"q": "Idlib"}).status_code == 200
        return len(ctx)

    with indexed():
        builders.article(body="Idlib", authors=["A B"], sec=builders.section("World"))
    few = queries()
    with indexed():
        for i in range(10):
            builders.article(
                body="Idlib", authors=[f"Writer {i}", "A B"], sec=builders.section(f"Section {i}")
            )
    assert queries() == few


def test_a_broken_index_gives_a_clear_503_and_browsing_goes_on(client, broken_index):
    builders.article(title="Still browsable")
    response = client.get(URL, {"q": "Erdogan"})
    assert response.status_code == 503
    assert "index is being rebuilt" in response.content.decode()
    assert "Still browsable" in client.get(reverse("articles:home")).content.decode()


def test_autocomplete_offers_titles_authors_and_entities(client, archive):
    url = reverse("articles:search-complete")
    data = client.get(url, {"q": "russ"}).json()
    assert {
        "label": archive["seedlike"].title,
        "kind": "article",
        "url": archive["seedlike"].get_absolute_url(),
    } in data["suggestions"]
    labels = {s["label"]: s["kind"] for s in client.get(url, {"q": "atesc"}).json()["suggestions"]}
    assert labels == {"Ulas Atesci": "author"}
    labels = {s["label"]: s["kind"] for s in client.get(url, {"q": "idli"}).json()["suggestions"]}
    assert labels == {"Idlib": "place"}
    hidden = client.get(url, {"q": "hidden"}).json()["suggestions"]
    assert hidden == []  # the draft's title and its author are not public
    assert client.get(url, {"q": "\x00("}).json()["suggestions"] == []


def test_autocomplete_prefers_names_that_start_with_the_text(client, indexed):
    with indexed():
        builders.article(
            entities=[
                ("Aberdeen", "place"),
                ("Erdogan", "person"),
                ("Recep Tayyip Erdogan", "person"),
            ]
        )
    url = reverse("articles:search-complete")
    labels = [s["label"] for s in client.get(url, {"q": "erd"}).json()["suggestions"]]
    assert labels == ["Erdogan", "Recep Tayyip Erdogan"]
