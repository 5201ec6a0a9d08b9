"""WSGI entry point, e.g. for gunicorn: ``gunicorn newsarchive.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")

application = get_wsgi_application()

# Before the first request: what a search would otherwise load within its time budget.
from articles.search.analysis import warm_up  # noqa: E402 (needs the settings above)

warm_up()
