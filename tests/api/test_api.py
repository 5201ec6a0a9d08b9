"""The JSON API as a client sees it: shapes, what the public never sees, errors as JSON,
and a fixed number of queries per page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Entity
from tests import builders
from tests.api import small_archive

pytestmark = pytest.mark.django_db

HIDDEN_NAMES = ("Secret", "Hidden Writer", "Wrongly Found", "R. T. Erdogan")
ENVELOPE = {"count", "page", "pages", "page_size", "next", "previous", "results"}
ARTICLE_SUMMARY = {
    "title",
    "slug",
    "kicker",
    "summary",
    "url",
    "api_url",
    "published_on",
    "language",
    "publication",
    "section",
    "authors",
    "word_count",
}


@pytest.fixture
def archive(indexed):
    with indexed():
        return small_archive()


def get(client, name, *args, status=200, **params):
    response = client.get(reverse(f"articles:{name}", args=args), params)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()


def titles(data) -> list[str]:
    return [item["title"] for item in data["results"]]


def assert_nothing_hidden(data) -> None:
    text = str(data)
    for name in HIDDEN_NAMES:
        assert name not in text


# --- the index ---------------------------------------------------------------------


def test_index_links_every_endpoint(client, archive):
    data = get(client, "api-index")
    assert set(data["endpoints"]) == {"articles", "authors", "entities", "search"}
    assert data["openapi"] == "http://testserver/api/openapi.json"
    for url in [data["openapi"], *data["endpoints"].values()]:
        assert url.startswith("http://testserver/api/")
        assert client.get(url).status_code == 200


# --- articles ----------------------------------------------------------------------


def test_article_list_shape_and_order(client, archive):
    data = get(client, "api-articles")
    assert set(data) == ENVELOPE
    assert (data["count"], data["page"], data["pages"], data["page_size"]) == (3, 1, 1, 20)
    assert data["next"] is None and data["previous"] is None
    # Newest first, undated last.
    assert titles(data) == [
        "Russia and Turkey intensify military cooperation",
        "Older report",
        "گزارش بدون تاریخ",
    ]
    first = data["results"][0]
    assert set(first) == ARTICLE_SUMMARY
    seedlike = archive["seedlike"]
    assert first["url"] == f"http://testserver{seedlike.get_absolute_url()}"
    assert first["api_url"] == f"http://testserver/api/articles/{seedlike.slug}/"
    assert first["published_on"] == "2019-09-05"
    assert first["publication"] == {
        "name": "The Daily Record",
        "slug": "the-daily-record",
        "url": "http://testserver/publications/the-daily-record/",
    }
    assert first["section"]["name"] == "World"
    assert [a["name"] for a in first["authors"]] == ["Ulas Atesci", "Nancy Thomas"]
    assert first["authors"][1]["url"] == "http://testserver/authors/nancy-thomas/"
    assert data["results"][2]["published_on"] is None
    assert data["results"][2]["section"] is None
    assert_nothing_hidden(data)


def test_article_list_oldest_first(client, archive):
    data = get(client, "api-articles", ordering="oldest")
    assert titles(data) == [
        "Older report",
        "Russia and Turkey intensify military cooperation",
        "گزارش بدون تاریخ",
    ]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"publication": "hamshahri"}, ["گزارش بدون تاریخ"]),
        ({"section": "world"}, ["Russia and Turkey intensify military cooperation"]),
        (
            {"author": "nancy-thomas"},
            ["Russia and Turkey intensify military cooperation", "Older report"],
        ),  # fmt: skip
        (
            {"author": "nancy-thomas", "from": "2016"},
            ["Russia and Turkey intensify military cooperation"],
        ),  # fmt: skip
        ({"entity": "idlib"}, ["Russia and Turkey intensify military cooperation"]),
        ({"language": "fa"}, ["گزارش بدون تاریخ"]),
        ({"from": "2015-01", "to": "2015"}, ["Older report"]),
        (
            {"from": "2015-01-03", "to": "2019-09-05"},
            ["Russia and Turkey intensify military cooperation"],
        ),  # fmt: skip
        (
            {"to": "9999-12"},
            ["Russia and Turkey intensify military cooperation", "Older report"],
        ),  # fmt: skip
        ({"publication": "no-such-paper"}, []),
        ({"author": "hidden-writer"}, []),
        ({"entity": "secret-source"}, []),
        ({"entity": "wrongly-found"}, []),
        ({"author": "nul\x00byte"}, []),
        (
            {"publication": "", "entity": "", "ordering": "", "page": "", "page_size": ""},
            [
                "Russia and Turkey intensify military cooperation",
                "Older report",
                "گزارش بدون تاریخ",
            ],
        ),  # fmt: skip
    ],
)
def test_article_list_filters(client, archive, params, expected):
    assert titles(get(client, "api-articles", **params)) == expected


def test_entity_filter_follows_a_merge(client, archive):
    data = get(client, "api-articles", entity=archive["merged"].slug)
    assert titles(data) == ["Russia and Turkey intensify military cooperation", "Older report"]


def test_pages_link_to_each_other(client, archive):
    data = get(client, "api-articles", page_size=2, ordering="oldest")
    assert (data["count"], data["page"], data["pages"], data["page_size"]) == (3, 1, 2, 2)
    assert data["previous"] is None
    assert data["next"] == "http://testserver/api/articles/?page_size=2&ordering=oldest&page=2"
    second = client.get(data["next"]).json()
    assert titles(second) == ["گزارش بدون تاریخ"]
    assert second["next"] is None
    assert client.get(second["previous"]).json() == data


def test_a_page_past_the_last_is_404(client, archive):
    data = get(client, "api-articles", page=3, page_size=2, status=404)
    assert data == {"error": "not found", "detail": "There is no page 3; the last is 2."}


def test_article_detail_in_full(client, archive):
    seedlike = archive["seedlike"]
    data = get(client, "api-article", seedlike.slug)
    assert set(data) == ARTICLE_SUMMARY | {"body", "paragraphs", "entities", "story_versions"}
    assert data["title"] == seedlike.title
    assert data["kicker"] == "Ankara and Moscow"
    assert data["summary"] == "Closer ties despite objections."
    assert data["body"] == seedlike.body
    assert data["paragraphs"] == [
        "Turkish President Recep Tayyip Erdogan visited Moscow.",
        "Turkey purchased Russian S-400 anti-aircraft missiles.",
        "Forces clashed in Idlib province.",
    ]
    assert data["word_count"] == len(seedlike.body.split()) == 18
    assert data["language"] == "en"
    assert data["story_versions"] == 1  # in no story (tests/test_stories.py: in one)
    # The rejected mention is not there; the merged entity's mention is its survivor's.
    assert data["entities"] == [
        {
            "name": "Idlib",
            "slug": "idlib",
            "kind": "place",
            "count": 1,
            "url": "http://testserver/entities/idlib/",
        },
        {
            "name": "Recep Tayyip Erdogan",
            "slug": "recep-tayyip-erdogan",
            "kind": "person",
            "count": 1,
            "url": "http://testserver/entities/recep-tayyip-erdogan/",
        },
    ]


def test_persian_text_comes_back_as_written(client, archive):
    response = client.get(reverse("articles:api-article", args=[archive["undated"].slug]))
    assert "گزارش بدون تاریخ".encode() in response.content  # not \\u escapes
    assert response.json()["paragraphs"] == ["متن فارسی درباره تهران.", "بند دوم."]


@pytest.mark.parametrize("status", ["draft", "review", "withdrawn"])
def test_unpublished_articles_are_404(client, archive, status):
    article = Article.objects.get(status=status)
    data = get(client, "api-article", article.slug, status=404)
    assert data["error"] == "not found"
    assert article.title not in str(data)


def test_unknown_article_is_404(client, archive):
    get(client, "api-article", "no-such-article", status=404)


# --- authors -----------------------------------------------------------------------


def test_author_list_counts_published_articles_only(client, archive):
    data = get(client, "api-authors")
    assert set(data) == ENVELOPE
    assert [(a["name"], a["article_count"]) for a in data["results"]] == [
        ("Nancy Thomas", 2),
        ("Ulas Atesci", 1),
        ("نویسنده فارسی", 1),
    ]
    assert set(data["results"][0]) == {"name", "slug", "url", "api_url", "article_count"}
    assert data["results"][0]["api_url"] == "http://testserver/api/authors/nancy-thomas/"
    assert_nothing_hidden(data)


def test_author_detail_with_latest_articles(client, archive):
    data = get(client, "api-author", "nancy-thomas")
    assert data["name"] == "Nancy Thomas"
    assert data["article_count"] == 2
    assert data["aliases"] == []
    assert data["articles_url"] == "http://testserver/api/articles/?author=nancy-thomas"
    assert titles({"results": data["latest_articles"]}) == [
        "Russia and Turkey intensify military cooperation",
        "Older report",
    ]
    assert set(data["latest_articles"][0]) == ARTICLE_SUMMARY
    assert_nothing_hidden(data)


def test_an_author_of_drafts_only_is_not_public(client, archive):
    get(client, "api-author", "hidden-writer", status=404)


# --- entities ----------------------------------------------------------------------


def test_entity_list_counts_and_hides(client, archive):
    data = get(client, "api-entities")
    assert [(e["name"], e["kind"], e["article_count"]) for e in data["results"]] == [
        ("Recep Tayyip Erdogan", "person", 2),
        ("Idlib", "place", 1),  # its mentions in the hidden articles do not count
        ("تهران", "place", 1),
    ]
    assert set(data["results"][0]) == {"name", "slug", "kind", "url", "api_url", "article_count"}
    assert_nothing_hidden(data)


def test_entity_list_by_kind(client, archive):
    assert titles_of(get(client, "api-entities", kind="place")) == ["Idlib", "تهران"]
    assert titles_of(get(client, "api-entities", kind="organisation")) == []


def titles_of(data) -> list[str]:
    return [item["name"] for item in data["results"]]


def test_entity_detail(client, archive):
    data = get(client, "api-entity", "recep-tayyip-erdogan")
    assert data["kind"] == "person"
    assert data["article_count"] == 2
    assert data["aliases"] == ["R. T. Erdogan"]  # the merged entity's name lives on here
    assert data["articles_url"] == "http://testserver/api/articles/?entity=recep-tayyip-erdogan"
    assert len(data["latest_articles"]) == 2
    assert data["url"] == "http://testserver/entities/recep-tayyip-erdogan/"


def test_a_merged_entity_redirects_to_its_survivor(client, archive):
    response = client.get(reverse("articles:api-entity", args=[archive["merged"].slug]))
    assert response.status_code == 301
    location = "http://testserver/api/entities/recep-tayyip-erdogan/"
    assert response["Location"] == location
    assert response.json() == {
        "detail": "“R. T. Erdogan” was merged into “Recep Tayyip Erdogan”.",
        "merged_into": "recep-tayyip-erdogan",
        "location": location,
    }
    assert client.get(location).json()["name"] == "Recep Tayyip Erdogan"


@pytest.mark.parametrize("slug", ["secret-source", "wrongly-found", "no-such-entity"])
def test_entities_not_public_are_404(client, archive, slug):
    get(client, "api-entity", slug, status=404)


def test_a_merge_loop_is_404_not_a_crash(client, archive):
    a, b = builders.entity("Loop A"), builders.entity("Loop B")
    Entity.objects.filter(pk=a.pk).update(merged_into=b)
    Entity.objects.filter(pk=b.pk).update(merged_into=a)
    get(client, "api-entity", "loop-a", status=404)
    assert titles(get(client, "api-articles", entity="loop-a")) == []


# --- search ------------------------------------------------------------------------


def test_search_hits_facets_and_no_warnings(client, archive):
    data = get(client, "api-search", q="Erdogan")
    assert set(data) == ENVELOPE | {"facets", "warnings"}
    assert data["count"] == 2
    assert data["warnings"] == []
    hit = next(h for h in data["results"] if h["slug"] == archive["seedlike"].slug)
    assert set(hit) == ARTICLE_SUMMARY | {"title_html", "snippet", "score", "story_versions"}
    assert hit["story_versions"] == 1
    assert "<mark>Erdogan</mark>" in hit["snippet"]
    assert hit["title_html"] == hit["title"]  # no match in the title, nothing marked
    assert hit["score"] > 0
    assert [a["name"] for a in hit["authors"]] == ["Ulas Atesci", "Nancy Thomas"]
    assert set(data["facets"]) == {"publication", "section", "authors", "entities",
                                   "language", "year"}  # fmt: skip
    assert {"value": "Nancy Thomas", "count": 2} in data["facets"]["authors"]
    assert data["facets"]["year"] == [{"value": "2015", "count": 1},
                                      {"value": "2019", "count": 1}]  # fmt: skip
    assert_nothing_hidden(data)


def test_search_marks_the_title_and_escapes_html(client, indexed):
    with indexed():
        builders.article(title="Missiles <b>bold</b>", body="Missiles & <script>x</script>")
    hit = get(client, "api-search", q="missile")["results"][0]
    assert hit["title_html"] == "<mark>Missiles</mark> &lt;b&gt;bold&lt;/b&gt;"
    assert hit["snippet"] == "<mark>Missiles</mark> &amp; &lt;script&gt;x&lt;/script&gt;"


def test_search_takes_the_search_pages_parameters(client, archive):
    data = get(client, "api-search", q="Erdogan", f="authors:Ulas Atesci")
    assert titles(data) == ["Russia and Turkey intensify military cooperation"]
    data = get(client, "api-search", q="Erdogan", sort="oldest")
    assert titles(data) == ["Older report", "Russia and Turkey intensify military cooperation"]
    data = get(client, "api-search", q="Erdogan", **{"from": "2016", "to": "2019-09"})
    assert titles(data) == ["Russia and Turkey intensify military cooperation"]


def test_search_pages(client, archive):
    data = get(client, "api-search", q="Erdogan", page_size=1)
    assert (data["count"], data["page"], data["pages"]) == (2, 1, 2)
    assert data["next"] == "http://testserver/api/search/?q=Erdogan&page_size=1&page=2"
    second = client.get(data["next"]).json()
    assert second["page"] == 2 and second["next"] is None
    assert second["previous"] == "http://testserver/api/search/?q=Erdogan&page_size=1&page=1"
    # Past the end: the last page, as on the search page.
    assert get(client, "api-search", q="Erdogan", page_size=1, page=9)["page"] == 2


def test_search_tolerates_what_the_page_tolerates(client, archive):
    data = get(client, "api-search", q="Erdogan", page="abc", sort="sideways",
               f="colour:red", **{"from": "garbage"})  # fmt: skip
    assert data["count"] == 2
    assert len(data["warnings"]) == 4
    assert any("page number" in w for w in data["warnings"])
    assert any("garbage" in w for w in data["warnings"])
    assert any("sideways" in w for w in data["warnings"])
    assert any("colour:red" in w for w in data["warnings"])


def test_search_with_nothing_to_search_for(client, archive):
    data = get(client, "api-search")
    assert data["count"] == 0 and data["results"] == []
    assert data["facets"] == {name: [] for name in data["facets"]}
    assert data["warnings"] == ["Nothing to search for: give q, f, from or to."]


def test_search_to_the_last_month_there_is(client, archive):
    data = get(client, "api-search", q="Erdogan", to="9999-12")
    assert data["count"] == 2 and data["warnings"] == []


def test_unpublished_articles_are_never_found(client, archive):
    data = get(client, "api-search", q="nobody may read")
    assert data["count"] == 0
    data = get(client, "api-search", f="authors:Hidden Writer")
    assert data["count"] == 0


def test_a_broken_index_is_a_json_503_and_the_rest_goes_on(client, broken_index):
    builders.article(title="Still listed")
    data = get(client, "api-search", q="Erdogan", status=503)
    assert data["error"] == "search unavailable"
    assert "garbage" not in data["detail"]  # the engine's own message stays in the log
    assert titles(get(client, "api-articles")) == ["Still listed"]


# --- errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, params, bad",
    [
        ("api-articles", {"page": "abc"}, "page"),
        ("api-articles", {"page": "0"}, "page"),
        ("api-articles", {"page": "-1"}, "page"),
        ("api-articles", {"page_size": "1000"}, "page_size"),
        ("api-articles", {"page_size": "0"}, "page_size"),
        ("api-articles", {"page_size": "2.5"}, "page_size"),
        ("api-articles", {"from": "garbage"}, "from"),
        ("api-articles", {"to": "2019-13"}, "to"),
        ("api-articles", {"from": "0000"}, "from"),
        ("api-articles", {"ordering": "sideways"}, "ordering"),
        ("api-authors", {"page": "abc"}, "page"),
        ("api-authors", {"page_size": "101"}, "page_size"),
        ("api-entities", {"kind": "animal"}, "kind"),
        ("api-entities", {"page_size": "x"}, "page_size"),
        ("api-search", {"q": "Erdogan", "page_size": "1000"}, "page_size"),
    ],
)
def test_bad_parameters_are_400_json(client, archive, name, params, bad):
    data = get(client, name, status=400, **params)
    assert data["error"] == "bad parameters"
    assert list(data["detail"]) == [bad]
    assert isinstance(data["detail"][bad], str) and data["detail"][bad]


def test_every_bad_parameter_is_named_at_once(client, archive):
    data = get(client, "api-articles", status=400, page="x", ordering="up", to="soon")
    assert set(data["detail"]) == {"page", "ordering", "to"}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, archive, method):
    response = getattr(client, method)(reverse("articles:api-articles"))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["error"] == "method not allowed"


def test_head_is_allowed(client, archive):
    assert client.head(reverse("articles:api-articles")).status_code == 200


def test_unknown_addresses_under_api_are_json_404(client):
    # /api/docs: no interactive docs page (it would load scripts from another host).
    for path in ["/api/nothing/", "/api/articles/a/b/", "/api/openapi.yaml", "/api/docs"]:
        response = client.get(path, follow=True)
        assert response.status_code == 404
        assert response.json()["error"] == "not found"


def test_a_missing_slash_redirects_as_on_the_site(client):
    response = client.get("/api/articles")
    assert response.status_code == 301
    assert response["Location"] == "/api/articles/"


# --- queries -----------------------------------------------------------------------


def _more_rows(n: int) -> None:
    for i in range(n):
        builders.article(
            body="Erdogan Idlib",
            authors=[f"Writer {i}", "Co Writer"],
            entities=[("Idlib", Entity.Kind.PLACE), (f"Entity {i}", Entity.Kind.OTHER)],
            sec=builders.section(f"Section {i}", builders.publication(f"Paper {i}")),
            published_on=dt.date(2018, 1, 1 + i),
        )


ENDPOINTS = [
    ("api-articles", (), {}),
    ("api-articles", (), {"entity": "idlib", "author": "co-writer", "from": "2018"}),
    ("api-authors", (), {}),
    ("api-entities", (), {"kind": "place"}),
    ("api-search", (), {"q": "Erdogan Idlib"}),
    ("api-author", ("co-writer",), {}),
    ("api-entity", ("idlib",), {}),
]


@pytest.mark.parametrize("name, args, params", ENDPOINTS)
def test_queries_do_not_grow_with_rows(client, indexed, name, args, params):
    url = reverse(f"articles:{name}", args=args)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url, params).status_code == 200
        return len(context)

    with indexed():
        _more_rows(2)
    few = queries()
    with indexed():
        _more_rows(12)
    assert queries() == few
    assert few <= 6


def test_article_detail_queries_do_not_grow_with_entities(client):
    article = builders.article(authors=["A", "B"], entities=[("E1", Entity.Kind.OTHER)])
    url = reverse("articles:api-article", args=[article.slug])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(10):
        builders.author(f"Extra {i}")
        article.bylines.create(author=builders.author(f"Extra {i}"), position=i + 2)
        article.mentions.create(entity=builders.entity(f"More {i}"), count=i + 1)
    with CaptureQueriesContext(connection) as many:
        data = client.get(url).json()
    assert len(data["authors"]) == 12 and len(data["entities"]) == 11
    assert len(many) == len(few) <= 4  # article, bylines, mentions, its story's versions
