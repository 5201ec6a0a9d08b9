"""Failed logins are counted where every worker process sees them: after the limit, the
right password is refused by every worker and every server of the deployment, not only by
the process that counted the failures (with a per-process count, 2 workers let 9 wrong
passwords through, and then the right one in on 2 tries of 4).

Real gunicorn processes on one deployment's database (tests/faults/conftest.py)."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

import pytest

from tests.faults.conftest import deployment
from tests.gunicorn import Gunicorn
from tests.search.engines import POSTGRES_ONLY

pytestmark = pytest.mark.slow

LOGIN = "/admin/login/"
PASSWORD = "a-long-correct-password-1"
LIMIT = 5  # LOGIN_THROTTLE_FAILURES by default


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 after a login is the answer we want to see


def log_in(server: Gunicorn, username: str, password: str) -> int:
    """One visitor's login through the admin's form: 302 logged in, 200 the form again
    (wrong password), 429 refused."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
    )
    with opener.open(server.base + LOGIN, timeout=30) as page:
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.read()).group(1)
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token.decode(),
            "username": username,
            "password": password,
            "next": "/admin/",
        }
    ).encode()
    try:
        with opener.open(server.base + LOGIN, data=form, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=POSTGRES_ONLY)])
def site(request, tmp_path_factory):
    root = tmp_path_factory.mktemp("throttle")
    with deployment(root, request.param) as deployed:
        created = deployed.manage(
            "shell",
            "-c",
            "from django.contrib.auth.models import User; "
            f"User.objects.create_user('editor', password='{PASSWORD}', is_staff=True)",
        )
        assert created.returncode == 0, created.stderr
        yield deployed


def forget_failures(site) -> None:
    cleared = site.manage(
        "shell",
        "-c",
        "from django.conf import settings; from django.core.cache import caches; "
        "caches[settings.LOGIN_THROTTLE_CACHE].clear()",
    )
    assert cleared.returncode == 0, cleared.stderr


def test_failures_on_one_server_refuse_the_right_password_on_another(site):
    forget_failures(site)
    with (
        Gunicorn(site, workers=1, name="first") as first,
        Gunicorn(site, workers=1, name="second") as second,
    ):
        assert log_in(first, "editor", PASSWORD) == 302  # the password is right
        # The limit's failures, spread over two processes that share nothing but the database.
        for n in range(LIMIT):
            assert log_in((first, second)[n % 2], "editor", "wrong") == 200
        for server in (first, second, first, second):
            assert log_in(server, "editor", PASSWORD) == 429


def test_two_workers_count_failures_sent_at_once(site):
    forget_failures(site)
    with Gunicorn(site, workers=2) as server:
        with ThreadPoolExecutor(max_workers=LIMIT) as pool:
            answers = list(pool.map(lambda _: log_in(server, "editor", "wrong"), range(LIMIT)))
        assert answers == [200] * LIMIT
        refused = [log_in(server, "editor", PASSWORD) for _ in range(8)]
        assert refused == [429] * 8
        assert log_in(server, "someone-else", "wrong") == 429  # the address is refused too
