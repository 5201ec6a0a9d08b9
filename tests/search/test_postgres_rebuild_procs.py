"""A rebuild whose rows are made in worker processes (``rebuild(procs=2)``, PostgreSQL): the
same tables as one made in this process, and a worker's failure or death stops it cleanly.
The reading of a rebuild's articles by chunks (``indexing.IndexedArticles``) runs on both
databases."""

import datetime as dt
import multiprocessing
import os

import pytest
from django.db import connection

from articles.models import Article
from articles.search import indexing
from articles.search.backends.postgres import PostgresSearchBackend
from articles.search.backends.postgres_statistics import _recount
from articles.search.backends.rebuild_workers import RebuildWorkerFailed
from articles.search.indexing import IndexedArticles, rebuild_index
from tests import builders
from tests.search.engines import POSTGRES_ENGINE, POSTGRES_ONLY, search, search_engine

# Every article read by a worker is in a chunk of 40: the 200-odd articles below make six
# chunks, shared by two workers, and batches (``BATCH``) end inside a chunk's rows.
CHUNK = 40


@pytest.fixture
def search_index(_search_index_in_tmp, monkeypatch):
    monkeypatch.setattr(indexing, "BATCH_SIZE", CHUNK)
    monkeypatch.setattr("articles.search.backends.postgres.BATCH", 15)
    with search_engine(POSTGRES_ENGINE) as backend:
        yield backend


def archive() -> int:
    """Articles of every shape the index reads; returns how many are published."""
    pub = builders.publication()
    section = builders.section("World", pub)
    Article.objects.bulk_create(
        Article(
            title=f"Harvest report {n}",
            slug=f"harvest-report-{n}",
            body=f"Wheat and barley harvest, field {n} of {n % 7} farms.",
            status=Article.Status.PUBLISHED,
            publication=pub,
            section=section if n % 3 else None,
            published_on=None if n % 11 == 0 else dt.date(2000 + n % 20, 1 + n % 12, 1),
            language="en",
            checksum=f"harvest{n:057d}",
        )
        for n in range(180)
    )
    builders.article(
        "سیاست خارجی",
        "وزیر امور خارجه در کتابخانه‌ها با خبرنگاران گفت‌وگو کرد.",
        language="fa",
        authors=["Ali Rezaei", "Nancy Thomas"],
        entities=[("Tehran", "place"), ("Nancy Thomas", "person")],
        pub=pub,
    )
    for n in range(30):
        builders.article(
            f"Barley prices {n}",
            f"Barley rose by {n} percent; traders in Basra and Rotterdam agreed.",
            authors=[f"Reporter {n % 4}"],
            entities=[("Basra", "place"), (f"Trader {n % 5}", "person")],
            sec=section,
            pub=pub,
        )
    builders.article("A draft", "barley", status=Article.Status.DRAFT, pub=pub)
    return 180 + 1 + 30


