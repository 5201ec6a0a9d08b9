"""Repeated failed logins are refused for a while, per username and per address."""

import os
import time
import uuid

import pytest
from django.contrib.auth import authenticate
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PASSWORD = "a-long-correct-password-1"


def _redis_url() -> str:
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def _redis_unreachable() -> str:
    """Why the Redis variant cannot run here, or ''."""
    try:
        import redis
    except ImportError:  # pragma: no cover - redis is a runtime requirement
        return "the redis package is not installed"
    try:
        redis.Redis.from_url(_redis_url(), socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"no Redis at {_redis_url()}: {error}"
    return ""


@pytest.fixture(autouse=True, params=["database", "redis"])
def fresh_counts(request, settings):
    """Every test runs on both shared caches production may use: the database table (the
    default) and Redis (``REDIS_URL``), whose atomic ``add`` is SET NX."""
    # A fast hasher: the throttle is under test here, not PBKDF2's cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if request.param == "redis":
        reason = _redis_unreachable()
        if reason:
            pytest.skip(reason)
        # A prefix of this test's own instead of FLUSHDB: the server may be shared.
        settings.CACHES = {
            **settings.CACHES,
            settings.LOGIN_THROTTLE_CACHE: {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": _redis_url(),
                "KEY_PREFIX": f"test-throttle-{uuid.uuid4().hex}",
            },
        }
        yield
        return
    cache = caches[settings.LOGIN_THROTTLE_CACHE]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


def fail(client, username, times):
    for _ in range(times):
        response = attempt(client, username, "wrong")
        assert response.status_code == 200  # the form again, "enter the correct..."


def test_four_failures_still_let_the_right_password_in(client, editor):
    fail(client, "editor", 4)
    assert attempt(client, "editor", PASSWORD).status_code == 302


def test_after_five_failures_even_the_right_password_is_refused_with_a_reason(client, editor):
    fail(client, "editor", 5)
    response = attempt(client, "editor", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed attempts to log in" in html and "15 minutes" in html
    assert 'name="username"' in html and 'value="editor"' in html  # the form, kept
    assert "_auth_user_id" not in client.session


def test_the_username_is_throttled_from_any_address(editor):
    fail(Client(REMOTE_ADDR="10.0.0.1"), "editor", 5)
    assert attempt(Client(REMOTE_ADDR="10.0.0.2"), "Editor ", PASSWORD).status_code == 429


def test_the_address_is_throttled_whichever_username_it_tries(editor):
    guesser = Client(REMOTE_ADDR="10.0.0.9")
    for name in ["alice", "bob", "carol", "dave", "erin"]:
        fail(guesser, name, 1)
    assert attempt(guesser, "editor", PASSWORD).status_code == 429
    # The editor, elsewhere, is not locked out by someone else's guessing.
    assert attempt(Client(REMOTE_ADDR="10.0.0.10"), "editor", PASSWORD).status_code == 302


def test_the_refusal_ends_when_the_window_passes(client, editor, settings):
    # Long enough for five failures on a busy machine: each counts for a window from when
    # it happened, so all five must fall within one.
    settings.LOGIN_THROTTLE_WINDOW = 3
    fail(client, "editor", 5)
    assert attempt(client, "editor", PASSWORD).status_code == 429
    time.sleep(3.1)
    assert attempt(client, "editor", PASSWORD).status_code == 302


def test_a_success_forgets_the_usernames_failures(client, editor):
    fail(client, "editor", 4)
    assert attempt(client, "editor", PASSWORD).status_code == 302
    other = Client(REMOTE_ADDR="10.0.0.3")
    fail(other, "editor", 4)
    assert attempt(other, "editor", PASSWORD).status_code == 302


def test_the_backend_refuses_too_whatever_the_login_form(rf, editor):
    request = rf.post("/elsewhere/login/")
    for _ in range(5):
        assert authenticate(request, username="editor", password="wrong") is None
    assert authenticate(request, username="editor", password=PASSWORD) is None


def test_a_forged_login_post_meets_csrf_before_the_throttle(editor):
    client = Client(enforce_csrf_checks=True)
    response = attempt(client, "editor", "wrong")
    assert response.status_code == 403
