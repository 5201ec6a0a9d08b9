"""New articles go in a batch at a time (articles.ingest.bulk): a few queries per batch,
with every rule of the one-by-one store kept."""

import datetime as dt

import pytest
from django.core.management import call_command
from haystack.query import SearchQuerySet

from articles.ingest.pipeline import import_records
from articles.ingest.record import ArticleRecord, EntityRef
from articles.models import Article, Author, Entity, Mention, Publication

pytestmark = pytest.mark.django_db


def story(n: int, **fields) -> ArticleRecord:
    values = {
        "title": f"Harbour dues rise for the {n}th time",
        "body": f"The port authority raised its dues again, the {n}th rise in a decade.",
        "published": dt.date(2021, 1, 1) + dt.timedelta(days=n),
        "publication": "Harbour Post",
        "language": "en",
        "source_name": f"desk-{n}",
        "authors": ["Ada Quay"],
        "entities": [EntityRef("Port Authority", "organisation")],
    }
    return ArticleRecord(**{**values, **fields})


def test_a_batch_of_new_articles_costs_a_few_queries_not_a_dozen_each(
    search_index, django_assert_max_num_queries
):
    records = [story(n) for n in range(200)]
    # Per batch: checksums, sources, slugs, the insert, bylines, mentions, and the few
    # lookups of a publication, an author and an entity met for the first time; then the
    # import's later steps (grouping into stories), also a batch at a time. One by one it
    # was a dozen queries an article: 2,400.
    with django_assert_max_num_queries(80):
        report = import_records(records, find_entities=False)
    assert len(report.created) == 200 and not report.failed
    article = Article.objects.get(source_name="desk-7")
    assert article.status == Article.Status.PUBLISHED and article.published_at is not None
    assert article.word_count == len(article.body.split())
    assert [a.name for a in article.authors.all()] == ["Ada Quay"]
    assert article.mentions.get().origin == Mention.Origin.SOURCE
    assert Publication.objects.count() == Author.objects.count() == Entity.objects.count() == 1
    assert SearchQuerySet().filter(content="dues").count() == 200


def test_titles_alike_get_slugs_of_their_own_within_a_batch_and_beside_stored_ones(
    search_index,
):
    import_records([story(0, title="Tide tables")], find_entities=False)
    import_records([story(n, title="Tide tables") for n in range(1, 4)], find_entities=False)
    slugs = sorted(Article.objects.values_list("slug", flat=True))
    assert slugs == ["tide-tables", "tide-tables-2", "tide-tables-3", "tide-tables-4"]


def test_names_are_reused_whatever_their_case_across_batches(search_index, settings):
    settings.IMPORT_BATCH_SIZE = 2
    Author.objects.create(name="Ada Quay")
    records = [story(n, authors=["ADA QUAY", "Bo Pier"]) for n in range(5)]
    import_records(records, find_entities=False)
    assert sorted(Author.objects.values_list("name", flat=True)) == ["Ada Quay", "Bo Pier"]
    assert Article.objects.filter(authors__name="Ada Quay").count() == 5


def test_a_repeat_within_a_batch_is_one_article_and_a_new_version_updates_it(search_index):
    first = story(1)
    changed = story(1, body="The port authority withdrew the rise after protests.")
    report = import_records([first, first, changed], find_entities=False)
    assert len(report.created) == 1 and len(report.unchanged) == 1 and len(report.updated) == 1
    assert Article.objects.get().body.startswith("The port authority withdrew")


def test_a_record_the_database_refuses_fails_alone_and_the_batch_goes_in_one_by_one(
    search_index, caplog
):
    caplog.set_level("INFO", logger="articles.ingest.bulk")
    records = [story(n) for n in range(5)]
    # A count below zero breaks a CHECK constraint: the batch's insert fails as a whole.
    records[2].entities = [EntityRef("Port Authority", "organisation", count=-1)]
    report = import_records(records, find_entities=False)
    assert len(report.created) == 4
    assert report.failed_count == 1 and report.failed[0][0] == "desk-2"
    assert not Article.objects.filter(source_name="desk-2").exists()
    assert Entity.objects.count() == 1 and Mention.objects.count() == 4
    assert "A batch of 5 is stored one by one instead" in caplog.text


def test_a_record_that_cannot_be_read_fails_alone(search_index):
    records = [story(n) for n in range(3)]
    records[1].published = "the day after the storm"  # not a date
    report = import_records(records, find_entities=False)
    assert len(report.created) == 2 and report.failed[0][0] == "desk-1"


def test_a_record_with_no_text_is_reported_as_the_one_by_one_store_reports_it(search_index):
    report = import_records([story(1), story(2, body="", raw_text="")], find_entities=False)
    assert len(report.created) == 1
    assert report.failed == [("desk-2", "no article text was found")]


def test_a_record_with_fields_missing_comes_in_for_review(search_index):
    report = import_records([story(1, published=None), story(2)], find_entities=False)
    review = Article.objects.get(pk=report.created[0])
    assert review.status == Article.Status.REVIEW and "publication date" in review.missing_fields
    assert not SearchQuerySet().filter(content="1th").count()


def test_entities_can_wait_for_the_background_command(search_index, tmp_path):
    table = tmp_path / "desk.csv"
    table.write_text(
        "headline,text,date\n"
        "Ministers meet,Angela Merkel met Emmanuel Macron in Paris on Monday.,2019-05-06\n",
        encoding="utf-8",
    )
    mapping = "title=headline,body=text,published=date"
    call_command("import_articles", str(table), mapping=mapping, skip_entities=True)
    article = Article.objects.get()
    assert article.entities_found_at is None and not article.mentions.exists()
    call_command("extract_entities", not_yet=True, no_progress=True)
    article.refresh_from_db()
    assert article.entities_found_at is not None
    assert "Angela Merkel" in article.mentions.values_list("entity__name", flat=True)
