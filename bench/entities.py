"""Named-entity accuracy, throughput and memory of ``articles.entities``.

    .venv/bin/python bench/entities.py [--reuters N] [--gazetteer-names N] [--stdin-mb N]
                                       [--arman-sentences N] [--archive] [--skip ...]
                                       [--extract-articles N]

Prints:
- CoNLL-2003 eng.testb and eng.testa apart: precision, recall and F1 of ``extract`` per type
  (PER -> person, ORG -> organisation, LOC -> place), exact offsets, and their
  micro-average; MISC against our "group" + "other" apart, as they are not one notion. Each
  document's text is its tokens joined by spaces, one sentence a line. Throughput in
  characters per second.
- Arman (Persian, ../shared/corpus/arman_personer_fa, all three folds, or the first N
  sentences): the sentences, tokens joined by spaces, one a line, through
  ``manage.py entities --json --language fa`` and again without ``--language`` (detected);
  exact-span P/R/F1 for pers -> person, org -> organisation, loc -> place and their
  micro-average. A predicted place exactly on a gold ``fac`` span (an airport, a square) is
  neither right nor wrong (our places include facilities; Arman's loc does not).
- ``manage.py entities --json`` on N MB of English news on standard input (Reuters stories,
  repeated to the size): wall time, characters per second and the peak resident memory of
  that process; the CPU time of the command with its worker processes (characters per
  CPU-second, which says more on a loaded machine) and the peak of their summed
  proportional memory (PSS: pages the workers share with the command counted once).
- With ``--extract-articles N``: ``extract_articles`` over N articles of the database
  (DATABASE_URL) never looked at, then resolution: characters per second and per CPU-second
  (this process, its worker processes and its PostgreSQL backend). It writes to that
  database: use a throw-away one (import a corpus with ``--skip-entities`` into it).
  With ``--resolve`` instead: resolution alone, on the database as it is (wall time, CPU
  of this process and of its PostgreSQL backend; it writes too).
- With ``--one-word CORPUS …``: the one-word names the Persian/Arabic rules find in those
  corpora, and those left out as counts or function words (each with its articles).
- With ``--archive``: the database's entities (DATABASE_URL, or the development SQLite):
  names that are a number, amount or time, or start with punctuation; and one-word person
  names that stand apart although exactly one full person name in the archive ends in them.
- Reuters-21578, the first N stories with PEOPLE or PLACES labels: the share of those labels
  found by ``extract`` + ``group`` on title and body (the canonical name equals the label's
  name, case aside, or both are aliases of one entity); the same share among the labels
  whose name is written in the story (the indexers also gave the country of a dateline or
  of a company, which the story need not name); people matched by surname alone (the
  labels give full names, stories often only "Reagan"); and the articles per second of
  ``extract_many``.
- A gazetteer of N made-up names: time to build it and to search the Reuters stories.
- The peak resident memory of the process.

The corpora are research-use material, read from ../shared/corpus and never stored.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import random
import re
import resource
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# articles.entities takes its entity kinds from the model (articles.models.Entity.Kind), so
# Django is set up before it is imported; nothing here touches the database until
# archive_report.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")
os.environ.setdefault("DEBUG", "1")
django.setup()

from articles.entities import extract_many  # noqa: E402
from articles.entities.gazetteer import Gazetteer  # noqa: E402
from articles.entities.normalise import ALIASES, alias_of, group  # noqa: E402
from articles.ingest.corpora import reuters  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
CONLL_TYPES = {
    "PER": ("person",),
    "ORG": ("organisation",),
    "LOC": ("place",),
    "MISC": ("group", "other"),
}


def _iob_text(
    sentences: list[list[tuple[str, str]]], separator: str = "\n", after_last: str = ""
) -> tuple[str, set[tuple[str, int, int]]]:
    """Sentences of ``(token, tag)`` (IOB1 or IOB2) as one text, tokens joined by spaces and
    sentences by ``separator``, and the gold spans ``(type, start, end)`` of that text."""
    parts, gold, offset = [], set(), 0
    for number, sentence in enumerate(sentences):
        if number:
            parts.append(separator)
            offset += len(separator)
        current = None  # [type, start, end] of the entity being read
        for index, (word, tag) in enumerate(sentence):
            if index:
                parts.append(" ")
                offset += 1
            start, end = offset, offset + len(word)
            parts.append(word)
            offset = end
            prefix, _, kind = tag.partition("-")
            if current and (tag == "O" or kind != current[0] or prefix == "B"):
                gold.add(tuple(current))
                current = None
            if tag == "O":
                continue
            if current is None:
                current = [kind, start, end]
            else:
                current[2] = end
        if current:
            gold.add(tuple(current))
    return "".join(parts) + (after_last if sentences else ""), gold


def read_conll(path: Path) -> list[tuple[str, set[tuple[str, int, int]]]]:
    """Documents of a CoNLL-2003 file (IOB1 tags) as (text, gold spans (type, start, end))."""
    with lzma.open(path, "rt", encoding="utf-8") as stream:
        lines = [line.rstrip("\r\n") for line in stream]
    documents: list[list[list[tuple[str, str]]]] = [[[]]]
    for line in lines:
        if line.startswith("-DOCSTART-"):
            documents.append([[]])
        elif not line.strip():
            documents[-1].append([])
        else:
            word, _pos, _chunk, tag = line.split(" ")
            documents[-1][-1].append((word, tag))
    result = []
    for sentences in documents:
        sentences = [s for s in sentences if s]
        if sentences:
            result.append(_iob_text(sentences))
    return result


def _count(
    predicted: list[tuple[int, int, str]],
    gold: set[tuple[str, int, int]],
    types: dict[str, tuple[str, ...]],
    ignore: dict[str, set[tuple[int, int]]] | None = None,
) -> dict[str, Counter]:
    """Exact-span true positives, predicted and gold per gold type: ``predicted`` are
    ``(start, end, kind)``, ``types`` maps each gold type to the kinds that stand for it;
    spans predicted for a type that are in ``ignore[type]`` count neither way."""
    counts = {}
    for gold_type, kinds in types.items():
        mine = {(start, end) for start, end, kind in predicted if kind in kinds}
        mine -= (ignore or {}).get(gold_type, set())
        theirs = {(s, e) for t, s, e in gold if t == gold_type}
        counts[gold_type] = Counter(tp=len(mine & theirs), predicted=len(mine), gold=len(theirs))
    return counts


def _table(counts: dict[str, Counter], micro_types: list[str], micro_label: str) -> None:
    """Print P, R, F1 and gold per type, and the micro-average over ``micro_types``."""
    print(f"  {'type':<18} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}")
    micro = Counter()
    for gold_type, c in counts.items():
        label = gold_type if gold_type != "MISC" else "MISC/group+other*"
        print(f"  {label:<18} " + _prf(c))
        if gold_type in micro_types:
            micro.update(c)
    print(f"  {micro_label:<18} " + _prf(micro))


def conll(path: Path) -> None:
    documents = read_conll(path)
    start = time.perf_counter()
    predicted = list(extract_many([text for text, _ in documents], "en"))
    seconds = time.perf_counter() - start
    counts = {t: Counter() for t in CONLL_TYPES}
    for (_text, gold), spans in zip(documents, predicted, strict=True):
        found = [(s.start, s.end, s.kind) for s in spans]
        for conll_type, c in _count(found, gold, CONLL_TYPES).items():
            counts[conll_type].update(c)
    chars = sum(len(text) for text, _ in documents)
    print(
        f"CoNLL-2003 {path.name}: {len(documents)} documents, {seconds:.1f} s "
        f"= {chars / seconds:,.0f} chars/s"
    )
    _table(counts, ["PER", "ORG", "LOC"], "micro PER+ORG+LOC")
    print(
        "  * MISC is not our group + other (NORP; PRODUCT, EVENT, LAW, WORK_OF_ART): "
        "for information"
    )


def _prf(c: Counter) -> str:
    p = c["tp"] / c["predicted"] if c["predicted"] else 0.0
    r = c["tp"] / c["gold"] if c["gold"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"{p:6.3f} {r:6.3f} {f:6.3f} {c['gold']:6d}"


def _resolve(name: str) -> str:
    return (alias_of(name) or (name,))[0].casefold()


def _named_in(name: str, text: str) -> bool:
    """Whether ``name``, or a built-in alias of it, is written in ``text`` (acronyms such as
    "US" or "U.S." in capitals only, so that "us" is not one)."""
    target = alias_of(name)
    keys = [k for k, t in ALIASES.items() if t == target] if target else [name.casefold()]
    for key in keys:
        if target and " " not in key and len(key) <= 4:
            pattern = rf"\b(?:{key.upper()}|{re.escape('.'.join(key.upper()))})\b"
            if re.search(pattern, text):
                return True
        elif re.search(rf"\b{re.escape(key)}\b", text, re.IGNORECASE):
            return True
    return False


def reuters_recall(limit: int) -> list[str]:
    records = []
    for record in reuters.read(CORPUS / "reuters21578"):
        if any(ref.kind in ("person", "place") for ref in record.entities):
            records.append(record)
            if len(records) >= limit:
                break
    texts = [f"{record.title}\n\n{record.body}" for record in records]
    start = time.perf_counter()
    extracted = list(extract_many(texts, "en"))
    seconds = time.perf_counter() - start
    counts = Counter()
    for record, spans in zip(records, extracted, strict=True):
        found = group(spans)
        names = {_resolve(f.name) for f in found}
        surnames = {f.name.split()[-1].casefold() for f in found if f.kind == "person"}
        for ref in record.entities:
            if ref.kind not in ("person", "place"):
                continue
            counts[ref.kind, "gold"] += 1
            hit = _resolve(ref.name) in names
            counts[ref.kind, "found"] += hit
            if _named_in(ref.name, f"{record.title}\n\n{record.body}"):
                counts[ref.kind, "named"] += 1
                counts[ref.kind, "named found"] += hit
            if ref.kind == "person" and ref.name.split()[-1].casefold() in surnames:
                counts[ref.kind, "surname"] += 1
    print(f"\nReuters-21578: {len(records)} stories with PEOPLE or PLACES labels")
    for kind, label in (("person", "PEOPLE"), ("place", "PLACES")):
        gold, hit = counts[kind, "gold"], counts[kind, "found"]
        print(f"  {label:<7} document-level recall {hit / gold:.3f} ({hit}/{gold})")
        named, hit = counts[kind, "named"], counts[kind, "named found"]
        print(f"          of those named in the text {hit / named:.3f} ({hit}/{named})")
    gold, hit = counts["person", "gold"], counts["person", "surname"]
    print(f"  PEOPLE  by surname alone             {hit / gold:.3f} ({hit}/{gold})")
    chars = sum(map(len, texts))
    print(
        f"  extract_many: {len(texts)} articles in {seconds:.1f} s = "
        f"{len(texts) / seconds:.1f} articles/s ({chars / seconds / 1000:.0f} k chars/s)"
    )
    return texts


def gazetteer_speed(names: int, texts: list[str]) -> None:
    rng = random.Random(1987)
    syllables = ["ka", "ro", "mi", "tan", "sel", "vor", "dex", "lu", "ba", "qin", "zor", "fa"]

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).capitalize()

    entries = [
        (" ".join(word() for _ in range(rng.randint(1, 3))), "person", [word()])
        for _ in range(names)
    ]
    entries.append(("Reagan", "person", ["Ronald Reagan"]))  # so that some are found
    start = time.perf_counter()
    gazetteer = Gazetteer(entries)
    built = time.perf_counter() - start
    start = time.perf_counter()
    found = sum(len(gazetteer.find(text)) for text in texts)
    seconds = time.perf_counter() - start
    chars = sum(map(len, texts))
    print(
        f"\nGazetteer of {len(entries)} names (+1 alias each): built in {built:.2f} s; "
        f"searched {len(texts)} articles ({chars / 1e6:.1f} M chars) in {seconds:.2f} s = "
        f"{len(texts) / seconds:.0f} articles/s, {found} matches"
    )


ARMAN_TYPES = {"pers": ("person",), "org": ("organisation",), "loc": ("place",)}


def read_arman(limit: int | None) -> tuple[str, set[tuple[str, int, int]], set[tuple[int, int]]]:
    """The Arman sentences as one text (tokens joined by spaces, one sentence a line), the
    gold pers/org/loc spans as (type, start, end), and the gold facility spans."""
    sentences: list[list[tuple[str, str]]] = [[]]
    for fold in (1, 2, 3):
        path = CORPUS / "arman_personer_fa" / f"test_fold{fold}.txt.xz"
        with lzma.open(path, "rt", encoding="utf-8") as stream:
            for line in stream:
                line = line.strip()
                if not line:
                    sentences.append([])
                    continue
                word, _, tag = line.rpartition(" ")
                sentences[-1].append((word, tag))
    sentences = [s for s in sentences if s][:limit]
    text, spans = _iob_text(sentences, after_last="\n")
    gold = {span for span in spans if span[0] != "fac"}
    facilities = {(start, end) for kind, start, end in spans if kind == "fac"}
    return text, gold, facilities


def _run_command(
    args: list[str], text: str, tree: dict[str, float] | None = None
) -> tuple[str, float, float]:
    """Run ``manage.py entities`` with ``text`` on standard input: (its output, seconds, its
    peak resident memory in MB). With ``tree``, also fills in ``tree["cpu"]``: the CPU
    seconds of the command and its worker processes, and ``tree["pss"]``: the peak of their
    summed proportional memory in MB (shared pages counted once across them)."""
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "entities", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    # Written and read by threads, so that neither pipe fills while the other waits.
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.append(process.stdout.read()))
    reader.start()
    # The child's own high-water mark, read while it runs: the rusage of a child counts the
    # memory of this process at the fork too (Linux keeps it across exec).
    peak = [0]
    watcher = threading.Thread(target=_watch_peak, args=(process, peak))
    watcher.start()
    pss = [0]
    if tree is not None:
        threading.Thread(target=_watch_tree, args=(process, pss), daemon=True).start()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process.stdin.write(text.encode("utf-8"))
    process.stdin.close()
    reader.join()
    status = process.wait()
    watcher.join()
    seconds = time.perf_counter() - start
    if tree is not None:
        # The command waits for its workers, so its children's CPU counts in its own.
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        tree["cpu"] = sum(getattr(after, f) - getattr(before, f) for f in ("ru_utime", "ru_stime"))
        tree["pss"] = pss[0] / 1024
    if status:
        raise SystemExit(f"manage.py entities {' '.join(args)} failed ({status})")
    return b"".join(chunks).decode("utf-8"), seconds, peak[0] / 1024


def _watch_peak(process: subprocess.Popen, peak: list[int]) -> None:
    """Keep in ``peak[0]`` the largest VmHWM (kB) of ``process`` until it ends."""
    path = Path(f"/proc/{process.pid}/status")
    while process.poll() is None:
        try:
            for line in path.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak[0] = max(peak[0], int(line.split()[1]))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
        time.sleep(0.05)


def _watch_tree(process: subprocess.Popen, peak: list[int]) -> None:
    """Keep in ``peak[0]`` the largest sum of Pss (kB) over ``process`` and its children
    (the workers of ``articles.entities.parallel``) until it ends."""
    while process.poll() is None:
        total = 0
        pids = [process.pid]
        try:
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text()
            pids += [int(pid) for pid in children.split()]
        except (FileNotFoundError, ProcessLookupError):
            pass
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
            except (FileNotFoundError, ProcessLookupError, ValueError):
                pass
        peak[0] = max(peak[0], total)
        time.sleep(0.2)


def arman(limit: int | None) -> None:
    text, gold, facilities = read_arman(limit)
    for label, args in (("--language fa", ["--language", "fa"]), ("detected", [])):
        output, seconds, peak = _run_command(["--json", *args], text)
        spans = [json.loads(line) for line in output.splitlines() if line.strip()]
        found = [(s["start"], s["end"], s["kind"]) for s in spans]
        # A place exactly on a facility (an airport, a square) is neither right nor wrong.
        counts = _count(found, gold, ARMAN_TYPES, ignore={"loc": facilities})
        print(
            f"\nArman ({label}): {text.count(chr(10))} sentences, {len(text):,} chars, "
            f"{seconds:.1f} s = {len(text) / seconds:,.0f} chars/s, peak {peak:.0f} MB"
        )
        _table(counts, list(ARMAN_TYPES), "micro pers+org+loc")


def stdin_memory(megabytes: float) -> None:
    stories = [
        f"{record.title}\n\n{record.body}\n\n"
        for record, _ in zip(reuters.read(CORPUS / "reuters21578"), range(3000), strict=False)
    ]
    size = int(megabytes * 1_000_000)
    parts, length = [], 0
    while length < size:
        for story in stories:
            parts.append(story)
            length += len(story)
            if length >= size:
                break
    text = "".join(parts)[:size]
    for processes in (None, 1):
        args = ["--json"] + ([f"--processes={processes}"] if processes else [])
        tree: dict[str, float] = {}
        output, seconds, peak = _run_command(args, text, tree)
        _print_stdin_run(" ".join(args), text, output, seconds, peak, tree)


def _print_stdin_run(args: str, text: str, output: str, seconds: float, peak: float, tree):
    print(
        f"\nmanage.py entities {args}, {len(text) / 1e6:.1f} M chars of Reuters on stdin: "
        f"{seconds:.0f} s = {len(text) / seconds:,.0f} chars/s, "
        f"{output.count(chr(10)):,} entities, peak resident memory {peak:.0f} MB\n"
        f"  CPU {tree['cpu']:.0f} s with its workers = {len(text) / tree['cpu']:,.0f} chars "
        f"per CPU-second; peak memory of the command and its workers together (PSS) "
        f"{tree['pss']:.0f} MB; load average {os.getloadavg()[0]:.1f}"
    )


def one_word_names(corpora: list[str]) -> None:
    """The one-word names the rules of ``articles.entities.persian`` find in the Arabic-script
    articles of ``corpora`` (read with the project's readers, each in its language), and
    those of them that are counts or function words, which extraction leaves out
    (``cleanup.is_name``, ``cleanup.is_function_word``): to see that none is a name."""
    from articles.entities import persian
    from articles.entities.cleanup import is_function_word, is_name, surnames_in
    from articles.ingest.corpora import READERS

    for corpus in corpora:
        found: Counter = Counter()  # (name, kind, language) -> articles
        left_out: Counter = Counter()
        articles = 0
        for record in READERS[corpus].read_from(CORPUS):
            language = record.language or "fa"
            if not record.body or language.split("-")[0] not in ("fa", "ar", "ku", "ckb"):
                continue
            articles += 1
            names = {(s.text, s.kind) for s in persian.find(record.body)}
            surnames = surnames_in(names)  # a function word may be a surname in this text
            for name, kind in names:
                if len(name.split()) == 1:
                    found[name, kind, language] += 1
                    if not is_name(name) or is_function_word(name, language, surnames):
                        left_out[name, kind, language] += 1
        dropped = left_out.most_common()
        print(
            f"\n{corpus}: {articles:,} Arabic-script articles, {len(found):,} one-word names; "
            f"left out as counts or function words: {len(dropped)} names in "
            f"{sum(n for _, n in dropped)} articles"
        )
        for (name, kind, language), n in dropped:
            print(f"  {name} ({kind}, {language}): {n}")


def _backend_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend (0 on other databases)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    connection.ensure_connection()
    stat = Path(f"/proc/{connection.connection.info.backend_pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu() -> tuple[float, float, float]:
    """CPU seconds so far of this process, its children (the workers) and its backend."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime, _backend_cpu()


def archive_extraction(limit: int) -> None:
    """``extract_articles`` over the first ``limit`` articles of the database (DATABASE_URL)
    whose entities were never looked for, as ``extract_entities --not-yet`` runs it, then
    resolution across the archive: wall and CPU time (this process, its workers, its
    PostgreSQL backend). It writes to that database: use a throw-away one."""
    from articles.entities.tagging import extract_articles
    from articles.models import Article

    todo = Article.objects.exclude(body="").filter(entities_found_at__isnull=True)
    ids = list(todo.order_by("pk").values_list("pk", flat=True)[:limit])
    chars = sum(map(len, Article.objects.filter(pk__in=ids).values_list("body", flat=True)))
    articles = Article.objects.filter(pk__in=ids).order_by("pk").prefetch_related("mentions")
    load = os.getloadavg()[0]
    start, before = time.perf_counter(), _cpu()
    done = extract_articles(articles.iterator(chunk_size=500), resolve=False)
    middle, after = time.perf_counter(), _cpu()
    used = [b - a for a, b in zip(before, after, strict=True)]
    print(
        f"\nextract_articles, {done:,} articles, {chars:,} chars (load {load:.1f} to "
        f"{os.getloadavg()[0]:.1f}): {middle - start:.0f} s = {chars / (middle - start):,.0f} "
        f"chars/s; CPU {used[0]:.1f} s here + {used[1]:.1f} s workers + {used[2]:.1f} s "
        f"PostgreSQL = {chars / sum(used):,.0f} chars per CPU-second"
    )
    archive_resolution()


def archive_resolution() -> None:
    """Resolution across the archive of the database (DATABASE_URL) alone: what it changed,
    wall and CPU time (this process and its PostgreSQL backend). It writes to that
    database: use a throw-away one (a copy, ``CREATE DATABASE … TEMPLATE …``, to compare
    two versions on the same entities)."""
    from articles.entities.resolution import resolve_across_archive

    load = os.getloadavg()[0]
    start, before = time.perf_counter(), _cpu()
    kinds, merged = resolve_across_archive()
    end, after = time.perf_counter(), _cpu()
    print(
        f"  resolution across the archive: {kinds:,} kinds changed, {merged:,} short names "
        f"merged; {end - start:.1f} s wall (load {load:.1f} to {os.getloadavg()[0]:.1f}), "
        f"CPU {after[0] - before[0]:.1f} s here + {after[2] - before[2]:.1f} s PostgreSQL"
    )


# What the archive report counts as junk: a name that is a number, an amount or a time
# ("107bn", "4,161.0", "$5m", "01:45 Heysham"), or that starts with punctuation ("- Elon Musk").
NUMBER_NAME = re.compile(r"^[$\u00a3\u20ac\u00a5]?\d[\d.,:]*(?:bn|m|k|tn|pc|%)?(?:\s|$)")
# Of those, names of kind "other" with a word in capitals or a number after the number.
NUMBERED_TITLE = re.compile(r"^\d[\d.,:]*\s+[A-Z0-9]")


def archive_report() -> None:
    """The archive's junk names and separated surnames, in all and per corpus (an article's
    ``source_format``, "corpus:reuters" as ``bench/corpus.py`` loads them; else its
    publication)."""
    from django.db.models import Count, Q

    from articles.entities.resolution import given_name, known_by_it, surname
    from articles.models import Article, Entity, Mention

    rows = list(
        Entity.objects.current()
        .annotate(n=Count("mentions", filter=Q(mentions__rejected=False)))
        .filter(n__gt=0)
        .values_list("pk", "name", "kind", "n", "reviewed", "aliases")
    )
    full_names: Counter = Counter()
    full_name: dict[str, str] = {}  # a full name ending in the word
    weight: Counter = Counter()  # the mentions of the full name ending in a word
    given: Counter = Counter()  # and of those beginning with it
    for _, name, kind, n, *_ in rows:
        if kind == "person" and len(name.split()) > 1:
            full_names[surname(name)] += 1
            full_name[surname(name)] = name
            weight[surname(name)] += n
            given[given_name(name)] += n
    # One-word person names with exactly one full person name ending in them: those that
    # stand apart (an editor's doing when reviewed or given aliases, else resolution's;
    # by resolution's rule when the word is mostly a given name) ...
    apart = {
        pk: (name, reviewed or bool(aliases))
        for pk, name, kind, _, reviewed, aliases in rows
        if kind == "person" and len(name.split()) == 1 and full_names[surname(name)] == 1
    }
    # ... and those resolution merged into it (where their mentions were: its record).
    merged = {
        e.pk: (e.name, {m["article"] for m in (e.resolution or {}).get("mentions", [])})
        for e in Entity.objects.filter(merged_automatically=True, merged_into__isnull=False)
        if len(e.name.split()) == 1 and full_names[surname(e.name)] == 1
    }

    def as_given_name(name: str) -> bool:
        """Whether the archive uses the word more as a given name (the full names beginning
        with it) than as the one full name's surname: resolution keeps those apart, unless
        the full name is a title of rank and the word ("Prince Harry")."""
        word = surname(name)
        return weight[word] < given[word] and not known_by_it(full_name[word])

    corpus_of = {
        pk: (source_format or "").removeprefix("corpus:") or publication or "-"
        for pk, source_format, publication in Article.objects.values_list(
            "pk", "source_format", "publication__name"
        ).iterator()
    }
    in_corpus: dict[int, set[str]] = {}
    for entity_id, article_id in (
        Mention.objects.filter(rejected=False).values_list("entity_id", "article_id").iterator()
    ):
        in_corpus.setdefault(entity_id, set()).add(corpus_of.get(article_id, "-"))
    for pk, (_, articles) in merged.items():
        in_corpus[pk] = {corpus_of.get(a, "-") for a in articles}

    def report(label: str, keep) -> None:
        entities = [(name, kind) for pk, name, kind, *_ in rows if keep(pk)]
        numbers = [(n, k) for n, k in entities if NUMBER_NAME.match(n)]
        # "3 Series", "747 SP", "007 First Light": a product's or a work's name (kind
        # other) may begin with its number; counted apart, for information.
        numbered = [(n, k) for n, k in numbers if k == "other" and NUMBERED_TITLE.match(n)]
        numbers = [item for item in numbers if item not in numbered]
        punctuation = [(n, k) for n, k in entities if not n[:1].isalnum()]
        # One-word names with a single full-name candidate, the word used mostly as a
        # surname or mostly as a given name: (apart, not by an editor), all.
        counts = {True: [0, 0], False: [0, 0]}
        for name, by_editor in (v for pk, v in apart.items() if keep(pk)):
            counts[as_given_name(name)][0] += not by_editor
            counts[as_given_name(name)][1] += 1
        for name, _ in (v for pk, v in merged.items() if keep(pk)):
            counts[as_given_name(name)][1] += 1
        # The misses: surnames left apart, not by an editor.
        missed = [
            name
            for pk, (name, by_editor) in apart.items()
            if keep(pk) and not by_editor and not as_given_name(name)
        ]

        def share(apart_and_all) -> str:
            n, of = apart_and_all
            return f"{n:>4}/{of:<5} ({n / of if of else 0:5.1%})"

        together = [counts[True][0] + counts[False][0], counts[True][1] + counts[False][1]]
        print(
            f"  {label:<12} {len(entities):>8,} {len(numbers):>7} {len(punctuation):>7} "
            f"{share(counts[False])} {share(counts[True])} {share(together)} "
            f"{len(numbered):>5} {(numbers + punctuation)[:3]} {missed[:4]} {numbered[:3]}"
        )

    kinds = Counter(kind for _, _, kind, *_ in rows)
    print(f"\nArchive: {len(rows)} entities with accepted mentions, by kind {dict(kinds)}")
    print(
        "  columns: entities, names that are a number/amount/time, names starting with "
        "punctuation;\n  one-word person names with a single full-name candidate, apart "
        "(not by an editor) / all:\n  the issue's figure, over words the archive uses "
        "mostly as surnames or after a title of rank\n  ('Prince Harry') (target <= 5 %), "
        "words it uses mostly as given names (resolution keeps them\n  apart on purpose: "
        "'Bill' beside 'Banking Bill'), and all "
        "together; other names (products, works) beginning with their number;\n  examples of "
        "the junk names, of the surnames apart, of the numbered names"
    )
    report("all", lambda pk: True)
    for corpus in sorted(set(corpus_of.values())):
        report(corpus, lambda pk, corpus=corpus: corpus in in_corpus.get(pk, ()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuters", type=int, default=2000, help="Reuters stories to read.")
    parser.add_argument("--gazetteer-names", type=int, default=50_000)
    parser.add_argument(
        "--stdin-mb", type=float, default=10, help="MB of text for the memory measure."
    )
    parser.add_argument("--arman-sentences", type=int, help="Only the first N Arman sentences.")
    parser.add_argument("--archive", action="store_true", help="Report on the database too.")
    parser.add_argument(
        "--extract-articles",
        type=int,
        metavar="N",
        help="Time extract_articles over N articles of the database not yet looked at "
        "(writes to it: a throw-away database).",
    )
    parser.add_argument(
        "--one-word",
        nargs="+",
        metavar="CORPUS",
        help="List the one-word names the Persian/Arabic rules find in these corpora, and "
        "those left out as counts or function words.",
    )
    parser.add_argument(
        "--resolve",
        action="store_true",
        help="Time resolution across the archive alone (writes to the database).",
    )
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["conll", "reuters", "arman", "stdin"],
        help="Leave these measures out.",
    )
    args = parser.parse_args()

    start = time.perf_counter()
    next(extract_many(["Warm-up."], "en"))
    print(f"English model loaded in {time.perf_counter() - start:.1f} s\n")
    if "conll" not in args.skip:
        conll(CORPUS / "conll2003_en" / "eng.testb.xz")
        print()
        conll(CORPUS / "conll2003_en" / "eng.testa.xz")
    if "reuters" not in args.skip:
        texts = reuters_recall(args.reuters)
        gazetteer_speed(args.gazetteer_names, texts)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak resident memory of this process: {peak:.0f} MB")
    if "arman" not in args.skip:
        arman(args.arman_sentences)
    if "stdin" not in args.skip:
        stdin_memory(args.stdin_mb)
    if args.one_word:
        one_word_names(args.one_word)
    if args.extract_articles:
        archive_extraction(args.extract_articles)
    elif args.resolve:
        archive_resolution()
    if args.archive:
        archive_report()


if __name__ == "__main__":
    main()
