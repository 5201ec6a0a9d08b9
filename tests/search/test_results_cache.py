"""Search answers kept for repeats (articles/search/cache.py): a repeat is answered without
the engine, and nothing a reader can see (results, totals, facets, highlights) outlives a
change of what search finds. Runs on the suite's real shared cache (the DatabaseCache table)
and on each backend the database allows."""

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.core.cache import caches
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from haystack import connections

from articles.entities.merge import merge_entities
from articles.ingest.pipeline import import_records
from articles.ingest.record import ArticleRecord
from articles.models import Article, Entity, Story, StoryVersion
from articles.search import cache as results_cache
from articles.search.indexing import get_identifier_for, rebuild_index
from articles.search.service import SearchParams, _look_up, run_search
from tests import builders
from tests.search.engines import ON_POSTGRES, POSTGRES_ENGINE, search_engine


@pytest.fixture(params=["whoosh", "postgres"])
def indexed_on(request, settings, _search_index_in_tmp, django_capture_on_commit_callbacks):
    """``with indexed_on():`` runs the block's index updates, on each search backend; the
    answers are kept (``SEARCH_CACHE_SECONDS``), as by default."""
    settings.SEARCH_CACHE_SECONDS = 300
    if request.param == "postgres" and not ON_POSTGRES:
        pytest.skip("the PostgreSQL search backend needs DATABASE_URL=postgres://...")
    request.getfixturevalue("db")
    with search_engine(POSTGRES_ENGINE if request.param == "postgres" else None):
        yield lambda: django_capture_on_commit_callbacks(execute=True)


@dataclass
class Page:
    """The search page as a reader gets it (a kept results block has no context to read)."""

    html: str

    @property
    def shown(self) -> list[int]:
        by_url = {article.get_absolute_url(): article.pk for article in Article.objects.all()}
        return [
            by_url[url] for url in re.findall(r'class="card-title"><a href="([^"?]+)', self.html)
        ]

    @property
    def total(self) -> int:
        found = re.search(r'id="results-title">([\d,]+) result', self.html)
        assert found, "no total on the page"
        return int(found.group(1).replace(",", ""))

    @property
    def titles(self) -> list[str]:
        return re.findall(r'class="card-title"><a href="[^"]*">(.*?)</a></h3>', self.html)

    def facet(self, label: str) -> dict[str, int]:
        group = re.search(rf"<h3>{label}</h3></summary>\s*<ul>(.*?)</ul>", self.html, re.S)
        items = re.findall(
            r'>([^<>]*)</a> <span class="count">([\d,]+)</span>', group[1] if group else ""
        )
        return {name: int(count) for name, count in items}


def page(client, q, **extra) -> Page:
    """The search page for ``q``."""
    response = client.get(reverse("articles:search"), {"q": q, **extra})
    assert response.status_code == 200
    return Page(response.content.decode())


def search(q, **extra):
    params = QueryDict(mutable=True)
    params["q"] = q
    for key, value in extra.items():
        params[key] = value
    return run_search(SearchParams.from_query(params))


def remove_behind_the_caches_back(article):
    """Take ``article`` out of the index without telling the cache (as no code path
    does): what a repeated search shows then tells whether it was answered from the cache."""
    connections["default"].get_backend().remove(get_identifier_for(article.pk))


def test_a_repeat_is_answered_from_the_cache(indexed_on, client):
    with indexed_on():
        article = builders.article(body="Oil prices rose in Tehran")
    first = page(client, "oil prices")
    assert first.shown == [article.pk]
    remove_behind_the_caches_back(article)
    with CaptureQueriesContext(connection) as repeat:
        again = page(client, "oil prices")
    # The engine was not asked (it no longer holds the article), and the page is the same.
    assert again.shown == [article.pk] and again.total == 1
    assert again.titles[0] == first.titles[0]
    # The generation with the kept results block, and whether its articles are still public.
    assert len(repeat) == 2
    results_cache.new_generation()
    assert page(client, "oil prices").shown == []


def test_the_same_search_asked_otherwise_is_answered_from_the_kept_answer(indexed_on, client):
    # Another query string (the block's links differ) for the same search: the engine's
    # answer is kept apart from the rendered block, and the articles loaded afresh.
    with indexed_on():
        article = builders.article(body="Oil prices rose in Tehran")
    assert page(client, "oil prices").shown == [article.pk]
    remove_behind_the_caches_back(article)
    with CaptureQueriesContext(connection) as repeat:
        again = page(client, "oil prices", ref="home")
    assert again.shown == [article.pk] and "ref=home" in again.html
    # Generation and block (none), generation and answer, the article and its bylines,
    # then the new block kept (DatabaseCache: count, read, write, and the savepoint's two).
    assert len(repeat) <= 9
    Article.objects.filter(pk=article.pk).update(status=Article.Status.WITHDRAWN)
    assert page(client, "oil prices", ref="feed").shown == []


