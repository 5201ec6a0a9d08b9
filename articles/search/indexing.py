"""Keep the search index in step with the database.

An article is in the index exactly when it is published. Every change that can
alter what the index holds for an article (the article itself, its bylines, its
mentions, a renamed author or entity) schedules that article; the index is updated
once per transaction, after it commits, so a rolled-back save never reaches search
and an admin save with five inlines writes the index once.
Bulk imports wrap their work in ``deferred_indexing()`` and index once at the end, except
the batches of new articles, which they index as they are stored, a few batches at a time
(``index_now``, ``articles.ingest.bulk.Unindexed``).

Every write to the index, and every rebuild, ends the answers search keeps for repeats
(``articles.search.cache.new_generation``).

``check_index()`` compares the index with the database (missing, stale and extra
documents) and ``sync_index()`` repairs what it finds; `manage.py check_index` runs both.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connections as connections_db
from django.db import router, transaction
from django.db.models import F, Lookup, Q
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from haystack import connections
from haystack.exceptions import SkipDocument
from haystack.query import SearchQuerySet

from articles.models import Article, Byline, Publication, Section
from articles.public import articles as public_articles
from articles.public import mentions as public_mentions
from articles.search import cache as results_cache
from articles.search.backends.base import IndexMissing
from articles.search_indexes import revision

log = logging.getLogger(__name__)

BATCH_SIZE = 500
# Rounds of "write, then read the database again" before update_articles gives up on an
# article that keeps changing under it (see there).
MAX_ROUNDS = 5
# Seconds to wait before trying a failed index update again (the index busy or away).
RETRY_DELAYS = (0.5, 2.0)

_state = threading.local()


def _article_index():
    return connections["default"].get_unified_index().get_index(Article)


# What the index (``search_indexes.ArticleIndex``) reads of an article's own row.
INDEXED_FIELDS = (
    "title",
    "kicker",
    "summary",
    "body",
    "published_on",
    "language",
    "updated_at",
    "publication",
    "section",
)
# The article's own columns of INDEXED_FIELDS, with its id (``IndexedArticles.read``; the
# publication and section come with ``_PLACES``).
_OWN = ("id", *(name for name in INDEXED_FIELDS if name not in ("publication", "section")))


def _primary() -> str:
    # The database articles are written to: a replica may not have the latest change yet.
    return router.db_for_write(Article)


def _batches(ids: list[int], size: int = BATCH_SIZE) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def update_articles(
    ids: Iterable[int],
    *,
    new: bool = False,
    ahead: dict[int, dict] | None = None,
    stored: dict[int, Article] | None = None,
    chunk: int = BATCH_SIZE,
) -> tuple[int, int]:
    """Index the given articles if published, remove them otherwise (unless ``new``:
    articles just created, which no index can hold yet, since ids are never reused).

    Returns ``(indexed, removed)``. Reads the database's current state, so calling
    it twice, or for an article that no longer exists, is harmless.

    Another process may change an article after this one read it and write that change
    to the index before this one writes the older copy. So once a batch is written, the
    database is read again, and the articles that changed meanwhile are written again:
    the last writer of an article always leaves the version the database holds.

    ``ahead``: what ``index_ahead`` made of some of them before they were stored, by id.
    ``stored``: some of them as an import has just stored them (``bulk.store_new``), by id:
    their text is not read back (in the first round: a later one reads what changed).
    ``chunk``: how many are written at a time (in one transaction).
    """
    ids = sorted(set(ids))
    indexed = removed = 0
    for some in _batches(ids, chunk):
        for round_ in range(MAX_ROUNDS):
            given = stored if round_ == 0 else None
            written = _write(some, remove=not new, ahead=ahead, stored=given)
            indexed += sum(rev is not None for rev in written.values())
            removed += sum(rev is None for rev in written.values())
            now = current_revisions(some)
            some = [pk for pk in some if now.get(pk) != written[pk]]
            if not some:
                break
        else:
            log.warning("Articles %s kept changing while being indexed", _listed(some))
    return indexed, removed


def _write(
    ids: list[int],
    *,
    remove: bool = True,
    ahead: dict[int, dict] | None = None,
    stored: dict[int, Article] | None = None,
) -> dict[int, str | None]:
    """Index or remove each of ``ids``; returns the revision written, None for a removal
    (or, without ``remove``, for an article left out). ``stored``: articles as an import
    has just stored them (``_as_stored``), by id."""
    index = _article_index()
    backend = connections["default"].get_backend()
    public, read = _as_stored(stored, ids) if stored else ([], ids)
    if read:
        public += index.index_queryset().using(_primary()).filter(_any_of("pk", read))
    try:
        if public and ahead:
            backend.update(index, public, ahead=ahead)
        elif public:
            backend.update(index, public)
        written: dict[int, str | None] = dict.fromkeys(ids)
        for article in public:
            written[article.pk] = revision(article.pk, article.updated_at)
        for pk in ids:
            if remove and written[pk] is None:
                backend.remove(get_identifier_for(pk))
    finally:
        # Even a write that failed half-way may have changed what search finds.
        _index_changed()
    return written


def _index_changed() -> None:
    """End the answers kept for repeated searches: now, and again when the transaction
    this write may be part of commits (until then other connections search the index as
    it was, and could keep that under a generation renewed too early)."""
    results_cache.new_generation()
    if transaction.get_connection(_primary()).in_atomic_block:
        transaction.on_commit(results_cache.new_generation, using=_primary())


class _AnyOf(Lookup):
    """``field = ANY(…)`` of a list of ids sent as one string of digits and spaces: Django
    writes a ``__in`` list of 500 ids as 500 parameters, which psycopg parses (a statement
    of more than 50 parameters is never cached) and binds one by one, in Python."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(string_to_array(%s, ' ')::bigint[])", [*params, self.rhs]


