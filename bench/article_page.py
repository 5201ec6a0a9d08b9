"""How long the article page takes to mark a search's matches, on real articles and on the
worst a query and an article can be.

    .venv/bin/python bench/article_page.py [--articles 300] [--repeat 3]

Reads the longest ``--articles`` records of two corpora (``bbc2025`` in English,
``hamshahri`` in Persian) from ../shared/corpus, and times ``articles.reading.mark_article``
(what the page runs: kicker, title, summary and every paragraph) for a mix of queries:
plain words, a phrase, a proximity phrase, a prefix, ``title:``, Persian with Arabic
spellings, and hostile ones (64 phrases, 64 prefixes, 64 proximity phrases, the commonest
words). Each query over every article, first on a cold stemmer cache and then ``--repeat``
times warm: p50, p95 and max milliseconds per article, and how many articles were marked
completely. Then one synthetic article of 200,000 words (the longest articles end to end)
against each hostile query: the time and whether the budget (``MAX_MARKS``, half of
``SEARCH_TIME_LIMIT``) stopped it. Times are wall-clock and CPU (this process); on a machine
other work shares, the load average is printed and CPU time is the steadier number.

The target (issue 20): marking never holds a page longer than its budget (0.5 s with the
default ``SEARCH_TIME_LIMIT``) plus the time to check the clock (every 2,000 words).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from articles.ingest.sources import ImportSourceError, corpus_records  # noqa: E402
from articles.reading import mark_article  # noqa: E402
from articles.search.analysis import stem  # noqa: E402

CORPUS_ROOT = ROOT.parent / "shared" / "corpus"
CORPORA = ("bbc2025", "hamshahri")
QUERIES = {
    "plain": "government election minister",
    "phrase": '"prime minister"',
    "near": '"government election"~10',
    "prefix": "minist*",
    "title": "title:election",
    "persian": "دولت ايران",  # Arabic yeh in the query, Persian yeh in the text
    "64 phrases": " ".join(f'"people w{i}"' for i in range(32)),
    "64 prefixes": " ".join(f"{a}{b}*" for a in "abcdefgh" for b in "aeiouyrl"),
    "64 near": " ".join(f'"the w{i}"~50' for i in range(32)),
    "common": "the a of and to in is was for on",
}
HOSTILE = ("64 phrases", "64 prefixes", "64 near", "common")


def longest(name: str, count: int, scan: int = 5000) -> list:
    try:
        records = list(corpus_records(name, CORPUS_ROOT, limit=scan))
    except ImportSourceError as exc:
        print(f"  {name}: skipped ({exc})")
        return []
    records = [r for r in records if r.body]
    return sorted(records, key=lambda r: len(r.body), reverse=True)[:count]


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n\n") if p.strip()]


def mark(record, query: str):
    started, cpu = time.perf_counter(), time.process_time()
    marked = mark_article(
        record.title, paragraphs(record.body), query, kicker=record.kicker, summary=record.summary
    )
    return time.perf_counter() - started, time.process_time() - cpu, marked


def percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    records = [r for name in CORPORA for r in longest(name, args.articles)]
    if not records:
        sys.exit(f"no corpus under {CORPUS_ROOT}")
    words = [len(r.body.split()) for r in records]
    print(
        f"{len(records)} articles, words per article: median {statistics.median(words):.0f}, "
        f"max {max(words)}\n"
    )
    header = f"{'query':<12} {'cold p50':>9} {'cold max':>9} {'warm p50':>9} {'warm p95':>9}"
    print(header + f" {'warm max':>9} {'cpu max':>8} {'complete':>9} {'marks':>7}")
    for name, query in QUERIES.items():
        stem.cache_clear()
        cold = [mark(record, query)[0] for record in records]
        warm, cpu, complete, marks = [], [], 0, 0
        for _ in range(args.repeat):
            complete, marks = 0, 0
            for record in records:
                wall, used, marked = mark(record, query)
                warm.append(wall)
                cpu.append(used)
                complete += marked.complete
                marks += marked.count
        print(
            f"{name:<12} {percentile(cold, 0.5) * 1000:>7.1f}ms {max(cold) * 1000:>7.1f}ms "
            f"{percentile(warm, 0.5) * 1000:>7.1f}ms {percentile(warm, 0.95) * 1000:>7.1f}ms "
            f"{max(warm) * 1000:>7.1f}ms {max(cpu) * 1000:>6.1f}ms "
            f"{complete:>5}/{len(records):<3} {marks:>7}"
        )

    english = [r for r in records if r.language != "fa"] or records
    text = "\n\n".join(r.body for r in english)
    while len(text.split()) < 200_000:
        text = text + "\n\n" + text
    huge = type(records[0])(title="A very long article", body=text)
    print(f"\none article of {len(text.split())} words, cold stemmer cache:")
    for name in ("plain", *HOSTILE):
        stem.cache_clear()
        wall, used, marked = mark(huge, QUERIES[name])
        state = "complete" if marked.complete else "stopped by its budget"
        print(
            f"  {name:<12} {wall * 1000:>7.1f}ms (cpu {used * 1000:.1f}ms), "
            f"{marked.count} marks, {state}"
        )


if __name__ == "__main__":
    main()
