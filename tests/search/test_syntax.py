"""The query language's parser: what readers type becomes a tree; nothing makes it fail."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.search.syntax import (
    And,
    Best,
    Field,
    Not,
    Or,
    Phrase,
    Prefix,
    Term,
    only_negative,
    parse,
    positive_words,
)


@pytest.mark.parametrize(
    "text, tree",
    [
        ("Erdogan", Term("Erdogan")),
        # Plain words side by side: best match; what a reader marks: required.
        ("Erdogan Putin", Best((Term("Erdogan"), Term("Putin")))),
        ("Erdogan Putin Idlib", Best((Term("Erdogan"), Term("Putin"), Term("Idlib")))),
        ("+Erdogan Putin Idlib", And((Term("Erdogan"), Best((Term("Putin"), Term("Idlib")))))),
        ("Erdogan AND Putin", And((Term("Erdogan"), Term("Putin")))),
        ("Erdogan AND Putin Idlib", And((Term("Erdogan"), Term("Putin"), Term("Idlib")))),
        ("Erdogan + Putin", And((Term("Erdogan"), Term("Putin")))),
        (
            '"safe zone" Idlib Aleppo',
            And((Phrase(("safe", "zone")), Best((Term("Idlib"), Term("Aleppo"))))),
        ),
        (
            "Idlib Aleppo -Assad",
            And((Best((Term("Idlib"), Term("Aleppo"))), Not(Term("Assad")))),
        ),
        ("title:missile Turkey", And((Field("title", Term("missile")), Term("Turkey")))),
        ('"safe zone"', Phrase(("safe", "zone"))),
        ('"Erdogan Putin"~10', Phrase(("Erdogan", "Putin"), 10)),
        ("Idlib OR Aleppo", Or((Term("Idlib"), Term("Aleppo")))),
        ("Idlib -Assad", And((Term("Idlib"), Not(Term("Assad"))))),
        ("Idlib NOT Assad", And((Term("Idlib"), Not(Term("Assad"))))),
        ('-"safe zone"', Not(Phrase(("safe", "zone")))),
        ("(Idlib OR Aleppo) Assad", And((Or((Term("Idlib"), Term("Aleppo"))), Term("Assad")))),
        ("title:missile", Field("title", Term("missile"))),
        ("author:atesci", Field("authors", Term("atesci"))),
        (
            'entity:"Recep Tayyip Erdogan"',
            Field("entities", Phrase(("Recep", "Tayyip", "Erdogan"))),
        ),
        ("section:(world OR europe)", Field("section", Or((Term("world"), Term("europe"))))),
        ("milit*", Prefix("milit")),
        ("S-400", Term("S-400")),
    ],
)
def test_query_forms(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize(
    "text", ["", "   ", "AND", "OR", "NOT", "OR NOT AND (", "()", '""', "title:", "*", "a*", "-"]
)
def test_queries_that_ask_for_nothing(text):
    assert parse(text) is None


def test_malformed_queries_still_mean_something():
    assert parse('"unbalanced quote') == Phrase(("unbalanced", "quote"))
    assert parse(")) Idlib ((") == Term("Idlib")
    assert parse("nofield:value") == Phrase(("nofield", "value"))
    assert parse("(" * 100 + "deep") in (None, Term("deep"))  # depth limit: no RecursionError


def test_positive_words_leave_out_exclusions():
    assert positive_words(parse('Idlib "safe zone" -Assad NOT Putin')) == ["Idlib", "safe", "zone"]
    assert only_negative(parse("-Assad")) and not only_negative(parse("Idlib -Assad"))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_without_error(text):
    parse(text)
