"""How well and how fast scans are read: OCR of pages made here from shared-corpus articles.

    .venv/bin/python bench/ocr.py [--docs N] [--dpi 200,300] [--metadata-docs N] [--workers 2]

1. Recognition: ``--docs`` articles per language (English from BBC 2025, Persian from
   Hamshahri, Arabic from the Kurdistan universities' news) are typeset one page each with
   reportlab (DejaVu Sans, 11 pt; Persian and Arabic shaped with arabic-reshaper and
   python-bidi), rasterised with ``pdftoppm`` at each ``--dpi``, degraded (clean; Gaussian
   noise; blur; a 2-4 degree skew; JPEG at quality 25; all of these at once) and read by
   ``articles.ingest.ocr.recognise_pages`` (one Tesseract per worker). Printed: character and
   word error rates against the typeset lines, per language, resolution and degradation, and
   pages per minute. CER and WER are computed after NFKC, whitespace collapsing and the
   search analyzer's Persian/Arabic folding (``normalise_persian_arabic``: yeh and kaf forms,
   harakat, tatweel, ZWNJ), i.e. on the text as search sees it; ``raw CER`` skips the folding.
2. Metadata: ``--metadata-docs`` PDFs of the ingest dev set (``../shared/eval/ingest-dev``)
   are read twice through ``read_document_bytes``: as typeset (their text layers) and as
   image-only PDFs of their pages rasterised at 300 dpi (OCR). Both are scored with the dev
   set's ``score.py`` against the gold of those documents.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import secrets
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
CORPORA = {"en": ("bbc2025", None), "fa": ("hamshahri", None), "ar": ("kurdistan", "ar")}
DEGRADATIONS = ("clean", "noise", "blur", "skew", "jpeg", "all")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=3, help="articles per language")
    parser.add_argument("--dpi", default="200,300")
    parser.add_argument("--degradations", default=",".join(DEGRADATIONS))
    parser.add_argument("--metadata-docs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="Tesseract processes at once")
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args()

    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["NEWSARCHIVE_VAR_DIR"] = tempfile.mkdtemp(prefix="newsarchive-bench-ocr-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")
    import django

    django.setup()
    from articles.ingest import ocr

    ocr.os.cpu_count = lambda: args.workers  # the parallelism measured
    rng = random.Random(args.seed)
    if args.docs:
        recognition(args, rng)
    if args.metadata_docs:
        metadata(args)


# ---------------------------------------------------------------------------------------
# Recognition: CER, WER, speed.


def recognition(args, rng: random.Random) -> None:
    from articles.ingest import ocr

    samples = {lang: typeset_articles(lang, args.docs) for lang in CORPORA}
    dpis = [int(d) for d in args.dpi.split(",")]
    degradations = args.degradations.split(",")
    print(
        f"{'lang':4} {'dpi':>4} {'degradation':12} {'CER':>7} {'WER':>7} {'raw CER':>8} "
        f"{'conf':>5} {'flagged':>7} {'pages/min':>9}  models"
    )
    total_pages, total_seconds, total_cpu = 0, 0.0, 0.0
    for lang, pages in samples.items():
        for dpi in dpis:
            clean = [_rasterise(pdf, dpi) for pdf, _ in pages]
            for degradation in degradations:
                images = [degrade(image, degradation, dpi, rng) for image in clean]
                start, cpu = time.perf_counter(), _children_cpu()
                scans = ocr.recognise_pages(images)
                seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
                total_pages += len(images)
                total_seconds += seconds
                total_cpu += cpu
                refs = [ref for _, ref in pages]
                hyps = [scan.text for scan in scans]
                models = sorted({scan.languages for scan in scans})
                print(
                    f"{lang:4} {dpi:>4} {degradation:12} {_rate(refs, hyps, chars=True):>7.2%} "
                    f"{_rate(refs, hyps, chars=False):>7.2%} "
                    f"{_rate(refs, hyps, chars=True, fold=False):>8.2%} "
                    f"{sum(s.confidence for s in scans) / len(scans):>5.1f} "
                    f"{sum(s.flagged for s in scans):>3}/{len(scans):<3} "
                    f"{60 * len(images) / seconds:>9.1f}  {','.join(models)}",
                    flush=True,
                )
    print(
        f"\nspeed: {total_pages} pages in {total_seconds:.0f} s wall = "
        f"{60 * total_pages / total_seconds:.1f} pages/min with {args.workers} workers; "
        f"Tesseract CPU {total_cpu / total_pages:.2f} s a page = "
        f"{60 * args.workers * total_pages / total_cpu:.1f} pages/min on {args.workers} idle cores"
    )


def typeset_articles(lang: str, count: int) -> list[tuple[bytes, str]]:
    """``count`` one-page PDFs of the language's corpus articles, and the lines typeset."""
    from articles.ingest.corpora import READERS

    name, wanted = CORPORA[lang]
    reader = READERS[name]
    folder = ROOT.parent / "shared" / "corpus" / reader.folder
    out = []
    for record in reader.read(folder, 5000):
        if (wanted and record.language != wanted) or len(record.body) < 1500:
            continue
        out.append(typeset(record.title, record.body, rtl=lang != "en"))
        if len(out) == count:
            break
    return out


