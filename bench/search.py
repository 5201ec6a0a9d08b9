"""Indexing and search speed of the archive's Whoosh path against raw Whoosh doing the same work.

    .venv/bin/python bench/search.py [--limit N] [--queries N] [--repeat R] [--workdir DIR]
                                     [--profile search|rebuild|both]
    .venv/bin/python bench/search.py --database-url postgres://…/archive [--repeat R]
                                     [--profile search] [--only REGEX]

In one run, on the whole corpus (every reader; about 110,000 articles) or its first N records
(``--limit``, the corpora taking turns):

1. loads it into a fresh SQLite database under a temp var dir (``bench/corpus.py``; with
   ``--workdir`` the database is kept and a second run with the same limit reuses it);
2. indexes it through the project's path, ``articles.search.indexing.rebuild_index(procs=2)``
   (database, haystack's prepare, the backend's bulk writer), and with a raw Whoosh writer on
   an index of the same schema, fed the same documents as plain dicts made beforehand from
   the database without haystack (``procs=2, multisegment=True, limitmb=256``, as the project;
   and ``procs=1`` for reference): articles/s of each and the ratio;
3. runs a fixed mix of queries (common and rare words, AND, phrases, proximity, OR, NOT,
   ``title:``, prefixes, Persian, a facet filter, date ranges, sorting, a later page, facet
   browsing) ``--repeat`` times after a warm-up, each as the search page runs it,
   ``run_search(SearchParams.from_query(QueryDict))`` (six facet counts, highlighted title
   and snippet, the page's articles loaded from the database), and as raw Whoosh on the
   raw index with a searcher kept open: the project's ``syntax.parse`` and the backend's
   ``translate()``, the same filter and date ranges, ``groupedby`` on the same six facet
   fields, the top 20's stored fields, and the same highlighter
   (``articles.search.highlight``: ``highlight_words`` on the stored title, ``snippet`` on
   the article's body, held in memory since the index stores the whole text rather than
   the body). Both sides must agree on totals, facet counts and each page's scores, or the
   run says which queries differ. p50 / p95 of each and the ratio, and the p50 of each kind
   of query;
4. prints a table of it all and the peak resident memory.

Times are wall-clock and CPU (this process and its finished writer processes): on a machine
other work shares, CPU times are the steadier comparison; the load average is printed.

``--profile`` adds cProfile listings (top functions by cumulative time) of one pass of the
project's query mix and/or of a project rebuild (main process only: the writer processes
are not profiled); they take extra time.

With ``--database-url``, only the project's side of the mix (without the rare words, which
come from the raw index) runs against an archive already in PostgreSQL, such as one of
bench/scale.py or bench/multiply.py: per query its hits and p50, then the mix's p50 / p95.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import os
import pstats
import random
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import describe, prepare_archive, setup_django  # noqa: E402

PROCS = 2
LIMITMB = 256

# (kind, the search page's parameters). Rare words are drawn from the archive itself (see
# ``rare_words``) and added as kind "rare".
MIX = [
    ("common", "q=oil"),
    ("common", "q=government"),
    ("common", "q=president"),
    ("common", "q=market"),
    ("and-2", "q=interest rates"),
    ("and-2", "q=trade deficit"),
    ("and-2", "q=football club"),
    ("and-3", "q=central bank interest"),
    ("and-3", "q=trade deficit japan"),
    ("and-3", "q=stock market crash"),
    ("phrase", 'q="prime minister"'),
    ("phrase", 'q="White House"'),
    ("phrase", 'q="interest rates"'),
    ("proximity", 'q="Reagan Congress"~10'),
    ("proximity", 'q="oil opec"~5'),
    ("or", "q=wheat OR corn"),
    ("or", "q=Trump OR Biden"),
    ("not", "q=oil -opec"),
    ("not", "q=election -Trump"),
    ("field", "q=title:bank"),
    ("field", "q=title:election"),
    ("prefix", "q=econom*"),
    ("prefix", "q=invest*"),
    ("persian", "q=ایران"),  # Iran
    ("persian", "q=تهران"),  # Tehran
    ("persian", "q=نفت"),  # oil
    ("persian", 'q="جمهوری اسلامی"'),  # "Islamic Republic"
    ("facet", "q=oil&f=publication:Reuters"),
    ("facet", "q=trade&f=publication:Reuters"),
    ("facet", 'q="interest rates"&f=publication:Reuters'),
    ("facet", "q=economy&f=year:2025"),
    ("date", "q=oil&from=1987-03&to=1987-04"),
    ("date", "q=Trump&from=2025"),
    ("facet+date", "q=bank&f=publication:Reuters&from=1987-03-01&to=1987-03-31"),
    ("sort", "q=oil&sort=newest"),
    ("sort", "q=election&sort=oldest"),
    # Oldest first beside a filter: 0.7 and 2.1 s of the database at 1M before session 12.
    ("sort", "q=oil&f=publication:Reuters&sort=oldest"),
    ("sort", "q=oil&f=language:fa&sort=oldest"),
    ("page", "q=government&page=3"),
    ("browse", "f=publication:Reuters"),
    ("browse", "f=language:fa"),
]
RARE_WORDS = 4
WARMUP = 1


# --- setup ------------------------------------------------------------------------------
def rss_mib(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def clock() -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and of its finished children). CPU time
    barely moves when other work shares the machine; wall time does."""
    t = os.times()
    return time.perf_counter(), t.user + t.system + t.children_user + t.children_system


