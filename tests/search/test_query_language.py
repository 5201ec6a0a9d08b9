"""Every form of the query language, through the search service and a real Whoosh index."""

import datetime as dt

import pytest
from django.http import QueryDict

from articles.models import Entity
from articles.search.service import SearchParams, run_search
from tests import builders

pytestmark = pytest.mark.django_db


def titles(query: str, **extra) -> list[str]:
    params = QueryDict(mutable=True)
    params["q"] = query
    for key, value in extra.items():
        params[key] = value
    return [hit.article.title for hit in run_search(SearchParams.from_query(params)).hits]


@pytest.fixture
def archive(indexed):
    with indexed():
        builders.article(
            title="Missile deal",
            body="Turkey bought Russian S-400 missiles. Erdogan met Putin in Moscow.",
            authors=["Ulas Atesci"],
            entities=[("Recep Tayyip Erdogan", Entity.Kind.PERSON)],
            sec=builders.section("Europe"),
            published_on=dt.date(2019, 9, 5),
        )
        builders.article(
            title="Safe zone talks",
            body="Officials discussed a safe zone in northern Syria near Idlib.",
            authors=["Nancy Thomas"],
            published_on=dt.date(2019, 8, 7),
        )
        builders.article(
            title="Zone of safety",
            body="A zone that is safe for civilians was promised in Aleppo. Putin said nothing "
            "about it at all that day. "
            "Erdogan was far away, and many many words later the name Putin came again.",
            published_on=dt.date(2018, 1, 1),
        )
        builders.article(
            title="Military parade",
            body="The military held a parade. The US and U.S. officials attended.",
            published_on=dt.date(2017, 5, 1),
        )


def test_words_are_stemmed(archive):
    assert titles("missile") == ["Missile deal"]


def test_phrase(archive):
    assert titles('"safe zone"') == ["Safe zone talks"]


def test_proximity(archive):
    assert set(titles('"Erdogan Putin"~3')) == {"Missile deal"}
    assert set(titles('"Erdogan Putin"~30')) == {"Missile deal", "Zone of safety"}


def test_boolean_and_exclusion(archive):
    assert set(titles("Idlib OR Aleppo")) == {"Safe zone talks", "Zone of safety"}
    assert titles("zone -Aleppo") == ["Safe zone talks"]
    assert titles("zone NOT Idlib") == ["Zone of safety"]
    assert titles('zone -"safe zone"') == ["Zone of safety"]


def test_field_queries(archive):
    assert set(titles("title:zone")) == {"Safe zone talks", "Zone of safety"}
    assert titles("title:missiles") == ["Missile deal"]
    assert titles("body:missile") == ["Missile deal"]
    assert titles("author:atesci") == ["Missile deal"]
    assert titles('entity:"Recep Tayyip Erdogan"') == ["Missile deal"]
    assert titles("section:europe") == ["Missile deal"]
    assert titles("title:Idlib") == []


def test_prefix(archive):
    assert titles("milit*") == ["Military parade"]


def test_hyphenated_designators_and_abbreviations(archive):
    assert titles("S-400") == ["Missile deal"]
    assert titles("US") == ["Military parade"]


def test_only_exclusion_means_everything_else(archive):
    assert set(titles("-zone")) == {"Missile deal", "Military parade"}


def test_title_matches_rank_above_body_matches(indexed):
    with indexed():
        builders.article(title="Weather report", body="Rain. Idlib is mentioned once here.")
        builders.article(title="Idlib under fire", body="Shelling continued overnight.")
    assert titles("Idlib")[0] == "Idlib under fire"


def test_sort_and_date_range(archive):
    assert titles("zone", sort="oldest") == ["Zone of safety", "Safe zone talks"]
    assert titles("zone", sort="newest") == ["Safe zone talks", "Zone of safety"]
    assert titles("zone", **{"from": "2019"}) == ["Safe zone talks"]
    assert titles("zone", to="2018-12") == ["Zone of safety"]


def test_date_ranges_include_both_ends_and_never_undated_articles(indexed):
    import datetime as dt

    from articles.models import Article

    with indexed():
        for day in (1, 2, 3):
            builders.article(
                title=f"Harvest {day}", body="harvest", published_on=dt.date(2020, 5, day)
            )
        builders.article(title="Harvest undated", body="harvest", published_on=None)
    assert sorted(titles("harvest", **{"from": "2020-05-02"})) == ["Harvest 2", "Harvest 3"]
    assert sorted(titles("harvest", to="2020-05-02")) == ["Harvest 1", "Harvest 2"]
    assert titles("harvest", **{"from": "2020-05-02", "to": "2020-05-02"}) == ["Harvest 2"]
    assert titles("harvest", **{"from": "2021"}) == []
    # A later write (a new segment) and a withdrawal (a deletion in a kept one) both count.
    with indexed():
        builders.article(title="Harvest 4", body="harvest", published_on=dt.date(2020, 5, 4))
        Article.objects.get(title="Harvest 3").withdraw()
    assert sorted(titles("harvest", **{"from": "2020-05-02"})) == ["Harvest 2", "Harvest 4"]
    browse = run_search(SearchParams.from_query(QueryDict("from=2020-05-01&f=language:en")))
    assert browse.total == 3


def test_year_facet_counts_follow_filters(archive):
    params = SearchParams.from_query(QueryDict("q=zone&f=year:2019"))
    outcome = run_search(params)
    assert dict(outcome.facets["year"]) == {"2019": 1}


def test_did_you_mean_only_when_little_is_found(archive, client):
    from django.urls import reverse

    outcome = run_search(SearchParams.from_query(QueryDict("q=misiles")), suggest=True)
    assert outcome.total == 0 and outcome.suggestion == "missiles"
    html = client.get(reverse("articles:search"), {"q": "misiles"}).content.decode()
    assert "Did you mean" in html and "q=missiles" in html
    zone = SearchParams.from_query(QueryDict("q=zone"))
    assert run_search(zone, suggest=True).suggestion is None


def test_did_you_mean_only_where_it_is_shown(archive):
    # The API and the feeds never show a suggestion: they do not pay for one.
    assert run_search(SearchParams.from_query(QueryDict("q=misiles"))).suggestion is None


def test_more_like_this_finds_similar_published_articles(indexed):
    from articles.models import Article
    from articles.search.service import more_like_this

    with indexed():
        first = builders.article(
            title="Sochi talks", body="Idlib ceasefire talks between Turkey and Russia in Sochi."
        )
        similar = builders.article(
            title="Talks again", body="Ceasefire talks on Idlib: Turkey and Russia meet again."
        )
        builders.article(title="Cricket", body="Cricket scores from the weekend matches in Leeds.")
        builders.article(
            title="Sochi draft",
            body="Idlib ceasefire Turkey Russia Sochi talks",
            status=Article.Status.DRAFT,
        )
    assert more_like_this(first) == [similar]
    # The engine's answer is kept a while; an article withdrawn meanwhile is still never shown.
    with indexed():
        similar.withdraw()
    assert more_like_this(first) == []
