"""Fixtures the page tests share."""

import pytest

from tests.search.engines import NOT_ON_POSTGRES, ON_POSTGRES, POSTGRES_ENGINE, search_engine


@pytest.fixture(
    params=[
        None,
        pytest.param(
            POSTGRES_ENGINE, marks=pytest.mark.skipif(not ON_POSTGRES, reason=NOT_ON_POSTGRES)
        ),
    ],
    ids=["configured", "postgres"],
)
def engine(request, _search_index_in_tmp, django_capture_on_commit_callbacks):
    """The configured engine (Whoosh unless SEARCH_BACKEND says otherwise), and PostgreSQL's
    when the suite runs on PostgreSQL; yields ``indexed`` (see tests/conftest.py)."""
    with search_engine(request.param):
        yield lambda: django_capture_on_commit_callbacks(execute=True)
