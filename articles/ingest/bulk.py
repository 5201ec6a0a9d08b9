"""Storing new articles a batch at a time: the import's fast path.

``articles.ingest.pipeline.store`` saves one record in its own transaction with a dozen
queries: right for an upload of a few documents, far too slow for a corpus of a million
(on PostgreSQL each commit waits for the disk). Here a batch of records costs a handful of
queries and one commit: existing checksums and sources are looked up for the whole batch,
new articles go in with one ``bulk_create``, their bylines and source tags with one more
each, and publications, sections, authors and entities come from caches kept for the run.

Only what is new takes this path. A record that is a changed version of a stored article
(the same source), a second version of a source within one batch, or anything else the
batch cannot settle on its own goes through ``store`` one by one, with every rule it
applies (editors' corrections kept). When anything in a batch fails, the batch is rolled
back and each of its records is stored on its own, so that a bad one is reported alone and
loses nothing of the others.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import AutoField, F, Lookup, Q
from django.db.models.functions import Lower
from django.utils import timezone

from articles.entities.cleanup import source_entity
from articles.ingest.ocr import save_pages
from articles.ingest.record import ArticleRecord
from articles.ingest.rows import (
    CREATED,
    UNTITLED,
    checksum,
    find_publication,
    find_section,
    for_review,
    keep_original,
    stand_in_title,
)
from articles.models import (
    Article,
    Author,
    Byline,
    Entity,
    Mention,
    Publication,
    Section,
    slug_base,
    unique_slug,
)
from articles.search import indexing

log = logging.getLogger(__name__)

# The slugs of the same base ("results", "results-2", ...) looked at once when titles
# collide: more collisions than this fall back to one query per slug.
SLUG_PROBE = 10_000


@dataclass
class Prepared:
    record: ArticleRecord
    checksum: str
    source_key: tuple[str, str]  # ("url", …) or ("name", …) or ("", "")


class RunCache:
    """Publications, sections, authors and entities by lower-cased name, for one run.

    A run of a million articles names some thousands of each; keeping their ids saves a
    query per name per article. Only ids and names are kept, never the rows' text.
    """

    def __init__(self) -> None:
        self.publications: dict[str, Publication | None] = {}
        self.sections: dict[tuple[int, str], Section | None] = {}
        self.authors: dict[str, int] = {}
        self.entities: dict[tuple[str, str], int] = {}

    def publication(self, record: ArticleRecord) -> Publication | None:
        if not record.publication:
            return None
        key = record.publication.lower()
        if key not in self.publications:
            self.publications[key] = find_publication(record)
        return self.publications[key]

    def section(self, publication: Publication | None, name: str) -> Section | None:
        if publication is None or not name:
            return None
        key = (publication.pk, name.lower())
        if key not in self.sections:
            self.sections[key] = find_section(publication, name)
        return self.sections[key]

    def author_ids(self, names: Iterable[str]) -> dict[str, int]:
        """Ids of the authors with these names (any case), created where missing: under
        the first spelling of ``names``, as the one-by-one store creates them."""
        names = list(names)
        wanted: dict[str, str] = {}
        for n in names:
            if n.lower() not in self.authors:
                wanted.setdefault(n.lower(), n)
        if wanted:
            self._load(Author.objects, wanted, self.authors)
            new = {key: name for key, name in wanted.items() if key not in self.authors}
            self._create(Author, Author.objects, new, {}, self.authors)
        return {name: self.authors[name.lower()] for name in names}

    def entity_ids(self, refs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Ids of the entities with these ``(name, kind)`` (name in any case), created
        where missing, under the first spelling of ``refs``."""
        refs = list(refs)
        missing: dict[tuple[str, str], str] = {}
        for name, kind in refs:
            if (name.lower(), kind) not in self.entities:
                missing.setdefault((name.lower(), kind), name)
        for kind in {kind for _, kind in missing}:
            names = {key: name for (key, k), name in missing.items() if k == kind}
            found: dict[str, int] = {}
            queryset = Entity.objects.filter(kind=kind)
            self._load(queryset, names, found)
            new = {key: name for key, name in names.items() if key not in found}
            self._create(Entity, queryset, new, {"kind": kind}, found)
            self.entities.update({(key, kind): pk for key, pk in found.items()})
        return {(name, kind): self.entities[name.lower(), kind] for name, kind in refs}

    @classmethod
    def _create(cls, model, queryset, new: dict[str, str], fields: dict, into: dict) -> None:
        """Create ``new`` (lower-cased name → name) in one insert, slugs as ``save`` gives
        them, and add their ids to ``into``. A slug another import took meanwhile makes
        its row fail alone (``ignore_conflicts``); it is then created one by one."""
        if not new:
            return
        slugs = Slugs(list(new.values()), model).allocate()
        model.objects.bulk_create(
            [
                model(name=name, slug=slug, **fields)
                for name, slug in zip(new.values(), slugs, strict=True)
            ],
            ignore_conflicts=True,
        )
        cls._load(queryset, new, into)
        for key, name in new.items():
            if key not in into:
                into[key] = model.objects.create(name=name, **fields).pk

    @staticmethod
    def _load(queryset, wanted: dict[str, str], into: dict[str, int]) -> None:
        # The oldest of several rows spelled alike, as ``store`` takes.
        rows = (
            queryset.annotate(lowered=Lower("name"))
            .filter(lowered__in=list(wanted))
            .order_by("-pk")
            .values_list("lowered", "pk")
        )
        into.update(rows)


