"""A search's time limit on PostgreSQL (``_time_limited``): set for the search's own
transaction and gone with it, without reading it first or putting it back (one statement a
search, not three); inside an outer transaction, put back (tests/search/
test_postgres_backend.py).

Runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...); skipped on SQLite.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.search.backends.base import SearchOverBudget
from articles.search.backends.postgres import _time_limited
from tests.search.engines import POSTGRES_ONLY

pytestmark = [POSTGRES_ONLY, pytest.mark.django_db(transaction=True)]


def test_the_time_limit_of_a_search_of_its_own_ends_with_it(settings):
    settings.SEARCH_TIME_LIMIT = 0.05
    assert not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
    with CaptureQueriesContext(connection) as statements, _time_limited("default") as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "50ms"
    # No reading of the previous value, no putting it back: the transaction's end does.
    sent = [s["sql"] for s in statements]
    assert sum("statement_timeout" in sql for sql in sent) == 2, sent  # set, then SHOW
    assert not any("current_setting" in sql for sql in sent)
    with pytest.raises(SearchOverBudget), _time_limited("default") as cursor:
        cursor.execute("SELECT pg_sleep(2)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before
