"""The same story in many papers: how many stories the shared corpus holds, how right the
grouping is, how many made-up reprints it finds, and what it costs.

    .venv/bin/python bench/stories.py [--limit N] [--corpora reuters,…] [--workdir DIR] [--pairs 30]
                                      [--originals 300] [--seed 1]

1. The whole shared corpus (``bench.corpus.prepare_archive``: about 110,000 articles, every
   corpus) in SQLite under ``--workdir``; a second run reuses it.
2. **Whole-archive pass**: every fingerprint and story dropped, then ``find_stories()`` as
   ``manage.py find_stories`` runs it; articles/s.
3. **Stories**: how many, their sizes, per corpus.
4. **Precision** of grouped pairs, on a random sample of pairs of versions of one story (any
   two versions, not only the pair that matched: a chain A~B~C is checked as A, C too). The
   rule: a pair is one story when the exact Jaccard similarity of the two texts' shingle sets
   is at least 0.5, or when the shorter text's shingles are at least 80% inside the longer one
   (a reprint cut short). ``--pairs`` pairs are also written, text beside text, to
   ``WORKDIR/pairs.txt`` to be checked by eye.
5. **Recall** on reprints made here: ``--originals`` random articles of at least 80 words,
   and for each one version, the kinds in turn: a cut end (last 30% of sentences), a deleted
   sentence block (20% from the middle), two sentences of another article inserted, the
   sentences reordered in four blocks, a new headline, and cut + insert + headline at once.
   They are stored as new articles and placed by ``find_stories(ids)`` as an import places
   what it stored (ms per article), and a version is found when it lands in its original's
   story. Also: the share of versions at each estimated similarity, to choose ``THRESHOLD``.
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_SENTENCE = re.compile(r"(?<=[.!?؟])\s+")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(" ".join(text.split())) if s]


def exact_scores(a: str, b: str) -> tuple[float, float]:
    """Exact Jaccard of the shingle sets, and how much of the smaller is in the larger."""
    from articles.stories import shingles

    x, y = set(shingles(a).tolist()), set(shingles(b).tolist())
    if not x or not y:
        return 0.0, 0.0
    common = len(x & y)
    return common / len(x | y), common / min(len(x), len(y))


def is_one_story(jaccard: float, containment: float) -> bool:
    return jaccard >= 0.5 or containment >= 0.8


def whole_pass() -> dict:
    from django.db import connection

    from articles.models import Article, Fingerprint, FingerprintBand, Story
    from articles.stories import find_stories

    Article.objects.filter(source_format=REPRINT).delete()  # a previous run's
    Story.objects.all().delete()
    FingerprintBand.objects.all().delete()
    Fingerprint.objects.all().delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")
    total = Article.objects.count()
    started, cpu = time.perf_counter(), time.process_time()
    report = find_stories()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "articles": total,
        "seconds": seconds,
        "rate": total / seconds,
        "cpu_rate": total / cpu,
        "report": report,
    }


def story_stats() -> dict:
    from django.db.models import Count

    from articles.models import Story, StoryVersion

    sizes = list(Story.objects.annotate(n=Count("versions")).values_list("n", flat=True))
    per_corpus: Counter = Counter()
    stories_per_corpus: dict[str, set] = {}
    for story_id, fmt in StoryVersion.objects.values_list("story_id", "article__source_format"):
        per_corpus[fmt] += 1
        stories_per_corpus.setdefault(fmt, set()).add(story_id)
    return {
        "stories": len(sizes),
        "articles": sum(sizes),
        "sizes": Counter(min(n, 10) for n in sizes),
        "largest": max(sizes, default=0),
        "per_corpus": {
            fmt: (len(stories_per_corpus[fmt]), per_corpus[fmt]) for fmt in sorted(per_corpus)
        },
    }


def precision(rng: random.Random, sample: int, pairs_shown: int, out: Path) -> dict:
    from articles.models import Article, StoryVersion
    from articles.stories import text_of

    members: dict[int, list[int]] = {}
    for story_id, article_id in StoryVersion.objects.values_list("story_id", "article_id"):
        members.setdefault(story_id, []).append(article_id)
    story_ids = sorted(members)
    pairs: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    for _ in range(sample * 5):
        if not story_ids or len(pairs) >= sample:
            break
        story = rng.choice(story_ids)  # stories, not articles: big stories do not dominate
        pair = tuple(sorted(rng.sample(members[story], 2)))
        if pair not in seen:
            seen.add(pair)
            pairs.append(pair)
    ids = {pk for pair in pairs for pk in pair}
    articles = Article.objects.in_bulk(list(ids))
    good = 0
    rows = []
    for a, b in pairs:
        jaccard, containment = exact_scores(text_of(articles[a]), text_of(articles[b]))
        ok = is_one_story(jaccard, containment)
        good += ok
        rows.append((a, b, jaccard, containment, ok))
    with out.open("w") as f:
        for a, b, jaccard, containment, ok in rows[:pairs_shown]:
            apart = (
                abs((articles[a].published_on - articles[b].published_on).days)
                if (articles[a].published_on and articles[b].published_on)
                else "?"
            )
            f.write(
                f"=== {a} / {b}  days apart {apart}  jaccard {jaccard:.2f}  "
                f"containment {containment:.2f}  "
                f"rule: {'same' if ok else 'DIFFERENT'}\n"
            )
            for pk in (a, b):
                art = articles[pk]
                f.write(f"--- [{art.source_format}] {art.title}\n{art.body[:700]}\n")
            f.write("\n")
    bad = [row for row in rows if not row[4]]
    return {"pairs": len(rows), "good": good, "precision": good / max(1, len(rows)), "bad": bad}


REPRINT = "bench:reprint"  # source_format of the reprints made here
VARIANTS = ("cut end", "middle deleted", "inserted", "reordered", "headline", "all three")


def make_variant(kind: str, title: str, text: str, donor: list[str], rng) -> tuple[str, str]:
    parts = sentences(text)
    n = len(parts)
    if kind == "cut end":
        parts = parts[: max(1, round(n * 0.7))]
    elif kind == "middle deleted":
        size = max(1, round(n * 0.2))
        start = rng.randrange(max(1, n - size))
        parts = parts[:start] + parts[start + size :]
    elif kind == "inserted":
        at = rng.randrange(n + 1)
        parts = parts[:at] + donor[:2] + parts[at:]
    elif kind == "reordered":
        blocks = [parts[i * n // 4 : (i + 1) * n // 4] for i in range(4)]
        order = [2, 0, 3, 1]
        parts = [s for i in order for s in blocks[i]]
    elif kind == "headline":
        title = "Update: " + " ".join(reversed(title.split()))
    elif kind == "all three":
        parts = parts[: max(1, round(n * 0.7))]
        at = rng.randrange(len(parts) + 1)
        parts = parts[:at] + donor[:2] + parts[at:]
        title = "Update: " + " ".join(reversed(title.split()))
    return title, " ".join(parts)


def recall(rng: random.Random, originals: int) -> dict:
    from articles.models import Article, Publication, StoryVersion
    from articles.stories import THRESHOLD, find_stories, shingles, signature, similarity

    pool = list(
        Article.objects.filter(word_count__gte=80).values_list("pk", flat=True).order_by("pk")
    )
    chosen = rng.sample(pool, min(originals, len(pool)))
    sources = Article.objects.in_bulk(chosen)
    donors = list(Article.objects.filter(word_count__gte=80).order_by("?")[: len(chosen)])
    publication, _ = Publication.objects.get_or_create(name="Bench reprints")
    made = []  # (variant id, original id, kind, estimated similarity)
    for n, pk in enumerate(chosen):
        original = sources[pk]
        if len(sentences(original.body)) < 4:
            continue
        donor = sentences(donors[n % len(donors)].body)
        base_sig = signature(shingles(f"{original.title}\n{original.body}"))
        # One version per original: versions of one original would find each other, and
        # a heavy edit would be found through a light one.
        for kind in [VARIANTS[n % len(VARIANTS)]]:
            title, body = make_variant(kind, original.title, original.body, donor, rng)
            variant = Article.objects.create(
                title=title[:500],
                body=body,
                publication=publication,
                language=original.language,
                published_on=original.published_on,
                status=Article.Status.PUBLISHED,
                source_format=REPRINT,
            )
            score = similarity(base_sig, signature(shingles(f"{title}\n{body}")))
            made.append((variant.pk, pk, kind, score))
    started = time.perf_counter()
    find_stories([row[0] for row in made])
    seconds = time.perf_counter() - started
    story_of = dict(
        StoryVersion.objects.filter(
            article_id__in=[pk for row in made for pk in row[:2]]
        ).values_list("article_id", "story_id")
    )
    found: Counter = Counter()
    counts: Counter = Counter()
    for variant, original, kind, _ in made:
        counts[kind] += 1
        same = story_of.get(variant) is not None and story_of.get(variant) == story_of.get(original)
        found[kind] += same
    by_threshold = {
        t: sum(score >= t for *_, score in made) / max(1, len(made))
        for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
    }
    scores = {kind: [s for *_, k, s in made if k == kind] for kind in VARIANTS}
    return {
        "versions": len(made),
        "found": sum(found.values()),
        "recall": sum(found.values()) / max(1, len(made)),
        "per_kind": {kind: (found[kind], counts[kind]) for kind in VARIANTS},
        "median_similarity": {k: statistics.median(v) for k, v in scores.items() if v},
        "by_threshold": by_threshold,
        "threshold": THRESHOLD,
        "ms_per_article": 1000 * seconds / max(1, len(made)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="Articles (default: all).")
    parser.add_argument(
        "--corpora", help="Only these corpora, comma-separated (reuters,gnews,…; default: all)."
    )
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/newsarchive-stories-bench"))
    parser.add_argument("--pairs", type=int, default=30, help="Pairs written out to check.")
    parser.add_argument("--sample", type=int, default=400, help="Pairs checked by the rule.")
    parser.add_argument("--originals", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--threshold", type=float, help="Try another THRESHOLD (default: articles.stories')."
    )
    args = parser.parse_args()

    from bench.corpus import prepare_archive

    corpora = args.corpora.split(",") if args.corpora else None
    load = prepare_archive(args.workdir / "var", args.limit, corpora=corpora)
    # The bench archive has no search index: saving the made-up reprints would log a line each.
    logging.getLogger("articles.search.indexing").setLevel(logging.CRITICAL)
    print(f"archive: {load.articles} articles ({'reused' if load.reused else 'loaded'})")
    from articles import stories

    if args.threshold is not None:
        stories.THRESHOLD = args.threshold

    print(
        f"settings: shingles of {stories.SHINGLE_SIZE} terms, {stories.NUM_PERM} MinHash "
        f"values, LSH {stories.BANDS}x{stories.ROWS}, threshold {stories.THRESHOLD} "
        f"({stories.SHORT_THRESHOLD} under {stories.SHORT_SIZE} shingles), at least "
        f"{stories.MIN_TERMS} terms, figures shared {stories.NUMBERS_SHARED}, at most "
        f"{stories.MAX_DAYS_APART} days apart"
    )
    rng = random.Random(args.seed)

    passed = whole_pass()
    print(
        f"whole-archive pass: {passed['articles']} articles in {passed['seconds']:.1f} s "
        f"= {passed['rate']:.0f} articles/s ({passed['cpu_rate']:.0f} per CPU-second of this "
        f"process); {passed['report'].summary()}"
    )
    stats = story_stats()
    sizes = ", ".join(f"{'10+' if n == 10 else n}: {c}" for n, c in sorted(stats["sizes"].items()))
    print(
        f"stories: {stats['stories']} holding {stats['articles']} articles; sizes {sizes}; "
        f"largest {stats['largest']}"
    )
    for fmt, (n_stories, n_articles) in stats["per_corpus"].items():
        print(f"  {fmt or '(none)'}: {n_articles} articles in {n_stories} stories")

    checked = precision(rng, args.sample, args.pairs, args.workdir / "pairs.txt")
    print(
        f"precision (rule: exact shingle Jaccard >= 0.5 or containment >= 0.8): "
        f"{checked['good']}/{checked['pairs']} = {checked['precision']:.3f}; "
        f"{args.pairs} pairs written to {args.workdir / 'pairs.txt'}"
    )
    for a, b, jaccard, containment, _ in checked["bad"][:10]:
        print(
            f"  rule says different: {a} / {b} jaccard {jaccard:.2f} containment {containment:.2f}"
        )

    found = recall(rng, args.originals)
    print(
        f"recall on made-up reprints: {found['found']}/{found['versions']} = "
        f"{found['recall']:.3f}; placing them: {found['ms_per_article']:.1f} ms per article"
    )
    for kind, (hit, count) in found["per_kind"].items():
        median = found["median_similarity"].get(kind, 0)
        print(f"  {kind}: {hit}/{count} (median estimated similarity {median:.2f})")
    shares = ", ".join(f">= {t}: {share:.3f}" for t, share in found["by_threshold"].items())
    print(f"  share of versions at estimated similarity {shares}")


if __name__ == "__main__":
    main()
