"""Fixtures the search tests share."""

import pytest
from django.db import connection

from articles.search.backends.postgres_tables import TABLE
from tests.search.engines import POSTGRES_ENGINE, search_engine


@pytest.fixture
def postgres_indexed(db, _search_index_in_tmp, django_capture_on_commit_callbacks):
    """Searches go to PostgreSQL's table; ``with postgres_indexed():`` indexes what the block
    saves when it ends (the index updates that wait for a commit, run)."""
    with search_engine(POSTGRES_ENGINE):
        yield lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def rows_in_the_order_written(db):
    """The search table's storage made afresh for the test (``TRUNCATE``, undone with the
    test's transaction): the candidates are the first rows each index gives, in the table's
    order, and rows written into a table that earlier tests' rolled-back rows left room in
    land where the room is, not in the order written."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}")
