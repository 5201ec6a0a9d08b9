"""Tests for articles.ingest.header: the header reader, through parse_dump and on its own.

Every document here is made up: the outlets, names, addresses and stories are invented. Each
test pins one rule of the reader with the smallest layout that needs it.
"""

import datetime as dt

import pytest

from articles.ingest.formats.dump import parse_dump
from articles.ingest.header import (
    BANNER,
    BYLINE,
    DATE,
    SECTION,
    SITE,
    TEXT,
    choose_publication,
    classify_line,
    display_case,
    domains,
    letters,
    parse_byline,
    read_header,
)
from articles.ingest.pages import Line

BODY = [
    "The harbour board of the coastal town of Marrow met on Monday to decide the future",
    "of the old fish market, which has stood empty since the last trawler company left",
    "the port in the spring. Members argued for three hours about the cost of repairs.",
    "Several councillors said the building could house a museum of the fleet, while",
    "others wanted to sell the site to a developer who has promised flats and a new prom-",
    "enade along the quay, where the ferry to the islands still calls twice a day.",
]
FIRST_WORDS = "The harbour board of the coastal town of Marrow met on Monday"


def dump(*header: str, body=BODY, footer="") -> str:
    return "\n".join([*header, *body, footer]) + "\n"


class TestTitle:
    def test_title_below_byline_and_date(self):
        article = parse_dump(dump("By Ana Lindqvist", "4 March 2021", "Fish market to close"))
        assert article.title == "Fish market to close"
        assert article.body.startswith(FIRST_WORDS)

    def test_title_above_byline_and_date(self):
        article = parse_dump(dump("Fish market to close", "By Ana Lindqvist", "4 March 2021"))
        assert article.title == "Fish market to close"
        assert article.authors == ["Ana Lindqvist"]
        assert article.body.startswith(FIRST_WORDS)

    def test_title_between_date_and_byline(self):
        article = parse_dump(dump("2021-03-04", "Fish market to close", "BY ANA LINDQVIST"))
        assert (article.title, article.authors) == ("Fish market to close", ["Ana Lindqvist"])
        assert article.published == dt.date(2021, 3, 4)

    def test_a_title_wrapped_over_three_lines_is_one(self):
        article = parse_dump(
            dump(
                "By Ana Lindqvist",
                "4 March 2021",
                "         HARBOUR BOARD SPLITS OVER",
                "         FUTURE OF THE OLD FISH",
                "               MARKET HALL",
            )
        )
        assert article.title == "HARBOUR BOARD SPLITS OVER FUTURE OF THE OLD FISH MARKET HALL"
        assert article.body.startswith(FIRST_WORDS)

    def test_a_title_as_wide_as_a_body_line_under_the_date(self):
        title = "Marrow harbour board splits over the future of the old fish market"
        # The byline names the outlet the running footer prints.
        footer = "Marrow Gazette                                   Page 1"
        article = parse_dump(
            dump("Ana Lindqvist, Marrow Gazette", "4 March 2021", title, footer=footer)
        )
        assert article.title == title
        assert article.authors == ["Ana Lindqvist"]
        assert article.body.startswith(FIRST_WORDS)

    def test_an_abbreviation_does_not_end_a_wrapped_title(self):
        article = parse_dump(dump("4 March 2021", "MARROW CORP.", "SEES LOWER PROFIT"))
        assert article.title == "MARROW CORP. SEES LOWER PROFIT"

    def test_the_first_paragraph_is_not_taken_for_the_title(self):
        article = parse_dump(
            dump("Fish market to close", "Author: Ana Lindqvist", "It began with a letter.")
        )
        assert article.title == "Fish market to close"
        assert article.body.startswith("It began with a letter.")

    def test_a_masthead_and_its_tagline_are_not_the_title(self):
        article = parse_dump(
            dump(
                "                 The Lantern Weekly",
                "            Independent since 1911",
                "By Ana Lindqvist",
                "Posted on March 4, 2021",
                "Fish market to close as the last trawler leaves",
            )
        )
        assert article.title == "Fish market to close as the last trawler leaves"
        assert article.publication == "The Lantern Weekly"
        assert "Independent since" not in article.body

    def test_text_without_any_header_has_no_title_and_is_sent_for_review(self):
        article = parse_dump("\n".join(BODY))
        assert article.title == ""
        assert article.body.startswith(FIRST_WORDS)
        assert article.review == ["title: none printed apart from the text"]