def prepare(record: ArticleRecord) -> Prepared:
    """The record as the batch stores it (a stand-in title where it has none), with its
    identity; raises ``ValueError`` for a record with no text, as ``store`` does."""
    record = titled(record)
    if record.source_url:
        key = ("url", record.source_url[:1000])
    elif record.source_name:
        key = ("name", record.source_name[:500])
    else:
        key = ("", "")
    return Prepared(record, checksum(record), key)


def titled(record: ArticleRecord) -> ArticleRecord:
    """The record with a stand-in title where it has none; raises ``ValueError`` for a
    record with no text, as ``store`` does."""
    if not (record.body.strip() or record.raw_text.strip()):
        raise ValueError("no article text was found")
    if not record.title.strip():
        record = replace(
            record,
            title=stand_in_title(record.body or record.raw_text),
            review=[*record.review, UNTITLED],
        )
    return record


def source_tags(record: ArticleRecord) -> list[tuple[tuple[str, str], int]]:
    """The record's own tags that name something, as ``((name, kind), count)``.

    A source's keyword may name nothing ("economy", a headline, a function word of the
    record's language): ``source_entity`` says, and gives a recognised name its kind, as the
    one-by-one store does."""
    return [
        (found, ref.count)
        for ref in record.entities
        if (found := source_entity(ref.name, ref.kind, record.language))
    ]


def index_ahead(records: list[ArticleRecord], *, publish_complete: bool = True) -> None:
    """Make what indexing these records will cost most (``indexing.index_ahead``: on
    PostgreSQL, their vectors) into each one's ``indexed_ahead``, before they are stored.

    For an import's reading process (``read_ahead``): the articles are built here as
    ``store_new`` would store them new, with the names as the records spell them; where
    the stored article reads otherwise (an author stored before in other capitals, a
    changed version of an article), the importer makes that part again. Records whose
    article will come in for review are passed over: the index holds none of those."""
    articles, kept = [], []
    for given in records:
        try:
            record = titled(given)
        except ValueError:
            continue
        if not publish_complete or for_review(record):
            continue
        publication = Publication(name=record.publication) if record.publication else None
        article = Article(
            title=record.title.strip()[:500],
            kicker=record.kicker[:500],
            summary=record.summary,
            body=record.body,
            published_on=record.published,
            language=record.language,
            publication=publication,
            section=Section(name=record.section) if publication and record.section else None,
        )
        names = dict.fromkeys(n.strip() for n in record.authors if n.strip())
        spelled = {name.lower(): name for name in reversed(names)}  # the first spelling
        # As ``models.bylines_prefetch`` gives them to the index and to cards.
        article.listed_bylines = [  # type: ignore[attr-defined]
            Byline(author=Author(name=name), position=position)
            for position, name in enumerate(dict.fromkeys(spelled[n.lower()] for n in names))
        ]
        counts: dict[tuple[str, str], list] = {}
        for (name, kind), count in source_tags(record):
            counts.setdefault((name.lower(), kind), [name, kind, 0])[2] += count
        # In the order the index reads them (``Mention.Meta.ordering``).
        article.indexed_mentions = [  # type: ignore[attr-defined]
            Mention(entity=Entity(name=name, kind=kind), count=count)
            for name, kind, count in sorted(counts.values(), key=lambda m: (-m[2], m[0]))
        ]
        articles.append(article)
        kept.append(given)
    for record, made in zip(kept, indexing.index_ahead(articles), strict=True):
        record.indexed_ahead = made


