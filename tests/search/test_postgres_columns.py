"""The PostgreSQL search table's facet columns and title vector (migration 0014, issue 18).

A facet filter reads the facet's own column and ``title:`` the title's vector; both answer
exactly what the ``facets`` JSONB and ``document``'s A weight answered before, which the
backend still reads for a facet without a column (here: forced, to compare). The migration
fills the columns of rows written before it, and PostgreSQL keeps them on every write.

Runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...); skipped on SQLite.
"""

import datetime as dt
import importlib

import pytest
from django.db import connection, transaction

from articles.models import Entity
from articles.search.backends.postgres_queries import NAMED_FIELDS
from articles.search.backends.postgres_vectors import _vector
from tests import builders
from tests.search.engines import (
    POSTGRES_ENGINE,
    POSTGRES_ONLY,
    search,
    search_engine,
)

pytestmark = [
    pytest.mark.django_db,
    POSTGRES_ONLY,
]

migration = importlib.import_module("articles.migrations.0014_search_facet_columns")
oldest_first = importlib.import_module("articles.migrations.0015_oldest_first")  # on 0014's
FACET_COLUMNS = list(migration.FACET_COLUMNS)
PERSON = Entity.Kind.PERSON


@pytest.fixture
def backend(db, _search_index_in_tmp):
    with search_engine(POSTGRES_ENGINE) as backend:
        backend.setup()
        yield backend


@pytest.fixture
def archive(backend, django_capture_on_commit_callbacks):
    """Oil and grain stories over two publications, two languages, three years, with
    authors and entities shared between them."""
    reuters, tehran = builders.publication("Reuters"), builders.publication("Tehran Times")
    business = builders.section("Business", reuters)
    with django_capture_on_commit_callbacks(execute=True):
        builders.article(
            title="Oil prices climb",
            body="Oil prices rose as OPEC met.",
            pub=reuters,
            sec=business,
            authors=["Nancy Thomas", 'Ali "The Pen" Rezaei'],
            entities=[("OPEC", Entity.Kind.ORGANISATION), ("Saudi Arabia", Entity.Kind.PLACE)],
            published_on=dt.date(1987, 3, 2),
        )
        builders.article(
            title="Grain harvest",
            body="The oil of sunflowers and the grain harvest.",
            pub=reuters,
            authors=["Nancy Thomas"],
            entities=[("Saudi Arabia", Entity.Kind.PLACE)],
            published_on=dt.date(1987, 4, 9),
        )
        builders.article(
            title="Bank rates",
            body="The central bank held oil reserves and interest rates.",
            pub=tehran,
            authors=['Ali "The Pen" Rezaei'],
            published_on=dt.date(2025, 1, 5),
        )
        builders.article(
            title="بازار نفت",  # the oil market
            body="قیمت نفت در بازار تهران",
            pub=tehran,
            language="fa",
            published_on=None,
        )
        builders.article(title="Weather", body="Rain and bank holidays.", pub=tehran)
    return backend


def outcome(q, filters):
    found = search(q, f=filters)
    return (
        found.total,
        [hit.article.title for hit in found.hits],
        {name: sorted(counts) for name, counts in found.facets.items()},
    )


QUERIES = ["oil", "bank", "", "oil OR grain", '"interest rates"']
FILTERS = [
    [],
    ["publication:Reuters"],
    ["publication:Tehran Times"],
    ["section:Business"],
    ["language:fa"],
    ["year:1987"],
    ["authors:Nancy Thomas"],
    ['authors:Ali "The Pen" Rezaei'],
    ["entities:Saudi Arabia"],
    ["entities:Saudi Arabia", "authors:Nancy Thomas", "publication:Reuters"],
    ["publication:Nobody"],
]


def test_facet_filters_and_counts_on_the_columns_as_on_the_jsonb(archive, monkeypatch):
    assert set(archive.facet_columns) == set(FACET_COLUMNS)
    columns = {(q, tuple(f)): outcome(q, f) for q in QUERIES for f in FILTERS}
    monkeypatch.setattr(archive, "facet_columns", {})  # every facet from the JSONB, as before
    jsonb = {(q, tuple(f)): outcome(q, f) for q in QUERIES for f in FILTERS}
    assert archive._where("*", None, ['year_exact:"1987"'], None).sql == "facets @> %s::jsonb"
    assert columns == jsonb
    # Not all empty: the filters narrow and the facets count.
    assert columns[("oil", ("publication:Reuters",))][:2] == (
        2,
        ["Oil prices climb", "Grain harvest"],
    )
    assert columns[("", tuple(FILTERS[-2]))][0] == 2
    assert columns[("bank", ("year:1987",))][0] == 0
    assert dict(columns[("oil", ())][2]["authors"]) == {
        'Ali "The Pen" Rezaei': 2,
        "Nancy Thomas": 2,
    }


