"""Which search backend a test searches with: the suite's Whoosh index, or PostgreSQL's
table when the suite runs on PostgreSQL (DATABASE_URL=postgres://...)."""

from contextlib import contextmanager

import pytest
from django.conf import settings
from django.http import QueryDict
from haystack import connections

from articles.search.service import SearchParams, run_search

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
POSTGRES_ENGINE = "articles.search.backends.postgres.PostgresEngine"
NOT_ON_POSTGRES = (
    "the PostgreSQL search backend needs DATABASE_URL=postgres://... (this run uses "
    + settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    + ")"
)
# A test (or a module's ``pytestmark``) that only PostgreSQL can run: skipped on SQLite.
POSTGRES_ONLY = pytest.mark.skipif(not ON_POSTGRES, reason=NOT_ON_POSTGRES)


@contextmanager
def search_engine(engine: str | None = None):
    """haystack's default connection on ``engine`` (None: as configured) for the block,
    its index emptied before and after; yields the backend."""
    config = settings.HAYSTACK_CONNECTIONS["default"]
    original = dict(config)
    if engine:
        config.clear()
        config.update({"ENGINE": engine, "DATABASE": ""})
    backend = connections.reload("default").get_backend()
    backend.clear()
    try:
        yield backend
    finally:
        backend.clear()
        config.clear()
        config.update(original)
        connections.reload("default")


def search(q, **extra):
    """The search page's search for ``q`` with ``extra`` parameters (a list: repeated)."""
    params = QueryDict(mutable=True)
    params["q"] = q
    for key, value in extra.items():
        params.setlist(key, value if isinstance(value, list) else [value])
    return run_search(SearchParams.from_query(params))
