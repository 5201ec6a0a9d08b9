import datetime as dt
import io
import logging
import lzma
import re
import tarfile
from collections import Counter
from pathlib import Path

import pytest

from articles.ingest.corpora.gnews import (
    FILE_NAME,
    clean_text,
    fetch_time,
    parse_file,
    publication_for,
    read,
)

CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus"
FOLDER = CORPUS / "gnews_headlines_archive"
CONTROL_OR_DEBRIS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u00a0\u200b\ufeff]|&[a-z]+;|&#\d+;")


def _need_corpus():
    if not (FOLDER / FILE_NAME).is_file():
        pytest.skip(f"GNews headlines archive not found at {FOLDER.resolve()}")


@pytest.fixture(scope="module")
def first_records():
    """The first 200 articles: the first two fetches and part of the third (well under 1 s)."""
    _need_corpus()
    return list(read(FOLDER, limit=200))


@pytest.fixture(scope="module")
def all_records():
    """Every article; reading the whole archive takes about 5 s."""
    _need_corpus()
    return list(read(FOLDER))


def test_fields_of_the_first_article(first_records):
    article = first_records[0]
    assert article.source_name == "news_20250430_1023.md#1"
    assert article.title == "Euro zone GDP Q1 2025"
    assert article.body.startswith("The figure was ahead of the 0.2% forecast")
    assert article.summary == article.body
    assert article.section == "General"
    assert article.source_url == "https://www.cnbc.com/2025/04/30/euro-zone-gdp-q1-2025.html"
    assert article.publication == "CNBC"
    assert article.publication_url == "https://cnbc.com"
    assert article.language == "en"
    assert article.published == dt.date(2025, 4, 30)  # fetched 10:23 Beijing = 02:23 UTC
    assert article.raw_text.startswith("| general | Euro zone GDP Q1 2025 |")


def test_each_article_once_at_its_first_sighting(first_records):
    urls = [r.source_url for r in first_records]
    assert len(urls) == len(set(urls))
    # The first fetch's 90 rows hold 83 articles: 7 are in two categories at once.
    first_fetch = [r for r in first_records if r.source_name.startswith("news_20250430_1023.md")]
    assert len(first_fetch) == 83
    # The second fetch's heading says UTC: 18:24 UTC is still 30 April.
    second = [r for r in first_records if r.source_name.startswith("news_20250430_1824.md")]
    assert second and {r.published for r in second} == {dt.date(2025, 4, 30)}


def test_limit():
    _need_corpus()
    assert len(list(read(FOLDER, limit=3))) == 3
    assert list(read(FOLDER, limit=0)) == []


@pytest.mark.slow
def test_every_distinct_article_becomes_a_record(all_records):
    assert len(all_records) == 74030  # of 86,220 rows
    assert len({r.source_url for r in all_records}) == 74030
    # SOURCE.md's count of distinct URLs by the category they were first seen in.
    assert Counter(r.section for r in all_records) == {
        "General": 9523,
        "Business": 8899,
        "Technology": 8890,
        "World": 8656,
        "Entertainment": 8483,
        "Health": 8156,
        "Sports": 8098,
        "Nation": 7839,
        "Science": 5486,
    }


@pytest.mark.slow
def test_dates_publications_and_text_over_the_whole_archive(all_records):
    dates = [r.published for r in all_records]
    assert dates == sorted(dates)  # oldest fetch first
    assert (dates[0], dates[-1]) == (dt.date(2025, 4, 30), dt.date(2026, 8, 22))
    by_name = {r.source_name: r for r in all_records}
    # Fetched at 02:26 Beijing time, which is the evening before in UTC.
    assert by_name["news_20251113_0226.md#1"].published == dt.date(2025, 11, 12)
    publications = Counter(r.publication for r in all_records)
    assert publications["Associated Press"] == 4167
    assert publications["The New York Times"] == 4054
    assert publications["BBC News"] > 1000
    # Mojibake repaired: the tattoo reads 'Shh…'.
    assert "'Shh…'" in by_name["news_20250922_0222.md#10"].body
    for record in all_records:
        assert record.title and record.body and record.publication
        assert record.language == "en"
        assert not CONTROL_OR_DEBRIS.search(record.title + record.body), record.source_name


