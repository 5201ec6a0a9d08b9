import csv
import datetime as dt
import io
import logging
import lzma
import re
from collections import Counter
from pathlib import Path

import pytest

from articles.ingest.corpora.kurdistan import (
    FILE_NAME,
    date_from_debris,
    is_debris,
    language_of,
    read,
    without_about_us,
)

CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus"
FOLDER = CORPUS / "kurdistan_univ_news_ku_ar_en"
HEADER = [
    "id", "title", "content", "link", "url_hash", "language", "source", "category", "vector",
    "created_at", "updated_at", "split_type", "cluster_label",
]  # fmt: skip
# Letters of the Arabic script block, for telling right-to-left text.
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")


@pytest.fixture(scope="module")
def records():
    # The whole corpus reads in well under a second.
    if not (FOLDER / FILE_NAME).is_file():
        pytest.skip(f"Kurdistan university news corpus not found at {FOLDER.resolve()}")
    return {record.source_name: record for record in read(FOLDER)}


def test_every_row_becomes_a_record(records):
    assert len(records) == 1389
    assert Counter(r.section for r in records.values()) == {
        "Events": 746,
        "Student Life": 206,
        "Technology": 168,
        "Education": 149,
        "Research": 120,
    }
    assert Counter(r.publication for r in records.values()) == {
        "University of Sulaimani": 432,
        "Sulaimani Polytechnic University": 366,
        "Koya University": 336,
        "Qaiwan International University": 210,
        "Garmian University": 25,
        "University of Goizha": 20,
    }


def test_languages_are_iso_codes_checked_against_the_page(records):
    # The set says ku 502, ar 283, en 604; 114 of its "ku" pages are Arabic.
    assert Counter(r.language for r in records.values()) == {"en": 604, "ar": 397, "ckb": 388}
    for record in records.values():
        if record.language in ("ckb", "ar"):  # right-to-left: the title is in Arabic script
            assert ARABIC_SCRIPT.search(record.title), record.source_name


def test_fields_of_one_english_post(records):
    post = records["Dataset.csv#134"]
    assert post.title.startswith("ARO Journal Leads Kurdistan Region")
    assert post.body.startswith("Koya University's scientific journal achieves")
    assert post.language == "en"
    assert post.section == "Events"
    assert post.publication == "Koya University"
    assert post.publication_url == "https://koyauniversity.org"
    assert post.source_url == "https://koyauniversity.org/node/1337"
    assert post.published is None  # the set has no dates


def test_sorani_and_arabic_posts(records):
    sorani = records["Dataset.csv#226"]
    assert sorani.language == "ckb"
    assert sorani.title.startswith("خولێکی ڕاهێنان")
    assert "REVIT" in sorani.body
    arabic = records["Dataset.csv#323"]  # labelled "ku"; its page is /ar/
    assert arabic.language == "ar"
    assert arabic.title.startswith("رئيس جامعة كوية")
    assert language_of("ku", arabic.title) == "ar"  # the title alone says so too


def test_sulaimani_category_lines_give_the_date_and_no_body(records):
    english = records["Dataset.csv#673"]
    assert english.raw_text == "Sulaimani Home Slider, News 03 Jun, 2025"
    assert english.published == dt.date(2025, 6, 3)
    assert english.body == ""  # nothing of its own to show: comes in for review
    assert records["Dataset.csv#538"].published == dt.date(2025, 6, 4)  # "04 حوزەیران, 2025"
    assert records["Dataset.csv#433"].published == dt.date(2025, 4, 25)  # "25 أبريل, 2025"
    dated = [r for r in records.values() if r.published]
    assert len(dated) == 432
    assert {r.publication for r in dated} == {"University of Sulaimani"}


def test_crawler_debris_is_not_a_body(records):
    qaiwan = records["Dataset.csv#1392"]  # the "about us" paragraph, then the post
    assert qaiwan.body.startswith("A certification ceremony was held")
    assert qaiwan.raw_text.startswith("Qaiwan International University (QIU)")
    koya = records["Dataset.csv#237"]  # the "about us" paragraph alone
    assert koya.body == ""
    placeholder = records["Dataset.csv#3462"]
    assert placeholder.body == ""
    assert placeholder.language == "ckb"
    for record in records.values():
        assert "Article extracted using method" not in record.body
        assert "was established in 2018 in Sulaimanyah" not in record.body
        assert "Home Slider" not in record.body


