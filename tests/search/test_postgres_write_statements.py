"""How the PostgreSQL backend writes its tables (issue 18, session 8): the search rows
bound apart from their statement (one statement text, the values as parameters), and the
lists of terms, words and ids sent as one string each, split by PostgreSQL. The tables must
hold what they held: every term counted as a recount from the documents gives, every word
kept."""

import datetime as dt
import json

import pytest
from django.db import connection
from haystack import connections

from articles.models import Article
from articles.search import indexing
from articles.search.backends import postgres
from articles.search.backends.postgres_tables import TABLE, TERMS, TOTALS, WORDS
from articles.search.backends.postgres_vectors import _vector
from tests import builders
from tests.search.engines import (
    POSTGRES_ENGINE,
    POSTGRES_ONLY,
    search_engine,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    POSTGRES_ONLY,
]

# Words a careless split would cut or merge: dots between digits, apostrophes, Persian
# written apart, together and with a ZWNJ, a no-break space, Arabic-Indic digits, tabs.
TEXTS = [
    "Erdogan's S-400 deal: the U.S. and NATO reply at 3.5% o'clock.",
    "کتاب خانه بزرگ بندر بازگشایی شد. کتابخانه‌ها در تهران، می‌رود و میرود",
    "Café crème\u00a0in São Paulo;\tnaïve résumé — ÉCOLE, straße ١٩٨٧",
    "Missiles, missile; missiles! The Hague who US us",
]


@pytest.fixture
def backend(_search_index_in_tmp):
    with search_engine(POSTGRES_ENGINE) as backend:
        yield backend
    Article.objects.all().delete()


def tables() -> tuple[dict, set, tuple]:
    """(the term statistics, the words kept, the totals) as the tables hold them."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term, documents FROM {TERMS}")
        terms = dict(cursor.fetchall())
        cursor.execute(f"SELECT word FROM {WORDS}")
        words = {word for (word,) in cursor.fetchall()}
        cursor.execute(f"SELECT documents, length, title_length FROM {TOTALS}")
        totals = cursor.fetchone()
    return terms, words, totals


def recounted() -> tuple[dict, tuple]:
    """The term statistics and totals counted afresh from the documents."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT term, count(*) FROM {TABLE}, "
            "unnest(tsvector_to_array(ts_filter(document, '{d}'))) term GROUP BY term"
        )
        terms = dict(cursor.fetchall())
        cursor.execute(
            "SELECT count(*), coalesce(sum(length), 0), coalesce(sum(title_length), 0) "
            f"FROM {TABLE}"
        )
        return terms, cursor.fetchone()


def test_terms_words_and_totals_follow_writes_updates_and_removals(backend):
    articles = [builders.article(title=f"Text {n}", body=text) for n, text in enumerate(TEXTS)]
    indexing.update_articles([a.pk for a in articles])
    terms, words, totals = tables()
    assert (terms, totals) == recounted()
    every_word = set()
    for text in TEXTS:
        every_word |= set(_vector(text)[2])
    assert every_word <= words
    assert {"3.5", "us", "کتابخانه", "erdogan", "١٩٨٧"} & words >= {"3.5", "us", "کتابخانه"}
    assert terms["missil"] == 1 and terms["3.5"] == 1

    # A changed version takes some terms away (counted down, deleted at none), adds others.
    articles[3].body = "Harbour dues; the missile left."
    articles[3].save()
    indexing.update_articles([articles[3].pk])
    terms, _, totals = tables()
    assert (terms, totals) == recounted()
    assert "hagu" not in terms and terms["harbour"] == 1

    connections["default"].get_backend().remove(indexing.get_identifier_for(articles[0].pk))
    terms, _, totals = tables()
    assert (terms, totals) == recounted()
    assert "3.5" not in terms and totals[0] == 3


