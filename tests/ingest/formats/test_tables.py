import bz2
import csv
import datetime as dt
import gzip
import io
import json
import logging
import lzma

import pytest

from articles.ingest.formats.tables import (
    parse_mapping,
    parse_published,
    read_csv,
    read_jsonl,
    read_table,
    split_authors,
    split_tags,
)
from articles.ingest.record import EntityRef

MAPPING = {
    "title": "headline",
    "body": "text",
    "authors": "byline",
    "published": "date",
    "section": "desk",
    "tags": "keywords",
    "source_url": "url",
}
HEADER = ["headline", "text", "byline", "date", "desk", "keywords", "url"]


def _csv(rows: list[list[str]], header: list[str] = HEADER) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def test_read_csv_maps_columns_to_fields(tmp_path):
    path = tmp_path / "stories.csv"
    path.write_text(
        _csv(
            [
                [
                    "Harbour reopens",
                    "The harbour reopened on Monday.\n\nShips queued\nall night.",
                    "Ann Lee and Bo Chan",
                    "September 5, 2019",
                    "Local",
                    "harbour; ships | weather",
                    "https://news.example/harbour",
                ],
            ]
        ),
        encoding="utf-8",
    )
    (record,) = read_csv(path, MAPPING, defaults={"publication": "The Example", "language": "EN"})
    assert record.title == "Harbour reopens"
    assert record.body == "The harbour reopened on Monday.\n\nShips queued all night."
    assert record.raw_text == "The harbour reopened on Monday.\n\nShips queued\nall night."
    assert record.authors == ["Ann Lee", "Bo Chan"]
    assert record.published == dt.date(2019, 9, 5)
    assert record.section == "Local"
    assert record.entities == [
        EntityRef("harbour", "other"),
        EntityRef("ships", "other"),
        EntityRef("weather", "other"),
    ]
    assert record.source_url == "https://news.example/harbour"
    assert record.publication == "The Example"  # from the defaults
    assert record.language == "en"
    assert record.source_name == "stories.csv#1"


def test_missing_values_stay_empty_or_take_the_default(tmp_path):
    path = tmp_path / "stories.csv"
    path.write_text(
        _csv(
            [
                ["One", "Body one.", "NaN", "null", "", "", ""],
                ["Two", "Body two.", "", "NULL", "Sport", "", "nan"],
            ]
        ),
        encoding="utf-8",
    )
    one, two = read_csv(path, MAPPING, defaults={"section": "General"})
    assert (one.authors, one.published, one.section, one.entities) == ([], None, "General", [])
    assert (two.section, two.source_url) == ("Sport", "")


def test_a_body_without_blank_lines_has_a_paragraph_per_line(tmp_path):
    path = tmp_path / "stories.csv"
    path.write_text(_csv([["Lines", "First line.\nSecond line.", "", "", "", "", ""]]))
    (record,) = read_csv(path, MAPPING)
    assert record.body == "First line.\n\nSecond line."


def test_read_jsonl(tmp_path):
    lines = [
        {
            "headline": "سرخط خبر",
            "text": ["بند یک", "  ", "بند\u00a0دو"],
            "byline": ["نویسنده یک", "نویسنده دو"],
            "date": "2019-09-05T10:00:00+04:30",
            "keywords": ["کابل", "کابل", "هرات"],
            "lang": "fa",
        },
        {"headline": "Second", "text": "Body.", "date": None, "lang": "en", "extra": {"a": 1}},
    ]
    path = tmp_path / "stories.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n")
    mapping = {**MAPPING, "language": "lang"}
    first, second = read_jsonl(path, mapping)
    assert first.title == "سرخط خبر"
    assert first.body == "بند یک\n\nبند دو"
    assert first.authors == ["نویسنده یک", "نویسنده دو"]
    assert first.published == dt.date(2019, 9, 5)  # the date as written, whatever the zone
    assert [e.name for e in first.entities] == ["کابل", "هرات"]
    assert first.language == "fa"
    assert first.source_name == "stories.jsonl#1"
    assert (second.published, second.authors, second.section) == (None, [], "")


@pytest.mark.parametrize(
    ("name", "opener"),
    [
        ("stories.csv.xz", lzma.open),
        ("stories.csv.gz", gzip.open),
        ("stories.csv.bz2", bz2.open),
        ("stories.jsonl.xz", lzma.open),
        ("stories.jsonl.gz", gzip.open),
    ],
)
def test_compressed_files_are_read_as_they_are(tmp_path, name, opener):
    path = tmp_path / name
    if ".jsonl" in name:
        content = json.dumps({"headline": "Packed", "text": "Inside."}) + "\n"
    else:
        content = _csv([["Packed", "Inside.", "", "", "", "", ""]])
    with opener(path, "wt", encoding="utf-8") as stream:
        stream.write(content)
    (record,) = read_table(path, MAPPING)
    assert (record.title, record.body) == ("Packed", "Inside.")
    assert record.source_name == name.rsplit(".", 1)[0] + "#1"


