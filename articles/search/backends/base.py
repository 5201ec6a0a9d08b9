"""What every backend of the archive shares: the reader's query travels beside haystack's
own query string, unparsed, and each backend parses it with ``articles.search.syntax``."""

from __future__ import annotations

from haystack.query import SearchQuerySet


class ArchiveQueryMixin:
    """For a backend's SearchQuery class: carries ``archive_query`` to ``backend.search``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.archive_query: str | None = None

    def _clone(self, klass=None, using=None):
        clone = super()._clone(klass=klass, using=using)
        clone.archive_query = self.archive_query
        return clone

    def build_params(self, *args, **kwargs):
        params = super().build_params(*args, **kwargs)
        if self.archive_query:
            params["archive_query"] = self.archive_query
        return params


class ArchiveSearchQuerySet(SearchQuerySet):
    def archive(self, text: str) -> ArchiveSearchQuerySet:
        """Match the reader's query ``text`` (see ``articles.search.syntax``)."""
        clone = self._clone()
        clone.query.archive_query = text
        return clone
