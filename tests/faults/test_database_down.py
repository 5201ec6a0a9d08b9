"""The database goes away while the site is being served: pages answer 503 in the site's
design, with Retry-After, and the site serves again as soon as the database is back.

The site runs under gunicorn, as in production, in a subprocess of its own. On PostgreSQL
its connection goes through a TCP proxy in a thread of this test, which is then cut and
restored; on SQLite the database file's folder disappears (a lost mount) and comes back."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from tests.faults.conftest import POSTGRES, deployment, postgres_unreachable

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving the site of a deployment, with the database at ``database_url``."""

    def __init__(self, site, database_url: str):
        self.port = _free_port()
        env = {
            **site.env,
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_ROOT": str(site.root / "static"),
        }
        collected = subprocess.run(
            site.command("collectstatic", "--noinput", "-v0"),
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert collected.returncode == 0, collected.stderr
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "newsarchive.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "1",
            "--timeout",
            "30",
            "--no-control-socket",  # one per user by default: other servers may be running
        ]
        self.process = site.start(gunicorn, "gunicorn", env)
        self.wait_until_serving()

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}")
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def wait_until_serving(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "gunicorn stopped"
            try:
                self.get("/")
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("gunicorn did not answer")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


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
