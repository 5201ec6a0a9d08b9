"""Oldest first beside each facet of the PostgreSQL search table (issue 18). On other
databases this does nothing.

Migration 0014 indexes each single-valued facet column (publication, section, language,
year) with ``published_on DESC NULLS LAST, id``: a facet's newest rows come off the index in
page order. Oldest first is ``published_on ASC NULLS LAST, id`` (undated articles last
either way, ties by id), which that index read backwards cannot give (it puts the undated
first and ties by id descending). Without an index in that order PostgreSQL walked the
whole table's date index from the oldest article, checking each row for the facet: at a
million articles a publication's articles oldest first took 450 ms of the database, a
year's 475-1,295 ms (every year before it read), ``oil`` from Reuters 720
(docs/performance.md, "Sorted searches with a filter (session 12)"). Each facet gets the
same index in the other order (``search_document_<facet>_asc_idx``); ``manage.py reindex``
copies them with the table's other indexes.

Where no order is asked, the two indexes of a facet cost PostgreSQL the same, and it takes
the one made last. A search past ``COUNT_LIMIT`` counts its facets among the first matches
an index gives (``postgres_candidates``), so that choice is what a reader sees: 0014's index
is made again after the new one, as the rebuild makes them (by name: ``_asc_idx`` before
``_idx``), and the same matches are counted as before.
"""


from django.db import migrations

# The single-valued facet columns of migration 0014 (the arrays, authors and entities,
# have GIN indexes, which give no order).
COLUMNS = ("publication_exact", "section_exact", "language_exact", "year_exact")


def _name(column: str, suffix: str = "_asc") -> str:
    return f"search_document_{column.removesuffix('_exact')}{suffix}_idx"


def _table_exists(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('search_document') IS NOT NULL")
        return cursor.fetchone()[0]


def _exists(schema_editor, name: str) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        return cursor.fetchone()[0]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or not _table_exists(schema_editor):
        return
    for column in COLUMNS:
        if _exists(schema_editor, _name(column)):
            continue
        schema_editor.execute(
            f"CREATE INDEX {_name(column)} "
            f"ON search_document ({column}, published_on ASC NULLS LAST, id)"
        )
        # 0014's, made again: the later of two equal indexes is the one PostgreSQL takes.
        schema_editor.execute(f"DROP INDEX IF EXISTS {_name(column, '')}")
        schema_editor.execute(
            f"CREATE INDEX {_name(column, '')} "
            f"ON search_document ({column}, published_on DESC NULLS LAST, id)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or not _table_exists(schema_editor):
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {', '.join(_name(c) for c in COLUMNS)}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_search_facet_columns"),
    ]

    operations = [migrations.RunPython(create, drop)]
