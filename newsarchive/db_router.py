"""Reads from streaming replicas, writes to the primary (settings: DATABASE_REPLICA_URLS).

The rule, in the newsroom's words:

- A reader browsing or searching reads from a replica, picked at random per query.
- Every write goes to the primary ("default").
- Whoever may have just written reads from the primary, so an edit is never "lost" to
  replication lag: staff users always; anyone else for ``REPLICA_PIN_SECONDS`` (10) after
  a request that wrote (a POST, PUT, PATCH or DELETE), through a cookie; and, within one
  request, every read after its first write.
- Sessions and users are always read from the primary: a login or logout written a moment
  ago must be seen by the next request; so is the shared cache (failed logins counted a
  moment ago by another worker).
- Migrations run on the primary only; replicas receive them through replication.

The search backend reads through this router too (``articles.search.backends.postgres``),
so a search runs where its results are loaded from.
"""

from __future__ import annotations

import random
import time
from contextvars import ContextVar

from django.conf import settings

PRIMARY = "default"
PIN_COOKIE = "db_primary_until"
ALWAYS_PRIMARY_APPS = frozenset({"sessions", "auth", "django_cache"})  # django_cache: CACHES
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# True while reads must see the primary (set per request by the middleware, and by a write).
_read_primary: ContextVar[bool] = ContextVar("newsarchive_read_primary", default=False)


def replicas() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


def pin_to_primary() -> None:
    """Read from the primary for the rest of this request (or, outside one, this context)."""
    _read_primary.set(True)


def reading_primary() -> bool:
    return _read_primary.get()


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        available = replicas()
        if not available or _read_primary.get() or model._meta.app_label in ALWAYS_PRIMARY_APPS:
            return PRIMARY
        return random.choice(available)

    def db_for_write(self, model, **hints):
        pin_to_primary()  # what this request reads next must include this write
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The primary and its replicas hold the same rows.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class ReadYourWritesMiddleware:
    """Chooses, per request, whether reads may go to a replica (see the module doc).

    The cookie only ever sends reads to the primary, which is always correct: a forged one
    costs the reader nothing but the replica's speed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pinned_until = _float(request.COOKIES.get(PIN_COOKIE))
        user = getattr(request, "user", None)
        primary = (
            request.method in UNSAFE_METHODS
            or pinned_until > time.time()
            or bool(user is not None and user.is_authenticated and user.is_staff)
        )
        token = _read_primary.set(primary)
        try:
            response = self.get_response(request)
        finally:
            _read_primary.reset(token)
        if request.method in UNSAFE_METHODS:
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                str(time.time() + seconds),
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


def _float(value: str | None) -> float:
    try:
        return float(value or 0)
    except ValueError:
        return 0.0
