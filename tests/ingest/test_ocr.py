"""Tests for articles.ingest.ocr: scans made here (reportlab typesets made-up text, pdftoppm
rasterises it) and read by the real Tesseract. Without Tesseract (or its models, or
pdftoppm) these tests are skipped with what to install; .ci/run installs them."""

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from articles.ingest import ocr
from articles.ingest.documents import UnreadableDocument, read_document_bytes
from articles.ingest.pipeline import import_files
from articles.models import Article, ScannedPage

WIDTH, HEIGHT = A4
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _tesseract_models() -> set[str]:
    if not shutil.which("tesseract"):
        return set()
    listing = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    return set(listing.stdout.split())


needs_ocr = pytest.mark.skipif(
    not {"eng", "fas", "ara", "osd"} <= _tesseract_models() or not shutil.which("pdftoppm"),
    reason="Tesseract with eng, fas, ara and osd, and pdftoppm, are needed: apt-get install "
    "tesseract-ocr tesseract-ocr-eng tesseract-ocr-fas tesseract-ocr-ara poppler-utils",
)
needs_font = pytest.mark.skipif(
    not FONT.is_file(),
    reason=f"{FONT} is needed to typeset Persian: apt-get install fonts-dejavu-core",
)

HEADLINE = "Harbour board splits over the future of the old fish market"
ENGLISH = [
    "By Jane Ortega",
    "14 March 2024",
    "",
    HEADLINE,
    "",
    "The harbour board of the coastal town of Marrow met on Monday to decide the future",
    "of the old fish market, which has stood empty since the last trawler company left",
    "the port in the spring. Members argued for three hours about the cost of repairs.",
    "",
    "Several councillors said the building could house a museum of the fleet, while",
    "others wanted to sell the site to a developer who has promised a new promenade.",
]
ENGLISH_TWO = [
    "A final vote is expected in September, after engineers from the province have",
    "surveyed the market hall and its foundations.",
]
# Made-up Persian: "The city council met on Monday to talk about the new library. / Many
# residents asked for the library to stay open in the evenings."
PERSIAN = [
    "شورای شهر روز دوشنبه برای گفتگو درباره کتابخانه تازه جلسه داشت",
    "بسیاری از ساکنان خواستند که کتابخانه شب‌ها هم باز بماند",
]


def typeset(pages: list[list[str]], rtl: bool = False) -> bytes:
    """A PDF with a text layer: each page's lines, 16 pt, from the top margin."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    if rtl:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    for lines in pages:
        pdf.setFont("DejaVu" if rtl else "Helvetica", 14)
        y = HEIGHT - 72
        for line in lines:
            if rtl:
                pdf.drawRightString(WIDTH - 72, y, _visual(line))
            elif line:
                pdf.drawString(72, y, line)
            y -= 20
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def rasterise(pdf: bytes, pages: int = 1, dpi: int = 200) -> list[Image.Image]:
    """The first ``pages`` pages of ``pdf`` as greyscale images, the top third of each only
    (faster to read)."""
    images = ocr.pdf_page_images(pdf, list(range(1, pages + 1)), dpi)
    return [image.crop((0, 0, image.width, image.height // 3)) for image in images]


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def image_only_pdf(images: list[Image.Image], text_pages: dict[int, list[str]] = {}) -> bytes:  # noqa: B006
    """A PDF whose pages are ``images`` (no text layer), except the pages numbered in
    ``text_pages`` (from 1), which are typeset text."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    count = len(images) + len(text_pages)
    scans = iter(images)
    for number in range(1, count + 1):
        if number in text_pages:
            pdf.setFont("Helvetica", 14)
            y = HEIGHT - 72
            for line in text_pages[number]:
                pdf.drawString(72, y, line)
                y -= 20
        else:
            image = next(scans)
            height = WIDTH * image.height / image.width
            pdf.drawImage(ImageReader(image), 0, HEIGHT - height, WIDTH, height)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


