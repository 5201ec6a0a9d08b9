"""Tests for articles.language: the language and script of a text, the particles of names."""

import pytest

from articles.citations import split_name
from articles.ingest.header import classify_line
from articles.language import NAME_PARTICLES, detect_language, main_script, script_of

PERSIAN_MOTTO = "خبرهای روز از کابل و هرات و جهان"


class TestScripts:
    def test_script_of_letters_and_others(self):
        assert script_of("a") == "LATIN"
        assert script_of("İ") == "LATIN"
        assert script_of("ک") == "ARABIC"
        assert script_of("7") == ""
        assert script_of("—") == ""

    def test_main_script(self):
        assert main_script(
            f"{PERSIAN_MOTTO}\nA much longer English line than the motto above."
        ) == ("LATIN")
        assert main_script(f"{PERSIAN_MOTTO} Kabul") == "ARABIC"
        assert main_script("2019 — 12") == ""


class TestLanguage:
    def test_english(self):
        text = (
            "The provincial council met on Tuesday to discuss the water supply of the old city. "
            "The meeting lasted for six hours and ended without a vote on any of the three plans."
        )
        assert detect_language(text) == "en"

    def test_persian(self):
        assert (
            detect_language("این یک متن کوتاه فارسی درباره آب شهر کابل و شورای ولایتی است") == "fa"
        )

    def test_same_answer_every_time(self):
        text = "Kabul council water"
        assert len({detect_language(text) for _ in range(5)}) == 1

    @pytest.mark.parametrize("text", ["", "12345", "—"])
    def test_undetectable(self, text):
        assert detect_language(text) == ""


class TestNameParticles:
    """One list of particles: the header reader, the entity cleanup and the citations read a
    name with any of them the same way."""

    @pytest.mark.parametrize("particle", ["ibn", "ten", "des", "van"])
    def test_a_byline_with_a_particle_is_a_byline(self, particle):
        assert particle in NAME_PARTICLES
        line = f"By Amir {particle} Karimi"
        assert classify_line(line, "LATIN") == ("byline", ([f"Amir {particle} Karimi"], None))

    @pytest.mark.parametrize("particle", ["ibn", "ten", "des", "van"])
    def test_a_particle_belongs_to_the_family_name(self, particle):
        name = split_name(f"Amir {particle} Karimi")
        assert (name.family, name.given) == (f"{particle} Karimi", "Amir")

    def test_an_ordinary_lower_case_word_is_no_particle(self):
        assert classify_line("By Amir went Karimi", "LATIN")[0] != "byline"
