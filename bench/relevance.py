"""How well the archive's search ranks what people ask for, on Whoosh and on PostgreSQL.

    .venv/bin/python bench/relevance.py [--workdir DIR] [--database-url URL]
                                        [--backends whoosh,postgres] [--known-items N]
                                        [--eval-dir DIR] [--per-query] [--skip-index]

For each backend, in a process of its own:

1. loads the Hamshahri sample (the judged collection) and, for known-item search, BBC 2025 and
   Reuters-21578 into a throw-away archive (``bench/corpus.py``: SQLite under the workdir for
   Whoosh, a PostgreSQL database of its own, dropped and created afresh, for PostgreSQL), and
   indexes it through ``articles.search.indexing.rebuild_index`` (``--skip-index`` keeps an
   index built by an earlier run on the same workdir: for query-side changes only);
2. asks every query of the development set (``../shared/eval/search-dev/queries.tsv``) as a
   reader types it, through the search page's own query (``service.build_queryset`` of
   ``SearchParams.from_query``), takes up to 1,000 results in rank order and writes a run
   file (``<query id> <document id>``; the document id is the article's source name without
   ``.ham``) under the workdir;
3. known-item search: ``--known-items`` headlines from each of BBC 2025 and Reuters (a seeded
   sample of those that no other article shares, ignoring case and punctuation), each typed as
   a query; the rank of that article in the first ten.

Then it prints, per backend, ``score_run.py``'s MAP, P@10, recall and empty answers (with
``--per-query``, its per-query lines too), known-item MRR@10 and the share found in the top 3,
the mean time of a dev query, and how much the two backends' top tens overlap.

The judgements and queries stay where they are (research use only): nothing of them is
written into the repository, and the run files go to the workdir.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EVAL_DIR = ROOT.parent / "shared" / "eval" / "search-dev"
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsarchive_relevance"
CORPORA = ["hamshahri", "bbc2025", "reuters"]
KNOWN_ITEM_CORPORA = {"bbc2025": "BBC 2025", "reuters": "Reuters"}
DEPTH = 1000  # results per dev query, as the scorer reads them
KNOWN_ITEM_DEPTH = 10
SEED = 14


# --- one backend (its own process) --------------------------------------------------------
def load_queries(eval_dir: Path) -> list[tuple[str, str]]:
    queries = []
    for line in (eval_dir / "queries.tsv").read_text(encoding="utf-8").splitlines():
        qid, sep, text = line.partition("\t")
        if sep and text.strip():
            queries.append((qid.strip(), text.strip()))
    return queries


def search_ids(text: str, depth: int) -> list[int]:
    """Primary keys of the first ``depth`` results of ``text`` as the search page asks."""
    from django.http import QueryDict

    from articles.search.service import SearchParams, build_queryset

    query = QueryDict(mutable=True)
    query["q"] = text
    sqs = build_queryset(SearchParams.from_query(query))
    return [int(result.pk) for result in sqs[:depth]]


def known_items(per_corpus: int) -> dict[str, list[tuple[int, str]]]:
    """Per corpus, a seeded sample of (article id, headline) whose headline's words no other
    published article's headline has in the same order (else "that article" is ambiguous)."""
    from collections import Counter

    from articles.models import Article
    from articles.search.analysis import index_words

    articles = list(
        Article.objects.published().values_list("pk", "title", "source_format").order_by("pk")
    )
    words = {pk: " ".join(index_words(title)) for pk, title, _ in articles}
    seen = Counter(words.values())
    chosen = {}
    for corpus in KNOWN_ITEM_CORPORA:
        pool = [
            (pk, title)
            for pk, title, source in articles
            if source == f"corpus:{corpus}" and seen[words[pk]] == 1 and len(words[pk].split()) > 1
        ]
        chosen[corpus] = random.Random(SEED).sample(pool, min(per_corpus, len(pool)))
    return chosen


