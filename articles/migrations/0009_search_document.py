"""The PostgreSQL search backend's tables and text-search configuration
(``articles.search.backends.postgres``), made here rather than by the backend at run time, on
Django's own connection (so the database's ``OPTIONS`` apply). On other databases this does
nothing: Whoosh keeps its index in files (``manage.py reindex`` builds it).

- ``newsarchive``: a text-search configuration, 'simple' with ASCII words stemmed by Snowball
  English and no stop words. The archive hands PostgreSQL ready-made terms
  (``articles.search.analysis``); the configuration serves ``to_tsvector``/``to_tsquery``
  called without one, for the same terms.
- ``search_document``: one row per indexed document (facet values, date, weighted tsvectors,
  lengths for BM25); ``search_word``: the archive's words as written, for "did you mean"
  (``pg_trgm``).
- ``search_term`` (migration 0007) gets an index for prefixes (``milit*``): a prefix query
  ranks by the terms it expands to, looked up there.

Every statement is idempotent (``IF NOT EXISTS``): a database whose tables an earlier version
of the backend made at run time keeps them, rows and all. ``manage.py reindex`` copies the
tables' columns and indexes from what is made here.
"""

from django.db import migrations

CONFIG = "newsarchive"

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"""
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = '{CONFIG}_stem') THEN
        CREATE TEXT SEARCH DICTIONARY {CONFIG}_stem (TEMPLATE = snowball, LANGUAGE = english);
      END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIG}') THEN
        CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = simple);
        ALTER TEXT SEARCH CONFIGURATION {CONFIG}
          ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH {CONFIG}_stem;
      END IF;
    END $$
    """,
    """CREATE TABLE IF NOT EXISTS search_document (
        id text PRIMARY KEY,
        django_ct text NOT NULL,
        django_id text NOT NULL,
        published_on date,
        facets jsonb NOT NULL DEFAULT '{}',
        document tsvector NOT NULL,
        labels tsvector NOT NULL,
        length integer NOT NULL DEFAULT 0,
        title_length integer NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS search_document_document_idx ON search_document "
    "USING gin (document)",
    "CREATE INDEX IF NOT EXISTS search_document_labels_idx ON search_document USING gin (labels)",
    "CREATE INDEX IF NOT EXISTS search_document_facets_idx ON search_document "
    "USING gin (facets jsonb_path_ops)",
    "CREATE INDEX IF NOT EXISTS search_document_published_idx ON search_document (published_on)",
    "CREATE INDEX IF NOT EXISTS search_document_ct_idx ON search_document (django_ct, django_id)",
    "CREATE TABLE IF NOT EXISTS search_word (word text PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS search_word_trgm_idx ON search_word USING gin (word gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS search_term_prefix_idx ON search_term (term text_pattern_ops)",
]

DROP = [
    "DROP INDEX IF EXISTS search_term_prefix_idx",
    "DROP TABLE IF EXISTS search_document, search_word",
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}",
    f"DROP TEXT SEARCH DICTIONARY IF EXISTS {CONFIG}_stem",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in CREATE:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_entity_resolution"),
    ]

    operations = [migrations.RunPython(create, drop)]
