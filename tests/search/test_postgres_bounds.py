"""The PostgreSQL backend past ``COUNT_LIMIT`` matches (issue 18): the total is a lower bound
the page says as such (but for a search of one word alone: exact, from the term statistics),
the facets count ``CANDIDATES`` of the matches (``postgres_candidates._candidates``: the
titled ones, shortest first, then the first the index gives), and a relevance-ordered page
ranks those (tests/search/test_postgres_candidates.py for which).
The bounds are lowered here so that a handful of articles cross them.

Runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...); skipped on SQLite.
"""

import pytest

from articles.search.backends import postgres
from articles.search.backends.postgres_tables import TABLE
from tests import builders
from tests.search.engines import (
    POSTGRES_ONLY,
    search,
)

pytestmark = [
    pytest.mark.django_db,
    POSTGRES_ONLY,
    pytest.mark.usefixtures("rows_in_the_order_written"),
]


@pytest.fixture
def budgets(postgres_indexed):
    with postgres_indexed():
        for n in range(6):
            builders.article(
                title=f"Budget {n}",
                body="budget " * (n + 1) + "debate",
                pub=builders.publication("Daily" if n % 2 else "Weekly"),
            )
        builders.article(title="Weather", body="Rain tomorrow.")


def stored_first(term: str, count: int) -> list[str]:
    """The titles of the first ``count`` articles holding ``term`` in their title, those
    where it is salient first (migration 0016), each shortest first (every article of
    ``budgets`` holds 'budget' in its title: the candidates of a search past the limit), the
    order the index gives them (their place in the table, not always the order they were
    written in) between equals."""
    from django.db import connection

    from articles.models import Article

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT django_id FROM {TABLE} WHERE title @@ %s::tsquery "
            "ORDER BY salient @@ %s::tsquery DESC, length, ctid LIMIT %s",
            [f"'{term}'", f"'{term}'", count],
        )
        ids = [int(pk) for (pk,) in cursor.fetchall()]
    titles = dict(Article.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [titles[pk] for pk in ids]


def test_up_to_the_limit_the_count_and_facets_are_exact(budgets, monkeypatch):
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 6)
    outcome = search("budget")
    assert outcome.total == 6 and outcome.total_exact
    assert dict(outcome.facets["publication"]) == {"Daily": 3, "Weekly": 3}


def test_past_the_limit_the_total_is_a_lower_bound(budgets, monkeypatch):
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 4)
    outcome = search("budget debate")  # two words: no statistic counts them
    assert outcome.total == 4 and not outcome.total_exact and outcome.facets_among == 4
    # The facets count CANDIDATES of the matches (at most the limit), not all six.
    assert sum(n for _, n in outcome.facets["publication"]) == 4
    weather = search("weather")
    assert weather.total_exact and weather.facets_among is None


def test_the_search_page_says_more_than(budgets, monkeypatch, client):
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 4)
    page = client.get("/search/", {"q": "budget debate"}).content.decode()
    assert "More than 4 results" in page
    assert "Counts among 4 of the matching articles" in page
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 10)
    page = client.get("/search/", {"q": "budget debate"}).content.decode()
    assert "6 results" in page and "More than" not in page and "Counts among" not in page


def test_the_api_says_the_count_is_a_lower_bound(budgets, monkeypatch, client):
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 4)
    page = client.get("/api/search/", {"q": "budget debate"}).json()
    assert page["count"] == 4
    assert any("count is a lower bound" in warning for warning in page["warnings"])
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 10)
    page = client.get("/api/search/", {"q": "budget debate"}).json()
    assert page["count"] == 6 and not page["warnings"]


