"""BM25 on PostgreSQL as the search page computes it (``score_columns``): the length
normalisation computed once a row, whatever the number of terms, and the scores the same to
the last bit as ``score_sql`` gives them (the API shows them).

Runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...); skipped on SQLite.
"""

import pytest
from django.db import connection

from articles.search.backends.postgres_tables import TABLE
from tests import builders
from tests.search.engines import POSTGRES_ENGINE, POSTGRES_ONLY, search_engine

pytestmark = [pytest.mark.django_db, POSTGRES_ONLY]


@pytest.fixture
def archive(db, _search_index_in_tmp, django_capture_on_commit_callbacks):
    with search_engine(POSTGRES_ENGINE) as backend:
        with django_capture_on_commit_callbacks(execute=True):
            for n, (title, body) in enumerate(
                [
                    ("Oil prices climb", "Oil prices rose as interest rates fell."),
                    ("Interest rates rise", "The bank raised interest rates. Rates rise."),
                    ("Oil", "Oil, oil and oil again" + " filler" * 40),
                    ("Trade", "Japan's trade deficit widened; oil imports grew" + " more" * 7),
                    ("Prices", "Prices of everything" + " word" * 3),
                ]
            ):
                builders.article(title=title, body=body + " end" * n)
        yield backend


WEIGHTED = [("oil", 1.0), ("price", 0.5), ("interest", 0.2), ("rate", 1.0)]


def by_columns(backend, weighted):
    with connection.cursor() as cursor:
        frequencies, frequency_params, score, params = backend.score_columns(cursor, weighted)
        cursor.execute(
            f"SELECT id, {score} FROM (SELECT c.*, {frequencies} FROM {TABLE} c "
            "OFFSET 0) AS s ORDER BY id",
            [*params, *frequency_params],
        )
        return cursor.fetchall(), frequencies, score


def test_the_length_normalisation_is_computed_once_a_row(archive):
    """``numeric`` arithmetic, once per term a row, was a tenth of the search page's
    database time at a million articles (docs/performance.md, session 12)."""
    for terms in (1, 2, 4):
        _, frequencies, score = by_columns(archive, WEIGHTED[:terms])
        assert (frequencies + score).count("length /") == 1
        assert score.count("norm") == terms


def test_scores_are_those_of_score_sql_to_the_last_bit(archive):
    for terms in (1, 2, 4):
        weighted = WEIGHTED[:terms]
        with connection.cursor() as cursor:
            score, params = archive.score_sql(cursor, weighted)
            cursor.execute(f"SELECT id, {score} FROM {TABLE} ORDER BY id", params)
            by_sub_plans = cursor.fetchall()
        rows, _, _ = by_columns(archive, weighted)
        assert len(rows) == 5 and len({s for _, s in rows}) > 2
        assert rows == by_sub_plans  # floats compared exactly
