"""Highlighting marks exactly what search matched: the same analyzer decides both."""

import pytest

from articles.search.highlight import highlight_words, snippet


@pytest.mark.parametrize(
    ("query", "text", "marked"),
    [
        ("US", "Officials of the U.S. met.", ["U.S"]),
        ("U.S.", "The US and the U.S. agreed.", ["US", "U.S"]),
        ("3.5", "Growth was 3.5 per cent, not 35.", ["3.5"]),
        ("fairly", "A fair and fairly quick vote.", ["fair", "fairly"]),
        ("missile", "Missiles and a missile.", ["Missiles", "missile"]),
        ("milit*", "The military and militias; not a mile.", ["military", "militias"]),
        ("کتاب", "كتابهاي تازه و کتاب\u200cها", ["كتابهاي", "کتاب"]),
        ("oil -prices", "Oil prices rose.", ["Oil"]),
        ('"safe zone" Idlib', "A safe zone near Idlib.", ["safe", "zone", "Idlib"]),
        ("S-400", "Russian S-400 systems; S 400 too.", ["S-400", "S", "400"]),
    ],
)
def test_every_match_is_marked(query, text, marked):
    html = str(highlight_words(text, query))
    assert [part.split("</mark>")[0] for part in html.split("<mark>")[1:]] == marked


def test_snippet_marks_matches_and_escapes_the_rest():
    html = str(snippet("<b>Trade</b> talks: the U.S. offered 3.5 billion.", "us 3.5"))
    assert "&lt;b&gt;" in html
    assert "<mark>U.S</mark>" in html and "<mark>3.5</mark>" in html
