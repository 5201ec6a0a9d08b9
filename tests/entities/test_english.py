"""Tests for articles.entities.english: capitals, tables, acronyms and organisation cues."""

import pytest

import articles.entities as entities
from articles.entities import Span, english, extract
from articles.entities.english import defined_acronyms, model_text, table_names


def found(text):
    return [(s.text, s.kind) for s in extract(text, "en")]


def test_a_headline_in_capitals_is_read_in_ordinary_case_with_acronyms_kept():
    text = "RUGBY - WALES BEAT US IN CARDIFF AND THE UN WATCHES\nThe match was close."
    assert model_text(text) == (
        "Rugby - Wales Beat US in Cardiff and the UN Watches\nThe match was close."
    )


def test_a_dateline_in_capitals_is_read_in_ordinary_case():
    assert model_text("KIRKWALL, May 3 (Reuters) - Ferries ran late.") == (
        "Kirkwall, May 3 (Reuters) - Ferries ran late."
    )
    assert model_text("NEW DUNMORE 2001-05-03\nText.") == "New Dunmore 2001-05-03\nText."


def test_recasing_keeps_every_offset():
    text = "İSTANBUL VE ANKARA\nSTRASSE ÉTÉ"
    assert len(model_text(text)) == len(text)


def test_ordinary_text_is_read_as_written():
    text = "Ferries from Kirkwall ran late, the NHS said."
    assert model_text(text) == text


@pytest.mark.parametrize(
    ("line", "teams"),
    [
        ("Dunmore 0 Kirkwall Rovers 2", ["Dunmore", "Kirkwall Rovers"]),
        ("Dunmore 4 1 0 3 4 10 3", ["Dunmore"]),
        ("KIRKWALL 63 71 .470 11 1/2", ["KIRKWALL"]),
        ("DUNMORE AT KIRKWALL", ["DUNMORE", "KIRKWALL"]),
    ],
)
def test_teams_in_results_standings_and_fixtures(line, teams):
    text = f"Results on Saturday:\n{line}\n"
    assert [text[s:e] for s, e in table_names(text)] == teams


def test_running_text_is_no_table():
    assert list(table_names("Dunmore won 2 games and lost 3 in May.")) == []


def test_an_acronym_in_brackets_after_an_organisation_is_defined():
    text = "the Coastal Ferry Board ( CFB ) said. CFB ships sail."
    assert defined_acronyms(text, [(4, 23)]) == {"CFB"}


def test_tables_and_defined_acronyms_give_organisations_in_extract():
    spans = found("Results:\nDunmore 0 Kirkwall 2\n")
    assert spans == [("Dunmore", "organisation"), ("Kirkwall", "organisation")]


def test_an_organisation_is_found_by_its_cue_word():
    assert ("Dunmore Ferry Company", "organisation") in found(
        "Shares in Dunmore Ferry Company fell on Monday."
    )
    assert ("Bank of Kirkwall", "organisation") in found("The Bank of Kirkwall cut rates.")


def test_a_surname_alone_is_the_person_its_text_named_in_full():
    # Without the rule the model takes the first "Bailey" alone for an organisation.
    spans = found("Jan Bailey won. Bailey said the Bailey family was proud.")
    assert spans == [("Jan Bailey", "person"), ("Bailey", "person"), ("Bailey", "person")]


def test_a_name_given_several_kinds_in_one_text_takes_the_commonest():
    spans = [
        Span(0, 7, "Dunmore", "organisation"),
        Span(20, 27, "Dunmore", "place"),
        Span(40, 47, "Dunmore", "organisation"),
    ]
    assert [s.kind for s in entities._consistent(spans)] == ["organisation"] * 3


def test_an_organisation_cue_stops_at_a_title():
    spans = found("Bank of Kirkwall Governor Marta Kowalczyk said rates would stay.")
    assert ("Bank of Kirkwall", "organisation") in spans
    assert not any(name.endswith("Kowalczyk") and kind == "organisation" for name, kind in spans)


def test_the_pipeline_runs_only_what_the_recogniser_needs():
    nlp = english.pipeline()
    assert nlp.pipe_names == ["cue_words", "ner"]
    # The recogniser embeds the tokens itself: it listens to no shared tok2vec, which is
    # therefore left out (a model where it did would need it back).
    assert not [layer for layer in nlp.get_pipe("ner").model.walk() if "listener" in layer.name]


# The cue words as spaCy's entity ruler matched them before issue 18 (session 6): cue_words
# must give exactly its spans, only faster.
_NAME_WORD = {"IS_TITLE": True, "LOWER": {"NOT_IN": english._NOT_IN_NAMES}}
_RULER_PATTERNS = [
    {"label": "PRODUCT", "pattern": [{"TEXT": {"REGEX": english.WEAPON_DESIGNATOR}}]},
    {
        "label": "ORG",
        "pattern": [{**_NAME_WORD, "OP": "+"}, {"ORTH": {"IN": english.ORGANISATION_ENDINGS}}],
    },
    {
        "label": "ORG",
        "pattern": [
            {**_NAME_WORD, "OP": "*"},
            {"ORTH": {"IN": english.ORGANISATION_HEADS}},
            {"LOWER": "of"},
            {"LOWER": "the", "OP": "?"},
            {**_NAME_WORD, "OP": "+"},
        ],
    },
]


@pytest.mark.parametrize(
    "text",
    [
        "Kirkwall Savings Bank Group said the Bank of Kirkwall Governor would stay.",
        "The Ministry of the Interior and the Ministry of Foreign Affairs Trade Union met.",
        "Bank of Orkney Holdings Inc. and Orkney Bank of the North Ltd. merged, said Bank.",
        "S-400, F-35s, Su-30SM and MiG-29 flew; G-7 and G-20 met; AK-47 Bank Group.",
        "In Kirkwall University Council Chairman Ole Berg said Orkney Party of Norway Front.",
        "BANK OF KIRKWALL\nthe Bank of and University of the and Party Party Party",
        "Department of Justice of the University of Westray College of Art Society",
        "",
        "Bank",
    ],
)
def test_cue_words_finds_what_the_entity_ruler_found(text):
    from spacy.pipeline import EntityRuler

    nlp = english.pipeline()
    ruler = EntityRuler(nlp, name="ruler")
    ruler.add_patterns(_RULER_PATTERNS)
    expected = ruler(nlp.make_doc(text))
    got = english.cue_words(nlp.make_doc(text))
    assert [(e.start, e.end, e.label_) for e in got.ents] == [
        (e.start, e.end, e.label_) for e in expected.ents
    ]
    assert [t.ent_iob_ for t in got] == [t.ent_iob_ for t in expected]
    if "Bank Group" in text:
        assert got.ents  # the texts do hold cue words
