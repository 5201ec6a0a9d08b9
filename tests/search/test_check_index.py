"""`manage.py check_index`: what differs between the database and the search index, and
`--repair`. On the Whoosh index always, and again on the PostgreSQL backend when the suite
runs on PostgreSQL (the `search_index` fixture below, as in test_postgres_backend.py)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from haystack.query import SearchQuerySet

from articles.models import Article
from articles.search_indexes import ArticleIndex
from tests import builders
from tests.search.engines import (
    POSTGRES_ENGINE,
    POSTGRES_ONLY,
    search_engine,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(
    params=[
        "whoosh",
        pytest.param("postgres", marks=POSTGRES_ONLY),
    ]
)
def search_index(request, _search_index_in_tmp):
    """An empty index of this test's backend: the Whoosh index, or PostgreSQL's table."""
    with search_engine(POSTGRES_ENGINE if request.param == "postgres" else None) as backend:
        yield backend


def check(*args) -> tuple[str, bool]:
    """The command's output, and whether it said "in step" (exit status 0)."""
    out = io.StringIO()
    try:
        call_command("check_index", *args, stdout=out)
    except CommandError:
        return out.getvalue(), False
    return out.getvalue(), True


def found(word) -> list[int]:
    return sorted(int(r.pk) for r in SearchQuerySet().auto_query(word))


def test_an_index_in_step_passes(indexed):
    with indexed():
        builders.article(body="harbour")
        builders.article(body="harbour", status=Article.Status.DRAFT)
    output, ok = check()
    assert ok
    assert "missing: 0" in output and "stale: 0" in output and "extra: 0" in output


def test_each_kind_of_drift_is_counted_listed_and_fails(indexed):
    with indexed():
        edited = builders.article(title="Old title", body="harbour")
        withdrawn = builders.article(body="harbour")
        deleted = builders.article(body="harbour")
    # Changes the index never heard of (no on-commit callbacks run outside `indexed()`).
    unindexed = builders.article(body="harbour")
    Article.objects.filter(pk=edited.pk).update(title="New title", updated_at=timezone.now())
    Article.objects.filter(pk=withdrawn.pk).update(status=Article.Status.WITHDRAWN)
    deleted_pk = deleted.pk
    deleted.delete()

    output, ok = check()
    assert not ok
    lines = output.splitlines()
    assert f"missing: 1 (published, not in the index): {unindexed.pk}" in lines
    assert f"stale: 1 (in the index as an older version): {edited.pk}" in lines
    assert (
        f"extra: 2 (in the index, not a published article): "
        f"{min(withdrawn.pk, deleted_pk)}, {max(withdrawn.pk, deleted_pk)}"
    ) in lines


def test_repair_brings_the_index_in_step(indexed):
    with indexed():
        edited = builders.article(title="Old title", body="harbour")
        withdrawn = builders.article(body="harbour")
    unindexed = builders.article(body="harbour")
    Article.objects.filter(pk=edited.pk).update(title="Lighthouse", updated_at=timezone.now())
    Article.objects.filter(pk=withdrawn.pk).update(status=Article.Status.WITHDRAWN)

    output, ok = check("--repair")
    assert ok, output
    assert "Repaired: 2 indexed, 1 removed." in output
    assert found("harbour") == sorted([edited.pk, unindexed.pk])
    assert found("lighthouse") == [edited.pk]
    assert check()[1]


def test_only_so_many_ids_are_listed(search_index):
    articles = [builders.article() for _ in range(3)]
    output, ok = check("--show", "2")
    assert not ok
    first, second = sorted(a.pk for a in articles)[:2]
    assert f"missing: 3 (published, not in the index): {first}, {second} and 1 more" in output


def test_an_index_without_revisions_is_stale_until_repaired(search_index, indexed, monkeypatch):
    # An index written before revisions were indexed holds documents without one.
    with monkeypatch.context() as patch:
        patch.setattr(ArticleIndex, "prepare_revision", lambda self, obj: "")
        with indexed():
            article = builders.article(body="harbour")
    output, ok = check()
    assert not ok
    assert f"stale: 1 (in the index as an older version): {article.pk}" in output
    assert check("--repair")[1]
    assert check()[1]
    assert found("harbour") == [article.pk]


def test_the_check_is_not_held_to_a_search_pages_time_limit(indexed, settings):
    # The revisions are read back as searches; a page's time limit (here none at all: a
    # Whoosh search stops at once) must not stop the check of a large archive half-way.
    settings.SEARCH_TIME_LIMIT = 0
    with indexed():
        builders.article(body="harbour")
    output, ok = check()
    assert ok, output
    assert "missing: 0" in output and "stale: 0" in output
