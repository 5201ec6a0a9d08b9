"""Indexes the pages need at a million articles (issue 18).

- (publication, status, published_on) takes the place of (publication, status), which it
  covers: the previous / next article of a publication read every public article of it.
- On PostgreSQL, (status, published_on DESC NULLS LAST, id DESC): the newest public
  articles (``newest_first()``) in index order; the home page sorted a million articles for
  its 12. (SQLite cannot index NULLS LAST, and reads its small archives quickly without.)
- (updated_at): the newest change, which keys the caches of whole-archive counts
  (``articles.public.remembered``).
- On PostgreSQL, the search table (migration 0009) gets (published_on DESC NULLS LAST, id):
  browsing by a facet and searches sorted newest first read the newest matches off it, where
  they sorted every match (a second at a million articles for a publication's articles).
  ``manage.py reindex`` copies it with the table's other indexes.
"""

from django.db import migrations, models

NEWEST = [
    "CREATE INDEX IF NOT EXISTS search_document_newest_idx "
    "ON search_document (published_on DESC NULLS LAST, id)",
    "CREATE INDEX IF NOT EXISTS article_newest "
    'ON articles_article (status, published_on DESC NULLS LAST, id DESC)',
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in NEWEST:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_document_newest_idx, article_newest")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_ocr_pages"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["publication", "status", "published_on"], name="article_publication_date"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["updated_at"], name="article_updated"),
        ),
        migrations.RemoveIndex(
            model_name="article",
            name="article_publication_status",
        ),
        migrations.RunPython(create, drop),
    ]
