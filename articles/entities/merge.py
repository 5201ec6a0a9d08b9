"""Merging entities: several records of one person (or place…) become one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from articles.models import Entity, Mention
from articles.search.indexing import schedule


def merge_entities(survivor: Entity, others: Iterable[Entity]) -> int:
    """Merge ``others`` into ``survivor``; returns how many were merged.

    Mentions move to the survivor (counts and positions added up where both were
    mentioned in one article; an editor's mention or rejection wins over an automatic
    one), the others' names and aliases become the survivor's aliases, and each other
    entity stays as a pointer to the survivor, so that its old address redirects there
    and extraction never brings it back.
    """
    others = list({other.pk: other for other in others if other.pk != survivor.pk}.values())
    merged = merge_in_bulk([(other.pk, survivor.pk) for other in others])
    survivor.refresh_from_db(fields=["aliases"])
    for other in others:
        other.merged_into = survivor
    return merged


def merge_in_bulk(pairs: Iterable[tuple[int, int]], *, automatic: bool = False) -> int:
    """Merge each entity ``other`` of the ``(other, survivor)`` pairs (ids) into its
    survivor, as ``merge_entities`` does, in a handful of queries however many there are;
    returns how many were merged. No survivor may be merged itself in the same call.

    With ``automatic`` (resolution's merges), each merged entity is marked
    ``merged_automatically`` and keeps in ``resolution`` what the merge moved, for
    ``resolution.undo_automatic_merge``: each of its mentions (and whether the survivor
    already had one in that article, which it then joined) and the names the survivor
    gained as aliases."""
    survivor_of = {other: survivor for other, survivor in pairs if other != survivor}
    if not survivor_of:
        return 0
    if set(survivor_of) & set(survivor_of.values()):
        raise ValueError("an entity cannot be merged and take others in at once")
    with transaction.atomic():
        entities = Entity.objects.select_for_update().in_bulk(
            set(survivor_of) | set(survivor_of.values())
        )
        mine: dict[int, list[Mention]] = defaultdict(list)
        for mention in Mention.objects.select_for_update().filter(entity_id__in=survivor_of):
            mine[mention.entity_id].append(mention)
        # The survivors' mentions in the articles that the merged ones are mentioned in.
        theirs = {
            (m.article_id, m.entity_id): m
            for m in Mention.objects.select_for_update().filter(
                entity_id__in=set(survivor_of.values()),
                article_id__in=Mention.objects.filter(entity_id__in=survivor_of).values(
                    "article_id"
                ),
            )
        }
        changed: dict[int, Mention] = {}
        gone: list[int] = []
        for other_pk, survivor_pk in survivor_of.items():
            other, survivor = entities[other_pk], entities[survivor_pk]
            moved = []
            for mention in sorted(mine[other_pk], key=lambda m: m.pk):
                target = theirs.get((mention.article_id, survivor_pk))
                moved.append(_moved(mention, joined=target is not None))
                if target is None:
                    mention.entity_id = survivor_pk
                    theirs[(mention.article_id, survivor_pk)] = changed[mention.pk] = mention
                    continue
                target.count += mention.count
                target.positions = sorted([*target.positions, *mention.positions])
                if mention.origin == Mention.Origin.MANUAL:
                    target.origin = Mention.Origin.MANUAL
                target.rejected = target.rejected or mention.rejected
                changed[target.pk] = target
                gone.append(mention.pk)
            known = {a.casefold() for a in [survivor.name, *survivor.aliases]}
            names = [other.name, *other.aliases]
            if automatic:
                other.merged_automatically = True
                other.resolution = {
                    "mentions": moved,
                    "aliases": [a for a in names if a.casefold() not in known],
                }
            aliases = list(survivor.aliases)
            for name in names:
                if name.casefold() != survivor.name.casefold() and name not in aliases:
                    aliases.append(name)
            survivor.aliases = aliases
            other.merged_into_id = survivor_pk
        Mention.objects.filter(pk__in=gone).delete()
        Mention.objects.bulk_update(
            changed.values(), ["entity", "count", "positions", "origin", "rejected"]
        )
        # Those that pointed to a merged entity point to its survivor.
        pointers = list(
            Entity.objects.filter(merged_into__in=survivor_of)
            .exclude(pk__in=survivor_of)
            .only("merged_into")
        )
        for pointer in pointers:
            pointer.merged_into_id = survivor_of[pointer.merged_into_id]
        Entity.objects.bulk_update(pointers, ["merged_into"])
        fields = ["merged_into", *(["merged_automatically", "resolution"] if automatic else [])]
        Entity.objects.bulk_update([entities[pk] for pk in survivor_of], fields)
        Entity.objects.bulk_update([entities[pk] for pk in set(survivor_of.values())], ["aliases"])
        # Written in bulk, mentions send no signals: their articles' entity facets change.
        schedule({m.article_id for m in changed.values()})
    return len(survivor_of)


def _moved(mention: Mention, *, joined: bool) -> dict:
    return {
        "article": mention.article_id,
        "count": mention.count,
        "positions": mention.positions,
        "kind": mention.kind,
        "origin": mention.origin,
        "rejected": mention.rejected,
        "joined": joined,
    }
