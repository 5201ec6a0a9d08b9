"""What every backend of the archive shares: the reader's query travels beside haystack's
own query string, unparsed, and each backend parses it with ``articles.search.syntax``;
a date range travels beside it too, as two dates, for each backend to apply its own way."""

from __future__ import annotations

import datetime as dt

from haystack.query import SearchQuerySet

DATE_FIELD = "published_on"  # the index field a date range applies to


class ArchiveQueryMixin:
    """For a backend's SearchQuery class: carries ``archive_query`` to ``backend.search``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.archive_query: str | None = None
        self.date_range: tuple[dt.date | None, dt.date | None] | None = None

    def _clone(self, klass=None, using=None):
        clone = super()._clone(klass=klass, using=using)
        clone.archive_query = self.archive_query
        clone.date_range = self.date_range
        return clone

    def build_params(self, *args, **kwargs):
        params = super().build_params(*args, **kwargs)
        if self.archive_query:
            params["archive_query"] = self.archive_query
        if self.date_range:
            params["date_range"] = self.date_range
        return params


class ArchiveSearchQuerySet(SearchQuerySet):
    def archive(self, text: str) -> ArchiveSearchQuerySet:
        """Match the reader's query ``text`` (see ``articles.search.syntax``)."""
        clone = self._clone()
        clone.query.archive_query = text
        return clone

    def published_between(self, start: dt.date | None, end: dt.date | None):
        """Only documents dated from ``start`` to ``end``, both included (None: open)."""
        clone = self._clone()
        clone.query.date_range = (start, end) if start or end else None
        return clone
