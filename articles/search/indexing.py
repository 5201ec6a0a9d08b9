"""Keep the search index in step with the database.

An article is in the index exactly when it is published. Every change that can
alter what the index holds for an article (the article itself, its bylines, its
mentions, a renamed author or entity) schedules that article; the index is updated
once per transaction, after it commits, so a rolled-back save never reaches search
and an admin save with five inlines writes the index once.
Bulk imports wrap their work in ``deferred_indexing()`` and index once at the end.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import transaction
from haystack import connections

from articles.models import Article

log = logging.getLogger(__name__)

BATCH_SIZE = 500

_state = threading.local()


def _article_index():
    return connections["default"].get_unified_index().get_index(Article)


def update_articles(ids: Iterable[int]) -> tuple[int, int]:
    """Index the given articles if published, remove them otherwise.

    Returns ``(indexed, removed)``. Reads the database's current state, so calling
    it twice, or for an article that no longer exists, is harmless.
    """
    ids = sorted(set(ids))
    if not ids:
        return 0, 0
    index = _article_index()
    backend = connections["default"].get_backend()
    indexed = removed = 0
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        public = list(index.index_queryset().filter(pk__in=chunk))
        if public:
            backend.update(index, public)
            indexed += len(public)
        public_ids = {article.pk for article in public}
        for pk in chunk:
            if pk not in public_ids:
                backend.remove(get_identifier_for(pk))
                removed += 1
    return indexed, removed


def get_identifier_for(pk: int) -> str:
    return f"{Article._meta.app_label}.{Article._meta.model_name}.{pk}"


def _pending() -> set[int]:
    if not hasattr(_state, "pending"):
        _state.pending = set()
    return _state.pending


def _flush() -> None:
    pending = _pending()
    ids, _state.pending = set(pending), set()
    if ids:
        try:
            update_articles(ids)
        except Exception:
            # The save itself succeeded; `manage.py update_index` repairs the index.
            log.exception("Could not update the search index for articles %s", sorted(ids))


def schedule(article_ids: Iterable[int]) -> None:
    """Update these articles in the index once the current transaction commits."""
    ids = set(article_ids)
    if not ids:
        return
    bulk = getattr(_state, "bulk", None)
    if bulk is not None:
        bulk.update(ids)
        return
    _pending().update(ids)
    # Registered on every call; the first flush takes all, later ones find nothing.
    transaction.on_commit(_flush)


@contextmanager
def deferred_indexing():
    """Collect index updates inside the block and apply them in batches at its end."""
    outer = getattr(_state, "bulk", None)
    if outer is not None:  # nested: the outermost block indexes
        yield outer
        return
    _state.bulk = set()
    try:
        yield _state.bulk
    finally:
        ids, _state.bulk = _state.bulk, None
        update_articles(ids)


def sync_index() -> tuple[int, int]:
    """Index the published articles the index lacks and remove entries that are not
    published articles. Returns ``(indexed, removed)``."""
    backend = connections["default"].get_backend()
    in_index = backend.indexed_ids(Article)
    published = set(Article.objects.published().values_list("pk", flat=True))
    return update_articles((published - in_index) | (in_index - published))


def rebuild_index(*, procs: int = 2) -> int:
    """Index every published article afresh in one pass (see the backend's ``rebuild``)."""
    index = _article_index()
    backend = connections["default"].get_backend()
    articles = index.index_queryset().iterator(chunk_size=1000)
    return backend.rebuild(index, articles, procs=procs)
