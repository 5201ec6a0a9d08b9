"""Merging entities: several records of one person (or place…) become one."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from articles.models import Entity, Mention


def merge_entities(survivor: Entity, others: Iterable[Entity]) -> int:
    """Merge ``others`` into ``survivor``; returns how many were merged.

    Mentions move to the survivor (counts and positions added up where both were
    mentioned in one article; an editor's mention or rejection wins over an automatic
    one), the others' names and aliases become the survivor's aliases, and each other
    entity stays as a pointer to the survivor, so that its old address redirects there
    and extraction never brings it back.
    """
    merged = 0
    with transaction.atomic():
        aliases = list(survivor.aliases)
        for other in others:
            if other.pk == survivor.pk:
                continue
            for mention in other.mentions.select_for_update():
                target = Mention.objects.filter(
                    article_id=mention.article_id, entity=survivor
                ).first()
                if target is None:
                    mention.entity = survivor
                    mention.save(update_fields=["entity"])
                    continue
                target.count += mention.count
                target.positions = sorted([*target.positions, *mention.positions])
                if mention.origin == Mention.Origin.MANUAL:
                    target.origin = Mention.Origin.MANUAL
                target.rejected = target.rejected or mention.rejected
                target.save(update_fields=["count", "positions", "origin", "rejected"])
                mention.delete()
            for name in [other.name, *other.aliases]:
                if name.casefold() != survivor.name.casefold() and name not in aliases:
                    aliases.append(name)
            Entity.objects.filter(merged_into=other).update(merged_into=survivor)
            other.merged_into = survivor
            other.save(update_fields=["merged_into"])
            merged += 1
        survivor.aliases = aliases
        survivor.save(update_fields=["aliases"])
    return merged
