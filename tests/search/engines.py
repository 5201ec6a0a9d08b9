"""Which search backend a test searches with: the suite's Whoosh index, or PostgreSQL's
table when the suite runs on PostgreSQL (DATABASE_URL=postgres://...)."""

from contextlib import contextmanager

from django.conf import settings
from haystack import connections

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
POSTGRES_ENGINE = "articles.search.backends.postgres.PostgresEngine"
NOT_ON_POSTGRES = (
    "the PostgreSQL search backend needs DATABASE_URL=postgres://... (this run uses "
    + settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    + ")"
)


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
