"""Tests for articles.ingest.cleanup, each on a small hand-written snippet shaped like a dump."""

import pytest

from articles.ingest.cleanup import (
    ends_sentence,
    is_banner_line,
    is_page_number,
    is_site_line,
    is_soft_hyphen_split,
    join_lines,
    join_split_word,
    normalise_text,
    rebuild_paragraphs,
    remove_banner_lines,
    remove_running_headers,
    split_paragraphs,
    starts_sentence,
    typical_line_width,
    vocabulary,
)

PERSIAN_MOTTO = "خبرهای روز از کابل و هرات و جهان"


def double_spaced(*lines: str) -> list[str]:
    """Physical lines as the dumps give them: a blank line after every line."""
    out: list[str] = []
    for line in lines:
        out += [line, ""]
    return out


class TestNormaliseText:
    def test_composes_to_nfc(self):
        assert normalise_text("Cafe\u0301") == "Caf\u00e9"

    def test_unifies_line_endings_and_page_breaks(self):
        assert normalise_text("one\r\ntwo\rthree\ffour") == "one\ntwo\nthree\nfour"

    def test_collapses_layout_spaces_and_strips_lines(self):
        raw = "  www.example.org \t\t   mail@example.org\u00a0\u00a0 1  \n  next line "
        assert normalise_text(raw) == "www.example.org mail@example.org 1\nnext line"

    def test_ascii_text_comes_out_as_any_other_text(self):
        # ASCII text skips the patterns that cannot find anything in it: same result.
        raw = " one\t two \r\n\tthree   four\f five\vsix\r  seven  \n\n"
        assert normalise_text(raw) == "one two\nthree four\nfive\nsix\nseven\n\n"
        assert normalise_text(raw + "\u00e9") == "one two\nthree four\nfive\nsix\nseven\n\n\u00e9"

    def test_keeps_blank_lines(self):
        assert normalise_text("a \n \n\nb") == "a\n\n\nb"

    def test_removes_zero_width_space_and_bom_but_keeps_zwnj(self):
        assert normalise_text("\ufeffso\u200bme") == "some"
        assert normalise_text("می\u200cخواهم") == "می\u200cخواهم"

    def test_bidi_controls_part_words_and_private_use_glyphs_go(self):
        # A bilingual label as a PDF of a right-to-left masthead gives it.
        assert normalise_text("\u202bاخبار\ue001\u202cHarbour News") == "اخبار Harbour News"

    def test_arabic_presentation_forms_become_letters(self):
        assert normalise_text("\ufee3\ufeae\ufea3\ufe92\ufe8e") == "مرحبا"

    def test_soft_hyphen_dropped_inside_a_line_kept_at_its_end(self):
        assert normalise_text("in\u00adter\u00ad\nnational") == "inter\u00ad\nnational"


class TestBannerLines:
    def test_line_in_another_script_is_a_banner(self):
        assert is_banner_line(PERSIAN_MOTTO, "LATIN")

    def test_line_in_the_main_script_is_not(self):
        assert not is_banner_line(PERSIAN_MOTTO, "ARABIC")
        assert not is_banner_line("The minister spoke in Herat on Monday.", "LATIN")

    def test_foreign_words_inside_an_english_sentence_are_kept(self):
        line = "The paper’s motto, «افغانستان آزاد», means Free Afghanistan, its editor said."
        assert not is_banner_line(line, "LATIN")

    def test_one_or_two_foreign_words_alone_are_kept(self):
        # Too little to tell a banner from a quoted name wrapped onto its own line.
        assert not is_banner_line("افغانستان آزاد", "LATIN")

    def test_remove_banner_lines_keeps_everything_else(self):
        lines = [PERSIAN_MOTTO, "", "Body text starts here.", "Kabul (کابل) is the capital."]
        assert remove_banner_lines(lines, "LATIN") == lines[1:]