@needs_ocr
def test_an_english_page_image_is_read_like_any_document():
    (page,) = rasterise(typeset([ENGLISH]))
    record = read_document_bytes("clipping.png", png(page))
    assert record.format == "scan"
    assert record.title == HEADLINE
    assert record.authors == ["Jane Ortega"]
    assert record.published == dt.date(2024, 3, 14)
    assert record.language == "en"
    assert "museum of the fleet" in record.body
    (scan,) = record.scanned_pages
    assert scan.languages == "eng"
    assert scan.confidence > ocr.LOW_CONFIDENCE
    assert not any(reason.startswith("OCR") for reason in record.review)
    assert Image.open(io.BytesIO(scan.image)).format == "PNG"


@needs_ocr
@needs_font
def test_a_persian_page_is_read_with_the_persian_model():
    (page,) = rasterise(typeset([PERSIAN], rtl=True))
    record = read_document_bytes("scan.jpg", _jpeg(page))
    (scan,) = record.scanned_pages
    assert scan.languages == "fas"
    assert record.language == "fa"
    text = record.title + " " + record.body
    for word in ("شورای", "دوشنبه", "کتابخانه", "ساکنان", "بماند"):
        assert word in text


@needs_ocr
@needs_font
def test_a_bilingual_page_is_read_with_both_models():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setFont("DejaVu", 14)
    y = HEIGHT - 72
    for english, persian in zip(ENGLISH[5:8], PERSIAN + PERSIAN[:1], strict=True):
        pdf.drawString(72, y, english)
        pdf.drawRightString(WIDTH - 72, y - 20, _visual(persian))
        y -= 40
    pdf.showPage()
    pdf.save()
    (page,) = rasterise(out.getvalue())
    scan = ocr.recognise_page(page)
    assert scan.languages in ("eng+fas", "fas+eng")
    assert "harbour board of the coastal town" in scan.text
    assert "کتابخانه" in scan.text


@needs_ocr
@needs_font
def test_a_bilingual_section_label_on_an_english_page_is_read_with_both_models():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setFont("DejaVu", 14)
    pdf.drawString(72, HEIGHT - 72, "Local News")
    # "Local news", in Persian, beside it.
    pdf.drawString(
        72 + pdf.stringWidth("Local News ", "DejaVu", 14), HEIGHT - 72, _visual("اخبار محلی")
    )
    pdf.setFont("Helvetica", 14)
    for number, line in enumerate(ENGLISH[:8], start=2):
        pdf.drawString(72, HEIGHT - 72 - 20 * number, line)
    pdf.showPage()
    pdf.save()
    (page,) = rasterise(out.getvalue())
    record = read_document_bytes("clipping.png", png(page))
    (scan,) = record.scanned_pages
    assert scan.languages == "eng+fas"
    assert record.section == "Local News"
    assert record.title == HEADLINE
    assert "argued for three hours about the cost of repairs" in record.body
    assert "اخبار" in record.raw_text


@needs_ocr
def test_a_300_dpi_scan_is_brought_to_the_text_size_tesseract_reads_best():
    (page,) = rasterise(typeset([ENGLISH]), dpi=300)
    assert ocr.text_scale(page) < 1
    (page,) = rasterise(typeset([ENGLISH]), dpi=200)
    assert ocr.text_scale(page) == 1.0


