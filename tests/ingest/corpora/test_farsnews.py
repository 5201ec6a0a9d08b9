import datetime as dt
import json
import logging
import lzma
import re
from pathlib import Path

import pytest

from articles.ingest.corpora.farsnews import (
    FILE_NAME,
    date_from_link,
    read,
    section_name,
    strip_agency_credit,
)

CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus"
FOLDER = CORPUS / "farsnews_sample_fa"
NEWS = "https://www.farsnews.ir/news/"


@pytest.fixture(scope="module")
def records():
    if not (FOLDER / FILE_NAME).is_file():
        pytest.skip(f"Fars News corpus not found at {FOLDER.resolve()}")
    return {record.source_name: record for record in read(FOLDER)}


def test_every_line_becomes_a_record(records):
    assert len(records) == 1500  # nine duplicate links included: the pipeline deduplicates


def test_fields_of_one_article(records):
    article = records["fars-news.jsonl#1"]
    assert article.title.startswith("ارائه خدمات")
    assert article.source_url == NEWS + "8707060255"
    assert article.published == dt.date(2008, 9, 27)  # 1387-07-06
    assert article.publication == "Fars News Agency"
    assert article.publication_url == "https://www.farsnews.ir"
    assert article.language == "fa"
    assert article.summary.startswith("رئيس اداره")  # the agency's credit removed
    assert len(article.body.split("\n\n")) > 5


def test_long_ids_tags_and_section(records):
    article = records["fars-news.jsonl#3"]
    assert article.published == dt.date(2013, 3, 12)  # 1391-12-22
    assert [e.name for e in article.entities][:2] == ["محیط زیست", "علی آقافرهادی"]
    assert {e.kind for e in article.entities} == {"other"}
    assert article.section == "Province"
    assert records["fars-news.jsonl#2"].section == "Politics"
    assert records["fars-news.jsonl#1"].section == ""  # no cat


def test_ids_that_are_not_dates_give_no_date(records):
    undated = [r.source_url for r in records.values() if r.published is None]
    assert len(undated) == 3  # the three ids that decode to 1360
    assert all(url.startswith(NEWS + "60") for url in undated)


def test_summaries_and_bodies_are_clean(records):
    credited = [r for r in records.values() if re.match(r"خبرگزار[يی] فارس\s*:", r.summary)]
    assert credited == []
    for record in records.values():
        assert record.title and record.body
        assert "\n\n\n" not in record.body
        assert record.body == record.body.strip()


def test_empty_tags_are_dropped(records):
    for record in records.values():
        names = [e.name for e in record.entities]
        assert all(names) and len(names) == len(set(names))


@pytest.mark.parametrize(
    ("link", "date"),
    [
        (NEWS + "13980614000123", dt.date(2019, 9, 5)),
        (NEWS + "13991230000001/some-slug", dt.date(2021, 3, 20)),
        (NEWS + "8201010001", dt.date(2003, 3, 21)),  # 10 digits: 13YY
        (NEWS + "14001230000001", None),  # 1400 has no 30 Esfand
        (NEWS + "13981301000001", None),  # month 13
        (NEWS + "6011170001", None),  # 1360: before Fars News existed
        (NEWS + "1398061400012", None),  # 13 digits: no known layout
        ("https://www.farsnews.ir/photo/13980614000123", None),
        ("", None),
    ],
)
def test_date_from_link(link, date):
    assert date_from_link(link) == date


@pytest.mark.parametrize(
    ("abstract", "summary"),
    [
        ("خبرگزاري فارس: متن خبر", "متن خبر"),
        ("خبرگزاری فارس: متن خبر", "متن خبر"),
        ("خبرگزاري فارس : متن خبر", "متن خبر"),
        ("خبرگزاري فارس- متن خبر", "متن خبر"),
        ("\u200cخبرگزاري فارس:\u200c متن خبر", "متن خبر"),
        ("خبرگزاري فارس: خبرگزاري فارس: متن خبر", "متن خبر"),
        ("فارس از متن خبر", "فارس از متن خبر"),  # the province, not the agency
        ("", ""),
    ],
)
def test_strip_agency_credit(abstract, summary):
    assert strip_agency_credit(abstract) == summary


def test_section_name():
    assert section_name("world") == "World"
    assert section_name("farsplus-magazine") == "Farsplus Magazine"
    assert section_name("arts-media") == "Arts and Media"
    assert section_name("") == ""


def test_bad_lines_are_skipped_with_a_warning(tmp_path, caplog):
    good = {
        "title": "عنوان",
        "abstract": "خبرگزاري فارس: خلاصه",
        "paragraphs": ["بند یک", " ", "بند دو"],
        "cat": "world",
        "subcat": "",
        "tags": ["تهران", "", "تهران"],
        "link": NEWS + "13990101000001",
    }
    lines = [
        json.dumps(good, ensure_ascii=False),
        '{"title": "broken',
        "[1, 2]",
        json.dumps({**good, "title": ""}, ensure_ascii=False),
        "",
        json.dumps({**good, "paragraphs": None, "abstract": 7}, ensure_ascii=False),
        json.dumps({**good, "link": NEWS + "0"}, ensure_ascii=False),
    ]
    (tmp_path / FILE_NAME).write_bytes(lzma.compress("\n".join(lines).encode("utf-8")))
    with caplog.at_level(logging.WARNING, logger="articles.ingest.corpora.farsnews"):
        records = list(read(tmp_path))
    assert [r.source_name for r in records] == ["fars-news.jsonl#1", "fars-news.jsonl#7"]
    first, last = records
    assert first.body == "بند یک\n\nبند دو"
    assert first.summary == "خلاصه"
    assert first.section == "World"
    assert first.published == dt.date(2020, 3, 20)
    assert [e.name for e in first.entities] == ["تهران"]
    assert last.published is None
    warnings = " ".join(r.getMessage() for r in caplog.records)
    for line in ("#2", "#3", "#4", "#6"):
        assert line in warnings
