"""One reader per corpus: each turns a corpus folder into ``ArticleRecord`` values.

Every reader module exposes ``read(path, limit=None)``, which streams records from the
corpus folder ``path`` (the compressed files are read as they are), skipping with a warning
any item it cannot use (``articles.ingest.record.skip``: an import that reads it counts the
item as failed, with where it is and why). ``READERS`` names them for the import command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from articles.ingest.corpora import (
    agnews,
    bbc2005,
    bbc2025,
    farsnews,
    gnews,
    hamshahri,
    kurdistan,
    reuters,
)
from articles.ingest.record import ArticleRecord


class CorpusReader(NamedTuple):
    read: Callable[..., Iterator[ArticleRecord]]  # read(path: Path, limit: int | None = None)
    folder: str  # the corpus's folder name under shared/corpus

    def read_from(self, corpus_root: Path, limit: int | None = None) -> Iterator[ArticleRecord]:
        """Read this corpus from its usual folder under ``corpus_root`` (shared/corpus)."""
        return self.read(Path(corpus_root) / self.folder, limit)


READERS: dict[str, CorpusReader] = {
    "bbc2025": CorpusReader(bbc2025.read, "bbc_news_2025_sample"),
    "bbc2005": CorpusReader(bbc2005.read, "bbc_news_2005"),
    "reuters": CorpusReader(reuters.read, "reuters21578"),
    "farsnews": CorpusReader(farsnews.read, "farsnews_sample_fa"),
    "hamshahri": CorpusReader(hamshahri.read, "hamshahri2_sample_fa"),
    "kurdistan": CorpusReader(kurdistan.read, "kurdistan_univ_news_ku_ar_en"),
    "gnews": CorpusReader(gnews.read, "gnews_headlines_archive"),
    "agnews": CorpusReader(agnews.read, "ag_news_test"),
}
