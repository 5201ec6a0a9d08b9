"""Counts per year, month and week from the engine (``date_histogram``), and every match's
id in order (``ordered_ids``), on Whoosh and, when the suite runs on PostgreSQL, on the
PostgreSQL backend: the same answers from both."""

import datetime as dt

import pytest
from django.http import QueryDict

from articles.models import Article
from articles.search.backends.base import bucket_start, date_histogram, ordered_ids
from articles.search.service import SearchParams, build_queryset, run_search
from articles.search.trends import TrendParams, compare
from tests import builders
from tests.search.engines import NOT_ON_POSTGRES, ON_POSTGRES, POSTGRES_ENGINE, search_engine

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["whoosh", "postgres"])
def engine(request, _search_index_in_tmp):
    if request.param == "postgres":
        if not ON_POSTGRES:
            pytest.skip(NOT_ON_POSTGRES)
        with search_engine(POSTGRES_ENGINE) as backend:
            yield backend
    else:
        with search_engine() as backend:
            yield backend


@pytest.fixture
def archive(engine, django_capture_on_commit_callbacks):
    herald = builders.publication("The Herald")
    with django_capture_on_commit_callbacks(execute=True):
        for day in (dt.date(2018, 3, 5), dt.date(2018, 3, 9), dt.date(2019, 12, 31)):
            builders.article(body="Drought hits the farms.", published_on=day)
        builders.article(body="Drought and floods.", published_on=dt.date(2020, 1, 1), pub=herald)
        builders.article(body="Floods in the valley.", published_on=dt.date(2018, 3, 6))
        builders.article(
            body="Floods again.", published_on=dt.date(2020, 2, 1), pub=herald, language="fa"
        )
        builders.article(body="Drought, undated.", published_on=None)
        builders.article(
            body="Drought draft.", published_on=dt.date(2018, 3, 5), status=Article.Status.DRAFT
        )
    return engine


def params(**values) -> SearchParams:
    query = QueryDict(mutable=True)
    for key, value in values.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return SearchParams.from_query(query)


def histogram(interval, split=None, **values):
    return date_histogram(build_queryset(params(**values)), interval, split)


def test_counts_per_year_match_the_search_totals(archive):
    assert histogram("year", q="drought") == {
        dt.date(2018, 1, 1): 2,
        dt.date(2019, 1, 1): 1,
        dt.date(2020, 1, 1): 1,
    }
    # Every published, dated article without a query; drafts and undated ones never.
    assert sum(histogram("year").values()) == 6
    dated = run_search(params(q="drought", **{"from": "1000"})).total
    assert sum(histogram("year", q="drought").values()) == dated == 4


def test_months_and_weeks_start_where_postgres_date_trunc_starts_them(archive):
    assert histogram("month", q="drought OR floods", to="2018") == {dt.date(2018, 3, 1): 3}
    # 2018-03-05 was a Monday; the 9th is in the same week, the 6th too.
    assert histogram("week", q="drought OR floods", to="2018") == {dt.date(2018, 3, 5): 3}
    assert histogram("week", q="drought", **{"from": "2019-12-31", "to": "2020-01-01"}) == {
        dt.date(2019, 12, 30): 2
    }
    assert bucket_start(dt.date(2019, 12, 31), "week") == dt.date(2019, 12, 30)


def test_filters_and_the_query_language_apply(archive):
    assert histogram("year", q="drought", f="publication:The Herald") == {dt.date(2020, 1, 1): 1}
    assert histogram("year", q="floods -drought") == {
        dt.date(2018, 1, 1): 1,
        dt.date(2020, 1, 1): 1,
    }
    assert histogram("year", q='"floods in the valley"') == {dt.date(2018, 1, 1): 1}
    assert histogram("year", q="nothingatall") == {}


def test_split_by_publication_and_language(archive):
    assert histogram("year", "publication", q="floods") == {
        (dt.date(2018, 1, 1), "The Daily Record"): 1,
        (dt.date(2020, 1, 1), "The Herald"): 2,
    }
    assert histogram("year", "language", f="publication:The Herald") == {
        (dt.date(2020, 1, 1), "en"): 1,
        (dt.date(2020, 1, 1), "fa"): 1,
    }


def test_withdrawn_articles_stop_counting_at_once(archive, django_capture_on_commit_callbacks):
    article = Article.objects.get(body="Floods in the valley.")
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.DRAFT
        article.save()
    assert histogram("year", q="valley") == {}


