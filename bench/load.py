"""Load test: the home, an article and the search page under gunicorn, with wrk.

    .venv/bin/python bench/load.py [--seconds 60] [--connections 8] [--workers 2]
                                   [--pages home,article,search,entity,author,sitemap]
                                   [--database-url postgres://…/newsarchive_query_1m]

Uses the archive under var/ (run `make run` once, or `make sample index`, first), or with
``--database-url`` a PostgreSQL archive searched by the PostgreSQL backend (one made by
bench/scale.py or bench/multiply.py), starts
gunicorn on a free loopback port with DEBUG off, runs wrk against each page for the given
time (loopback only, bounded), prints requests/s, p50 / p99 latency and errors per page,
and stops gunicorn. Needs Debian's wrk (`apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback only)
            return
        except Exception:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


def parse_wrk(output: str) -> dict:
    def ms(text: str) -> float:
        value, unit = float(re.match(r"[\d.]+", text).group()), re.sub(r"[\d.]", "", text)
        return value * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", output, re.M))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": ms(latency["50"]),
        "p90": ms(latency["90"]),
        "p99": ms(latency["99"]),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": errors + (int(non2xx.group(1)) if non2xx else 0),
    }


def server_env() -> dict[str, str]:
    """The environment a loopback gunicorn of this checkout runs with (DEBUG off, plain
    http), its static files collected for it."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # plain http on loopback
    }
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pages", default="home,article,search", help="comma-separated")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL archive instead")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        os.environ["SEARCH_BACKEND"] = "postgres"
    env = server_env()
    python = sys.executable
    # An English article, and the entity and author of the most public articles (the
    # heaviest of their pages), through the public selectors.
    article, entity, author = (
        subprocess.run(  # noqa: S603
            [
                python,
                "manage.py",
                "shell",
                "-c",
                "from articles import public; "
                "print(public.articles().filter(language='en').first().slug); "
                "print(public.entities().order_by('-article_count').first().slug); "
                "print(public.authors().order_by('-article_count').first().slug)",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-3:]
    )
    pages = {
        "home": "/",
        "article": f"/articles/{quote(article)}/",
        "search": "/search/?q=oil+prices",
        "entity": f"/entities/{quote(entity)}/",
        "author": f"/authors/{quote(author)}/",
        "sitemap": "/sitemap.xml",
    }
    wanted = args.pages.split(",")
    if unknown := set(wanted) - set(pages):
        raise SystemExit(f"unknown pages: {', '.join(sorted(unknown))} (known: {', '.join(pages)})")
    pages = {name: pages[name] for name in wanted}
    server = subprocess.Popen(  # noqa: S603
        [
            python,
            "-m",
            "gunicorn",
            "newsarchive.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for(base + "/")
        rows = []
        for name, path in pages.items():
            # Warm: each worker's first request fills its own cache (a second or more at a
            # million articles), which is not what a reader of a running site waits.
            for _ in range(2 * args.workers):
                urllib.request.urlopen(base + path, timeout=120).read()  # noqa: S310
            out = subprocess.run(  # noqa: S603
                [
                    "wrk",
                    "-t2",
                    f"-c{args.connections}",
                    f"-d{args.seconds}s",
                    "--latency",
                    base + path,
                ],
                check=True,
                capture_output=True,
                text=True,
                timeout=args.seconds + 60,
            ).stdout
            rows.append((name, parse_wrk(out)))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    print(
        f"Load: gunicorn {args.workers} workers, wrk 2 threads {args.connections} "
        f"connections, {args.seconds} s per page, loopback"
    )
    header = f"{'page':8} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}"
    print(f"{header} {'requests':>9} {'errors':>7}")
    for name, r in rows:
        print(
            f"{name:8} {r['rps']:8.1f} {r['p50']:8.1f} {r['p90']:8.1f} {r['p99']:8.1f} "
            f"{r['requests']:9d} {r['errors']:7d}"
        )


if __name__ == "__main__":
    main()
