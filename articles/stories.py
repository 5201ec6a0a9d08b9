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
``articles.search.service.one_per_story``): a withdrawn version stays in its story for
editors and nobody else.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from datasketch import MinHash
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, signals
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
from articles.search.analysis import analyze, normalise_persian_arabic

log = logging.getLogger(__name__)

# Chosen by bench/stories.py (docs/performance.md, "The same story in many papers").
SHINGLE_SIZE = 4  # terms per shingle
MIN_TERMS = 12  # shorter texts are not compared
NUM_PERM = 128  # MinHash values per signature (estimate's error about 0.044 at 0.5)
BANDS, ROWS = 20, 3  # LSH: a pair at similarity s is a candidate with 1 - (1 - s^3)^20
THRESHOLD = 0.5  # estimated Jaccard of shingle sets from which two texts are one story
# A short text changed in one name ("… received the consul of Britain" / "… of the
# Netherlands") keeps half its shingles: below SHORT_SIZE shingles, more must be shared.
SHORT_SIZE, SHORT_THRESHOLD = 40, 0.7
# Recurring reports share their wording and differ in their figures (a weekly slaughter
# estimate, a central bank's tender, a bond issue): when both texts hold at least
# MIN_NUMBERS distinct numbers, most of the smaller set must be in the other. A corrected
# re-send changes a figure or two, not most of them.
MIN_NUMBERS, NUMBERS_SHARED = 3, 0.6
MAX_NUMBERS = 200  # numbers kept per text
# Versions of a story appear within days of each other; the same wording weeks apart is a
# recurring report (a monthly crop estimate, the Fed's daily operations). Checked on pairs
# of Reuters-21578 by eye: most wrong pairs were 6 days or more apart, no right one was.
MAX_DAYS_APART = 3
MAX_CANDIDATES = 2000  # a band key shared by more articles than this says little
BATCH = 500  # articles per transaction in find_stories

# The permutation scheme is named, not left to the library's default: signatures are kept
# in the database, and values from two schemes compared would silently mean nothing.
_SCHEME = "affine32"
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=1, scheme=_SCHEME).permutations


# --- detection -------------------------------------------------------------------------


def text_of(article: Article) -> str:
    """What is compared: the title and the body (the body alone when it starts with the
    title, as some sources print it: a short text counted twice would look longer)."""
    title, body = article.title.strip(), article.body.strip()
    return body if body.startswith(title) else f"{title}\n{body}"


@functools.lru_cache(maxsize=500_000)
def _term_hash(term: str) -> int:
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little")


_FNV_PRIME = np.uint64(0x100000001B3)


def shingles(text: str) -> np.ndarray:
    """The distinct ``SHINGLE_SIZE``-term sequences of ``text`` in the analyzer's terms, each
    as a 32-bit hash (sorted, uint32); empty when the text has fewer than ``MIN_TERMS`` terms.

    Hashed with numpy from a hash per term (FNV-style, order-sensitive) rather than joined
    into strings and hashed one by one: a third of the time a whole-archive pass took."""
    terms = analyze(text)
    if len(terms) < MIN_TERMS:
        return np.zeros(0, dtype=np.uint32)
    ids = np.fromiter(map(_term_hash, terms), dtype=np.uint64, count=len(terms))
    count = len(ids) - SHINGLE_SIZE + 1
    hashes = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(SHINGLE_SIZE):
            hashes = (hashes ^ ids[offset : offset + count]) * _FNV_PRIME
    hashes ^= hashes >> np.uint64(32)
    return np.unique((hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32))


_NUMBER = re.compile(r"\d+(?:[.,/:]\d+)*")


def numbers(text: str) -> list[str]:
    """The distinct numbers of ``text`` as written ("2,500", "3.80", "1/8"; Persian and
    Arabic digits folded), sorted, at most ``MAX_NUMBERS``."""
    return sorted(set(_NUMBER.findall(normalise_persian_arabic(text))))[:MAX_NUMBERS]


