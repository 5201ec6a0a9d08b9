"""How well the importer reads typeset articles it has never seen: the ingest dev set, scored.

    .venv/bin/python bench/ingest_quality.py [--dev-set DIR] [--kinds txt,pdf] [--failures N]
                                            [--out DIR]

The dev set (``../shared/eval/ingest-dev``: ``renders.tar.xz``, ``gold.jsonl``, ``score.py``)
holds 150 news articles typeset as PDFs and their ``pdftotext -layout`` dumps. This script
unpacks them into a temp folder, imports the dumps and then, separately, the PDFs into a
throw-away archive (SQLite and Whoosh under a temp ``NEWSARCHIVE_VAR_DIR``, migrated afresh)
through the importer ``import_articles`` uses (``sources.document_records`` →
``pipeline.import_records``), writes one JSON Lines record per stored article as the scorer
wants it, and prints ``score.py``'s table for each kind, the documents refused, the import
speed, and whether the seed dump (``../shared/seeds``) still comes in exactly as the tests
expect.

Entity extraction and indexing are left out (``find_entities=False``; index updates are
collected and dropped): they do not change what is read, and leaving them out makes the speed
that of reading, cleaning and storing, which is what this work changes. Speed is given in wall
time and in the process's CPU time: on a shared machine the second varies far less. With
``--repeat N`` each kind is imported N times into an emptied archive and the best run counts
(the first run also pays for loading the word lists and language profiles once).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# What tests/ingest/test_dump.py and test_pipeline.py assert of the seed dump.
SEED_EXPECTED = {
    "title": "Russia and Turkey intensify military cooperation over US objections",
    "authors": ["Ulas Atesci"],
    "date": "2019-09-05",
    "publication": "Afghanistan Azad",
    "section": "European Languages",
    "language": "en",
}
SEED_BODY_START = "Turkish President Recep Tayyip Erdogan"
SEED_BODY_PHRASES = ("fifth-generation", "S-400", "Al Qaeda-linked", "Su-57", "Cold War—and Russia")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dev-set", type=Path, default=ROOT / ".." / "shared" / "eval" / "ingest-dev"
    )
    parser.add_argument("--kinds", default="txt,pdf", help="which renders to import: txt, pdf")
    parser.add_argument("--failures", type=int, default=0, help="list N failing documents")
    parser.add_argument("--out", type=Path, help="keep the JSON Lines here (default: temp)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="import each kind this many times into an emptied archive; the best speed counts",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="newsarchive-ingest-quality-"))
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["NEWSARCHIVE_VAR_DIR"] = str(workdir / "var")
    os.environ.pop("DATABASE_URL", None)  # always a throw-away SQLite archive
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    renders = workdir / "renders"
    with tarfile.open(args.dev_set / "renders.tar.xz") as archive:
        archive.extractall(renders, filter="data")
    out = args.out or workdir
    out.mkdir(parents=True, exist_ok=True)

    for kind in args.kinds.split(","):
        folder = workdir / kind
        folder.mkdir()
        for path in sorted(renders.rglob(f"*.{kind}")):
            (folder / path.name).symlink_to(path)
        predictions = out / f"pred_{kind}.jsonl"
        runs = []
        for _ in range(args.repeat):
            _empty_archive()
            runs.append(_import(folder))
        report, _, _, count = runs[-1]
        seconds = min(run[1] for run in runs)
        cpu_seconds = min(run[2] for run in runs)
        with predictions.open("w", encoding="utf-8") as stream:
            for record in _predictions():
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        print(f"\n=== {kind}: {count} documents ===")
        sys.stdout.flush()
        command = [sys.executable, str(args.dev_set / "score.py"), str(predictions)]
        if args.failures:
            command += ["--failures", str(args.failures)]
        subprocess.run(command, check=True)
        print(f"refused: {report.failed_count}")
        for source, reason in report.failed:
            print(f"  {Path(source).name}: {reason}")
        print(
            f"import speed: {count} documents in {seconds:.1f} s = {count / seconds:.1f} docs/s; "
            f"{cpu_seconds:.1f} CPU s = {count / cpu_seconds:.1f} docs per CPU second "
            f"(read, clean, store; no entities, no index; best of {args.repeat})"
        )
        _empty_archive()

    seed = settings.SHARED_DIR / "seeds" / "000_b4f6f2b0e5c1da68.txt"
    print("\n=== seed ===")
    if not seed.is_file():
        print(f"seed dump not found at {seed}")
        return
    _import(seed)
    wrong = _seed_differences(next(iter(_predictions())))
    print("seed: perfect" if not wrong else "seed: WRONG " + "; ".join(wrong))
    print(f"predictions in {out}")


def _import(path: Path):
    from articles.ingest.pipeline import import_records
    from articles.ingest.sources import document_paths, document_records
    from articles.search.indexing import deferred_indexing

    files = document_paths([path])
    start, cpu_start = time.perf_counter(), time.process_time()
    with deferred_indexing() as pending:
        report = import_records(document_records(files), find_entities=False)
        pending.clear()  # the index is not what is measured here
    return report, time.perf_counter() - start, time.process_time() - cpu_start, len(files)


def _predictions():
    """One record per stored article, in the scorer's shape."""
    from articles.models import Article

    articles = Article.objects.select_related("publication", "section").order_by("source_name")
    for article in articles:
        yield {
            "file": article.source_name,
            "title": article.title,
            "authors": [author.name for author in article.ordered_authors()],
            "date": article.published_on.isoformat() if article.published_on else None,
            "publication": article.publication.name if article.publication else None,
            "section": article.section.name if article.section else None,
            "language": article.language,
            "body": article.body,
            "review": article.missing_fields,
        }


def _empty_archive() -> None:
    from articles.models import Article, Author, Entity, Publication

    Article.objects.all().delete()
    Author.objects.all().delete()
    Entity.objects.all().delete()
    Publication.objects.all().delete()


def _seed_differences(record: dict) -> list[str]:
    wrong = [
        f"{name}: {record[name]!r} (want {want!r})"
        for name, want in SEED_EXPECTED.items()
        if record[name] != want
    ]
    body = record["body"]
    if not body.startswith(SEED_BODY_START):
        wrong.append(f"body starts {body[:40]!r}")
    wrong += [f"body lacks {phrase!r}" for phrase in SEED_BODY_PHRASES if phrase not in body]
    for furniture in ("afgazad", "05.09.2019", "over US objections", "Ulas Atesci"):
        if furniture in body:
            wrong.append(f"body holds {furniture!r}")
    return wrong


if __name__ == "__main__":
    main()
