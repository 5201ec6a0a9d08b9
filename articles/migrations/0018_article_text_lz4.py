"""An article's long texts (body, raw text, summary) compressed with lz4 rather than pglz on
PostgreSQL (issue 18).

Past about 2 KB a row's long values are compressed as they are written: with pglz, the
server's CPU for the import's ``COPY`` of 19,772 new articles was 0.06 ms an article, with
lz4 0.04 (a third less), for 2% more on disk; reading the three texts back (the index, the
article page, a rebuild) 0.007 → 0.005 ms an article (docs/performance.md, "The import's
reader, the articles' text and the collector (session 13)").

Setting it rewrites nothing: rows written from now on follow it; rows already stored keep
pglz, and both read alike. Where the server was built without lz4 (it is listed in
``default_toast_compression``'s values when built with it), and on other databases, this
does nothing.
"""

from django.db import migrations

TABLE = "articles_article"
COLUMNS = ("body", "raw_text", "summary")


def _lz4_built(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def _compress_with(method: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql" or not _lz4_built(schema_editor):
            return
        columns = ", ".join(f"ALTER COLUMN {column} SET COMPRESSION {method}" for column in COLUMNS)
        schema_editor.execute(f"ALTER TABLE {TABLE} {columns}")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_search_vectors_in_line"),
    ]

    operations = [migrations.RunPython(_compress_with("lz4"), _compress_with("DEFAULT"))]
