"""Searches answered again from what the engine said last time, as long as the index has
not changed since: popular searches repeat, and an archive's index changes far less often
than it is read (Solr's queryResultCache, Elasticsearch's request cache).

An answer is kept in the cache every worker and server shares (the ``search`` alias: the
``shared`` store under a prefix of its own), under a key made of the search's parameters,
together with the index **generation** it was made in: a random token replaced after every
change of what search can find or count (``new_generation``, called by
``articles.search.indexing`` after each write to the index and each rebuild). An answer is
read only in its own generation (token and answer come in one round trip), and a token that
has gone (evicted, the cache cleared) is replaced by a new one, never an old one, so an
answer from before a change is never read again.
What is kept is plain values (ids, scores, counts, highlighted text), never articles: the
page loads its articles afresh through the published-only queryset, so even an answer kept
too long cannot show an article that is no longer public. ``SEARCH_CACHE_SECONDS`` (0: off)
is how long an answer is kept; a cache that cannot be reached only means no caching.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import secrets
import time
import zlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches

log = logging.getLogger(__name__)

ALIAS = "search"
GENERATION_KEY = "search:generation"
# An answer larger than this, compressed, is not kept (at a million articles the answer for
# a page of 20 results is 4 kB, 14 at most, its rendered block 5 kB, 10 at most): the
# store's size stays bounded by its number of entries.
MAX_ANSWER_BYTES = 64 * 1024


def seconds() -> int:
    """How long an answer is kept; 0: search answers are not kept."""
    return max(0, int(getattr(settings, "SEARCH_CACHE_SECONDS", 0)))


def _store():
    return caches[ALIAS]


def generation() -> str | None:
    """The index's current generation token (a new one when there is none); None when the
    cache cannot be reached."""
    try:
        store = _store()
        token = store.get(GENERATION_KEY)
        if token is None:
            token = _new_token()
            # add: of two workers finding none at once, both then use the first one's.
            if not store.add(GENERATION_KEY, token, timeout=None):
                token = store.get(GENERATION_KEY) or token
        return token
    except Exception as exc:
        _unreachable(exc)
        return None


def _new_token() -> str:
    # When it was made, then the random part: see ``_settling``.
    return f"{time.time():.3f}-{secrets.token_hex(12)}"


def _settling(token: str) -> bool:
    """Whether the index change that made ``token`` may not have reached every copy of the
    archive yet: with read replicas, for ``REPLICA_PIN_SECONDS`` (how long the site expects
    replication to take). A search then may have read a replica's older index, and is not
    kept: otherwise it would stand for the new generation."""
    if not any(alias.startswith("replica_") for alias in settings.DATABASES):
        return False
    made, _, _ = token.partition("-")
    try:
        return time.time() - float(made) < getattr(settings, "REPLICA_PIN_SECONDS", 10)
    except ValueError:
        return False


def _unreachable(exc: Exception) -> None:
    log.warning("Search cache unreachable (%s: %s); searching uncached", type(exc).__name__, exc)


def new_generation() -> None:
    """Forget every kept answer: what search can find or count has changed. Called after
    the change reached the index, so that a search made meanwhile is kept under the old
    token, which nobody reads again."""
    try:
        _store().set(GENERATION_KEY, _new_token(), timeout=None)
    except Exception as exc:
        # Kept answers live SEARCH_CACHE_SECONDS at most, and pages re-read their articles.
        log.warning("Search cache generation not renewed (%s: %s)", type(exc).__name__, exc)


@dataclass
class Slot:
    """Where one search's answer is kept, and the generation it must have been kept in."""

    key: str
    token: str


def look_up(kind: str, parts: dict[str, Any]) -> tuple[Slot | None, Any]:
    """``(slot, answer)``: the answer of ``kind`` (a name: what is kept) kept for a search
    described by ``parts`` (its normalised parameters) in the current generation, else
    None, in one round trip to the cache; slot None when answers are not kept or the cache
    is unreachable. The key is hashed: a query of any length makes a key of the same short
    length; an answer is kept with the generation it belongs to, and read only in it."""
    if not seconds():
        return None, None
    engine = settings.HAYSTACK_CONNECTIONS["default"]
    described = json.dumps(
        [engine.get("ENGINE"), engine.get("PATH"), engine.get("DATABASE"), parts],
        sort_keys=True,
        default=str,
    )
    key = f"search:{kind}:" + hashlib.sha256(described.encode()).hexdigest()
    try:
        found = _store().get_many([GENERATION_KEY, key])
    except Exception as exc:
        _unreachable(exc)
        return None, None
    token = found.get(GENERATION_KEY) or generation()
    if token is None:
        return None, None
    kept = found.get(key)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == token:
        try:
            return Slot(key, token), pickle.loads(zlib.decompress(kept[1]))  # noqa: S301
        except Exception:  # kept by code that has changed since: as if not kept
            log.warning("A kept search answer could not be read; answering anew")
    return Slot(key, token), None


def keep(slot: Slot | None, answer) -> None:
    """Keep ``answer`` (plain values only) in ``slot`` for ``SEARCH_CACHE_SECONDS``."""
    if slot is None or _settling(slot.token):
        return
    # Compressed: a results block's HTML shrinks to a fifth, and the database cache keeps
    # expired rows until the table passes its MAX_ENTRIES.
    packed = zlib.compress(pickle.dumps(answer, pickle.HIGHEST_PROTOCOL))
    if len(packed) > MAX_ANSWER_BYTES:
        return
    value = (slot.token, packed)
    try:
        _store().set(slot.key, value, seconds())
    except Exception as exc:
        log.warning("Search answer not kept (%s: %s)", type(exc).__name__, exc)