def _any_of(field: str, ids: list[int]) -> Q:
    """A filter of ``field`` (an id) among ``ids``: on PostgreSQL in one parameter."""
    if connections_db[_primary()].vendor == "postgresql":
        return Q(_AnyOf(F(field), " ".join(map(str, ids))))
    return Q(**{f"{field}__in": ids})


def _as_stored(stored: dict[int, Article], ids: list[int]) -> tuple[list[Article], list[int]]:
    """The public ones of ``ids`` as ``index_queryset`` reads them, those in ``stored``
    (built from what an import has just written) without reading their text back; and
    the ids of the public ones to read (changed since, or not in ``stored``).

    Whether each is public, its publication's and section's names, its bylines and its
    mentions (``_read_names``) are read from the database; an article whose ``updated_at``
    is not the one stored (changed meanwhile) is read as a whole."""
    alias = _primary()
    made, read = [], []
    rows = (
        public_articles()
        .using(alias)
        .filter(_any_of("pk", ids))
        .values_list("pk", "updated_at", *_PLACES)
    )
    places = _Places(alias)
    for pk, updated_at, *placed in rows:
        article = stored.get(pk)
        if article is None or article.updated_at != updated_at:
            read.append(pk)
            continue
        places.give(article, *placed)
        made.append(article)
    _read_names(made, alias)
    return made, read


# An article's publication and section as ``_Places`` gives them to it.
_PLACES = ("publication_id", "publication__name", "section_id", "section__name")


class _Places:
    """Gives articles read as values their publication and section (``_PLACES``), as
    ``select_related`` would, one instance of each per reading (a chunk holds few): a
    shared instance is read, never changed, by the index."""

    def __init__(self, alias: str):
        self.alias = alias
        self.made: dict[tuple, Publication | Section] = {}
        self.publication = Article._meta.get_field("publication")
        self.section = Article._meta.get_field("section")

    def _one(self, model, pk: int, name: str):
        made = self.made.get((model, pk))
        if made is None:
            made = self.made[(model, pk)] = as_read(model, self.alias, id=pk, name=name)
        return made

    def give(self, article: Article, publication, publication_name, section, section_name):
        # Into the article's fields and the related object's cache, as select_related puts
        # them: through the descriptors (``from_db`` or ``article.publication = …``), each
        # asks whether a related object is cached, a third of an article's reading.
        article.__dict__["publication_id"] = publication
        article.__dict__["section_id"] = section
        self.publication.set_cached_value(
            article,
            self._one(Publication, publication, publication_name)
            if publication is not None
            else None,
        )
        self.section.set_cached_value(
            article, self._one(Section, section, section_name) if section is not None else None
        )


