"""The database goes away while the site is being served: pages answer 503 in the site's
design, with Retry-After, and the site serves again as soon as the database is back.

The site runs under gunicorn, as in production, in a subprocess of its own. On PostgreSQL
its connection goes through a TCP proxy in a thread of this test, which is then cut and
restored; on SQLite the database file's folder disappears (a lost mount) and comes back."""

from __future__ import annotations

import contextlib
import json
import socket
import threading

import pytest

from tests.faults.conftest import POSTGRES, deployment, postgres_unreachable
from tests.gunicorn import Gunicorn

pytestmark = pytest.mark.slow

TITLE_WORD = "d0n0"  # in the title of the one article `newsroom desk 1` writes


class Proxy:
    """Forwards connections to ``127.0.0.1:<port>`` to ``target`` until ``cut()``: then the
    open connections are closed and new ones refused, until ``restore()``."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if not self.open:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self.lock:
                self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                _shut(sock)

    def cut(self) -> None:
        self.open = False
        with self.lock:
            sockets, self.sockets = self.sockets, []
        for sock in sockets:
            _shut(sock)

    def restore(self) -> None:
        self.open = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class Server(Gunicorn):
    """gunicorn serving the site of a deployment, with the database at ``database_url``;
    answers decoded to text."""

    def __init__(self, site, database_url: str):
        super().__init__(site, workers=1, DATABASE_URL=database_url)

    def get(self, path: str, timeout: float = 20) -> tuple[int, dict[str, str], str]:
        status, headers, body = super().get(path, timeout)
        return status, headers, body.decode()


def assert_unavailable(server) -> None:
    status, headers, body = server.get("/")
    assert status == 503, body
    assert headers["Retry-After"] == "30"
    assert "<h1>The archive is temporarily unavailable</h1>" in body
    assert 'class="site-header"' in body  # the site's design: base.html
    status, headers, body = server.get("/api/articles/")
    assert status == 503 and headers["Retry-After"] == "30"
    assert json.loads(body)["error"] == "database unavailable"


def assert_serving(server) -> None:
    status, _, body = server.get("/")
    assert status == 200, body
    assert TITLE_WORD in body


@pytest.fixture
def postgres_site(tmp_path):
    reason = postgres_unreachable()
    if reason:
        pytest.skip(reason)
    with deployment(tmp_path, "postgres") as site:
        yield site


@pytest.fixture
def sqlite_site(tmp_path):
    with deployment(tmp_path, "sqlite") as site:
        yield site


def test_postgres_going_away_gives_503_and_the_site_recovers(postgres_site):
    site = postgres_site
    desk = site.start(site.newsroom("desk", "1"), "desk")
    assert desk.wait(timeout=60) == 0, site.logs()
    proxy = Proxy((POSTGRES["host"], int(POSTGRES["port"])))
    proxied = site.database_url.replace(f":{POSTGRES['port']}/", f":{proxy.port}/")
    server = Server(site, proxied)
    try:
        assert_serving(server)
        proxy.cut()  # the open connection breaks, and new ones are refused
        assert_unavailable(server)
        assert_unavailable(server)
        proxy.restore()
        assert_serving(server)
        assert_serving(server)
    finally:
        server.stop()
        proxy.close()
    log = site.logs()["gunicorn"]
    assert "Database unavailable for GET /" in log


def test_sqlite_file_going_away_gives_503_and_the_site_recovers(sqlite_site):
    site = sqlite_site
    desk = site.start(site.newsroom("desk", "1"), "desk")
    assert desk.wait(timeout=60) == 0, site.logs()
    server = Server(site, site.database_url)
    try:
        assert_serving(server)
        (site.root / "db").rename(site.root / "db-away")
        assert_unavailable(server)
        (site.root / "db-away").rename(site.root / "db")
        assert_serving(server)
    finally:
        server.stop()
    assert "Database unavailable for GET /" in site.logs()["gunicorn"]
