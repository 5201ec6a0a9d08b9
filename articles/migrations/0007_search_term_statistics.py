"""Term statistics for ranking on the PostgreSQL search backend (BM25 needs how many documents
hold each term, and the documents' lengths). On other databases this does nothing: Whoosh
keeps its own statistics. The search table itself gets its length columns here when it
exists already; ``manage.py reindex`` then fills them (and rewrites every document's terms
with the archive's analyzer)."""

from django.db import migrations

TABLES = [
    "CREATE TABLE IF NOT EXISTS search_term (term text PRIMARY KEY, documents integer NOT NULL)",
    """CREATE TABLE IF NOT EXISTS search_total (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        documents bigint NOT NULL DEFAULT 0,
        length bigint NOT NULL DEFAULT 0,
        title_length bigint NOT NULL DEFAULT 0
    )""",
    "INSERT INTO search_total (id) VALUES (true) ON CONFLICT DO NOTHING",
]
EXISTING = [
    "ALTER TABLE search_document ADD COLUMN IF NOT EXISTS length integer NOT NULL DEFAULT 0",
    "ALTER TABLE search_document "
    "ADD COLUMN IF NOT EXISTS title_length integer NOT NULL DEFAULT 0",
    "INSERT INTO search_term (term, documents) SELECT term, count(*) FROM search_document, "
    "unnest(tsvector_to_array(ts_filter(document, '{d}'))) term GROUP BY term "
    "ON CONFLICT (term) DO UPDATE SET documents = EXCLUDED.documents",
    "UPDATE search_total SET documents = (SELECT count(*) FROM search_document)",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in TABLES:
            cursor.execute(statement)
        cursor.execute("SELECT to_regclass('search_document') IS NOT NULL")
        if cursor.fetchone()[0]:
            for statement in EXISTING:
                cursor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS search_term, search_total")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_shared_cache_table"),
    ]

    operations = [migrations.RunPython(create, drop)]