class _AmongJson(Lookup):
    """``field = ANY(…)`` of strings sent as one JSON array: Django writes a ``__in`` list
    of a batch's 500 checksums, sources or slugs as 500 parameters, which psycopg parses
    (a statement of more than 50 is never cached) and quotes one by one, in Python; one
    JSON string is made in C (a third of the query's client CPU)."""

    lookup_name = "among_json"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        values = "ARRAY(SELECT jsonb_array_elements_text(%s::jsonb))"
        return f"{lhs} = ANY({values})", [*params, self.rhs]


def _among(model, field: str, values: Iterable[str]) -> Q:
    """A filter of ``field`` (text) among ``values``: on PostgreSQL in one parameter."""
    values = list(values)
    if connections[router.db_for_read(model)].vendor == "postgresql":
        return Q(_AmongJson(F(field), json.dumps(values, ensure_ascii=False)))
    return Q(**{f"{field}__in": values})


def settle(batch: list[Prepared]) -> tuple[dict[str, int], list[Prepared], list[Prepared]]:
    """Sort a batch: ``(unchanged, new, one_by_one)``. ``unchanged`` maps the checksums
    already stored (or repeated within the batch) to their article's id (0 for a repeat
    of a new one); ``new`` is stored in bulk; ``one_by_one`` goes through ``store``."""
    checksums = [item.checksum for item in batch]
    stored = dict(
        Article.objects.filter(_among(Article, "checksum", checksums)).values_list("checksum", "pk")
    )
    urls = {value for kind, value in (i.source_key for i in batch) if kind == "url"}
    names = {value for kind, value in (i.source_key for i in batch) if kind == "name"}
    known_sources = (
        {
            ("url", u)
            for u in Article.objects.filter(_among(Article, "source_url", urls)).values_list(
                "source_url", flat=True
            )
        }
        if urls
        else set()
    )
    if names:
        known_sources |= {
            ("name", n)
            for n in Article.objects.filter(_among(Article, "source_name", names)).values_list(
                "source_name", flat=True
            )
        }
    new, one_by_one = [], []
    seen_checksums: set[str] = set()
    seen_sources: set[tuple[str, str]] = set()
    for item in batch:
        if item.checksum in stored or item.checksum in seen_checksums:
            one_by_one.append(item)  # unchanged: ``store`` finds it and says so
        elif item.source_key in known_sources or item.source_key in seen_sources:
            one_by_one.append(item)  # a new version of a stored (or earlier) article
        else:
            new.append(item)
        seen_checksums.add(item.checksum)
        if item.source_key[0]:
            seen_sources.add(item.source_key)
    return stored, new, one_by_one


