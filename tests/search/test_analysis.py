"""Tests for articles.search.analysis: the Persian/Arabic normaliser and its offset map."""

import pytest

from articles.search.analysis import normalise_persian_arabic, normalise_persian_arabic_offsets


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u0639\u0644\u064a", "\u0639\u0644\u06cc"),  # علي -> علی (Arabic yeh)
        ("\u0645\u0648\u0633\u0649", "\u0645\u0648\u0633\u06cc"),  # موسى -> موسی (alef maksura)
        ("\u0643\u0631\u062f", "\u06a9\u0631\u062f"),  # كرد -> کرد (Arabic kaf)
        ("\u062e\u0627\u0646\u0647\u0654", "\u062e\u0627\u0646\u0647"),  # hamza above dropped
        ("\u062e\u0627\u0646\u06c0", "\u062e\u0627\u0646\u0647"),  # ۀ -> ه
        ("\u0622\u0645\u0631\u06cc\u06a9\u0627", "\u0627\u0645\u0631\u06cc\u06a9\u0627"),  # آ -> ا
        ("\u0645\u062f\u0631\u0633\u0629", "\u0645\u062f\u0631\u0633\u0647"),  # ة -> ه
        ("\u0628\u06cc\u0646\u200c\u0627\u0644\u0645\u0644\u0644\u06cc", "بین المللی"),  # ZWNJ
        ("a\u00a0b\u202fc", "a b c"),  # no-break spaces
        ("\u06f1\u06f3\u06f9\u06f8 \u0661\u0669", "1398 19"),  # Persian, Arabic-Indic digits
        ("\u0645\u064f\u062d\u064e\u0645\u0651\u064e\u062f", "\u0645\u062d\u0645\u062f"),  # harakat
        ("\u0643\u0640\u0640\u0628\u064a\u0631", "\u06a9\u0628\u06cc\u0631"),  # tatweel
        ("\u200fRLM\u200e", "RLM"),  # direction marks
        ("S-400 and U.S. Caf\u00e9 ABC", "S-400 and U.S. Caf\u00e9 ABC"),  # Latin untouched
        ("", ""),
    ],
)
def test_normalise(text, expected):
    assert normalise_persian_arabic(text) == expected


def test_one_for_one_changes_keep_the_length():
    text = "\u0639\u0644\u064a\u200c\u0643\u0631\u064a\u0645\u064a \u06f1\u06f4\u06f0\u06f2"
    assert len(normalise_persian_arabic(text)) == len(text)
    normalised, offsets = normalise_persian_arabic_offsets(text)
    assert offsets == list(range(len(text) + 1))


def test_normalising_twice_changes_nothing_more():
    text = "\u0643\u0640\u0650\u062a\u0627\u0628\u200c\u0647\u0627\u064a \u0661\u0662"
    once = normalise_persian_arabic(text)
    assert normalise_persian_arabic(once) == once


def test_offsets_map_normalised_spans_back_onto_the_original():
    # "مُحَمَّد کِتـاب": harakat and a tatweel dropped from both words.
    text = "\u0645\u064f\u062d\u064e\u0645\u0651\u064e\u062f \u0643\u0650\u062a\u0640\u0627\u0628"
    normalised, offsets = normalise_persian_arabic_offsets(text)
    assert normalised == "\u0645\u062d\u0645\u062f \u06a9\u062a\u0627\u0628"
    assert len(offsets) == len(normalised) + 1 and offsets[-1] == len(text)
    assert all(
        normalise_persian_arabic(text[offsets[i]]) == normalised[i] for i in range(len(normalised))
    )
    first, second = normalised.split(" ")
    s = normalised.index(second)
    original_first, original_second = text.split(" ")
    assert text[offsets[0] : offsets[len(first)]] == original_first
    assert text[offsets[s] : offsets[s + len(second)]] == original_second


def test_marks_before_any_letter_are_left_out_of_every_span():
    text = "\u200f\u0639\u0644\u064a"
    normalised, offsets = normalise_persian_arabic_offsets(text)
    assert normalised == "\u0639\u0644\u06cc"
    assert text[offsets[0] : offsets[3]] == "\u0639\u0644\u064a"


# --- one analyzer: what a word is, for both backends, the parser and the highlighter ------
from articles.search.analysis import analyze, term_spans  # noqa: E402


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        # Snowball English (the stemmer PostgreSQL calls 'english'), for both backends.
        ("fairly missiles elections", ["fair", "missil", "elect"]),
        ("U.S. u.s. US", ["us", "us", "us"]),
        ("3.5 per cent", ["3.5", "per", "cent"]),
        ("Erdogan's S-400", ["erdogan", "s", "400"]),
        # Persian plural and superlative endings, written onto the word or after a ZWNJ.
        ("کتابها کتاب\u200cها کتابهای", ["کتاب", "کتاب", "ها", "کتاب"]),
        ("بزرگترین", ["بزرگ"]),
        # Words that merely end like a suffix keep it when too little would be left.
        ("ها تها", ["ها", "تها"]),
        # Endings that are part of many words are left alone.
        ("ایران تهران علی", ["ایران", "تهران", "علی"]),
        # Arabic letters fold to Persian ones before stemming.
        ("كتابهاي", ["کتاب"]),
    ],
)
def test_analyze(text, terms):
    assert analyze(text) == terms


def test_term_spans_point_at_the_words_as_written():
    text = "The U.S. rose 3.5%, fairly: كِتابهاي"
    spans = [(text[start:end], term) for start, end, term in term_spans(text)]
    assert spans == [
        ("The", "the"),
        ("U.S", "us"),
        ("rose", "rose"),
        ("3.5", "3.5"),
        ("fairly", "fair"),
        ("كِتابهاي", "کتاب"),
    ]
    assert [term for _, term in spans] == analyze(text)
