"""Tests for ``manage.py entities``: text on standard input, spans out, as JSON or a table."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.management.commands import entities as command
from articles.models import Entity
from tests import builders

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def run(text, *args):
    out = io.StringIO()
    call_command("entities", *args, stdin=io.StringIO(text), stdout=out)
    return out.getvalue()


def spans(text, *args):
    return [json.loads(line) for line in run(text, "--json", *args).splitlines()]


def test_json_gives_one_object_per_span_with_offsets_into_the_input():
    text = "Recep Tayyip Erdo\u011fan\u2019s visit to \u0130stanbul worried NATO."
    lines = run(text, "--json").splitlines()
    objects = [json.loads(line) for line in lines]
    assert [(o["text"], o["kind"]) for o in objects] == [
        ("Recep Tayyip Erdo\u011fan", "person"),
        ("\u0130stanbul", "place"),
        ("NATO", "organisation"),
    ]
    assert all(set(o) == {"start", "end", "text", "kind"} for o in objects)
    assert all(text[o["start"] : o["end"]] == o["text"] for o in objects)
    assert "\u0130stanbul" in lines[1]  # not escaped as \\u0130


def test_persian_goes_through_the_persian_rules_not_the_english_model():
    putin_in_moscow = "\u067e\u0648\u062a\u06cc\u0646 \u062f\u0631 \u0645\u0633\u06a9\u0648"
    objects = [
        json.loads(line) for line in run(putin_in_moscow, "--json", "--language", "fa").splitlines()
    ]
    assert [(o["text"], o["kind"]) for o in objects] == [("\u0645\u0633\u06a9\u0648", "place")]


def test_without_json_a_table():
    lines = run("Putin met Erdogan in Sochi.").splitlines()
    assert lines[0].split() == ["start", "end", "kind", "text"]
    assert lines[1].split() == ["0", "5", "person", "Putin"]
    assert lines[3].split() == ["21", "26", "place", "Sochi"]


def test_reads_standard_input_of_the_real_command():
    result = subprocess.run(
        [sys.executable, "manage.py", "entities", "--json"],
        input="The S-400 reached Ankara.",
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"start": 4, "end": 9, "text": "S-400", "kind": "other"},
        {"start": 18, "end": 24, "text": "Ankara", "kind": "place"},
    ]


def test_the_language_is_detected_piece_by_piece(monkeypatch):
    monkeypatch.setattr(command, "PIECE", 120)
    english = "Angela Merkel met the president of France in Paris on a cold Monday morning."
    persian = "خبرگزاری پارسا گزارش داد که وزیر امور خارجه برای دیدار با همتای خود به تهران رفت."
    text = f"{english}\n\n{persian}\n\n{english}"
    found = spans(text)
    assert all(text[o["start"] : o["end"]] == o["text"] for o in found)
    assert ("خبرگزاری پارسا", "organisation") in [(o["text"], o["kind"]) for o in found]
    assert [o["text"] for o in found].count("Angela Merkel") == 2


def test_the_archives_own_entities_are_found_as_on_import():
    builders.entity("کویرستان", Entity.Kind.PLACE)
    assert [(o["text"], o["kind"]) for o in spans("سفر به کویرستان", "--language", "fa")] == [
        ("کویرستان", "place")
    ]


def test_long_input_is_read_in_pieces_with_true_offsets(monkeypatch):
    monkeypatch.setattr(command, "PIECE", 200)
    paragraph = "Vladimir Putin flew from Moscow to Ankara on Tuesday to meet Erdogan."
    text = "\n\n".join([paragraph] * 40)
    found = spans(text, "--language", "en")
    assert all(text[o["start"] : o["end"]] == o["text"] for o in found)
    assert [o["text"] for o in found].count("Vladimir Putin") == 40


def test_processes_caps_the_extraction_workers(monkeypatch):
    asked = []
    real = command.in_parallel

    def in_parallel(jobs, work, processes=None):
        asked.append(processes)
        return real(jobs, work, processes)

    monkeypatch.setattr(command, "in_parallel", in_parallel)
    assert [o["text"] for o in spans("Putin met Erdogan in Sochi.", "--processes", "1")] == [
        "Putin",
        "Erdogan",
        "Sochi",
    ]
    run("Putin met Erdogan in Sochi.")
    assert asked == [1, None]  # one process; by default, one per core


@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_processes_must_be_a_positive_number(value):
    with pytest.raises(CommandError, match="--processes"):
        run("Putin.", "--processes", value)
