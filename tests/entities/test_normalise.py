"""Tests for articles.entities.normalise: canonical names, and grouping the spans of one
document into entities."""

import pytest

from articles.entities import Span
from articles.entities.gazetteer import Gazetteer
from articles.entities.normalise import Found, alias_of, canonical, group


def spans(*items):
    """Spans laid end to end (one space apart) from (text, kind) pairs."""
    result, offset = [], 0
    for text, kind in items:
        result.append(Span(offset, offset + len(text), text, kind))
        offset += len(text) + 1
    return result


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("President Erdogan", "person", "Erdogan"),
        ("Turkish President Recep Tayyip Erdogan", "person", "Recep Tayyip Erdogan"),
        ("Erdogan's", "person", "Erdogan"),
        ("Erdogan\u2019s", "person", "Erdogan"),
        ("Prime Minister Boris Johnson", "person", "Boris Johnson"),
        ("acting US Defense Secretary Patrick Shanahan", "person", "Patrick Shanahan"),
        ("Sen. John McCain", "person", "John McCain"),
        ("Mr  Smith", "person", "Smith"),
        ("Mrs. Thatcher", "person", "Thatcher"),
        ("Dr Jane\nGoodall", "person", "Jane Goodall"),
        ("King Fahd", "person", "King Fahd"),  # the title is how he is known
        ("Lady Gaga", "person", "Lady Gaga"),
        ("the United Nations", "organisation", "United Nations"),
        ("The Kremlin's", "place", "Kremlin"),
        ("\u201cSafe Zone\u201d", "other", "Safe Zone"),
        ("F-35s", "other", "F-35"),
        ("President", "organisation", "President"),  # titles only go for people
        ("General Motors", "organisation", "General Motors"),
    ],
)
def test_canonical(text, kind, expected):
    assert canonical(text, kind) == expected


def test_erdogan_written_four_ways_is_one_person():
    found = group(
        spans(
            ("Erdogan", "person"),
            ("Recep Tayyip Erdogan", "person"),
            ("Erdogan\u2019s", "person"),
            ("President Erdogan", "person"),
        )
    )
    assert len(found) == 1
    erdogan = found[0]
    assert (erdogan.name, erdogan.kind, erdogan.count) == ("Recep Tayyip Erdogan", "person", 4)
    assert erdogan.positions == sorted(erdogan.positions) and len(erdogan.positions) == 4
    assert erdogan.surface_forms == {
        "Erdogan",
        "Recep Tayyip Erdogan",
        "Erdogan\u2019s",
        "President Erdogan",
    }


def test_a_middle_part_of_a_name_joins_it_too():
    found = group(spans(("Tayyip Erdogan", "person"), ("Recep Tayyip Erdogan", "person")))
    assert [f.name for f in found] == ["Recep Tayyip Erdogan"]


def test_hyphenated_particles_do_not_hide_the_surname():
    found = group(spans(("Bashar al-Assad", "person"), ("Assad", "person")))
    assert [(f.name, f.count) for f in found] == [("Bashar al-Assad", 2)]


def test_a_surname_shared_by_two_people_stays_apart():
    found = group(spans(("George Bush", "person"), ("Jeb Bush", "person"), ("Bush", "person")))
    assert sorted(f.name for f in found) == ["Bush", "George Bush", "Jeb Bush"]


def test_a_place_does_not_join_a_person_of_the_same_name():
    found = group(spans(("Denzel Washington", "person"), ("Washington", "place")))
    assert [(f.name, f.kind) for f in found] == [
        ("Denzel Washington", "person"),
        ("Washington", "place"),
    ]


def test_united_states_aliases_are_one_place():
    found = group(
        spans(
            ("US", "place"),
            ("U.S.", "organisation"),
            ("United States", "place"),
            ("the United States", "place"),
            ("America", "place"),
        )
    )
    assert [(f.name, f.kind, f.count) for f in found] == [("United States", "place", 5)]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["UK", "U.K.", "Britain", "United Kingdom"], ("United Kingdom", "place")),
        (["UN", "U.N.", "the United Nations"], ("United Nations", "organisation")),
        (["EU", "European Union"], ("European Union", "organisation")),
        (["NATO", "Nato"], ("NATO", "organisation")),
    ],
)
def test_built_in_aliases(names, expected):
    found = group(spans(*[(name, "organisation") for name in names]))
    assert [(f.name, f.kind) for f in found] == [expected]


def test_moscow_stays_a_place():
    assert alias_of("Moscow") is None
    found = group(spans(("Moscow", "place"), ("Moscow", "place")))
    assert [(f.name, f.kind, f.count) for f in found] == [("Moscow", "place", 2)]


def test_gazetteer_aliases_name_the_entity():
    gazetteer = Gazetteer([("Recep Tayyip Erdo\u011fan", "person", ["Erdogan", "Tayyip Erdogan"])])
    found = group(spans(("Erdogan", "person"), ("Erdo\u011fan", "person")), gazetteer)
    assert [(f.name, f.count) for f in found] == [("Recep Tayyip Erdo\u011fan", 2)]
    found = group(spans(("Tayyip Erdogan", "person"), ("Erdogan", "person")), gazetteer)
    assert [(f.name, f.count) for f in found] == [("Recep Tayyip Erdo\u011fan", 2)]


def test_persian_spellings_group_together():
    # Arabic yeh and kaf against Persian ones, and a ZWNJ against a space.
    arabic = "\u0639\u0644\u064a \u0643\u0631\u064a\u0645\u064a"
    persian = "\u0639\u0644\u06cc \u06a9\u0631\u06cc\u0645\u06cc"
    with_zwnj = "\u0639\u0644\u06cc\u200c\u06a9\u0631\u06cc\u0645\u06cc"
    found = group(spans((arabic, "person"), (persian, "person"), (with_zwnj, "person")))
    assert len(found) == 1 and found[0].count == 3


def test_the_kind_most_spans_were_given_wins():
    found = group(spans(("Idlib", "place"), ("Idlib", "other"), ("Idlib", "place")))
    assert [(f.name, f.kind) for f in found] == [("Idlib", "place")]


def test_running_text_spelling_beats_a_capitals_headline():
    found = group(spans(("TURKEY", "place"), ("Turkey", "place")))
    assert [f.name for f in found] == ["Turkey"]


def test_entities_come_in_order_of_first_mention():
    found = group(
        [
            Span(50, 56, "Moscow", "place"),
            Span(0, 5, "Putin", "person"),
            Span(20, 26, "Moscow", "place"),
        ]
    )
    assert found == [
        Found("Putin", "person", 1, [(0, 5)], {"Putin"}),
        Found("Moscow", "place", 2, [(20, 26), (50, 56)], {"Moscow"}),
    ]


def test_no_spans_no_entities():
    assert group([]) == []


def test_what_a_title_leaves_must_still_be_a_name():
    found = group(
        spans(("Mr L", "person"), ("President X's", "person"), ("Ada Lovelace", "person"))
    )
    assert [f.name for f in found] == ["Ada Lovelace"]
