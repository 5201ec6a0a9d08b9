"""Counting and ranking in one pass on PostgreSQL (issue 18): a relevance-ordered search whose
count reads every candidate's stored vector anyway (a phrase, a weighted field) or that the term
statistics bound to ``COUNT_LIMIT`` matches counts, counts its facets and ranks in one
statement, each match's vector read once; it must give what counting and ranking apart give:
the same total, facets, page and scores. ``_where`` says what it built (``Where``).

Runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...); skipped on SQLite.
"""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from articles.search.backends import postgres
from articles.search.backends.postgres_queries import _bound
from articles.search.backends.postgres_tables import TABLE
from articles.search.service import SearchParams, run_search
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


@pytest.fixture
def archive(db, _search_index_in_tmp, django_capture_on_commit_callbacks):
    with search_engine(POSTGRES_ENGINE) as backend:
        with django_capture_on_commit_callbacks(execute=True):
            reuters, times = builders.publication("Reuters"), builders.publication("Times")
            texts = [
                ("Interest rates rise", "The bank raised interest rates again. Rates rise."),
                ("Rates of interest, briefly", "Rates went up; interest in them grew."),
                ("Bank holds rates", "Interest rates held. Oil prices fell, oil rose later."),
                ("Oil prices climb", "Oil prices rose as interest rates fell in trade."),
                ("Trade deficit", "Japan trade deficit widened; oil imports grew."),
                ("Interest", "Interest only here, and rates far away from it later on."),
                ("Prime minister speaks", "The prime minister spoke about interest rates."),
                ("Minister of trade", "A trade minister, prime of his career, on oil."),
            ]
            for n, (title, body) in enumerate(texts):
                builders.article(
                    title=title,
                    body=body + " filler" * n,
                    pub=reuters if n % 2 else times,
                    authors=["Ann Rates"] if n == 5 else [],
                    entities=[("Interest Rates Board", "ORG")] if n == 7 else [],
                )
        yield backend


QUERIES = [
    '"interest rates"',  # a phrase: its count reads vectors
    '"prime minister"',
    '"interest rates" oil',
    "body:interest",  # a weight
    "entities:interest",
    "authors:rates",
    '"interest rates"~3',  # near
    '"interest rate"~1 -oil',
    'oil -"interest rates"',  # a negated phrase: never loosened
    "interest rates",  # plain words (feedback)
    "oil OR trade",
    "title:rates",
    "rate*",
    "intere* rates",
    "minister",
]


def short_pages(q, per_page, **extra):
    """The search page's search for ``q``, ``per_page`` results a page."""
    params = QueryDict(mutable=True)
    params["q"] = q
    for key, value in extra.items():
        params[key] = value
    return run_search(SearchParams.from_query(params, per_page=per_page))


def outcome(q, per_page=None, **extra):
    found = short_pages(q, per_page, **extra) if per_page else search(q, **extra)
    return (
        found.total,
        found.total_exact,
        found.facets_among,
        [(hit.article.title, round(hit.score, 9)) for hit in found.hits],
        {name: sorted(counts) for name, counts in found.facets.items()},
    )


@pytest.mark.parametrize("extra", [{}, {"f": "publication:Reuters"}, {"from": "2000"}])
def test_one_pass_gives_what_counting_and_ranking_apart_give(archive, monkeypatch, extra):
    monkeypatch.setattr(archive, "_one_pass_pays", lambda cursor, where: False)
    apart = {q: outcome(q, **extra) for q in QUERIES}
    monkeypatch.setattr(archive, "_one_pass_pays", lambda cursor, where: True)
    together = {q: outcome(q, **extra) for q in QUERIES}
    assert together == apart
    if not extra:  # not all empty: the phrase matches its words in order only
        total, _, _, hits, _ = apart['"interest rates"']
        titles = {title for title, _ in hits}
        assert total == len(hits) >= 4 and titles >= {"Interest rates rise", "Bank holds rates"}
        assert not titles & {"Rates of interest, briefly", "Trade deficit"}
        plain = {title for title, _ in apart["interest rates"][3]}
        assert plain >= {"Rates of interest, briefly"}