def tables() -> dict[str, list]:
    with connection.cursor() as cursor:
        found = {}
        for table, order in (
            ("search_document", "id"),
            ("search_word", "word"),
            ("search_term", "term"),
            ("search_total", "1"),
        ):
            cursor.execute(f"SELECT t::text FROM {table} t ORDER BY {order}")  # noqa: S608
            found[table] = [text for (text,) in cursor.fetchall()]
        return found


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_rows_made_in_two_worker_processes_are_those_made_here(search_index, tmp_path, monkeypatch):
    published = archive()
    row = PostgresSearchBackend._row

    def recording(self, index, obj):
        with open(tmp_path / str(os.getpid()), "a") as made:
            made.write(f"{obj.pk}\n")
        return row(self, index, obj)

    monkeypatch.setattr(PostgresSearchBackend, "_row", recording)
    assert rebuild_index(procs=1) == published
    here = tables()
    assert len(here["search_document"]) == published
    assert {path.name for path in tmp_path.iterdir()} == {str(os.getpid())}
    (tmp_path / str(os.getpid())).unlink()

    assert rebuild_index(procs=2) == published
    assert tables() == here
    # Made in other processes, at most two; every article once.
    makers = list(tmp_path.iterdir())
    assert str(os.getpid()) not in {path.name for path in makers}
    assert 1 <= len(makers) <= 2
    made = [line for path in makers for line in path.read_text().split()]
    assert sorted(map(int, made)) == sorted(
        Article.objects.published().values_list("pk", flat=True)
    )
    assert search("barley").total == published - 1  # the Persian article holds none
    assert not multiprocessing.active_children()


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_a_worker_that_raises_fails_the_rebuild_and_keeps_the_old_index(search_index, monkeypatch):
    published = archive()
    assert rebuild_index(procs=2) == published
    before = tables()
    row = PostgresSearchBackend._row

    def failing(self, index, obj):
        if obj.title == "Harvest report 100":
            raise RuntimeError("the database went away")
        return row(self, index, obj)

    monkeypatch.setattr(PostgresSearchBackend, "_row", failing)
    with pytest.raises(RebuildWorkerFailed, match="(?s)search-rebuild-.*went away"):
        rebuild_index(procs=2)
    assert tables() == before
    assert not multiprocessing.active_children()


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_a_worker_that_dies_fails_the_rebuild_and_keeps_the_old_index(search_index, monkeypatch):
    published = archive()
    assert rebuild_index(procs=2) == published
    before = tables()
    row = PostgresSearchBackend._row
    parent = os.getpid()

    def dying(self, index, obj):
        if obj.title == "Harvest report 100" and os.getpid() != parent:
            os._exit(3)  # as if killed: no traceback, no message
        return row(self, index, obj)

    monkeypatch.setattr(PostgresSearchBackend, "_row", dying)
    with pytest.raises(RebuildWorkerFailed, match="exit code 3"):
        rebuild_index(procs=2)
    assert tables() == before
    assert not multiprocessing.active_children()
    assert search("barley").total == published - 1


def indexes() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename IN ('search_document', 'search_word') ORDER BY 1"
        )
        return cursor.fetchall()


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("procs", [1, 2])
def test_a_rebuild_writes_the_statistics_its_table_holds_and_keeps_every_index(search_index, procs):
    # The term statistics are counted as the rows are made, no longer read back from the
    # new table; the indexes are built on the committed new table, then renamed.
    archive()
    before = indexes()
    assert len(before) > 10 and not any("building" in name for name, _ in before)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_total SET documents = 7, length = 7")
        cursor.execute("INSERT INTO search_term VALUES ('stale', 9)")
    rebuild_index(procs=procs)
    written = tables()
    assert len(written["search_term"]) > 100 and "(stale,9)" not in written["search_term"]
    with connection.cursor() as cursor:
        _recount(cursor, "search_document")
    assert tables() == written
    assert indexes() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname LIKE '%%building%%'")
        assert cursor.fetchone() == (0,)


@pytest.mark.django_db
def test_the_chunks_of_a_rebuild_hold_every_published_article_once_in_the_index_order():
    published = archive()
    index = indexing._article_index()
    articles = IndexedArticles(index, chunk=CHUNK)
    chunks = articles.chunks()
    assert [len(ids) for ids in chunks] == [CHUNK] * (published // CHUNK) + [published % CHUNK]
    listed = [pk for ids in chunks for pk in ids]
    ordered = list(index.index_queryset().values_list("pk", flat=True))
    assert listed == ordered
    assert [article.pk for ids in chunks for article in articles.read(ids)] == ordered
    assert [article.pk for article in articles] == ordered
    # An article withdrawn after the chunks were listed is left out of its chunk.
    Article.objects.filter(pk=chunks[1][3]).update(status=Article.Status.DRAFT)
    assert chunks[1][3] not in [article.pk for article in articles.read(chunks[1])]


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_the_workers_write_the_salient_terms_postgresql_chose(search_index):
    # Made in the workers against the archive's average length before the rebuild (the
    # statistics say 100 words), as ``search_salient`` made them from each row's text.
    archive()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_total SET documents = 10, length = 1000")
    rebuild_index(procs=2)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE salient = search_salient("
            "ts_filter(document, '{d}'), 5.399999999999999 * (1 - 0.75 + 0.75 * "
            "length::float8 / 100))), count(*) FILTER (WHERE salient <> '') FROM search_document"
        )
        rows, same, some = cursor.fetchone()
    assert rows == same and some > 100
