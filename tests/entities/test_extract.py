"""Tests for articles.entities.extract: spans, kinds, trimming, the weapon rule, gazetteers,
batches, long texts, and the seed article end to end."""

import re

import pytest

import articles.entities as entities
from articles.entities import KINDS, WEAPON_DESIGNATOR, Span, extract, extract_many
from articles.entities.gazetteer import Gazetteer
from articles.entities.normalise import group
from articles.ingest.formats.dump import parse_dump
from tests.conftest import SEED


def found(text, language="en", gazetteer=None):
    return [(s.text, s.kind) for s in extract(text, language, gazetteer)]


def assert_well_formed(text, spans):
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert all(s.kind in KINDS for s in spans)
    assert spans == sorted(spans, key=lambda s: s.start)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))


def test_span_is_a_frozen_value():
    span = Span(0, 5, "Putin", "person")
    assert span == Span(0, 5, "Putin", "person")
    with pytest.raises(AttributeError):
        span.kind = "place"


def test_people_organisations_and_places_but_no_dates():
    text = "Angela Merkel met the United Nations chief in Paris on Monday."
    spans = extract(text, "en")
    assert_well_formed(text, spans)
    assert [(s.text, s.kind) for s in spans] == [
        ("Angela Merkel", "person"),
        ("United Nations", "organisation"),  # "the" trimmed
        ("Paris", "place"),
    ]


def test_possessive_is_trimmed_with_either_apostrophe():
    text = "Erdogan\u2019s visit and Moscow's view."
    spans = extract(text, "en")
    assert_well_formed(text, spans)
    assert [(s.text, s.kind) for s in spans] == [("Erdogan", "person"), ("Moscow", "place")]


def test_empty_language_means_english():
    assert found("Vladimir Putin spoke in Sochi.", "") == found("Vladimir Putin spoke in Sochi.")
    assert ("Vladimir Putin", "person") in found("Vladimir Putin spoke in Sochi.", "en-GB")


def test_weapon_designators_are_other():
    text = "Turkey bought the S-400 and wanted Su-57 and MiG-29 jets rather than F-35s."
    assert found(text) == [
        ("Turkey", "place"),
        ("S-400", "other"),
        ("Su-57", "other"),
        ("MiG-29", "other"),
        ("F-35s", "other"),
    ]


@pytest.mark.parametrize("word", ["S-400", "F-35", "Su-57", "Su-30SM", "MiG-29", "F-35s"])
def test_designator_rule_takes_weapons(word):
    assert re.match(WEAPON_DESIGNATOR, word)


@pytest.mark.parametrize("word", ["G-20", "G-7", "COVID-19", "MAKS-2019", "Mi-8", "s-400"])
def test_designator_rule_leaves_other_words(word):
    assert not re.match(WEAPON_DESIGNATOR, word)


def test_other_languages_without_gazetteer_find_nothing():
    assert extract("Vladimir Putin spoke in Sochi.", "de") == []


def test_persian_without_gazetteer_finds_places_by_general_rules():
    # Moscow is a CLDR city name; Vladimir a given name, and a family name follows it.
    assert found("ولادیمیر پوتین در مسکو گفت", "fa") == [
        ("ولادیمیر پوتین", "person"),
        ("مسکو", "place"),
    ]


def test_other_languages_use_the_gazetteer_only():
    gazetteer = Gazetteer([("ولادیمیر پوتین", "person", ["پوتین"]), ("مسکو", "place", [])])
    text = "ولادیمیر پوتین در مسکو گفت که پوتین"
    spans = extract(text, "fa", gazetteer)
    assert_well_formed(text, spans)
    assert [(s.text, s.kind) for s in spans] == [
        ("ولادیمیر پوتین", "person"),
        ("مسکو", "place"),
        ("پوتین", "person"),
    ]


def test_gazetteer_adds_what_the_model_misses():
    gazetteer = Gazetteer([("safe zone", "other", [])])
    assert found("They want a safe zone there.") == []
    assert found("They want a safe zone there.", gazetteer=gazetteer) == [("safe zone", "other")]