def test_past_the_limit_one_pass_ranks_the_same_candidates(archive, monkeypatch):
    from articles.models import Article
    from articles.search.backends.base import ArchiveSearchQuerySet

    def best_two(q):
        sqs = ArchiveSearchQuerySet().models(Article).archive(q).facet("publication")
        found = sqs[:2]
        return (
            [(result.pk, round(result.score, 9)) for result in found],
            sqs.count(),
            sqs.query.hits_exact,
            sqs.facet_counts(),
        )

    monkeypatch.setattr(postgres, "COUNT_LIMIT", 4)
    monkeypatch.setattr(postgres, "CANDIDATES", 3)
    monkeypatch.setattr(archive, "_one_pass_pays", lambda cursor, where: False)
    apart = {q: best_two(q) for q in QUERIES}
    monkeypatch.setattr(archive, "_one_pass_pays", lambda cursor, where: True)
    together = {q: best_two(q) for q in QUERIES}
    assert together == apart
    assert apart["interest rates"][1:3] == (4, False)


def search_statements(q, per_page=None, **extra) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        short_pages(q, per_page, **extra) if per_page else search(q, **extra)
    return [query["sql"] for query in captured if f"FROM {TABLE} " in query["sql"]]


def test_a_phrase_is_counted_and_ranked_in_one_statement(archive):
    # Its words alone find the candidates (the index answers them); each candidate's vector
    # is read once, checked for the phrase and scored.
    (statement,) = search_statements('"interest rates"')
    assert "count(*)" in statement and "row_number()" in statement
    assert postgres.READ_ONCE in statement
    # Sorted by date, nothing to score: counted, then the newest read from the index.
    assert len(search_statements('"interest rates"', sort="newest")) == 2


def test_a_broad_search_still_counts_from_the_index(archive, monkeypatch):
    """Words the statistics say more than COUNT_LIMIT articles may hold: counted without
    reading a vector, then CANDIDATES of their matches ranked (not every one counted), in
    one statement that reads the ranked ones again by their place in the table."""
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 2)
    monkeypatch.setattr(postgres, "CANDIDATES", 1)
    (statement,) = search_statements("interest OR oil", per_page=1)
    assert "ctid = ANY" in statement


def test_a_broad_word_is_not_counted(archive, monkeypatch):
    """A word alone that more than COUNT_LIMIT articles hold: its total comes from the
    statistics, so only the CANDIDATES it ranks are read (one pass, no count to the
    limit), with the same total, facets and page as counting them gave."""
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 2)
    monkeypatch.setattr(postgres, "CANDIDATES", 1)
    (statement,) = search_statements("interest", per_page=1)
    # No count to the limit: the candidates alone read (``_candidates``), by their place.
    assert "count(*) FROM matched) <=" not in statement and "ctid = ANY" in statement
    found = outcome("interest", per_page=1)
    monkeypatch.setattr(archive, "_exact_total", lambda cursor, where: None)
    counted = outcome("interest", per_page=1)
    assert counted[1] is False and found[1] is True  # "more than 2" without the statistics
    assert found[2:] == counted[2:]  # facets among the same first match, the same page
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 100)
    monkeypatch.setattr(postgres, "CANDIDATES", 50)
    (statement,) = search_statements("interest")
    # One pass: every match read once, counted and ranked (the candidates only past it).
    assert postgres.READ_ONCE in statement and "count(*) FROM matched) <=" in statement


def test_counting_and_ranking_in_one_statement_reads_each_vector_once(archive, monkeypatch):
    """Ranked by two terms, each candidate's vector is read once (``READ_ONCE``) for both:
    PostgreSQL must not fold the read back into each term's score."""
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 2)
    monkeypatch.setattr(postgres, "CANDIDATES", 1)
    (statement,) = search_statements("interest OR oil", per_page=1)
    assert "ctid = ANY" in statement
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (VERBOSE) {statement}")
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert plan.count("ts_delete(") == 1, plan


def apart(backend):
    """Counting, then ranking in a second statement: what ``_count_and_rank`` did before."""

    def count_then_rank(cursor, where, facets, start_offset, end_offset, kwargs):
        hits, exact, counts = backend._counts(cursor, where, facets)
        rows = backend._ranked(
            cursor,
            where.sql,
            where.params,
            where.rank,
            None,
            start_offset,
            end_offset,
            kwargs,
            bounded=None if exact else where,
        )
        return hits, exact, counts, rows

    return count_then_rank