@pytest.mark.parametrize("name", ["stories.json", "stories.ndjson"])
def test_json_and_ndjson_files_are_read_as_json_lines(tmp_path, name):
    (tmp_path / name).write_text(json.dumps({"headline": "Lined", "text": "Up."}) + "\n")
    (record,) = read_table(tmp_path / name, MAPPING)
    assert (record.title, record.source_name) == ("Lined", f"{name}#1")


def test_a_byte_order_mark_and_tabs(tmp_path):
    path = tmp_path / "stories.tsv"
    path.write_text("\ufeffheadline\ttext\nTabbed\tSeparated by tabs.\n", encoding="utf-8")
    (record,) = read_csv(path, {"title": "headline", "body": "text"})
    assert (record.title, record.body) == ("Tabbed", "Separated by tabs.")


def test_malformed_rows_are_skipped_with_a_warning(tmp_path, caplog):
    path = tmp_path / "stories.csv"
    text = _csv(
        [
            ["Good one", "Body.", "", "05.09.2019", "", "", ""],
            ["Too few cells", "Body."],
            ["", "No headline.", "", "", "", "", ""],
            ["No body", "  ", "", "", "", "", ""],
            ["Bad date kept", "Body.", "", "31.02.2019", "", "", ""],
            ["Too many", "Body.", "", "", "", "", "", "extra"],
            ["Good two", "Body\x07 two.", "", "", "", "", ""],
        ]
    )
    path.write_text(text, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="articles.ingest.formats.tables"):
        records = list(read_csv(path, MAPPING))
    assert [r.title for r in records] == ["Good one", "Bad date kept", "Good two"]
    assert records[0].published == dt.date(2019, 9, 5)  # day first
    assert records[1].published is None
    assert records[2].body == "Body two."
    warnings = " ".join(r.getMessage() for r in caplog.records)
    assert "line 3" in warnings and "line 7" in warnings  # the rows with the wrong cell count
    assert "stories.csv#3" in warnings and "stories.csv#4" in warnings
    assert "31.02.2019" in warnings


def test_a_row_the_csv_module_rejects_is_skipped(tmp_path, caplog):
    path = tmp_path / "stories.csv"
    path.write_text(
        _csv(
            [
                ["One", "Short.", "", "", "", "", ""],
                ["Two", "Far too long for the limit set below. " * 5, "", "", "", "", ""],
                ["Three", "Short again.", "", "", "", "", ""],
            ]
        )
    )
    limit = csv.field_size_limit(100)
    try:
        with caplog.at_level(logging.WARNING, logger="articles.ingest.formats.tables"):
            titles = [r.title for r in read_csv(path, MAPPING)]
    finally:
        csv.field_size_limit(limit)
    assert titles == ["One", "Three"]
    assert "field larger than field limit" in caplog.text


def test_malformed_lines_are_skipped_with_a_warning(tmp_path, caplog):
    path = tmp_path / "stories.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"headline": "First", "text": "Body."}),
                '{"headline": "broken',
                "[1, 2]",
                "",
                json.dumps({"headline": "No body"}),
                json.dumps({"headline": "Last", "text": "Body.", "date": "someday"}),
            ]
        )
    )
    with caplog.at_level(logging.WARNING, logger="articles.ingest.formats.tables"):
        records = list(read_jsonl(path, MAPPING))
    assert [r.source_name for r in records] == ["stories.jsonl#1", "stories.jsonl#6"]
    assert records[1].published is None
    warnings = " ".join(r.getMessage() for r in caplog.records)
    for label in ("#2", "#3", "#5", "someday"):
        assert label in warnings


def test_limit(tmp_path):
    path = tmp_path / "stories.csv"
    path.write_text(_csv([[f"Story {n}", "Body.", "", "", "", "", ""] for n in range(5)]))
    assert [r.title for r in read_csv(path, MAPPING, limit=2)] == ["Story 0", "Story 1"]
    assert list(read_csv(path, MAPPING, limit=0)) == []


def test_a_mapped_column_the_file_lacks_is_an_error(tmp_path):
    path = tmp_path / "stories.csv"
    path.write_text(_csv([["One", "Body."]], header=["headline", "text"]))
    with pytest.raises(ValueError, match="no column 'byline'"):
        list(read_csv(path, MAPPING))