def test_the_filters_read_the_columns(archive):
    """The SQL names the columns and no longer the JSONB (the point: exact indexes)."""
    where = archive._where(
        "*", None, ['publication_exact:"Reuters"', 'authors_exact:"Nancy Thomas"'], None
    )
    assert where.sql == "publication_exact = %s AND authors_exact @> %s::text[]"
    assert where.params == ["Reuters", ["Nancy Thomas"]]


def test_haystack_filters_on_facets(archive):
    from haystack.query import SearchQuerySet

    def found(sqs):
        return sorted(result.object.title for result in sqs)

    sqs = SearchQuerySet()
    assert found(sqs.filter(publication_exact="Reuters")) == ["Grain harvest", "Oil prices climb"]
    assert found(sqs.filter(authors_exact__in=["Nancy Thomas", "Nobody"])) == [
        "Grain harvest",
        "Oil prices climb",
    ]
    assert found(sqs.filter(year_exact__in=["2025", "1987"]).auto_query("bank")) == ["Bank rates"]
    assert found(sqs.filter(authors_exact__in=[])) == []


def test_title_searches_read_the_title_vector_and_rank_as_before(archive, monkeypatch):
    queries = ["title:bank", "title:oil", "title:bank*", 'title:"oil prices"', "oil -title:oil"]
    found = {q: [(h.article.title, round(h.score, 9)) for h in search(q).hits] for q in queries}
    assert [t for t, _ in found["title:bank"]] == ["Bank rates"]  # not "bank holidays"
    assert [t for t, _ in found["title:oil"]] == ["Oil prices climb"]
    assert [t for t, _ in found['title:"oil prices"']] == ["Oil prices climb"]
    assert {t for t, _ in found["oil -title:oil"]} == {"Grain harvest", "Bank rates"}
    # Before: the A-weighted part of ``document``; the same matches, the same scores.
    monkeypatch.setitem(NAMED_FIELDS, "title", ("document", "A"))
    assert {q: [(h.article.title, round(h.score, 9)) for h in search(q).hits] for q in queries} == (
        found
    )
    assert all(score > 0 for _, score in found["title:bank"])


def _title_vectors():
    with connection.cursor() as cursor:
        cursor.execute("SELECT django_id, title::text FROM search_document ORDER BY 1")
        return dict(cursor.fetchall())


def test_the_title_vector_is_the_titles_terms_as_the_writer_makes_them(archive):
    """``ts_filter(document, '{a}')`` is the title's own vector, even where the title's
    words are in the text and names too (their positions merge in ``document``)."""
    from articles.models import Article

    with connection.cursor() as cursor:
        for pk, title in Article.objects.values_list("pk", "title"):
            literal, *_ = _vector(title)
            cursor.execute(
                "SELECT title = setweight(%s::tsvector, 'A'), title <> '' FROM search_document "
                "WHERE django_id = %s",
                [literal, str(pk)],
            )
            assert cursor.fetchone() == (True, True), title


def test_a_write_keeps_the_columns(archive, django_capture_on_commit_callbacks):
    from articles.models import Article

    article = Article.objects.get(title="Grain harvest")
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Grain prices"
        article.publication = builders.publication("Tehran Times")
        article.save()
    assert outcome("grain", ["publication:Reuters"])[0] == 0
    assert outcome("grain", ["publication:Tehran Times"])[1] == ["Grain prices"]
    assert search("title:harvest").total == 0 and search("title:prices").total == 2
    with django_capture_on_commit_callbacks(execute=True):
        article.withdraw()
    assert outcome("grain", ["publication:Tehran Times"])[0] == 0


def _columns():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT django_id, " + ", ".join(FACET_COLUMNS) + ", title::text, facets::text "
            "FROM search_document ORDER BY 1"
        )
        return cursor.fetchall()


def _indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'search_document'")
        return {name for (name,) in cursor.fetchall()}


def test_the_migration_fills_the_columns_of_rows_written_before_it(archive):
    """Back to 0013's table with its rows (the writer names none of 0014's columns: what it
    writes is what it wrote before), then forward: every column as PostgreSQL made it for
    the rows written since, the JSONB's index back with 0013 and gone with 0014."""
    written, indexes = _columns(), _indexes()
    assert any(row[1:7] != (None, None, None, None, [], []) for row in written)
    with transaction.atomic():
        with connection.schema_editor(atomic=False) as editor:
            oldest_first.drop(None, editor)
            migration.drop(None, editor)
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM search_document LIMIT 0")
            assert "title" not in [c.name for c in cursor.description]
        assert "search_document_facets_idx" in _indexes()
        with connection.schema_editor(atomic=False) as editor:
            migration.create(None, editor)
            migration.create(None, editor)  # idempotent
            oldest_first.create(None, editor)
        assert _columns() == written
        assert _indexes() == indexes and "search_document_facets_idx" not in indexes
        transaction.set_rollback(True)
