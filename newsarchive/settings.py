"""NewsArchive settings, read from the environment.

Every setting a user may change is listed in README.md. The defaults are for
development on one machine: SQLite and a Whoosh index under ``var/``. With
DEBUG off the app refuses to start without a real SECRET_KEY.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Everything the app writes at run time (database, index, uploads, static files).
VAR_DIR = Path(os.environ.get("NEWSARCHIVE_VAR_DIR", BASE_DIR / "var"))

DEBUG = env_bool("DEBUG", False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
# Beginnings of keys copied from examples and generated projects rather than generated.
_PLACEHOLDER_KEYS = ("django-insecure", "insecure", "changeme", "change-me", "change_me", "your")


def weak_secret_key(key: str) -> str | None:
    """Why ``key`` is too easy to guess for production, or None. The bar is Django's own
    (``check --deploy``: 50 characters, not 'django-insecure-…') raised where it is low:
    'a' * 50 or 'abcde' * 10 pass Django's five distinct characters but not ours."""
    if len(key) < 50:
        return f"it has {len(key)} characters, fewer than 50"
    if len(set(key)) < 16:
        return f"it has only {len(set(key))} distinct characters"
    for length in range(1, len(key) // 2 + 1):
        if len(key) % length == 0 and key[:length] * (len(key) // length) == key:
            return f"it repeats {key[:length]!r}"
    if key.lower().startswith(_PLACEHOLDER_KEYS):
        return "it starts like a placeholder, not a generated key"
    return None


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment "
            "(or DEBUG=1 for local development)."
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (_weakness := weak_secret_key(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"SECRET_KEY is too weak for DEBUG=0: {_weakness}. Use 50 random characters, e.g. "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "haystack",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "newsarchive.security.ContentSecurityPolicyMiddleware",  # see "Security" below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsarchive.middleware.DatabaseUnavailableMiddleware",  # 503 while the database is away
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "newsarchive.security.LoginThrottleMiddleware",  # see "Security" below
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsarchive.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "newsarchive.wsgi.application"
ASGI_APPLICATION = "newsarchive.asgi.application"

# Database: DATABASE_URL, e.g. postgres://user@host:5432/newsarchive; SQLite by default.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'newsarchive.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while an import writes; IMMEDIATE avoids
    # "database is locked" upgrades when two writers meet.
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# --- Read replicas (docs/deployment.md) -----------------------------------------------
# DATABASE_REPLICA_URLS: comma-separated URLs of streaming replicas of DATABASE_URL. Public
# reads go to a replica; writes, staff and anyone who just wrote read from the primary.
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS", [])
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    DATABASES[f"replica_{_number}"] = {
        **dj_database_url.parse(
            _url,
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        ),
        "TEST": {"MIRROR": "default"},  # a test run has one database
    }
if DATABASE_REPLICA_URLS:
    DATABASE_ROUTERS = ["newsarchive.db_router.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "newsarchive.db_router.ReadYourWritesMiddleware",
    )
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "10"))
# --- end of read replicas ----------------------------------------------------------------

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Search: the embedded Whoosh index by default.
# New articles an import stores per transaction (articles/ingest/bulk.py).
IMPORT_BATCH_SIZE = int(os.environ.get("IMPORT_BATCH_SIZE", "500"))
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh")
# Seconds one call of the search engine may take; a query that needs longer is answered
# with a message (too costly) instead of holding a worker.
SEARCH_TIME_LIMIT = float(os.environ.get("SEARCH_TIME_LIMIT", "1.0"))
SEARCH_INDEX_PATH = Path(os.environ.get("SEARCH_INDEX_PATH", VAR_DIR / "whoosh"))
if SEARCH_BACKEND == "whoosh":
    HAYSTACK_CONNECTIONS = {
        "default": {
            "ENGINE": "articles.search.backends.whoosh.WhooshEngine",
            "PATH": str(SEARCH_INDEX_PATH),
            "INCLUDE_SPELLING": False,
        }
    }
elif SEARCH_BACKEND == "postgres":
    # PostgreSQL full-text search in a table the backend keeps in the archive's database
    # (docs/deployment.md). SEARCH_DATABASE names another alias; empty: follow the router.
    _search_db = DATABASES.get(os.environ.get("SEARCH_DATABASE") or "default", {})
    if _search_db.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured("SEARCH_BACKEND=postgres needs a PostgreSQL DATABASE_URL.")
    HAYSTACK_CONNECTIONS = {
        "default": {
            "ENGINE": "articles.search.backends.postgres.PostgresEngine",
            "DATABASE": os.environ.get("SEARCH_DATABASE", ""),
        }
    }
else:
    raise ImproperlyConfigured(
        f"Unknown SEARCH_BACKEND {SEARCH_BACKEND!r}; known: whoosh, postgres."
    )
HAYSTACK_SIGNAL_PROCESSOR = "articles.search.signals.ArticleSignalProcessor"
HAYSTACK_SEARCH_RESULTS_PER_PAGE = 20

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Kept originals are sent to staff by articles/views/originals.py; set this to an internal
# location of the reverse proxy (e.g. "/protected-media/") to let the proxy send them
# (X-Accel-Redirect, docs/deployment.md).
ORIGINALS_X_ACCEL_REDIRECT = os.environ.get("ORIGINALS_X_ACCEL_REDIRECT", "")
# Seconds an upload's preview waits for the editor's "Import" before it is deleted
# (articles/upload.py: on each visit to the upload page, and by `manage.py expire_uploads`).
UPLOAD_PREVIEW_TTL = int(os.environ.get("UPLOAD_PREVIEW_TTL", str(24 * 60 * 60)))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Where `make run` looks for sample data: the seed dumps and the corpora.
SHARED_DIR = Path(os.environ.get("NEWSARCHIVE_SHARED_DIR", BASE_DIR.parent / "shared"))


# --- Security ----------------------------------------------------------------------
# Production defaults (DEBUG off) pass `manage.py check --deploy` without warnings;
# each may be changed from the environment. Behind a reverse proxy that ends TLS, set
# SECURE_PROXY_SSL_HEADER to the header it sets, e.g. "X-Forwarded-Proto: https".
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
_proxy_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "")
if _proxy_header:
    _name, _sep, _value = _proxy_header.partition(":")
    if not (_sep and _name.strip() and _value.strip()):
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER is 'Header-Name: value', e.g. 'X-Forwarded-Proto: https'."
        )
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _name.strip().upper().replace("-", "_"),
        _value.strip(),
    )
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = os.environ.get("SECURE_REFERRER_POLICY", "same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy, sent by newsarchive.security.ContentSecurityPolicyMiddleware.
# Same names and shape as Django 6.0's built-in SECURE_CSP. Templates carry no inline
# script or style, so none is allowed; SVG charts are inline markup, not images.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
SECURE_CSP_REPORT_ONLY: dict[str, list[str]] = {}

# Failed logins: after LOGIN_THROTTLE_FAILURES for one username or one client address
# within LOGIN_THROTTLE_WINDOW seconds, further attempts are refused until the window
# passes. Counted in the "shared" cache, which every worker process and server sees: a
# table in the database (migration 0006) by default, Redis where REDIS_URL is set.
AUTHENTICATION_BACKENDS = ["newsarchive.security.ThrottledModelBackend"]
LOGIN_THROTTLE_FAILURES = int(os.environ.get("LOGIN_THROTTLE_FAILURES", "5"))
LOGIN_THROTTLE_WINDOW = int(os.environ.get("LOGIN_THROTTLE_WINDOW", str(15 * 60)))
LOGIN_THROTTLE_IP_HEADER = os.environ.get("LOGIN_THROTTLE_IP_HEADER", "REMOTE_ADDR")
LOGIN_THROTTLE_VIEWS = ["admin:login"]
LOGIN_THROTTLE_CACHE = "shared"
CACHES: dict[str, dict[str, Any]] = {
    # Per process: what may differ between workers for a while (related articles).
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "newsarchive_shared_cache",
        # Past MAX_ENTRIES rows Django deletes the expired ones, then a third of the rest:
        # far above the default 300, so that only a flood of some 10,000 failed logins
        # within one window could push an account's count out before its time.
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = CACHES["shared"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }
# Search answers kept for repeats (articles/search/cache.py): in the shared store, under a
# prefix of their own. The table is culled by key order past MAX_ENTRIES, and "0search"
# sorts before every other key, so a flood of distinct searches pushes out search answers
# before any failed-login count.
CACHES["search"] = {**CACHES["shared"], "KEY_PREFIX": "0search"}
# Seconds a search's answer is kept (0: not kept); any change to the index ends it sooner.
SEARCH_CACHE_SECONDS = int(os.environ.get("SEARCH_CACHE_SECONDS", "300"))
# --- end of Security ---------------------------------------------------------------
