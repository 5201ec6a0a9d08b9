import io
import logging
import re
import tarfile
from collections import Counter
from pathlib import Path

import pytest

from articles.ingest.corpora.bbc2005 import FILE_NAME, read

CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus"
FOLDER = CORPUS / "bbc_news_2005"


@pytest.fixture(scope="module")
def records():
    if not (FOLDER / FILE_NAME).is_file():
        pytest.skip(f"BBC 2005 corpus not found at {FOLDER.resolve()}")
    return {record.source_name: record for record in read(FOLDER)}


def test_every_article_becomes_a_record(records):
    assert len(records) == 2001
    assert Counter(r.section for r in records.values()) == {
        "Business": 472,
        "Entertainment": 334,
        "Politics": 376,
        "Sport": 456,
        "Technology": 363,
    }


def test_fields_of_one_article(records):
    article = records["bbc/business/001.txt"]
    assert article.title == "Ad sales boost Time Warner profit"
    assert article.section == "Business"
    assert article.published is None
    assert article.authors == []
    assert article.language == "en"
    assert article.publication == "BBC News"
    assert article.body.startswith("Quarterly profits")
    assert "£600m" in article.body  # UTF-8 read as such
    assert article.raw_text.startswith(article.title + "\n")


def test_bodies_have_paragraphs_and_no_title(records):
    for record in records.values():
        assert record.title and "\n" not in record.title
        assert not record.body.startswith(record.title)
        assert "\n\n\n" not in record.body
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", record.body)
    assert len(records["bbc/business/001.txt"].body.split("\n\n")) >= 4


def test_limit():
    if not (FOLDER / FILE_NAME).is_file():
        pytest.skip(f"BBC 2005 corpus not found at {FOLDER.resolve()}")
    assert len(list(read(FOLDER, limit=5))) == 5


def _write_archive(folder: Path, files: dict[str, bytes]) -> None:
    with tarfile.open(folder / FILE_NAME, "w:xz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def test_latin1_file_and_bad_files(tmp_path, caplog):
    _write_archive(
        tmp_path,
        {
            "bbc/README.TXT": b"About this archive.\n",
            "bbc/sport/001.txt": "Cup final sold out\n\nTickets cost £40.\n\nAll gone.\n".encode(),
            "bbc/sport/002.txt": b"Old encoding\n\nA ticket was \xa35.\n",  # Latin-1 pound sign
            "bbc/sport/003.txt": b"",  # empty
            "bbc/tech/004.txt": b"Headline only\n\n\n",
            "bbc/tech/005.txt": b"Lists kept\n\nThe plan:\n - one \n - two\n",
        },
    )
    with caplog.at_level(logging.WARNING, logger="articles.ingest.corpora.bbc2005"):
        records = list(read(tmp_path))
    assert [r.source_name for r in records] == [
        "bbc/sport/001.txt",
        "bbc/sport/002.txt",
        "bbc/tech/005.txt",
    ]
    assert records[0].body == "Tickets cost £40.\n\nAll gone."
    assert records[1].body == "A ticket was £5."
    assert records[2].section == "Technology"
    assert records[2].body == "The plan:\n- one\n- two"
    warnings = " ".join(r.getMessage() for r in caplog.records)
    assert "bbc/sport/003.txt" in warnings
    assert "bbc/tech/004.txt" in warnings
