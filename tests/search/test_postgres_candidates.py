"""Which matches a broad search ranks on PostgreSQL (issue 18,
``postgres_candidates._candidates``): past ``COUNT_LIMIT`` matches, those holding the
search's words in their title, shortest first, then the first others the index gives; the
facets count the same ones on every road.
The bounds are lowered here so that a handful of articles cross them.

Runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...); skipped on SQLite.
"""

import pytest
from django.db import connection
from django.http import QueryDict
from haystack import connections

from articles.search.backends import postgres
from articles.search.backends.postgres_tables import TABLE
from articles.search.service import SearchParams, run_search
from tests import builders
from tests.search.engines import POSTGRES_ONLY, search

pytestmark = [
    pytest.mark.django_db,
    POSTGRES_ONLY,
    pytest.mark.usefixtures("rows_in_the_order_written"),
]

FILLER = " ".join(f"word{n}" for n in range(60))


@pytest.fixture
def late_titles(postgres_indexed):
    """Five articles about a budget stored first (all in the Weekly), none with it in its
    title; then two whose titles say it, the short one (in the Daily) the best of all for
    'budget'; then one that does not match."""
    daily, weekly = builders.publication("Daily"), builders.publication("Weekly")
    with postgres_indexed():
        for n in range(5):
            builders.article(
                title=f"Debate {n}",
                body=f"The budget debate went on. {FILLER}",
                pub=weekly,
            )
        builders.article(title="Budget cuts", body="The budget, the budget.", pub=daily)
        builders.article(title="Budget week", body=f"A budget. {FILLER} {FILLER}", pub=weekly)
        builders.article(title="Weather", body="Rain tomorrow.")


def titles_of_places(where_sql: str, params: list) -> list[str]:
    from articles.models import Article

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT django_id FROM {TABLE} WHERE {where_sql} ORDER BY ctid", params)
        ids = [int(pk) for (pk,) in cursor.fetchall()]
    titles = dict(Article.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [titles[pk] for pk in ids]


def page(q: str, per_page: int, **extra):
    """The search page's first page of ``per_page`` results for ``q``: no deeper than the
    candidates, or it ranks as many as it shows."""
    params = QueryDict(mutable=True)
    params.update({"q": q, **extra})
    return run_search(SearchParams.from_query(params, per_page=per_page))


def best(q: str, per_page: int = 3, **extra) -> list[str]:
    return [hit.article.title for hit in page(q, per_page, **extra).hits]


def test_a_titled_match_stored_late_makes_the_top_of_a_bounded_search(late_titles, monkeypatch):
    exact = best("budget", per_page=20)  # every match ranked
    assert exact[0] == "Budget cuts"
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 4)
    monkeypatch.setattr(postgres, "CANDIDATES", 3)
    # The first three in table order hold no title with the word: ranked, they would
    # have put a debate first.
    assert titles_of_places("document @@ 'budget'", [])[:3] == ["Debate 0", "Debate 1", "Debate 2"]
    found = page("budget", 3)
    assert found.total == 7 and found.total_exact and found.facets_among == 3
    # The two titled ones, then the first other one an index gives: which index is the
    # planner's choice (it follows the table's statistics, which autovacuum may have
    # refreshed meanwhile), and not all of them give the rows in the order written.
    top = best("budget")
    assert top[:2] == ["Budget cuts", "Budget week"] and top[2].startswith("Debate ")
    assert page("budget debate", 3).facets_among == 3


def test_titles_holding_every_word_come_first(postgres_indexed, monkeypatch):
    with postgres_indexed():
        builders.article(title="Trade and tariffs", body=f"Trade, tariffs. {FILLER} {FILLER}")
        for n in range(4):
            # 'trade' once (in the title): salient in none of them (``Where.salient``).
            builders.article(title=f"Trade talk {n}", body="Talks on tariffs")
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 3)
    monkeypatch.setattr(postgres, "CANDIDATES", 2)
    # Both words in the long one's title: a candidate before the shorter ones with one
    # (of the first COUNT_LIMIT titled the index gives).
    assert "Trade and tariffs" in best("trade tariffs", per_page=2)
    assert "Trade and tariffs" in best("trade OR tariffs", per_page=2)