def since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = clock()
    return wall - start[0], cpu - start[1]


def raw_documents() -> list[dict]:
    """The documents of every published article as the project indexes them, made from the
    database with plain queries (no haystack), in primary-key order."""
    from articles.models import Article, Byline, Mention
    from articles.search.facets import LIST_SEPARATOR
    from articles.search_indexes import revision

    published = Article.objects.published()
    authors: dict[int, list[str]] = defaultdict(list)
    for article_id, name in (
        Byline.objects.filter(article__in=published)
        .order_by("article_id", "position")
        .values_list("article_id", "author__name")
    ):
        authors[article_id].append(name)
    entities: dict[int, list[str]] = defaultdict(list)
    for article_id, name in (
        Mention.objects.filter(article__in=published, rejected=False)
        .order_by("article_id", "-count", "entity__name")
        .values_list("article_id", "entity__name")
    ):
        entities[article_id].append(name)

    documents = []
    rows = published.order_by("pk").values_list(
        "updated_at",
        "pk",
        "title",
        "kicker",
        "summary",
        "body",
        "language",
        "published_on",
        "publication__name",
        "section__name",
    )
    for (
        updated,
        pk,
        title,
        kicker,
        summary,
        body,
        language,
        published_on,
        pub,
        section,
    ) in rows.iterator(chunk_size=2000):
        names, things = authors.get(pk, []), entities.get(pk, [])
        year = str(published_on.year) if published_on else ""
        doc = {
            "id": f"articles.article.{pk}",
            "django_ct": "articles.article",
            "django_id": str(pk),
            "text": "\n".join([title, kicker, " ".join(names), " ".join(things), summary, body]),
            "title": title,
            "publication": pub or "",
            "publication_exact": pub or "",
            "section": section or "",
            "section_exact": section or "",
            "authors": LIST_SEPARATOR.join(names),
            "authors_exact": LIST_SEPARATOR.join(names),
            "entities": LIST_SEPARATOR.join(things),
            "entities_exact": LIST_SEPARATOR.join(things),
            "author_names": "\n".join(names),
            "entity_names": "\n".join(things),
            "language": language,
            "language_exact": language,
            "year": year,
            "year_exact": year,
            "published_on": dt.datetime(published_on.year, published_on.month, published_on.day)
            if published_on
            else None,
            "revision": revision(pk, updated),
        }
        documents.append({k: v for k, v in doc.items() if v not in (None, "")})
    return documents


def check_documents(documents: list[dict], sample: int = 500) -> int:
    """How many of a sample of ``documents`` differ from what the backend itself would
    index (``_document``): 0 means both writers are fed the same."""
    from haystack import connections

    from articles.search.indexing import _article_index

    index = _article_index()
    backend = connections["default"].get_backend()
    rng = random.Random(7)
    picked = {d["django_id"]: d for d in rng.sample(documents, min(sample, len(documents)))}
    differ = 0
    for obj in index.index_queryset().filter(pk__in=[int(pk) for pk in picked]):
        if backend._document(index, obj) != picked[str(obj.pk)]:
            differ += 1
    return differ