def test_model_span_wins_over_a_shorter_gazetteer_match():
    gazetteer = Gazetteer([("Domodedovo", "place", [])])
    text = "He flew into Moscow Domodedovo Airport on Friday."
    assert found(text, gazetteer=gazetteer) == [("Moscow Domodedovo Airport", "place")]


def test_longer_gazetteer_match_wins_and_same_words_take_the_curated_kind():
    gazetteer = Gazetteer(
        [("Khan Shaykhun", "place", ["Khan Sheikoun"]), ("Morek military base", "place", [])]
    )
    text = "The regime halted its attacks near Khan Sheikoun and the Morek military base."
    spans = extract(text, "en", gazetteer)
    assert_well_formed(text, spans)
    assert [(s.text, s.kind) for s in spans] == [
        ("Khan Sheikoun", "place"),
        ("Morek military base", "place"),
    ]


def test_extract_many_gives_what_extract_gives_in_order():
    texts = ["", "Putin met Erdogan in Sochi.", "   ", "The S-400 reached Ankara."]
    assert list(extract_many(iter(texts), "en")) == [extract(t, "en") for t in texts]
    assert list(extract_many(texts, "fa")) == [[], [], [], []]


def test_long_texts_go_through_in_pieces_with_true_offsets(monkeypatch):
    paragraph = "Vladimir Putin met Recep Tayyip Erdogan in Moscow on Tuesday."
    text = "\n\n".join([paragraph] * 40)
    whole = extract(text, "en")
    monkeypatch.setattr(entities, "MAX_CHUNK", 300)
    assert [piece for _, piece in entities._chunks(text)] != [text]
    pieces = extract(text, "en")
    assert_well_formed(text, pieces)
    assert pieces == whole
    assert len([s for s in pieces if s.text == "Moscow"]) == 40


def test_chunks_cover_the_text_exactly():
    text = ("word " * 50 + "\n\n") * 5 + "x" * 120
    chunks = list(entities._chunks(text, limit=100))
    assert "".join(piece for _, piece in chunks) == text
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in chunks)
    assert all(len(piece) <= 100 for _, piece in chunks)


# --- The seed article, end to end ------------------------------------------------------

EXPECTED = {
    "Recep Tayyip Erdogan": "person",
    "Vladimir Putin": "person",
    "Bashar al-Assad": "person",
    "Russia": "place",
    "Turkey": "place",
    "Syria": "place",
    "Idlib": "place",
    "NATO": "organisation",
    "Washington": "place",
    "Moscow": "place",
    "Ankara": "place",
    "S-400": "other",
    "F-35": "other",
    "Su-57": "other",
}


@pytest.fixture(scope="module")
def seed_entities():
    if not SEED.exists():
        pytest.skip(f"the seed is not at {SEED}")
    body = parse_dump(SEED.read_text(encoding="utf-8")).body
    spans = extract(body, "en")
    assert_well_formed(body, spans)
    return group(spans)


@pytest.mark.parametrize(("name", "kind"), EXPECTED.items())
def test_seed_names_each_entity_once(seed_entities, name, kind):
    matches = [f for f in seed_entities if f.name == name]
    assert len(matches) == 1, [f.name for f in seed_entities]
    assert matches[0].kind == kind


@pytest.mark.parametrize("surname", ["Erdogan", "Putin", "Assad"])
def test_seed_has_no_second_entity_for_a_person(seed_entities, surname):
    assert len([f for f in seed_entities if surname in f.name]) == 1


def test_seed_counts_every_mention_of_erdogan(seed_entities):
    erdogan = next(f for f in seed_entities if f.name == "Recep Tayyip Erdogan")
    assert erdogan.count == len(erdogan.positions) >= 15
    assert erdogan.surface_forms >= {"Recep Tayyip Erdogan", "Erdogan"}