class TestRunningHeaders:
    @pytest.mark.parametrize(
        "line", ["3", "- 3 -", "— 12 —", "Page 3", "page 4", "3 / 12", "3 of 12"]
    )
    def test_page_numbers(self, line):
        assert is_page_number(line)

    @pytest.mark.parametrize("line", ["2019", "S-400", "3 people died", "12.5"])
    def test_not_page_numbers(self, line):
        assert not is_page_number(line)

    def test_site_lines(self):
        assert is_site_line("www.example-news.com mail@example-news.com 1")
        assert is_site_line("https://example.org/articles/2019/story.html")
        assert is_site_line("www.example-news.com | 7")
        assert not is_site_line("Read more at www.example-news.com every day")
        assert not is_site_line("12")

    def test_removes_headers_footers_and_page_numbers_over_pages(self):
        lines = [
            "www.example-news.com mail@example-news.com 1",
            "",
            "The first page ends in the middle of a",
            "",
            "Example News – page 1",
            "1",
            "www.example-news.com mail@example-news.com 2",
            "",
            "sentence that goes on here.",
            "Example News – page 2",
            "- 2 -",
        ]
        assert remove_running_headers(lines) == [
            "",
            "The first page ends in the middle of a",
            "",
            "",
            "sentence that goes on here.",
        ]

    def test_running_title_without_numbers_needs_three_repeats(self):
        twice = ["Weekly Review", "text one", "Weekly Review", "text two"]
        assert remove_running_headers(twice) == twice
        thrice = [*twice, "Weekly Review", "text three"]
        assert remove_running_headers(thrice) == ["text one", "text two", "text three"]

    def test_long_repeated_lines_are_text(self):
        line = "a line of body text that is long enough to be no header at all, surely not"
        assert remove_running_headers([line, line, line]) == [line, line, line]

    def test_number_after_a_split_designator_is_kept(self):
        lines = ["the delivery of the S-", "", "400", "", "systems began."]
        assert remove_running_headers(lines) == lines


class TestSentences:
    def test_typical_line_width_is_that_of_a_full_line(self):
        lines = ["x" * 80] * 9 + ["short", "", "x" * 20]
        assert typical_line_width(lines) == 80
        assert typical_line_width(["", " "]) == 0

    @pytest.mark.parametrize(
        "line", ["It ended.", "Did it?", "Yes!", "he said.”", "(PKK).", "چرا؟"]
    )
    def test_ends_sentence(self, line):
        assert ends_sentence(line)

    @pytest.mark.parametrize("line", ["and the", "Cold War—", "as follows:", "fifth-"])
    def test_does_not_end_sentence(self, line):
        assert not ends_sentence(line)

    @pytest.mark.parametrize("line", ["The", "“Why", "2019 was", "(Reuters)", "کابل"])
    def test_starts_sentence(self, line):
        assert starts_sentence(line)

    @pytest.mark.parametrize("line", ["and then", "“why", "-", ""])
    def test_does_not_start_sentence(self, line):
        assert not starts_sentence(line)


class TestSplitParagraphs:
    def test_double_spaced_dump_breaks_at_sentence_ends(self):
        lines = double_spaced(
            "The council met on Monday to discuss the water supply of the",
            "city. It did not decide.",
            "A second meeting is planned for the",
            "spring.",
        )
        assert split_paragraphs(lines) == [
            [
                "The council met on Monday to discuss the water supply of the",
                "city. It did not decide.",
            ],
            ["A second meeting is planned for the", "spring."],
        ]

    def test_open_quotation_keeps_its_lines_together(self):
        lines = double_spaced(
            "The mayor said: “We have listened to everyone.",
            "We will decide soon.”",
            "Others doubted it.",
        )
        assert split_paragraphs(lines) == [
            ["The mayor said: “We have listened to everyone.", "We will decide soon.”"],
            ["Others doubted it."],
        ]

    def test_lowercase_continuation_is_not_a_new_paragraph(self):
        lines = double_spaced("The vote was 12 to 3.", "percent of members agreed.")
        assert len(split_paragraphs(lines)) == 1

    def test_blank_lines_are_breaks_when_the_dump_is_not_double_spaced(self):
        lines = [
            "First paragraph, line one.",
            "Line two of the first paragraph.",
            "Line three.",
            "",
            "Second paragraph.",
            "Still the second.",
        ]
        assert split_paragraphs(lines) == [lines[:3], lines[4:]]

    def test_nothing_gives_nothing(self):
        assert split_paragraphs(["", ""]) == []


