"""gunicorn serving a deployment of tests/faults/conftest.py, as production runs it: DEBUG
off, plain http on a loopback port, N worker processes. For tests that need real worker
processes (a store they must share, a fuzzer's thousands of requests)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from tests.faults.conftest import Site


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def collect_static(site: Site) -> dict[str, str]:
    """The environment a server of ``site`` runs with, static files collected for it
    (DEBUG off reads whitenoise's manifest); collected once per site."""
    env = {
        **site.env,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        # Plain http on loopback: cookies marked Secure would never come back.
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "STATIC_ROOT": str(site.root / "static"),
    }
    if not (site.root / "static" / "staticfiles.json").exists():
        collected = subprocess.run(
            site.command("collectstatic", "--noinput", "-v0"),
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert collected.returncode == 0, collected.stderr
    return env


class Gunicorn:
    """``workers`` gunicorn worker processes serving ``site`` on a free loopback port."""

    def __init__(self, site: Site, *, workers: int = 2, name: str = "gunicorn", **env: str):
        self.site = site
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "newsarchive.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--timeout",
            "30",
            "--no-control-socket",  # one per user by default: other servers may be running
        ]
        self.process = site.start(argv, name, {**collect_static(site), **env})
        self.wait_until_serving()

    def get(self, path: str, timeout: float = 20) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(self.base + path)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def wait_until_serving(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "gunicorn stopped"
            try:
                self.get("/robots.txt", timeout=5)
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not answer")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def __enter__(self) -> Gunicorn:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
