"""Today's rules on the entities already stored: what earlier imports let through.

``clean_stored_entities`` re-applies the rules names are found by now to every entity
nobody curated, and reports each change:

- a name that is no name by today's rules (``cleanup.clean`` for names found in texts,
  ``cleanup.source_entity`` for a source's own tags: "107bn", "4,161.0", "؛", a count in
  Arabic script such as "14 رشته", a function word of the language of the articles that
  mention it such as "التي") goes, with those mentions;
- a name today's rules trim ("- Elon Musk", "<Camco Inc>", "Trump's") is renamed, or its
  mentions join the entity that already has the trimmed name (the old one then points
  there, so that its address redirects); a group's word ("Republicans") becomes a group;
- a name today's rules cut in two ("Brooke RollinsRollins") loses the mentions found in
  texts, and those articles are handed back for extraction (``to_extract``), which finds
  the names apart;
- then each entity's kind is settled by the weight of its mentions and short names are
  resolved (``resolution.resolve_across_archive``).

Editors win: reviewed entities, entities with aliases (but those automatic resolution
gave), and entities with a mention an editor added or rejected are never changed (the last
are listed for an editor instead).
With ``dry_run`` everything is done and rolled back, so the report says exactly what would
happen.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.db.models import Count, Q

from articles.entities.cleanup import (
    clean,
    group_kind,
    is_function_word,
    source_entity,
    surnames_in,
)
from articles.entities.normalise import canonical
from articles.entities.resolution import resolve_across_archive, undo_automatic_merge
from articles.models import Entity, Mention
from articles.search.analysis import normalise_persian_arabic
from articles.search.indexing import deferred_indexing

# What today's rules make of a name: no name, a name cut in two, or (name, kind).
JUNK = None
SPLIT = ("", "")


@dataclass
class Change:
    """One entity changed: ``action`` is "removed", "renamed", "merged" or "split"."""

    action: str
    entity: int
    name: str
    kind: str
    mentions: int  # the mentions concerned
    to_name: str = ""
    to_kind: str = ""
    into: int | None = None  # the entity the mentions joined

    def __str__(self) -> str:
        head = f"{self.action:<8} #{self.entity} {self.name!r} ({self.kind}, {self.mentions} m.)"
        if self.action in ("renamed", "merged"):
            into = f" #{self.into}" if self.into else ""
            return f"{head} -> {self.to_name!r} ({self.to_kind}){into}"
        return head


@dataclass
class CleanupReport:
    dry_run: bool = False
    changes: list[Change] = field(default_factory=list)
    # Entities today's rules would change, left alone because an editor added or rejected
    # one of their mentions: (id, name, kind).
    left_for_editors: list[tuple[int, str, str]] = field(default_factory=list)
    to_extract: set[int] = field(default_factory=set)  # articles to look at again
    kinds_settled: int = 0
    short_names_merged: int = 0

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for change in self.changes:
            counts[change.action] += 1
        return dict(counts)

    def as_record(self) -> dict:
        """The report as plain data (JSON), to be kept for review."""
        record = asdict(self)
        record["to_extract"] = sorted(self.to_extract)
        return record


def _key(name: str) -> str:
    return " ".join(normalise_persian_arabic(name).casefold().split())


def verdict(
    name: str, kind: str, origin: str, language: str = "", surnames: frozenset[str] = frozenset()
) -> tuple[str, str] | None:
    """What today's rules make of a stored ``name`` of ``kind`` whose mentions have
    ``origin`` in articles of ``language``: ``JUNK`` (no name, or a function word of that
    language but one of ``surnames``, the archive's people's: ``cleanup.surnames_in``),
    ``SPLIT`` (two names glued), or ``(name, kind)`` (the same as given when nothing
    changes)."""
    if origin == Mention.Origin.SOURCE:
        return source_entity(name, kind, language, surnames)
    pieces = clean(name, 0, len(name), kind)
    if not pieces:
        return JUNK
    if len(pieces) > 1:
        return SPLIT
    start, end, new_kind = pieces[0]
    new_name = canonical(name[start:end], new_kind)
    if not new_name or is_function_word(new_name, language, surnames):
        return JUNK
    return new_name, new_kind


class _Names:
    """The current entities by kind and name (case and Persian/Arabic spelling aside)."""

    def __init__(self) -> None:
        self.by_kind: dict[tuple[str, str], int] = {}
        self.any_kind: dict[str, set[int]] = defaultdict(set)
        for pk, name, kind in Entity.objects.current().values_list("pk", "name", "kind"):
            self.add(pk, name, kind)

    def add(self, pk: int, name: str, kind: str) -> None:
        self.by_kind.setdefault((kind, _key(name)), pk)
        self.any_kind[_key(name)].add(pk)

    def remove(self, pk: int, name: str, kind: str) -> None:
        if self.by_kind.get((kind, _key(name))) == pk:
            del self.by_kind[(kind, _key(name))]
        self.any_kind[_key(name)].discard(pk)

    def find(self, name: str, kind: str, other_than: int) -> int | None:
        pk = self.by_kind.get((kind, _key(name)))
        if pk is not None and pk != other_than:
            return pk
        candidates = self.any_kind.get(_key(name), set()) - {other_than}
        return next(iter(candidates)) if len(candidates) == 1 else None


def clean_stored_entities(*, dry_run: bool = False) -> CleanupReport:
    """Re-apply today's junk, trim and kind rules to the stored entities no editor curated
    (see the module's description); returns what was done (or, with ``dry_run``, what
    would be: the work is done and rolled back). Articles in ``to_extract`` have had
    mentions taken away and need ``tagging.extract_articles`` again."""
    report = CleanupReport(dry_run=dry_run)
    # The index hears of the changes after the transaction, rolled back or not.
    with deferred_indexing(), transaction.atomic():
        _clean(report)
        report.kinds_settled, report.short_names_merged = resolve_across_archive()
        if dry_run:
            transaction.set_rollback(True)
    return report


def _clean(report: CleanupReport) -> None:
    names = _Names()
    # A function word that ends the full name of a person in the archive is a surname.
    surnames = surnames_in((name, kind) for kind, name in names.by_kind)
    origins: dict[int, set[str]] = defaultdict(set)
    for entity_id, origin in Mention.objects.values_list("entity_id", "origin").distinct():
        origins[entity_id].add(origin)
    # The language an entity is named in: that of most of the articles mentioning it.
    languages: dict[int, Counter] = defaultdict(Counter)
    rows = (
        Mention.objects.values_list("entity_id", "article__language")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for entity_id, language, n in rows:
        languages[entity_id][language] += n
    edited = set(
        Mention.objects.filter(Q(origin=Mention.Origin.MANUAL) | Q(rejected=True)).values_list(
            "entity_id", flat=True
        )
    )
    # Aliases that automatic resolution gave (a short name merged in) are no editor's.
    given: dict[int, set[str]] = defaultdict(set)
    automatic = Entity.objects.filter(merged_automatically=True, merged_into__isnull=False)
    for survivor, record in automatic.values_list("merged_into", "resolution"):
        given[survivor].update((record or {}).get("aliases", []))
    candidates = (
        Entity.objects.current()
        .filter(reviewed=False)
        .values_list("pk", "name", "kind", "aliases")
        .order_by("pk")
    )
    for pk, name, kind, aliases in list(candidates.iterator()):
        if set(aliases or []) - given[pk]:
            continue  # an editor's aliases
        # An entity with no mention but an editor's is judged as a name found in a text.
        found_by = origins.get(pk, set()) - {Mention.Origin.MANUAL} or {Mention.Origin.AUTO}
        language = languages[pk].most_common(1)[0][0] if languages[pk] else ""
        wanted = {origin: verdict(name, kind, origin, language, surnames) for origin in found_by}
        if all(target == (name, kind) for target in wanted.values()):
            continue
        if pk in edited:
            report.left_for_editors.append((pk, name, kind))
            continue
        _apply(Entity.objects.get(pk=pk), wanted, names, report)


def _apply(entity: Entity, wanted: dict, names: _Names, report: CleanupReport) -> None:
    name, kind = entity.name, entity.kind
    moved_to: int | None = None
    for origin, target in wanted.items():
        if target == (name, kind):
            continue
        mentions = entity.mentions.filter(origin=origin)
        if target is JUNK or target == SPLIT:
            if target == SPLIT:
                report.to_extract.update(mentions.values_list("article_id", flat=True))
            action = "split" if target == SPLIT else "removed"
            report.changes.append(Change(action, entity.pk, name, kind, mentions.count()))
            mentions.delete()
            continue
        new_name, new_kind = target
        existing = names.find(new_name, new_kind, other_than=entity.pk)
        if existing is None and all(t in (JUNK, SPLIT, target) for t in wanted.values()):
            # The one name the entity goes by now: renamed where it stands.
            names.remove(entity.pk, name, kind)
            Entity.objects.filter(pk=entity.pk).update(name=new_name, kind=new_kind)
            names.add(entity.pk, new_name, new_kind)
            _retrim(entity.mentions.filter(origin=origin), new_name)
            report.changes.append(
                Change("renamed", entity.pk, name, kind, mentions.count(), new_name, new_kind)
            )
            name, kind = new_name, new_kind
            continue
        if existing is None:
            existing = Entity.objects.create(name=new_name, kind=new_kind).pk
            names.add(existing, new_name, new_kind)
        count = _move(mentions, existing, new_name)
        report.changes.append(
            Change("merged", entity.pk, name, kind, count, new_name, new_kind, existing)
        )
        moved_to = moved_to or existing
    if entity.mentions.exists():
        return
    # Nothing of its own is left: the entity points to where its mentions went, or goes.
    names.remove(entity.pk, name, kind)
    if moved_to is not None:
        Entity.objects.filter(merged_into=entity).update(merged_into=moved_to)
        Entity.objects.filter(pk=entity.pk).update(merged_into=moved_to)
        return
    for pointer in Entity.objects.filter(merged_into=entity, merged_automatically=True):
        # Resolution merged a short name into this one: it gets its mentions back, and stays
        # open to resolution (this is no editor's decision).
        undo_automatic_merge(pointer)
        Entity.objects.filter(pk=pointer.pk).update(reviewed=False)
    Entity.objects.filter(pk=entity.pk).delete()


def _move(mentions, target: int, name: str) -> int:
    """Move ``mentions`` to the entity ``target`` (named ``name``), adding up where it has a
    mention in the same article; returns how many were moved."""
    moved = 0
    for mention in list(mentions.select_related("article")):
        _retrim_one(mention, name, save=False)
        other = Mention.objects.filter(article_id=mention.article_id, entity_id=target).first()
        if other is None:
            mention.entity_id = target
            mention.save(update_fields=["entity", "positions", "kind"])
        else:
            other.count += mention.count
            other.positions = sorted([*other.positions, *mention.positions])
            other.save(update_fields=["count", "positions"])
            mention.delete()
        moved += 1
    return moved


def _retrim(mentions, name: str) -> None:
    for mention in mentions.select_related("article"):
        _retrim_one(mention, name, save=True)


def _retrim_one(mention: Mention, name: str, *, save: bool) -> None:
    """Trim the mention's positions in its article's body as today's rules do, and give a
    group's word its kind."""
    if mention.origin == Mention.Origin.AUTO and mention.kind:
        body = mention.article.body
        positions = []
        for start, end in mention.positions:
            pieces = clean(body, start, end, mention.kind)
            positions.append(list(pieces[0][:2]) if len(pieces) == 1 else [start, end])
        mention.positions = positions
        mention.kind = group_kind(name, mention.kind)
    if save:
        mention.save(update_fields=["positions", "kind"])
