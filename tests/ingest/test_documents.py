"""Tests for articles.ingest.documents: one entry point, the format told from the content and
the name, and a clear reason for every document that cannot be read."""

import datetime as dt
import os
from pathlib import Path

import pytest

from articles.ingest import documents
from articles.ingest.documents import (
    MAX_BYTES,
    looks_like_dump,
    read_document,
    read_document_bytes,
    reparse,
)
from articles.ingest.record import UnreadableDocument
from tests.ingest.formats.test_html import ARTICLE_PAGE, LOGIN_PAGE
from tests.ingest.formats.test_pdf import article_pdf
from tests.ingest.formats.test_text import MARKDOWN_WITH_FRONT_MATTER, UNWRAPPED, WRAPPED

PDF_TITLE = "Harbour board splits over the future of the old fish market"

# The first page of a PDF-to-text dump in the afgazad layout (see
# tests/ingest/formats/test_dump.py).
DUMP = """
www.afgazad.com                                afgazad@gmail.com    1

By Jane Doe

12.03.2021

Council debates the water supply

The provincial council met on Tuesday to discuss the water supply of the old

city, where residents have waited years for a new pipe.
"""


@pytest.fixture(scope="module")
def pdf_bytes():
    return article_pdf()


def write(tmp_path, name, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


class TestFormats:
    def test_pdf(self, tmp_path, pdf_bytes):
        article = read_document(write(tmp_path, "harbour.pdf", pdf_bytes))
        assert article.format == "pdf"
        assert article.title == PDF_TITLE
        assert article.source_name == "harbour.pdf"
        assert "\f" in article.raw_text

    def test_pdf_told_by_its_content_whatever_its_name(self, pdf_bytes):
        assert read_document_bytes("download", pdf_bytes).format == "pdf"

    def test_html(self, tmp_path):
        article = read_document(write(tmp_path, "story.htm", ARTICLE_PAGE.encode()))
        assert (article.format, article.published) == ("html", dt.date(2024, 3, 14))
        assert article.raw_text == ARTICLE_PAGE

    def test_html_told_by_its_content(self):
        assert read_document_bytes("saved-page.txt", ARTICLE_PAGE.encode()).format == "html"

    def test_html_in_the_encoding_it_declares(self):
        page = ARTICLE_PAGE.replace('charset="utf-8"', 'charset="windows-1256"')
        page = page.replace("Jane Ortega, Tom Reyes", "رضا احمدي")
        article = read_document_bytes("story.html", page.encode("cp1256"))
        assert article.authors == ["رضا احمدي"]

    def test_markdown(self):
        article = read_document_bytes("story.md", MARKDOWN_WITH_FRONT_MATTER.encode())
        assert (article.format, article.authors) == ("markdown", ["Jane Ortega", "Tom Reyes"])

    def test_plain_text(self):
        article = read_document_bytes("story.txt", WRAPPED.encode())
        assert article.format == "text"
        assert article.title == "Harbour board splits over the old fish market"
        assert article.raw_text == WRAPPED

    def test_dump(self):
        article = read_document_bytes("dump.txt", DUMP.encode())
        assert article.format == "dump"
        assert article.publication == "Afghanistan Azad"
        assert article.title == "Council debates the water supply"

    def test_text_with_an_unknown_name_is_read_as_text(self):
        assert read_document_bytes("NOTES", WRAPPED.encode()).format == "text"

    def test_the_seed_dump_is_read_as_a_dump(self, seed_path):
        article = read_document(seed_path)
        assert article.format == "dump"
        assert article.authors == ["Ulas Atesci"]
        assert article.published == dt.date(2019, 9, 5)


class TestLooksLikeDump:
    def test_a_dump_with_a_running_header(self):
        assert looks_like_dump(DUMP)

    def test_a_dump_with_page_breaks(self):
        assert looks_like_dump("First page text.\fSecond page text.")

    @pytest.mark.parametrize("text", [WRAPPED, UNWRAPPED, "One line only."])
    def test_plain_text(self, text):
        assert not looks_like_dump(text)


class TestEncodings:
    def test_windows_1252_smart_quotes(self):
        text = "Café owners protest\n\n“We were never asked,” said José Pérez.\n"
        article = read_document_bytes("old.txt", text.encode("cp1252"))
        assert article.raw_text == text
        assert article.body == "“We were never asked,” said José Pérez."

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
    def test_byte_order_marks(self, encoding):
        article = read_document_bytes("story.txt", WRAPPED.encode(encoding))
        assert article.raw_text == WRAPPED
        assert article.authors == ["Jane Ortega", "Tom Reyes"]

    def test_text_in_another_single_byte_encoding_is_refused(self):
        russian = "Паром подорожал. Жители острова недовольны новыми ценами на билеты.\n"
        with pytest.raises(UnreadableDocument, match="unknown encoding"):
            read_document_bytes("story.txt", russian.encode("cp1251"))


class TestRefused:
    def test_empty_file(self, tmp_path):
        with pytest.raises(UnreadableDocument, match="^the file is empty$"):
            read_document(write(tmp_path, "empty.txt", b""))

    def test_file_over_the_limit_is_refused_before_it_is_read(self, tmp_path, monkeypatch):
        path = tmp_path / "huge.txt"
        with path.open("wb") as sparse:
            sparse.truncate(MAX_BYTES + 1)  # a sparse file: nothing is written
        monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the file was read"))
        with pytest.raises(UnreadableDocument, match=r"too large \(50 MB; at most 50 MB\)"):
            read_document(path)

    def test_bytes_over_the_limit(self, monkeypatch):
        monkeypatch.setattr(documents, "MAX_BYTES", 10)
        with pytest.raises(UnreadableDocument, match="too large"):
            read_document_bytes("story.txt", b"x" * 11)

    def test_binary_junk(self):
        junk = bytes(range(256)) * 4
        with pytest.raises(UnreadableDocument, match="binary data"):
            read_document_bytes("junk.txt", junk)

    def test_binary_junk_without_nul_bytes(self):
        junk = bytes(range(1, 32)) * 40 + b"text"
        with pytest.raises(UnreadableDocument, match="binary data"):
            read_document_bytes("junk.dat", junk)

    @pytest.mark.parametrize(
        ("data", "what"),
        [
            (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
            (b"{\\rtf1\\ansi Hello}", "RTF document"),
        ],
    )
    def test_other_formats_are_named(self, data, what):
        with pytest.raises(UnreadableDocument, match=what):
            read_document_bytes("story.docx", data)

    def test_truncated_pdf(self, tmp_path, pdf_bytes):
        path = write(tmp_path, "cut.pdf", pdf_bytes[: len(pdf_bytes) // 2])
        with pytest.raises(UnreadableDocument, match="damaged or incomplete"):
            read_document(path)

    def test_a_pdf_name_on_something_else(self):
        with pytest.raises(UnreadableDocument, match="named .pdf but is not a PDF"):
            read_document_bytes("story.pdf", WRAPPED.encode())

    def test_html_without_an_article(self):
        with pytest.raises(UnreadableDocument, match="no article text found"):
            read_document_bytes("login.html", LOGIN_PAGE.encode())

    def test_missing_file(self, tmp_path):
        with pytest.raises(UnreadableDocument, match="cannot be read"):
            read_document(tmp_path / "missing.pdf")

    def test_a_parser_failing_unexpectedly_gives_a_reason_not_its_error(self, monkeypatch):
        from articles.ingest.formats import text

        def broken(*args):
            raise KeyError("internal detail")

        monkeypatch.setattr(text, "parse_plain_text", broken)
        with pytest.raises(UnreadableDocument) as caught:
            read_document_bytes("story.txt", WRAPPED.encode())
        assert caught.value.reason == "the text file could not be read"


class TestReparse:
    def test_reading_kept_raw_text_again_gives_the_same_article(self, pdf_bytes):
        for name, data in [
            ("harbour.pdf", pdf_bytes),
            ("story.html", ARTICLE_PAGE.encode()),
            ("story.md", MARKDOWN_WITH_FRONT_MATTER.encode()),
            ("story.txt", WRAPPED.encode()),
            ("dump.txt", DUMP.encode()),
        ]:
            article = read_document_bytes(name, data)
            assert reparse(article.format, article.raw_text, name) == article, name

    def test_unknown_format(self):
        with pytest.raises(UnreadableDocument, match="cannot be read again"):
            reparse("corpus:reuters", "text")


def test_sparse_file_helper_really_is_sparse(tmp_path):
    # The size test above must stay cheap: the file takes (almost) no disk space.
    path = tmp_path / "huge.txt"
    with path.open("wb") as sparse:
        sparse.truncate(MAX_BYTES + 1)
    assert os.stat(path).st_blocks * 512 < 1024 * 1024