def test_ordered_ids_follow_the_search_order(archive):
    newest = params(q="drought OR floods", sort="newest")
    ids = ordered_ids(build_queryset(newest))
    assert len(ids) == 7
    dates = [Article.objects.get(pk=pk).published_on for pk in ids if pk]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True)
    assert ordered_ids(build_queryset(newest), limit=2) == ids[:2]
    page = run_search(params(q="drought"))
    assert (
        ordered_ids(build_queryset(params(q="drought")))[:3]
        == [h.article.pk for h in page.hits][:3]
    )


def compared(**values):
    """``compare`` for these parameters (lists for repeated ones), counted by year."""
    query = QueryDict(mutable=True)
    for key, value in {"interval": "year", **values}.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    trend_params = TrendParams.from_query(query)
    assert trend_params.errors == []
    return compare(trend_params)


def test_a_query_counts_in_its_own_filters(archive):
    result = compared(q1="drought", f1="publication:The Herald", q2="drought", q3="floods")
    result_fa = compared(q1="floods", f1="language:fa", f="publication:The Herald")
    assert result.buckets == [dt.date(2018, 1, 1), dt.date(2019, 1, 1), dt.date(2020, 1, 1)]
    herald, everywhere, floods = result.series
    # The Herald's drought articles among the Herald's articles: its own denominator.
    assert (herald.counts, herald.totals) == ([0, 0, 1], [0, 0, 2])
    assert herald.shares == [None, None, 0.5]
    assert (everywhere.counts, everywhere.totals) == ([2, 1, 1], [3, 1, 2])
    assert result.totals == everywhere.totals  # the shared filters: none
    assert floods.counts == [1, 0, 2] and floods.own.is_empty
    # A shared filter on another field stays: the Herald's Persian articles only.
    (fa,) = result_fa.series
    assert result_fa.buckets == [dt.date(2020, 1, 1)]
    assert (fa.counts, fa.totals) == ([1], [1])
    assert fa.filters.facets == [("publication", "The Herald"), ("language", "fa")]


def test_an_own_filter_replaces_the_shared_one_on_its_field(archive):
    result = compared(
        f="publication:The Daily Record", q1="floods", q2="floods", f2="publication:The Herald"
    )
    daily, herald = result.series
    assert result.buckets[0] == dt.date(2018, 1, 1) and result.buckets[-1] == dt.date(2020, 1, 1)
    assert (daily.counts, daily.totals) == ([1, 0, 0], [3, 1, 0])
    assert (herald.counts, herald.totals) == ([0, 0, 2], [0, 0, 2])
    assert herald.filters.facets == [("publication", "The Herald")]


def test_an_own_date_range_replaces_the_shared_one(archive):
    result = compared(
        **{"from": "2020", "q1": "drought", "q2": "drought", "from2": "2018", "to2": "2019"}
    )
    late, early = result.series
    # The chart spans both ranges; each query counts (and divides) in its own.
    assert result.buckets == [dt.date(2018, 1, 1), dt.date(2019, 1, 1), dt.date(2020, 1, 1)]
    assert (late.counts, late.totals) == ([0, 0, 1], [0, 0, 2])
    assert (early.counts, early.totals) == ([2, 1, 0], [3, 1, 0])
    assert result.totals == [0, 0, 2]  # the shared range's articles


def test_own_filters_and_a_split(archive):
    result = compared(q1="floods OR drought", f1="publication:The Herald", split="language")
    values = {s.value: (s.counts, s.totals) for s in result.series}
    assert values == {"en": ([1], [1]), "fa": ([1], [1])}


def test_the_range_runs_from_the_first_querys_start_to_the_last_querys_end(archive):
    # The Herald's articles start in 2020; the Daily Record's end in 2019: by month, the
    # chart runs from the Record's first month to the Herald's last, found week by week.
    result = compared(
        interval="month",
        q1="drought",
        f1="publication:The Herald",
        q2="floods",
        f2="publication:The Daily Record",
    )
    assert result.buckets[0] == dt.date(2018, 3, 1) and result.buckets[-1] == dt.date(2020, 2, 1)
    assert len(result.buckets) == 24
    herald, record = result.series
    assert herald.counts[-2:] == [1, 0] and herald.totals[-2:] == [1, 1]
    assert record.counts[0] == 1 and record.totals[0] == 3 and sum(record.totals) == 4
