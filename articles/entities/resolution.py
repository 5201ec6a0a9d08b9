"""Resolution across the archive: one entity for one person, whichever article names them.

Inside one article ``normalise.group`` joins "Erdogan" to "Recep Tayyip Erdogan". Across
the archive, after each extraction:

- ``settle_kinds``: an entity no editor has reviewed takes the kind most of its mentions
  were found as ("Putin" found as a place in one article and as a person in nine is a
  person);
- ``resolve_short_names``: a one-word person name ("Trump") is merged into the archive's
  full person name ending in that word ("Donald Trump") when there is exactly one, or one
  with at least ``DOMINANT_SHARE`` of the candidates' mentions, and it has at least as many
  mentions as the full names beginning with the word ("Bill" is rather Bill Clinton's or
  Bill Gates's given name than the surname of a "Buffalo Bill"), unless that full name is
  a title of rank and the word ("Prince Harry": royals and popes are named by it alone);
  otherwise it stays apart.

Editors win: reviewed entities and entities with aliases are never merged automatically,
merges an editor made stay, and ``undo_automatic_merge`` (an admin action) separates an
automatic merge again for good.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import Count, Q, Sum

from articles.entities.merge import merge_in_bulk
from articles.entities.normalise import RANK_TITLES
from articles.models import Entity, Mention
from articles.search.analysis import normalise_persian_arabic
from articles.search.indexing import deferred_indexing

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


def surname(name: str) -> str:
    """The last word of ``name`` as resolution compares it (Persian/Arabic spellings folded,
    case folded); "" for no word."""
    words = normalise_persian_arabic(name).casefold().split()
    return words[-1] if words else ""


def given_name(name: str) -> str:
    """The first word of ``name``, compared as ``surname`` compares the last."""
    words = normalise_persian_arabic(name).casefold().split()
    return words[0] if words else ""


def known_by_it(full_name: str) -> bool:
    """Whether ``full_name`` is a title of rank and one word ("Prince Harry", "Pope
    Francis"): that word alone names the person as news write it ("Harry and Meghan"),
    however often others bear it as a given name."""
    words = full_name.split()
    return len(words) == 2 and words[0].casefold() in RANK_TITLES


def resolve_short_names() -> int:
    """Merge each one-word person name into the archive's one (or one dominant) full
    person name ending in it; returns how many were merged. The candidates and their
    mentions are read in one query and the merges written in bulk (``merge_in_bulk``),
    each with the record ``undo_automatic_merge`` needs."""
    people = (
        Entity.objects.current()
        .filter(kind=Entity.Kind.PERSON)
        .annotate(n=Count("mentions", filter=Q(mentions__rejected=False)))
        .filter(n__gt=0)
        .values_list("pk", "name", "reviewed", "aliases", "n")
    )
    full_names: dict[str, list[tuple[int, int, str]]] = defaultdict(list)  # (mentions, pk, name)
    # The mentions of full names that begin with a word: "Bill" alone is more likely Bill
    # Clinton or Bill Gates, named by his given name, than the one "Buffalo Bill".
    given_names: Counter = Counter()
    short_names = []
    for pk, name, reviewed, aliases, n in people.order_by("pk"):
        if len(name.split()) > 1:
            full_names[surname(name)].append((n, pk, name))
            given_names[given_name(name)] += n
        elif not reviewed and not aliases:
            short_names.append((pk, name))
    merges = []
    for pk, name in short_names:
        word = surname(name)
        # The most mentioned first; of equals, the oldest (as the database returned them).
        candidates = sorted(full_names.get(word, []), key=lambda c: -c[0])
        if not candidates:
            continue
        if candidates[0][0] < DOMINANT_SHARE * sum(c[0] for c in candidates):
            continue
        if candidates[0][0] < given_names[word] and not known_by_it(candidates[0][2]):
            continue  # the word is more often a given name than this one's surname
        merges.append((pk, candidates[0][1]))
    return merge_in_bulk(merges, automatic=True)


def undo_automatic_merge(entity: Entity) -> int:
    """Separate ``entity`` from the entity it was merged into automatically, for good (it is
    marked reviewed, so it is never merged automatically again), without reading any text
    again: the mentions the merge moved (its ``resolution`` record) come back, and so do
    the survivor's automatic mentions of articles found since that name the person only
    by the short name (as extraction would have given them to ``entity``). Returns how
    many articles' mentions came back; 0 if ``entity`` was not merged automatically."""
    survivor = entity.merged_into if entity.merged_automatically else None
    if survivor is None:
        return 0
    record = entity.resolution or {}
    names = {_key(a) for a in [entity.name, *record.get("aliases", [])]}
    articles = set()
    with deferred_indexing(), transaction.atomic():
        for moved in record.get("mentions", []):
            _give_back(survivor, entity, moved)
            articles.add(moved["article"])
        articles |= _give_back_by_name(survivor, entity, names, exclude=articles)
        survivor.aliases = [a for a in survivor.aliases if _key(a) not in names]
        survivor.save(update_fields=["aliases"])
        entity.merged_into = None
        entity.merged_automatically = False
        entity.reviewed = True
        entity.resolution = {}
        entity.save(update_fields=["merged_into", "merged_automatically", "reviewed", "resolution"])
    return len(articles)


def _without(positions: list, taken: list) -> list:
    """``positions`` less one occurrence of each of ``taken``."""
    rest = [list(p) for p in positions]
    for position in taken:
        if list(position) in rest:
            rest.remove(list(position))
    return rest


def _give_back(survivor: Entity, entity: Entity, moved: dict) -> None:
    """Put back one mention the merge moved: take its count and positions off the
    survivor's mention in that article (deleting it when nothing of its own is left), and
    give ``entity`` its mention again."""
    target = Mention.objects.filter(article_id=moved["article"], entity=survivor).first()
    if target is not None:
        rest = _without(target.positions, moved["positions"])
        count = target.count - moved["count"]
        if count <= 0 and not moved["joined"]:
            target.delete()  # the moved mention itself (an editor's too: it goes back whole)
        else:
            target.positions = rest
            target.count = max(count, len(rest), 1)
            target.save(update_fields=["positions", "count"])
    Mention.objects.update_or_create(
        article_id=moved["article"],
        entity=entity,
        defaults={
            "count": moved["count"],
            "positions": moved["positions"],
            "kind": moved["kind"],
            "origin": moved["origin"],
            "rejected": moved["rejected"],
        },
    )


def _give_back_by_name(survivor: Entity, entity: Entity, names: set, exclude: set) -> set:
    """The survivor's automatic mentions in articles outside ``exclude`` whose every
    position reads one of ``names`` (the article never uses the full name): extraction
    found them through the alias the merge gave, and they are ``entity``'s. Returns their
    articles."""
    given = set()
    mentions = (
        survivor.mentions.filter(origin=Mention.Origin.AUTO, rejected=False)
        .exclude(article_id__in=exclude)
        .select_related("article")
    )
    for mention in mentions:
        body = mention.article.body
        if not mention.positions or any(
            _key(body[start:end]) not in names for start, end in mention.positions
        ):
            continue
        mention.entity = entity
        mention.save(update_fields=["entity"])  # a save, so that the index hears of it
        given.add(mention.article_id)
    return given


def _key(name: str) -> str:
    return " ".join(normalise_persian_arabic(name).split()).casefold()