def test_a_kept_block_is_rendered_again_for_an_article_changed_since(indexed_on, client):
    with indexed_on():
        article = builders.article(title="Oil prices rise", body="Oil prices in Tehran")
    assert "rise" in page(client, "oil").titles[0]
    # Changed without an index write (no signal): the kept block and answer both hold the
    # old title, and the article's new revision sends the page back to the database.
    Article.objects.filter(pk=article.pk).update(
        title="Oil prices fall", updated_at=article.updated_at + dt.timedelta(seconds=1)
    )
    assert "fall" in page(client, "oil").titles[0]


def test_a_repeat_costs_fewer_queries_than_the_first_search(indexed_on, client):
    with indexed_on():
        builders.article(body="Oil prices rose", authors=["Nancy Thomas"])
    with CaptureQueriesContext(connection) as first:
        page(client, "oil")
    with CaptureQueriesContext(connection) as repeat:
        page(client, "oil")
    assert len(repeat) < len(first)


def test_nothing_is_kept_when_the_setting_is_zero(indexed_on, client, settings):
    settings.SEARCH_CACHE_SECONDS = 0
    with indexed_on():
        article = builders.article(body="Oil prices rose")
    assert page(client, "oil").shown == [article.pk]
    remove_behind_the_caches_back(article)
    assert page(client, "oil").shown == []


def test_publishing_is_found_at_once(indexed_on, client):
    with indexed_on():
        draft = builders.article(body="Oil prices rose", status=Article.Status.DRAFT)
    assert page(client, "oil").total == 0
    with indexed_on():
        draft.status = Article.Status.PUBLISHED
        draft.save()
    assert page(client, "oil").shown == [draft.pk]


def test_a_withdrawal_leaves_no_trace_in_results_totals_or_facets(indexed_on, client):
    with indexed_on():
        gone = builders.article(body="Oil prices", authors=["Gone Writer"])
        kept = builders.article(body="Oil prices", authors=["Kept Writer"])
    before = page(client, "oil")
    assert before.total == 2 and "Gone Writer" in before.facet("Author")
    with indexed_on():
        gone.status = Article.Status.WITHDRAWN
        gone.save()
    after = page(client, "oil")
    assert after.shown == [kept.pk] and after.total == 1
    assert after.facet("Author") == {"Kept Writer": 1}


def test_the_admins_bulk_withdrawal_ends_kept_answers(indexed_on, client, admin_client):
    with indexed_on():
        gone = builders.article(body="Oil prices")
        kept = builders.article(body="Oil prices")
    assert page(client, "oil").total == 2
    with indexed_on():
        admin_client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "withdraw_selected", "_selected_action": [gone.pk]},
        )
    after = page(client, "oil")
    assert after.shown == [kept.pk] and after.total == 1


def test_a_kept_answer_never_shows_an_article_withdrawn_by_a_queryset_update(indexed_on, client):
    # QuerySet.update sends no signal: neither the index nor the cache hears of it. The
    # page loads its articles published only, so the kept answer still shows nothing
    # that is not public.
    with indexed_on():
        gone = builders.article(body="Oil prices")
        kept = builders.article(body="Oil prices")
    assert sorted(page(client, "oil").shown) == sorted([gone.pk, kept.pk])
    Article.objects.filter(pk=gone.pk).update(status=Article.Status.WITHDRAWN)
    assert page(client, "oil").shown == [kept.pk]


def test_a_deleted_article_is_gone_from_results_and_totals(indexed_on, client):
    with indexed_on():
        gone = builders.article(body="Oil prices")
    assert page(client, "oil").total == 1
    with indexed_on():
        gone.delete()
    assert page(client, "oil").total == 0


def test_an_edited_title_is_highlighted_anew(indexed_on, client):
    with indexed_on():
        article = builders.article(title="Oil prices rise", body="Oil prices in Tehran")
    assert "rise" in page(client, "oil").titles[0]
    with indexed_on():
        article.title = "Oil prices fall"
        article.save()
    title = page(client, "oil").titles[0]
    assert "fall" in title and "rise" not in title and "<mark>" in title


def test_merged_entities_are_one_facet_value_at_once(indexed_on, client):
    with indexed_on():
        builders.article(body="Oil prices", entities=[("Tehran", Entity.Kind.PLACE)])
        builders.article(body="Oil prices", entities=[("Teheran", Entity.Kind.PLACE)])
    assert page(client, "oil").facet("Entity") == {"Tehran": 1, "Teheran": 1}
    with indexed_on():
        merge_entities(
            Entity.objects.get(name="Tehran"), list(Entity.objects.filter(name="Teheran"))
        )
    assert page(client, "oil").facet("Entity") == {"Tehran": 2}


