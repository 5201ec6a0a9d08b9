"""Read replicas: the router's rule in isolation, then for real: a PostgreSQL primary and a
streaming replica on free loopback ports, and the app configured as in production
(DATABASE_URL, DATABASE_REPLICA_URLS, SEARCH_BACKEND=postgres) in a process of its own, so
that settings, router, middleware and search backend are the ones a deployment gets.

Shows that a reader's search runs on the replica, that an editor's change is written to
the primary (and read back from it at once), and that a new article becomes searchable on
the replica through replication.
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches

from articles.models import Article

BIN = Path("/usr/lib/postgresql/15/bin")
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def two_replicas(monkeypatch):
    from newsarchive import db_router

    monkeypatch.setattr(db_router, "replicas", lambda: ["replica_1", "replica_2"])
    token = db_router._read_primary.set(False)
    yield db_router
    db_router._read_primary.reset(token)


def test_router_reads_from_replicas_and_writes_to_the_primary(two_replicas):
    router = two_replicas.PrimaryReplicaRouter()
    assert {router.db_for_read(Article) for _ in range(50)} == {"replica_1", "replica_2"}
    assert router.db_for_read(Session) == "default"  # a login is seen at once
    # Failed logins counted a moment ago by another worker are seen at once.
    assert router.db_for_read(caches["shared"].cache_model_class) == "default"
    assert router.db_for_write(Article) == "default"
    # After a write, this request (context) reads its own write from the primary.
    assert router.db_for_read(Article) == "default"
    assert router.allow_migrate("replica_1", "articles") is False
    assert router.allow_migrate("default", "articles") is True


def test_middleware_pins_staff_and_recent_writers_to_the_primary(two_replicas, rf):
    from django.contrib.auth.models import AnonymousUser, User

    seen = []

    def view(request):
        seen.append(two_replicas.PrimaryReplicaRouter().db_for_read(Article))
        from django.http import HttpResponse

        return HttpResponse()

    middleware = two_replicas.ReadYourWritesMiddleware(view)

    def request(method="get", user=None, cookies=None):
        req = getattr(rf, method)("/")
        req.user = user or AnonymousUser()
        req.COOKIES.update(cookies or {})
        return middleware(req)

    request()
    assert seen[-1].startswith("replica_")
    request(user=User(username="editor", is_staff=True))
    assert seen[-1] == "default"
    response = request("post")
    assert seen[-1] == "default"
    cookie = response.cookies[two_replicas.PIN_COOKIE]
    request(cookies={two_replicas.PIN_COOKIE: cookie.value})
    assert seen[-1] == "default"  # a moment after the POST
    request(cookies={two_replicas.PIN_COOKIE: str(time.time() - 1)})
    assert seen[-1].startswith("replica_")  # pin expired
    request(cookies={two_replicas.PIN_COOKIE: "garbage"})
    assert seen[-1].startswith("replica_")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(*command: str, timeout: float = 30) -> None:
    """Run a server binary, as the postgres user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        command = ("runuser", "-u", "postgres", "--", *command)
    subprocess.run(command, check=True, capture_output=True, timeout=timeout)


