"""What the corpus readers share: opening a (compressed) file as text, reading CSV rows and
the files of a tar archive as they come, and the loop that keeps the usable records up to a
limit. Items a reader cannot use are passed over with ``articles.ingest.record.skip``."""

from __future__ import annotations

import bz2
import csv
import gzip
import json
import logging
import lzma
import tarfile
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

from articles.ingest.record import ArticleRecord, skip

# How a file's last suffix says it is compressed, and what opens it; other files open as they are.
OPENERS: dict[str, Callable[..., IO[str]]] = {".xz": lzma.open, ".gz": gzip.open, ".bz2": bz2.open}

Row = TypeVar("Row")  # a csv.reader's list of cells or a csv.DictReader's dict
_Row_co = TypeVar("_Row_co", covariant=True)


class CsvReader(Protocol[_Row_co]):
    """What ``csv_rows`` needs of a ``csv.reader`` or ``csv.DictReader``."""

    @property
    def line_num(self) -> int: ...

    def __next__(self) -> _Row_co: ...


def usable(records: Iterable[ArticleRecord | None], limit: int | None) -> Iterator[ArticleRecord]:
    """The records that are not None (items a reader could not use), at most ``limit``."""
    kept = (record for record in records if record is not None)
    return kept if limit is None else islice(kept, max(limit, 0))


def open_text(path: Path, encoding: str = "utf-8", errors: str = "strict") -> IO[str]:
    """The file at ``path`` as text, decompressed if its name ends in .xz, .gz or .bz2.

    Line endings are left as they are (``newline=""``), as the csv module wants: a line
    break inside a quoted cell is part of the cell.
    """
    opener = OPENERS.get(Path(path).suffix.lower(), open)
    return opener(path, "rt", encoding=encoding, errors=errors, newline="")


def csv_rows(
    rows: CsvReader[Row], file_name: str, logger: logging.Logger
) -> Iterator[tuple[int, Row]]:
    """``(number, row)`` for each row of a ``csv.reader`` or ``csv.DictReader``, counted from 1.

    A row the csv module rejects (a cell over ``csv.field_size_limit``, a stray quote) is
    skipped as "<file_name> line <n>" and reading goes on; it keeps its number, so that the
    numbers of the rows after it stay those of the file. The reader's ``line_num`` is the
    yielded row's last line until the next row is asked for.
    """
    number = 0
    while True:
        number += 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            skip(logger, f"{file_name} line {rows.line_num}", str(error))
            continue
        yield number, row


def json_object(line: str, source: str, logger: logging.Logger) -> dict[str, Any] | None:
    """The JSON object on one line of a JSON Lines file; ``None`` (skipped as ``source``) if
    the line is not JSON or not an object."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        skip(logger, source, f"not JSON ({error})")
        return None
    if not isinstance(item, dict):
        skip(logger, source, "not a JSON object")
        return None
    return item


def archive_files(path: Path, wanted: Callable[[str], object]) -> Iterator[tuple[str, bytes]]:
    """``(name in the archive, content)`` of each file of the tar.xz at ``path`` whose name
    ``wanted`` accepts (returns something true for), in archive order, without unpacking the
    archive."""
    # "r|xz" streams the archive: each member is read once, in order, and then forgotten.
    with tarfile.open(path, "r|xz") as archive:
        for member in archive:
            if not member.isfile() or not wanted(member.name):
                continue
            stream = archive.extractfile(member)
            if stream is not None:
                yield member.name, stream.read()