def test_bad_mappings_and_defaults_are_refused(tmp_path):
    path = tmp_path / "stories.csv"
    path.write_text(_csv([]))
    # Refused when called, before any reading.
    with pytest.raises(ValueError, match="unknown record field 'colour'"):
        read_csv(path, {**MAPPING, "colour": "x"})
    with pytest.raises(ValueError, match="must name the column for body"):
        read_jsonl(path, {"title": "headline"})
    with pytest.raises(ValueError, match="no default can be given for 'raw_text'"):
        read_csv(path, MAPPING, defaults={"raw_text": "x"})


def test_parse_mapping():
    assert parse_mapping("title=headline,body=text,published=date") == {
        "title": "headline",
        "body": "text",
        "published": "date",
    }
    assert parse_mapping(" title = Head line , body = text ,") == {
        "title": "Head line",
        "body": "text",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title=headline", "must name the column for body"),
        ("body=text", "must name the column for title"),
        ("", "must name the column for title and body"),
        ("title=h,body=t,colour=c", "unknown record field 'colour'"),
        ("title=h,body=t,raw_text=r", "unknown record field 'raw_text'"),
        ("title=h,body", "'body' is not field=column"),
        ("title=h,body=", "'body=' is not field=column"),
        ("title=a,title=b,body=c", "'title' is mapped twice"),
    ],
)
def test_parse_mapping_refuses(text, message):
    with pytest.raises(ValueError, match=message):
        parse_mapping(text)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2019-09-05", dt.date(2019, 9, 5)),
        ("2019-09-05T10:00:00Z", dt.date(2019, 9, 5)),
        ("20190905", dt.date(2019, 9, 5)),
        ("September 5, 2019", dt.date(2019, 9, 5)),
        ("5 Sept. 2019", dt.date(2019, 9, 5)),
        ("05.09.2019", dt.date(2019, 9, 5)),  # day first
        ("05/09/2019", dt.date(2019, 9, 5)),  # day first, always
        ("Thu, 05 Sep 2019 10:00:00 GMT", dt.date(2019, 9, 5)),  # via dateutil
        ("2019/9/5 10:00", dt.date(2019, 9, 5)),  # a leading year: month next
        ("Sep 5 2019 10:00PM", dt.date(2019, 9, 5)),
        ("September 2019", None),  # no day
        ("2019", None),
        ("31.02.2019", None),
        ("someday", None),
    ],
)
def test_parse_published(text, date):
    assert parse_published(text) == date


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("Ann Lee", ["Ann Lee"]),
        ("Ann Lee, Bo Chan", ["Ann Lee", "Bo Chan"]),
        ("Ann Lee and Bo Chan", ["Ann Lee", "Bo Chan"]),
        ("Ann Lee & Bo Chan", ["Ann Lee", "Bo Chan"]),
        ("Ann Lee;Bo Chan; Cy Dee", ["Ann Lee", "Bo Chan", "Cy Dee"]),
        ("Ann Lee, Bo Chan, and Cy Dee", ["Ann Lee", "Bo Chan", "Cy Dee"]),
        ("By Ann Lee", ["Ann Lee"]),
        ("Ann Lee, Ann Lee", ["Ann Lee"]),
        (["Lee, Ann", " Chan, Bo "], ["Lee, Ann", "Chan, Bo"]),  # a list is taken as it is
        ("", []),
        (None, []),
    ],
)
def test_split_authors(byline, authors):
    assert split_authors(byline) == authors


def test_split_tags():
    assert split_tags("a, b;c|a") == ["a", "b", "c"]
    assert split_tags(["x", "", "x", "y"]) == ["x", "y"]
    assert split_tags(None) == []


def test_bytes_that_are_not_utf8_cost_only_their_row(tmp_path, caplog):
    csv_path = tmp_path / "stories.csv"
    csv_path.write_bytes(
        b"headline,text\nOne,Body one.\nTwo,Caf\xe9 in Latin-1.\nThree,Body three.\n"
    )
    jsonl_path = tmp_path / "stories.jsonl"
    jsonl_path.write_bytes(
        b'{"headline": "One", "text": "Body."}\n'
        b'{"headline": "Caf\xe9", "text": "Body."}\n'
        b'{"headline": "Three", "text": "Body."}\n'
    )
    mapping = {"title": "headline", "body": "text"}
    with caplog.at_level(logging.WARNING, logger="articles.ingest.formats.tables"):
        assert [r.title for r in read_csv(csv_path, mapping)] == ["One", "Three"]
        assert [r.title for r in read_jsonl(jsonl_path, mapping)] == ["One", "Three"]
    assert caplog.text.count("not UTF-8") == 2