def test_bodies_are_clean(records):
    for record in records.values():
        assert record.title
        assert "\n\n\n" not in record.body
        assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u00a0\u200b]", record.body)
    # ZWNJ is part of Sorani (and Persian) spelling and stays.
    assert any("\u200c" in r.body for r in records.values() if r.language == "ckb")


def test_limit():
    if not (FOLDER / FILE_NAME).is_file():
        pytest.skip(f"Kurdistan university news corpus not found at {FOLDER.resolve()}")
    assert [r.source_name for r in read(FOLDER, limit=2)] == ["Dataset.csv#134", "Dataset.csv#135"]


@pytest.mark.parametrize(
    ("content", "date"),
    [
        ("Sulaimani Home Slider, News 19 Feb, 2025", dt.date(2025, 2, 19)),
        ("Sulaimani News, Workshop 05 May, 2025", dt.date(2025, 5, 5)),
        ("السليمانية خبر, منزلقة الصفحة الرئيسية 03 يونيو, 2025", dt.date(2025, 6, 3)),
        ("سلێمانی هەواڵ 31 کانوونی دووەم, 2025", dt.date(2025, 1, 31)),
        ("سلێمانی سلایدەری سەرەکی, هەواڵ 17 کانونی یەکەم , 2024", dt.date(2024, 12, 17)),
        ("Sulaimani Home Slider, News 31 Feb, 2025", None),  # no such day
        ("The conference will be held on 19 May, 2025", None),  # a sentence, not the line
        ("Sulaimani News 19 Brumaire, 2025", None),
    ],
)
def test_date_from_debris(content, date):
    assert date_from_debris(content) == date


def test_is_debris_and_about_us():
    assert is_debris("Article extracted using method: keyword_link. Full content …")
    assert is_debris("Sulaimani Home Slider, News 19 Feb, 2025")
    assert not is_debris("The workshop was held on 19 Feb, 2025 in the main hall.")
    about = "Koya University is located in the city of Koya, on the foothills. mountainous nature."
    assert without_about_us(about) == ""
    assert without_about_us("A real post.") == "A real post."


@pytest.mark.parametrize(
    ("label", "title", "link", "language"),
    [
        ("ku", "وتارێکی نوێ", "", "ckb"),
        ("ku", "رئيس الجامعة يزور الكلية", "", "ar"),  # "ال" and no Sorani letter
        ("ar", "عنوان", "https://example.edu/ku/news/1", "ckb"),  # the page says Kurdish
        ("en", "A title", "https://example.edu/ku/list/#a-title", "en"),  # an anchor: the label
        ("en", "A title", "https://example.edu/en/news/1", "en"),
    ],
)
def test_language_of(label, title, link, language):
    assert language_of(label, title, link) == language


def _write_corpus(folder: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    (folder / FILE_NAME).write_bytes(lzma.compress(buffer.getvalue().encode("utf-8")))


def _row(number, title, content, language="en", link="https://example.edu/en/news/1"):
    return [str(number), title, content, link, "x", language, "Example University", "Events"]


def test_bad_rows_are_skipped_with_a_warning(tmp_path, caplog):
    full = ["", "", "", "train", ""]
    _write_corpus(
        tmp_path,
        [
            _row(1, "First post", "Line one\u00a0of the post.\x07") + full,
            ["2", "Too few cells"],
            _row(3, "", "No title here.") + full,
            _row(4, "Unknown language", "Text.", language="fr") + full,
            _row(5, "Last post", "", link="https://example.edu/news/5") + full,
        ],
    )
    with caplog.at_level(logging.WARNING, logger="articles.ingest.corpora.kurdistan"):
        records = list(read(tmp_path))
    assert [r.source_name for r in records] == ["Dataset.csv#1", "Dataset.csv#5"]
    first, last = records
    assert first.body == "Line one of the post."
    assert first.publication == "Example University"
    assert first.publication_url == "https://example.edu"
    assert last.body == ""  # empty content: no body, for review
    warnings = " ".join(r.getMessage() for r in caplog.records)
    assert "line 3" in warnings  # the short row has no usable id
    assert "#3" in warnings
    assert "'fr'" in warnings
