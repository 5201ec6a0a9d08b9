"""Named-entity accuracy, throughput and memory of ``articles.entities``.

    .venv/bin/python bench/entities.py [--reuters N] [--gazetteer-names N] [--stdin-mb N]
                                       [--arman-sentences N] [--archive] [--skip ...]

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
  that process.
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
        if not sentences:
            continue
        parts, gold, offset = [], set(), 0
        for sentence in sentences:
            if parts:
                parts.append("\n")
                offset += 1
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
        result.append(("".join(parts), gold))
    return result


def conll(path: Path) -> None:
    documents = read_conll(path)
    start = time.perf_counter()
    predicted = list(extract_many([text for text, _ in documents], "en"))
    seconds = time.perf_counter() - start
    counts = {t: Counter() for t in CONLL_TYPES}
    for (_text, gold), spans in zip(documents, predicted, strict=True):
        for conll_type, kinds in CONLL_TYPES.items():
            mine = {(s.start, s.end) for s in spans if s.kind in kinds}
            theirs = {(s, e) for t, s, e in gold if t == conll_type}
            counts[conll_type].update(tp=len(mine & theirs), predicted=len(mine), gold=len(theirs))
    chars = sum(len(text) for text, _ in documents)
    print(
        f"CoNLL-2003 {path.name}: {len(documents)} documents, {seconds:.1f} s "
        f"= {chars / seconds:,.0f} chars/s"
    )
    print(f"  {'type':<18} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}")
    micro = Counter()
    for conll_type, c in counts.items():
        label = conll_type if conll_type != "MISC" else "MISC/group+other*"
        print(f"  {label:<18} " + _prf(c))
        if conll_type != "MISC":
            micro.update(c)
    print(f"  {'micro PER+ORG+LOC':<18} " + _prf(micro))
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


ARMAN_TYPES = {"pers": "person", "org": "organisation", "loc": "place"}


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
    parts, gold, facilities, offset = [], set(), set(), 0
    for sentence in sentences:
        current = None
        for index, (word, tag) in enumerate(sentence):
            if index:
                parts.append(" ")
                offset += 1
            start, end = offset, offset + len(word)
            parts.append(word)
            offset = end
            prefix, _, kind = tag.partition("-")
            if current and (tag == "O" or prefix == "B" or kind != current[0]):
                (
                    facilities.add(tuple(current[1:]))
                    if current[0] == "fac"
                    else gold.add(tuple(current))
                )
                current = None
            if tag == "O":
                continue
            if current is None:
                current = [kind, start, end]
            else:
                current[2] = end
        if current:
            (
                facilities.add(tuple(current[1:]))
                if current[0] == "fac"
                else gold.add(tuple(current))
            )
        parts.append("\n")
        offset += 1
    return "".join(parts), gold, facilities


def _run_command(args: list[str], text: str) -> tuple[str, float, float]:
    """Run ``manage.py entities`` with ``text`` on standard input: (its output, seconds, its
    peak resident memory in MB)."""
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
    process.stdin.write(text.encode("utf-8"))
    process.stdin.close()
    reader.join()
    status = process.wait()
    watcher.join()
    seconds = time.perf_counter() - start
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


def arman(limit: int | None) -> None:
    text, gold, facilities = read_arman(limit)
    for label, args in (("--language fa", ["--language", "fa"]), ("detected", [])):
        output, seconds, peak = _run_command(["--json", *args], text)
        spans = [json.loads(line) for line in output.splitlines() if line.strip()]
        counts = {t: Counter() for t in ARMAN_TYPES}
        for arman_type, kind in ARMAN_TYPES.items():
            mine = {(s["start"], s["end"]) for s in spans if s["kind"] == kind}
            if kind == "place":
                mine -= facilities
            theirs = {(s, e) for t, s, e in gold if t == arman_type}
            counts[arman_type].update(tp=len(mine & theirs), predicted=len(mine), gold=len(theirs))
        print(
            f"\nArman ({label}): {text.count(chr(10))} sentences, {len(text):,} chars, "
            f"{seconds:.1f} s, peak {peak:.0f} MB"
        )
        print(f"  {'type':<18} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}")
        micro = Counter()
        for arman_type, c in counts.items():
            print(f"  {arman_type:<18} " + _prf(c))
            micro.update(c)
        print(f"  {'micro pers+org+loc':<18} " + _prf(micro))


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
    output, seconds, peak = _run_command(["--json"], text)
    print(
        f"\nmanage.py entities --json, {len(text) / 1e6:.1f} M chars of Reuters on stdin: "
        f"{seconds:.0f} s = {len(text) / seconds:,.0f} chars/s, "
        f"{output.count(chr(10)):,} entities, peak resident memory {peak:.0f} MB"
    )


# What the archive report counts as junk: a name that is a number, an amount or a time
# ("107bn", "4,161.0", "$5m", "01:45 Heysham"), or that starts with punctuation ("- Elon Musk").
NUMBER_NAME = re.compile(r"^[$\u00a3\u20ac\u00a5]?\d[\d.,:]*(?:bn|m|k|tn|pc|%)?(?:\s|$)")


def archive_report() -> None:
    from django.db.models import Count, Q

    from articles.models import Entity

    entities = list(
        Entity.objects.current()
        .annotate(n=Count("mentions", filter=Q(mentions__rejected=False)))
        .filter(n__gt=0)
        .values_list("name", "kind", "n")
    )
    numbers = [(name, kind) for name, kind, _ in entities if NUMBER_NAME.match(name)]
    punctuation = [(name, kind) for name, kind, _ in entities if not name[:1].isalnum()]
    full_names: dict[str, list[str]] = {}
    for name, kind, _ in entities:
        words = name.split()
        if kind == "person" and len(words) > 1:
            full_names.setdefault(words[-1].casefold(), []).append(name)
    # A one-word person name that stands apart, with one full name ending in it.
    separated = [
        name
        for name, kind, _ in entities
        if kind == "person"
        and len(name.split()) == 1
        and len(full_names.get(name.casefold(), [])) == 1
    ]
    # Those resolved automatically into a full name no longer stand apart.
    resolved = Entity.objects.filter(merged_into__isnull=False, kind="person").exclude(
        name__contains=" "
    )
    resolved = [
        e
        for e in resolved.select_related("merged_into")
        if " " in e.survivor().name
        and e.survivor().name.split()[-1].casefold() == e.name.casefold()
    ]
    single = len(separated) + len(resolved)
    kinds = Counter(kind for _, kind, _ in entities)
    print(f"\nArchive: {len(entities)} entities with accepted mentions, by kind {dict(kinds)}")
    print(f"  names that are a number, amount or time: {len(numbers)} {numbers[:8]}")
    print(f"  names starting with punctuation:         {len(punctuation)} {punctuation[:8]}")
    share = len(separated) / single if single else 0.0
    print(
        f"  one-word person names apart from their one full name: {len(separated)} of {single}"
        f" ({share:.1%}) {separated[:8]}"
    )


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
    if args.archive:
        archive_report()


if __name__ == "__main__":
    main()