def side(args) -> None:
    from bench.corpus import describe, prepare_archive

    os.environ["SEARCH_BACKEND"] = args.side
    database_url = args.database_url if args.side == "postgres" else None
    stats = prepare_archive(
        args.workdir / args.side / "var", database_url=database_url, corpora=CORPORA
    )
    print(f"[{args.side}] {describe(stats)}", flush=True)

    from articles.models import Article
    from articles.search.indexing import rebuild_index

    marker = args.workdir / args.side / "indexed"
    if not (args.skip_index and marker.exists()):
        started = time.perf_counter()
        count = rebuild_index(procs=2)
        marker.write_text(str(count))
        print(f"[{args.side}] indexed {count:,} articles in {time.perf_counter() - started:.1f} s")

    source = dict(Article.objects.published().values_list("pk", "source_name"))
    runs, seconds = {}, []
    for qid, text in load_queries(args.eval_dir):
        started = time.perf_counter()
        ids = search_ids(text, DEPTH)
        seconds.append(time.perf_counter() - started)
        runs[qid] = [source[pk].removesuffix(".ham") for pk in ids]

    ranks: dict[str, list[int | None]] = {}
    for corpus, items in known_items(args.known_items).items():
        ranks[corpus] = []
        for pk, title in items:
            ids = search_ids(title, KNOWN_ITEM_DEPTH)
            ranks[corpus].append(ids.index(pk) + 1 if pk in ids else None)
    args.json.write_text(
        json.dumps({"runs": runs, "seconds": seconds, "known_items": ranks}, indent=1)
    )


# --- the report ---------------------------------------------------------------------------
def score(run_file: Path, eval_dir: Path, per_query: bool) -> str:
    command = [sys.executable, str(eval_dir / "score_run.py"), str(run_file)]
    if per_query:
        command.append("--per-query")
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    return done.stdout.strip()


def mrr(ranks: list[int | None]) -> float:
    return sum(1 / rank for rank in ranks if rank) / len(ranks) if ranks else 0.0


def overlap_at_10(first: dict[str, list[str]], second: dict[str, list[str]]) -> float:
    """Mean share of one backend's top ten that the other's top ten holds too."""
    shares = [len(set(first[q][:10]) & set(second.get(q, [])[:10])) / 10 for q in first]
    return sum(shares) / len(shares) if shares else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/newsarchive-relevance"))
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--backends", default="whoosh,postgres")
    parser.add_argument("--known-items", type=int, default=200, help="headlines per corpus")
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    parser.add_argument("--per-query", action="store_true")
    parser.add_argument("--skip-index", action="store_true")
    parser.add_argument("--side", choices=["whoosh", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not (args.eval_dir / "queries.tsv").exists():
        sys.exit(f"no development set at {args.eval_dir} (queries.tsv, qrels.txt, score_run.py)")
    if args.side:
        side(args)
        return

    args.workdir.mkdir(parents=True, exist_ok=True)
    results = {}
    for backend in args.backends.split(","):
        out = args.workdir / f"{backend}.json"
        command = [sys.executable, __file__, "--side", backend, "--json", str(out)]
        command += ["--workdir", str(args.workdir), "--database-url", args.database_url]
        command += ["--known-items", str(args.known_items), "--eval-dir", str(args.eval_dir)]
        command += ["--skip-index"] if args.skip_index else []
        subprocess.run(command, cwd=ROOT, check=True)  # noqa: S603
        results[backend] = json.loads(out.read_text())

    print()
    for backend, result in results.items():
        run_file = args.workdir / f"run-{backend}.txt"
        run_file.write_text(
            "".join(f"{qid} {doc}\n" for qid, docs in result["runs"].items() for doc in docs)
        )
        print(f"{backend}: {score(run_file, args.eval_dir, args.per_query)}")
        seconds = result["seconds"]
        print(f"  dev queries: {1000 * sum(seconds) / len(seconds):.0f} ms mean (1,000 results)")
        for corpus, ranks in result["known_items"].items():
            top3 = sum(1 for rank in ranks if rank and rank <= 3) / len(ranks) if ranks else 0
            print(
                f"  known items, {KNOWN_ITEM_CORPORA[corpus]} headlines ({len(ranks)}): "
                f"MRR@10 {mrr(ranks):.3f}, top 3 {top3:.1%}, "
                f"not in top 10 {sum(1 for rank in ranks if not rank)}"
            )
    if len(results) == 2:
        first, second = (result["runs"] for result in results.values())
        print(f"top-10 overlap between backends: {overlap_at_10(first, second):.0%}")


if __name__ == "__main__":
    main()