def no_total(backend, cursor, where):
    return None


def always(backend, cursor, where):
    return True


# How the backend answers 'budget' past the limit: monkeypatches of its class, the page.
ROADS = {
    "one pass over the candidates (its total from the statistics)": ({}, 3),
    "counted from the index, then the candidates ranked": ({"_exact_total": no_total}, 3),
    "one pass counting every match's vector": ({"_one_pass_pays": always}, 3),
    "counted, then ranked apart (a page deeper than the limit)": ({}, 20),
    "sorted by date": ({}, "newest"),
}


@pytest.mark.parametrize("road", ROADS)
def test_every_road_ranks_and_counts_the_same_candidates(late_titles, monkeypatch, road):
    backend_class = type(connections["default"].get_backend())
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 4)
    monkeypatch.setattr(postgres, "CANDIDATES", 3)
    patches, shown = ROADS[road]
    for name, replacement in patches.items():
        monkeypatch.setattr(backend_class, name, replacement)
    if shown == "newest":
        found = page("budget", 3, sort="newest")
    else:
        found = page("budget", shown)
        # Ranked: the candidates (deeper than the limit, every match), best first.
        titles = [hit.article.title for hit in found.hits]
        assert titles[:3] == ["Budget cuts", "Budget week", "Debate 0"]
    assert found.facets_among == 3
    # Budget cuts (Daily), Budget week and Debate 0 (Weekly): not the first three stored.
    assert dict(found.facets["publication"]) == {"Weekly": 2, "Daily": 1}


def test_a_page_past_the_candidates_ranks_more_and_counts_the_same(late_titles, monkeypatch):
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 6)
    monkeypatch.setattr(postgres, "CANDIDATES", 2)
    found = page("budget", 2, page="2")  # ranks 4 of them
    assert [hit.article.title for hit in found.hits] == ["Debate 0", "Debate 1"]
    first = search("budget")  # 20 a page: more than the limit, ranked apart
    assert first.facets_among == found.facets_among == 2
    assert found.facets == first.facets  # the two titled ones
    assert dict(first.facets["publication"]) == {"Weekly": 1, "Daily": 1}


def test_the_search_page_says_among_how_many(late_titles, monkeypatch, client):
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 4)
    monkeypatch.setattr(postgres, "CANDIDATES", 3)
    html = client.get("/search/", {"q": "budget"}).content.decode()
    assert "7 results" in html and "Counts among 3 of the 7 matching articles." in html


def test_a_search_that_excludes_words_keeps_the_first_matches(late_titles, monkeypatch):
    """A title without a word says nothing of the body: no titled candidates, the first
    matches the index gives."""
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 3)
    monkeypatch.setattr(postgres, "CANDIDATES", 2)
    assert set(best("budget -rain", per_page=2)) == {"Debate 0", "Debate 1"}


@pytest.mark.parametrize(
    ("q", "titled"),
    [
        ("budget", True),
        ("budget debate", True),
        ('"budget debate"', True),
        ("budg*", True),
        ("title:budget", True),
        ("budget -rain", False),  # a title without 'rain' says nothing of the body
        ("section:news", False),  # a section is no title
        ("budget OR section:news", False),
    ],
)
def test_which_searches_have_titled_candidates(late_titles, q, titled):
    """Titled candidates are matches (the title's terms are the document's A-weighted
    ones): only searches whose every part the title can hold have them."""
    backend = connections["default"].get_backend()
    with connection.cursor() as cursor:
        where = backend._where("*", q, None, None, None, cursor)
    assert (where.titled is not None) == titled
    if titled:  # every titled row is a match
        sql = f"SELECT count(*) FROM {TABLE} WHERE {where.titled} AND NOT ({where.sql})"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*where.titled_params, *where.params])
            assert cursor.fetchone()[0] == 0