class Slugs:
    """Unique slugs of ``model`` (articles, authors, entities) for a batch of titles or
    names, with a query or two for the batch: what ``unique_slug`` gives one by one."""

    def __init__(self, titles: list[str], model=Article) -> None:
        self.model = model
        self.bases = [slug_base(title) for title in titles]
        taken = set(
            model.objects.filter(_among(model, "slug", set(self.bases))).values_list(
                "slug", flat=True
            )
        )
        self.used: set[str] = set()
        self.probed: set[str] = set()
        self.taken = taken

    def allocate(self) -> list[str]:
        slugs = []
        for base in self.bases:
            slug = base
            if slug in self.taken or slug in self.used:
                slug = self._next(base)
            self.used.add(slug)
            slugs.append(slug)
        return slugs

    def _next(self, base: str) -> str:
        stem = base[: 80 - 6]  # room for a suffix up to "-99999"
        if stem not in self.probed:
            self.probed.add(stem)
            found = self.model.objects.filter(slug__startswith=stem).values_list("slug", flat=True)
            self.taken.update(found[:SLUG_PROBE])
            if len(self.taken) > SLUG_PROBE:
                return unique_slug(self.model, base)
        n = 2
        while True:
            suffix = f"-{n}"
            slug = f"{base[: 80 - len(suffix)]}{suffix}"
            if slug not in self.taken and slug not in self.used:
                return slug
            n += 1


# What the search index reads of an article's own row, less what ``indexing.index_now``
# reads of it itself (its publication and section, by name) and the time of the batch.
_INDEXED = [
    name for name in indexing.INDEXED_FIELDS if name not in ("publication", "section", "updated_at")
]


def store_new(
    items: list[Prepared],
    cache: RunCache,
    *,
    publish_complete: bool,
    stored: dict[int, Article] | None = None,
) -> list[int]:
    """Insert these new articles with their bylines and source tags; their ids, in order.
    Runs inside the caller's transaction. ``stored`` is given the published ones as
    stored, by id, with the fields the index reads of an article's own row (its text,
    date, language and ``updated_at``), for ``indexing.index_now``: the index then need
    not read their text back."""
    now = timezone.now()
    slugs = Slugs([item.record.title.strip()[:500] for item in items]).allocate()
    published, review = str(Article.Status.PUBLISHED), str(Article.Status.REVIEW)
    rows = []
    for item, slug in zip(items, slugs, strict=True):
        record = item.record
        publication = cache.publication(record)
        section = cache.section(publication, record.section)
        missing = for_review(record)
        public = publish_complete and not missing
        # One dict a row, keyed by field (attname): the columns are named beside their values.
        rows.append(
            {
                "title": record.title.strip()[:500],
                "slug": slug,
                "kicker": record.kicker[:500],
                "summary": record.summary,
                "body": record.body,
                "published_on": record.published,
                "language": record.language
                or (publication.default_language if publication else ""),
                "source_url": record.source_url[:1000],
                "publication_id": publication.pk if publication else None,
                "section_id": section.pk if section else None,
                "source_name": record.source_name[:500],
                "source_format": record.format[:40],
                "raw_text": record.raw_text,
                "checksum": item.checksum,
                "missing_fields": missing,
                "word_count": len(record.body.split()),
                "status": published if public else review,
                "created_at": now,
                "updated_at": now,
                "published_at": now if public else None,
            }
        )
    ids = insert_values(
        Article,
        list(rows[0]) if rows else [],
        [tuple(row.values()) for row in rows],
        prepare=("published_on", "missing_fields", "created_at", "updated_at", "published_at"),
        returning=True,
    )
    if stored is not None:
        alias = router.db_for_write(Article)
        stored.update(
            (
                pk,
                indexing.as_read(
                    Article, alias, id=pk, updated_at=now, **{n: row[n] for n in _INDEXED}
                ),
            )
            for pk, row in zip(ids, rows, strict=True)
            if row["status"] == published
        )

    # In the records' order: a name spelled two ways is created as first spelled.
    names = dict.fromkeys(n.strip() for item in items for n in item.record.authors if n.strip())
    author_ids = cache.author_ids(names)
    bylines = []
    for pk, item in zip(ids, items, strict=True):
        authors = dict.fromkeys(
            author_ids[n] for n in dict.fromkeys(n.strip() for n in item.record.authors) if n
        )
        bylines += [(pk, author, position) for position, author in enumerate(authors)]
    insert_values(Byline, ["article_id", "author_id", "position"], bylines)

    named = [source_tags(item.record) for item in items]
    source = str(Mention.Origin.SOURCE)
    entity_ids = cache.entity_ids(dict.fromkeys(found for refs in named for found, _ in refs))
    mentions = []
    for pk, refs in zip(ids, named, strict=True):
        counts: dict[int, int] = {}
        for found, count in refs:
            entity = entity_ids[found]
            counts[entity] = counts.get(entity, 0) + count
        mentions += [(pk, entity, n, source) for entity, n in counts.items()]
    insert_values(Mention, ["article_id", "entity_id", "count", "origin"], mentions)

    for pk, item in zip(ids, items, strict=True):
        if item.record.original_path is not None or item.record.scanned_pages:
            article = Article.objects.get(pk=pk)  # an upload's file or scans: rare, and slow
            if item.record.original_path is not None:
                keep_original(article, item.record.original_path)
            if item.record.scanned_pages:
                save_pages(article, item.record.scanned_pages)
    return ids