def _read_names(articles: list[Article], alias: str) -> None:
    """Give ``articles`` the names of their authors and entities as the index reads them
    (``search_indexes.ArticleIndex``): ``indexed_authors``, every byline's author's name,
    in order; ``indexed_entities``, ``(name, kind)`` of each of ``public.mentions()``, in
    their order (the database's collation orders names). What ``index_queryset``
    prefetches, from two reads of values: no model instance, a tenth of the cost."""
    by_pk = {article.pk: article for article in articles}
    for article in articles:
        article.indexed_authors = []  # type: ignore[attr-defined]
        article.indexed_entities = []  # type: ignore[attr-defined]
    if not by_pk:
        return
    among = _any_of("article_id", list(by_pk))
    bylines = Byline.objects.using(alias).filter(among)
    for pk, name in bylines.values_list("article_id", "author__name"):
        by_pk[pk].indexed_authors.append(name)  # type: ignore[attr-defined]
    mentions = public_mentions().using(alias).filter(among)
    for pk, name, kind in mentions.values_list("article_id", "entity__name", "entity__kind"):
        by_pk[pk].indexed_entities.append((name, kind))  # type: ignore[attr-defined]


def as_read(model, alias: str, **values):
    """An instance of ``model`` with these field values (by attname), every other field
    deferred, as a query that read these alone gives it: reading another would ask the
    database, never give a default. A tenth of the cost of ``model(**values)``, which sets
    every field (a fifth of the cost of indexing an imported article)."""
    return _reader(model, alias)(values)