@needs_ocr
def test_a_skewed_scan_is_levelled_before_it_is_read():
    (page,) = rasterise(typeset([ENGLISH]))
    assert ocr.skew_angle(page) == 0.0
    skewed = page.rotate(3, Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    assert ocr.skew_angle(skewed) == pytest.approx(-3, abs=0.3)
    text = " ".join(ocr.recognise_page(skewed).text.split())
    assert "The harbour board of the coastal town of Marrow met on Monday" in text
    assert "which has stood empty since the last trawler company left" in text


@needs_ocr
@pytest.mark.slow  # two script detections and a reading per page
@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_page_scanned_sideways_or_upside_down_is_turned_upright_before_it_is_read(turn):
    (page,) = rasterise(typeset([ENGLISH]))
    assert ocr.detect_orientation(png(page)).turn == 0
    turned = page.rotate(turn, expand=True, fillcolor=255)  # counter-clockwise
    assert ocr.detect_orientation(png(turned)) == ocr.Orientation(turn=turn, script="Latin")
    text = " ".join(ocr.recognise_page(turned).text.split())
    assert "The harbour board of the coastal town of Marrow met on Monday" in text
    assert "which has stood empty since the last trawler company left" in text


@needs_ocr
def test_every_frame_of_a_multipage_tiff_is_read():
    first, second = rasterise(typeset([ENGLISH, ENGLISH_TWO]), pages=2)
    out = io.BytesIO()
    first.save(out, format="TIFF", save_all=True, append_images=[second], compression="tiff_lzw")
    record = read_document_bytes("wire.tiff", out.getvalue())
    assert [scan.number for scan in record.scanned_pages] == [1, 2]
    assert "museum of the fleet" in record.body
    assert "surveyed the market hall" in record.body
    assert record.raw_text.count("\f") == 2


@needs_ocr
def test_a_pdf_with_a_text_layer_and_a_scanned_page_gets_both():
    (scanned,) = rasterise(typeset([ENGLISH_TWO]))
    pdf = image_only_pdf([scanned], text_pages={1: ENGLISH})
    record = read_document_bytes("mixed.pdf", pdf)
    assert record.format == "pdf"
    assert record.title == HEADLINE
    assert "museum of the fleet" in record.body  # the text layer of page 1
    assert "surveyed the market hall" in record.body  # OCR of page 2
    assert [scan.number for scan in record.scanned_pages] == [2]


def stamped_scan(image: Image.Image, stamp: str) -> bytes:
    """A PDF page filled by the scan ``image``, with ``stamp`` as its only text layer."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.drawImage(ImageReader(image), 0, 0, WIDTH, HEIGHT)
    pdf.setFont("Helvetica", 9)
    pdf.drawRightString(WIDTH - 36, 24, stamp)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


@needs_ocr
@pytest.mark.slow  # a whole page read
def test_a_scan_under_a_stamp_of_text_is_read_by_ocr():
    (scanned,) = ocr.pdf_page_images(typeset([ENGLISH]), [1], 150)
    record = read_document_bytes("stamped.pdf", stamped_scan(scanned, "Archive copy 0042"))
    assert record.title == HEADLINE
    assert "museum of the fleet" in record.body
    assert [scan.number for scan in record.scanned_pages] == [1]


@needs_ocr
def test_a_page_of_text_beside_a_picture_is_not_read_by_ocr():
    (picture,) = rasterise(typeset([ENGLISH_TWO]))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.drawImage(ImageReader(picture), 0, 0, WIDTH, HEIGHT / 2)
    pdf.setFont("Helvetica", 14)
    for number, line in enumerate(ENGLISH):
        pdf.drawString(72, HEIGHT - 72 - 20 * number, line)
    pdf.showPage()
    pdf.save()
    record = read_document_bytes("illustrated.pdf", out.getvalue())
    assert record.title == HEADLINE
    assert record.scanned_pages == []
    assert "surveyed the market hall" not in record.body


@needs_ocr
@pytest.mark.slow  # three OCR passes over two pages
@pytest.mark.django_db
def test_a_poor_scan_is_kept_with_its_page_images_and_comes_in_for_review(tmp_path, search_index):
    (page,) = rasterise(typeset([ENGLISH]))
    poor = page.resize((page.width // 4, page.height // 4)).filter(ImageFilter.GaussianBlur(1))
    good = tmp_path / "good.pdf"
    good.write_bytes(image_only_pdf([page]))
    (tmp_path / "poor.png").write_bytes(png(poor))
    report = import_files([tmp_path], find_entities=False)
    assert report.failed == []
    stored = {article.source_name: article for article in Article.objects.all()}
    assert set(stored) == {"good.pdf", "poor.png"}

    good_page = ScannedPage.objects.get(article=stored["good.pdf"])
    assert not good_page.flagged and good_page.languages == "eng"
    assert good_page.image.name.startswith("originals/")
    assert Image.open(good_page.image.path).size[0] > 0

    poor_page = ScannedPage.objects.get(article=stored["poor.png"])
    assert poor_page.flagged
    assert poor_page.confidence < ocr.LOW_CONFIDENCE
    assert stored["poor.png"].status == Article.Status.REVIEW
    assert any(
        "low recognition confidence on page 1" in r for r in stored["poor.png"].missing_fields
    )


@pytest.mark.django_db
def test_the_admin_shows_each_page_image_with_its_confidence_to_staff_only(admin_client, client):
    from django.core.files.base import ContentFile
    from django.urls import reverse

    from tests import builders

    article = builders.article(title="Harbour board meets")
    page = ScannedPage(article=article, number=2, confidence=61.5, languages="fas", flagged=True)
    page.image.save("harbour-p2.png", ContentFile(png(Image.new("L", (60, 80), 255))))
    change = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = change.content.decode()
    assert f'<img src="{page.image.url}" alt="page 2"' in html
    assert "61.5" in html

    shown = admin_client.get(page.image.url)
    assert shown.status_code == 200
    assert shown["Content-Disposition"].startswith("inline;")
    assert Image.open(io.BytesIO(b"".join(shown.streaming_content))).size == (60, 80)
    assert client.get(page.image.url).status_code == 404  # nobody else learns it exists


@pytest.mark.django_db
def test_without_tesseract_the_scan_is_reported_with_what_to_install(
    tmp_path, monkeypatch, search_index
):
    Image.new("L", (400, 200), 255).save(tmp_path / "scan.png")
    (tmp_path / "story.md").write_text(
        "# Harbour board meets\n\nThe harbour board met on Monday to decide the future of the "
        "old fish market.\n"
    )
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    report = import_files([tmp_path], find_entities=False)
    assert [Path(source).name for source, _ in report.failed] == ["scan.png"]
    reason = report.failed[0][1]
    assert "Tesseract is not installed" in reason
    assert "apt-get install tesseract-ocr" in reason
    assert Article.objects.get().source_name == "story.md"


def test_a_damaged_image_is_refused_with_its_kind():
    with pytest.raises(UnreadableDocument, match="PNG image, but it is damaged"):
        read_document_bytes("scan.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_words_are_laid_out_as_printed():
    word = ocr._Word
    words = [
        # A running header in two parts on one line, then two lines of a paragraph and,
        # after a gap, a right-to-left line.
        word(1, 1, 1, 100, 50, 200, 20, 95, "www.example.org"),
        word(2, 1, 1, 900, 52, 40, 20, 95, "3"),
        word(3, 1, 1, 100, 120, 60, 20, 95, "First"),
        word(3, 1, 1, 170, 120, 60, 20, 95, "line"),
        word(3, 1, 2, 100, 145, 60, 20, 95, "second"),
        word(4, 1, 1, 800, 250, 100, 20, 95, "سلام"),
        word(4, 1, 1, 690, 250, 100, 20, 95, "دنیا"),
        # A running header Tesseract gave as one line: its parts stay apart.
        word(5, 1, 1, 100, 320, 50, 20, 95, "BBC"),
        word(5, 1, 1, 158, 320, 60, 20, 95, "News"),
        word(5, 1, 1, 500, 320, 70, 20, 95, "Direct"),
        word(5, 1, 1, 578, 320, 40, 20, 95, "rule"),
    ]
    lines = ocr.lay_out_words(words).split("\n")
    assert lines[0].startswith("www.example.org   ") and lines[0].endswith("3")
    assert lines[1:4] == ["", "First line", "second"]
    assert lines[4] == ""
    assert lines[5].strip() == "سلام دنیا"
    assert lines[7].split("   ") == ["BBC News", "Direct rule"]


def _visual(line: str) -> str:
    import arabic_reshaper
    from bidi.algorithm import get_display

    return get_display(arabic_reshaper.reshape(line))


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()
