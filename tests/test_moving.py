"""Moving an archive to another database (articles/moving.py, ``manage.py move_archive``):
every row arrives with its key, users keep their roles, new rows get new keys, and the
new database's search index answers."""

import contextlib
import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.models import Max

from articles.management.commands.move_archive import TARGET
from articles.models import Article, Byline, Entity, Mention, Story, StoryVersion
from tests import builders

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _archive():
    """A small archive with something of every kind a move must keep."""
    first = builders.article(title="Harbour dredging to begin in March", body="Dredging " * 40)
    second = builders.article(
        title="Dredging of the channel delayed again",
        body="The channel dredging is delayed. " * 10,
        status=Article.Status.DRAFT,
    )
    erdogan = builders.entity()
    Mention.objects.create(article=first, entity=erdogan, count=2)
    Byline.objects.create(article=first, author=builders.author(), position=0)
    story = Story.objects.create(title=first.title)
    StoryVersion.objects.create(story=story, article=first, similarity=1.0)
    StoryVersion.objects.create(story=story, article=second, similarity=0.8)
    editor = User.objects.create_user("editor", password="a long enough password 42")
    editor.groups.add(Group.objects.get(name="Editors"))
    editor.user_permissions.add(Permission.objects.get(codename="view_story"))
    return first, second, erdogan, editor


def _rows(alias: str, model) -> list[tuple]:
    return sorted(model._base_manager.using(alias).values_list(*_columns(model)))


def _columns(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _check_copied(first, editor) -> None:
    for model in (Article, Byline, Entity, Mention, Story, StoryVersion):
        assert _rows(TARGET, model) == _rows("default", model), model
    moved = User.objects.using(TARGET).get(username="editor")
    assert moved.pk == editor.pk
    assert moved.check_password("a long enough password 42")
    assert [g.name for g in moved.groups.all()] == ["Editors"]
    assert [p.codename for p in moved.user_permissions.all()] == ["view_story"]
    # The role keeps its permissions, mapped to the target's own permission rows.
    editors = Group.objects.using(TARGET).get(name="Editors")
    assert sorted(editors.permissions.values_list("codename", flat=True)) == sorted(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )
    # A new row takes a key above the copied ones.
    new = Entity.objects.using(TARGET).create(name="Port Elmstead", kind=Entity.Kind.PLACE)
    assert new.pk > Entity.objects.aggregate(top=Max("pk"))["top"]
    assert Article.objects.using(TARGET).get(pk=first.pk).title == first.title


def move(url: str, **options) -> str:
    out = io.StringIO()
    call_command("move_archive", to=url, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def forget_target(django_db_blocker):
    # Django's test case refuses connections to databases it was not told of when it began;
    # the move's target is made during the test, so connections are let through.
    with django_db_blocker.unblock():
        yield


@contextlib.contextmanager
def target(url: str):
    """The moved-to database as connection ``TARGET`` of this process."""
    connections.settings[TARGET] = connections.configure_settings(
        {"default": dj_database_url.parse(url)}
    )["default"]
    try:
        yield
    finally:
        connections[TARGET].close()
        del connections[TARGET]
        del connections.settings[TARGET]


def test_moves_every_row_to_a_new_sqlite_database(tmp_path, forget_target):
    first, _, _, editor = _archive()
    url = f"sqlite:///{tmp_path / 'moved.sqlite3'}"
    move(url, search_backend="none")
    with target(url):
        _check_copied(first, editor)


def test_refuses_a_database_that_already_holds_an_archive(tmp_path, forget_target):
    first, _, _, editor = _archive()
    url = f"sqlite:///{tmp_path / 'moved.sqlite3'}"
    move(url, search_backend="none")
    with pytest.raises(CommandError, match="already holds"):
        move(url, search_backend="none")
    # The first copy is untouched.
    with target(url):
        _check_copied(first, editor)


@pytest.fixture
def new_postgres_database(forget_target):
    """An empty PostgreSQL database of its own (dropped afterwards)."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")
    config = dj_database_url.parse(base)
    name = f"test_move_{uuid.uuid4().hex[:10]}"
    admin = dict(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield base.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(
    not ON_POSTGRES, reason="needs the archive on PostgreSQL (DATABASE_URL=postgres://…)"
)
def test_moves_to_postgresql_and_builds_its_search_index(new_postgres_database):
    first, _, _, editor = _archive()
    out = move(new_postgres_database)
    assert "Indexed 1 published articles" in out
    with target(new_postgres_database):
        _check_copied(first, editor)
    # The new database's index holds the published article and answers a search.
    env = {**os.environ, "DATABASE_URL": new_postgres_database, "SEARCH_BACKEND": "postgres"}
    script = (
        "import django; django.setup()\n"
        "from articles.search.service import SearchParams, run_search\n"
        "from django.http import QueryDict\n"
        "outcome = run_search(SearchParams.from_query(QueryDict('q=dredging')))\n"
        "print([hit.article.pk for hit in outcome.hits])\n"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env=env,
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip().splitlines()[-1] == f"[{first.pk}]"
