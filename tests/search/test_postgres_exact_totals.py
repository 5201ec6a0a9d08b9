"""Exact totals of one-word searches past ``COUNT_LIMIT`` (issue 18): the PostgreSQL backend
stops counting a broad search's matches at the limit, but for one word alone (no field,
filter or date range) the term statistics (``search_term``) hold the number, public articles
only. Its facets still count among the matches read, and every other broad search stays
"more than". The limit is lowered here so that a handful of articles cross it.

Runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...); skipped on SQLite.
"""

import pytest
from django.db import connection

from articles.models import Article
from articles.search.backends import postgres
from articles.search.backends.postgres_tables import TABLE, TERMS
from tests import builders
from tests.search.engines import (
    POSTGRES_ONLY,
    search,
)

pytestmark = [
    pytest.mark.django_db,
    POSTGRES_ONLY,
]

LIMIT = 2
PUBLIC_BUDGETS = 7  # the public articles holding "budget" below, wherever they hold it


@pytest.fixture
def budgets(postgres_indexed, monkeypatch):
    daily = builders.publication("Daily")
    with postgres_indexed():
        for n in range(4):
            builders.article(
                title=f"Budget {n}",
                body="budget " * (n + 1) + "debate",
                pub=daily if n % 2 else builders.publication("Weekly"),
            )
        # The word in the title, an author's name or an entity's name only: matches too.
        builders.article(title="Budget night", body="Nothing else here.", pub=daily)
        builders.article(title="Column", body="On taxes.", authors=["Ann Budget"], pub=daily)
        builders.article(title="Office", body="Staff.", entities=[("Budget Office", "ORG")])
        # Never public, or no longer: in no count.
        builders.article(title="Budget draft", status=Article.Status.DRAFT)
        builders.article(title="Budget review", status=Article.Status.REVIEW)
        gone = builders.article(title="Budget withdrawn", body="budget cuts")
        later = builders.article(title="Budget later", body="budget again")
        builders.article(title="Weather", body="Rain tomorrow.")
    with postgres_indexed():
        gone.withdraw()
    with postgres_indexed():  # edited: the word no longer in it
        later.title, later.body = "Later", "Nothing to see."
        later.save()
    monkeypatch.setattr(postgres, "COUNT_LIMIT", LIMIT)


def matching_rows(term: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE document @@ %s::tsquery", [f"'{term}'"])
        return cursor.fetchone()[0]


def test_a_word_past_the_limit_has_its_exact_total(budgets):
    assert matching_rows("budget") == PUBLIC_BUDGETS
    for sort in ("relevance", "newest"):
        outcome = search("budget", sort=sort)
        assert outcome.total == PUBLIC_BUDGETS and outcome.total_exact
        # The facets count CANDIDATES of the matches (at most the limit).
        assert outcome.facets_among == LIMIT
        assert sum(n for _, n in outcome.facets["publication"]) == LIMIT
        assert {hit.article.title for hit in outcome.hits} >= {"Budget night", "Column", "Office"}
        assert len(outcome.hits) == PUBLIC_BUDGETS
    # Within the limit nothing changes: counted, facets too.
    assert search("weather").facets_among is None


def test_the_statistics_are_the_matches_of_every_term(budgets):
    """What the exact total rests on: for every term, the documents the statistics say hold
    it are those a search for it matches (title, names and text alike), after writes, a
    withdrawal and an edit."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.term, t.documents, (SELECT count(*) FROM {TABLE} "
            "WHERE document @@ format('%L', t.term)::tsquery) "
            f"FROM {TERMS} t"
        )
        rows = cursor.fetchall()
    assert len(rows) > 20
    assert [row for row in rows if row[1] != row[2]] == []


@pytest.mark.parametrize(
    "query, extra",
    [
        ("budget debate", {}),  # two words
        ("budget", {"f": "publication:Daily"}),  # a filter
        ("budget", {"from": "2019"}),  # a date range
        ("title:budget", {}),  # a field
        ("budg*", {}),  # a prefix
    ],
)
def test_other_broad_searches_stay_more_than(budgets, query, extra):
    outcome = search(query, **extra)
    assert outcome.total == LIMIT and not outcome.total_exact and outcome.facets_among == LIMIT


def test_the_search_page_says_the_exact_total(budgets, client):
    page = client.get("/search/", {"q": "budget"}).content.decode()
    assert f"{PUBLIC_BUDGETS} results" in page and "More than" not in page
    assert f"Counts among {LIMIT} of the {PUBLIC_BUDGETS} matching articles" in page
    page = client.get("/search/", {"q": "budget", "f": "publication:Daily"}).content.decode()
    assert f"More than {LIMIT} results" in page
    assert f"Counts among {LIMIT} of the matching articles" in page


def test_the_api_gives_the_exact_count(budgets, client):
    page = client.get("/api/search/", {"q": "budget", "page_size": 5}).json()
    assert page["count"] == PUBLIC_BUDGETS and page["pages"] == 2
    assert page["warnings"] == [
        f"{PUBLIC_BUDGETS} articles match (count is exact); the facets count {LIMIT} of "
        "them. Add words or filters for exact facet counts."
    ]
    page = client.get("/api/search/", {"q": "budget", "from": "2019"}).json()
    assert page["count"] == LIMIT
    assert any("count is a lower bound" in warning for warning in page["warnings"])


def test_one_result_per_story_counts_its_articles_as_exactly(budgets, client):
    page = client.get("/search/", {"q": "budget", "story": "1"}).content.decode()
    assert f"among {PUBLIC_BUDGETS} matching articles" in page
    assert f"Counts among {LIMIT} of the {PUBLIC_BUDGETS} matching articles" in page
    page = client.get("/search/", {"q": "budget", "story": "1", "from": "2019"}).content.decode()
    assert f"among more than {LIMIT} matching articles" in page
    assert f"Counts among {LIMIT} of the matching articles" in page
