"""Indexes the pages need at a million articles (issue 18).

- (publication, status, published_on) takes the place of (publication, status), which it
  covers: the previous / next article of a publication read every public article of it.
- (updated_at): the newest change, which keys the sitemaps' cache (``articles.sitemaps``).
"""

from django.db import migrations, models


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
    ]
