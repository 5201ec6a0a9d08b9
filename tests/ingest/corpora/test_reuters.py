import datetime as dt
import logging
import lzma
import re
from pathlib import Path

import pytest

from articles.ingest.corpora.reuters import (
    _SIGN_OFF,
    CATEGORY_FILE,
    _sign_off_from,
    clean_body,
    entity_name,
    parse_byline,
    read,
    read_file,
    readable_title,
    topic_labels,
    unescape,
)

CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus"
FOLDER = CORPUS / "reuters21578"
FIRST_FILE = FOLDER / "reut2-000.sgm.xz"


def _require_corpus():
    if not FIRST_FILE.is_file():
        pytest.skip(f"Reuters-21578 not found at {FOLDER.resolve()}")


@pytest.fixture(scope="module")
def records():
    """The stories of the first of the 22 files (reading all of them takes seconds)."""
    _require_corpus()
    topics = topic_labels(FOLDER / CATEGORY_FILE)
    return {record.source_name: record for record in read_file(FIRST_FILE, topics)}


def test_stories_with_title_and_body_become_records(records):
    # 907 elements in the file; briefs (title only) and unparsed texts are passed over.
    assert len(records) == 839


def test_read_goes_through_the_files_in_order_and_stops_at_limit(records):
    first = list(read(FOLDER, limit=25))
    assert [r.source_name for r in first] == list(records)[:25]
    assert first[0].source_name == "reut2-000.sgm#NEWID=1"


def test_fields_of_one_story(records):
    story = records["reut2-000.sgm#NEWID=1"]
    assert story.title == "Bahia Cocoa Review"
    assert story.published == dt.date(1987, 2, 26)
    assert story.section == "Cocoa"
    assert story.publication == "Reuters"
    assert story.publication_url == "https://www.reuters.com"
    assert story.language == "en"
    assert story.body.startswith("Showers continued")  # dateline "SALVADOR, Feb 26 -" left out
    assert "SALVADOR" not in story.body
    assert not story.body.endswith("Reuter")
    assert len(story.body.split("\n\n")) > 10
    assert "\n" not in story.body.split("\n\n")[0]  # hard-wrapped lines joined
    assert [(e.name, e.kind) for e in story.entities] == [
        ("El Salvador", "place"),
        ("United States", "place"),
        ("Uruguay", "place"),
    ]


def test_entities_of_a_story_with_people(records):
    story = records["reut2-000.sgm#NEWID=458"]
    names = {(e.name, e.kind) for e in story.entities}
    assert {
        ("Nigel Lawson", "person"),
        ("Paul Volcker", "person"),
        ("James Baker", "person"),
        ("IMF", "organisation"),
        ("United Kingdom", "place"),
        ("West Germany", "place"),
    } <= names
    assert all(e.count == 1 for e in story.entities)


def test_organisation_names(records):
    names = {e.name for e in records["reut2-000.sgm#NEWID=833"].entities}
    assert {"Clayton Yeutter", "European Community", "GATT"} <= names


def test_references_are_resolved(records):
    story = records["reut2-000.sgm#NEWID=2"]
    assert story.title == "Standard Oil <SRD> to Form Financial Unit"
    assert "<BP>" in story.body
    assert "&lt;" in story.raw_text  # raw_text is the source's, untouched


def test_text_spilled_into_the_dateline_is_put_back(records):
    story = records["reut2-000.sgm#NEWID=47"]
    assert story.body.startswith('Brazil\'s "Cruzado" anti-inflation plan')


def test_byline(records):
    assert records["reut2-000.sgm#NEWID=4"].authors == ["Janie Gabbett"]
    assert records["reut2-000.sgm#NEWID=1"].authors == []


def test_sections_from_topics(records):
    assert records["reut2-000.sgm#NEWID=248"].section == "Crude Oil"  # from cat-descriptions
    assert records["reut2-000.sgm#NEWID=221"].section == "Foreign Exchange"  # money-fx
    assert records["reut2-000.sgm#NEWID=2"].section == ""  # no TOPICS


