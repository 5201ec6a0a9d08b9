"""Text from scans: page images and image-only PDF pages, read with Tesseract.

A scan becomes the same dump-like text as any PDF (lines laid out as printed, pages ended by
form feeds), so the page furniture removal, header reader and cleanup of ``parse_dump`` read
it as they read every other document. Each recognised page is a ``ScannedPage``: its image
(kept beside the article for the admin), its text, the models that read it and their
confidence; a page read with low confidence sends the article to review with the reason.

Per page: the image is brought to the text size Tesseract reads best (``text_scale``) and
levelled (``skew_angle``); Tesseract's orientation and script detection (``--psm 0`` with
``osd.traineddata``) tells whether the page lies sideways or upside down (it is then turned
upright, scaled and levelled again) and its script (Latin or Arabic); and the page is read
with the model of that script: ``eng`` for Latin; ``fas`` for Arabic script, or ``ara`` when
the Persian reading shows Arabic (teh marbuta, the article al-); a page where many words were
read poorly is read again with both scripts' models (``eng+fas``) and the better reading kept:
a bilingual page.

Why the ``tesseract`` command line rather than a binding: its TSV output gives every word with
its box and confidence, which the layout (``lay_out_words``) and the review flag need, and
pytesseract would only wrap the same command in temporary files. Pages are read in parallel,
one Tesseract process per CPU, each limited to one thread (``OMP_THREAD_LIMIT=1``): on a busy
2-core machine Tesseract's own OpenMP threads made one page 6 times slower (docs/performance.md).

When Tesseract (or ``pdftoppm`` for PDFs) is not installed, reading a scan raises
``OcrUnavailable``, an ``UnreadableDocument`` that says what to install: the import reports
that file and goes on with the rest.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from articles.ingest.record import UnreadableDocument
from articles.models import ScannedPage as StoredPage

INSTALL = (
    "install Tesseract with its English, Persian and Arabic models "
    "(Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-fas "
    "tesseract-ocr-ara)"
)
INSTALL_POPPLER = "install poppler-utils (pdftoppm) to rasterise scanned PDF pages"

# The resolution image-only PDF pages are rasterised at; ``text_scale`` then brings the text
# to the size Tesseract reads best, whatever the resolution.
PDF_DPI = 300
# Median height (pixels) of a text line's ink in a narrow strip of the page, at which
# Tesseract reads best: 11 pt body text at 200 dpi. At 300 dpi the Persian model dropped whole
# lines (CER 9.8% against 0.2% at 200 dpi, bench/ocr.py), so larger text is scaled down to it.
TARGET_LINE_HEIGHT = 26
# Only scale when the text is this far from the target (either way), and never beyond these.
SCALE_TOLERANCE = 1.25
SCALE_LIMITS = (0.4, 2.5)
# Skew (degrees) looked for, and the least that is corrected: a 3-degree skew raised English
# CER from 0.1% to 7.5% (bench/ocr.py).
MAX_SKEW = 6.0
MIN_SKEW = 0.3
# Tesseract's orientation confidence below which a page is left as it is: upright and turned
# pages typeset here score 19-29 (docs/performance.md); a page with too little text to tell
# scores near 0, and turning a page wrongly loses all of it.
MIN_ORIENTATION_CONFIDENCE = 5.0
# Pages whose mean word confidence (0-100, weighted by characters) is below this are flagged
# for review.
LOW_CONFIDENCE = 80.0
# A page with more than this share of its words read below WEAK_WORD confidence is read again
# with the models of both scripts (a bilingual page, or the wrong model).
WEAK_WORD = 50.0
MAX_WEAK_SHARE = 0.15
# A line of which this share of the words was read below WEAK_WORD confidence is read again
# with both scripts' models: words of the other script, which the page's model cannot read.
WEAK_LINE_SHARE = 1 / 3
# An Arabic-script page read with the Persian model is Arabic when this share of its words
# hold teh marbuta or alef maksura or start with the article al-.
ARABIC_SHARE = 0.2
# Words of one recognised line further apart than this many word heights are parts of a
# running header set apart on the page, not words of a sentence (a space is under half).
COLUMN_GAP = 2.0
# Seconds one Tesseract run may take before the page is given up.
TIMEOUT = 120
# Larger images than this (pixels) are refused: a decompression bomb, not a page.
MAX_PIXELS = 120_000_000

SCRIPT_MODELS = {"Latin": "eng", "Arabic": "fas"}
BILINGUAL = "eng+fas"
_ARABIC_LETTERS = re.compile(r"[\u0600-\u06ff]")
_ARABIC_MARKERS = re.compile(r"^ال|[ةى]")
_PAGE_BREAK = "\f"
# Where ``readings_kept_in`` keeps the pages recognised, while its block runs.
_KEPT_IN: ContextVar[Path | None] = ContextVar("ocr_readings_kept_in", default=None)


class OcrUnavailable(UnreadableDocument):
    """A scan arrived and the programs that read it are not installed."""


@dataclass
class ScannedPage:
    """One page read by OCR: ``number`` counts from 1 in its document; ``image`` is a PNG of
    the page as recognised; ``confidence`` the mean word confidence (0-100)."""

    number: int
    image: bytes
    text: str
    confidence: float
    languages: str
    words: int = 0

    @property
    def flagged(self) -> bool:
        return self.confidence < LOW_CONFIDENCE


@dataclass
class _Word:
    block: int
    paragraph: int
    line: int
    left: int
    top: int
    width: int
    height: int
    confidence: float
    text: str


@dataclass
class _Reading:
    languages: str
    words: list[_Word] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        weight = sum(len(word.text) for word in self.words)
        if not weight:
            return 0.0
        return sum(word.confidence * len(word.text) for word in self.words) / weight

    @property
    def weak_share(self) -> float:
        if not self.words:
            return 1.0
        return sum(word.confidence < WEAK_WORD for word in self.words) / len(self.words)


def tesseract() -> str:
    """The path of the ``tesseract`` program, or ``OcrUnavailable`` saying what to install."""
    path = shutil.which("tesseract")
    if path is None:
        raise OcrUnavailable(f"the file is a scan and Tesseract is not installed: {INSTALL}")
    return path


# ---------------------------------------------------------------------------------------
# Entry points for the document readers.


def read_image_text(data: bytes, scans: list[ScannedPage]) -> str:
    """The dump-like text of a page image (PNG, JPEG, TIFF, multi-page TIFF, …): every frame
    recognised, pages ended by form feeds. The pages go to ``scans``.

    Raises ``UnreadableDocument`` for an image Pillow cannot open, ``OcrUnavailable`` without
    Tesseract.
    """
    images = page_images(data)
    pages = _recognise_file(data, lambda: images)
    scans.extend(pages)
    if not any(page.text.strip() for page in pages):
        raise UnreadableDocument("no text was recognised in the image")
    return "".join(page.text + _PAGE_BREAK for page in pages)


def fill_scanned_pages(
    data: bytes, pages: list[str], scans: list[ScannedPage], also: Collection[int] = ()
) -> list[str]:
    """``pages`` (a PDF's text layer, page by page) with each page that has no text, and
    each page numbered (from 1) in ``also`` (scans under a stamp), replaced by its OCR; the
    recognised pages go to ``scans``. Other pages are kept as they are."""
    blank = [
        number for number, text in enumerate(pages, start=1) if not text.split() or number in also
    ]
    if not blank:
        return pages
    recognised = _recognise_file(data, lambda: pdf_page_images(data, blank), blank)
    scans.extend(recognised)
    filled = list(pages)
    for page in recognised:
        filled[page.number - 1] = page.text
    return filled


@contextmanager
def readings_kept_in(folder: Path) -> Iterator[None]:
    """Within this block, the pages recognised in a file are kept in ``folder`` under the
    file's checksum, and a file whose pages are kept there is not recognised again.

    The admin's upload reads a scan for its preview and imports it on confirmation, two
    requests apart: the second reading would cost the editor the same seconds of Tesseract
    again for the same text.
    """
    token = _KEPT_IN.set(Path(folder))
    try:
        yield
    finally:
        _KEPT_IN.reset(token)


def _recognise_file(
    data: bytes, images: Callable[[], list[Image.Image]], numbers: list[int] | None = None
) -> list[ScannedPage]:
    """The pages ``numbers`` of the file ``data`` recognised (``images`` gives them), or as
    kept by ``readings_kept_in``."""
    folder = _KEPT_IN.get()
    kept = folder / f"{hashlib.sha256(data).hexdigest()}.json" if folder else None
    if kept is not None and kept.is_file():
        return [_page_of(entry) for entry in json.loads(kept.read_text(encoding="utf-8"))]
    tesseract()
    pages = recognise_pages(images(), numbers=numbers)
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_suffix(".partial")
        partial.write_text(json.dumps([_entry_of(page) for page in pages]), encoding="utf-8")
        partial.replace(kept)  # a reader never sees half a file
    return pages


def _entry_of(page: ScannedPage) -> dict[str, object]:
    entry = asdict(page)
    entry["image"] = base64.b64encode(page.image).decode("ascii")
    return entry


def _page_of(entry: dict) -> ScannedPage:
    return ScannedPage(**{**entry, "image": base64.b64decode(entry["image"])})


def review_reasons(scans: list[ScannedPage]) -> list[str]:
    """What an editor should check: the pages read with low confidence."""
    flagged = [page for page in scans if page.flagged]
    if not flagged:
        return []
    pages = ", ".join(f"{page.number} ({page.confidence:.0f}%)" for page in flagged)
    return [f"OCR: low recognition confidence on page {pages}; compare with the page images"]


def save_pages(article, scans: list[ScannedPage]) -> None:
    """Keep the recognised pages with ``article`` (replacing those of an earlier import)."""

    article.scanned_pages.all().delete()
    for page in scans:
        stored = StoredPage(
            article=article,
            number=page.number,
            confidence=round(page.confidence, 1),
            languages=page.languages,
            flagged=page.flagged,
        )
        stored.image.save(f"{article.slug[:60]}-p{page.number}.png", ContentFile(page.image), False)
        stored.save()


# ---------------------------------------------------------------------------------------
# Images.


def page_images(data: bytes) -> list[Image.Image]:
    """Every frame of an image file, as 8-bit greyscale."""
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise UnreadableDocument("the image is too large to be a page")
        frames = []
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            frames.append(_greyscale(image))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise UnreadableDocument(
            f"the file is {_image_kind(data)}, but it is damaged or incomplete"
        ) from error
    return frames


def _image_kind(data: bytes) -> str:
    kinds = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image"}
    return next((kind for magic, kind in kinds.items() if data.startswith(magic)), "a TIFF image")


def _greyscale(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # Transparent pixels are paper, not ink.
        background = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(background, image.convert("RGBA"))
    return image.convert("L")


def pdf_page_images(data: bytes, numbers: list[int], dpi: int = PDF_DPI) -> list[Image.Image]:
    """Pages ``numbers`` (from 1) of a PDF, rasterised in greyscale with ``pdftoppm``."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise OcrUnavailable(
            f"the PDF has scanned pages and pdftoppm is missing: {INSTALL_POPPLER}"
        )
    images = []
    with tempfile.TemporaryDirectory(prefix="newsarchive-ocr-") as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(data)
        for number in numbers:
            out = Path(folder) / f"page{number}"
            # Uncompressed PGM: writing PNG took 0.9-1.1 s of CPU a page at 300 dpi, PGM 0.03.
            command = [pdftoppm, "-r", str(dpi), "-gray", "-singlefile"]
            command += ["-f", str(number), "-l", str(number), str(source), str(out)]
            try:
                # A list of fixed options and our own temp paths, no shell.
                subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT)  # noqa: S603
                with Image.open(out.with_suffix(".pgm")) as image:
                    images.append(image.convert("L"))
            except (subprocess.SubprocessError, OSError) as error:
                raise UnreadableDocument(
                    f"page {number} of the PDF could not be rasterised for OCR"
                ) from error
    return images


