"""The terms a search row holds often for its length (issue 18, migration 0016, the
``salient`` column) and the candidates of a broad search they choose first
(``postgres_candidates._candidates``): past ``COUNT_LIMIT`` matches, those where the search's
words are salient, then those holding them in their title, then the first others.
The bounds are lowered here so that a handful of articles cross them.

Runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...); skipped on SQLite.
"""

import pytest
from django.db import connection
from django.http import QueryDict
from haystack import connections

from articles.search.backends import postgres
from articles.search.backends.postgres_tables import TABLE
from articles.search.facets import facet_filter
from articles.search.service import SearchParams, run_search
from tests import builders
from tests.search.engines import POSTGRES_ONLY

pytestmark = [pytest.mark.django_db, POSTGRES_ONLY]

FILLER = " ".join(f"word{n}" for n in range(60))


@pytest.fixture(autouse=True)
def empty_statistics(db):
    """The term statistics as an empty archive's: a row's salient terms depend on the
    average length they hold, and a test that commits (a rebuild's workers) leaves its
    totals behind, which no flush clears (the table is the backend's, not a model's)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_total SET documents = 0, length = 0, title_length = 0")


def salient_of(article) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tsvector_to_array(salient) FROM {TABLE} WHERE django_id = %s",
            [str(article.pk)],
        )
        found = cursor.fetchone()
    return set(found[0]) if found else set()


def best(q: str, per_page: int = 3) -> list[str]:
    params = QueryDict(mutable=True)
    params.update({"q": q})
    found = run_search(SearchParams.from_query(params, per_page=per_page))
    return [hit.article.title for hit in found.hits]


@pytest.fixture
def harvest(postgres_indexed):
    """Four articles with 'harvest' in their title and once in a long text, stored first;
    then one that says it again and again in a short text, without it in its title: the
    best of all for 'harvest'; then one that does not match."""
    with postgres_indexed():
        for n in range(4):
            builders.article(title=f"Harvest {n}", body=f"The harvest came. {FILLER} {FILLER}")
        builders.article(
            title="In the fields",
            body="Harvest after harvest: this harvest, the best harvest in years.",
        )
        builders.article(title="Weather", body=f"Rain tomorrow. {FILLER}")


def test_a_word_held_often_in_a_short_text_is_salient(harvest):
    from articles.models import Article

    fields = Article.objects.get(title="In the fields")
    assert "harvest" in salient_of(fields)
    # Once in a title and once in a long text: not salient.
    assert "harvest" not in salient_of(Article.objects.get(title="Harvest 0"))


def test_the_best_match_held_in_the_text_alone_makes_a_bounded_top(harvest, monkeypatch):
    """Before, the candidates were the titled ones (shortest first), then the first others:
    the article that holds the word most for its length, stored last and not titled, was
    never ranked."""
    exact = best("harvest", per_page=20)  # every match ranked
    assert exact[0] == "In the fields"
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 3)
    monkeypatch.setattr(postgres, "CANDIDATES", 2)
    assert best("harvest", per_page=2)[0] == "In the fields"
    assert best("harvest*", per_page=2)[0] == "In the fields"


def test_the_salient_terms_follow_the_article(harvest, postgres_indexed):
    """Written by every upsert with the row, gone with it: a stale salient term could
    only make a candidate that is still a match."""
    from articles.models import Article

    fields = Article.objects.get(title="In the fields")
    with postgres_indexed():
        fields.body = f"A harvest. {FILLER} {FILLER}"
        fields.save()
    assert "harvest" not in salient_of(fields)
    with postgres_indexed():
        fields.body = "Rain, rain, rain and more rain today."
        fields.save()
    assert "rain" in salient_of(fields)
    backend = connections["default"].get_backend()
    backend.remove(fields)
    assert salient_of(fields) == set()


def test_a_rebuild_writes_the_salient_terms(harvest):
    from articles.models import Article
    from articles.search.indexing import rebuild_index

    rebuild_index()
    assert "harvest" in salient_of(Article.objects.get(title="In the fields"))


@pytest.mark.parametrize(
    ("q", "salient"),
    [
        ("harvest", True),
        ("harvest fields", True),
        ("harvest OR rain", True),
        ("harvest AND rain", True),
        ("harves*", True),
        ('"the harvest"', False),  # a salient word says nothing of its place
        ("title:harvest", False),  # nor of the title
        ("body:harvest", False),  # a weight: the column holds none
        ("harvest -rain", False),  # nor of a word left out
        ("section:news", False),
    ],
)
def test_which_searches_have_salient_candidates(harvest, q, salient):
    """Salient candidates are matches: the column's terms are the text's."""
    backend = connections["default"].get_backend()
    with connection.cursor() as cursor:
        where = backend._where("*", q, None, None, None, cursor)
    assert (where.salient is not None) == salient
    if salient:
        sql = f"SELECT count(*) FROM {TABLE} WHERE {where.salient} AND NOT ({where.sql})"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*where.salient_params, *where.params])
            assert cursor.fetchone()[0] == 0


def test_a_filter_beside_the_words_holds_for_the_salient_candidates(harvest):
    backend = connections["default"].get_backend()
    with connection.cursor() as cursor:
        where = backend._where(
            "*", "harvest", [facet_filter("publication", "Nowhere")], None, None, cursor
        )
        cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE {where.salient}", where.salient_params)
        assert cursor.fetchone()[0] == 0


def test_rows_where_a_rarer_word_is_salient_come_first(postgres_indexed, monkeypatch):
    """Of the salient rows of several words, those of the rarer word first: its BM25
    weighs more (``Where.rarest``). Salient first, shortest first, the first field of the
    table."""
    with postgres_indexed():
        for n in range(3):
            builders.article(title=f"Field {n}", body="corn corn corn corn corn corn")
        builders.article(title="Barley crop", body="barley barley barley barley barley")
    assert best("corn OR barley", per_page=20)[0] == "Barley crop"  # every match ranked
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 2)
    monkeypatch.setattr(postgres, "CANDIDATES", 1)
    assert best("corn OR barley", per_page=1) == ["Barley crop"]


def test_rows_holding_every_word_come_before_the_salient_ones(postgres_indexed, monkeypatch):
    """Several words held each a few times weigh more than one held often: a title with
    both words is a candidate before the rows where one of them is salient."""
    with postgres_indexed():
        for n in range(3):
            builders.article(title=f"Field {n}", body="corn corn corn corn corn corn")
        builders.article(title="Barley and corn", body=f"Barley, corn. {FILLER}")
    assert best("corn OR barley", per_page=20)[0] == "Barley and corn"  # every match ranked
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 2)
    monkeypatch.setattr(postgres, "CANDIDATES", 1)
    assert best("corn OR barley", per_page=1) == ["Barley and corn"]