@pytest.mark.parametrize(
    ("heading", "name", "when"),
    [
        (
            "# News Today -- Fetched at 2025-10-02 14:25 Beijing Time",
            "news_20251002_1425.md",
            dt.datetime(2025, 10, 2, 6, 25, tzinfo=dt.UTC),
        ),
        (
            "# News Today -- Fetched at 2025-04-30 18:24 UTC",
            "news_20250430_1824.md",
            dt.datetime(2025, 4, 30, 18, 24, tzinfo=dt.UTC),
        ),
        (
            "# News Today -- Fetched at 2025-04-30 10:23",  # no zone: Beijing, like the rest
            "news_20250430_1023.md",
            dt.datetime(2025, 4, 30, 2, 23, tzinfo=dt.UTC),
        ),
        ("", "news_20251113_0226.md", dt.datetime(2025, 11, 12, 18, 26, tzinfo=dt.UTC)),
        ("", "notes.md", None),
    ],
)
def test_fetch_time(heading, name, when):
    assert fetch_time(heading, name) == when


@pytest.mark.parametrize(
    ("host", "publication"),
    [
        ("www.nytimes.com", ("The New York Times", "https://nytimes.com")),
        ("abcnews.go.com", ("ABC News", "https://abcnews.go.com")),
        ("sports.yahoo.com", ("Yahoo", "https://yahoo.com")),
        ("www.bbc.co.uk", ("BBC News", "https://www.bbc.com/news")),
        ("www.cbc.ca", ("CBC", "https://cbc.ca")),  # not in the table: named from the domain
    ],
)
def test_publication_for(host, publication):
    assert publication_for(host) == publication


def test_clean_text():
    assert clean_text("One\u00a0two&nbsp;three\u200b") == "One two three"
    assert clean_text("a tattoo of 'Shh\u00e2\u0080\u00a6'") == "a tattoo of 'Shh…'"
    assert clean_text("Â£5 or Ã©") == "Â£5 or Ã©"  # no C1 control: could be meant, left alone


def _write_archive(folder: Path, files: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in files.items():
            member = tarfile.TarInfo(f"news/{name}")
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    (folder / FILE_NAME).write_bytes(lzma.compress(buffer.getvalue()))


def _table(heading: str, rows: list[str]) -> bytes:
    lines = [heading, "", "| Category | Title | Description | URL |", "|---|---|---|---|", *rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_bad_rows_and_files_are_skipped_with_a_warning(tmp_path, caplog):
    url = "https://www.example.com/story"
    _write_archive(
        tmp_path,
        {
            "news_20250101_0210.md": _table(
                "# News Today -- Fetched at 2025-01-01 02:10 Beijing Time",
                [
                    f"| world | A first story | What happened\u00a0first. | {url}-1 |",
                    "| world | Three cells only | no address |",
                    f"| science | No description |  | {url}-3 |",
                    "| science | Not a web address | Text. | example |",
                    f"| business | A first story again | Seen before. | {url}-1 |",
                ],
            ),
            "news_20250101_1410.md": "| broken".encode("utf-16"),  # not UTF-8
            "news_20250102_1410.md": _table(
                "# News Today -- Fetched at 2025-01-02 06:10 UTC",
                [f"| health | A later story | Described. | {url}-2 |"],
            ),
        },
    )
    with caplog.at_level(logging.WARNING, logger="articles.ingest.corpora.gnews"):
        records = list(read(tmp_path))
    assert [r.source_name for r in records] == [
        "news_20250101_0210.md#1",
        "news_20250102_1410.md#1",
    ]
    first, later = records
    assert first.body == "What happened first."
    assert first.section == "World"  # the first sighting's category, not the repeat's
    assert first.published == dt.date(2024, 12, 31)  # 02:10 Beijing is 18:10 UTC the day before
    assert first.publication == "Example"
    assert later.published == dt.date(2025, 1, 2)
    warnings = " ".join(r.getMessage() for r in caplog.records)
    for label in ("#2", "#3", "#4", "news_20250101_1410.md"):
        assert label in warnings


def test_parse_file_keeps_repeats():
    data = _table(
        "# News Today -- Fetched at 2025-01-01 12:00 Beijing Time",
        ["| world | Story | Text. | https://a.example/1 |"] * 2,
    )
    assert [r.source_name for r in parse_file(data, "news_20250101_1200.md")] == [
        "news_20250101_1200.md#1",
        "news_20250101_1200.md#2",
    ]