def insert_values(
    model, names: list[str], rows: list[tuple], *, prepare=(), returning: bool = False
) -> list[int]:
    """Insert ``rows`` of ``model``, each a tuple of values for the fields ``names``
    (attnames: ``article_id``), every other field at its default; with ``returning``, the
    new rows' ids in order. What ``bulk_create`` stores, without a model instance per row
    and a preparation per row and field (a fifth of a batch's storing): values go as they
    are (ids, numbers, text), but for the fields named in ``prepare`` (dates, JSON), and
    the defaults are prepared once for all the rows. Fields set on saving (``auto_now``)
    must be given. Runs inside the caller's transaction."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    given = [model._meta.get_field(name) for name in names]
    rest = [
        field
        for field in model._meta.concrete_fields
        if field not in given and not isinstance(field, AutoField)
    ]
    for field in rest:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            raise ValueError(f"{field} is set on saving: give its value")
    defaults = tuple(field.get_db_prep_save(field.get_default(), connection) for field in rest)
    prepared = [
        (at, field)
        for at, field in enumerate(given)
        if field.name in prepare or field.attname in prepare
    ]
    if prepared:
        # A batch's dates repeat (``created_at``: one for all), so each value is prepared
        # once: the field's preparation depends on the value alone.
        memo: dict = {}
        made = []
        for row in rows:
            values = list(row)
            for at, field in prepared:
                value = values[at]
                try:
                    values[at] = memo[at, value]
                except KeyError:
                    values[at] = memo[at, value] = field.get_db_prep_save(value, connection)
                except TypeError:  # not hashable (JSON)
                    values[at] = field.get_db_prep_save(value, connection)
            made.append(tuple(values))
        rows = made
    # Names from the model's own _meta; every value is a parameter.
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in given + rest)
    marks = "(" + ", ".join(["%s"] * len(given + rest)) + ")"
    with connection.cursor() as cursor:
        pk = quote(model._meta.pk.column)
        if connection.vendor == "postgresql":
            # COPY, with ids from the table's sequence: the server's cheapest way in, and
            # psycopg writes the rows in C (as INSERT statements of 500 rows it parses each
            # anew, in Python: more than 50 parameters are not cached).
            ids = []
            if returning:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [model._meta.db_table, model._meta.pk.column, len(rows)],
                )
                ids = sorted(pk for (pk,) in cursor.fetchall())
                rows = [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
                columns = f"{pk}, {columns}"
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *defaults))
            return ids
        if not returning:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES {marks}",  # noqa: S608
                [(*row, *defaults) for row in rows],
            )
            return []
        # One statement, its ids in the order of its rows (as ``bulk_create`` reads them).
        ids = []
        size = max(1, 30_000 // len(given + rest))  # SQLite takes 32,766 parameters
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608
                f"VALUES {', '.join([marks] * len(chunk))} RETURNING {pk}",
                [value for row in chunk for value in (*row, *defaults)],
            )
            ids += [pk for (pk,) in cursor.fetchall()]
        return ids


# New articles indexed together (``Unindexed``). A write to the PostgreSQL index counts
# each term its documents hold once in the term statistics (a row updated per term): a
# write of 500 of the corpus's articles updates 13.9 rows an article, one of 2,000 7.8,
# and the term statistics were a quarter of PostgreSQL's CPU of an import.
INDEX_EVERY = 2_000


class Unindexed:
    """The new articles a run has stored and not yet indexed, indexed together as soon as
    they are ``INDEX_EVERY`` or more, and by ``index()`` at the run's end (or when it
    fails: what is stored is indexed). A run killed meanwhile leaves them stored and not
    indexed, as it left a batch before: the next run indexes them
    (``indexing.schedule_out_of_step``). Holds their text until then (``stored``): a few
    megabytes."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.ahead: dict[int, dict] = {}
        self.stored: dict[int, Article] = {}

    def add(self, ids: list[int], ahead: dict[int, dict], stored: dict[int, Article]) -> None:
        self.ids += ids
        self.ahead.update(ahead)
        self.stored.update(stored)
        if len(self.ids) >= INDEX_EVERY:
            self.index()

    def index(self) -> None:
        ids, ahead, stored = self.ids, self.ahead, self.stored
        self.ids, self.ahead, self.stored = [], {}, {}
        if ids:
            indexing.index_now(ids, ahead=ahead, stored=stored, chunk=len(ids))


