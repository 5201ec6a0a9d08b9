"""When the database goes away (a restart, a failover, a lost network or disk), every page
answers 503 "temporarily unavailable" with Retry-After, instead of the generic error page,
and the next request after it is back is served as usual.

Project-wide, beside the database settings and router: it guards every app (the public
site, the API, the admin), not something of the articles app.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views import defaults

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
MESSAGE = "The archive's database cannot be reached just now. Please try again in a minute."


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        return database_unavailable(request, exception)


def server_error(request):
    """The site's 500 handler (``handler500``): a database error raised outside a view (in
    a middleware saving the session, say) gets the same 503 as one raised inside."""
    exception = sys.exc_info()[1]
    if isinstance(exception, (OperationalError, InterfaceError)):
        return database_unavailable(request, exception)
    return defaults.server_error(request)


def database_unavailable(request, exception) -> HttpResponse:
    """503 with Retry-After: the site's page, or JSON on the API."""
    log.error(
        "Database unavailable for %s %s: %s",
        request.method,
        request.path,
        exception,
        exc_info=exception,
    )
    _close_broken_connections()
    response: HttpResponse
    if request.path.startswith(reverse("articles:api-index")):
        # The API's own error shape (articles.api).
        response = JsonResponse({"error": "database unavailable", "detail": MESSAGE}, status=503)
    else:
        # Without the request: its context processors may read the session or the user,
        # from the database that just failed.
        response = HttpResponse(render_to_string("503.html", {"message": MESSAGE}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _close_broken_connections() -> None:
    """Close the connections that failed, so the next query connects afresh.

    Django does this itself when a request ends (``close_old_connections``); doing it here
    too means recovery does not depend on it. A connection inside a transaction is left to
    whoever opened that transaction."""
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            continue
        try:
            connection.close_if_unusable_or_obsolete()
        except Exception:  # closing a dead connection can fail in turn; it is closed anyway
            log.debug("Closing connection %s failed", connection.alias, exc_info=True)