def test_no_word_or_term_holds_the_space_the_lists_are_split_on():
    for text in TEXTS:
        literal, _, words, terms = _vector(text)
        assert words and terms
        assert not any(" " in w or not w for w in [*words, *terms])
        assert literal.count(" ") == len(terms) - 1


def test_a_batch_of_search_rows_is_one_statement_its_values_bound_apart(backend, monkeypatch):
    import psycopg

    sent = []
    execute = psycopg.Cursor.execute

    def spy(self, query, params=None, **kwargs):
        sent.append((type(self), query, params))
        return execute(self, query, params, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", spy)
    articles = [builders.article(body=f"Grain harvest {n}") for n in range(3)]
    sent.clear()  # each save indexed its article
    indexing.update_articles([a.pk for a in articles])
    inserts = [(kind, params) for kind, query, params in sent if f"INSERT INTO {TABLE} " in query]
    # Not Django's cursor, which quotes every value into the statement's text; one
    # statement for the three rows, not one per row.
    assert len(inserts) == 1 and not issubclass(inserts[0][0], psycopg.ClientCursor)
    (packed,) = inserts[0][1]
    assert packed.count(postgres._ROWS) == 2
    assert tables()[2][0] == 3


def test_a_batch_of_rows_in_one_statement_stores_each_rows_values_as_made(backend):
    """The rows go packed in one string (``_packed``): what is stored is what ``_row`` made,
    even with the separators, quotes and backslashes in the article's text and names."""
    odd = "Record\x1esep\x1funit; \"quoted\" 'single' back\\slash \\x1e {braces} [1,2] NULL"
    articles = [
        builders.article(
            title=f"Title {n}: {odd}",
            body=f"{text} {odd}",
            authors=[f"Ann\x1fLee {n}", 'Bo "Q" O\'Neil\\'],
            entities=[(f"Port\x1eBoard {n}", "organisation")],
            published_on=None if n == 1 else dt.date(2020, 1, n + 1),
        )
        for n, text in enumerate(TEXTS)
    ]
    backend = connections["default"].get_backend()
    index = connections["default"].get_unified_index().get_index(Article)
    queryset = index.index_queryset().filter(pk__in=[a.pk for a in articles])
    made = {row[0]: row for row in (backend._row(index, a) for a in queryset)}
    indexing.update_articles([a.pk for a in articles])
    with connection.cursor() as cursor:
        for identifier, row in made.items():
            cursor.execute(
                "SELECT (setweight(%s::tsvector, 'A') || setweight(%s::tsvector, 'B') || "
                "setweight(%s::tsvector, 'C') || setweight(%s::tsvector, 'D'))::text, "
                "(setweight(%s::tsvector, 'A') || setweight(%s::tsvector, 'B'))::text",
                row[5:11],
            )
            expected = (row[0], row[1], row[2], row[3], json.loads(row[4]), *cursor.fetchone())
            cursor.execute(
                f"SELECT id, django_ct, django_id, published_on, facets, document::text, "
                f"labels::text, length, title_length FROM {TABLE} WHERE id = %s",
                [identifier],
            )
            stored = cursor.fetchone()
            stored = (*stored[:4], json.loads(stored[4]), *stored[5:])
            assert stored[:5] == expected[:5] and stored[5:7] == expected[5:]
            assert stored[7:] == (row[-2], row[-1])  # the lengths, after the salient terms
            assert any("\x1f" in name for name in stored[4]["authors_exact"])
    assert len(made) == len(TEXTS)


def test_the_same_article_twice_in_one_update_is_one_row_counted_once(backend):
    article = builders.article(title="Twice", body="Harbour dues")
    backend = connections["default"].get_backend()
    index = connections["default"].get_unified_index().get_index(Article)
    twice = list(index.index_queryset().filter(pk=article.pk)) * 2
    backend.clear()
    backend.update(index, twice)
    terms, _, totals = tables()
    assert totals[0] == 1 and terms["harbour"] == 1
    assert (terms, totals) == recounted()
