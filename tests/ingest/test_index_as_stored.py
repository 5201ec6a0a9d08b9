"""An import indexes each batch from what it has just stored (``bulk.store_new``'s
``stored``, ``indexing._as_stored``), not from its articles' text read back, and a rebuild
reads their bylines and mentions as values (``indexing._read_names``), not by prefetches
(issue 18): the index either leaves is the one ``index_queryset`` gives, names as stored,
the public mentions in the database's order, and an article changed meanwhile read afresh."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from haystack.query import SearchQuerySet

from articles.ingest.pipeline import import_records
from articles.models import Article
from articles.search import indexing
from tests.ingest.test_index_ahead import fresh_archive, records, rows
from tests.search.engines import ON_POSTGRES, POSTGRES_ENGINE, POSTGRES_ONLY, search_engine

pytestmark = pytest.mark.django_db

DEFERRED_READ = re.compile(
    r'SELECT "\w+"\."id", "\w+"\."\w+" FROM "\w+" WHERE "\w+"\."id" = \d+ LIMIT 21$'
)


def documents() -> dict[str, tuple]:
    """Every search document by article source name, the revision included."""
    return rows(identified=True)


@POSTGRES_ONLY
def test_an_import_indexes_what_a_rebuild_from_the_database_gives():
    with search_engine(POSTGRES_ENGINE) as backend:
        fresh_archive()
        with CaptureQueriesContext(connection) as queries:
            import_records(records(), find_entities=False, group_stories=False)
        imported = documents()
        assert len(imported) - 2 == 8  # the untitled and undated records are in review
        # No article's text was read back to index it, nor a field left out of what was
        # built (a deferred field is read alone, by id: ``refresh_from_db``).
        assert not [q["sql"] for q in queries if '"articles_article"."body"' in q["sql"]]
        assert not [q["sql"] for q in queries if DEFERRED_READ.match(q["sql"])]
        # Names as stored ("Kai Dock"), the merged entity left out, a tie of counts in
        # the database's order of names: as ``index_queryset`` reads them (its prefetches,
        # in an update of articles saved one by one), and as a rebuild reads them.
        backend.clear()
        indexing.update_articles(Article.objects.values_list("pk", flat=True))
        assert documents() == imported
        assert indexing.rebuild_index(procs=1) == 8
        assert documents() == imported
        assert SearchQuerySet().filter(content="کتابخانه").count() == 1


def test_an_article_changed_since_it_was_stored_is_read_afresh(search_index):
    article = Article.objects.create(
        title="Harbour dues rise",
        slug="harbour-dues-rise",
        body="The port board met.",
        published_on=dt.date(2021, 3, 1),
        status=Article.Status.PUBLISHED,
    )
    as_stored = Article(
        pk=article.pk,
        title="Lighthouse keepers strike",
        body="Nobody met.",
        published_on=article.published_on,
        updated_at=article.updated_at - dt.timedelta(seconds=1),
    )
    assert indexing.update_articles([article.pk], new=True, stored={article.pk: as_stored})
    assert SearchQuerySet().filter(content="harbour").count() == 1
    assert SearchQuerySet().filter(content="lighthouse").count() == 0
    # As stored (the same ``updated_at``), the stored text is what the index takes.
    as_stored.updated_at = article.updated_at
    indexing.update_articles([article.pk], stored={article.pk: as_stored})
    assert SearchQuerySet().filter(content="lighthouse").count() == 1


def test_a_deferred_field_read_is_caught():
    # What the import's test above looks for, as Django reads a field left out.
    article = Article.objects.create(title="Tide", slug="tide", body="Tide tables.")
    partial = indexing.as_read(Article, "default", id=article.pk, title="Tide")
    with CaptureQueriesContext(connection) as queries:
        assert partial.body == "Tide tables."
    assert [q["sql"] for q in queries if DEFERRED_READ.match(q["sql"])]


def test_an_article_no_longer_public_is_not_indexed_from_what_was_stored(search_index):
    article = Article.objects.create(
        title="Harbour dues rise",
        slug="harbour-dues-rise",
        body="The port board met.",
        status=Article.Status.REVIEW,
    )
    indexing.update_articles([article.pk], new=True, stored={article.pk: article})
    assert SearchQuerySet().filter(content="harbour").count() == 0


def test_a_rebuild_reads_no_field_of_an_article_by_itself(search_index):
    # rebuild_index reads only ``indexing.INDEXED_FIELDS`` of each article: one the index
    # read besides would be read article by article.
    with search_engine(POSTGRES_ENGINE if ON_POSTGRES else None):
        fresh_archive()
        import_records(records(), find_entities=False, group_stories=False)
        with CaptureQueriesContext(connection) as queries:
            assert indexing.rebuild_index(procs=1) == 8
        assert not [q["sql"] for q in queries if DEFERRED_READ.match(q["sql"])]
        assert SearchQuerySet().filter(content="harbour").count() == 7
        assert SearchQuerySet().filter(content="kai").count() == 1  # the name as stored
