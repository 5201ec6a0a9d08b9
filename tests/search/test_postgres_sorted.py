"""Searches sorted by date on PostgreSQL (issue 18): oldest and newest first, with every
filter, browsing and with words. Undated articles come last either way, articles of one
day in the order of their index id. A search for words whose matches were all counted
takes its page from them (``_counts_and_page``), any other walks a date index (migration
0015's oldest-first indexes beside 0014's newest-first ones): both roads give the same
pages.

Runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...); skipped on SQLite.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.http import QueryDict

from articles.search.backends import postgres
from articles.search.service import SearchParams, run_search
from tests import builders
from tests.search.engines import POSTGRES_ONLY

pytestmark = [pytest.mark.django_db, POSTGRES_ONLY]

DATES = [
    dt.date(1987, 3, 2),
    dt.date(1987, 3, 2),  # the same day: ties
    None,
    dt.date(2025, 5, 1),
    dt.date(1990, 1, 1),
    dt.date(1987, 3, 2),
    None,
    dt.date(2003, 7, 9),
    dt.date(1987, 4, 30),
    dt.date(2025, 5, 1),
    dt.date(1971, 1, 1),
    None,
    dt.date(2025, 12, 31),
    dt.date(1990, 1, 1),
]

# (the search page's filter parameters, which articles they keep)
FILTERS = [
    ({}, lambda a: True),
    ({"f": "publication:Daily"}, lambda a: a["publication"] == "Daily"),
    ({"f": "section:Business"}, lambda a: a["section"] == "Business"),
    ({"f": "language:fa"}, lambda a: a["language"] == "fa"),
    ({"f": "year:1987"}, lambda a: a["year"] == "1987"),
    ({"f": "authors:Ann Reed"}, lambda a: "Ann Reed" in a["authors"]),
    ({"f": "entities:Iran"}, lambda a: "Iran" in a["entities"]),
    (
        {"from": "1987-03-01", "to": "1990-12-31"},
        lambda a: bool(a["date"]) and dt.date(1987, 3, 1) <= a["date"] <= dt.date(1990, 12, 31),
    ),
    (
        {"f": "publication:Daily", "from": "1987", "to": "2003"},
        lambda a: (
            a["publication"] == "Daily"
            and a["date"] is not None
            and dt.date(1987, 1, 1) <= a["date"] <= dt.date(2003, 12, 31)
        ),
    ),
    (
        {"f": ["publication:Weekly", "language:en"]},
        lambda a: a["publication"] == "Weekly" and a["language"] == "en",
    ),
]
WORDS = ["", "harbour", "harbour strike", "harbour AND strike", '"harbour strike"']
BODIES = [
    "The harbour strike today.",
    "A strike at the harbour today.",
    "Nothing today.",
    "The harbour today.",
    "The strike went on.",
]


@pytest.fixture
def archive(postgres_indexed):
    """Fourteen articles: two publications, two sections, two languages, dated and undated,
    three on one day; "harbour" in most, "harbour strike" as a phrase in some. Returns what
    the filters read of each, by its index id."""
    made = {}
    with postgres_indexed():
        for n, date in enumerate(DATES):
            pub = builders.publication("Daily" if n % 2 else "Weekly")
            section = builders.section("Business" if n % 3 == 0 else "World", pub)
            article = builders.article(
                title=f"Report {n}",
                body=BODIES[n % len(BODIES)],
                published_on=date,
                pub=pub,
                sec=section,
                language="fa" if n % 5 == 0 else "en",
                authors=["Ann Reed"] if n % 2 == 0 else [],
                entities=[("Iran", "GPE")] if n % 4 in (1, 2) else [],
            )
            made[f"articles.article.{article.pk}"] = {
                "pk": article.pk,
                "date": date,
                "publication": pub.name,
                "section": section.name,
                "language": article.language,
                "year": str(date.year) if date else "",
                "authors": ["Ann Reed"] if n % 2 == 0 else [],
                "entities": ["Iran"] if n % 4 in (1, 2) else [],
                "body": article.body,
            }
    return made


def _holds(body: str, words: str) -> bool:
    if not words:
        return True
    if words.startswith('"'):
        return words.strip('"') in body
    if " AND " in words:
        return all(word in body for word in words.split(" AND "))
    return any(word in body for word in words.split())  # plain words: either


def expected(archive, words, keep, sort) -> list[int]:
    """The pks the page should list, in order: dated first (oldest or newest), then the
    undated; one day's articles by their index id (text) either way."""
    found = [
        (identifier, a) for identifier, a in archive.items() if keep(a) and _holds(a["body"], words)
    ]
    dated = sorted((a["date"], identifier, a["pk"]) for identifier, a in found if a["date"])
    if sort == "newest":
        dated.sort(key=lambda row: (-row[0].toordinal(), row[1]))
    undated = sorted((identifier, a["pk"]) for identifier, a in found if a["date"] is None)
    return [row[-1] for row in dated] + [pk for _, pk in undated]


