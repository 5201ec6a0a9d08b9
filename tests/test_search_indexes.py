"""``ArticleIndex.full_prepare`` writes out what haystack's ``full_prepare`` gives for the
index (issue 18: a tenth of an import's indexing went to haystack's generic way). Both are
run here on every state of an article a document can come from, as the index reads it
(``index_queryset``'s prefetches), as a plain object, and as an import reads what it has
just stored: the same keys, in the same order, with the same values."""

import datetime as dt

import pytest
from haystack import indexes

from articles.ingest.pipeline import import_records
from articles.models import Article, Entity, Mention
from articles.search.indexing import IndexedArticles
from articles.search_indexes import ArticleIndex
from tests import builders
from tests.ingest.test_index_ahead import fresh_archive, records

pytestmark = pytest.mark.django_db

GROUP, PERSON, PLACE = Entity.Kind.GROUP, Entity.Kind.PERSON, Entity.Kind.PLACE


def haystacks(index: ArticleIndex, obj: Article) -> list:
    return list(indexes.SearchIndex.full_prepare(index, obj).items())


def every_state() -> list[Article]:
    sec = builders.section("Politics")
    made = [
        builders.article(),
        builders.article("Two bylines", authors=["Nancy Thomas", "Ali Rezaei"], sec=sec),
        builders.article(
            "Named",
            entities=[("Tehran", PLACE), ("Republicans", GROUP), ("Recep Tayyip Erdogan", PERSON)],
        ),
        builders.article("Undated", published_on=None, language=""),
        builders.article("کتابخانه ملی", body="متن فارسی", language="fa", kicker="Kicker"),
        builders.article("Summarised", summary="A summary.", authors=["Nancy Thomas"]),
    ]
    rejected = builders.article("One rejected", entities=[("Tehran", PLACE), ("Iran", PLACE)])
    Mention.objects.filter(article=rejected, entity__name="Iran").update(rejected=True)
    made.append(rejected)
    orphan = builders.article("No publication")
    Article.objects.filter(pk=orphan.pk).update(publication=None)
    return made


def test_the_index_prepares_each_article_as_haystack_does():
    every_state()
    index = ArticleIndex()
    as_indexed = list(index.index_queryset())
    assert len(as_indexed) == 8
    for obj in as_indexed:  # with the prefetched bylines and mentions
        assert list(index.full_prepare(obj).items()) == haystacks(index, obj), obj.title
    for obj in Article.objects.all():  # without them
        assert list(index.full_prepare(obj).items()) == haystacks(index, obj), obj.title
    undated = Article.objects.get(title="Undated")
    assert "published_on" not in index.full_prepare(undated)


def test_a_rebuild_reads_each_article_as_the_index_queryset_gives_it():
    # A rebuild reads its articles as values (``indexing.IndexedArticles``), its authors
    # and entities as names: prepared, they are what haystack's way makes of the articles
    # ``index_queryset`` gives, with its prefetched bylines and mentions.
    every_state()
    index = ArticleIndex()
    articles = IndexedArticles(index, chunk=3)
    read = [obj for ids in articles.chunks() for obj in articles.read(ids)]
    assert [list(index.full_prepare(obj).items()) for obj in read] == [
        haystacks(index, obj) for obj in index.index_queryset()
    ]
    assert len(read) == 8 and {type(obj) for obj in read} == {Article}


def test_a_field_out_of_step_is_caught():
    obj = builders.article("Named", entities=[("Republicans", GROUP)])
    index = ArticleIndex()
    mine = index.full_prepare(obj)
    assert mine["entities"] == [] and mine["entity_names"] == "Republicans"
    mine["entities_exact"] = ["Republicans"]
    assert list(mine.items()) != haystacks(index, obj)


def test_an_import_prepares_what_it_stored_as_haystack_does(monkeypatch):
    # An import indexes the articles it has just stored (``indexing._as_stored``): each
    # one the backend prepares is checked against haystack's way as it goes.
    checked = []
    own = ArticleIndex.full_prepare

    def both(self, obj, with_string_facet=True):
        mine = own(self, obj, with_string_facet)
        checked.append((list(mine.items()), haystacks(self, obj)))
        return mine

    monkeypatch.setattr(ArticleIndex, "full_prepare", both)
    fresh_archive()
    import_records(records(), find_entities=False, group_stories=False)
    assert len(checked) >= 8
    for mine, theirs in checked:
        assert mine == theirs


def test_every_field_of_the_index_is_prepared():
    obj = builders.article(published_on=dt.date(2001, 2, 3))
    prepared = ArticleIndex().full_prepare(obj)
    assert set(prepared) - {"id", "django_ct", "django_id"} == set(ArticleIndex.fields)