def typeset(title: str, body: str, rtl: bool) -> tuple[bytes, str]:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    width, height = A4
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    drawn: list[str] = []
    y = height - 72
    for size, text in [(15, title), *((11, p) for p in body.split("\n\n"))]:
        pdf.setFont("DejaVu", size)
        for line in _wrap(" ".join(text.split()), size, width - 144):
            if y < 72:
                break
            if rtl:
                pdf.drawRightString(width - 72, y, _visual(line))
            else:
                pdf.drawString(72, y, line)
            drawn.append(line)
            y -= size * 1.4
        y -= 8
    pdf.showPage()
    pdf.save()
    return out.getvalue(), "\n".join(drawn)


def _wrap(text: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    for line in textwrap.wrap(text, 200):
        words, current = line.split(), ""
        for word in words:
            trial = f"{current} {word}".strip()
            if current and stringWidth(_visual(trial), "DejaVu", size) > width:
                lines.append(current)
                current = word
            else:
                current = trial
        if current:
            lines.append(current)
    return lines


def _visual(line: str) -> str:
    """Letters joined and put in display order, as reportlab draws them one by one."""
    import arabic_reshaper
    from bidi.algorithm import get_display

    return get_display(arabic_reshaper.reshape(line))


def _rasterise(pdf: bytes, dpi: int):
    from articles.ingest.ocr import pdf_page_images

    return pdf_page_images(pdf, [1], dpi)[0]


def degrade(image, kind: str, dpi: int, rng: random.Random):
    """``image`` as a poor scan would give it; "all" applies every degradation in turn."""
    import numpy as np
    from PIL import Image, ImageFilter

    kinds = ("skew", "blur", "noise", "jpeg") if kind == "all" else (kind,)
    for step in kinds:
        if step == "noise":
            pixels = np.asarray(image, dtype=np.float32)
            noisy = pixels + np.random.default_rng(rng.randrange(2**32)).normal(0, 25, pixels.shape)
            image = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
        elif step == "blur":
            image = image.filter(ImageFilter.GaussianBlur(dpi / 200))
        elif step == "skew":
            angle = rng.choice((-1, 1)) * rng.uniform(2, 4)
            image = image.rotate(angle, Image.Resampling.BICUBIC, expand=True, fillcolor=255)
        elif step == "jpeg":
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=25)
            image = Image.open(io.BytesIO(out.getvalue())).convert("L")
    return image


def _normalise(text: str, fold: bool) -> str:
    from articles.search.analysis import normalise_persian_arabic

    text = unicodedata.normalize("NFKC", text)
    if fold:
        text = normalise_persian_arabic(text)
    return " ".join(text.split())