def test_a_broad_query_ranks_a_bounded_candidate_set(budgets, monkeypatch):
    from articles.models import Article
    from articles.search.backends.base import ArchiveSearchQuerySet

    def best_two():
        found = ArchiveSearchQuerySet().models(Article).archive("budget").load_all()[:2]
        return [result.object.title for result in found]

    assert best_two() == ["Budget 5", "Budget 4"]  # the most budgets, of every match
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 4)
    monkeypatch.setattr(postgres, "CANDIDATES", 3)
    # Three candidates ranked: those where the word is salient (migration 0016) first,
    # then the shortest of those with it in their title.
    first = stored_first("budget", 3)
    assert best_two() == sorted(first, key=lambda title: -int(title[-1]))[:2]
    # A page reaching past the candidates ranks as many as it shows.
    assert len(search("budget").hits) == 6
    # Sorted by date, nothing is scored: the page comes from every match.
    assert len(search("budget", sort="newest").hits) == 6


@pytest.mark.parametrize("sort", ["relevance", "newest"])
@pytest.mark.parametrize("query", ["budget", "budget debate", '"budget debate"'])
def test_past_the_limit_the_facets_count_the_candidates(budgets, monkeypatch, sort, query):
    """Every road (a word whose total the statistics give, words counted from the index, a
    phrase read in one pass, sorted by date) counts the facets among the same first
    ``CANDIDATES`` matches, and says so."""
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 4)
    monkeypatch.setattr(postgres, "CANDIDATES", 3)
    outcome = search(query, sort=sort)
    assert outcome.facets_among == 3
    first = stored_first("budget", 3)  # Budget n: Daily when n is odd, else Weekly
    daily = sum(int(title[-1]) % 2 for title in first)
    expected = {"Daily": daily, "Weekly": 3 - daily}
    assert dict(outcome.facets["publication"]) == {k: n for k, n in expected.items() if n}
    if query == "budget":  # one word: its total from the statistics, whatever the road
        assert outcome.total == 6 and outcome.total_exact
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 6)
    outcome = search(query, sort=sort)  # within the limit: every match, exactly
    assert outcome.facets_among is None
    assert dict(outcome.facets["publication"]) == {"Weekly": 3, "Daily": 3}


@pytest.mark.parametrize("query", ["budget", "budget debate", "budget* debate Sterling Ledger"])
def test_ranking_in_place_or_from_a_copy_scores_alike(postgres_indexed, monkeypatch, query):
    """Up to ``RANK_IN_PLACE_TERMS`` terms a candidate's stored vector is scored where it is;
    past them, from a copy of its title and text. Words also held as entity (B) and author
    (C) names must score nothing there either way, so the two give the same page."""
    from articles.models import Article
    from articles.search.backends.base import ArchiveSearchQuerySet

    with postgres_indexed():
        for n in range(4):
            builders.article(
                title=f"Budget {n}" if n % 2 else f"Ledger {n}",
                body="budget " * (n + 1) + "debate " * (3 - n) + "Sterling",
                authors=["Ann Ledger"] if n % 2 else [],
                entities=[("Sterling Budget", "ORG")] if n < 2 else [],
            )

    def scored():
        found = ArchiveSearchQuerySet().models(Article).archive(query)
        return [(result.pk, round(result.score, 9)) for result in found]

    monkeypatch.setattr(postgres, "RANK_IN_PLACE_TERMS", 0)  # always from a copy
    copied = scored()
    monkeypatch.setattr(postgres, "RANK_IN_PLACE_TERMS", 100)  # always in place
    in_place = scored()
    assert copied == in_place
    assert len(copied) >= 2 and len({score for _, score in copied}) > 1


def test_the_search_page_says_among_how_many_the_facets_count(budgets, monkeypatch, client):
    """A word past the limit: its total exact (the statistics), its facets counted among
    CANDIDATES of the matches, and the page says so beside them."""
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 4)
    monkeypatch.setattr(postgres, "CANDIDATES", 3)
    page = client.get("/search/", {"q": "budget"}).content.decode()
    assert "6 results" in page and "More than" not in page
    assert "Counts among 3 of the 6 matching articles." in page
