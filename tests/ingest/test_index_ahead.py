"""Search rows made ahead in the reading process (``bulk.index_ahead``, issue 18): the
importer takes them only where the stored article reads the same, so an import gives the
same index with them as without them."""

import datetime as dt
from dataclasses import replace

import pytest
from django.db import connection
from haystack.query import SearchQuerySet

from articles.ingest.bulk import index_ahead
from articles.ingest.pipeline import import_records
from articles.ingest.record import ArticleRecord, EntityRef
from articles.models import Article, Author, Entity
from articles.search.backends import postgres
from tests.search.engines import (
    ON_POSTGRES,
    POSTGRES_ENGINE,
    POSTGRES_ONLY,
    search_engine,
)

pytestmark = pytest.mark.django_db


def records() -> list[ArticleRecord]:
    base = dt.date(2021, 3, 1)
    made = [
        ArticleRecord(
            title=f"Harbour dues rise for the {n}th season",
            body=f"Harbour dues rose again. The port board met {n} times; U.S. ships paid 3.5%.",
            published=base + dt.timedelta(days=n),
            publication="Island Courier",
            section="Shipping",
            language="en",
            source_name=f"dues-{n}",
            # Two spellings of one author; a tie of counts ordered by name.
            authors=["Mira Sound", "Bo Pier", "MIRA SOUND"],
            entities=[
                EntityRef("Port Board", "organisation", count=2),
                EntityRef("Harbour Town", "place"),
                EntityRef("Ebb Island", "place"),
                EntityRef("port board", "organisation"),
            ],
        )
        for n in range(6)
    ]
    made += [
        ArticleRecord(
            title="کتاب خانه بزرگ بندر",
            body="کتاب خانه بزرگ بندر بازگشایی شد. کتابخانه‌ها در تهران",
            published=base,
            publication="Island Courier",
            language="fa",
            source_name="fa-1",
            authors=["مریم"],
        ),
        # No title: the first words stand in, and the article comes in for review.
        ArticleRecord(title="", body="Tide tables for the week.", source_name="untitled"),
        # No date: in review, not indexed, nothing made ahead for it.
        replace(made[0], source_name="undated", published=None),
        # An author already stored in other capitals: the stored name is what the index
        # holds, so the row made ahead under this spelling is not taken for that field.
        replace(made[0], title="Dock fees too", source_name="known-author", authors=["KAI DOCK"]),
    ]
    return made


def rows(*, identified: bool = False) -> dict[str, tuple]:
    """The search documents by article source name, without what names the article's id
    (``identified``: with the document's id and its revision)."""
    named = (
        "d.id, d.published_on, d.facets" if identified else "d.published_on, d.facets - 'revision'"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.source_name, {named}, d.document::text, "
            "d.labels::text, d.length, d.title_length FROM search_document d "
            "JOIN articles_article a ON d.django_id = a.id::text"
        )
        found = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute("SELECT word FROM search_word ORDER BY word")
        found["(words)"] = tuple(word for (word,) in cursor.fetchall())
        cursor.execute("SELECT term, documents FROM search_term ORDER BY term")
        found["(terms)"] = tuple(cursor.fetchall())
    return found


def fresh_archive():
    Article.objects.all().delete()
    Author.objects.all().delete()
    Entity.objects.all().delete()
    Author.objects.create(name="Kai Dock")
    # An entity an editor merged into another: its mentions are not shown, nor indexed.
    isle = Entity.objects.create(name="Ebb Isle", kind="place")
    Entity.objects.create(name="Ebb Island", kind="place", merged_into=isle)


@POSTGRES_ONLY
def test_an_import_gives_the_same_search_rows_with_them_as_without(monkeypatch):
    made_in_importer = []
    vector = postgres._field_vector
    monkeypatch.setattr(
        postgres,
        "_field_vector",
        lambda name, text: made_in_importer.append(text) or vector(name, text),
    )
    with search_engine(POSTGRES_ENGINE) as backend:
        fresh_archive()
        import_records(records(), find_entities=False, group_stories=False)
        without = rows()
        indexed = len(without) - 2
        assert indexed == 8  # the untitled and undated records are in review
        assert len(made_in_importer) == 6 * indexed

        backend.clear()
        fresh_archive()
        ahead = records()
        index_ahead(ahead)
        assert [r.source_name for r in ahead if r.indexed_ahead is None] == ["untitled", "undated"]
        made_in_importer.clear()
        import_records(ahead, find_entities=False, group_stories=False)
        assert rows() == without
        # The importer made again only what the stored articles read otherwise: where
        # the merged entity is left out (entity_names and text of the 7 that name it),
        # and the author stored before as "Kai Dock" (author_names).
        assert len(made_in_importer) == 15
        assert "Ebb Island" in " ".join(r.indexed_ahead["text"][0] for r in ahead[:6])
        assert not any("Ebb Island" in text for text in made_in_importer)
        assert SearchQuerySet().filter(content="کتابخانه").count() == 1


def test_with_whoosh_nothing_is_made_ahead_and_the_import_indexes_as_ever(search_index):
    ahead = records()
    index_ahead(ahead)
    assert all(record.indexed_ahead is None for record in ahead)
    report = import_records(ahead, find_entities=False, group_stories=False)
    assert len(report.created) == 10
    assert SearchQuerySet().filter(content="harbour").count() == 7


def test_nothing_is_made_ahead_for_an_import_that_publishes_nothing(search_index):
    with search_engine(POSTGRES_ENGINE if ON_POSTGRES else None):
        ahead = records()
        index_ahead(ahead, publish_complete=False)
        assert all(record.indexed_ahead is None for record in ahead)
