"""A row's salient terms made in Python (``postgres_candidates.salient_literal``, from the
counts ``postgres_vectors._counted_vector`` gives) are the very terms PostgreSQL's
``search_salient`` gave when it made them from the row's text vector (migration 0016), as
the write statement did until session 13: on corpus texts of every script, at several
average lengths and a batch's own, and past a vector's limits.

Runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...); skipped on SQLite.
"""

import pytest
from django.db import connection
from haystack import connections

from articles.models import Article
from articles.search import ranking
from articles.search.analysis import _ARABIC_SCRIPT
from articles.search.backends.postgres import PostgresSearchBackend
from articles.search.backends.postgres_candidates import (
    SALIENT_SCORE,
    batch_average,
    salient_literal,
)
from articles.search.backends.postgres_vectors import MAX_POSITION, MAX_POSITIONS, _counted_vector
from articles.search.indexing import _article_index
from tests import builders
from tests.search.engines import POSTGRES_ONLY
from tests.search.test_analysis_speed import LONG, TRICKY, corpus_texts  # noqa: F401

pytestmark = [pytest.mark.django_db, POSTGRES_ONLY]


def salient_sql(vector: str, length: str, average: str) -> str:
    """``postgres_candidates.salient_sql`` as it was (session 12): what the rows' salient
    terms were made by in the write statement, against which Python's are checked."""
    k1, b = ranking.K1, ranking.B
    factor = SALIENT_SCORE * k1 / (k1 + 1 - SALIENT_SCORE)
    least = (
        f"{factor!r} * (1 - {b!r} + {b!r} * ({length})::float8 / "
        f"greatest(coalesce({average}, ({length})::float8), 1))"
    )
    return f"search_salient({vector}, {least})"


def differing(texts: list[str], average: float | None) -> tuple[list[str], int]:
    """The texts whose salient terms Python and PostgreSQL choose differently, as one batch
    of rows against ``average`` (None: the batch's own, as the write statement took it for
    an archive with no statistics); and how many terms they chose in all."""
    made = [_counted_vector(text) for text in texts]
    lengths = [vector[1] for vector in made]
    judged = batch_average(lengths) if average is None else average
    python = [salient_literal(terms, counts, words, judged) for _, words, _, terms, counts in made]
    sql = salient_sql("v::tsvector", "n", "coalesce(%s::float8, avg(n::float8) OVER ())")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT i, {sql}::text, p::tsvector::text FROM unnest(%s::text[], %s::integer[], "  # noqa: S608
            "%s::text[]) WITH ORDINALITY AS t(v, n, p, i)",
            [average, [vector[0] for vector in made], lengths, python],
        )
        found = cursor.fetchall()
    assert len(found) == len(texts)
    wrong = [texts[i - 1][:80] for i, theirs, ours in found if theirs != ours]
    return wrong, sum(len(theirs.split()) for _, theirs, _ in found)


@pytest.mark.parametrize("average", [None, 0.5, 27.0, 180.25, 400.0, 3333.3])
def test_salient_terms_of_corpus_texts_as_postgresql_chose_them(corpus_texts, average):  # noqa: F811
    persian = [text for text in corpus_texts if _ARABIC_SCRIPT.search(text)]
    assert len(corpus_texts) > 3000 and len(persian) > 1000  # every script is in it
    for texts in (corpus_texts, persian):
        wrong, chosen = differing(texts, average)
        assert wrong == []
        if average is None or average > 100:  # against a short average, hardly a text has one
            assert chosen > len(texts) // 10  # not a comparison of empty vectors


# Past the limits: positions past the last, a term with more than a vector keeps, compounds
# past the last position; the hand-picked texts of every script, an empty text; a term held
# just as often as the least its length asks (``TIDES``: 31 words, 6 times 'tide').
TIDES = " ".join(["tide"] * 6 + [f"word{n}" for n in range(25)])
EDGES = [
    *LONG,
    *TRICKY,
    "",
    TIDES,
    " ".join(["tide"] * MAX_POSITIONS * 2 + ["ebb"] * (MAX_POSITION + 10)),
]
# The average length against which TIDES asks 6 positions exactly (5.999… at 27.0): a term
# holding as many as the least is salient.
EXACTLY_SIX = 26.999999999999993


@pytest.mark.parametrize("average", [None, 0.5, 1.0, 27.0, EXACTLY_SIX, 400.0, 20000.0])
def test_salient_terms_past_the_limits_as_postgresql_chose_them(average):
    for batch in ([text] for text in EDGES):  # each alone: its own average too
        assert differing(batch, average)[0] == []
    assert differing(EDGES, average)[0] == []


def test_a_term_held_as_often_as_the_least_is_salient():
    _, words, _, terms, counts = _counted_vector(TIDES)
    assert salient_literal(terms, counts, words, EXACTLY_SIX) == "'tide'"
    assert salient_literal(terms, counts, words, EXACTLY_SIX - 1e-6) == ""


def test_the_salient_terms_count_each_position_once():
    # A compound and its first part share a position but not a term; positions past the
    # last are all the last one: a term of two words held there holds it once.
    text = " ".join(["word"] * MAX_POSITION + ["tide", "tides"] * 6)
    _, words, _, terms, counts = _counted_vector(text)
    assert dict(zip(terms, counts, strict=True))["tide"] == 1
    assert differing([text], 1.0)[0] == []


def test_a_row_made_ahead_carries_its_salient_terms(postgres_indexed):
    """The import's reading process makes a row's vectors ahead (``vectors_ahead``, sent
    pickled): the row made from them is the row made here, its salient terms too."""
    article = builders.article(
        "Harvest", "Harvest after harvest: this harvest, the best harvest in years."
    )
    index = _article_index()
    backend = connections["default"].get_backend()
    backend.setup()
    ahead = PostgresSearchBackend.vectors_ahead(index.full_prepare(article))
    made, here = backend._row(index, article, ahead), backend._row(index, article)
    assert made.counted == here.counted
    backend._salient([made, here], 30.0)
    assert list(made) == list(here) and "harvest" in made[11]


def test_an_update_writes_the_salient_terms_postgresql_chose(db, postgres_indexed):
    """Through the backend: every row an update writes holds what ``search_salient`` makes
    of its text's positions against the statistics' average as they were."""
    with postgres_indexed():
        for n in range(5):
            builders.article(f"Rain {n}", "rain " * (n + 3) + "and sun " * (4 * n))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_total SET documents = 4, length = 110, title_length = 4")
    backend = connections["default"].get_backend()
    backend.update(_article_index(), Article.objects.all())  # in one write
    sql = salient_sql("ts_filter(document, '{d}')", "length", "27.5")  # 110 / 4
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), count(*) FILTER (WHERE salient = {sql}), "  # noqa: S608
            "count(*) FILTER (WHERE salient <> '') FROM search_document"
        )
        rows, same, some = cursor.fetchone()
    assert Article.objects.count() == rows == same == 5 and some >= 2
