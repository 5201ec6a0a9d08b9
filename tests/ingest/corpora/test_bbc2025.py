import csv
import datetime as dt
import io
import logging
import lzma
import re
from pathlib import Path

import pytest

from articles.ingest.corpora.bbc2025 import FILE_NAME, read, restore_paragraphs, split_byline

CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus"
FOLDER = CORPUS / "bbc_news_2025_sample"


@pytest.fixture(scope="module")
def records():
    if not (FOLDER / FILE_NAME).is_file():
        pytest.skip(f"BBC 2025 corpus not found at {FOLDER.resolve()}")
    return {record.source_name: record for record in read(FOLDER)}


def test_every_row_becomes_a_record(records):
    assert len(records) == 604


def test_fields_of_one_article(records):
    article = records["bbc_news_2025.csv#1"]
    assert "turning point" in article.title
    assert article.published == dt.date(2025, 3, 6)
    assert article.authors == ["Laura Gozzi"]
    assert article.source_url == "https://www.bbc.com/news/articles/c3w14gw3wwlo"
    assert article.publication == "BBC News"
    assert article.publication_url == "https://www.bbc.com/news"
    assert article.language == "en"
    assert article.section == ""


def test_paragraph_breaks_are_restored(records):
    article = records["bbc_news_2025.csv#1"]
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) > 10
    assert "\n\n" not in article.raw_text
    assert "The proposals include:" in paragraphs  # the list after it was lost by the scraper
    assert paragraphs[1].startswith("As well as rearmament")  # after 'history".'
    # Only breaks are added: the text itself is unchanged.
    assert re.sub(r"\s", "", article.body) == re.sub(r"\s", "", article.raw_text)


def test_missing_values_stay_empty(records):
    assert records["bbc_news_2025.csv#282"].published is None  # publish_date NaN
    assert records["bbc_news_2025.csv#12"].authors == []  # author NaN


def test_several_authors(records):
    assert records["bbc_news_2025.csv#50"].authors == ["Nick Thorpe", "Mircea Barbu", "Paul Kirby"]


def test_bodies_are_clean(records):
    for record in records.values():
        assert record.title and record.body
        assert "\n\n\n" not in record.body
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", record.body)


def test_limit():
    if not (FOLDER / FILE_NAME).is_file():
        pytest.skip(f"BBC 2025 corpus not found at {FOLDER.resolve()}")
    assert [r.source_name for r in read(FOLDER, limit=3)] == [
        "bbc_news_2025.csv#1",
        "bbc_news_2025.csv#2",
        "bbc_news_2025.csv#3",
    ]


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("Ann Lee", ["Ann Lee"]),
        ("Ann Lee, Bo Chan & Cy Dee", ["Ann Lee", "Bo Chan", "Cy Dee"]),
        ("Ann Lee and Bo Chan", ["Ann Lee", "Bo Chan"]),
        ("Ann Lee, Bo Chan, and Cy Dee", ["Ann Lee", "Bo Chan", "Cy Dee"]),
        ("Ann Lee in Lagos & Bo Chan in New York", ["Ann Lee", "Bo Chan"]),
        ("Ann Lee, BBC News, Lagos", ["Ann Lee"]),
        ("Ann Lee &", ["Ann Lee"]),
        ("BBC Persian", ["BBC Persian"]),
        ("NaN", []),
        ("", []),
    ],
)
def test_split_byline(byline, authors):
    assert split_byline(byline) == authors


@pytest.mark.parametrize(
    ("glued", "paragraphs"),
    [
        ("It rained.Then it stopped.", ["It rained.", "Then it stopped."]),
        ("Prices rose in 2020.Few expected it.", ["Prices rose in 2020.", "Few expected it."]),
        ("She flew to the UK.Later she left.", ["She flew to the UK.", "Later she left."]),
        ("Plans include:Lower taxes.", ["Plans include:", "Lower taxes."]),
        # An opening quote starts the next paragraph, a closing one ends this one.
        ('He left."We will miss him," she said.', ["He left.", '"We will miss him," she said.']),
        ('"We will go." They went.', ['"We will go." They went.']),
        ('She said: "We will go."Then they went.', ['She said: "We will go."', "Then they went."]),
        ('It was a "new start".Others disagreed.', ['It was a "new start".', "Others disagreed."]),
        ('He told the BBC."We stay," they said.', ["He told the BBC.", '"We stay," they said.']),
        ('"We stay in the UK."Then they left.', ['"We stay in the UK."', "Then they left."]),
        # Not breaks: decimals, dotted abbreviations, spaced sentences.
        ("It grew 3.5% in the U.S. Then it fell.", ["It grew 3.5% in the U.S. Then it fell."]),
    ],
)
def test_restore_paragraphs(glued, paragraphs):
    assert restore_paragraphs(glued).split("\n\n") == paragraphs


def _write_corpus(folder: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["", "url", "text", "headline", "publish_date", "author"])
    writer.writerows(rows)
    (folder / FILE_NAME).write_bytes(lzma.compress(buffer.getvalue().encode("utf-8")))


def test_bad_rows_are_skipped_with_a_warning(tmp_path, caplog):
    url = "https://www.bbc.com/news/articles/test"
    _write_corpus(
        tmp_path,
        [
            ["0", url, "First story.It goes on.", "Good one", "2025-02-01", "Ann Lee"],
            ["1", url, "Too few columns"],
            ["2", url, "A body with no headline.", "", "2025-02-01", "Ann Lee"],
            ["3", url, "Text.", "Bad date kept", "2025-02-30", "NaN"],
            ["4", url, "Last story.", "Good two", "NaN", "Bo Chan & Cy Dee"],
        ],
    )
    with caplog.at_level(logging.WARNING, logger="articles.ingest.corpora.bbc2025"):
        records = list(read(tmp_path))
    assert [r.source_name for r in records] == [
        "bbc_news_2025.csv#0",
        "bbc_news_2025.csv#3",
        "bbc_news_2025.csv#4",
    ]
    assert records[0].body == "First story.\n\nIt goes on."
    assert records[1].published is None
    assert records[2].authors == ["Bo Chan", "Cy Dee"]
    warnings = " ".join(r.getMessage() for r in caplog.records)
    assert "columns" in warnings
    assert "#2" in warnings
    assert "2025-02-30" in warnings


def test_a_row_the_csv_module_rejects_is_skipped(tmp_path, caplog):
    url = "https://www.bbc.com/news/articles/test"
    _write_corpus(
        tmp_path,
        [
            ["0", url, "Short.", "One", "NaN", "NaN"],
            ["1", url, "Far too long for the limit set below. " * 5, "Two", "NaN", "NaN"],
            ["2", url, "Short again.", "Three", "NaN", "NaN"],
        ],
    )
    limit = csv.field_size_limit(100)
    try:
        with caplog.at_level(logging.WARNING, logger="articles.ingest.corpora.bbc2025"):
            titles = [r.title for r in read(tmp_path)]
    finally:
        csv.field_size_limit(limit)
    assert titles == ["One", "Three"]
    assert "field larger than field limit" in caplog.text
