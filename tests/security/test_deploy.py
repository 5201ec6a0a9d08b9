"""Production settings: `check --deploy` is clean, and the headers reach the browser."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
KEY = "prod-like-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEF"


def manage(*args, tmp_path, **env):
    # Only what production sets; nothing from the test run's environment leaks in.
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "VIRTUAL_ENV", "PYTHONPATH"}
    environment = {k: v for k, v in os.environ.items() if k in keep}
    production = {
        "DEBUG": "0",
        "SECRET_KEY": KEY,
        "ALLOWED_HOSTS": "archive.example.org",
        "NEWSARCHIVE_VAR_DIR": str(tmp_path),
    }
    environment.update(production | env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_finds_nothing_to_warn_about(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_as_a_reverse_proxy_sees_them(tmp_path):
    script = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.X_FRAME_OPTIONS)"
    )
    result = manage(
        "shell", "-c", script, tmp_path=tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https"
    )
    assert result.returncode == 0, result.stderr
    assert "True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https') True True DENY" in result.stdout


def test_a_malformed_proxy_header_setting_refuses_to_start(tmp_path):
    result = manage("check", tmp_path=tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER" in result.stderr


def test_development_keeps_plain_http(tmp_path):
    script = (
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    )
    result = manage("shell", "-c", script, tmp_path=tmp_path, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "False 0" in result.stdout


@pytest.mark.django_db
def test_every_response_carries_the_policy_and_headers(client):
    for url in [reverse("articles:home"), reverse("articles:api-index"), reverse("admin:login")]:
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, url
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "img-src 'self' data:" in csp
        assert "unsafe-inline" not in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_https_is_enforced_where_production_turns_it_on(settings):
    settings.SECURE_SSL_REDIRECT = True  # as in production (tests/conftest.py turns it off)
    client = Client()  # a new handler reads the settings afresh
    response = client.get(reverse("articles:home"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    secure = client.get(reverse("articles:home"), secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_and_session_http_only(client, django_user_model):
    django_user_model.objects.create_user("ed", password="a-long-password-1", is_staff=True)
    login = reverse("admin:login")
    client.get(login)
    assert client.cookies["csrftoken"]["secure"]
    response = client.post(login, {"username": "ed", "password": "a-long-password-1"})
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] and response.cookies["sessionid"]["httponly"]
