"""Fixtures the search tests share."""

import pytest

from tests.search.engines import POSTGRES_ENGINE, search_engine


@pytest.fixture
def postgres_indexed(db, _search_index_in_tmp, django_capture_on_commit_callbacks):
    """Searches go to PostgreSQL's table; ``with postgres_indexed():`` indexes what the block
    saves when it ends (the index updates that wait for a commit, run)."""
    with search_engine(POSTGRES_ENGINE):
        yield lambda: django_capture_on_commit_callbacks(execute=True)