def _rate(refs: list[str], hyps: list[str], chars: bool, fold: bool = True) -> float:
    """Edit distance over reference length, summed over pages (characters or words)."""
    from rapidfuzz.distance import Levenshtein

    errors = length = 0
    for ref, hyp in zip(refs, hyps, strict=True):
        ref, hyp = _normalise(ref, fold), _normalise(hyp, fold)
        if not chars:
            ref, hyp = ref.split(), hyp.split()
        errors += Levenshtein.distance(ref, hyp)
        length += len(ref)
    return errors / max(length, 1)


def _children_cpu() -> float:
    usage = os.times()
    return usage.children_user + usage.children_system


# ---------------------------------------------------------------------------------------
# Metadata: the header reader on OCR output and on the text layers of the same PDFs.


def metadata(args) -> None:
    from pdfminer.pdfpage import PDFPage
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from articles.ingest.documents import UnreadableDocument, read_document_bytes
    from articles.ingest.ocr import pdf_page_images

    dev = ROOT.parent / "shared" / "eval" / "ingest-dev"
    if not dev.is_dir():
        print(f"\nmetadata: no dev set at {dev}; skipped")
        return
    workdir = Path(tempfile.mkdtemp(prefix="newsarchive-bench-ocr-dev-"))
    with tarfile.open(dev / "renders.tar.xz") as archive:
        archive.extractall(workdir, filter="data")
    pdfs = sorted(workdir.rglob("*.pdf"))[: args.metadata_docs]
    names = {path.stem for path in pdfs}
    gold = workdir / "gold.jsonl"
    with gold.open("w", encoding="utf-8") as out:
        for line in (dev / "gold.jsonl").read_text(encoding="utf-8").splitlines():
            if Path(json.loads(line)["file"]).stem in names:
                out.write(line + "\n")

    for kind in ("text layer", "OCR"):
        predictions = workdir / f"pred_{kind.replace(' ', '_')}.jsonl"
        start, pages, cpu = time.perf_counter(), 0, _children_cpu()
        with predictions.open("w", encoding="utf-8") as out:
            for path in pdfs:
                data = path.read_bytes()
                if kind == "OCR":
                    count = len(list(PDFPage.get_pages(io.BytesIO(data))))
                    images = pdf_page_images(data, list(range(1, count + 1)), 300)
                    pages += len(images)
                    scan = io.BytesIO()
                    pdf = canvas.Canvas(scan, pagesize=A4)
                    for image in images:
                        pdf.drawImage(ImageReader(image), 0, 0, *A4)
                        pdf.showPage()
                    pdf.save()
                    data = scan.getvalue()
                try:
                    record = read_document_bytes(path.name, data)
                except UnreadableDocument as error:
                    print(f"  {path.name}: refused, {error.reason}")
                    continue
                out.write(json.dumps(_scored(path.name, record), ensure_ascii=False) + "\n")
        seconds = time.perf_counter() - start
        print(f"\n=== metadata, {len(pdfs)} dev-set PDFs read from the {kind} ===", flush=True)
        subprocess.run(
            [sys.executable, str(dev / "score.py"), str(predictions), "--gold", str(gold)],
            check=True,
        )
        if pages:
            cpu = _children_cpu() - cpu
            print(
                f"{pages} pages rasterised and read in {seconds:.0f} s wall; pdftoppm and "
                f"Tesseract CPU {cpu / pages:.2f} s a page = "
                f"{60 * args.workers * pages / cpu:.1f} pages/min on {args.workers} idle cores"
            )


def _scored(name: str, record) -> dict:
    return {
        "file": name,
        "title": record.title,
        "authors": record.authors,
        "date": record.published.isoformat() if record.published else None,
        "publication": record.publication or None,
        "section": record.section or None,
        "language": record.language,
        "body": record.body,
    }


if __name__ == "__main__":
    main()
