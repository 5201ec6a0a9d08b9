"""What the corpus readers share."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from articles.ingest.record import ArticleRecord


def usable(records: Iterable[ArticleRecord | None], limit: int | None) -> Iterator[ArticleRecord]:
    """The records that are not None (items a reader could not use), at most ``limit``."""
    kept = (record for record in records if record is not None)
    return kept if limit is None else islice(kept, max(limit, 0))