def figures_agree(a: set[str], b: set[str], short: bool = False) -> bool:
    """Whether two texts' numbers allow them to be one story (see ``NUMBERS_SHARED``).
    Of two ``short`` texts (either under ``SHORT_SIZE`` shingles), one's numbers must all be
    in the other: a headline and its line of description made from a template (a game's
    recap, a daily price) differ in nothing else, and in a text that short a changed figure
    is a changed fact (GNews: the same two teams' games on two days). A cut version may
    have lost a figure, not changed one."""
    if short:
        return a <= b or b <= a
    if len(a) < MIN_NUMBERS or len(b) < MIN_NUMBERS:
        return True
    return len(a & b) / min(len(a), len(b)) >= NUMBERS_SHARED


def signature(shingle_hashes: np.ndarray) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` uint32 values) of a text's shingles; an empty
    array for none."""
    if not len(shingle_hashes):
        return np.zeros(0, dtype=np.uint32)
    # The shingles are hashed already: datasketch's hash function only passes them on.
    minhash = MinHash(num_perm=NUM_PERM, permutations=_PERMUTATIONS, scheme=_SCHEME, hashfunc=int)
    minhash.update_batch(shingle_hashes.tolist())
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
            drop_lone_stories(Story.objects.all())
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
    articles = Article.objects.filter(pk__in=ids).only(
        "pk", "title", "body", "updated_at", "published_on"
    )
    known = Fingerprint.objects.in_bulk(ids)
    now = timezone.now()
    signatures: dict[int, np.ndarray] = {}
    sizes: dict[int, int] = {}
    figures: dict[int, set[str]] = {}
    dates = {}
    changed: set[int] = set()
    new_bands: list[FingerprintBand] = []
    fresh: list[Fingerprint] = []
    for article in articles:
        report.seen += 1
        dates[article.pk] = article.published_on
        text = text_of(article)
        digest = text_hash(text)
        old = known.get(article.pk)
        if old is not None and old.text_hash == digest:
            signatures[article.pk] = _from_bytes(old.signature)
            sizes[article.pk] = old.size
            figures[article.pk] = set(old.numbers.split())
            old.computed_at = now
            continue
        hashes = shingles(text)
        size = len(hashes)
        sig = signature(hashes)
        sizes[article.pk] = size
        figures_of = numbers(text)
        figures[article.pk] = set(figures_of)
        report.fingerprinted += 1
        report.too_short += not len(sig)
        signatures[article.pk] = sig
        changed.add(article.pk)
        fresh.append(
            Fingerprint(
                article_id=article.pk,
                signature=sig.tobytes(),
                size=size,
                numbers=" ".join(figures_of),
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
    to_place = {}
    for pk in sorted(signatures):
        current = versions.get(pk)
        if current is not None and (current.by_editor or pk not in changed):
            continue
        if current is not None:  # an automatic placement of a text that changed since
            _leave(current)
        to_place[pk] = signatures[pk]
    matches = candidates(to_place, sizes, figures, dates)
    for pk in sorted(to_place):
        if pk not in placed_now and matches.get(pk):
            # (one placed this pass, as the version another article matched, stays put)
            placed_now.update(_place(pk, matches[pk], report))
    Fingerprint.objects.filter(pk__in=[*signatures]).update(grouped=True, computed_at=now)


def _leave(version: StoryVersion) -> None:
    story = version.story
    version.delete()
    drop_lone_stories(Story.objects.filter(pk=story.pk))


def drop_lone_stories(stories) -> int:
    """A story of fewer than two versions (one was deleted, or left when its text
    changed) is no story: it goes, and its one version is free again for the next pass
    to place. One that an editor split is kept, though, while it has a version: its
    exclusions are what keeps the split-out articles from being put back with that version
    (it is not shown: ``public_version_counts``, the admin's list). Returns how many went."""
    lone = stories.annotate(n=Count("versions", distinct=True)).filter(
        Q(n=0) | Q(n=1, exclusions__isnull=True)
    )
    ids = list(lone.values_list("pk", flat=True).distinct())
    if not ids:
        return 0
    freed = StoryVersion.objects.filter(story_id__in=ids).values_list("article_id", flat=True)
    Fingerprint.objects.filter(pk__in=list(freed)).update(grouped=False)
    Story.objects.filter(pk__in=ids).delete()
    return len(ids)


def _story_of_deleted_article(sender, instance: Article, **kwargs) -> None:
    # pre_delete: the article's version goes with it, so its story is noted first.
    story_id = (
        StoryVersion.objects.filter(article_id=instance.pk)
        .values_list("story_id", flat=True)
        .first()
    )
    setattr(instance, "_story_id", story_id)  # noqa: B010 (no such field for mypy)


def _article_deleted(sender, instance: Article, **kwargs) -> None:
    story_id = getattr(instance, "_story_id", None)
    if story_id is not None:
        drop_lone_stories(Story.objects.filter(pk=story_id))


def connect_signals() -> None:
    """An article deleted (in the admin, by a command, in bulk) takes its story with it
    when it leaves fewer than two versions (``drop_lone_stories``). Called by the app's
    ``ready()``."""
    signals.pre_delete.connect(_story_of_deleted_article, sender=Article)
    signals.post_delete.connect(_article_deleted, sender=Article)


def same_story(score: float, size_a: int, size_b: int) -> bool:
    """Whether two texts of ``size_a`` and ``size_b`` shingles with this estimated
    similarity can be versions of one story (their figures aside: ``figures_agree``)."""
    return score >= (THRESHOLD if min(size_a, size_b) >= SHORT_SIZE else SHORT_THRESHOLD)


def close_in_time(a, b) -> bool:
    """Whether two publication dates (either may be unknown) allow one story."""
    return a is None or b is None or abs((a - b).days) <= MAX_DAYS_APART


def candidates(
    signatures: dict[int, np.ndarray],
    sizes: dict[int, int],
    figures: dict[int, set[str]],
    dates: dict,
) -> dict[int, list[tuple[float, int]]]:
    """For each article id of ``signatures`` (texts of ``sizes`` shingles), ``(similarity,
    article id)`` of the articles whose text is a version of its own, most similar first. A
    few queries for the lot, whatever their number: a whole-archive pass asks for a batch at
    a time."""
    keys = {pk: band_keys(sig) for pk, sig in signatures.items() if len(sig)}
    sharing: dict[int, list[int]] = {}
    for chunk in _chunks(sorted({key for ks in keys.values() for key in ks})):
        for key, other in FingerprintBand.objects.filter(key__in=chunk).values_list(
            "key", "article_id"
        ):
            sharing.setdefault(key, []).append(other)
    wanted = {
        pk: list(dict.fromkeys(o for key in ks for o in sharing.get(key, ()) if o != pk))[
            :MAX_CANDIDATES
        ]
        for pk, ks in keys.items()
    }
    known = {pk: sig for pk, sig in signatures.items() if len(sig)}
    sizes, figures, dates = dict(sizes), dict(figures), dict(dates)
    missing = sorted({o for others in wanted.values() for o in others if o not in known})
    for chunk in _chunks(missing):
        rows = Fingerprint.objects.filter(pk__in=chunk).values_list(
            "pk", "signature", "size", "numbers", "article__published_on"
        )
        for other, raw, size, figures_of, published_on in rows:
            known[other] = _from_bytes(raw)
            sizes[other] = size
            figures[other] = set(figures_of.split())
            dates[other] = published_on
    found: dict[int, list[tuple[float, int]]] = {}
    for pk, others in wanted.items():
        scored = [(similarity(known[pk], known[o]), o) for o in others if o in known]
        found[pk] = sorted(
            (
                (score, o)
                for score, o in scored
                if same_story(score, sizes[pk], sizes[o])
                and figures_agree(
                    figures[pk], figures[o], short=min(sizes[pk], sizes[o]) < SHORT_SIZE
                )
                and close_in_time(dates[pk], dates[o])
            ),
            key=lambda item: (-item[0], item[1]),
        )
    return found


def _chunks(values: list, size: int = 900):
    """``values`` a query's worth at a time (SQLite's limit on parameters)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _place(pk: int, matches: list[tuple[float, int]], report: StoryReport) -> list[int]:
    """Put article ``pk`` in the story of its most similar version (``matches``) that is in
    one and that an editor has not kept it out of; with none, it starts a story. Its
    versions in no story yet come along: an article already in the archive is not looked at
    again, and would otherwise stay out of the story of its own reprint. Returns the ids
    placed."""
    if not matches:
        return []
    stories_of = dict(
        StoryVersion.objects.filter(article_id__in=[other for _, other in matches]).values_list(
            "article_id", "story_id"
        )
    )
    kept_out = set(StoryExclusion.objects.filter(article_id=pk).values_list("story_id", flat=True))
    joined = next(
        (
            (score, stories_of[other])
            for score, other in matches
            if other in stories_of and stories_of[other] not in kept_out
        ),
        None,
    )
    free = [(score, other) for score, other in matches if other not in stories_of]
    if joined is None and not free:
        return []
    if joined is None:
        score = free[0][0]
        first = (
            Article.objects.filter(pk__in=[pk, *(other for _, other in free)])
            .order_by(F("published_on").asc(nulls_last=True), "pk")
            .only("title")
            .first()
        )
        story = Story.objects.create(title=first.title[:500] if first else "")
        report.stories_created += 1
    else:
        score, story_id = joined
        story = Story(pk=story_id)
        Story.objects.filter(pk=story_id).update(updated_at=timezone.now())
        barred = set(
            StoryExclusion.objects.filter(
                story_id=story_id, article_id__in=[other for _, other in free]
            ).values_list("article_id", flat=True)
        )
        free = [(s, other) for s, other in free if other not in barred]
    versions = [StoryVersion(story=story, article_id=pk, similarity=score)]
    versions += [StoryVersion(story=story, article_id=other, similarity=s) for s, other in free]
    StoryVersion.objects.bulk_create(versions)
    report.placed += len(versions)
    return [version.article_id for version in versions]


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
    new = Story.objects.create(title=first.title[:500] if first else "", confirmed=True)
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
MAX_DIFFERENCES = 5  # versions whose differences are worked out on the page
MAX_DIFF_WORDS = 1500  # words of each text compared (difflib is quadratic at worst: 0.1 s)
MAX_CHANGES = 8  # changes shown per version
MAX_CHANGE_WORDS = 30  # words shown of one removed or added passage
CONTEXT_WORDS = 4  # unchanged words shown before a change


def public_version_counts(article_ids: Iterable[int]) -> dict[int, int]:
    """For each of ``article_ids``, how many public versions its story has, itself
    included: 1 for an article in no story, or whose other versions are all withdrawn (or
    not published yet). One query per 900 ids."""
    ids = list(dict.fromkeys(article_ids))
    public_in_story = (
        public.articles()
        .filter(story_version__story_id=OuterRef("story_id"))
        .order_by()
        .values("story_version__story_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    counts: dict[int, int] = {}
    for chunk in _chunks(ids):
        counts.update(
            StoryVersion.objects.filter(article_id__in=chunk)
            .annotate(n=Subquery(public_in_story))
            .values_list("article_id", "n")
        )
    return {pk: max(counts.get(pk) or 0, 1) for pk in ids}


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
    partial: bool = False  # only the first MAX_DIFF_WORDS words were compared
    compared: bool = True  # past MAX_DIFFERENCES versions, listed only

    @property
    def identical(self) -> bool:
        return self.compared and not (self.title_changed or self.changes)


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
    this_length = len(article.body.split())
    for n, other in enumerate(shown):
        title_changed = other.title.strip() != article.title.strip()
        if n >= MAX_DIFFERENCES:
            differences.append(Difference(other, title_changed, compared=False))
            continue
        changes, more, removed, added = word_diff(article.body, other.body)
        differences.append(
            Difference(
                article=other,
                title_changed=title_changed,
                changes=changes,
                more_changes=more,
                words_removed=removed,
                words_added=added,
                partial=max(this_length, len(other.body.split())) > MAX_DIFF_WORDS,
            )
        )
    return StoryVersions(count=count, differences=differences)


def article_page_context(article: Article) -> dict:
    """What the article page's story block needs."""
    return {"story_versions": other_versions(article)}
