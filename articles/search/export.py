"""A search's results as rows to download: CSV or JSON Lines, produced a chunk at a time so
that memory stays flat however many rows there are.

The rows are those of ``run_search`` for the same ``SearchParams`` (the query language,
filters, date range and order), every match rather than a page: the engine gives every
match's id in one call (``ordered_ids``), then the articles are read ``CHUNK`` at a time
through ``articles.public`` (published only: an article withdrawn since it was indexed is
left out). The search page's relevance order differs only at its very top, where the
page re-ranks its first hundred by feedback.

Each row: id, title, url, published_on, publication, section, authors, language,
entities, citation (plain text), summary, and with ``full_text`` the body.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone

from articles import citations, public
from articles.models import Byline
from articles.search.backends.base import IndexMissing, SearchOverBudget, ordered_ids
from articles.search.service import SearchParams, SearchUnavailable, build_queryset

MAX_ROWS = 100_000  # one download from the site or the API; the command has no limit
CHUNK = 500  # articles read from the database at a time
FORMATS = ("csv", "jsonl")
COLUMNS = (
    "id",
    "title",
    "url",
    "published_on",
    "publication",
    "section",
    "authors",
    "language",
    "entities",
    "citation",
    "summary",
)
LIST_JOINER = "; "  # between authors and between entities in a CSV cell
# A cell starting with one of these is a formula to a spreadsheet (=1+1, +cmd, -2+3,
# @SUM, and tab or carriage return before one): OWASP's "CSV injection".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class TooManyRows(Exception):
    """The search finds more than ``MAX_ROWS`` articles."""


def spreadsheet_safe(value) -> str:
    """``value`` as a CSV cell no spreadsheet runs as a formula: text starting with
    ``FORMULA_STARTS`` gets a leading apostrophe (shown by spreadsheets as text).
    Numbers stay numbers."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def matching_ids(params: SearchParams, limit: int | None) -> list[int]:
    """Every match's id, in the search's order. Raises ``TooManyRows`` beyond ``limit``
    (None: no limit), ``SearchOverBudget`` and ``SearchUnavailable`` as searches do."""
    try:
        ids = ordered_ids(build_queryset(params), None if limit is None else limit + 1)
    except SearchOverBudget:
        raise
    except IndexMissing as exc:
        raise SearchUnavailable(str(exc)) from exc
    except Exception as exc:
        raise SearchUnavailable(str(exc)) from exc
    if limit is not None and len(ids) > limit:
        raise TooManyRows(f"This search finds more than {limit:,} articles.")
    return ids


def rows(
    ids: list[int],
    url_of: Callable[[str], str],
    *,
    full_text: bool = False,
    retrieved: dt.date | None = None,
) -> Iterator[dict]:
    """One dict per published article of ``ids``, in that order, read ``CHUNK`` at a
    time: three queries a chunk (articles, bylines, mentions), as plain values: model
    instances and a prefetch per article were most of an export's time. ``url_of`` makes
    a path absolute (the request's host, or the command's ``--base-url``)."""
    retrieved = retrieved or timezone.localdate()
    # An article's address is its slug in a fixed pattern: one reverse(), not one a row.
    prefix, _, suffix = reverse("articles:article", args=["-"]).rpartition("-")
    fields = ["pk", "slug", "title", "published_on", "publication__name", "section__name"]
    fields += ["language", "summary", *(["body"] if full_text else [])]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found = {row["pk"]: row for row in public.articles().filter(pk__in=chunk).values(*fields)}
        authors: dict[int, list[str]] = defaultdict(list)
        for article_id, name in (
            Byline.objects.filter(article_id__in=list(found))
            .order_by("article_id", "position")
            .values_list("article_id", "author__name")
        ):
            authors[article_id].append(name)
        entities: dict[int, dict[str, None]] = defaultdict(dict)
        for article_id, name in (
            public.mentions()
            .filter(article_id__in=list(found))
            .order_by("article_id", "-count", "pk")
            .values_list("article_id", "entity__name")
        ):
            entities[article_id][name] = None
        for pk in chunk:
            article = found.get(pk)
            if article is None:  # withdrawn since it was indexed
                continue
            url = url_of(prefix + quote(article["slug"]) + suffix)
            row = {
                "id": pk,
                "title": article["title"],
                "url": url,
                "published_on": article["published_on"].isoformat()
                if article["published_on"]
                else "",
                "publication": article["publication__name"] or "",
                "section": article["section__name"] or "",
                "authors": authors.get(pk, []),
                "language": article["language"],
                "entities": list(entities.get(pk, {})),
                "citation": citations.plain_text(
                    citations.Citation(
                        title=article["title"],
                        url=url,
                        retrieved=retrieved,
                        authors=authors.get(pk, []),
                        publication=article["publication__name"] or "",
                        section=article["section__name"] or "",
                        published_on=article["published_on"],
                        language=article["language"],
                        summary=article["summary"],
                    )
                ),
                "summary": article["summary"],
            }
            if full_text:
                row["body"] = article["body"]
            yield row


def as_csv(records: Iterable[dict], *, full_text: bool = False) -> Iterator[str]:
    """CSV text, the header first, then a piece per ``CHUNK`` rows; lists are joined with
    ``LIST_JOINER`` and every cell is ``spreadsheet_safe``."""
    columns = [*COLUMNS, "body"] if full_text else list(COLUMNS)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for count, record in enumerate(records, 1):
        writer.writerow(
            [
                spreadsheet_safe(
                    LIST_JOINER.join(record[c]) if isinstance(record[c], list) else record[c]
                )
                for c in columns
            ]
        )
        if count % CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def as_jsonl(records: Iterable[dict]) -> Iterator[str]:
    """JSON Lines: one object per line, a piece per ``CHUNK`` rows."""
    lines: list[str] = []
    for record in records:
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
        if len(lines) >= CHUNK:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)
