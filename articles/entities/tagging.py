"""Entities in the database: which stored entity a name found in a text is, and which
mentions an article has. The counterpart of the pure extraction in this package.

Editors' decisions hold: a merged entity's names lead to the entity it was merged into;
a rejected mention is never written again; mentions editors added are never removed.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import chain, islice

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.entities import Span, extract_many, is_english
from articles.entities.cleanup import is_name
from articles.entities.english import pipeline as english_pipeline
from articles.entities.gazetteer import Gazetteer
from articles.entities.normalise import Found, group
from articles.entities.parallel import in_parallel
from articles.entities.resolution import resolve_across_archive
from articles.models import Article, Entity, Mention, slug_base
from articles.search.indexing import deferred_indexing, schedule

log = logging.getLogger(__name__)

BATCH_SIZE = 64
# Batches whose articles are indexed together, as the run goes (not all at its end, in this
# process alone while the workers wait: 40 s of 244 s over 6,000 articles).
INDEX_EVERY = 8


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


class EntityResolver:
    """Finds the stored entity for a name (and kind), creating a new one, unreviewed, when
    there is none. Loads every entity's names and aliases once; then answers from memory."""

    def __init__(self):
        self._by_kind: dict[tuple[str, str], int] = {}
        self._any_kind: dict[str, set[int]] = {}
        survivors = dict(Entity.objects.values_list("pk", "merged_into"))
        for pk, name, kind, aliases in Entity.objects.values_list("pk", "name", "kind", "aliases"):
            target = self._survivor(pk, survivors)
            for label in [name, *(aliases or [])]:
                self._remember(label, kind, target)

    @staticmethod
    def _survivor(pk: int, survivors: dict[int, int | None]) -> int:
        seen = set()
        while (following := survivors.get(pk)) and pk not in seen:
            seen.add(pk)
            pk = following
        return pk

    def _remember(self, label: str, kind: str, pk: int) -> None:
        key = _key(label)
        if key:
            self._by_kind.setdefault((kind, key), pk)
            self._any_kind.setdefault(key, set()).add(pk)

    def resolve(self, name: str, kind: str, also_known_as: Iterable[str] = ()) -> int:
        """The id of the entity ``name`` (of ``kind``) stands for."""
        [pk] = self.resolve_all([(name, kind, tuple(also_known_as))])
        return pk

    def resolve_all(self, names: Iterable[tuple[str, str, Iterable[str]]]) -> list[int]:
        """``resolve`` for each ``(name, kind, also_known_as)`` in turn, as if one after
        another, with the entities none of them finds created together (one query)."""
        new: list[Entity] = []  # placeholder -k stands for new[k - 1] until it is stored
        pks = []
        for name, kind, also_known_as in names:
            pk = self._known([name, *also_known_as], kind)
            if pk is None:
                new.append(Entity(name=name, kind=kind))
                pk = -len(new)
                self._remember(name, kind, pk)
            pks.append(pk)
        if not new:
            return pks
        try:
            for entity, slug in zip(new, _unique_slugs([e.name for e in new]), strict=True):
                entity.slug = slug
            Entity.objects.bulk_create(new)
        except Exception:
            self._forget_placeholders()
            raise
        stored = {-k: entity.pk for k, entity in enumerate(new, start=1)}
        for place, pk in self._by_kind.items():
            if pk < 0:
                self._by_kind[place] = stored[pk]
        for entity in new:
            candidates = self._any_kind[_key(entity.name)]
            self._any_kind[_key(entity.name)] = {stored.get(pk, pk) for pk in candidates}
        return [stored.get(pk, pk) for pk in pks]

    def _forget_placeholders(self) -> None:
        self._by_kind = {place: pk for place, pk in self._by_kind.items() if pk > 0}
        for key, candidates in list(self._any_kind.items()):
            if any(pk < 0 for pk in candidates):
                self._any_kind[key] = {pk for pk in candidates if pk > 0}

    def _known(self, labels: list[str], kind: str) -> int | None:
        for label in labels:
            pk = self._by_kind.get((kind, _key(label)))
            if pk:
                return pk
        # An editor may have changed the entity's kind: a unique name still finds it.
        for label in labels:
            candidates = self._any_kind.get(_key(label), set())
            if len(candidates) == 1:
                return next(iter(candidates))
        return None