def raw_index(path: Path, documents: list[dict], procs: int) -> tuple[float, float]:
    """(wall, CPU) seconds to build a raw Whoosh index of ``documents`` at ``path`` (the
    project's schema)."""
    from haystack import connections
    from whoosh.filedb.filestore import FileStorage

    schema = connections["default"].get_backend().schema
    shutil.rmtree(path, ignore_errors=True)
    started = clock()
    path.mkdir(parents=True)
    ix = FileStorage(str(path)).create_index(schema)
    options = {"limitmb": LIMITMB}
    if procs > 1:
        options.update(procs=procs, multisegment=True)
    writer = ix.writer(**options)
    for doc in documents:
        writer.add_document(**doc)
    writer.commit()
    return since(started)


def rebuild_through_project() -> tuple[int, tuple[float, float]]:
    """``rebuild_index(procs=PROCS)``: (documents, (wall, CPU) seconds)."""
    from articles.search.indexing import rebuild_index

    started = clock()
    return rebuild_index(procs=PROCS), since(started)


# --- queries ----------------------------------------------------------------------------
def rare_words(searcher, n: int, seed: int = 1987) -> list[str]:
    """``n`` words (as written in articles) found in 3 to 30 documents, picked at random
    from the bodies of random articles."""
    from articles.models import Article
    from articles.search.backends.whoosh import archive_analyzer

    analyzer = archive_analyzer()
    rng = random.Random(seed)
    pks = list(Article.objects.published().order_by("pk").values_list("pk", flat=True))
    words: list[str] = []
    for _ in range(2000):
        if len(words) >= n:
            break
        body = Article.objects.filter(pk=rng.choice(pks)).values_list("body", flat=True)[0]
        candidates = [w for w in re.findall(r"\b[A-Za-z]{7,}\b", body) if w not in words]
        if not candidates:
            continue
        word = rng.choice(candidates)
        tokens = [t.text for t in analyzer(word)]
        if len(tokens) == 1 and 3 <= searcher.doc_frequency("text", tokens[0]) <= 30:
            words.append(word)
    return words


def query_mix(count: int | None, rare: list[str]) -> list[tuple[str, str]]:
    """The mix, kinds taking turns so that a shorter mix still has every kind."""
    mix = MIX[:4] + [("rare", f"q={w}") for w in rare] + MIX[4:]
    if count is None or count >= len(mix):
        return mix
    by_kind: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for item in mix:
        by_kind[item[0]].append(item)
    picked: list[tuple[str, str]] = []
    while len(picked) < count:
        for items in by_kind.values():
            if items and len(picked) < count:
                picked.append(items.pop(0))
    return picked


