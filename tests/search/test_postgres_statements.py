"""How a search's statements reach PostgreSQL: bound apart from their text and, once a
connection has run one ``DATABASE_PREPARE_THRESHOLD`` times, prepared there (settings,
``postgres_options``), a search's still planned for their values, the answers the same as
before; the time limit and the planning set for the search's own transaction and gone with
it.

Runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...); skipped on SQLite.
"""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.search.backends.base import SearchOverBudget
from articles.search.backends.postgres import _time_limited
from tests import builders
from tests.search.engines import POSTGRES_ENGINE, POSTGRES_ONLY, search, search_engine

pytestmark = [POSTGRES_ONLY]


@pytest.fixture
def archive(db, _search_index_in_tmp, django_capture_on_commit_callbacks):
    with search_engine(POSTGRES_ENGINE) as backend:
        with django_capture_on_commit_callbacks(execute=True):
            reuters = builders.publication("Reuters")
            for n, (title, body) in enumerate(
                [
                    ("Oil prices climb", "Oil prices rose as interest rates fell."),
                    ("Bank holds rates", "Interest rates held. Oil prices fell."),
                    ("Trade deficit", "Japan trade deficit widened; oil imports grew."),
                    ("Olive harvest", "Olive oil from the groves, at good prices."),
                ]
            ):
                builders.article(
                    title=title, body=body + " filler" * n, pub=reuters, authors=["Ann Rates"]
                )
        yield backend


def answer(outcome):
    return (
        outcome.total,
        outcome.facets,
        [(hit.article.pk, hit.score, hit.title, hit.snippet) for hit in outcome.hits],
    )


def prepared() -> list[tuple[str, int, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        return cursor.fetchall()


def test_statements_are_bound_apart_and_prepared_after_the_threshold():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == settings.DATABASE_PREPARE_THRESHOLD > 0


def test_a_search_prepared_answers_as_the_first_time(archive):
    queries = ("oil prices", "interest rates", "oil", "oil", "prices")
    first = [answer(search(q)) for q in queries]
    assert all(hits for _, _, hits in first)
    assert not any("search_document" in statement for statement, _, _ in prepared())
    for _ in range(settings.DATABASE_PREPARE_THRESHOLD + 6):
        assert [answer(search(q)) for q in queries] == first
    searches = [row for row in prepared() if "search_document" in row[0]]
    assert searches and all("$1" in statement for statement, _, _ in searches)
    # Prepared, and planned for their values every time: never one plan for any values,
    # which PostgreSQL would choose after five runs of a statement ("oil prices" and
    # "interest rates" share their statements' text).
    assert max(custom for _, _, custom in searches) > 5
    assert all(generic == 0 for _, generic, _ in searches)


@pytest.mark.django_db(transaction=True)
def test_the_time_limit_of_a_search_of_its_own_ends_with_it(archive, settings):
    settings.SEARCH_TIME_LIMIT = 0.05
    assert not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
    with CaptureQueriesContext(connection) as statements, _time_limited("default") as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "50ms"
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_custom_plan"
    # No reading of the previous value, no putting it back: the transaction's end does.
    sent = [s["sql"] for s in statements]
    assert sum("statement_timeout" in sql for sql in sent) == 2, sent  # set, then SHOW
    assert not any("current_setting" in sql for sql in sent)
    with pytest.raises(SearchOverBudget), _time_limited("default") as cursor:
        cursor.execute("SELECT pg_sleep(2)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "auto"