def test_an_import_is_found_at_once(indexed_on, client):
    assert page(client, "ministers").total == 0
    record = ArticleRecord(
        title="Ministers meet",
        body="Ministers met in Paris on Monday.",
        published=dt.date(2019, 5, 6),
        publication="Harbour Post",
        language="en",
        source_name="desk-1",
    )
    with indexed_on():  # the importer's bulk path: a batch indexed as it is stored
        report = import_records([record], find_entities=False)
    assert page(client, "ministers").shown == report.created


def test_a_rebuild_ends_kept_answers(indexed_on, client):
    # Stored without its index update (as by a crashed import): only a rebuild finds it.
    article = builders.article(body="Oil prices")
    assert page(client, "oil").total == 0
    rebuild_index(procs=1)
    assert page(client, "oil").shown == [article.pk]


def test_a_lost_generation_is_replaced_by_a_new_one_never_an_old_one(indexed_on, client):
    with indexed_on():
        article = builders.article(body="Oil prices")
    assert page(client, "oil").shown == [article.pk]
    before = results_cache.generation()
    remove_behind_the_caches_back(article)
    caches[results_cache.ALIAS].delete(results_cache.GENERATION_KEY)  # evicted, or cleared
    assert page(client, "oil").shown == []
    after = results_cache.generation()
    assert after not in (None, before)
    assert results_cache.generation() == after  # the new one is kept for all


@pytest.fixture
def cache_away(settings):
    """The shared cache, unreachable: Redis on a port nobody listens on."""
    settings.CACHES = {
        **settings.CACHES,
        "search": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        },
    }


def test_search_answers_uncached_when_the_cache_is_away(indexed_on, client, cache_away):
    with indexed_on():  # the index update's generation renewal fails, quietly
        article = builders.article(body="Oil prices")
    assert results_cache.generation() is None
    assert page(client, "oil").shown == [article.pk]
    remove_behind_the_caches_back(article)
    assert page(client, "oil").shown == []


def test_a_very_long_query_makes_a_key_of_the_usual_length(indexed_on, client):
    long = results_cache.look_up("answer", {"q": "oil " * 50_000})[0]
    short = results_cache.look_up("answer", {})[0]
    assert long and short and len(long.key) == len(short.key) < 100
    with indexed_on():
        article = builders.article(body="Oil prices")
    for _ in range(2):  # kept, then read back
        found = page(client, "oil prices " * 5000, ref="x" * 20_000)
        assert found.shown == [article.pk]


def test_the_kept_answer_holds_no_articles(indexed_on):
    with indexed_on():
        builders.article(body="Oil prices")
    search("oil")
    _, answer = _look_up(SearchParams.from_query(QueryDict("q=oil")), False)
    assert answer is not None and len(answer.ranked) == 1

    def plain(value) -> bool:
        if isinstance(value, (list, tuple)):
            return all(map(plain, value))
        if isinstance(value, dict):
            return all(map(plain, value)) and all(map(plain, value.values()))
        return value is None or isinstance(value, (str, int, float, bool))

    assert all(plain(value) for value in vars(answer).values())


def test_a_story_regrouped_after_the_answer_was_kept_is_grouped_anew(indexed_on, client):
    with indexed_on():
        first = builders.article(body="Oil prices", published_on=dt.date(2019, 9, 5))
        second = builders.article(body="Oil prices", published_on=dt.date(2019, 9, 6))
    assert page(client, "oil", story="1").total == 2
    # Grouping stories writes no index: a kept answer is grouped again for each page.
    story = Story.objects.create()
    StoryVersion.objects.create(story=story, article=first)
    StoryVersion.objects.create(story=story, article=second)
    assert page(client, "oil", story="1").total == 1


def test_with_replicas_a_search_just_after_a_change_is_not_kept(indexed_on, settings, monkeypatch):
    # A replica may not hold the change yet for REPLICA_PIN_SECONDS: what a search read
    # meanwhile must not stand for the new generation. Only the cache is used here (its
    # table is always read on the primary), never the replica alias itself.
    settings.REPLICA_PIN_SECONDS = 10
    monkeypatch.setitem(settings.DATABASES, "replica_1", settings.DATABASES["default"])
    results_cache.new_generation()
    slot, _ = results_cache.look_up("answer", {"q": "settling"})
    results_cache.keep(slot, "answer")
    assert results_cache.look_up("answer", {"q": "settling"})[1] is None
    settings.REPLICA_PIN_SECONDS = 0
    results_cache.keep(slot, "answer")
    assert results_cache.look_up("answer", {"q": "settling"})[1] == "answer"