class RawSearch:
    """The search page's work done with Whoosh alone, on an index with a searcher kept open."""

    def __init__(self, path: Path, bodies: dict[str, str]):
        from haystack import connections
        from whoosh.filedb.filestore import FileStorage

        from articles.search.facets import FACETS

        self.backend = connections["default"].get_backend()
        if not self.backend.setup_complete:
            self.backend.setup()
        from whoosh.scoring import BM25F

        from articles.search import ranking

        self.searcher = (
            FileStorage(str(path))
            .open_index()
            .searcher(weighting=BM25F(B=ranking.B, K1=ranking.K1))
        )
        self.facets = [f"{name}_exact" for name, _ in FACETS]
        # The index stores the whole text (title, names, summary and body), not the body;
        # the snippet is made from the body, as the project's is, for equal highlight work.
        self.bodies = bodies

    def run(self, params) -> tuple[int, list[tuple[str, float]], dict]:
        """``(total, [(id, score)] of the page, facet counts)`` for a ``SearchParams``."""
        from whoosh import query as wq
        from whoosh.searching import ResultsPage
        from whoosh.sorting import Count, FieldFacet

        from articles.search import ranking, syntax
        from articles.search.highlight import highlight_words, snippet

        parts = []
        filters = [wq.Term(f"{name}_exact", value) for name, value in params.facets]
        if params.date_from or params.date_to:
            start = dt.datetime.combine(params.date_from, dt.time()) if params.date_from else None
            end = dt.datetime.combine(params.date_to, dt.time()) if params.date_to else None
            filters.append(wq.DateRange("published_on", start, end))
        if params.q:
            node = syntax.parse(params.q)
            translated = (
                self.backend.translate_ranked(self.searcher, node) if node is not None else None
            )
            if translated is None:
                return 0, [], {}
            if syntax.only_negative(node):
                translated = wq.And([wq.Every(), translated])
            parts.append(translated)
        query = wq.And(parts) if len(parts) > 1 else (parts[0] if parts else wq.Every())

        sortedby, reverse = None, False
        if params.sort != "relevance":
            sortedby, reverse = ["published_on"], params.sort == "newest"
        groupedby = {
            name: FieldFacet(
                name, allow_overlap=name in self.backend._multivalued_facets, maptype=Count
            )
            for name in self.facets
        }
        words = syntax.plain_words(syntax.parse(params.q)) if not sortedby else []
        start = (params.page - 1) * params.per_page
        if len(words) >= ranking.FEEDBACK_MIN_WORDS and start < ranking.FEEDBACK_WINDOW:
            # The project's feedback re-ranking of the first window (its own helper).
            results = self.searcher.search(
                query,
                limit=max(params.page * params.per_page, ranking.FEEDBACK_WINDOW),
                groupedby=groupedby,
                filter=wq.And(filters) if filters else None,
            )
            self.backend.rerank(self.searcher, results, words)
            page = ResultsPage(results, params.page, params.per_page)
        else:
            page = self.searcher.search_page(
                query,
                params.page,
                pagelen=params.per_page,
                sortedby=sortedby,
                reverse=reverse,
                groupedby=groupedby,
                filter=wq.And(filters) if filters else None,
            )
        total = len(page)
        facets = {}
        for name in self.facets:
            counts = page.results.groups(name)
            facets[name] = sorted(
                ((v, n) for v, n in counts.items() if v not in (None, "")),
                key=lambda item: (-item[1], item[0]),
            )
        ids, rendered = [], []
        for hit in page:
            stored = hit.fields()
            pk = stored["django_id"]
            ids.append((pk, hit.score or 0.0))
            rendered.append(
                (highlight_words(stored["title"], params.q), snippet(self.bodies[pk], params.q))
            )
        return total, ids, facets


def query_dict(readable: str):
    """The QueryDict a browser would send for ``readable`` ("q=a b&f=x:y", unencoded)."""
    from urllib.parse import quote

    from django.http import QueryDict

    encoded = "&".join(
        f"{key}={quote(value, safe='')}"
        for key, _, value in (part.partition("=") for part in readable.split("&"))
    )
    return QueryDict(encoded)


def project_search(readable: str):
    from articles.search.service import SearchParams, run_search

    return run_search(SearchParams.from_query(query_dict(readable)))


# --- numbers ----------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def profile(label: str, func, top: int = 30) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    func()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
    out.write(f"\n===== profile: {label} (top {top} by cumulative time) =====\n")
    stats.print_stats(top)
    stats.sort_stats("tottime")
    out.write(f"----- {label}: top {top} by own time -----\n")
    stats.print_stats(top)
    return out.getvalue()


