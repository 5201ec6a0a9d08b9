"""The same story in many papers: near-duplicate articles found and grouped into stories.

A wire story is reprinted with small edits (a paragraph cut, a headline rewritten, a local
sentence added) and agencies re-send corrected versions. Two articles are versions of one
story when their texts share most of their word sequences:

- **Shingles**: the overlapping ``SHINGLE_SIZE``-term sequences of the title and body, in
  the analyzer's terms (``articles.search.analysis.analyze``: folded, stemmed; Persian and
  Arabic spellings folded), so a respelt Persian word or a plural does not count as an edit.
  A text of fewer than ``MIN_TERMS`` terms is not compared: headlines alone share phrases
  without being one story.
- **MinHash** (datasketch) turns the shingles into a ``NUM_PERM``-value signature whose share
  of equal values estimates the Jaccard similarity of two shingle sets.
- **LSH**: the first ``BANDS`` × ``ROWS`` values, cut into bands, each hashed to a key kept in
  the database (``FingerprintBand``, indexed): articles sharing a key are candidates, and a
  candidate whose estimated similarity reaches ``THRESHOLD`` is a version of the same story.

``find_stories`` fingerprints the articles that need it (new, changed, or not yet placed),
in batches of one transaction each, so a stopped run resumes where it stopped; each article
joins the story of its most similar version. The import calls it for what it stored; the
``find_stories`` command for the whole archive. Editors confirm, split and merge stories in
the admin (``confirm``, ``split_out``, ``merge``): a version an editor placed is never moved
by an automatic pass, and an article split out of a story is never put back
(``StoryExclusion``), not even by ``find_stories --rebuild``.

On public pages only published versions are shown or counted (``other_versions``,
``one_per_story``): a withdrawn version stays in its story for editors and nobody else.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from datasketch import MinHash
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from articles import public
from articles.models import (
    Article,
    Fingerprint,
    FingerprintBand,
    Story,
    StoryExclusion,
    StoryVersion,
)
from articles.search.analysis import analyze

log = logging.getLogger(__name__)

# Chosen by bench/stories.py (docs/performance.md, "The same story in many papers").
SHINGLE_SIZE = 4  # terms per shingle
MIN_TERMS = 12  # shorter texts are not compared
NUM_PERM = 128  # MinHash values per signature (estimate's error about 0.044 at 0.5)
BANDS, ROWS = 20, 3  # LSH: a pair at similarity s is a candidate with 1 - (1 - s^3)^20
THRESHOLD = 0.5  # estimated Jaccard of shingle sets from which two texts are one story
MAX_CANDIDATES = 2000  # a band key shared by more articles than this says little
BATCH = 500  # articles per transaction in find_stories

# The permutation scheme is named, not left to the library's default: signatures are kept
# in the database, and values from two schemes compared would silently mean nothing.
_SCHEME = "affine32"
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=1, scheme=_SCHEME).permutations


# --- detection -------------------------------------------------------------------------


def text_of(article: Article) -> str:
    """What is compared: the title and the body."""
    return f"{article.title}\n{article.body}"


def shingles(text: str) -> set[bytes]:
    """The ``SHINGLE_SIZE``-term sequences of ``text`` in the analyzer's terms; empty when
    the text has fewer than ``MIN_TERMS`` terms."""
    terms = analyze(text)
    if len(terms) < MIN_TERMS:
        return set()
    k = SHINGLE_SIZE
    return {" ".join(terms[i : i + k]).encode("utf-8") for i in range(len(terms) - k + 1)}


def signature(shingle_set: set[bytes]) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` uint32 values) of a shingle set; an empty array
    for an empty set."""
    if not shingle_set:
        return np.zeros(0, dtype=np.uint32)
    minhash = MinHash(num_perm=NUM_PERM, permutations=_PERMUTATIONS, scheme=_SCHEME)
    minhash.update_batch(list(shingle_set))
    return minhash.hashvalues.astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard similarity of the shingle sets behind two signatures."""
    if not len(a) or len(a) != len(b):
        return 0.0
    return float(np.count_nonzero(a == b)) / len(a)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per LSH band of ``sig`` (the band's number is hashed in, so
    equal values in different bands do not meet)."""
    keys = []
    for band in range(BANDS if len(sig) else 0):
        values = sig[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(bytes([band]) + values, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _from_bytes(raw) -> np.ndarray:
    return np.frombuffer(bytes(raw), dtype=np.uint32)


# --- grouping ---------------------------------------------------------------------------


@dataclass
class StoryReport:
    """What a pass did: articles fingerprinted, placed in a story, and stories created."""

    fingerprinted: int = 0
    placed: int = 0
    stories_created: int = 0
    too_short: int = 0
    seen: int = 0

    def summary(self) -> str:
        return (
            f"{self.seen} articles looked at, {self.fingerprinted} fingerprinted "
            f"({self.too_short} too short to compare), {self.placed} placed in a story, "
            f"{self.stories_created} new stories"
        )


def pending() -> Q:
    """Articles a pass has to look at: never fingerprinted, changed since, or not placed."""
    return (
        Q(fingerprint__isnull=True)
        | Q(fingerprint__computed_at__lt=F("updated_at"))
        | Q(fingerprint__grouped=False)
    )


def find_stories(
    ids: Iterable[int] | None = None,
    *,
    rebuild: bool = False,
    batch: int = BATCH,
    on_batch: Callable[[StoryReport, int], None] | None = None,
) -> StoryReport:
    """Fingerprint and place the articles that need it (those of ``ids`` only, when given),
    ``batch`` at a time, each batch in one transaction: a stopped pass resumes where it
    stopped. With ``rebuild``, every automatic placement is undone first and made again;
    editors' placements and exclusions stay. ``on_batch(report, total)`` after each batch."""
    if rebuild:
        with transaction.atomic():
            StoryVersion.objects.filter(by_editor=False).delete()
            _drop_lone_stories(Story.objects.all())
            Fingerprint.objects.update(grouped=False)
    todo = Article.objects.filter(pending()).order_by("pk").values_list("pk", flat=True)
    if ids is None:
        todo_ids = list(todo.distinct())
    else:
        wanted = sorted({pk for pk in ids if pk is not None})
        todo_ids = []
        for start in range(0, len(wanted), 900):  # SQLite's limit on query parameters
            todo_ids += todo.filter(pk__in=wanted[start : start + 900]).distinct()
    report = StoryReport()
    placed_now: set[int] = set()
    for start in range(0, len(todo_ids), batch):
        with transaction.atomic():
            _pass_batch(todo_ids[start : start + batch], report, placed_now)
        if on_batch:
            on_batch(report, len(todo_ids))
    return report


def _pass_batch(ids: list[int], report: StoryReport, placed_now: set[int]) -> None:
    articles = Article.objects.filter(pk__in=ids).only("pk", "title", "body", "updated_at")
    known = Fingerprint.objects.in_bulk(ids)
    now = timezone.now()
    signatures: dict[int, np.ndarray] = {}
    changed: set[int] = set()
    new_bands: list[FingerprintBand] = []
    fresh: list[Fingerprint] = []
    for article in articles:
        report.seen += 1
        text = text_of(article)
        digest = text_hash(text)
        old = known.get(article.pk)
        if old is not None and old.text_hash == digest:
            signatures[article.pk] = _from_bytes(old.signature)
            old.computed_at = now
            continue
        sig = signature(shingles(text))
        report.fingerprinted += 1
        report.too_short += not len(sig)
        signatures[article.pk] = sig
        changed.add(article.pk)
        fresh.append(
            Fingerprint(
                article_id=article.pk,
                signature=sig.tobytes(),
                text_hash=digest,
                computed_at=now,
                grouped=False,
            )
        )
        new_bands += [FingerprintBand(article_id=article.pk, key=key) for key in band_keys(sig)]
    FingerprintBand.objects.filter(article_id__in=changed).delete()
    Fingerprint.objects.filter(pk__in=changed).delete()
    Fingerprint.objects.bulk_create(fresh)
    FingerprintBand.objects.bulk_create(new_bands, batch_size=2000)
    versions = StoryVersion.objects.in_bulk([*signatures], field_name="article_id")
    for pk in sorted(signatures):
        current = versions.get(pk)
        if pk in placed_now:  # placed this pass, as the version another article matched
            continue
        if current is not None and (current.by_editor or pk not in changed):
            continue
        if current is not None:  # an automatic placement of a text that changed since
            _leave(current)
        if len(signatures[pk]):
            placed = _place(pk, signatures[pk], report)
            placed_now.update(placed)
    Fingerprint.objects.filter(pk__in=[*signatures]).update(grouped=True, computed_at=now)


def _leave(version: StoryVersion) -> None:
    story = version.story
    version.delete()
    _drop_lone_stories(Story.objects.filter(pk=story.pk))


def _drop_lone_stories(stories) -> None:
    """An unconfirmed story of fewer than two versions is no story: it goes (and its one
    version is free again)."""
    stories.filter(confirmed=False).annotate(n=Count("versions")).filter(n__lt=2).delete()


def candidates(pk: int, sig: np.ndarray) -> list[tuple[float, int]]:
    """``(similarity, article id)`` of the articles whose text is a version of this one's,
    most similar first."""
    ids = list(
        FingerprintBand.objects.filter(key__in=band_keys(sig))
        .exclude(article_id=pk)
        .values_list("article_id", flat=True)
        .distinct()[:MAX_CANDIDATES]
    )
    found = []
    for other, raw in Fingerprint.objects.filter(pk__in=ids).values_list("pk", "signature"):
        score = similarity(sig, _from_bytes(raw))
        if score >= THRESHOLD:
            found.append((score, other))
    found.sort(key=lambda item: (-item[0], item[1]))
    return found


def _place(pk: int, sig: np.ndarray, report: StoryReport) -> list[int]:
    """Put article ``pk`` in the story of its most similar version that an editor has not
    kept it out of; a version in no story yet starts one with it. Returns the ids placed."""
    matches = candidates(pk, sig)
    if not matches:
        return []
    other_ids = [other for _, other in matches]
    stories_of = dict(
        StoryVersion.objects.filter(article_id__in=other_ids).values_list("article_id", "story_id")
    )
    kept_out = set(StoryExclusion.objects.filter(article_id=pk).values_list("story_id", flat=True))
    for score, other in matches:
        story_id = stories_of.get(other)
        if story_id is not None:
            if story_id in kept_out:
                continue
            StoryVersion.objects.create(story_id=story_id, article_id=pk, similarity=score)
            Story.objects.filter(pk=story_id).update(updated_at=timezone.now())
            report.placed += 1
            return [pk]
        # Neither is in a story yet: together they start one.
        first = (
            Article.objects.filter(pk__in=[pk, other])
            .order_by(F("published_on").asc(nulls_last=True), "pk")
            .only("title")
            .first()
        )
        story = Story.objects.create(title=first.title[:500])
        StoryVersion.objects.bulk_create(
            [
                StoryVersion(story=story, article_id=other, similarity=score),
                StoryVersion(story=story, article_id=pk, similarity=score),
            ]
        )
        report.placed += 2
        report.stories_created += 1
        return [pk, other]
    return []


# --- editors' decisions -----------------------------------------------------------------


def confirm(stories: Iterable[Story]) -> int:
    """An editor checked these stories: their versions stand as they are."""
    count = 0
    with transaction.atomic():
        for story in stories:
            story.versions.update(by_editor=True)
            Story.objects.filter(pk=story.pk).update(confirmed=True, updated_at=timezone.now())
            count += 1
    return count


@transaction.atomic
def split_out(story: Story, article_ids: Iterable[int]) -> Story | None:
    """Take these articles out of ``story``: they are never put back automatically. Two or
    more taken out together are a (confirmed) story of their own; what stays is confirmed.
    Returns the new story, if any."""
    chosen = set(
        story.versions.filter(article_id__in=list(article_ids)).values_list("article_id", flat=True)
    )
    if not chosen:
        return None
    remaining = list(
        story.versions.exclude(article_id__in=chosen).values_list("article_id", flat=True)
    )
    story.versions.filter(article_id__in=chosen).delete()
    StoryExclusion.objects.bulk_create(
        [StoryExclusion(story=story, article_id=pk) for pk in chosen], ignore_conflicts=True
    )
    story.versions.update(by_editor=True)
    Story.objects.filter(pk=story.pk).update(confirmed=True, updated_at=timezone.now())
    if len(chosen) < 2:
        return None
    first = Article.objects.filter(pk__in=chosen).order_by("published_on", "pk").first()
    new = Story.objects.create(title=first.title[:500], confirmed=True)
    StoryVersion.objects.bulk_create(
        [StoryVersion(story=new, article_id=pk, by_editor=True) for pk in sorted(chosen)]
    )
    StoryExclusion.objects.bulk_create(
        [StoryExclusion(story=new, article_id=pk) for pk in remaining]
    )
    return new


@transaction.atomic
def merge(stories: Iterable[Story]) -> Story | None:
    """One story of these (the oldest keeps its number), confirmed; the articles any of
    them kept out stay out, unless they are now among its versions."""
    stories = sorted(stories, key=lambda story: story.pk)
    if len(stories) < 2:
        return None
    target, others = stories[0], stories[1:]
    other_ids = [story.pk for story in others]
    StoryVersion.objects.filter(story_id__in=other_ids).update(story=target)
    target.versions.update(by_editor=True)
    members = set(target.versions.values_list("article_id", flat=True))
    kept_out = set(
        StoryExclusion.objects.filter(story_id__in=other_ids).values_list("article_id", flat=True)
    )
    StoryExclusion.objects.bulk_create(
        [StoryExclusion(story=target, article_id=pk) for pk in kept_out - members],
        ignore_conflicts=True,
    )
    StoryExclusion.objects.filter(story=target, article_id__in=members).delete()
    Story.objects.filter(pk__in=other_ids).delete()
    Story.objects.filter(pk=target.pk).update(confirmed=True, updated_at=timezone.now())
    return target


# --- what the public sees ---------------------------------------------------------------

MAX_VERSIONS_SHOWN = 10  # versions listed on an article's page
MAX_DIFF_WORDS = 4000  # words of each text compared (difflib is quadratic at worst)
MAX_CHANGES = 8  # changes shown per version
MAX_CHANGE_WORDS = 30  # words shown of one removed or added passage
CONTEXT_WORDS = 4  # unchanged words shown before a change


def versions_of(article: Article):
    """The other public versions of ``article``'s story (none when it is in no story)."""
    story_id = StoryVersion.objects.filter(article=article).values_list("story_id", flat=True)
    return (
        public.articles()
        .filter(story_version__story_id__in=story_id)
        .exclude(pk=article.pk)
        .select_related("publication")
        .order_by(F("published_on").asc(nulls_last=True), "pk")
    )


@dataclass
class Change:
    before: str  # unchanged words just before the change
    removed: str  # words of this version the other lacks
    added: str  # words the other has instead
    more_removed: int = 0  # words not shown
    more_added: int = 0


@dataclass
class Difference:
    article: Article
    title_changed: bool
    changes: list[Change] = field(default_factory=list)
    more_changes: int = 0
    words_removed: int = 0
    words_added: int = 0

    @property
    def identical(self) -> bool:
        return not (self.title_changed or self.changes)


def word_diff(this: str, other: str) -> tuple[list[Change], int, int, int]:
    """What ``other`` changes of ``this``, word by word: ``(changes, more, removed, added)``
    with at most ``MAX_CHANGES`` changes of at most ``MAX_CHANGE_WORDS`` words each shown,
    ``more`` the changes not shown, and the number of words removed and added in all."""
    a, b = this.split()[:MAX_DIFF_WORDS], other.split()[:MAX_DIFF_WORDS]
    changes: list[Change] = []
    more = removed = added = 0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        removed += i2 - i1
        added += j2 - j1
        if len(changes) >= MAX_CHANGES:
            more += 1
            continue
        changes.append(
            Change(
                before=" ".join(a[max(0, i1 - CONTEXT_WORDS) : i1]),
                removed=" ".join(a[i1 : min(i2, i1 + MAX_CHANGE_WORDS)]),
                added=" ".join(b[j1 : min(j2, j1 + MAX_CHANGE_WORDS)]),
                more_removed=max(0, i2 - i1 - MAX_CHANGE_WORDS),
                more_added=max(0, j2 - j1 - MAX_CHANGE_WORDS),
            )
        )
    return changes, more, removed, added


@dataclass
class StoryVersions:
    count: int  # other public versions
    differences: list[Difference]


def other_versions(article: Article) -> StoryVersions:
    """The article page's "Other versions of this story (N)": how many, and for the first
    ``MAX_VERSIONS_SHOWN`` what each changes of this one."""
    others = versions_of(article)
    shown = list(others[:MAX_VERSIONS_SHOWN])
    count = len(shown) if len(shown) < MAX_VERSIONS_SHOWN else others.count()
    differences = []
    for other in shown:
        changes, more, removed, added = word_diff(article.body, other.body)
        differences.append(
            Difference(
                article=other,
                title_changed=other.title.strip() != article.title.strip(),
                changes=changes,
                more_changes=more,
                words_removed=removed,
                words_added=added,
            )
        )
    return StoryVersions(count=count, differences=differences)


def article_page_context(article: Article) -> dict:
    """What the article page's story block needs."""
    return {"story_versions": other_versions(article)}


# --- one result per story ---------------------------------------------------------------

# Search collapses versions among its best this many results; past them a search is too
# broad for grouping to matter, and the page says so.
COLLAPSE_LIMIT = 1000


def one_per_story(ids: list[int]) -> tuple[list[int], dict[int, int]]:
    """``ids`` (results, best first) with only the first of each story kept, and for each
    kept id how many of ``ids`` are versions of its story (1 for an article in none)."""
    stories: dict[int, int] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        stories.update(
            StoryVersion.objects.filter(article_id__in=chunk).values_list("article_id", "story_id")
        )
    kept: list[int] = []
    first_of: dict[int, int] = {}
    versions: dict[int, int] = {}
    for pk in ids:
        story = stories.get(pk)
        if story is None:
            kept.append(pk)
            versions[pk] = 1
        elif story not in first_of:
            first_of[story] = pk
            kept.append(pk)
            versions[pk] = 1
        else:
            versions[first_of[story]] += 1
    return kept, versions