def text_scale(image: Image.Image) -> float:
    """The factor that brings the page's text lines to ``TARGET_LINE_HEIGHT``, or 1.0 when
    they are near it or no lines are found."""
    height = line_height(image)
    if height is None:
        return 1.0
    scale = TARGET_LINE_HEIGHT / height
    if 1 / SCALE_TOLERANCE <= scale <= SCALE_TOLERANCE:
        return 1.0
    return min(max(scale, SCALE_LIMITS[0]), SCALE_LIMITS[1])


def line_height(image: Image.Image) -> float | None:
    """The median height (pixels) of the page's text lines, or None when too few are found.

    Lines are measured in narrow vertical strips (rows holding ink, run by run), where a skew
    of a few degrees barely widens them.
    """
    pixels = np.asarray(image, dtype=np.uint8)
    ink = pixels < _otsu(pixels)
    height, width = ink.shape
    strip = max(width // 20, 8)
    heights: list[int] = []
    for x in range(strip * 2, width - strip * 2, strip * 2):
        rows = ink[:, x : x + strip].sum(axis=1) > max(strip // 50, 1)
        # Runs of rows with ink: their starts and ends.
        edges = np.flatnonzero(np.diff(np.concatenate(([0], rows.astype(np.int8), [0]))))
        runs = edges[1::2] - edges[0::2]
        heights.extend(int(run) for run in runs if 4 <= run <= height // 10)
    if len(heights) < 10:
        return None
    return float(np.median(heights))


def skew_angle(image: Image.Image) -> float:
    """The rotation (degrees, counter-clockwise) that makes the page's text lines level, or 0.0
    when they are within ``MIN_SKEW`` of level.

    The angle whose rotation of a reduced page gives the sharpest rows of ink (the largest
    variance of the ink per row: level lines make full rows and empty gaps) wins, first in
    steps of a degree, then of a tenth of one around the best.
    """
    small = image.reduce(max(1, min(image.size) // 400))
    pixels = np.asarray(small, dtype=np.uint8)
    ink = Image.fromarray(((pixels < _otsu(pixels)) * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        turned = np.asarray(ink.rotate(angle, Image.Resampling.NEAREST, expand=True), dtype=bool)
        return float(np.var(turned.sum(axis=1)))

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.5, 1.0), key=sharpness)
    fine = max(np.arange(coarse - 0.9, coarse + 0.95, 0.1), key=sharpness)
    return round(float(fine), 1) if abs(fine) >= MIN_SKEW else 0.0


def _otsu(pixels: np.ndarray) -> int:
    """The grey level that best separates ink from paper (Otsu's method)."""
    histogram = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    share = histogram / histogram.sum()
    weight = np.cumsum(share)
    mean = np.cumsum(share * np.arange(256))
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean[-1] * weight - mean) ** 2 / (weight * (1 - weight))
    return int(np.nanargmax(between))


# ---------------------------------------------------------------------------------------
# Recognition.


def recognise_pages(
    images: list[Image.Image], numbers: list[int] | None = None
) -> list[ScannedPage]:
    """Recognise ``images`` in parallel (one Tesseract per CPU); ``numbers`` are their page
    numbers (1, 2, … by default)."""
    numbers = numbers or list(range(1, len(images) + 1))
    workers = min(len(images), os.cpu_count() or 1) or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(recognise_page, images, numbers))


def recognise_page(image: Image.Image, number: int = 1) -> ScannedPage:
    """Read one page image: scale, tell the script, read with that script's model (see the
    module's docstring), lay out the words."""
    png = _png(_levelled(image))
    orientation = detect_orientation(png)
    if orientation.turn:
        # A page scanned sideways or upside down: its lines were not lines to the scale and
        # deskew steps, so both are done again on the page turned upright.
        turned = image.rotate(-orientation.turn, expand=True, fillcolor=255)
        png = _png(_levelled(turned))
    reading = _read(png, SCRIPT_MODELS.get(orientation.script, BILINGUAL))
    if reading.languages == "fas" and _looks_arabic(reading):
        reading = _better(reading, _read(png, "ara"))
    poor = reading.confidence < LOW_CONFIDENCE or reading.weak_share > MAX_WEAK_SHARE
    if poor and reading.languages != BILINGUAL:
        reading = _better(reading, _read(png, _bilingual(reading.languages)))
    elif reading.languages == "eng" and _weak_lines(reading):
        # A line of Arabic script on a Latin page (a bilingual section label, a banner): only
        # such lines are taken from a reading with both models. Not the other way round: on
        # Arabic pages, ara+eng read the lines holding a Latin acronym more confidently but
        # worse (CER 3.6% -> 4.1%, docs/performance.md).
        reading = _with_lines_of(_read(png, BILINGUAL), reading)
    return ScannedPage(
        number=number,
        image=png,
        text=lay_out_words(reading.words),
        confidence=reading.confidence,
        languages=reading.languages,
        words=len(reading.words),
    )


def _levelled(image: Image.Image) -> Image.Image:
    """``image`` with its text brought to the size Tesseract reads best and its lines level."""
    scale = text_scale(image)
    if scale != 1.0:
        size = (max(round(image.width * scale), 1), max(round(image.height * scale), 1))
        image = image.resize(size, Image.Resampling.LANCZOS)
    angle = skew_angle(image)
    if angle:
        image = image.rotate(angle, Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return image


@dataclass(frozen=True)
class Orientation:
    """What Tesseract's orientation and script detection said of a page: ``turn`` is how
    far (degrees clockwise: 0, 90, 180 or 270) the page must be turned to stand upright, 0
    when it is unsure; ``script`` is "Latin", "Arabic" (or another script Tesseract names), or
    "" when it cannot tell (too little text)."""

    turn: int = 0
    script: str = ""


def detect_orientation(png: bytes) -> Orientation:
    """One run of Tesseract's ``--psm 0`` (``osd.traineddata``): the page's orientation and
    script (see ``Orientation``)."""
    result = _run_tesseract(png, ["--psm", "0"], check=False)
    script = re.search(r"^Script: (\w+)", result, re.MULTILINE)
    turn = re.search(r"^Rotate: (\d+)", result, re.MULTILINE)
    confidence = re.search(r"^Orientation confidence: ([\d.]+)", result, re.MULTILINE)
    sure = confidence is not None and float(confidence[1]) >= MIN_ORIENTATION_CONFIDENCE
    return Orientation(
        turn=int(turn[1]) % 360 if turn and sure else 0, script=script[1] if script else ""
    )


def _read(png: bytes, languages: str) -> _Reading:
    tsv = _run_tesseract(png, ["-l", languages, "--psm", "3", "tsv"])
    rows = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    words = [
        _Word(
            int(row["block_num"]),
            int(row["par_num"]),
            int(row["line_num"]),
            int(row["left"]),
            int(row["top"]),
            int(row["width"]),
            int(row["height"]),
            float(row["conf"]),
            row["text"].strip(),
        )
        for row in rows
        if row["level"] == "5" and (row["text"] or "").strip()
    ]
    return _Reading(languages, words)


def _run_tesseract(png: bytes, options: list[str], check: bool = True) -> str:
    command = [tesseract(), "stdin", "stdout", *options]
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        result = subprocess.run(  # noqa: S603 (fixed options; the image goes in on stdin, no shell)
            command, input=png, capture_output=True, timeout=TIMEOUT, env=environment
        )
    except subprocess.TimeoutExpired as error:
        raise UnreadableDocument("OCR of a page took too long and was given up") from error
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        if any("Failed loading language" in line for line in message):
            raise OcrUnavailable(f"a Tesseract language model is missing: {INSTALL}")
        raise UnreadableDocument("OCR of a page failed")
    return result.stdout.decode("utf-8", "replace")


def _looks_arabic(reading: _Reading) -> bool:
    words = [word.text for word in reading.words if _ARABIC_LETTERS.search(word.text)]
    if not words:
        return False
    return sum(bool(_ARABIC_MARKERS.search(word)) for word in words) >= ARABIC_SHARE * len(words)


def _bilingual(languages: str) -> str:
    """The main model first (Tesseract tries the models in order), then the other script's."""
    return "eng+fas" if languages == "eng" else f"{languages}+eng"


def _lines(words: list[_Word]) -> dict[tuple[int, int, int], list[_Word]]:
    lines: dict[tuple[int, int, int], list[_Word]] = {}
    for word in words:
        lines.setdefault((word.block, word.paragraph, word.line), []).append(word)
    return lines


def _weak_lines(reading: _Reading) -> list[list[_Word]]:
    """The lines of which at least ``WEAK_LINE_SHARE`` of the words were read poorly."""
    return [
        words
        for words in _lines(reading.words).values()
        if sum(word.confidence < WEAK_WORD for word in words) >= WEAK_LINE_SHARE * len(words)
    ]


def _with_lines_of(other: _Reading, reading: _Reading) -> _Reading:
    """``reading`` with each of its weak lines, and each line where ``other`` read Arabic
    script and ``reading`` none (a label's Persian half read as Latin letters with some
    confidence), replaced by the words ``other`` read in the same place, where ``other``
    read them with more confidence."""
    words = list(reading.words)
    replaced = False
    weak = _weak_lines(reading)
    for line in _lines(reading.words).values():
        top = min(word.top for word in line)
        bottom = max(word.top + word.height for word in line)
        left = min(word.left for word in line)
        right = max(word.left + word.width for word in line)
        there = [
            word
            for word in other.words
            if top <= word.top + word.height / 2 <= bottom
            and left <= word.left + word.width / 2 <= right
        ]
        if not there or _Reading("", there).confidence <= _Reading("", line).confidence:
            continue
        if line not in weak and not (
            any(_ARABIC_LETTERS.search(word.text) for word in there)
            and not any(_ARABIC_LETTERS.search(word.text) for word in line)
        ):
            continue
        first = line[0]
        at = words.index(first)
        words = [word for word in words if word not in line]
        words[at:at] = [
            replace(word, block=first.block, paragraph=first.paragraph, line=first.line)
            for word in there
        ]
        replaced = True
    if not replaced:
        return reading
    return _Reading(other.languages, words)


def _better(first: _Reading, second: _Reading) -> _Reading:
    return second if second.confidence > first.confidence else first


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=3)
    return out.getvalue()


# ---------------------------------------------------------------------------------------
# Layout.


def lay_out_words(words: list[_Word]) -> str:
    """The page's text as ``pdftotext -layout`` would print it, from the recognised words and
    their boxes (as ``readers.pdf.lay_out_page`` does for a text layer): lines top to bottom;
    lines at one height (a running header's parts) joined with a gap of at least three spaces;
    indentation in the body's character widths, from the left margin for left-to-right lines
    and from the right one for right-to-left lines; a blank line where the page leaves a
    line's height of space.
    """
    lines = _lines(words)
    if not lines:
        return ""
    boxes = [_LineBox.of(line_words) for line_words in lines.values()]
    chars = sorted(box.width / max(len(box.text), 1) for box in boxes)
    char_width = chars[len(chars) // 2] or 1.0
    left = min(box.left for box in boxes)
    right = max(box.right for box in boxes)
    rows: list[list[_LineBox]] = []
    for box in sorted(boxes, key=lambda box: (box.top, box.left)):
        middle = (box.top + box.bottom) / 2
        # Parts of one printed line stand side by side; lines of a skewed page, whose boxes
        # overlap in height, stand one above the other and stay apart.
        if (
            rows
            and rows[-1][0].top <= middle <= rows[-1][0].bottom
            and not any(box.left < other.right and other.left < box.right for other in rows[-1])
        ):
            rows[-1].append(box)
        else:
            rows.append([box])
    out: list[str] = []
    previous: list[_LineBox] | None = None
    for row in rows:
        rtl = sum(box.rtl for box in row) > len(row) / 2
        row.sort(key=lambda box: -box.right if rtl else box.left)
        if previous is not None:
            gap = min(box.top for box in row) - max(box.bottom for box in previous)
            height = min(box.bottom - box.top for box in [*row, *previous])
            if gap >= 0.9 * height:
                out.append("")
        text = ""
        for box in row:
            offset = (right - box.right) if rtl else (box.left - left)
            column = round(offset / char_width)
            spaces = column - len(text) if not text else max(3, column - len(text))
            text += " " * max(spaces, 0 if not text else 3) + box.text
        out.append(text.rstrip())
        previous = row
    return "\n".join(out)


@dataclass
class _LineBox:
    left: int
    top: int
    right: int
    bottom: int
    text: str
    rtl: bool

    @property
    def width(self) -> int:
        return self.right - self.left

    @classmethod
    def of(cls, words: list[_Word]) -> _LineBox:
        # Tesseract may give a running header's parts ("BBC News", far away its running title)
        # as one line: a gap wider than COLUMN_GAP word heights parts them as the layout did.
        heights = sorted(word.height for word in words)
        column_gap = COLUMN_GAP * heights[len(heights) // 2]
        text = words[0].text
        for before, word in zip(words, words[1:], strict=False):
            apart = max(
                word.left - before.left - before.width, before.left - word.left - word.width
            )
            text += ("   " if apart > column_gap else " ") + word.text
        arabic = len(_ARABIC_LETTERS.findall(text))
        return cls(
            left=min(word.left for word in words),
            top=min(word.top for word in words),
            right=max(word.left + word.width for word in words),
            bottom=max(word.top + word.height for word in words),
            text=text,
            rtl=arabic > len(re.findall(r"[^\W\d_]", text)) / 2,
        )
