"""Tests for articles.entities.cleanup: a recogniser's span trimmed to a name, or dropped."""

import pytest

from articles.entities import Span
from articles.entities.cleanup import (
    clean,
    group_kind,
    is_function_word,
    is_name,
    opens_sentence,
    source_entity,
    surnames_in,
)
from articles.entities.normalise import group


def names(text, kind="person"):
    return [(text[s:e], k) for s, e, k in clean(text, 0, len(text), kind)]


@pytest.mark.parametrize(
    ("span", "kind", "name"),
    [
        ("- Ada Lovelace", "person", "Ada Lovelace"),
        ("<Acme Widgets Inc>", "organisation", "Acme Widgets Inc"),
        ("\u201cGlobex\u201d", "organisation", "Globex"),
        ("the Blue River Authority", "organisation", "Blue River Authority"),
        ("Lovelace's", "person", "Lovelace"),
        ("Lovelace\u2019s", "person", "Lovelace"),
        ("Dunmore 3", "organisation", "Dunmore"),
        ("07:30 Kirkwall", "place", "Kirkwall"),
        ("1. Ada Lovelace", "person", "Ada Lovelace"),
        ("A. Lovelace 6-82", "person", "A. Lovelace"),
        ("A. Lovelace 109", "person", "A. Lovelace"),
        ("st Lovelace", "person", "Lovelace"),
        ("de Lovelace", "person", "de Lovelace"),
        ("36 5363 Widget Unit", "organisation", "Widget Unit"),
        ("2030 Kirkwall Games", "other", "Kirkwall Games"),
    ],
)
def test_edges_scores_and_times_are_trimmed(span, kind, name):
    assert names(span, kind) == [(name, kind)]


@pytest.mark.parametrize("span", ["Hanover 96", "Dunmore 04"])
def test_numbers_that_are_part_of_a_club_name_stay(span):
    assert names(span, "organisation") == [(span, "organisation")]


@pytest.mark.parametrize(
    "span",
    [
        "107bn",
        "860bn",
        "4,161.0",
        "63.7",
        "$5m",
        "\u00a312.5bn",
        "12%",
        "90 Minutes",
        "3 DAYS",
        "19,800 yen",
        "10 \u00b0C",
        "-3\u00b0F",
    ],
)
def test_amounts_and_numbers_are_no_names(span):
    assert not is_name(span)
    assert names(span, "organisation") == []


@pytest.mark.parametrize(
    ("span", "kind", "parts"),
    [
        ('NHS."Patients', "organisation", ["NHS", "Patients"]),
        ("Kirkwall.The Ferry Board", "organisation", ["Kirkwall", "The Ferry Board"]),
        ("PDQ.Later", "organisation", ["PDQ", "Later"]),
    ],
)
def test_a_span_over_the_end_of_a_sentence_is_two(span, kind, parts):
    assert [name for name, _ in names(span, kind)] == [p.removeprefix("The ") for p in parts]


@pytest.mark.parametrize("span", ["TSCO.L", "U.S.", "St. Kilda", "J.R.R. Tolkien"])
def test_full_stops_inside_names_stay(span):
    assert [name for name, _ in names(span, "organisation")] == [span]


def test_a_span_over_a_bracket_or_paragraph_break_is_two_names():
    assert names("Lovelace].Babbage") == [("Lovelace", "person"), ("Babbage", "person")]
    assert names("Lovelace\n\nBabbage") == [("Lovelace", "person"), ("Babbage", "person")]


@pytest.mark.parametrize(
    ("span", "parts"),
    [
        ("Ada LovelaceLovelace", ["Ada Lovelace", "Lovelace"]),
        ("Ada LovelaceBabbage", ["Ada Lovelace", "Babbage"]),
        ("Ada LovelaceAda Lovelace", ["Ada Lovelace", "Ada Lovelace"]),
        ("Ada LovelaceBBC News", ["Ada Lovelace", "BBC News"]),
    ],
)
def test_glued_names_of_people_come_apart(span, parts):
    assert [name for name, _ in names(span)] == parts


@pytest.mark.parametrize(
    "name", ["Ronald McDonald", "Ron DeSantis", "Douglas MacArthur", "LeBron James"]
)
def test_capitals_inside_a_surname_are_no_seam(name):
    assert names(name) == [(name, "person")]


def test_camel_case_organisations_stay_whole():
    assert names("PayPal", "organisation") == [("PayPal", "organisation")]
    # Read as a person, one word is still one name: no seam splits it.
    assert names("SanDisk", "person") == [("SanDisk", "person")]


def test_a_number_before_a_group_goes():
    assert names("45.678 Europeans", "group") == [("Europeans", "group")]


@pytest.mark.parametrize(
    ("name", "kind"),
    [("Republicans", "organisation"), ("Democrats", "organisation"), ("Italians", "place"),
     ("Irish", "place"), ("Japanese", "organisation")],
)  # fmt: skip
def test_one_word_for_a_group_of_people_is_a_group(name, kind):
    assert group_kind(name, kind) == "group"


@pytest.mark.parametrize(
    ("name", "kind"),
    [("Evans", "person"), ("Edwards", "person"), ("Hamish", "person"),
     ("Irish Times", "organisation"), ("Paris", "place"), ("Bush", "person")],
)  # fmt: skip
def test_names_that_only_look_like_groups_keep_their_kind(name, kind):
    assert group_kind(name, kind) == kind


def test_a_span_over_a_whole_line_or_a_spaced_dash_is_two():
    text = "Rugby - Dunmore Rovers\nKirkwall 2001-05-03"
    assert names(text, "organisation") == [
        ("Rugby", "organisation"),
        ("Dunmore Rovers", "organisation"),
        ("Kirkwall", "organisation"),
    ]


