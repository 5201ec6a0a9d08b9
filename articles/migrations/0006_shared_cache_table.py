"""The table of the cache every worker shares (settings: CACHES["shared"], a DatabaseCache
unless REDIS_URL is set), where failed logins are counted. Made here rather than by
`manage.py createcachetable`, so that `migrate` is the one step a deployment runs; made
whatever the cache settings, so that dropping REDIS_URL later needs no extra step."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "newsarchive_shared_cache"


def create_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_entities_found_at"),
    ]

    operations = [migrations.RunPython(create_table, drop_table)]