class TestJoinSplitWord:
    @pytest.mark.parametrize(
        ("left", "right", "joined"),
        [
            ("a new fifth-", "generation fighter", "a new fifth-generation fighter"),
            ("air defence S-", "400 systems", "air defence S-400 systems"),
            ("a rival of the F-", "35—and the Su-57", "a rival of the F-35—and the Su-57"),
            ("talks with Al-", "Monitor staff", "talks with Al-Monitor staff"),
            ("the Cold War—", "and Russia", "the Cold War—and Russia"),
            ("in 1990–", "1995", "in 1990–1995"),
            ("it was — as ever —", "late", "it was — as ever — late"),
            ("a pause -", "then more", "a pause - then more"),
            ("inter\u00ad", "national law", "international law"),
            ("the end of a", "line", "the end of a line"),
            ("", "first", "first"),
        ],
    )
    def test_joins(self, left, right, joined):
        assert join_split_word(left, right) == joined

    def test_soft_hyphenation_rejoined_when_the_word_is_known(self):
        assert join_split_word("talks con-", "tinued", frozenset({"continued"})) == (
            "talks continued"
        )

    def test_hyphen_kept_when_the_word_is_unknown(self):
        assert join_split_word("talks con-", "tinued") == "talks con-tinued"

    @pytest.mark.parametrize(
        ("left", "right", "joined"),
        [
            ("the govern-", "ment said", "the government said"),
            ("on Fri-", "day morning", "on Friday morning"),
            ("the week-", "end market", "the weekend market"),
            ("a so-", "called deal", "a so-called deal"),
            ("a fifth-", "generation jet", "a fifth-generation jet"),
            ("year-", "on-year growth", "year-on-year growth"),
            ("Mr Gra-", "mado said", "Mr Gramado said"),  # a name no list knows: joined
        ],
    )
    def test_the_word_list_tells_split_words_from_compounds(self, left, right, joined):
        assert join_split_word(left, right, language="en") == joined

    def test_the_article_s_own_spelling_comes_before_the_word_list(self):
        known = vocabulary("the new week-end timetable")
        assert join_split_word("the week-", "end market", known, "en") == "the week-end market"

    def test_is_soft_hyphen_split(self):
        assert is_soft_hyphen_split("govern", "ment")
        assert not is_soft_hyphen_split("ground", "level")
        assert is_soft_hyphen_split("govern", "ment", "xx")  # an unknown language: English list

    def test_hyphen_kept_before_a_capital_even_if_known(self):
        assert join_split_word("pro-", "Western", frozenset({"prowestern"})) == "pro-Western"

    def test_vocabulary_is_lowercased_words_hyphenated_ones_whole_and_in_parts(self):
        assert vocabulary("Talks CONTINUED, fifth-generation 2019") == frozenset(
            {"talks", "continued", "fifth-generation", "fifth", "generation"}
        )

    def test_join_lines(self):
        assert (
            join_lines(["Russia and Turkey", "over objections"])
            == "Russia and Turkey over objections"
        )


class TestRebuildParagraphs:
    def test_paragraphs_separated_by_exactly_one_blank_line(self):
        lines = double_spaced(
            "Talks continued on Monday in the capital, where the first-",
            "round results were read out. Observers were present.",
            "The count con-",
            "tinued overnight.",
        )
        assert rebuild_paragraphs(lines) == (
            "Talks continued on Monday in the capital, where the first-round results were read "
            "out. Observers were present.\n\nThe count continued overnight."
        )

    def test_empty_body(self):
        assert rebuild_paragraphs([]) == ""