def test_bodies_are_clean(records):
    for record in records.values():
        assert record.title and record.body
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", record.body + record.title)
        assert "&lt;" not in record.body
        assert "&#" not in record.body
        assert not re.search(r"(?i)\breuter\W*$", record.body)
        assert "\n\n\n" not in record.body


@pytest.mark.parametrize(
    ("title", "readable"),
    [
        ("U.S. OPEC TALKS TO RESUME IN VIENNA", "U.S. OPEC Talks to Resume in Vienna"),
        ("ACME CORP <ACM> 1ST QTR NET", "Acme Corp <ACM> 1st Qtr Net"),
        ("IMF SEES 3 PCT GROWTH FOR EC", "IMF Sees 3 pct Growth for EC"),
        (
            "WIDGET MAKER SETS 50 MLN DLR ANTI-TAKEOVER PLAN",
            "Widget Maker Sets 50 mln dlr Anti-Takeover Plan",
        ),
        ("U.S.-JAPAN CHIP TALKS - OFFICIALS", "U.S.-Japan Chip Talks - Officials"),
        ("O'NEILL TO JOIN MCCAW AS CBT DIRECTOR", "O'Neill to Join McCaw as CBT Director"),
        ("<FOO BAR LTD> YEAR LOSS", "<Foo Bar Ltd> Year Loss"),
        ("THE WORLD BANK OF THE FUTURE", "The World Bank of the Future"),
        ("Already readable title", "Already readable title"),
    ],
)
def test_readable_title(title, readable):
    assert readable_title(title) == readable


@pytest.mark.parametrize(
    ("code", "kind", "name"),
    [
        ("james-baker", "person", "James Baker"),
        ("reagan", "person", "Ronald Reagan"),
        ("brodersohn", "person", "Brodersohn"),  # generic rule: the code capitalised
        ("de-la-madrid", "person", "Miguel de la Madrid"),
        ("usa", "place", "United States"),
        ("uk", "place", "United Kingdom"),
        ("west-germany", "place", "West Germany"),
        ("sri-lanka", "place", "Sri Lanka"),
        ("ec", "organisation", "European Community"),
        ("opec", "organisation", "OPEC"),
        ("imf", "organisation", "IMF"),
        ("worldbank", "organisation", "World Bank"),
    ],
)
def test_entity_name(code, kind, name):
    assert entity_name(code, kind) == name


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("    By Jane Doe, Reuters", ["Jane Doe"]),
        ("    by Jane Doe, Reuter", ["Jane Doe"]),
        ("    By Jane Doe", ["Jane Doe"]),
        ("    BY JOHN O'HARA, Reuters", ["John O'Hara"]),
        ("    By Jane Doe and John Roe, Reuters", ["Jane Doe", "John Roe"]),
        ("", []),
    ],
)
def test_parse_byline(byline, authors):
    assert parse_byline(byline) == authors


def test_clean_body():
    raw = (
        "Widget makers said output rose, with &lt;Acme Co> and\n"
        "Foo &amp; Bar leading the anti-\n"
        "dumping complaint.\n"
        "    A second paragraph\n"
        "wraps here.\n"
        "    Shr 10 cts vs 5 cts\n"
        " Reuter\n"
        "&#3;"
    )
    assert clean_body(raw) == (
        "Widget makers said output rose, with <Acme Co> and Foo & Bar leading the "
        "anti-dumping complaint.\n\n"
        "A second paragraph wraps here.\n\n"
        "Shr 10 cts vs 5 cts"
    )