def pages(words, filters, sort, per_page):
    """Every page of the search, as the search page gives them: (total, [pks])."""
    params = QueryDict(mutable=True)
    if words:
        params["q"] = words
    for key, value in filters.items():
        params.setlist(key, value if isinstance(value, list) else [value])
    params["sort"] = sort
    found, page, total = [], 1, None
    while True:
        params["page"] = str(page)
        outcome = run_search(SearchParams.from_query(params, per_page=per_page))
        total = outcome.total
        if outcome.page != page:  # past the last page
            break
        found += [hit.article.pk for hit in outcome.hits]
        if page >= outcome.num_pages:
            break
        page += 1
    return total, found


@pytest.mark.parametrize("words", WORDS)
@pytest.mark.parametrize("sort", ["oldest", "newest"])
def test_orders_and_totals_with_every_filter(archive, words, sort):
    for filters, keep in FILTERS:
        want = expected(archive, words, keep, sort)
        if not words and not filters:
            continue  # nothing asked: no results page
        assert pages(words, filters, sort, per_page=100) == (len(want), want), filters
        assert pages(words, filters, sort, per_page=3) == (len(want), want), filters


def test_the_undated_come_last_and_ties_go_by_id(archive):
    oldest = pages("", {"f": "publication:Daily"}, "oldest", per_page=100)[1]
    newest = pages("", {"f": "publication:Daily"}, "newest", per_page=100)[1]
    dates = {a["pk"]: a["date"] for a in archive.values()}
    assert [dates[pk] for pk in oldest][-1] is None and [dates[pk] for pk in newest][-1] is None
    # Three on 1987-03-02, two of them from Daily: in the same order both ways.
    same_day = [pk for pk in oldest if dates[pk] == dt.date(1987, 3, 2)]
    assert len(same_day) == 2
    assert same_day == [pk for pk in newest if dates[pk] == dt.date(1987, 3, 2)]


def test_both_roads_give_the_same_pages(archive, monkeypatch):
    """The page read from the matches counted (``_counts_and_page``) and walked off a date
    index: the same pages, page by page."""
    roads, walk = [], [False]
    ranked = postgres.PostgresSearchBackend._ranked

    def spy(self, *args, page_ids=None, **kwargs):
        roads.append(page_ids is not None)
        return ranked(self, *args, page_ids=None if walk[0] else page_ids, **kwargs)

    monkeypatch.setattr(postgres.PostgresSearchBackend, "_ranked", spy)
    for words in WORDS:
        for filters, _ in FILTERS:
            if not words and not filters:
                continue
            for sort in ("oldest", "newest"):
                walk[0] = False
                counted = pages(words, filters, sort, per_page=2)
                walk[0] = True
                assert pages(words, filters, sort, per_page=2) == counted, (words, filters, sort)
    # Left to itself, a search for words reads its page from the matches counted, and
    # browsing walks.
    assert True in roads and False in roads


@pytest.mark.parametrize("column", ["publication", "section", "language", "year"])
@pytest.mark.parametrize("order", ["ASC", "DESC"])
def test_a_facet_is_read_in_page_order_either_way(archive, column, order):
    """A facet's rows oldest first, as newest first, come off an index in page order: no
    sort of the facet's rows (at a million articles PostgreSQL walked every date instead)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM search_document WHERE "
            f"{column}_exact = %s ORDER BY published_on {order} NULLS LAST, id LIMIT 3",
            ["x"],
        )
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "Sort" not in plan, plan
    assert f"search_document_{column}_" in plan, plan


@pytest.mark.parametrize("reindexed", [False, True])
@pytest.mark.parametrize("column", ["publication", "section", "language", "year"])
def test_a_facet_read_in_no_order_comes_off_the_newest_first_index(archive, column, reindexed):
    """Where no order is asked both of a facet's indexes cost the same and PostgreSQL takes
    the one made last: migration 0015 and the rebuild make 0014's (newest first) last, so
    that a search past ``COUNT_LIMIT`` counts its facets among the same first matches as
    before 0015."""
    if reindexed:
        call_command("reindex")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(
            f"EXPLAIN SELECT ctid FROM search_document WHERE {column}_exact = %s LIMIT 5", ["x"]
        )
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert f"search_document_{column}_idx " in plan, plan