@pytest.fixture(scope="module")
def cluster():
    """A primary and its streaming replica; both always stopped and removed afterwards."""
    base = Path(tempfile.mkdtemp(prefix="newsarchive-replicas-"))
    base.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    primary, replica = base / "primary", base / "replica"
    ports = {"primary": _free_port(), "replica": _free_port()}
    started = []
    try:
        _run(str(BIN / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust",
             "-E", "UTF8", "--no-sync")  # fmt: skip
        with open(primary / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {ports['primary']}\n"
                f"unix_socket_directories = '{base}'\nfsync = off\n"
                "synchronous_commit = off\nfull_page_writes = off\n"
            )
        _run(str(BIN / "pg_ctl"), "-D", str(primary), "-l", str(base / "primary.log"),
             "-w", "start")  # fmt: skip
        started.append(primary)
        _run(str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(ports["primary"]),
             "-U", "postgres", "newsarchive")  # fmt: skip
        _run(str(BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(ports["primary"]),
             "-U", "postgres", "-D", str(replica), "-R", "-X", "stream", "-c", "fast",
             "--no-sync")  # fmt: skip
        with open(replica / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {ports['replica']}\n")
        _run(str(BIN / "pg_ctl"), "-D", str(replica), "-l", str(base / "replica.log"),
             "-w", "start")  # fmt: skip
        started.append(replica)
        yield {
            name: f"postgres://postgres@127.0.0.1:{port}/newsarchive"
            for name, port in ports.items()
        }
    finally:
        for data in reversed(started):
            with contextlib.suppress(subprocess.SubprocessError):
                _run(str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


# Runs in the app's own process, configured from the environment like production.
SCENARIO = r"""
import json, time
import django
django.setup()
from django.conf import settings
# No collectstatic here: plain static URLs, as in the rest of the suite.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

call_command("migrate", verbosity=0)

from django.contrib.auth import get_user_model
from articles.models import Article
from tests import builders

report = {}

def wait_on_replica(check, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False

with transaction.atomic():  # indexed on commit, as an import does
    article = builders.article(title="Ceasefire holds", body="A ceasefire in Idlib held.")
report["replicated"] = wait_on_replica(
    lambda: Article.objects.using("replica_1").filter(pk=article.pk).exists()
)
def indexed_on_replica():
    with connections["replica_1"].cursor() as cursor:
        cursor.execute("SELECT to_regclass('search_document') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return False  # the table itself is still on its way
        cursor.execute(
            "SELECT count(*) FROM search_document WHERE django_id = %s", [str(article.pk)]
        )
        return cursor.fetchone()[0] == 1

report["searchable_on_replica"] = wait_on_replica(indexed_on_replica)

def run(client, method, url, data=None):
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections["replica_1"]) as replica:
        response = getattr(client, method)(url, data or {}, secure=True)
    return response, [q["sql"] for q in primary], [q["sql"] for q in replica]

reader = Client()
response, primary, replica = run(reader, "get", reverse("articles:search"), {"q": "idlib"})
report["reader_search"] = {
    "status": response.status_code,
    "found": "Ceasefire holds" in response.content.decode(),
    "search_on_replica": any("search_document" in q for q in replica),
    "search_on_primary": any("search_document" in q for q in primary),
    "primary_queries": len(primary),
}

editor = get_user_model().objects.create_superuser("editor", "e@example.org", "x")
staff = Client()
staff.force_login(editor)
response, primary, replica = run(
    staff, "post", reverse("admin:articles_article_changelist"),
    {"action": "withdraw_selected", "_selected_action": [str(article.pk)]},
)
report["edit"] = {
    "status": response.status_code,
    "writes_on_primary": any(q.startswith("UPDATE") for q in primary),
    "queries_on_replica": len(replica),
    "withdrawn_on_primary": Article.objects.using("default").get(pk=article.pk).status,
}
response, primary, replica = run(staff, "get", reverse("articles:search"), {"q": "idlib"})
report["editor_search_after_edit"] = {
    "found": "Ceasefire holds" in response.content.decode(),
    "queries_on_replica": len(replica),
}
report["withdrawn_on_replica"] = wait_on_replica(
    lambda: Article.objects.using("replica_1").get(pk=article.pk).status
    == Article.Status.WITHDRAWN
)
response, primary, replica = run(Client(), "get", reverse("articles:search"), {"q": "idlib"})
report["reader_search_after_edit"] = {
    "found": "Ceasefire holds" in response.content.decode(),
    "search_on_replica": any("search_document" in q for q in replica),
}
report["withdrawn_value"] = Article.Status.WITHDRAWN
print("REPORT " + json.dumps(report))
"""


@pytest.mark.slow
@pytest.mark.skipif(
    not (BIN / "initdb").exists() or not (BIN / "pg_basebackup").exists(),
    reason=f"PostgreSQL 15 server binaries not found under {BIN} (Debian: postgresql-15)",
)
@pytest.mark.skipif(
    os.geteuid() == 0 and shutil.which("runuser") is None,
    reason="running as root needs runuser to start PostgreSQL as the postgres user",
)
def test_reads_on_the_replica_writes_on_the_primary(cluster, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsarchive.settings",
        "DATABASE_URL": cluster["primary"],
        "DATABASE_REPLICA_URLS": cluster["replica"],
        "SEARCH_BACKEND": "postgres",
        "DEBUG": "0",
        "SECRET_KEY": "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "testserver",
        "NEWSARCHIVE_VAR_DIR": str(tmp_path),
        "NEWSARCHIVE_SHARED_DIR": str(settings.SHARED_DIR),
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", SCENARIO],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("REPORT "))
    report = json.loads(line.removeprefix("REPORT "))

    # A new article reaches the replica, search table included.
    assert report["replicated"] and report["searchable_on_replica"]
    # A reader's search runs on the replica, and finds it.
    assert report["reader_search"]["status"] == 200
    assert report["reader_search"]["found"]
    assert report["reader_search"]["search_on_replica"]
    assert not report["reader_search"]["search_on_primary"]
    # An editor's change is written to the primary; the editor reads only the primary.
    assert report["edit"]["status"] == 302
    assert report["edit"]["writes_on_primary"]
    assert report["edit"]["queries_on_replica"] == 0
    assert report["edit"]["withdrawn_on_primary"] == report["withdrawn_value"]
    assert report["editor_search_after_edit"] == {"found": False, "queries_on_replica": 0}
    # And the replica follows: withdrawn there too, no longer found by readers.
    assert report["withdrawn_on_replica"]
    assert report["reader_search_after_edit"] == {"found": False, "search_on_replica": True}
    assert time.monotonic() - started < 60