@pytest.mark.parametrize("limits", [(100, 50), (4, 3), (2, 1)])
@pytest.mark.parametrize("extra", [{}, {"f": "publication:Reuters"}, {"page": "2"}])
def test_counting_and_ranking_in_one_statement_as_apart(archive, monkeypatch, limits, extra):
    monkeypatch.setattr(postgres, "COUNT_LIMIT", limits[0])
    monkeypatch.setattr(postgres, "CANDIDATES", limits[1])
    monkeypatch.setattr(archive, "_one_pass_pays", lambda cursor, where: False)
    extra = {"per_page": 2, **extra}
    together = {q: outcome(q, **extra) for q in QUERIES}
    monkeypatch.setattr(archive, "_count_and_rank", apart(archive))
    assert together == {q: outcome(q, **extra) for q in QUERIES}
    if limits[0] == 100 and not extra.get("f") and "page" not in extra:
        assert together["interest rates"][0] > 4 and len(together["interest rates"][3]) == 2


def where(backend, q, **kwargs):
    with connection.cursor() as cursor:
        return backend._where("*", q, kwargs.get("narrow"), kwargs.get("models"), None, cursor)


def test_where_says_which_one_term_it_built(archive):
    from articles.models import Article

    assert where(archive, "interest").term == "interest"
    assert where(archive, "Rates").term == "rate"  # the index's term
    assert where(archive, "interest", models=[Article]).term == "interest"
    for q in ['"interest rates"', "title:interest", "body:interest", "interest rates", "inter*"]:
        assert where(archive, q).term is None, q
    assert where(archive, "-oil").term is None
    assert where(archive, "interest", narrow=['publication_exact:"Reuters"']).term is None
    with connection.cursor() as cursor:
        dated = archive._where("*", "interest", None, None, ("2000-01-01", None), cursor)
    assert dated.term is None


def test_where_loosens_only_what_the_index_can_answer(archive):
    phrase = where(archive, '"interest rates"')
    assert phrase.needs_vectors and phrase.loose_params == ["'interest' & 'rate'"]
    assert phrase.params == ["'interest' <-> 'rate'"]
    assert not where(archive, "interest").needs_vectors
    assert where(archive, "body:interest").loose_params == ["'interest'"]
    # A negation is never loosened: a looser negated part would exclude more.
    negated = where(archive, 'oil -"interest rates"')
    assert negated.loose_params == negated.params


def test_the_bound_on_matches_from_the_statistics():
    frequency = {"a": 10, "b": 3, "c": 7}
    assert _bound(("term", "a"), frequency) == 10
    assert _bound(("all", [("term", "a"), ("term", "b")]), frequency) == 3
    assert _bound(("any", [("term", "a"), ("term", "c")]), frequency) == 17
    assert _bound(("any", [("term", "a"), None]), frequency) is None
    assert _bound(("all", [("term", "a"), None]), frequency) == 10
    assert _bound(("term", "unknown"), frequency) == 0
    assert _bound(None, frequency) is None


def test_a_haystack_filter_says_its_one_term_too(archive):
    from haystack.query import SearchQuerySet

    condition = SearchQuerySet().filter(content="interest").query.build_query()
    assert condition.term == "interest"
    phrase = SearchQuerySet().filter(content='"interest rates"').query.build_query()
    assert phrase.term is None and phrase.loose[1] == ["'interest' & 'rate'"]
    negated = SearchQuerySet().exclude(content='"interest rates"').query.build_query()
    assert negated.loose == (str(negated), negated.params)


def test_scores_by_columns_are_the_scores_by_sub_plans(archive):
    """``score_columns`` (each term's frequency once a row) scores as ``score_sql``."""
    weighted = [("interest", 1.0), ("rate", 0.5), ("oil", 0.2)]
    with connection.cursor() as cursor:
        score, params = archive.score_sql(cursor, weighted)
        cursor.execute(f"SELECT id, {score} FROM {TABLE} ORDER BY id", params)
        by_sub_plans = cursor.fetchall()
        frequencies, frequency_params, score, params = archive.score_columns(cursor, weighted)
        cursor.execute(
            f"SELECT id, {score} FROM (SELECT c.*, {frequencies} FROM {TABLE} c "
            "OFFSET 0) AS s ORDER BY id",
            [*params, *frequency_params],
        )
        by_columns = cursor.fetchall()
    assert len(by_columns) == 8 and len({round(s, 9) for _, s in by_columns}) > 3
    assert [(i, round(s, 9)) for i, s in by_columns] == [(i, round(s, 9)) for i, s in by_sub_plans]