class TestSection:
    @pytest.mark.parametrize(
        "label",
        ["Section: Harbour News", "News > Harbour News", "HARBOUR NEWS", "Harbour News"],
    )
    def test_section_labels(self, label):
        title = "Fish market to close after ninety years"
        article = parse_dump(dump(label, title, "By Ana Lindqvist", "4.3.2021"))
        assert article.section.lower() == "harbour news"
        assert article.title == title

    def test_a_bilingual_label_gives_its_part_in_the_article_s_script(self):
        # The right-to-left part arrives wrapped in bidi controls, glued to the English.
        label = "\u202bاخبار بندر\u202cHarbour News"
        article = parse_dump(dump(label, "4 March 2021", "Fish market to close"))
        assert article.section == "Harbour News"
        assert article.title == "Fish market to close"

    def test_an_upper_case_label_over_an_upper_case_title(self):
        article = parse_dump(dump("HARBOUR", "FISH MARKET TO CLOSE AFTER NINETY YEARS", "4.3.2021"))
        assert (article.section, article.title) == (
            "Harbour",
            "FISH MARKET TO CLOSE AFTER NINETY YEARS",
        )


class TestBylines:
    OUTLETS = ["Marrow Gazette"]

    @pytest.mark.parametrize(
        "line",
        [
            "By Ana Lindqvist and Tomas Berg",
            "BY ANA LINDQVIST AND TOMAS BERG",
            "Written by Ana Lindqvist and Tomas Berg",
            "Author: Ana Lindqvist & Tomas Berg",
            "Ana Lindqvist and Tomas Berg, Marrow Gazette",
            "Ana Lindqvist and Tomas Berg | Marrow Gazette",
            "By Ana Lindqvist and Tomas Berg, Marrow Gazette",
        ],
    )
    def test_byline_forms(self, line):
        names, date = parse_byline(line, self.OUTLETS)
        assert names == ["Ana Lindqvist", "Tomas Berg"] and date is None

    def test_byline_and_date_on_one_line(self):
        assert parse_byline("By Ana Lindqvist | 21 April 1987", self.OUTLETS) == (
            ["Ana Lindqvist"],
            dt.date(1987, 4, 21),
        )
        assert parse_byline("Ana Lindqvist | Marrow Gazette | March 4, 2021", self.OUTLETS) == (
            ["Ana Lindqvist"],
            dt.date(2021, 3, 4),
        )

    def test_a_place_after_a_name_is_not_a_name(self):
        assert parse_byline("By Ana Lindqvist in Marrow", self.OUTLETS) == (["Ana Lindqvist"], None)

    @pytest.mark.parametrize(
        "line",
        [
            "Harbour board splits over fish market, Marrow Gazette",  # lower-case words
            "Lansdowne Road, Dublin",  # no cue, and Dublin is not the outlet
            "FISH MARKET, MARROW GAZETTE",  # all capitals: could be a title
            "Marrow Gazette",
        ],
    )
    def test_lines_that_are_not_bylines(self, line):
        assert parse_byline(line, self.OUTLETS) is None


