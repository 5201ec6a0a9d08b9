import datetime as dt
import io
import logging
import lzma
import re
import tarfile
from collections import Counter
from pathlib import Path

import pytest

from articles.ingest.corpora.hamshahri import (
    FILE_NAME,
    date_from_name,
    desk_credit,
    read,
    rejoin_wrapped,
    split_headline,
)

CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus"
FOLDER = CORPUS / "hamshahri2_sample_fa"


@pytest.fixture(scope="module")
def records():
    # The whole corpus reads in about 1.5 s.
    if not (FOLDER / FILE_NAME).is_file():
        pytest.skip(f"Hamshahri corpus not found at {FOLDER.resolve()}")
    return {record.source_name: record for record in read(FOLDER)}


def test_every_article_with_a_body_becomes_a_record(records):
    # 5,375 files; two hold a headline only (a price list, a list of domain codes).
    assert len(records) == 5373
    assert "HAM2-840409-002.ham" not in records
    assert Counter(r.published.year for r in records.values()) == {
        2003: 1076,
        2004: 1289,
        2005: 1288,
        2006: 1416,
        2007: 304,
    }


def test_dates_come_from_the_jalali_file_names(records):
    assert records["HAM2-831012-017.ham"].published == dt.date(2005, 1, 1)  # 1383/10/12
    assert records["HAM2-840518-115.ham"].published == dt.date(2005, 8, 9)  # 1384/05/18
    assert records["HAM2-850810-077.ham"].published == dt.date(2006, 11, 1)  # 1385/08/10
    dates = [r.published for r in records.values()]
    assert min(dates) == dt.date(2003, 1, 1)  # 1381/10/11
    assert max(dates) == dt.date(2007, 5, 13)  # 1386/02/23


def test_fields_of_one_article(records):
    article = records["HAM2-840518-115.ham"]
    assert article.kicker == "وزير خارجه آمريكا:"  # an over-line ending in a colon
    assert article.title == "شورشيان عراق را با روش نظامي نمي توان شكست داد"
    assert article.body.startswith("ايسنا: كاندوليزا رايس")  # the agency's credit is text
    assert article.publication == "Hamshahri"
    assert article.publication_url == "https://www.hamshahrionline.ir"
    assert article.language == "fa"
    assert article.section == ""  # no desk credit
    assert len(article.body.split("\n\n")) == 15
    assert article.raw_text.startswith(article.kicker + "\n")  # the file as it was


def test_desk_credit_gives_the_section_and_leaves_the_body(records):
    article = records["HAM2-850810-077.ham"]
    assert article.section == "City"  # "گروه شهري-"
    first, second = article.body.split("\n\n")[:2]
    assert first.startswith("خطر استقرار")
    assert second.startswith("نايب رئيس شوراي")
    assert "گروه شهري" not in article.body

    reported = records["HAM2-841020-113.ham"]  # "گروه ورزشي _ علي شاكري:"
    assert reported.section == "Sport"
    assert reported.authors == ["علي شاكري"]

    sections = Counter(r.section for r in records.values())
    assert sections["Society"] == 239
    assert sections["Stock Market"] == 199
    assert sections[""] == 3933  # nearly three articles in four name no desk


def test_a_one_word_rubric_is_the_kicker(records):
    article = records["HAM2-840712-005.ham"]
    assert (article.kicker, article.title) == ("نگاه", "رسم رفاقت")


def test_hard_wrapped_files_are_rejoined(records):
    article = records["HAM2-811011-007.ham"]  # wrapped at about 84 columns
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 16
    assert paragraphs[1].startswith("جودي ابوت را سال ها است كه مي شناسم")
    assert paragraphs[1].endswith("لطف خداوند هميشه شامل حال او بود.")
    assert len(paragraphs[1]) > 500


def test_bodies_are_clean_persian(records):
    for record in records.values():
        assert record.title and record.body
        assert record.language == "fa"
        assert "\n\n\n" not in record.body
        assert "\n" not in record.title
        # No controls, no no-break spaces (they stood for half-spaces); LRM marks may stay.
        assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u00a0]", record.body)
        assert record.body == record.body.strip()
    # Written with Arabic yeh and kaf, as SOURCE.md says; kept for search to normalise.
    assert "ي" in records["HAM2-840518-115.ham"].title


def test_limit():
    if not (FOLDER / FILE_NAME).is_file():
        pytest.skip(f"Hamshahri corpus not found at {FOLDER.resolve()}")
    assert len(list(read(FOLDER, limit=5))) == 5
    assert list(read(FOLDER, limit=0)) == []


