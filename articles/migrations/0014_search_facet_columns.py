"""The PostgreSQL search table's facets as columns of their own, and a title-only vector
(issue 18): searches PostgreSQL answered by reading every candidate row now come from exact
indexes. On other databases this does nothing (Whoosh keeps its own index).

- ``publication_exact``, ``section_exact``, ``language_exact``, ``year_exact`` (text, B-tree
  on the value, then newest first: browsing a publication reads its newest rows off the
  index) and ``authors_exact``, ``entities_exact`` (text[], GIN): the article index's six
  facets, named as haystack names them and as the ``facets`` JSONB keys them. A facet filter
  was ``facets @> jsonb``, which GIN answers only with a recheck of every candidate row, and
  a recheck of the words beside it too (reading and decompressing each row's vector); ``=``
  on a B-tree and ``@>`` on an array GIN need none.
- ``title``: the title's terms alone, ``ts_filter(document, '{a}')``. ``title:bank`` was
  ``document @@ 'bank':A``: the GIN index does not hold weights, so every row holding the
  word anywhere was read to see whether its title did.

Every one is a generated column, computed by PostgreSQL from what the backend writes (the
``facets`` JSONB, the ``document`` vector): written by every insert and upsert, and by this
migration for the rows already there, so an existing archive upgrades without a reindex and
the columns cannot disagree with the row. Adding them rewrites the table once (holding it
for the while: see docs/deployment.md for the time at a million articles). The JSONB's own
GIN index goes: no filter reads it any more.
"""

from django.db import migrations

# Column → (type, the expression PostgreSQL computes it by). The names follow haystack's
# facet fields (``articles.search_indexes``): the backend uses the column of a facet that
# has one (``postgres.PostgresSearchBackend.facet_columns``), the JSONB for any other.
FACET_COLUMNS = {
    "publication_exact": ("text", "facets ->> 'publication_exact'"),
    "section_exact": ("text", "facets ->> 'section_exact'"),
    "language_exact": ("text", "facets ->> 'language_exact'"),
    "year_exact": ("text", "facets ->> 'year_exact'"),
    "authors_exact": ("text[]", "search_facet_values(facets -> 'authors_exact')"),
    "entities_exact": ("text[]", "search_facet_values(facets -> 'entities_exact')"),
}
TITLE = ("title", "tsvector", "ts_filter(document, '{a}')")

CREATE = [
    # A JSONB list as text[] (a generated column may not hold a sub-select): in order, an
    # absent key or any value that is not a list giving the empty array.
    """CREATE OR REPLACE FUNCTION search_facet_values(value jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(v ORDER BY n), '{}')
        FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(value) = 'array' THEN value END)
            WITH ORDINALITY AS e(v, n)
    $$""",
    # Before the rewrite, so that it is not built again for nothing.
    "DROP INDEX IF EXISTS search_document_facets_idx",
    # One statement: the table is rewritten once for all seven.
    "ALTER TABLE search_document "
    + ", ".join(
        f"ADD COLUMN IF NOT EXISTS {column} {kind} GENERATED ALWAYS AS ({expression}) STORED"
        for column, kind, expression in [
            *((column, kind, expression) for column, (kind, expression) in FACET_COLUMNS.items()),
            TITLE,
        ]
    ),
    "CREATE INDEX IF NOT EXISTS search_document_title_idx ON search_document USING gin (title)",
    *(
        f"CREATE INDEX IF NOT EXISTS search_document_{column.removesuffix('_exact')}_idx "
        f"ON search_document USING gin ({column})"
        if kind == "text[]"
        else f"CREATE INDEX IF NOT EXISTS search_document_{column.removesuffix('_exact')}_idx "
        f"ON search_document ({column}, published_on DESC NULLS LAST, id)"
        for column, (kind, _) in FACET_COLUMNS.items()
    ),
    # The planner's statistics for the new columns (a filter's selectivity); without them
    # it guesses until autovacuum's next analyse.
    "ANALYZE search_document",
]

DROP = [
    "ALTER TABLE search_document "
    + ", ".join(f"DROP COLUMN IF EXISTS {column}" for column in [*FACET_COLUMNS, TITLE[0]]),
    "DROP FUNCTION IF EXISTS search_facet_values(jsonb)",
    "CREATE INDEX IF NOT EXISTS search_document_facets_idx ON search_document "
    "USING gin (facets jsonb_path_ops)",
]


def _table_exists(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('search_document') IS NOT NULL")
        return cursor.fetchone()[0]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or not _table_exists(schema_editor):
        return
    for statement in CREATE:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or not _table_exists(schema_editor):
        return
    for statement in DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_page_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