def archive_mix(database_url: str, repeat: int, profiled: bool, only: str | None) -> None:
    """The project's query mix only, as the search page runs it, against an archive already
    in PostgreSQL (``--database-url``: one made by bench/scale.py or bench/multiply.py):
    per query its hits and p50 of wall and CPU time, then p50 / p95 of the whole mix."""
    os.environ["SEARCH_BACKEND"] = "postgres"
    # Time every query to its end: the site's own limit (1 s) would cut the slowest short.
    os.environ.setdefault("SEARCH_TIME_LIMIT", "120")
    var_dir = Path(tempfile.mkdtemp(prefix="newsarchive-search-mix-"))
    setup_django(var_dir, database_url)
    from django.db import connection

    from articles.models import Article

    mix = [item for item in MIX if only is None or re.search(only, item[1])]
    articles = Article.objects.published().count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        server = Path(f"/proc/{cursor.fetchone()[0]}/stat")  # None of ours if not local

    def cpu_now() -> float:
        """CPU seconds of this process and of its PostgreSQL server process: on a machine
        other work shares, steadier than wall time (both sides of a search are counted)."""
        own = time.process_time()
        if server.exists():
            fields = server.read_text().rsplit(")", 1)[1].split()
            own += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return own

    load = [os.getloadavg()[0]]
    totals = [project_search(qs).total for _, qs in mix]  # the warm-up
    times: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for _ in range(repeat):
        for i, (_, qs) in enumerate(mix):
            wall, cpu = time.perf_counter(), cpu_now()
            project_search(qs)
            times[i].append(((time.perf_counter() - wall) * 1000, (cpu_now() - cpu) * 1000))
    load.append(os.getloadavg()[0])
    print(f"{articles:,} published articles, PostgreSQL, {len(mix)} queries × {repeat} passes")
    print(f"{'query':52} {'hits':>9} {'p50 ms':>7} {'CPU p50':>7}")
    for i, (kind, qs) in enumerate(mix):
        wall = percentile([t[0] for t in times[i]], 50)
        cpu = percentile([t[1] for t in times[i]], 50)
        print(f"{kind + ' ' + qs:52.52} {totals[i]:9,} {wall:7.1f} {cpu:7.1f}")
    wall = [t[0] for ts in times.values() for t in ts]
    cpu = [t[1] for ts in times.values() for t in ts]
    print(
        f"mix: p50 {percentile(wall, 50):.1f} ms, p95 {percentile(wall, 95):.1f} ms; CPU "
        f"(this process + its PostgreSQL server process, 10 ms ticks) p50 "
        f"{percentile(cpu, 50):.1f}, p95 {percentile(cpu, 95):.1f} ms; "
        f"load average {load[0]:.1f} → {load[1]:.1f} on {os.cpu_count()} CPUs"
    )
    if profiled:
        print(profile("project search, one pass", lambda: [project_search(qs) for _, qs in mix]))
    shutil.rmtree(var_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=None,
        help="only the project's mix, on this PostgreSQL archive (no load, no raw side)",
    )
    parser.add_argument("--only", default=None, help="with --database-url: queries matching")
    parser.add_argument("--limit", type=int, default=None, help="records to load (default all)")
    parser.add_argument("--queries", type=int, default=None, help="queries in the mix (all)")
    parser.add_argument("--repeat", type=int, default=5, help="passes over the mix (5)")
    parser.add_argument("--workdir", type=Path, default=None, help="kept between runs")
    parser.add_argument("--profile", choices=["search", "rebuild", "both"], default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args()
    if args.database_url:
        archive_mix(args.database_url, args.repeat, args.profile is not None, args.only)
        return

    run_started = time.perf_counter()
    keep = args.workdir is not None
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newsarchive-search-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)

    # 1. The corpus in a database.
    os.environ["SEARCH_BACKEND"] = "whoosh"
    stats = prepare_archive(workdir / "var", args.limit)
    print(describe(stats), flush=True)

    from haystack import connections

    from articles.models import Article
    from articles.search.service import SearchParams

    backend = connections["default"].get_backend()
    backend.setup(create=True)  # a fresh workdir has no index yet
    articles = Article.objects.published().count()

    # 2. Indexing: the project's path, then raw Whoosh on the same documents.
    load = {"indexing": os.getloadavg()[0]}
    print(f"indexing {articles:,} articles through rebuild_index(procs={PROCS})…", flush=True)
    indexed, project_index = rebuild_through_project()
    print(f"  {project_index[0]:.1f} s", flush=True)

    started = time.perf_counter()
    documents = raw_documents()
    prepare_s = time.perf_counter() - started
    differ = check_documents(documents)
    print(
        f"raw documents made from the database in {prepare_s:.1f} s (not timed below); "
        f"{differ} of a sample of 500 differ from the backend's own",
        flush=True,
    )
    raw_path = workdir / "raw-whoosh"
    raw_indexing = {}
    # The documents list is this benchmark's, not the project's: kept out of the garbage
    # collector's sight, so that neither this process nor the forked writers walk it.
    gc.freeze()
    for procs in (PROCS, 1):
        path = raw_path if procs == PROCS else workdir / "raw-whoosh-1"
        print(f"indexing raw, procs={procs}…", flush=True)
        raw_indexing[procs] = raw_index(path, documents, procs)
        print(f"  {raw_indexing[procs][0]:.1f} s", flush=True)
    gc.unfreeze()
    shutil.rmtree(workdir / "raw-whoosh-1", ignore_errors=True)
    del documents

    # 3. Searching.
    load["searching"] = os.getloadavg()[0]
    bodies = {str(pk): body for pk, body in Article.objects.published().values_list("pk", "body")}
    raw = RawSearch(raw_path, bodies)
    mix = query_mix(args.queries, rare_words(raw.searcher, RARE_WORDS))
    params = [SearchParams.from_query(query_dict(qs)) for _, qs in mix]
    print(f"searching: {len(mix)} queries × {args.repeat} passes after a warm-up…", flush=True)

    # The same work on both sides: the same totals, facet counts and page (the same scores,
    # or sort keys; equal ones may come in another order, as the indexes number documents
    # apart).
    mismatches, totals, reordered = [], [], 0
    for warmup in range(WARMUP):
        for (kind, qs), p in zip(mix, params, strict=True):
            outcome = project_search(qs)
            raw_total, raw_page, raw_facets = raw.run(p)
            if warmup:
                continue
            totals.append(outcome.total)
            mine = [(str(h.article.pk), h.score) for h in outcome.hits]
            facets_differ = [
                name
                for name, counts in outcome.facets.items()
                if counts != raw_facets.get(f"{name}_exact", counts)
            ]
            same_page = sorted(round(s, 4) for _, s in mine) == sorted(
                round(s, 4) for _, s in raw_page
            )
            reordered += same_page and [i for i, _ in mine] != [i for i, _ in raw_page]
            if outcome.total != raw_total or not same_page or facets_differ:
                mismatches.append(
                    f"{kind} {qs}: project {outcome.total} hits {mine[:2]}, raw {raw_total} "
                    f"hits {raw_page[:2]}; facets differing: {facets_differ or 'none'}"
                )
    # [side][query] -> [(wall ms, CPU ms)], the two sides taking turns query by query.
    times = {"project": defaultdict(list), "raw": defaultdict(list)}
    for _ in range(args.repeat):
        for i, (_, qs) in enumerate(mix):
            for side, run, arg in (("project", project_search, qs), ("raw", raw.run, params[i])):
                wall, cpu = time.perf_counter(), time.process_time()
                run(arg)
                times[side][i].append(
                    ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)
                )
    load["end"] = os.getloadavg()[0]

    profiles = []
    if args.profile in ("search", "both"):
        profiles.append(
            profile(
                "project search, one pass of the mix",
                lambda: [project_search(qs) for _, qs in mix],
            )
        )
        profiles.append(
            profile("raw search, one pass of the mix", lambda: [raw.run(p) for p in params])
        )
    if args.profile in ("rebuild", "both"):
        profiles.append(
            profile(f"project rebuild_index(procs={PROCS}), main process", rebuild_through_project)
        )

    # 4. The table.
    def values(side, which, queries=None):
        queries = range(len(mix)) if queries is None else queries
        return [t[which] for i in queries for t in times[side][i]]

    print()
    print(
        f"NewsArchive search benchmark: {articles:,} published articles "
        f"(limit {args.limit or 'none'}), Whoosh, {PROCS} writer processes, limitmb {LIMITMB}"
    )
    print()
    print(
        f"{'indexing':40} {'articles':>8} {'wall s':>7} {'art/s':>6} {'vs raw':>6} "
        f"{'CPU s':>7} {'art/CPU s':>9} {'vs raw':>6}"
    )
    rows = [
        (f"project rebuild_index(procs={PROCS})", indexed, project_index),
        (f"raw Whoosh writer, procs={PROCS}, multisegment", articles, raw_indexing[PROCS]),
        ("raw Whoosh writer, procs=1", articles, raw_indexing[1]),
    ]
    raw_rate = articles / raw_indexing[PROCS][0], articles / raw_indexing[PROCS][1]
    for name, n, (wall, cpu) in rows:
        print(
            f"{name:40} {n:8,} {wall:7.1f} {n / wall:6.0f} {n / wall / raw_rate[0]:6.0%} "
            f"{cpu:7.1f} {n / cpu:9.0f} {n / cpu / raw_rate[1]:6.0%}"
        )
    share = indexed / project_index[0] / raw_rate[0]
    verdict = "met" if share >= 0.8 else "MISSED"
    print(f"target project ≥ 80% of raw (procs={PROCS}, wall): {share:.0%}, {verdict}")
    print()
    print(
        f"{'searching (ms)':36} {'p50':>7} {'p95':>7} {'mean':>7}   {'CPU p50':>7} {'CPU p95':>7}"
    )
    stats_of = {}
    for side, label in (("project", "project run_search"), ("raw", "raw Whoosh, searcher kept")):
        wall, cpu = values(side, 0), values(side, 1)
        stats_of[side] = [
            percentile(wall, 50),
            percentile(wall, 95),
            statistics.fmean(wall),
            percentile(cpu, 50),
            percentile(cpu, 95),
        ]
        print(
            f"{label:36} "
            + " ".join(f"{v:7.1f}" for v in stats_of[side][:3])
            + "   "
            + " ".join(f"{v:7.1f}" for v in stats_of[side][3:])
        )
    ratio = [a / b for a, b in zip(stats_of["project"], stats_of["raw"], strict=True)]
    print(
        f"{'ratio project / raw':36} "
        + " ".join(f"{v:6.2f}×" for v in ratio[:3])
        + "   "
        + " ".join(f"{v:6.2f}×" for v in ratio[3:])
    )
    verdict = "met" if ratio[1] <= 1.5 else "MISSED"
    print(f"target project p95 ≤ 1.5× raw p95 (wall): {ratio[1]:.2f}×, {verdict}")
    print(
        f"({len(mix)} queries × {args.repeat} passes = {len(values('raw', 0))} timings a side, "
        f"after {WARMUP} warm-up pass; hits per query: median {statistics.median(totals):,.0f}, "
        f"max {max(totals):,})"
    )
    print()
    print(
        f"{'p50 by kind of query (ms)':26} {'queries':>7} {'hits':>8} {'project':>8} "
        f"{'raw':>8} {'ratio':>6} {'CPU ratio':>9}"
    )
    kinds: dict[str, list[int]] = defaultdict(list)
    for i, (kind, _) in enumerate(mix):
        kinds[kind].append(i)
    for kind, queries in kinds.items():
        hits = statistics.median(totals[i] for i in queries)
        a, b = (percentile(values(side, 0, queries), 50) for side in ("project", "raw"))
        c, d = (percentile(values(side, 1, queries), 50) for side in ("project", "raw"))
        print(
            f"{kind:26} {len(queries):7} {hits:8,.0f} {a:8.1f} {b:8.1f} {a / b:5.2f}× {c / d:8.2f}×"
        )
    print()
    print(f"{'slowest queries (p50, ms)':60} {'hits':>8} {'project':>8} {'raw':>8}")
    p50_of = {
        side: [percentile(values(side, 0, [i]), 50) for i in range(len(mix))]
        for side in ("project", "raw")
    }
    for i in sorted(range(len(mix)), key=lambda i: -p50_of["project"][i])[:8]:
        print(
            f"{mix[i][0] + ' ' + mix[i][1]:60.60} {totals[i]:8,} {p50_of['project'][i]:8.1f} "
            f"{p50_of['raw'][i]:8.1f}"
        )
    print()
    if mismatches:
        print(f"results that differ between project and raw ({len(mismatches)}):")
        for line in mismatches:
            print("  " + line)
    else:
        print(
            "every query: the same total, facet counts and page (the same scores or sort keys) "
            f"in both; {reordered} pages list equal ones in another order"
        )
    print(
        f"peak resident memory: this process {rss_mib():.0f} MiB, "
        f"largest writer process {rss_mib(resource.RUSAGE_CHILDREN):.0f} MiB"
    )
    print(
        "load average (1 min) at the start of indexing / searching / at the end: "
        + " / ".join(f"{v:.1f}" for v in load.values())
        + f" on {os.cpu_count()} CPUs (above ~1 while one process runs: other work shared "
        "the machine, and wall times are noisier than CPU times)"
    )
    print(f"total run time: {(time.perf_counter() - run_started) / 60:.1f} min")
    print(f"work dir: {workdir}" + ("" if keep else " (removed)"))
    if args.json:
        summary = {
            "backend": "whoosh",
            "articles": articles,
            "rebuild": {"documents": indexed, "wall": project_index[0], "cpu": project_index[1]},
            "raw_rebuild": {
                "documents": articles,
                "wall": raw_indexing[PROCS][0],
                "cpu": raw_indexing[PROCS][1],
                "label": f"raw Whoosh writer, procs={PROCS}",
            },
            "search": {side: stats_of[side] for side in ("project", "raw")},
            "mix": mix,
            "totals": totals,
            "mismatches": mismatches,
            "load": load,
        }
        args.json.write_text(json.dumps(summary, indent=1))
    for text in profiles:
        print(text)
    if not keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