def store_batch(
    batch: list[ArticleRecord],
    cache: RunCache,
    *,
    publish_complete: bool,
    add: Callable[[int, str, ArticleRecord], None],
    one: Callable[[ArticleRecord], None],
    index_now: bool = True,
    unindexed: Unindexed | None = None,
) -> None:
    """Store a batch of records: new ones in bulk, in one transaction, the rest through
    ``one`` (each in its own); ``add(id, outcome, record)`` is told what became of each
    stored in bulk. When the bulk part fails, each record goes through ``one`` instead.
    The new articles are indexed as soon as the batch commits (or handed to ``unindexed``,
    which indexes them with the next batches), unless ``index_now`` is false (entities
    found later would change them again): then with the rest, at the end of the caller's
    ``deferred_indexing``."""
    prepared, fallback = [], []
    for record in batch:
        try:
            prepared.append(prepare(record))
        except Exception:  # noqa: BLE001 - ``one`` meets it again and reports it
            fallback.append(record)
    try:
        with transaction.atomic():
            _, new, one_by_one = settle(prepared)
            stored: dict[int, Article] = {}
            ids = (
                store_new(new, cache, publish_complete=publish_complete, stored=stored)
                if new
                else []
            )
    except Exception as exc:  # anything: each record again, on its own
        log.info("A batch of %d is stored one by one instead: %r", len(batch), exc)
        _forget_created(cache)
        for record in batch:
            one(record)
        return
    # No save signals fire for bulk inserts: the index learns of them here, a batch (or a
    # few: ``Unindexed``) at a time, so that memory stays flat and nothing waits for the
    # end of a long run. A run killed before they are indexed leaves them stored and not
    # indexed: the next run finds them unchanged and indexes them
    # (``indexing.schedule_out_of_step``).
    if index_now:
        ahead = {
            pk: item.record.indexed_ahead
            for pk, item in zip(ids, new, strict=True)
            if item.record.indexed_ahead
        }
        if unindexed is not None:
            unindexed.add(ids, ahead, stored)
        else:
            indexing.index_now(ids, ahead=ahead, stored=stored)
    else:
        indexing.schedule(ids)
    for pk, item in zip(ids, new, strict=True):
        add(pk, CREATED, item.record)
    for record in [*fallback, *(item.record for item in one_by_one)]:
        one(record)


def _forget_created(cache: RunCache) -> None:
    # Authors and entities created inside a rolled-back batch no longer exist.
    cache.authors.clear()
    cache.entities.clear()
    cache.publications.clear()
    cache.sections.clear()


def batches(records, size: int | None = None):
    """``records`` in lists of ``size`` (``IMPORT_BATCH_SIZE``: larger batches save little
    more and hold more rows, and on SQLite the write lock, for longer; a killed import loses
    the batch it was storing, which the next run stores)."""
    size = size or settings.IMPORT_BATCH_SIZE
    batch = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
