"""The whole corpus in a throw-away database, fast: a loader shared by the benchmarks.

    from bench.corpus import prepare_archive
    stats = prepare_archive(var_dir, limit=None)   # before anything else touches Django

Reads every corpus of ``articles.ingest.corpora.READERS`` and stores what the import
pipeline would store, with bulk inserts instead of one transaction per article (the
pipeline's own speed is ``bench/import.py``'s business):

- every record with a title and a body, as a published article; records without either are
  skipped, and so is a record whose checksum (``articles.ingest.pipeline.checksum``) or
  source (URL, else file name or corpus key) was seen before: the pipeline would skip the
  first and update the article with the second, which leaves one article either way;
- publications, sections, authors (by name, case aside) and the entities a source names
  (by name and kind, case aside; tags that name nothing left out, as import does), each
  once; bylines in the source's order; the source's entities as mentions;
- slugs, word counts and the other fields ``save()`` fills, computed here.

With ``limit``, the readers take turns (one record from each in turn) so that a small
archive still holds every corpus and language; with ``corpora``, only those readers are read
(``bench/relevance.py`` wants the judged corpus and the known-item ones). The var dir keeps a
note of what was loaded: called again on the same var dir with the same limit and corpora,
``prepare_archive`` only sets Django up.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CORPUS_ROOT = ROOT.parent / "shared" / "corpus"
MARKER = "bench-corpus.json"
BATCH = 2000  # records per transaction


@dataclass
class LoadStats:
    limit: int | None = None
    read: int = 0
    articles: int = 0
    skipped_incomplete: int = 0  # no title or no body
    skipped_duplicate: int = 0  # same checksum as an earlier record
    skipped_same_source: int = 0  # same URL / source name as an earlier record
    publications: int = 0
    sections: int = 0
    authors: int = 0
    bylines: int = 0
    entities: int = 0
    mentions: int = 0
    per_corpus: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    reused: bool = False


def setup_django(var_dir: Path, database_url: str | None = None) -> None:
    """Django on a database and index under ``var_dir``, DEBUG off (as in production:
    with it on, Django keeps every query in memory). ``database_url``: a throw-away
    PostgreSQL database instead of the SQLite one under ``var_dir``.

    Searches are not answered from the results cache (articles/search/cache.py) unless
    ``SEARCH_CACHE_SECONDS`` is set: a bench that repeats a query measures the engine, not
    the cache (bench/load.py measures the cache, on by default as in production)."""
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SEARCH_CACHE_SECONDS", "0")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["NEWSARCHIVE_VAR_DIR"] = str(var_dir)
    os.environ.pop("DATABASE_REPLICA_URLS", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.pop("SEARCH_INDEX_PATH", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsarchive.settings"
    import django

    django.setup()


def prepare_archive(
    var_dir: Path,
    limit: int | None = None,
    corpus_root: Path = CORPUS_ROOT,
    database_url: str | None = None,
    corpora: list[str] | None = None,
) -> LoadStats:
    """Set Django up on ``var_dir`` and fill its database with the corpus (unless it holds
    that already). Returns what was loaded, and how long it took.

    ``database_url``: a PostgreSQL database to fill instead of SQLite under ``var_dir``;
    it is dropped and created afresh unless the marker under ``var_dir`` says it holds
    this load."""
    var_dir = Path(var_dir)
    marker = var_dir / MARKER
    previous = json.loads(marker.read_text()) if marker.exists() else None
    if previous is not None and (
        previous.get("database_url") != database_url or previous.get("corpora") != corpora
    ):
        previous = None
    if previous is None or previous.get("limit") != limit:
        # Something else, or a load that did not finish: start from nothing.
        shutil.rmtree(var_dir, ignore_errors=True)
        if database_url:
            recreate_database(database_url)
    var_dir.mkdir(parents=True, exist_ok=True)
    setup_django(var_dir, database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a kept database may predate a migration
    if previous is not None and previous.get("limit") == limit:
        previous.pop("database_url", None)
        previous.pop("corpora", None)
        return LoadStats(**{**previous, "reused": True})

    stats = load_corpus(corpus_root, limit, corpora)
    marker.write_text(
        json.dumps({**asdict(stats), "database_url": database_url, "corpora": corpora}, indent=1)
    )
    return stats


def recreate_database(database_url: str) -> None:
    """Drop and create the PostgreSQL database ``database_url`` names (a bench's own)."""
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    server = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password,
        "dbname": "postgres",
    }
    with psycopg.connect(**{k: v for k, v in server.items() if v}, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def corpus_records(
    corpus_root: Path, limit: int | None = None, corpora: list[str] | None = None
) -> Iterator[tuple[str, object]]:
    """``(corpus name, record)`` from every reader (or those named in ``corpora``); with a
    limit, the readers take turns."""
    from articles.ingest.corpora import READERS

    readers = {name: READERS[name] for name in corpora} if corpora else READERS
    if limit is None:
        for name, reader in readers.items():
            for record in reader.read_from(corpus_root):
                yield name, record
        return
    streams = [(name, iter(reader.read_from(corpus_root))) for name, reader in readers.items()]
    given = 0
    while streams and given < limit:
        for name, stream in list(streams):
            record = next(stream, None)
            if record is None:
                streams.remove((name, stream))
                continue
            yield name, record
            given += 1
            if given >= limit:
                return


class _Slugs:
    """``articles.models.unique_slug`` without a query per attempt: the slugs handed out
    are remembered here (the database starts empty)."""

    def __init__(self):
        self.used: set[str] = set()
        self.next_n: dict[str, int] = {}

    def __call__(self, text: str, max_length: int = 80) -> str:
        from django.utils.text import slugify

        base = slugify(text, allow_unicode=True)
        if len(base) > max_length:
            base = base[: max_length + 1].rsplit("-", 1)[0]
        base = base[:max_length].strip("-") or "item"
        slug, n = base, self.next_n.get(base, 1)
        if n > 1 or slug in self.used:
            while slug in self.used:
                n += 1
                suffix = f"-{n}"
                slug = f"{base[: max_length - len(suffix)]}{suffix}"
        self.next_n[base] = n
        self.used.add(slug)
        return slug


def _source_entities(record) -> Iterator[tuple[str, str, int]]:
    """``(name, kind, count)`` of each source tag that names something, as import stores
    them (``articles.entities.cleanup.source_entity``)."""
    from articles.entities.cleanup import source_entity

    for ref in record.entities:
        if named := source_entity(ref.name.strip()[:300], ref.kind):
            yield named[0], named[1], ref.count


def load_corpus(
    corpus_root: Path = CORPUS_ROOT, limit: int | None = None, corpora: list[str] | None = None
) -> LoadStats:
    """Store the corpus in the (empty, migrated) database; see the module's doc."""
    from django.db import transaction
    from django.utils import timezone

    from articles.ingest.pipeline import checksum, missing_fields
    from articles.models import Article, Author, Byline, Entity, Mention, Publication, Section

    started = time.perf_counter()
    stats = LoadStats(limit=limit)
    # Readers warn about every item they pass over; the counts above are what matters here.
    logging.getLogger("articles.ingest").setLevel(logging.ERROR)

    publications: dict[str, Publication] = {}
    sections: dict[tuple[int, str], Section] = {}
    authors: dict[str, Author] = {}
    entities: dict[tuple[str, str], Entity] = {}
    article_slugs, author_slugs, entity_slugs, publication_slugs = (
        _Slugs(),
        _Slugs(),
        _Slugs(),
        _Slugs(),
    )
    section_slugs: dict[int, _Slugs] = {}
    checksums: set[str] = set()
    sources: set[str] = set()
    now = timezone.now()

    def store(batch: list[tuple[str, object, str]]) -> None:
        with transaction.atomic():
            new = [
                Publication(
                    name=r.publication,
                    slug=publication_slugs(r.publication),
                    homepage=r.publication_url,
                    default_language=r.language,
                )
                for r in _unique(r for _, r, _ in batch if r.publication)
                if r.publication not in publications
            ]
            for pub in Publication.objects.bulk_create(new):
                publications[pub.name] = pub

            new = []
            for _, r, _ in batch:
                pub = publications.get(r.publication)
                if pub is None or not r.section or (pub.pk, r.section) in sections:
                    continue
                slugs = section_slugs.setdefault(pub.pk, _Slugs())
                section = Section(publication=pub, name=r.section, slug=slugs(r.section))
                sections[(pub.pk, r.section)] = section
                new.append(section)
            Section.objects.bulk_create(new)

            new = []
            for _, r, _ in batch:
                for name in r.authors:
                    name = name.strip()[:200]
                    if name and name.lower() not in authors:
                        authors[name.lower()] = author = Author(name=name, slug=author_slugs(name))
                        new.append(author)
            Author.objects.bulk_create(new)

            new = []
            for _, r, _ in batch:
                for name, kind, _ in _source_entities(r):
                    key = (name.lower(), kind)
                    if key not in entities:
                        entity = Entity(name=name, kind=kind, slug=entity_slugs(name))
                        entities[key] = entity
                        new.append(entity)
            Entity.objects.bulk_create(new)

            articles = []
            for corpus, r, digest in batch:
                pub = publications.get(r.publication)
                articles.append(
                    Article(
                        title=r.title.strip()[:500],
                        slug=article_slugs(r.title.strip()),
                        kicker=r.kicker[:500],
                        summary=r.summary,
                        body=r.body,
                        published_on=r.published,
                        language=r.language or (pub.default_language if pub else ""),
                        source_url=r.source_url[:1000],
                        publication=pub,
                        section=sections.get((pub.pk, r.section)) if pub else None,
                        source_name=r.source_name[:500],
                        source_format=(r.format or f"corpus:{corpus}")[:40],
                        raw_text=r.raw_text,
                        checksum=digest,
                        word_count=len(r.body.split()),
                        missing_fields=missing_fields(r),
                        status=Article.Status.PUBLISHED,
                        published_at=now,
                    )
                )
            Article.objects.bulk_create(articles)  # SQLite ≥ 3.35 hands the ids back

            bylines, mentions = [], []
            for article, (_, r, _) in zip(articles, batch, strict=True):
                names = dict.fromkeys(n.strip()[:200] for n in r.authors if n.strip())
                people = list(dict.fromkeys(authors[name.lower()] for name in names))
                bylines += [
                    Byline(article=article, author=author, position=position)
                    for position, author in enumerate(people)
                ]
                counts: dict[int, int] = {}
                for name, kind, count in _source_entities(r):
                    pk = entities[(name.lower(), kind)].pk
                    counts[pk] = counts.get(pk, 0) + count
                mentions += [
                    Mention(article=article, entity_id=pk, count=n, origin=Mention.Origin.SOURCE)
                    for pk, n in counts.items()
                ]
            Byline.objects.bulk_create(bylines)
            Mention.objects.bulk_create(mentions)
        stats.articles += len(articles)
        stats.bylines += len(bylines)
        stats.mentions += len(mentions)
        for corpus, _, _ in batch:
            stats.per_corpus[corpus] = stats.per_corpus.get(corpus, 0) + 1

    batch: list[tuple[str, object, str]] = []
    for corpus, record in corpus_records(corpus_root, limit, corpora):
        stats.read += 1
        if not (record.title.strip() and record.body.strip()):
            stats.skipped_incomplete += 1
            continue
        digest = checksum(record)
        if digest in checksums:
            stats.skipped_duplicate += 1
            continue
        checksums.add(digest)
        source = record.source_url[:1000] or record.source_name[:500]
        if source:
            if source in sources:
                stats.skipped_same_source += 1
                continue
            sources.add(source)
        batch.append((corpus, record, digest))
        if len(batch) >= BATCH:
            store(batch)
            batch = []
    if batch:
        store(batch)

    stats.publications = len(publications)
    stats.sections = len(sections)
    stats.authors = len(authors)
    stats.entities = len(entities)
    stats.seconds = time.perf_counter() - started
    return stats


def _unique(records):
    seen = set()
    for record in records:
        if record.publication not in seen:
            seen.add(record.publication)
            yield record


def describe(stats: LoadStats) -> str:
    """One paragraph on what is in the database."""
    if stats.reused:
        head = (
            f"corpus: reused the database loaded earlier ({stats.articles:,} articles, "
            f"loaded then in {stats.seconds:.1f} s)"
        )
    else:
        rate = stats.articles / stats.seconds if stats.seconds else 0
        head = (
            f"corpus: loaded {stats.articles:,} articles in {stats.seconds:.1f} s "
            f"({rate:,.0f} articles/s, reading and parsing included)"
        )
    corpora = ", ".join(f"{name} {n:,}" for name, n in stats.per_corpus.items())
    return (
        f"{head}\n  {corpora}\n"
        f"  read {stats.read:,} records; skipped {stats.skipped_incomplete:,} without title or "
        f"body, {stats.skipped_duplicate:,} duplicates (checksum), "
        f"{stats.skipped_same_source:,} repeats of a source\n"
        f"  {stats.publications:,} publications, {stats.sections:,} sections, "
        f"{stats.authors:,} authors ({stats.bylines:,} bylines), {stats.entities:,} entities "
        f"({stats.mentions:,} mentions)"
    )
