"""The terms each search row holds often for its length, and their index (issue 18): the
first candidates of a broad search (``articles.search.backends.postgres_candidates``).

Past ``COUNT_LIMIT`` matches the PostgreSQL backend ranks a few thousand of them. The best
of a broad word's matches hold it many times in a short text, which only the row's vector
tells, and reading every match's vector is what the limit avoids. ``salient`` holds the
terms whose BM25 part (its frequency against the row's length, ``ranking.K1``/``B``) comes
near BM25's maximum: two or three a row, indexed by GIN, so that the rows where a word
weighs most are found from the index as a title's words are (migration 0014).

It is the row's own (its text's vector and length, and the archive's average length when
written): every insert and upsert writes it with the row (``postgres._insert_sql``), a
removal removes it, and a row that is gone or changed can never be a candidate it no
longer matches (the candidates are matches first). ``search_salient`` picks the terms of a
vector holding at least a number of positions; this migration fills the rows already there
(an archive upgrades without a reindex; one rewrite of the table). On other databases this
does nothing (Whoosh keeps its own index).
"""

from django.db import migrations

CREATE = [
    """CREATE OR REPLACE FUNCTION search_salient(vector tsvector, fewest float8)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_to_tsvector(array_agg(lexeme)), ''::tsvector)
        FROM unnest(vector) WHERE cardinality(positions) >= fewest
    $$""",
    "ALTER TABLE search_document ADD COLUMN IF NOT EXISTS salient tsvector NOT NULL "
    "DEFAULT ''",
    # The text's own positions (weight D) against its length, the average the statistics
    # give: ``postgres_candidates.salient_sql`` as it was when this migration was written
    # (SALIENT_SCORE 1.8, BM25's K1 1.2 and B 0.75: 1.8 × 1.2 / (2.2 - 1.8) = 5.4), written
    # out so that a later change there cannot change what this migration did.
    "UPDATE search_document SET salient = search_salient(ts_filter(document, '{d}'), "
    "5.4 * (1 - 0.75 + 0.75 * length::float8 / greatest(coalesce((SELECT length::float8 / "
    "nullif(documents, 0) FROM search_total), length::float8), 1)))",
    "CREATE INDEX IF NOT EXISTS search_document_salient_idx ON search_document "
    "USING gin (salient)",
    "ANALYZE search_document",
]

DROP = [
    "ALTER TABLE search_document DROP COLUMN IF EXISTS salient",
    "DROP FUNCTION IF EXISTS search_salient(tsvector, float8)",
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
        ("articles", "0015_oldest_first"),
    ]

    operations = [migrations.RunPython(create, drop)]
