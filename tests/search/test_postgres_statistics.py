"""The term statistics a PostgreSQL search reads (issue 18): ranking, narrowing, the bound of
one pass, the exact total and feedback each need how many documents hold some terms; a search
looks each term up once (``TermStatistics``, carried by its cursor), and never keeps them past
itself: an index write between two searches shows in the second.

Runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...); skipped on SQLite.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.search.backends.postgres_statistics import TermStatistics
from articles.search.backends.postgres_tables import TERMS, TOTALS
from tests import builders
from tests.search.engines import POSTGRES_ONLY, search

pytestmark = [
    pytest.mark.django_db,
    POSTGRES_ONLY,
]


@pytest.fixture
def rates(postgres_indexed):
    with postgres_indexed():
        for n in range(6):
            builders.article(
                title=f"Rates {n}",
                body="Interest rates rose. " * (n + 1) + "Oil prices fell." * (n % 2),
            )
        builders.article(title="Weather", body="Rain tomorrow, then sun.")


def statistics_statements(q, **extra) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        found = search(q, **extra)
    assert found.total > 0
    tables = (f"FROM {TERMS} ", f"FROM {TOTALS} ")
    return [query["sql"] for query in captured if any(t in query["sql"] for t in tables)]


@pytest.mark.parametrize("q", ["interest rates oil", "interest", '"interest rates"', "rate*"])
def test_a_search_looks_each_term_up_once(rates, q):
    # Plain words: their terms and the totals in one statement (narrowing needs them first);
    # feedback's candidate words in a second. Before, up to nine statements a search.
    statements = statistics_statements(q)
    looked_up = [s for s in statements if "LIKE" not in s]  # a prefix's terms: listed apart
    assert 1 <= len(looked_up) <= 2, statements
    assert sum(f"FROM {TOTALS} " in s for s in statements) == 1


def test_a_write_between_two_searches_shows_in_the_second(rates, postgres_indexed):
    def scores(q):
        return {hit.article.title: hit.score for hit in search(q).hits}

    before = scores("interest")
    with postgres_indexed():  # more documents hold the term: each match's idf falls
        for n in range(3):
            builders.article(title=f"More {n}", body="Interest again.")
    after = scores("interest")
    assert len(after) == len(before) + 3
    assert all(after[title] < score for title, score in before.items())


def test_the_statistics_read_as_the_tables_hold_them(rates):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term, documents FROM {TERMS}")
        held = dict(cursor.fetchall())
        cursor.execute(f"SELECT documents, length, title_length FROM {TOTALS}")
        totals = cursor.fetchone()
        known = TermStatistics(cursor)
        assert known.frequency(["interest", "nowhere"]) == {
            "interest": held["interest"],
            "nowhere": 0,
        }
        assert known.documents() == totals and totals[0] == 7
        assert known.frequency(list(held)) == held