class TestPublication:
    def test_the_printed_name_that_matches_the_domain(self):
        furniture = [
            Line("www.lanternweekly.example 2", columns=("www.lanternweekly.example", "2"))
        ]
        top = [Line("The Lantern Weekly", indent=20), Line("Harbour News")]
        assert choose_publication(furniture, top, 80, 0) == (
            "The Lantern Weekly",
            "https://www.lanternweekly.example",
        )

    def test_without_a_printed_name_the_site_names_it(self):
        furniture = [
            Line("www.lanternweekly.example 2", columns=("www.lanternweekly.example", "2"))
        ]
        assert choose_publication(furniture, [Line("Harbour News")], 80, 0)[0] == (
            "lanternweekly.example"
        )

    def test_a_name_repeated_in_the_running_heads_names_it(self):
        furniture = [Line("MARROW GAZETTE"), Line("MARROW GAZETTE")]
        assert choose_publication(furniture, [Line("Fish market to close")], 80, 0)[0] == (
            "Marrow Gazette"
        )

    def test_a_copyright_line_and_a_print_header_name_it(self):
        furniture = [
            Line("(c) 2003 Marrow Gazette Ltd. All rights reserved."),
            Line("x", columns=("3/4/21, 9:12 AM", "Fish market to close - Marrow Gazette")),
        ]
        assert choose_publication(furniture, [Line("Fish market to close")], 80, 0)[0] == (
            "Marrow Gazette"
        )

    def test_the_publication_is_read_from_a_whole_dump(self):
        footer = "Downloaded from https://lanternweekly.example/ for personal use   Page 1"
        article = parse_dump(
            dump("Lantern Weekly", "Section: Harbour", "Fish market to close", footer=footer)
        )
        assert article.publication == "Lantern Weekly"
        assert article.section == "Harbour"
        assert "Downloaded" not in article.body


def test_names_are_compared_by_their_letters():
    assert letters("The Lantern-Weekly") == letters("lanternweekly") == "lanternweekly"


def test_capitals_are_shown_in_the_usual_case_initials_kept():
    assert display_case("MARROW NEWS") == "Marrow News"
    assert display_case("KTV WORLD") == "KTV World"
    assert display_case("McLaren Post") == "McLaren Post"


PERSIAN_MOTTO = "خبرهای روز از کابل و هرات و جهان"
WIDE = "The provincial council met on Tuesday to discuss the water supply of the old city"
# The top of a dump once the running header is out, double-spaced as many dumps are.
HEADER_THEN_BODY = [
    PERSIAN_MOTTO,
    "",
    "World News اخبار جهان",
    "",
    "By Jane Doe and John Roe",
    "",
    "12.03.2021",
    "",
    "Council debates the water supply",
    "",
    "of the old city",
    "",
    WIDE,
    "",
    "and heard from engineers and residents who had waited for years to be heard at all.",
    "",
    "The meeting lasted for six hours and ended without a vote on any of the three plans.",
]


def header_of(texts: list[str]):
    return read_header([Line(text) for text in texts], [], "LATIN")


class TestReadHeader:
    @pytest.mark.parametrize(
        ("line", "kind"),
        [
            ("www.example-news.com mail@example-news.com 1", SITE),
            ("2", SITE),
            ("By Jane Doe", BYLINE),
            ("12.03.2021", DATE),
            ("Friday, 12 March 2021", DATE),
            ("Published: 12 March 2021", DATE),
            ("World News اخبار جهان", SECTION),
            ("News > World News", SECTION),
            (PERSIAN_MOTTO, BANNER),
            ("Council debates the water supply", TEXT),
        ],
    )
    def test_classify_line(self, line, kind):
        assert classify_line(line, "LATIN")[0] == kind

    def test_a_title_wrapped_below_the_date(self):
        header = header_of(HEADER_THEN_BODY)
        assert HEADER_THEN_BODY[header.body_start] == WIDE
        assert header.title == "Council debates the water supply of the old city"
        assert header.authors == ["Jane Doe", "John Roe"]
        assert header.published == dt.date(2021, 3, 12)
        assert header.section == "World News"
        assert header.doubts == []

    def test_the_title_first_then_byline_and_date(self):
        lines = ["Council debates the water supply", "By Jane Doe", "March 12, 2021", WIDE]
        lines += [WIDE.upper(), WIDE.lower()]
        header = header_of(lines)
        assert (header.body_start, header.title) == (3, "Council debates the water supply")

    def test_the_title_stops_at_a_line_ending_a_sentence(self):
        header = header_of(["By Jane Doe", "Is the water safe?", "Engineers say yes.", WIDE, WIDE])
        assert (header.title, header.body_start) == ("Is the water safe?", 2)

    def test_nothing_to_read(self):
        header = header_of([])
        assert (header.title, header.body_start) == ("", 0)