@pytest.mark.parametrize(
    "raw",
    [
        "Profit rose.\n" + " " * 20 + "Reuter\n&#3;",  # far indented: searched from before it
        "Profit rose.\n\t \t REUTE",
        "Profit rose 5 pct. Reuters...  \n",  # after a sentence, dots and a line end after it
        "Sales rose.\n   More\n",
        "Reuter",
        "Sales rose 5 pct. REUTERS\n Reuter\n",  # taken away twice
        "Sales rose.\n     Reuters\u017f  ",  # a ninth letter, the long s (matched as "s")
        "It fell 3.5 pct.\n\n\n    reuter..\n\n  ",
        "It fell 3.5 pct.\n\n\n    reuter. .",  # no sign-off: dots apart
        "He told Reuters",  # no sign-off: no sentence before it
        "Rates at 7.5 pct\t\tReuters",
        "",
    ],
)
def test_the_sign_off_is_searched_for_where_it_can_start(raw):
    # ``clean_body`` searches for the sign-off near the end only: it finds what the pattern
    # tried at every position finds, each time round.
    text = unescape(raw)
    while True:
        everywhere = _SIGN_OFF.search(text)
        near_the_end = _SIGN_OFF.search(text, _sign_off_from(text))
        assert (near_the_end and near_the_end.span()) == (everywhere and everywhere.span())
        if everywhere is None:
            break
        assert everywhere.end() == len(text)  # a sign-off runs to the end
        text = text[: everywhere.start()]


def test_the_sign_off_of_every_story_of_a_file_is_found_where_it_can_start(records):
    for record in records.values():
        test_the_sign_off_is_searched_for_where_it_can_start(record.raw_text)


def test_clean_body_keeps_a_last_word_that_is_not_the_sign_off():
    assert clean_body("Sales rose and costs fell more") == "Sales rose and costs fell more"
    assert clean_body("Costs rose 10 pct or\nmore.\n Reuter\n&#3;") == "Costs rose 10 pct or more."
    assert clean_body("Costs rose, officials told\nReuters.\n") == (
        "Costs rose, officials told Reuters."
    )
    assert clean_body("Costs rose.\n More\n&#3;") == "Costs rose."
    assert clean_body("Prices rose.  REUTER...\n&#3;") == "Prices rose."
    assert clean_body("WASHINGTON, March 2 - Prices rose.") == "Prices rose."


SGML = """<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" NEWID="1">
<DATE> 2-MAR-1987 10:00:00.00</DATE>
<TOPICS><D>trade</D></TOPICS>
<PLACES><D>usa</D></PLACES>
<PEOPLE><D>jane-doe</D></PEOPLE>
<ORGS></ORGS>
<TEXT>&#2;
<TITLE>WIDGET EXPORTS RISE</TITLE>
<DATELINE>    SPRINGFIELD, March 2 - </DATELINE><BODY>Widget exports rose.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="NO" NEWID="2">
<DATE> 2-MAR-1987 10:05:00.00</DATE>
<TEXT>&#2;
<TITLE>THIS ONE IS CUT OFF</TITLE>
<BODY>The element never closes.
<REUTERS TOPICS="NO" NEWID="3">
<DATE>2-MAR-1987 10:10:00.00</DATE>
<TEXT TYPE="BRIEF">&#2;
<TITLE>A BRIEF HAS NO BODY</TITLE>
</TEXT>
</REUTERS>
<REUTERS TOPICS="NO" NEWID="4">
<DATE>31-FEB-1987 10:15:00.00</DATE>
<TEXT>&#2;
<TITLE>GADGET SALES FALL</TITLE>
<BODY>Gadget sales fell.
&#3;</BODY></TEXT>
</REUTERS>
"""


def test_a_damaged_element_is_skipped_and_reading_goes_on(tmp_path, caplog):
    (tmp_path / "reut2-000.sgm.xz").write_bytes(lzma.compress(SGML.encode("latin-1")))
    with caplog.at_level(logging.WARNING, logger="articles.ingest.corpora.reuters"):
        records = list(read(tmp_path))
    assert [r.source_name for r in records] == ["reut2-000.sgm#NEWID=1", "reut2-000.sgm#NEWID=4"]
    first, last = records
    assert first.title == "Widget Exports Rise"
    assert first.body == "Widget exports rose."
    assert first.published == dt.date(1987, 3, 2)
    assert first.section == "Trade"  # no cat-descriptions here: the code recased
    assert [(e.name, e.kind) for e in first.entities] == [
        ("Jane Doe", "person"),
        ("United States", "place"),
    ]
    assert last.published is None  # 31 February
    warnings = " ".join(r.getMessage() for r in caplog.records)
    assert "NEWID=2" in warnings
    assert "NEWID=3" not in warnings  # briefs are normal, not warned about
    assert "NEWID=4" in warnings
