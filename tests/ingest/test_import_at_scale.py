"""An import of any length (issue 18): each batch searchable as soon as it is stored, new
names created a batch at a time, story grouping left for later on request."""

import datetime as dt

import pytest
from haystack.query import SearchQuerySet

from articles.ingest import bulk
from articles.ingest.pipeline import import_records
from articles.ingest.record import ArticleRecord, EntityRef
from articles.models import Article, Author, Entity
from articles.search import indexing
from articles.search.indexing import check_index
from articles.stories import find_stories

pytestmark = pytest.mark.django_db


def dispatch(n: int, **fields) -> ArticleRecord:
    values = {
        "title": f"Ferry timetable changes, notice {n}",
        "body": f"The ferry company changed its winter timetable for the {n}th time.",
        "published": dt.date(2020, 1, 1) + dt.timedelta(days=n),
        "publication": "Island Courier",
        "language": "en",
        "source_name": f"notice-{n}",
        "authors": ["Mira Sound"],
        "entities": [EntityRef("Ferry Company", "organisation")],
    }
    return ArticleRecord(**{**values, **fields})


def test_new_articles_are_searchable_as_they_are_stored_a_few_batches_at_a_time(
    search_index, settings, monkeypatch
):
    settings.IMPORT_BATCH_SIZE = 10
    monkeypatch.setattr(bulk, "INDEX_EVERY", 20)
    found_while_reading = []

    def records():
        for n in range(60):
            if n and n % 10 == 0:  # the reader is asked for the first record of a batch
                found_while_reading.append(SearchQuerySet().filter(content="ferry").count())
            yield dispatch(n)

    report = import_records(records(), find_entities=False)
    assert len(report.created) == 60
    assert found_while_reading == [0, 20, 20, 40, 40]
    assert SearchQuerySet().filter(content="ferry").count() == 60
    assert not check_index()


def test_new_articles_are_indexed_together_not_batch_by_batch(search_index, settings, monkeypatch):
    # One write to the index for the run's 50 articles, not one per batch of 10: the term
    # statistics of PostgreSQL's index then update a common term's row once, not five times.
    settings.IMPORT_BATCH_SIZE = 10
    writes = []
    write = indexing._write
    monkeypatch.setattr(
        indexing, "_write", lambda ids, **kw: writes.append(ids) or write(ids, **kw)
    )
    report = import_records([dispatch(n) for n in range(50)], find_entities=False)
    assert len(report.created) == 50
    assert [len(ids) for ids in writes] == [50]
    assert SearchQuerySet().filter(content="ferry").count() == 50
    assert not check_index()


def test_what_a_failed_run_stored_is_indexed(search_index, settings):
    settings.IMPORT_BATCH_SIZE = 10

    def records():
        for n in range(25):
            yield dispatch(n)
        raise OSError("the disk went away")

    with pytest.raises(OSError, match="disk"):
        import_records(records(), find_entities=False)
    assert Article.objects.count() == 20  # two batches; the third was being read
    assert SearchQuerySet().filter(content="ferry").count() == 20
    assert not check_index()


def test_new_names_of_a_batch_are_created_together_with_slugs_of_their_own(
    search_index, django_assert_max_num_queries
):
    Author.objects.create(name="Mira Sound")  # slug "mira-sound" taken
    records = [
        dispatch(
            n, authors=[f"Writer {n}", "Mira Sound!"], entities=[EntityRef(f"Pier {n}", "place")]
        )
        for n in range(100)
    ]
    # One by one, 100 authors and 100 entities cost two queries or more each.
    with django_assert_max_num_queries(60):
        report = import_records(records, find_entities=False, group_stories=False)
    assert len(report.created) == 100
    assert Author.objects.count() == 102
    slugs = list(Author.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == len(slugs) and "mira-sound-2" in slugs
    assert Entity.objects.filter(kind="place").count() == 100
    article = Article.objects.get(source_name="notice-7")
    assert [a.name for a in article.ordered_authors()] == ["Writer 7", "Mira Sound!"]
    assert list(article.mentions.values_list("entity__name", flat=True)) == ["Pier 7"]
    assert SearchQuerySet().filter(content="pier").count() == 100


def test_new_articles_held_for_review_are_left_out_of_the_index(search_index):
    records = [dispatch(n, published=None) for n in range(5)] + [dispatch(9)]
    report = import_records(records, find_entities=False)
    assert len(report.created) == 6
    assert SearchQuerySet().filter(content="ferry").count() == 1
    assert not check_index()


def test_stories_can_wait_for_the_background_command(search_index):
    reprint = dispatch(2, source_name="notice-2-reprint", publication="Harbour Post")
    report = import_records(
        [dispatch(1), dispatch(2), reprint], find_entities=False, group_stories=False
    )
    ids = report.created
    assert not Article.objects.filter(pk__in=ids, fingerprint__isnull=False).exists()
    assert find_stories().seen == 3
    assert Article.objects.filter(pk__in=ids, fingerprint__isnull=False).count() == 3


def test_a_name_spelled_two_ways_in_a_batch_is_created_as_first_spelled(search_index):
    # As the one-by-one store creates it (and as bulk.index_ahead assumes): not whichever
    # spelling a set happened to give first (twenty names: no chance of passing by luck).
    records = [
        dispatch(
            n,
            authors=[f"Writer {n}", f"WRITER {n}"],
            entities=[EntityRef(f"Pier {n}", "place"), EntityRef(f"PIER {n}", "place")],
        )
        for n in range(20)
    ]
    import_records(records, find_entities=False, group_stories=False)
    assert sorted(Author.objects.exclude(name="Mira Sound").values_list("name", flat=True)) == (
        sorted(f"Writer {n}" for n in range(20))
    )
    assert sorted(Entity.objects.filter(kind="place").values_list("name", flat=True)) == sorted(
        f"Pier {n}" for n in range(20)
    )
