"""WSGI entry point, e.g. for gunicorn: ``gunicorn newsarchive.wsgi``."""

import contextlib
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")

application = get_wsgi_application()

# Before the first request: what a search would otherwise load within its time budget
# (the compound word lists; the search engine's modules and, where it is there, its index).
from haystack import connections  # noqa: E402

from articles.search.analysis import warm_up  # noqa: E402 (needs the settings above)

warm_up()
# A missing or broken index answers 503 on search, not here.
with contextlib.suppress(Exception):
    connections["default"].get_backend()