def _reader(model, alias: str) -> Callable[[dict], Any]:
    """``as_read`` of ``model``, for values given as a dict by attname."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):

        def read(values: dict):
            names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
            return model.from_db(alias, names, [values[name] for name in names])

        return read

    # Built as unpickling builds one (``Model.__reduce__``): its state and its values, no
    # ``__init__``, which walks every field of the model to defer those not given (half
    # the cost of a rebuild's reading of an article). Only where no one listens for
    # ``__init__``'s signals (Django's ImageField does).
    def read_plainly(values: dict):
        made = model.__new__(model)
        made.__dict__.update(values)
        made._state = ModelState()
        made._state.adding = False
        made._state.db = alias
        return made

    return read_plainly


def current_revisions(ids: Iterable[int] | None = None) -> dict[int, str]:
    """``{pk: revision}`` of the published articles (of ``ids``, when given) as the
    database holds them now."""
    published = Article.objects.using(_primary()).published()
    if ids is None:
        querysets = [published]
    else:
        querysets = [published.filter(_any_of("pk", chunk)) for chunk in _batches(sorted(set(ids)))]
    return {
        pk: revision(pk, updated)
        for articles in querysets
        for pk, updated in articles.values_list("pk", "updated_at")
    }


def indexed_revisions(ids: Iterable[int]) -> dict[int, str]:
    """``{pk: revision}`` of the given articles as the index holds them (absent: not in
    the index, or indexed before revisions were)."""
    found: dict[int, str] = {}
    for chunk in _batches(sorted(set(ids))):
        # Read back as facet counts: every backend returns a document's facet values, and
        # a revision names its article. A chunk (BATCH_SIZE) holds fewer values than a
        # backend lists per facet (PostgreSQL: 1000). No page of documents is wanted: a
        # page of one made PostgreSQL walk its newest-first index until it met one of the
        # chunk's ids, 1.5 s a chunk at a million articles (Whoosh reads a page of one).
        sqs = (
            SearchQuerySet()
            .models(Article)
            .filter(django_id__in=[str(pk) for pk in chunk])
            .facet("revision")
        )
        sqs.query.set_limits(0, 0)
        for value, _count in sqs.facet_counts().get("fields", {}).get("revision", []):
            pk, _, _ = value.partition("@")
            found[int(pk)] = value
    return found


@dataclass
class Drift:
    """How the index differs from the database, as lists of article ids."""

    missing: list[int] = field(default_factory=list)  # published, not in the index
    stale: list[int] = field(default_factory=list)  # in the index as an older version
    extra: list[int] = field(default_factory=list)  # in the index, not a published article

    def __bool__(self) -> bool:
        return bool(self.missing or self.stale or self.extra)

    @property
    def ids(self) -> set[int]:
        return {*self.missing, *self.stale, *self.extra}


def check_index(ids: Iterable[int] | None = None) -> Drift:
    """Compare the index with the database: for every article, or for ``ids`` only."""
    if ids is not None:
        ids = set(ids)
        if not ids:
            return Drift()
    backend = connections["default"].get_backend()
    current = current_revisions(ids)
    in_index = backend.indexed_ids(Article)
    if ids is not None:
        in_index &= ids
    both = in_index & current.keys()
    indexed = indexed_revisions(both)
    return Drift(
        missing=sorted(current.keys() - in_index),
        stale=sorted(pk for pk in both if indexed.get(pk) != current[pk]),
        extra=sorted(in_index - current.keys()),
    )


def get_identifier_for(pk: int) -> str:
    return f"{Article._meta.app_label}.{Article._meta.model_name}.{pk}"


def _pending() -> set[int]:
    if not hasattr(_state, "pending"):
        _state.pending = set()
    return _state.pending


def _update_retrying(
    ids: set[int],
    *,
    new: bool = False,
    ahead: dict[int, dict] | None = None,
    stored: dict[int, Article] | None = None,
    chunk: int = BATCH_SIZE,
) -> None:
    """``update_articles``, tried again after a pause when it fails: another process may
    hold the index for longer than a writer waits, or a server may be restarting; and a
    Whoosh index opened just as another process commits can find the file it was about to
    read deleted."""
    for delay in RETRY_DELAYS:
        try:
            update_articles(ids, new=new, ahead=ahead, stored=stored, chunk=chunk)
            return
        except IndexMissing:
            raise  # waiting will not bring it back
        except Exception as exc:
            log.warning(
                "Search index update for articles %s failed (%s: %s); trying again in %s s",
                _listed(ids),
                type(exc).__name__,
                exc,
                delay,
            )
            time.sleep(delay)
    update_articles(ids, new=new, ahead=ahead, stored=stored, chunk=chunk)


def _listed(ids: Iterable[int], most: int = 20) -> str:
    ids = sorted(ids)
    more = f" and {len(ids) - most} more" if len(ids) > most else ""
    return ", ".join(map(str, ids[:most])) + more


def _flush() -> None:
    pending = _pending()
    ids, _state.pending = set(pending), set()
    _apply(ids)


def index_now(
    article_ids: Iterable[int],
    ahead: dict[int, dict] | None = None,
    stored: dict[int, Article] | None = None,
    chunk: int = BATCH_SIZE,
) -> None:
    """Index these new articles at once, even inside ``deferred_indexing``: for the batches
    an import has just created (those not published are only left out: no index holds
    them), so that a run of any length keeps no growing list of what it has yet to index,
    and searches find them as they land. A failure is logged, as after a save (`manage.py
    check_index --repair` repairs it; an import run again indexes the articles it finds
    stored but not indexed). ``ahead``: what ``index_ahead`` made of them, by id;
    ``stored``: the articles as stored (``update_articles``), by id; ``chunk``: how many
    are written at a time."""
    _apply(set(article_ids), new=True, ahead=ahead, stored=stored, chunk=chunk)


def index_ahead(articles: Iterable[Article]) -> list[dict | None]:
    """What indexing these articles costs most, made before they are stored (unsaved
    articles built from what an import read, their bylines and mentions in
    ``listed_bylines`` / ``indexed_mentions``): for an import's reading process, so that
    the process that stores them only writes. One entry per article, None where the
    backend makes nothing ahead (Whoosh) or the article is not indexed; ``index_now``
    takes them by id and uses each only where the stored article gives the same text."""
    backend = connections["default"].get_backend()
    make = getattr(backend, "vectors_ahead", None)
    index = _article_index()
    made: list[dict | None] = []
    for article in articles:
        try:
            made.append(make(index.full_prepare(article)) if make else None)
        except SkipDocument:
            made.append(None)
    return made


def _apply(
    ids: set[int],
    *,
    new: bool = False,
    ahead: dict[int, dict] | None = None,
    stored: dict[int, Article] | None = None,
    chunk: int = BATCH_SIZE,
) -> None:
    if ids:
        try:
            _update_retrying(ids, new=new, ahead=ahead, stored=stored, chunk=chunk)
        except IndexMissing as exc:
            # Nothing broke: there is no index to update (the exception says what builds it).
            log.error("Search index not updated for articles %s: %s", _listed(ids), exc)
        except Exception:
            # The save itself succeeded; `manage.py check_index --repair` repairs the index.
            log.exception("Could not update the search index for articles %s", _listed(ids))


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


def schedule_out_of_step(article_ids: Iterable[int]) -> None:
    """Schedule those of these articles the index does not hold as the database does.

    For an import that finds articles already stored: the run that stored them may have
    been stopped (killed, a crash, a reboot) before its end, where it indexes."""
    # Without an index there is nothing to compare with; the end of the import says so.
    with contextlib.suppress(IndexMissing):
        schedule(check_index(article_ids).ids)


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
        try:
            _update_retrying(ids)
        except IndexMissing as exc:
            # The articles are stored; an index of these alone would hide all the others.
            log.error("Search index not updated: %s", exc)


def sync_index(drift: Drift | None = None) -> tuple[int, int]:
    """Index the published articles the index lacks or holds an older version of, and
    remove entries that are not published articles. Returns ``(indexed, removed)``.
    With no index at all, builds it from the database (``rebuild_index``)."""
    if drift is None:
        try:
            drift = check_index()
        except IndexMissing:
            return rebuild_index(), 0
    return update_articles(drift.ids)


def rebuild_index(*, procs: int = 2) -> int:
    """Index every published article afresh in one pass (see the backend's ``rebuild``)."""
    index = _article_index()
    backend = connections["default"].get_backend()
    try:
        return backend.rebuild(index, IndexedArticles(index), procs=procs)
    finally:
        _index_changed()


class IndexedArticles:
    """The articles a rebuild indexes, ``index.index_queryset()``'s, read as a rebuild
    reads them: only the fields the index reads (not the text as imported, ``raw_text``,
    as long as the body), their bylines and mentions from ``_read_names``.

    Iterated, all of them in the index's order. ``chunks()`` lists their ids in that order,
    ``chunk`` to a list, and ``read(ids)`` reads one such list: for processes that each
    read a share of them (the PostgreSQL backend's rebuild), every article exactly once.
    An article published after ``chunks()`` is not among them, as one published after a
    single query began would not be; one withdrawn before its chunk is read is left out."""

    def __init__(self, index, chunk: int | None = None):
        self.index = index
        self.chunk = chunk or BATCH_SIZE
        self.alias = _primary()

    def chunks(self) -> list[list[int]]:
        ids = self.index.index_queryset().using(self.alias).prefetch_related(None)
        listed = list(ids.values_list("pk", flat=True))
        return [listed[start : start + self.chunk] for start in range(0, len(listed), self.chunk)]

    def read(self, ids: list[int]) -> list[Article]:
        # As values, each article built from them (``as_read``), its publication and
        # section given as select_related would: a queryset of instances builds each
        # through Django's machinery, three times the cost.
        articles = (
            self.index.index_queryset()
            .using(self.alias)
            .prefetch_related(None)
            .filter(_any_of("pk", ids))
            .values_list(*_OWN, *_PLACES)
        )
        own, make = len(_OWN), _reader(Article, self.alias)
        places = _Places(self.alias)
        read = []
        for values in articles:
            article = make(dict(zip(_OWN, values[:own], strict=True)))
            places.give(article, *values[own:])
            read.append(article)
        _read_names(read, self.alias)
        return read

    def __iter__(self) -> Iterator[Article]:
        for ids in self.chunks():
            yield from self.read(ids)