@pytest.mark.parametrize(
    ("name", "date"),
    [
        ("HAM2-831012-017.ham", dt.date(2005, 1, 1)),
        ("HAM2-811011-007.ham", dt.date(2003, 1, 1)),
        ("HAM2-860101-001.ham", dt.date(2007, 3, 21)),  # Nowruz 1386
        ("HAM2-831230-001.ham", dt.date(2005, 3, 20)),  # 1383 is a leap year
        ("HAM2-841230-001.ham", None),  # 1384 is not: no 30 Esfand
        ("HAM2-831301-001.ham", None),  # month 13
        ("notes.ham", None),
    ],
)
def test_date_from_name(name, date):
    assert date_from_name(name) == date


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["سرخط خبر", "متن یک", "متن دو"], ("", "سرخط خبر", ["متن یک", "متن دو"])),
        (["گوینده:", "سرخط خبر", "متن"], ("گوینده:", "سرخط خبر", ["متن"])),
        (["ستون", "سرخط كوتاه", "متن"], ("ستون", "سرخط كوتاه", ["متن"])),
        # A one-word first line before a sentence is the headline, not a rubric.
        (["سرخط", "این یک جمله است.", "متن"], ("", "سرخط", ["این یک جمله است.", "متن"])),
        # Two lines: a headline and its body, even with a colon.
        (["توضيح:", "متن"], ("", "توضيح:", ["متن"])),
        (["", "سرخط", "متن"], ("", "سرخط", ["متن"])),
        ([], ("", "", [])),
    ],
)
def test_split_headline(lines, expected):
    assert split_headline(lines) == expected


def test_desk_credit():
    assert desk_credit(["گروه اقتصادي- متن خبر", "بند دوم"]) == (
        "Economy",
        [],
        ["متن خبر", "بند دوم"],
    )
    assert desk_credit(["گروه ادب وهنر: متن"]) == ("Literature and Art", [], ["متن"])
    assert desk_credit(["گروه سياسي خارجي - متن"])[0] == "Foreign Policy"
    assert desk_credit(["زیرعنوان", "گروه ورزشي _ نام نويسنده: متن"]) == (
        "Sport",
        ["نام نويسنده"],
        ["زیرعنوان", "متن"],
    )
    # An unknown group, or one further down, is text.
    assert desk_credit(["گروه علم و دين مركز ملي: متن"]) == (
        "",
        [],
        ["گروه علم و دين مركز ملي: متن"],
    )
    assert desk_credit(["یک", "دو", "سه", "گروه شهري- متن"])[0] == ""


def test_rejoin_wrapped_keeps_one_paragraph_per_line_when_not_wrapped():
    lines = ["بند اول كامل است.", "بند دوم هم.", "كارگردان: نام"]
    assert rejoin_wrapped(lines) == lines


def test_rejoin_wrapped_joins_a_hard_wrapped_column():
    width = 80
    word = "كلمه "

    def full(tail=""):
        return (word * (width // len(word)))[: width - len(tail)].rstrip() + tail

    lines = [full(), full(), "پايان بند اول.", full(), full(), "پايان بند دوم.", "", full(), full()]
    paragraphs = rejoin_wrapped(lines)
    assert len(paragraphs) == 3
    assert paragraphs[0].endswith("پايان بند اول.")
    assert paragraphs[1].endswith("پايان بند دوم.")


def _write_archive(folder: Path, files: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in files.items():
            member = tarfile.TarInfo(f"HamshahriData/HamshahriCorpus/2005/{name}")
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    (folder / FILE_NAME).write_bytes(lzma.compress(buffer.getvalue()))


def test_bad_files_are_skipped_with_a_warning(tmp_path, caplog):
    _write_archive(
        tmp_path,
        {
            "HAM2-840101-001.ham": "سرخط\nگروه حوادث- متن\u00a0خبر\x7f اول\n".encode(),
            "HAM2-840101-002.ham": "سرخط".encode("utf-16"),  # not UTF-8
            "HAM2-840101-003.ham": "فقط سرخط\n".encode(),  # no body
            "HAM2-841301-004.ham": "سرخط دیگر\nمتن\n".encode(),  # month 13: no date
            "README.txt": b"not an article",
        },
    )
    with caplog.at_level(logging.WARNING, logger="articles.ingest.corpora.hamshahri"):
        records = list(read(tmp_path))
    assert [r.source_name for r in records] == ["HAM2-840101-001.ham", "HAM2-841301-004.ham"]
    first, last = records
    assert first.body == "متن خبر اول"
    assert first.section == "Incidents"
    assert first.published == dt.date(2005, 3, 21)
    assert last.published is None
    warnings = " ".join(r.getMessage() for r in caplog.records)
    for name in ("HAM2-840101-002", "HAM2-840101-003", "HAM2-841301-004"):
        assert name in warnings
