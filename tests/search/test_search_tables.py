"""The PostgreSQL search tables and text-search configuration come from migration
0009_search_document (``articles/migrations``), never from the backend at run time; on SQLite
the migration does nothing."""

import importlib

import pytest
from django.db import connection, transaction

from tests.search.engines import (
    ON_POSTGRES,
    POSTGRES_ENGINE,
    POSTGRES_ONLY,
    search_engine,
)

pytestmark = pytest.mark.django_db

migration = importlib.import_module("articles.migrations.0009_search_document")
TABLES = {"search_document", "search_word"}


def objects() -> dict:
    """Which of the migration's objects the database holds."""
    tables = set(connection.introspection.table_names()) & TABLES
    config = False
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_ts_config WHERE cfgname = 'newsarchive'")
            config = cursor.fetchone()[0] == 1
    return {"tables": tables, "config": config}


@pytest.mark.skipif(ON_POSTGRES, reason="checks what the migration leaves out on SQLite")
def test_on_sqlite_the_migration_makes_nothing():
    # The test database went through every migration, 0009 included.
    assert objects() == {"tables": set(), "config": False}


@POSTGRES_ONLY
def test_on_postgresql_migrate_makes_them_and_going_back_drops_them():
    assert objects() == {"tables": TABLES, "config": True}  # the test database was migrated
    with transaction.atomic():
        with connection.schema_editor(atomic=False) as editor:
            migration.drop(None, editor)
        assert objects() == {"tables": set(), "config": False}
        with connection.schema_editor(atomic=False) as editor:
            migration.create(None, editor)
            migration.create(None, editor)  # idempotent: a table made before stays
        assert objects() == {"tables": TABLES, "config": True}
        transaction.set_rollback(True)


@POSTGRES_ONLY
def test_a_missing_table_is_index_missing_naming_migrate(monkeypatch):
    from articles.search.backends import postgres
    from articles.search.backends.base import IndexMissing

    with search_engine(POSTGRES_ENGINE) as backend:
        monkeypatch.setattr(postgres, "_ready", set())  # as a fresh process
        backend.setup_complete = False
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE search_word")
            with pytest.raises(IndexMissing, match="manage.py migrate"):
                backend.search("anything")
            assert "search_word" not in connection.introspection.table_names()  # not remade
            transaction.set_rollback(True)
        backend.setup()  # back once migrated
