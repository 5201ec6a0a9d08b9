"""Where records come from: documents on disk, a CSV / JSON Lines table with a field
mapping, or a named corpus. Each function checks its arguments at once (raising
``ImportSourceError`` with a reason a user can act on) and then streams records;
the pipeline stores them. A document, row or file that cannot be read is passed over
with ``articles.ingest.record.skip``, which the import counts as failed."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path

from articles.ingest.corpora import READERS
from articles.ingest.documents import SUFFIXES, read_document
from articles.ingest.files import usable
from articles.ingest.formats import tables
from articles.ingest.record import ArticleRecord, skip

log = logging.getLogger(__name__)


class ImportSourceError(Exception):
    """The source as named cannot be read at all (unknown corpus, missing folder…)."""


def _labelled(records: Iterable[ArticleRecord], fmt: str) -> Iterator[ArticleRecord]:
    for record in records:
        record.format = record.format or fmt
        yield record


def corpus_records(
    name: str, corpus_root: Path, folder: Path | None = None, limit: int | None = None
) -> Iterator[ArticleRecord]:
    """Records of a corpus known by name, from ``folder`` or its usual place under
    ``corpus_root`` (shared/corpus)."""
    reader = READERS.get(name)
    if reader is None:
        raise ImportSourceError(f"Unknown corpus {name!r}; known: {', '.join(READERS)}.")
    folder = folder or corpus_root / reader.folder
    if not folder.is_dir():
        raise ImportSourceError(f"No corpus folder at {folder}.")
    return _labelled(reader.read(folder, limit), f"corpus:{name}")


def table_records(
    paths: Iterable[Path], mapping: str, limit: int | None = None
) -> Iterator[ArticleRecord]:
    """Records of CSV or JSON Lines files (by extension, see ``tables.read_table``;
    .xz/.gz/.bz2 allowed) whose columns are named by ``mapping``, e.g.
    ``title=headline,body=text,published=date``. A file that cannot be read (missing,
    damaged, or without a mapped column) is skipped from where it fails; the others go on."""
    try:
        fields = tables.parse_mapping(mapping)
    except ValueError as exc:
        raise ImportSourceError(str(exc)) from exc
    rows = chain.from_iterable(_table_rows(tables, path, fields) for path in paths)
    return _labelled(usable(rows, limit), "table")


def _table_rows(tables, path: Path, fields: dict[str, str]) -> Iterator[ArticleRecord]:
    try:
        yield from tables.read_table(path, fields)
    except OSError as exc:
        skip(log, str(path), f"the file cannot be read ({exc.strerror or exc})")
    except Exception as exc:  # one unreadable file never stops the import of the others
        skip(log, str(path), str(exc))


def document_paths(paths: Iterable[Path]) -> list[Path]:
    """The files named, with folders searched for files of the formats read."""
    files: list[Path] = []
    for path in map(Path, paths):
        if not path.exists():
            raise ImportSourceError(f"No such file or folder: {path}")
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            )
        else:
            files.append(path)
    return files


def document_records(files: Iterable[Path]) -> Iterator[ArticleRecord]:
    """Records of the documents in ``files``; one that cannot be read is skipped with its
    reason and the rest go on. Each record keeps its file."""
    for path in files:
        try:
            record = read_document(path)
        except Exception as exc:
            skip(log, str(path), str(exc))
            continue
        record.original_path = path
        yield record
