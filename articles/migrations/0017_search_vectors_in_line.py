"""The PostgreSQL search table keeps a row's vectors in the row up to 8,160 bytes (issue 18):
``toast_tuple_target`` (a storage parameter of ``search_document``) from PostgreSQL's 2,032.

An article's ``document`` vector is most of its row: past 2,032 bytes (one row in eight)
PostgreSQL tried to compress it (pglz, which gives up on vectors: 94 of 108,841 compressed)
and then moved it to the TOAST table, in chunks of 2 KB, read back through the TOAST index
by every search that reads the vector (a phrase's check, ranking, a count past what the
index answers alone). Kept in the row, a search reads it with the row: a fifth to a third of
the database's time for the searches reading every match's vector (docs/performance.md,
"The search page's database (session 12)"). The heap grows (1,080 → 1,460 MB at a million
articles), its TOAST table shrinks (the two 1,618 → 1,600 MB); rows longer than a page still
go to TOAST.

Setting it rewrites nothing: rows written from now on (imports, edits) follow it, and the
rows already there move when ``manage.py reindex`` next builds the table (the rebuild's new
table takes the setting, ``postgres.empty_copy``), which searches answer through; see
docs/deployment.md. On other databases this does nothing.
"""

from django.db import migrations

TABLE = "search_document"
TOAST_TUPLE_TARGET = 8160  # the most PostgreSQL takes (a page less its header)


def _table_exists(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [TABLE])
        return cursor.fetchone()[0]


def keep_in_line(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or not _table_exists(schema_editor):
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} SET (toast_tuple_target = {TOAST_TUPLE_TARGET})")


def back(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or not _table_exists(schema_editor):
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_search_salient"),
    ]

    operations = [migrations.RunPython(keep_in_line, back)]