def test_a_name_broken_over_two_lines_in_running_text_stays_whole():
    text = "the talks with Ada\nLovelace ended"
    assert clean(text, 15, 27, "person") == [(15, 27, "person")]


@pytest.mark.parametrize(
    ("name", "kind", "stored"),
    [
        ("؛ ارشاد", "other", None),  # punctuation, then a topic word
        ("دکتر مصدق (ره)", "person", ("دکتر مصدق", "person")),  # a blessing, no bracket left
        ("۲۰۲۲", "other", None),
        ("/", "other", None),
        ("اقتصاد", "other", None),  # economy: a topic
        ("۸ پروژه ورزشی در آذربایجان‌غربی افتتاح شد", "other", None),  # a headline
        ("economy", "other", None),
        ("خبرگزاری فارس", "other", ("خبرگزاری فارس", "organisation")),
        ("ایران", "other", ("ایران", "place")),
        ("زهرا کرمانی‌نژاد", "other", ("زهرا کرمانی‌نژاد", "person")),
        ("Ada Lovelace", "other", ("Ada Lovelace", "other")),
        ("- Tehran", "place", ("Tehran", "place")),
    ],
)
def test_a_source_keyword_is_stored_only_when_it_names_something(name, kind, stored):
    from articles.entities.cleanup import source_entity

    assert source_entity(name, kind) == stored


def test_an_arabic_script_word_keeps_its_last_vowel_mark():
    assert names("\u0633\u0627\u0628\u0642\u0627\u064b\u060c", "organisation") == [
        ("\u0633\u0627\u0628\u0642\u0627\u064b", "organisation")
    ]


def test_a_blessing_in_brackets_after_a_name_is_no_second_name():
    assert names(
        "\u0627\u0645\u0627\u0645 \u062e\u0645\u06cc\u0646\u06cc(\u0631\u0647)", "other"
    ) == [("\u0627\u0645\u0627\u0645 \u062e\u0645\u06cc\u0646\u06cc", "other")]


# Counts in Arabic script: Persian digits, Arabic-Indic digits, Latin digits.
@pytest.mark.parametrize("span", ["۵ دانشجو", "12 کشور", "\u0663 أشخاص", "۲۰ شهر بزرگ"])
def test_a_number_before_words_in_arabic_script_is_a_count_not_a_name(span):
    assert not is_name(span)
    for kind in ("person", "organisation", "place", "other"):
        assert names(span, kind) == []  # not trimmed to "دانشجو" either
        assert source_entity(span, kind) is None


@pytest.mark.parametrize("span", ["3 Series", "747 Dreamliner", "بانک ۳", "دبیرستان ۱۷ شهریور"])
def test_a_latin_name_with_its_number_and_a_number_after_words_stay_names(span):
    assert is_name(span)


@pytest.mark.parametrize(
    ("word", "language"),
    [
        ("الذي", "ar"),  # which (spaCy's list)
        ("قامت", "ar"),  # she did (ours)
        ("وأكد", "ar"),  # and he stressed: "و" before a listed word
        ("على", "ar"),  # on
        ("آنچه", "fa"),  # what
        ("آنچه", ""),  # Arabic script without a language: Persian
        ("بۆ", "ckb"),  # for (Sorani)
        ("the", "en"),
        ("which", ""),
    ],
)
def test_a_function_word_is_no_name(word, language):
    assert is_function_word(word, language)
    assert source_entity(word, "person", language) is None


@pytest.mark.parametrize(
    ("word", "language"),
    [
        ("علي", "ar"),  # Ali; the preposition is "على"
        ("كيف", "fa"),  # Kyiv in Persian typed with an Arabic kaf ("how" in Arabic)
        ("علی", "fa"),
        ("WHO", "en"),  # an acronym, not "who"
        ("May", "en"),
        ("Lovelace", "en"),
        ("الذي قال", "ar"),  # two words
        ("وليد", "ar"),  # "و" begins the name Walid: "ليد" is no function word
    ],
)
def test_names_that_look_like_function_words_stay(word, language):
    assert not is_function_word(word, language)


def test_the_language_decides_which_list():
    assert is_function_word("كيف", "ar") and not is_function_word("كيف", "fa")
    assert is_function_word("كيف", "ar-IQ")


def test_grouping_leaves_function_words_out():
    spans = [Span(0, 3, "قام", "person"), Span(13, 16, "كيف", "place")]
    assert [(f.name, f.kind) for f in group(spans, language="ar")] == []
    assert ("كيف", "place") in [(f.name, f.kind) for f in group(spans, language="fa")]


def test_a_function_word_that_is_the_surname_of_a_full_name_in_the_text_stays():
    # "کامل" is "complete", and the surname of a man the text names in full
    text = "حسین کامل به اردن رفت. کامل گفت که برمی‌گردد."
    spans = [Span(0, 9, "حسین کامل", "person"), Span(23, 27, "کامل", "person")]
    assert text[23:27] == "کامل"
    found = group(spans, language="fa")
    assert [(f.name, f.count) for f in found] == [("حسین کامل", 2)]
    assert not is_function_word("کامل", "fa", surnames_in([("حسین کامل", "person")]))
    assert is_function_word("کامل", "fa", surnames_in([("حسین کامل", "place")]))


def test_a_capitalised_english_function_word_is_none_only_where_a_sentence_opens():
    text = 'He left.\n"Now, the shops." Buyers went to Next, and Still.'
    for word, opens in [("He", True), ("Now", True), ("Next", False), ("Still", False)]:
        start = text.index(word)
        assert opens_sentence(text, start) == opens
        assert is_function_word(word, "en", opens_sentence=opens) == opens
    assert not is_function_word("WHO", "en", opens_sentence=True)