def _unique_slugs(names: list[str]) -> list[str]:
    """Slugs for new entities of these names, as ``Entity.save`` would give them one by one
    (``unique_slug``), with one query for all unless a slug is taken."""
    bases = [slug_base(name) for name in names]
    taken = set(Entity.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    slugs = []
    for base in bases:
        slug, n = base, 1
        while slug in taken or (n > 1 and Entity.objects.filter(slug=slug).exists()):
            n += 1
            suffix = f"-{n}"
            slug = f"{base[: 80 - len(suffix)]}{suffix}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


def tag_article(article: Article, found: list[Found], resolver: EntityResolver) -> None:
    """Write ``found`` (from ``articles.entities.normalise.group``) as the article's
    automatic mentions: counts and positions in its body."""
    tag_articles([(article, found)], resolver)


def tag_articles(
    found_in: list[tuple[Article, list[Found]]], resolver: EntityResolver
) -> list[Article]:
    """``tag_article`` for several articles in one transaction and a few queries (new
    entities, new mentions, changed mentions and the articles' dates each written in
    bulk). Reads each article's mentions from ``article.mentions.all()`` (prefetch them).
    Returns the articles."""
    pks = iter(
        resolver.resolve_all(
            (item.name, item.kind, getattr(item, "surface_forms", ()))
            for _, found in found_in
            for item in found
        )
    )
    new, changed, stale, touched = [], [], [], set()
    for article, found in found_in:
        wanted: dict[int, tuple[int, list]] = {}
        kinds: dict[int, Counter] = {}
        for item in found:
            pk = next(pks)
            count, positions = wanted.get(pk, (0, []))
            wanted[pk] = (count + item.count, sorted([*positions, *map(list, item.positions)]))
            kinds.setdefault(pk, Counter())[item.kind] += item.count
        found_as = {pk: counts.most_common(1)[0][0] for pk, counts in kinds.items()}
        existing = {mention.entity_id: mention for mention in article.mentions.all()}
        for pk, (count, positions) in wanted.items():
            mention = existing.get(pk)
            if mention is None:
                new.append(
                    Mention(
                        article=article,
                        entity_id=pk,
                        count=count,
                        positions=positions,
                        kind=found_as[pk],
                    )
                )
                touched.add(article.pk)
            elif not mention.rejected and (mention.positions, mention.count, mention.kind) != (
                positions,
                max(count, mention.count),
                found_as[pk],
            ):
                mention.positions = positions
                mention.count = max(count, mention.count)
                mention.kind = found_as[pk]
                changed.append(mention)
                touched.add(article.pk)
        stale += [
            m.pk
            for pk, m in existing.items()
            if m.origin == Mention.Origin.AUTO and not m.rejected and pk not in wanted
        ]
    with transaction.atomic():
        Mention.objects.bulk_create(new)
        Mention.objects.bulk_update(changed, ["positions", "count", "kind"])
        if stale:
            Mention.objects.filter(pk__in=stale).delete()  # its signals schedule the index
        # Written in bulk, mentions send no signals: their articles' index entries (the
        # entity facet) are scheduled here.
        schedule(touched)
        # An update, not a save: looking for entities is no change to the article itself
        # (its updated_at, and the revision the search index holds, stay as they are).
        Article.objects.filter(pk__in=[a.pk for a, _ in found_in]).update(
            entities_found_at=timezone.now()
        )
    return [article for article, _ in found_in]


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def archive_gazetteer(*, curated_only: bool = False):
    """The archive's own entities as a gazetteer: names and aliases of entities in use.

    ``curated_only`` keeps those an editor has reviewed or given aliases: for English,
    where the statistical model finds the rest, only an editor's word should add to it."""
    entities = Entity.objects.current()
    if curated_only:
        entities = entities.filter(Q(reviewed=True) | ~Q(aliases=[]))
    # A source's keyword that is no name ("؛ ارشاد", "۲۰۲۲", "/") must not be found in texts.
    return Gazetteer(
        entry
        for entry in entities.values_list("name", "kind", "aliases").iterator()
        if is_name(entry[0])
    )


class ArchiveExtractor:
    """Finds entities in texts as import does: English through the model with the
    archive's curated entities beside it, other languages through the rules of
    ``articles.entities`` and all the archive's entities (names and aliases). Reads the
    archive's entities once, when made (``empty``: none, for a database without them)."""

    def __init__(self, *, empty: bool = False):
        if empty:
            self.curated = self.everything = Gazetteer([])
            return
        self.curated = archive_gazetteer(curated_only=True)
        self.everything = archive_gazetteer()

    def gazetteer(self, language: str):
        return self.curated if is_english(language) else self.everything

    def extract_many(self, texts: Iterable[str], language: str) -> Iterator[list[Span]]:
        """``articles.entities.extract_many`` with the archive's gazetteer for ``language``."""
        return extract_many(texts, language, gazetteer=self.gazetteer(language))

    def find(self, texts: list[str], language: str) -> list[list[Found]]:
        """The distinct entities of each text (``articles.entities.normalise.group``), as
        ``tag_article`` stores them: all the pure work, for a worker process to do."""
        gazetteer = self.gazetteer(language)
        return [group(spans, gazetteer, language) for spans in self.extract_many(texts, language)]


def extract_articles(
    articles: Iterable[Article],
    *,
    on_each=None,
    resolve: bool = True,
    processes: int | None = None,
) -> int:
    """Find and store the entities of each article's body; returns how many were done.

    Articles go through ``ArchiveExtractor`` a batch at a time, grouped by language, on
    every core (``articles.entities.parallel``; ``processes`` caps the workers, 1 keeps
    everything in this process) while this process stores the mentions. Then, with
    ``resolve``, names are resolved across the archive (``articles.entities.resolution``)."""
    resolver = EntityResolver()
    extractor = ArchiveExtractor()
    articles = iter(articles)
    first = list(islice(articles, BATCH_SIZE))
    if any(is_english(a.language) for a in first):
        english_pipeline()  # loaded before the workers fork, so that they share it
    done = 0
    found_in = in_parallel(_jobs(chain(first, articles)), extractor.find, processes)
    for same, found in _indexed_every(found_in, INDEX_EVERY):
        for article in _store(list(zip(same, found, strict=True)), resolver):
            done += 1
            if on_each:
                on_each(article)
    if resolve and done:
        resolve_across_archive()
    return done


def _indexed_every(items: Iterable, size: int) -> Iterator:
    """``items``, with the index updates scheduled while the caller handles each ``size`` of
    them applied in bulk after those (``deferred_indexing``): the index keeps up with a long
    run, and updates it while the workers extract the next batches."""
    items = iter(items)
    while True:
        with deferred_indexing():
            given = 0
            for item in islice(items, size):
                given += 1
                yield item
        if given < size:
            return


def _store(found_in: list[tuple[Article, list[Found]]], resolver: EntityResolver) -> list[Article]:
    """The articles whose entities were stored: a batch at once, or, when that fails, each
    alone, so that one bad article costs only itself."""
    try:
        return tag_articles(found_in, resolver)
    except Exception:
        log.info("A batch of entities could not be stored at once; storing article by article")
    stored = []
    for article, found in found_in:
        try:
            tag_articles([(article, found)], resolver)
        except Exception:
            log.exception("Entities of article %s could not be stored", article.pk)
            continue
        stored.append(article)
    return stored


def _jobs(articles: Iterable[Article]) -> Iterator[tuple[list[Article], list[str], str]]:
    """``(articles, their bodies, language)`` a batch at a time, each batch by language."""
    for batch in _batches(articles, BATCH_SIZE):
        languages = dict.fromkeys(_language(a) for a in batch)
        for language in languages:
            same = [a for a in batch if _language(a) == language]
            yield same, [a.body for a in same], language


def _language(article: Article) -> str:
    return "en" if is_english(article.language) else article.language
