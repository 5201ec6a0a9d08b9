"""Resolution across the archive: one entity for one person, whichever article names them.

Inside one article ``normalise.group`` joins "Erdogan" to "Recep Tayyip Erdogan". Across
the archive, after each extraction:

- ``settle_kinds``: an entity no editor has reviewed takes the kind most of its mentions
  were found as ("Putin" found as a place in one article and as a person in nine is a
  person);
- ``resolve_short_names``: a one-word person name ("Trump") is merged into the archive's
  full person name ending in that word ("Donald Trump") when there is exactly one, or one
  with at least ``DOMINANT_SHARE`` of the candidates' mentions; otherwise it stays apart.

Editors win: reviewed entities and entities with aliases are never merged automatically,
merges an editor made stay, and ``undo_automatic_merge`` (an admin action) separates an
automatic merge again for good.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import Count, Q, Sum

from articles.entities.merge import merge_entities
from articles.models import Article, Entity, Mention
from articles.search.analysis import normalise_persian_arabic

# A full name takes a short one when it has at least this share of all the candidates'
# mentions ("Bush": George W. Bush in 95 articles, Jeb Bush in 5).
DOMINANT_SHARE = 0.9


def resolve_across_archive() -> tuple[int, int]:
    """``settle_kinds`` then ``resolve_short_names``; returns how many entities each changed."""
    return settle_kinds(), resolve_short_names()


def settle_kinds() -> int:
    """Give each current entity no editor has reviewed the kind most of its accepted
    mentions were found as (weighted by their counts); returns how many changed. A tie
    leaves the kind as it is."""
    weights: dict[int, Counter] = defaultdict(Counter)
    rows = (
        Mention.objects.filter(
            rejected=False, entity__merged_into__isnull=True, entity__reviewed=False
        )
        .exclude(kind="")
        .values_list("entity_id", "kind")
        .annotate(weight=Sum("count"))
        .order_by()
    )
    for entity_id, kind, weight in rows:
        weights[entity_id][kind] += weight
    current = dict(Entity.objects.filter(pk__in=weights).values_list("pk", "kind"))
    changed: dict[str, list[int]] = defaultdict(list)
    for entity_id, counts in weights.items():
        best, best_weight = counts.most_common(1)[0]
        if best == current.get(entity_id):
            continue
        if counts[current.get(entity_id)] == best_weight:
            continue  # a tie with the present kind
        changed[best].append(entity_id)
    for kind, ids in changed.items():
        Entity.objects.filter(pk__in=ids).update(kind=kind)
    return sum(map(len, changed.values()))


def _surname(name: str) -> str:
    words = normalise_persian_arabic(name).casefold().split()
    return words[-1] if words else ""


def resolve_short_names() -> int:
    """Merge each one-word person name into the archive's one (or one dominant) full
    person name ending in it; returns how many were merged."""
    people = (
        Entity.objects.current()
        .filter(kind=Entity.Kind.PERSON)
        .annotate(n=Count("mentions", filter=Q(mentions__rejected=False)))
        .filter(n__gt=0)
    )
    full_names: dict[str, list[Entity]] = defaultdict(list)
    short_names = []
    for entity in people:
        if len(entity.name.split()) > 1:
            full_names[_surname(entity.name)].append(entity)
        elif not entity.reviewed and not entity.aliases:
            short_names.append(entity)
    merged = 0
    for short in short_names:
        candidates = sorted(full_names.get(_surname(short.name), []), key=lambda e: -e.n)
        if not candidates:
            continue
        if candidates[0].n < DOMINANT_SHARE * sum(c.n for c in candidates):
            continue
        with transaction.atomic():
            merge_entities(candidates[0], [short])
            Entity.objects.filter(pk=short.pk).update(merged_automatically=True)
        merged += 1
    return merged


def undo_automatic_merge(entity: Entity) -> int:
    """Separate ``entity`` from the entity it was merged into automatically, for good (it is
    marked reviewed, so it is never merged automatically again), and find the entities of
    the articles that mention the survivor again, so that its mentions come back to it.
    Returns how many articles were looked at again; 0 if ``entity`` was not merged
    automatically."""
    # Here, not at the top: tagging resolves across the archive with this module.
    from articles.entities.tagging import extract_articles

    if not entity.merged_automatically or entity.merged_into_id is None:
        return 0
    survivor = entity.merged_into
    with transaction.atomic():
        survivor.aliases = [a for a in survivor.aliases if a.casefold() != entity.name.casefold()]
        survivor.save(update_fields=["aliases"])
        entity.merged_into = None
        entity.merged_automatically = False
        entity.reviewed = True
        entity.save(update_fields=["merged_into", "merged_automatically", "reviewed"])
    articles = Article.objects.filter(
        mentions__entity=survivor, mentions__origin=Mention.Origin.AUTO
    ).distinct()
    return extract_articles(articles.order_by("pk"), resolve=False)
