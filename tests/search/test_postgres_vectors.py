"""The PostgreSQL backend builds each document's tsvector in Python (``postgres_vectors._vector``)
from the shared analyzer's words; text without Arabic script takes a shorter road
(``index_words``, no spans) that must give the same words at the same positions."""

import pytest

from articles.search.analysis import compound_spans, index_words
from articles.search.backends.postgres_vectors import MAX_POSITION, _vector

LATIN = [
    "Erdogan's S-400 deal: the U.S. and NATO reply at 3.5% o'clock.",
    "Café crème in São Paulo; naïve résumé — ÉCOLE, straße, Ærø",
    "Missiles, missile; missiles! The Hague who US us",
    "",
    "1987 ١٩٨٧",  # Arabic-Indic digits are no Arabic letters: folded to 1987
]


@pytest.mark.parametrize("text", LATIN)
def test_text_without_arabic_script_has_the_words_and_positions_of_compound_spans(text):
    spans = [(position, word) for position, _, _, word in compound_spans(text)]
    assert list(enumerate(index_words(text))) == spans


def test_the_vector_holds_each_term_with_its_positions():
    literal, words, written, terms = _vector("Missiles hit. A missile missed the missiles.")
    assert words == 7
    positions = dict(entry.split(":") for entry in literal.split(" "))
    assert sorted(map(int, positions["'missil'"].split(","))) == [1, 4, 7]
    assert set(written) >= {"missiles", "missile"} and "missil" in terms


def test_persian_compounds_written_apart_are_indexed_joined_at_the_first_part():
    literal, words, written, _ = _vector("کتاب خانه بزرگ")
    assert "کتابخانه" in written
    assert "'کتابخانه':1" in literal.split(" ")
    assert words == 4  # three words and the compound, as Whoosh counts them


def test_positions_past_the_limit_are_stored_as_the_limit():
    literal, *_ = _vector(" ".join(["tide"] * 5 + ["word"] * MAX_POSITION + ["ebb"]))
    assert f"'ebb':{MAX_POSITION}" in literal.split(" ")
