"""Tests for articles.ingest.formats.dump: a hand-made dump, file decoding, and the shared seed."""

import datetime as dt
import re
from pathlib import Path

import pytest

from articles.ingest.formats.dump import parse_dump, read_dump_file

SEED = Path(__file__).resolve().parents[3] / ".." / "shared" / "seeds" / "000_b4f6f2b0e5c1da68.txt"
PERSIAN_LETTERS = re.compile(r"[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufefc]")

# Two pages of a made-up dump in the afgazad layout: running header with a page number, a Persian
# banner, a bilingual section label, byline, day-first date, a title wrapped over two lines, a
# double-spaced body with a word split across the page break, then the next page's header.
DUMP = "\n".join(
    [
        "",
        "www.afgazad.com                                afgazad@gmail.com    1",
        "",
        " خبرهای روز از کابل و هرات و جهان ",
        "",
        "www.afgazad.com                                afgazad@gmail.com ",
        "",
        " World News اخبار جهان",
        "",
        "By Jane Doe, John Roe and Ana Poe  ",
        "",
        "12.03.2021 ",
        "",
        "Council debates the water supply ",
        "",
        "of the old city ",
        "The provincial council met on Tuesday to discuss the water supply of the old ",
        "",
        "city, where residents have waited years for a new pipe. Engineers said the fifth-",
        "",
        "generation pumps would arrive in May.  ",
        "",
        "Residents said they had heard such promises before and asked for a date in writing, ",
        "",
        "not another speech from the F-",
        "www.afgazad.com                                afgazad@gmail.com    2",
        "",
        " 35 hangar at the airport. ",
        "",
    ]
)


def test_fields_of_a_two_page_dump():
    article = parse_dump(DUMP, source_name="made-up.txt")
    assert article.title == "Council debates the water supply of the old city"
    assert article.authors == ["Jane Doe", "John Roe", "Ana Poe"]
    assert article.published == dt.date(2021, 3, 12)
    assert article.publication == "Afghanistan Azad"
    assert article.publication_url == "https://www.afgazad.com"
    assert article.section == "World News"
    assert article.language == "en"
    assert article.source_name == "made-up.txt"
    assert article.raw_text == DUMP


def test_body_of_a_two_page_dump():
    body = parse_dump(DUMP).body
    assert body == (
        "The provincial council met on Tuesday to discuss the water supply of the old city, "
        "where residents have waited years for a new pipe. Engineers said the fifth-generation "
        "pumps would arrive in May.\n\n"
        "Residents said they had heard such promises before and asked for a date in writing, "
        "not another speech from the F-35 hangar at the airport."
    )


def test_a_dump_without_header_is_all_body():
    article = parse_dump("A short note that is all body.\n\nNothing else is in it.")
    assert article.title == ""
    assert article.body == "A short note that is all body.\n\nNothing else is in it."
    assert article.authors == []
    assert article.published is None
    assert article.publication == ""


def test_empty_dump():
    article = parse_dump("")
    assert (article.title, article.body, article.language) == ("", "", "")


def test_read_dump_file_decodes_utf8(tmp_path):
    path = tmp_path / "story.txt"
    path.write_bytes(DUMP.encode("utf-8"))
    article = read_dump_file(path)
    assert article.raw_text == DUMP
    assert article.source_name == "story.txt"
    assert article.title == "Council debates the water supply of the old city"


def test_read_dump_file_falls_back_to_latin1(tmp_path):
    path = tmp_path / "old.txt"
    text = "By Jos\u00e9 P\u00e9rez\n\n5 September 2019\n\nCaf\u00e9 owners protest\n"
    path.write_bytes(text.encode("latin-1"))
    article = read_dump_file(str(path))
    assert article.raw_text == text
    assert article.authors == ["Jos\u00e9 P\u00e9rez"]


@pytest.fixture(scope="module")
def seed_article():
    if not SEED.is_file():
        pytest.skip(f"seed dump not found at {SEED.resolve()} (shared/ must sit beside the repo)")
    return read_dump_file(SEED)


class TestSeed:
    def test_metadata(self, seed_article):
        assert seed_article.title == (
            "Russia and Turkey intensify military cooperation over US objections"
        )
        assert seed_article.authors == ["Ulas Atesci"]
        assert seed_article.published == dt.date(2019, 9, 5)
        assert seed_article.publication == "Afghanistan Azad"
        assert seed_article.publication_url == "https://www.afgazad.com"
        assert seed_article.section == "European Languages"
        assert seed_article.language == "en"
        assert seed_article.raw_text == SEED.read_text(encoding="utf-8")

    def test_body_starts_with_the_first_sentence(self, seed_article):
        assert seed_article.body.startswith("Turkish President Recep Tayyip Erdogan")

    @pytest.mark.parametrize("phrase", ["fifth-generation", "S-400", "Al Qaeda-linked", "Su-57"])
    def test_body_keeps_compounds_split_at_line_breaks(self, seed_article, phrase):
        assert phrase in seed_article.body

    def test_body_rejoins_words_split_at_line_breaks(self, seed_article):
        body = seed_article.body
        assert "the F-35—and the Su-57" in body
        assert "Cold War—and Russia" in body
        assert not re.search(r"\w- \w", body)

    def test_body_has_no_header_furniture(self, seed_article):
        body = seed_article.body
        assert "afgazad" not in body.lower()
        assert not PERSIAN_LETTERS.search(body)
        assert "European Languages" not in body
        assert "Ulas Atesci" not in body
        assert "05.09.2019" not in body
        assert "over US objections" not in body
        assert not re.search(r"(?m)^\s*\d+\s*$", body)

    def test_paragraphs(self, seed_article):
        paragraphs = seed_article.body.split("\n\n")
        assert 10 < len(paragraphs) < 60
        assert all(paragraph and paragraph == paragraph.strip() for paragraph in paragraphs)
        assert all("\n" not in paragraph for paragraph in paragraphs)
