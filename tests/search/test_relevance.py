"""How search ranks and what a plain query finds (``articles.search.ranking``, the ``Best``
match of ``articles.search.syntax``), through the search service on a real index. The
PostgreSQL backend runs the same tests (``test_postgres_backend.py``)."""

import pytest
from django.http import QueryDict

from articles.search import ranking
from articles.search.service import SearchParams, run_search
from tests import builders

pytestmark = pytest.mark.django_db


def search(query: str):
    params = QueryDict(mutable=True)
    params["q"] = query
    return run_search(SearchParams.from_query(params))


def titles(query: str) -> list[str]:
    return [hit.article.title for hit in search(query).hits]


@pytest.fixture
def quake(indexed):
    """Articles holding all, some or none of the words of a reader's description."""
    with indexed():
        builders.article(
            title="Rebuilding Lisbon",
            body="The reconstruction of the city after the earthquake took twenty years.",
        )
        builders.article(title="Tremor felt", body="A small earthquake shook the coast at dawn.")
        builders.article(title="City budget", body="The city council approved the budget.")
        builders.article(title="Cricket", body="Leeds won the toss and batted first.")


def test_plain_words_find_articles_with_any_of_them_all_first(quake):
    found = titles("earthquake city reconstruction")
    assert found[0] == "Rebuilding Lisbon"
    assert set(found) == {"Rebuilding Lisbon", "Tremor felt", "City budget"}


def test_a_plain_query_no_article_fully_matches_still_finds_the_partial_ones(quake):
    assert set(titles("earthquake volcano tsunami")) == {"Rebuilding Lisbon", "Tremor felt"}


def test_marked_words_keep_their_strict_meaning(quake):
    assert titles("+earthquake city") == ["Rebuilding Lisbon"]
    assert titles("earthquake AND city") == ["Rebuilding Lisbon"]
    assert titles('"the city council" earthquake') == []
    assert titles('"the city" earthquake') == ["Rebuilding Lisbon"]
    assert set(titles("earthquake city -coast")) == {"Rebuilding Lisbon", "City budget"}
    assert titles("title:tremor city") == []


def test_a_rarer_word_outweighs_a_common_one(indexed):
    with indexed():
        for n in range(6):
            builders.article(title=f"Market report {n}", body="Markets rose. " * 3)
        builders.article(title="Quiet day", body="Locusts were seen once near the market.")
    # 'market' is in every article, 'locust' in one: the one holding the rare word wins, though
    # the others hold the common word three times over.
    assert titles("market locusts")[0] == "Quiet day"


def test_a_short_title_sharing_one_word_does_not_outrank_the_subject(indexed):
    with indexed():
        builders.article(title="Budget", body="Figures for the year were published today.")
        builders.article(
            title="Council session",
            body="The council debated the flood defences budget; flood defences along the "
            "river need money before the winter floods.",
        )
    assert titles("flood defences budget")[0] == "Council session"


def test_common_words_rank_but_do_not_select(indexed, monkeypatch):
    monkeypatch.setattr(ranking, "MAX_SCORED", 3)
    with indexed():
        for n in range(5):
            builders.article(title=f"Note {n}", body="the weather was fine")
        builders.article(title="Storm", body="the storm hit the harbour")
    # 'the' is in six articles (over the bound of three): only the rarer 'storm' selects, and
    # 'the' still counts in the score of what it found.
    assert search("the storm").total == 1
    # The rarest word always selects: a plain query of common words alone finds them all.
    assert search("the weather").total == 5


def test_feedback_reorders_but_never_adds_or_removes_matches(indexed):
    with indexed():
        for n in range(12):
            builders.article(title=f"Filler {n}", body=f"Unrelated notes number {n} on rowing.")
        builders.article(
            title="Eruption", body="The volcano erupted: lava, ash and evacuation of villages."
        )
        builders.article(title="Ash cloud", body="Volcano ash and lava closed airports.")
        builders.article(title="Lava only", body="Lava and ash reached the villages at night.")
    outcome = search("volcano")
    assert outcome.total == 2  # 'Lava only' shares the best matches' words but not the query's
    assert {h.article.title for h in outcome.hits} == {"Eruption", "Ash cloud"}


def test_expansion_picks_the_best_matches_telling_words():
    top = [({"volcano": 2, "lava": 3, "the": 5}, 2.0), ({"lava": 1, "ash": 2, "the": 4}, 1.0)]
    frequency = {"lava": 2, "ash": 3, "the": 90}
    terms = ranking.expansion(top, ["volcano"], lambda ts: {t: frequency[t] for t in ts}, 100)
    words = [term for term, _ in terms]
    assert words[0] == "lava" and "ash" in words
    assert "volcano" not in words  # asked already
    assert "the" not in words  # in 90 % of the documents
    assert max(weight for _, weight in terms) == ranking.FEEDBACK_WEIGHT


def test_a_prefix_ranks_by_the_words_it_stands_for(indexed):
    import datetime as dt

    with indexed():
        # Newest first would be the reverse of the ranking: a prefix that only matched
        # (every score alike) would come back in date order.
        builders.article(
            title="Troops",
            body="Military convoys, military police and military planes at the border.",
            published_on=dt.date(2019, 1, 1),
        )
        builders.article(
            title="Budget",
            body="The budget grew. Schools, roads and hospitals got more; so did the "
            "military, a little, after a long debate about taxes and pensions in spring.",
            published_on=dt.date(2019, 6, 1),
        )
        builders.article(
            title="Unrelated",
            body="Rain fell on the fields all week.",
            published_on=dt.date(2019, 12, 1),
        )
    outcome = search("milit*")
    assert [hit.article.title for hit in outcome.hits] == ["Troops", "Budget"]
    assert outcome.hits[0].score > outcome.hits[1].score > 0
