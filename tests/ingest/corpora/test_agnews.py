import csv
import io
import logging
import lzma
import re
from collections import Counter
from pathlib import Path

import pytest

from articles.ingest.corpora.agnews import FILE_NAME, clean_text, read, take_credit

CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus"
FOLDER = CORPUS / "ag_news_test"
# What the set's mangling and feed markup leave if not repaired.
DEBRIS = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\\]|&[a-z]+;|&#\d+;|(?<![&\w])(?:#\d+|quot|amp|lt|gt);"
    r"|</?(?:a|b|i|p|br|em|font|nobr|strong|img)\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def records():
    # The whole set reads in about 0.2 s.
    if not (FOLDER / FILE_NAME).is_file():
        pytest.skip(f"AG News corpus not found at {FOLDER.resolve()}")
    return {record.source_name: record for record in read(FOLDER)}


def test_every_row_becomes_a_record(records):
    assert len(records) == 7600
    assert Counter(r.section for r in records.values()) == {
        "World": 1900,
        "Sports": 1900,
        "Business": 1900,
        "Sci/Tech": 1900,
    }


def test_fields_of_one_item(records):
    item = records["test.csv#2"]
    # "(SPACE.com)" closed the title and "SPACE.com - " opened the description.
    assert item.title == (
        "The Race is On: Second Private Team Sets Launch Date for Human Spaceflight"
    )
    assert item.publication == "Space.com"
    assert item.publication_url == "https://www.space.com"
    # "second\team" was an escaped line break, " #36;" a "$" whose "&" was lost.
    assert item.body.startswith("TORONTO, Canada -- A second team of rocketeers")
    assert "for the $10 million Ansari X Prize" in item.body
    assert item.section == "Sci/Tech"
    assert item.language == "en"
    assert item.published is None and item.source_url == ""  # the set has neither
    assert item.raw_text.startswith("SPACE.com - TORONTO")


def test_sources_named_by_items_are_their_publication(records):
    assert records["test.csv#5"].publication == "Associated Press"  # "(AP)" in the title
    assert not records["test.csv#5"].title.endswith("(AP)")
    assert records["test.csv#1"].publication == ""  # names no source
    publications = Counter(r.publication for r in records.values())
    assert publications["Reuters"] == 768
    assert publications["Associated Press"] == 519
    assert publications[""] == 5838  # three items in four name no source


def test_mangled_references_and_markup_are_repaired(records):
    for record in records.values():
        assert record.title and record.body
        assert "\n\n\n" not in record.body
        assert not DEBRIS.search(record.title + record.body), record.source_name
    ciena = next(
        r for r in records.values() if r.title == "Ciena Posts a Loss, Forecasts Flat Sales"
    )
    assert ciena.authors == ["Deborah Cohen"]  # "<p> By Deborah Cohen</p>" of Reuters' feed
    assert ciena.body.startswith("CHICAGO (Reuters) - ")
    assert "<CIEN.O>" in ciena.body  # a ticker is text
    bodies = " ".join(r.body for r in records.values())
    assert "Johnson & Johnson" in bodies
    assert "ADVERTISEMENT" not in bodies


def test_limit():
    if not (FOLDER / FILE_NAME).is_file():
        pytest.skip(f"AG News corpus not found at {FOLDER.resolve()}")
    assert [r.source_name for r in read(FOLDER, limit=2)] == ["test.csv#1", "test.csv#2"]


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("Turner won #39;t go", "Turner won't go"),
        ("Johnson  amp; Johnson", "Johnson & Johnson"),
        ("J amp;J deal", "J&J deal"),
        ("vowing:  quot;We will return. quot;", 'vowing: "We will return."'),
        ("up to  #36;50 million", "up to $50 million"),
        ("a \\$1B portfolio", "a $1B portfolio"),
        ("the first\\launch date", "the first launch date"),
        ("Headline\\\\Text of the story.", "Headline\n\nText of the story."),
        ("war  #151; and peace", "war — and peace"),
        ("Acme Inc. &lt;ACME.N&gt; rose", "Acme Inc. <ACME.N> rose"),
        ("Pushes On With Gaza &lt;b&gt;...&lt;/b&gt;", "Pushes On With Gaza ..."),
        ("Text. &lt;p&gt;ADVERTISEMENT&lt;/p&gt;&lt;p&gt;Buy now&lt;/p&gt;", "Text."),
        (
            'Text. &lt;FONT face="verdana" size="-2"&gt;&lt;B&gt;-The Post&lt;/B&gt;&lt;/FONT&gt;',
            "Text.",
        ),
        ("a fraud; not a reference", "a fraud; not a reference"),
    ],
)
def test_clean_text(cell, text):
    assert clean_text(cell) == text


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        ("Deal Done (Reuters)", "Reuters - Text.", ("Deal Done", "Text.", "Reuters")),
        (
            "Deal Done",
            "LONDON (Reuters) - Text.",
            ("Deal Done", "LONDON (Reuters) - Text.", "Reuters"),
        ),
        ("Deal Done (Update1)", "Text.", ("Deal Done (Update1)", "Text.", "")),
        ("Deal Done", "Athens - Text.", ("Deal Done", "Athens - Text.", "")),
    ],
)
def test_take_credit(title, body, expected):
    assert take_credit(title, body) == expected


def test_bad_rows_are_skipped_with_a_warning(tmp_path, caplog):
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerows(
        [
            ["3", "Markets rally (AP)", "AP - Shares rose on Monday, analysts said."],
            ["2", "Only two cells"],
            ["7", "Unknown class", "Text."],
            ["1", "", "No title."],
            ["4", "Chip maker ships", "A new chip\\shipped."],
        ]
    )
    (tmp_path / FILE_NAME).write_bytes(lzma.compress(buffer.getvalue().encode("utf-8")))
    # No classes.txt here: the usual names are used, with a warning.
    with caplog.at_level(logging.WARNING, logger="articles.ingest.corpora.agnews"):
        records = list(read(tmp_path))
    assert [r.source_name for r in records] == ["test.csv#1", "test.csv#5"]
    first, last = records
    assert (first.title, first.body, first.publication) == (
        "Markets rally",
        "Shares rose on Monday, analysts said.",
        "Associated Press",
    )
    assert first.section == "Business"
    assert (last.section, last.body) == ("Sci/Tech", "A new chip shipped.")
    warnings = " ".join(r.getMessage() for r in caplog.records)
    for label in ("classes.txt", "#2", "#3", "#4"):
        assert label in warnings
