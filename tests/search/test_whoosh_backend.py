"""The Whoosh backend as the archive uses it: real index in a temp dir, real queries."""

import pytest
from haystack.query import SearchQuerySet

from articles.models import Article, Entity
from articles.search.facets import facet_filter
from articles.search.indexing import sync_index, update_articles
from tests import builders

pytestmark = pytest.mark.django_db


def facets(sqs, field):
    return dict(sqs.facet(field).facet_counts()["fields"][field])


def test_facets_count_real_names_not_stems(indexed):
    with indexed():
        builders.article(authors=["Nancy Thomas"], body="Missiles and more missiles.")
        builders.article(
            authors=["Nancy Thomas", "Ulas Atesci, Jr."],
            entities=[("Recep Tayyip Erdogan", Entity.Kind.PERSON)],
            body="Missiles again.",
            sec=builders.section("European Languages"),
        )
    sqs = SearchQuerySet().auto_query("missile")
    assert facets(sqs, "authors") == {"Nancy Thomas": 2, "Ulas Atesci, Jr.": 1}
    assert facets(sqs, "entities") == {"Recep Tayyip Erdogan": 1}
    assert facets(sqs, "section") == {"European Languages": 1}
    assert facets(sqs, "publication") == {"The Daily Record": 2}
    assert facets(sqs, "year") == {"2019": 2}


def test_facet_filter_keeps_only_that_value(indexed):
    with indexed():
        builders.article(authors=["Nancy Thomas"], body="Missiles over Idlib.")
        other = builders.article(authors=["Ulas Atesci, Jr."], body="Missiles over Ankara.")
    sqs = (
        SearchQuerySet().auto_query("missiles").narrow(facet_filter("authors", "Ulas Atesci, Jr."))
    )
    assert [int(r.pk) for r in sqs] == [other.pk]


def test_only_published_articles_are_indexed(indexed):
    with indexed():
        public = builders.article(body="Patriot missiles")
        for status in (Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN):
            builders.article(body="Patriot missiles", status=status)
    assert [int(r.pk) for r in SearchQuerySet().auto_query("patriot")] == [public.pk]


def test_withdrawing_removes_at_once_and_publishing_adds(indexed):
    with indexed():
        article = builders.article(body="Sochi agreement")
    assert SearchQuerySet().auto_query("sochi").count() == 1
    with indexed():
        article.withdraw()
    assert SearchQuerySet().auto_query("sochi").count() == 0
    with indexed():
        article.publish()
    assert SearchQuerySet().auto_query("sochi").count() == 1


def test_renaming_an_author_updates_the_facet(indexed):
    with indexed():
        article = builders.article(authors=["Nancy Thomas"], body="Sochi agreement")
    with indexed():
        author = article.authors.get()
        author.name = "Nancy A. Thomas"
        author.save()
    assert facets(SearchQuerySet().auto_query("sochi"), "authors") == {"Nancy A. Thomas": 1}


def test_sync_index_repairs_drift(search_index):
    kept = builders.article(body="alpha")  # saved without on-commit: the index never heard
    gone = builders.article(body="alpha")
    update_articles([gone.pk])
    Article.objects.filter(pk=gone.pk).update(status=Article.Status.WITHDRAWN)  # no signal
    assert sync_index() == (1, 1)
    assert [int(r.pk) for r in SearchQuerySet().auto_query("alpha")] == [kept.pk]
    assert sync_index() == (0, 0)


def test_searcher_sees_new_documents_after_a_write(indexed):
    with indexed():
        builders.article(body="first words")
    assert SearchQuerySet().auto_query("words").count() == 1
    with indexed():
        builders.article(body="more words")
    assert SearchQuerySet().auto_query("words").count() == 2


@pytest.mark.parametrize("procs", [1, 2])
def test_rebuild_replaces_the_index_in_one_pass(search_index, procs):
    from django.core.management import call_command

    kept = builders.article(title="Kept", body="alpha beta", authors=["Nancy Thomas"])
    builders.article(title="Draft", body="alpha", status=Article.Status.DRAFT)
    update_articles([kept.pk])
    search_index.remove("articles.article.999999")  # a stale entry a rebuild must not keep
    call_command("reindex", "--procs", str(procs))
    assert [int(r.pk) for r in SearchQuerySet().auto_query("alpha")] == [kept.pk]
    assert facets(SearchQuerySet().auto_query("alpha"), "authors") == {"Nancy Thomas": 1}


def test_indexing_many_articles_with_many_entities_at_once(search_index):
    """A batch whose articles name more than a thousand entities between them."""
    from articles.models import Mention

    articles = [builders.article(body=f"story {n}") for n in range(40)]
    entities = [builders.entity(f"Entity {n}", Entity.Kind.OTHER) for n in range(1200)]
    Mention.objects.bulk_create(
        Mention(article=articles[n % 40], entity=entity) for n, entity in enumerate(entities)
    )
    assert update_articles([a.pk for a in articles]) == (40, 0)


def test_facet_counts_follow_new_segments_and_deletions(indexed):
    """Multi-valued facet lists are kept per segment: a later write (a new segment) and a
    withdrawal (a deletion inside a kept segment) must both show in the counts."""
    from articles.search.backends.whoosh import segment_cache

    with indexed():
        first = builders.article(authors=["Nancy Thomas"], body="Grain prices rose.")
        builders.article(authors=["Nancy Thomas", "Ulas Atesci"], body="Grain exports fell.")
    assert facets(SearchQuerySet().auto_query("grain"), "authors") == {
        "Nancy Thomas": 2,
        "Ulas Atesci": 1,
    }
    cached = len(segment_cache._built)
    assert facets(SearchQuerySet().auto_query("grain"), "authors") == {
        "Nancy Thomas": 2,
        "Ulas Atesci": 1,
    }
    assert len(segment_cache._built) == cached  # the second search built nothing new

    with indexed():
        builders.article(authors=["Ulas Atesci"], body="Grain ships sailed.")
    assert facets(SearchQuerySet().auto_query("grain"), "authors") == {
        "Nancy Thomas": 2,
        "Ulas Atesci": 2,
    }
    with indexed():
        first.withdraw()
    assert facets(SearchQuerySet().auto_query("grain"), "authors") == {
        "Nancy Thomas": 1,
        "Ulas Atesci": 2,
    }
