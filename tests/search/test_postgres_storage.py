"""How the PostgreSQL search table stores its rows (migration 0017): an article's vectors stay
in its row up to ``toast_tuple_target`` (8,160 bytes), not in the TOAST table, where every
search reading them went through the TOAST index; a rebuilt table (``postgres.empty_copy``)
keeps the setting, and its columns' storage and compression.

Runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...); skipped on SQLite.
"""

import importlib

import pytest
from django.db import connection, transaction

from articles.search.backends.postgres import empty_copy
from articles.search.backends.postgres_tables import TABLE
from articles.search.indexing import rebuild_index
from tests import builders
from tests.search.engines import POSTGRES_ENGINE, POSTGRES_ONLY, search, search_engine

pytestmark = [pytest.mark.django_db, POSTGRES_ONLY]

migration = importlib.import_module("articles.migrations.0017_search_vectors_in_line")


@pytest.fixture
def backend(db, _search_index_in_tmp):
    with search_engine(POSTGRES_ENGINE) as backend:
        backend.setup()
        yield backend


def _options(table: str = TABLE) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(reloptions, '{}') FROM pg_class WHERE oid = %s::regclass", [table]
        )
        return cursor.fetchone()[0]


def _out_of_line(table: str = TABLE) -> int:
    """How many values the table keeps in its TOAST table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltoastrelid::regclass::text FROM pg_class WHERE oid = %s::regclass", [table]
        )
        (toast,) = cursor.fetchone()
        cursor.execute(f"SELECT count(DISTINCT chunk_id) FROM {toast}")  # noqa: S608
        return cursor.fetchone()[0]


def _long_article(n: int):
    """An article whose ``document`` vector is some 5 KB: 300 different words."""
    words = " ".join(f"w{n}x{i:04d}" for i in range(300))
    return builders.article(title=f"Long report {n}", body=f"Harvest figures: {words}.")


def _document_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(pg_column_size(document)) FROM {TABLE}")  # noqa: S608
        return cursor.fetchone()[0]


def test_the_migration_keeps_vectors_in_their_rows(backend):
    assert "toast_tuple_target=8160" in _options()
    with transaction.atomic():
        with connection.schema_editor(atomic=False) as editor:
            migration.back(None, editor)
        assert _options() == []
        with connection.schema_editor(atomic=False) as editor:
            migration.keep_in_line(None, editor)
            migration.keep_in_line(None, editor)  # idempotent
        assert _options() == ["toast_tuple_target=8160"]
        transaction.set_rollback(True)


def test_a_long_article_is_written_in_its_row(backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _long_article(1)
    assert 2032 < _document_size() < 8160  # past PostgreSQL's own threshold
    assert _out_of_line() == 0
    assert search("w1x0150").total == 1


def test_a_rebuilt_table_keeps_the_setting_and_its_rows_in_line(
    backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _long_article(1)
        _long_article(2)
    assert rebuild_index(procs=1) == 2
    assert _options() == ["toast_tuple_target=8160"]
    assert _out_of_line() == 0
    assert 2032 < _document_size() < 8160
    assert search("w2x0299").total == 1


def test_an_empty_copy_keeps_how_the_table_stores_its_rows(backend):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE stored (id text PRIMARY KEY, v tsvector COMPRESSION lz4, w text) "
            "WITH (toast_tuple_target = 4000, fillfactor = 90)"
        )
        cursor.execute("ALTER TABLE stored ALTER v SET STORAGE main, ALTER w SET STORAGE external")
        empty_copy(cursor, "stored", "stored_copy")
        cursor.execute(
            "SELECT attname, attstorage, attcompression FROM pg_attribute "
            "WHERE attrelid = 'stored_copy'::regclass AND attnum > 0 ORDER BY attnum"
        )
        assert cursor.fetchall() == [("id", "x", ""), ("v", "m", "l"), ("w", "e", "")]
        assert sorted(_options("stored_copy")) == ["fillfactor=90", "toast_tuple_target=4000"]
        transaction.set_rollback(True)
