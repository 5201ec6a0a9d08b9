"""Tests for articles.ingest.metadata on hand-written header snippets."""

import datetime as dt

import pytest

from articles.ingest.metadata import (
    is_byline,
    parse_authors,
    parse_date,
    publication_from_domain,
    section_label,
)

LATIN = "LATIN"
PERSIAN_MOTTO = "خبرهای روز از کابل و هرات و جهان"


class TestParseDate:
    @pytest.mark.parametrize(
        "text",
        [
            "05.09.2019",
            "05/09/2019",
            "5-9-2019",
            "2019-09-05",
            "September 5, 2019",
            "Sept. 5 2019",
            "sep 5, 2019",
            "5 September 2019",
            "5th of September, 2019",
            "Thursday, 5 September 2019",
            "Published on 05.09.2019 in Kabul",
        ],
    )
    def test_formats(self, text):
        assert parse_date(text) == dt.date(2019, 9, 5)

    def test_numeric_dates_are_day_first(self):
        assert parse_date("01.02.2020") == dt.date(2020, 2, 1)

    def test_first_date_in_the_text_wins(self):
        assert parse_date("Updated 2020-01-02, first published 1 December 2019") == dt.date(
            2020, 1, 2
        )

    def test_impossible_or_missing_dates(self):
        assert parse_date("31.02.2019") is None
        assert parse_date("In 2019 the S-400 arrived") is None
        assert parse_date("") is None


class TestAuthors:
    @pytest.mark.parametrize(
        ("byline", "authors"),
        [
            ("By Jane Doe", ["Jane Doe"]),
            ("by Jane Doe.", ["Jane Doe"]),
            ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
            ("By Jane Doe, John Roe and Ana Poe", ["Jane Doe", "John Roe", "Ana Poe"]),
            ("By Jane Doe, John Roe, and Ana Poe", ["Jane Doe", "John Roe", "Ana Poe"]),
            ("By Jane Doe & John Roe", ["Jane Doe", "John Roe"]),
            ("By Jane Doe 05.09.2019", ["Jane Doe"]),
            ("Jane Doe", []),
        ],
    )
    def test_parse_authors(self, byline, authors):
        assert parse_authors(byline) == authors

    def test_a_sentence_starting_with_by_is_no_byline(self):
        assert not is_byline("By the end of the week the roads were open again.")
        assert is_byline("By Jane Doe")


class TestSection:
    def test_bilingual_label_gives_the_main_script_part(self):
        assert section_label("World News اخبار جهان", LATIN) == "World News"
        assert section_label("World News اخبار جهان", "ARABIC") == "اخبار جهان"

    def test_prefixed_label(self):
        assert section_label("Section: Politics", LATIN) == "Politics"

    def test_other_lines_are_no_label(self):
        assert section_label("Council debates the water supply", LATIN) == ""
        assert section_label(PERSIAN_MOTTO, LATIN) == ""


class TestPublication:
    def test_known_publication(self):
        publication = publication_from_domain("www.afgazad.com")
        assert publication.name == "Afghanistan Azad"
        assert publication.homepage == "https://www.afgazad.com"
        assert publication.language == "fa"

    @pytest.mark.parametrize(
        ("domain", "name", "homepage"),
        [
            ("www.kabul-times.com", "Kabul Times", "https://www.kabul-times.com"),
            ("news.example.org", "Example", "https://news.example.org"),
            ("bbc.co.uk", "BBC", "https://bbc.co.uk"),
        ],
    )
    def test_unknown_publication_named_after_its_domain(self, domain, name, homepage):
        publication = publication_from_domain(domain)
        assert (publication.name, publication.homepage, publication.language) == (
            name,
            homepage,
            "",
        )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("۱۳۹۸/۰۶/۱۴", dt.date(2019, 9, 5)),
        ("1398/06/14", dt.date(2019, 9, 5)),
        ("تاریخ: ۱۴ شهریور ۱۳۹۸", dt.date(2019, 9, 5)),
        ("1 فروردین 1400", dt.date(2021, 3, 21)),
        ("۳۱ اسفند ۱۳۹۸", None),  # 1398 is not a leap year: no 31 Esfand
    ],
)
def test_solar_hijri_dates(text, expected):
    from articles.ingest.metadata import parse_date

    assert parse_date(text) == expected