def test_domains_are_read_from_addresses_not_mail():
    lines = ["www.Example-News.com    editor@gmail.com 1", "https://other.example/news/1.html"]
    assert domains(lines) == ["example-news.com", "other.example"]


class TestRulesFromTheWiderWorld:
    def test_a_bilingual_label_with_many_right_to_left_pieces_is_a_section_not_a_banner(self):
        label = "\u202bنجليزية\u202c\u202bت باللغة ا\u202c\u202b مقا\u202cHarbour Pages"
        article = parse_dump(dump(label, "4 March 2021", "Fish market to close"))
        assert article.section == "Harbour Pages"

    def test_a_full_width_title_set_apart_by_blank_lines(self):
        title = "Marrow harbour board splits over the future of the old fish market hall at last"
        article = parse_dump(dump("By Ana Lindqvist", "4 March 2021", "", title, ""))
        assert article.title == title
        assert article.body.startswith(FIRST_WORDS)

    def test_a_title_wrapped_under_the_masthead_is_not_taken_for_a_tagline(self):
        footer = "www.lanternweekly.example                          1"
        article = parse_dump(
            dump(
                "LANTERN WEEKLY",
                "Harbour board splits over the future",
                "of the old fish market, council confirms",
                "Ana Lindqvist, Lantern Weekly",
                "4 March 2021",
                footer=footer,
            )
        )
        assert article.title == (
            "Harbour board splits over the future of the old fish market, council confirms"
        )
        assert article.authors == ["Ana Lindqvist"]

    def test_a_byline_may_name_the_outlet_only_its_site_names(self):
        footer = "www.lanternweekly.example                          1"
        article = parse_dump(
            dump("Fish market to close", "Ana Lindqvist, Lantern Weekly", "4.3.2021", footer=footer)
        )
        assert (article.publication, article.authors) == (
            "lanternweekly.example",
            ["Ana Lindqvist"],
        )

    def test_a_word_at_the_end_of_the_site_s_name_is_not_the_outlet(self):
        footer = "www.harbourdailydigest.example                     1"
        top = [Line("Digest"), Line("Fish market to close")]
        furniture = [Line(footer, columns=("www.harbourdailydigest.example", "1"))]
        assert choose_publication(furniture, top, 80, 0)[0] == "harbourdailydigest.example"


class TestMoreLayouts:
    def test_a_role_after_the_name_is_not_an_author(self):
        assert parse_byline("By Ana Lindqvist, Harbour Correspondent", []) == (
            ["Ana Lindqvist"],
            None,
        )

    def test_a_picture_caption_under_the_date_is_not_the_title(self):
        article = parse_dump(
            dump(
                "Fish market to close after ninety years",
                "By Ana Lindqvist",
                "4 March 2021",
                "Photo: The market hall at dawn (Marrow Gazette)",
            )
        )
        assert article.title == "Fish market to close after ninety years"
        assert article.body.startswith(FIRST_WORDS)

    def test_a_masthead_in_capitals_keeps_its_small_words_small(self):
        assert display_case("THE LANTERN OF MARROW") == "The Lantern of Marrow"


def test_a_label_that_is_a_word_from_inside_the_site_s_name_is_a_section():
    footer = "www.harbourdailydigest.example                     1"
    article = parse_dump(dump("Digest", "4 March 2021", "Fish market to close", footer=footer))
    assert (article.publication, article.section) == ("harbourdailydigest.example", "Digest")
