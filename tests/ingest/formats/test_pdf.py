"""Tests for articles.ingest.formats.pdf, on PDFs made here with reportlab (made-up text)."""

import datetime as dt
import io

import pytest
from PIL import Image, ImageDraw
from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from articles.ingest.formats.pdf import extract_text, parse_pdf_text, read_pdf
from articles.ingest.record import UnreadableDocument

WIDTH, HEIGHT = A4
RUNNING_HEADER = "www.example-news.org      editor@example-news.org      {page}"

# A made-up article over two pages. The third paragraph runs on over the page break, with
# "break-" / "water" split across it ("breakwater" is written whole elsewhere, so the cleanup
# knows the word); the page number printed under it must not end up in the body.
PAGE_ONE = [
    [
        "The harbour board of the coastal town of Marrow met on Monday to decide the future of",
        "the old fish market, which has stood empty since the last trawler company left the",
        "port in the spring. Members argued for three hours about the cost of repairs.",
    ],
    [
        "Several councillors said the building could house a museum of the fleet, while others",
        "wanted to sell the site to a developer who has promised flats and a new promenade.",
    ],
    [
        "Residents who attended said they feared the plan would block the view of the bay and",
        "bring heavy traffic to narrow streets. One fisherman asked whether the old break-",
    ],
]
PAGE_TWO = [
    [
        "water would be repaired before the winter storms, since the breakwater protects the",
        "whole of the inner harbour and the boats moored there.",
    ],
    [
        "A final vote is expected in September, after engineers from the province have surveyed",
        "the market hall and its foundations.",
    ],
]


def _draw_page(pdf, page, paragraphs, header=()):
    pdf.setFont("Helvetica", 9)
    pdf.drawString(72, HEIGHT - 50, RUNNING_HEADER.format(page=page))
    y = HEIGHT - 90
    for text, size in header:
        pdf.setFont("Helvetica", size)
        pdf.drawString(72, y, text)
        y -= size + 12
    pdf.setFont("Helvetica", 11)
    for paragraph in paragraphs:
        for line in paragraph:
            pdf.drawString(72, y, line)
            y -= 14
        y -= 10  # paragraphs set apart by space, as a word processor or browser prints them
    pdf.setFont("Helvetica", 9)
    pdf.drawString(WIDTH / 2 - 15, 40, f"Page {page}")
    pdf.showPage()


def article_pdf(**canvas_options) -> bytes:
    """The bytes of the two-page made-up article."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, **canvas_options)
    header = [
        ("By Jane Ortega and Tom Reyes", 11),
        ("14 March 2024", 11),
        ("Harbour board splits over the future", 16),
        ("of the old fish market", 16),
    ]
    _draw_page(pdf, 1, PAGE_ONE, header)
    _draw_page(pdf, 2, PAGE_TWO)
    pdf.save()
    return out.getvalue()


@pytest.fixture(scope="module")
def article():
    return read_pdf(article_pdf(), source_name="harbour.pdf")


class TestTwoPageArticle:
    def test_metadata(self, article):
        assert article.title == "Harbour board splits over the future of the old fish market"
        assert article.authors == ["Jane Ortega", "Tom Reyes"]
        assert article.published == dt.date(2024, 3, 14)
        # Only the site's address names the outlet: it is named by it, not by a guess at the
        # words in it (a guess would make "harbourpost.example" "Harbourpost").
        assert article.publication == "example-news.org"
        assert article.publication_url == "https://www.example-news.org"
        assert article.language == "en"
        assert article.source_name == "harbour.pdf"

    def test_body_has_its_paragraphs_and_no_page_furniture(self, article):
        paragraphs = article.body.split("\n\n")
        assert len(paragraphs) == 4
        assert paragraphs[0].startswith("The harbour board of the coastal town of Marrow")
        assert paragraphs[-1] == (
            "A final vote is expected in September, after engineers from the province have "
            "surveyed the market hall and its foundations."
        )
        assert all("\n" not in paragraph for paragraph in paragraphs)
        assert "example-news.org" not in article.body
        assert "Page" not in article.body
        assert "Jane Ortega" not in article.body
        assert "14 March 2024" not in article.body

    def test_paragraph_and_word_run_on_over_the_page_break(self, article):
        assert (
            "One fisherman asked whether the old breakwater would be repaired before the winter "
            "storms," in article.body
        )

    def test_raw_text_is_the_extracted_text_with_its_page_breaks(self, article):
        assert article.raw_text.count("\f") == 2
        assert "editor@example-news.org" in article.raw_text
        assert "Page 2" in article.raw_text

    def test_reading_the_raw_text_again_gives_the_same_article(self, article):
        assert parse_pdf_text(article.raw_text, "harbour.pdf") == article


def test_two_columns_are_read_one_after_the_other():
    left = [
        "The ferry company said on",
        "Friday that fares would rise",
        "by a tenth from April.",
    ]
    right = [
        "The lifeboat crew rescued",
        "two kayakers near the cliffs",
        "on Saturday afternoon.",
    ]
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setFont("Helvetica", 11)
    for row, (left_line, right_line) in enumerate(zip(left, right, strict=True)):
        # Drawn row by row across both columns, as some layout programs write them.
        pdf.drawString(72, HEIGHT - 100 - 14 * row, left_line)
        pdf.drawString(WIDTH / 2 + 20, HEIGHT - 100 - 14 * row, right_line)
    pdf.save()
    text = extract_text(out.getvalue())
    assert text.index("by a tenth from April.") < text.index("The lifeboat crew rescued")


def test_ligatures_are_spelt_out():
    text = "A ﬁsh market\n\nThe ﬂeet left the harbour on Monday, and the ﬁrst boats came back.\f"
    article = parse_pdf_text(text)
    assert article.title == "A fish market"
    assert "fleet" in article.body
    assert "first" in article.body
    assert article.raw_text == text


class TestUnreadable:
    def test_password_protected(self):
        encryption = pdfencrypt.StandardEncryption("secret", ownerPassword="owner")
        with pytest.raises(UnreadableDocument, match="protected by a password"):
            read_pdf(article_pdf(encrypt=encryption))

    def test_restricted_without_a_password_to_open_is_read(self):
        encryption = pdfencrypt.StandardEncryption("", ownerPassword="owner", canCopy=0)
        article = read_pdf(article_pdf(encrypt=encryption))
        assert article.title == "Harbour board splits over the future of the old fish market"

    def test_cut_in_half(self):
        data = article_pdf()
        with pytest.raises(UnreadableDocument, match="damaged or incomplete"):
            read_pdf(data[: len(data) // 2])

    def test_a_scan_without_text_layer(self):
        scan = Image.new("L", (400, 120), 255)
        ImageDraw.Draw(scan).text((20, 50), "Harbour board splits", fill=0)
        out = io.BytesIO()
        pdf = canvas.Canvas(out, pagesize=A4)
        pdf.drawImage(ImageReader(scan), 72, HEIGHT - 250, 400, 120)
        pdf.showPage()
        pdf.save()
        with pytest.raises(UnreadableDocument, match="no text layer"):
            read_pdf(out.getvalue())
