"""One batch with every kind of broken file beside good ones, through the command a user
runs: each broken file (or row of a table or corpus) is named with its reason, the good ones
all come in, and the command exits non-zero."""

import json
import lzma

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article
from tests.ingest.formats.test_html import LOGIN_PAGE
from tests.ingest.formats.test_pdf import article_pdf

pytestmark = pytest.mark.django_db

CP1252_STORY = (
    "Council approves the \u201cnew\u201d harbour plan\n\n"
    "By Ann Other\n\n"
    "The council voted on Monday to approve the harbour plan \u2013 a decision that "
    "residents had awaited for years. Work starts in spring.\n"
).encode("cp1252")


def test_a_batch_with_broken_files(tmp_path, seed_path, search_index, capsys):
    good_pdf = article_pdf()
    files = {
        "seed.txt": seed_path.read_bytes(),
        "story.pdf": good_pdf,
        "cp1252.txt": CP1252_STORY,  # wrong encoding, still readable: it must come in right
        "empty.txt": b"",
        "junk.txt": bytes(range(256)) * 40,
        "truncated.pdf": good_pdf[: len(good_pdf) // 2],
        "login.html": LOGIN_PAGE.encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    with (tmp_path / "huge.txt").open("wb") as sparse:
        sparse.truncate(50 * 1024 * 1024 + 1)  # over the limit, without writing 50 MB

    with pytest.raises(CommandError, match="5 document"):
        call_command("import_articles", str(tmp_path), "--no-progress")
    out, err = capsys.readouterr()
    assert "3 imported" in out and "5 failed" in out
    failures = [line.split(": ", 2)[1:] for line in err.splitlines() if line.startswith("failed")]
    reasons = {path.rsplit("/", 1)[-1]: reason for path, reason in failures}
    assert set(reasons) == {"empty.txt", "junk.txt", "truncated.pdf", "login.html", "huge.txt"}
    assert reasons["empty.txt"] == "the file is empty"
    assert "too large" in reasons["huge.txt"]
    assert "PDF" in reasons["truncated.pdf"]
    assert "no article text" in reasons["login.html"]
    assert "binary" in reasons["junk.txt"] or "not text" in reasons["junk.txt"]

    titles = set(Article.objects.values_list("title", flat=True))
    assert "Russia and Turkey intensify military cooperation over US objections" in titles
    assert "Council approves the \u201cnew\u201d harbour plan" in titles
    assert len(titles) == 3


def import_failing(capsys, failures: int, *args, **options) -> tuple[str, dict[str, str]]:
    """Run ``import_articles``, which must fail for ``failures`` items and exit non-zero;
    returns its summary and its "failed: <source>: <reason>" lines as file name → reason."""
    with pytest.raises(CommandError, match=f"{failures} document"):
        call_command("import_articles", *args, no_progress=True, **options)
    out, err = capsys.readouterr()
    assert f"{failures} failed" in out
    lines = (line.split(": ", 2)[1:] for line in err.splitlines() if line.startswith("failed: "))
    return out, {source.rsplit("/", 1)[-1]: reason for source, reason in lines}


def test_a_table_with_broken_rows(tmp_path, search_index, capsys):
    (tmp_path / "desk.csv").write_text(
        "headline,text,day\n"
        "Harbour plan approved,The council approved the plan.,2021-03-01\n"
        "Too few cells\n"
        ",A row without a headline.,2021-03-02\n"
        'Bridge reopens,"The bridge reopened\n\non Friday.",05.03.2021\n'
        "Too many,cells,2021-03-03,here\n"
    )
    (tmp_path / "wire.jsonl").write_text(
        '{"headline": "Ferry strike ends", "text": "Ferries run again.", "day": "2021-03-07"}\n'
        "this line is not JSON\n"
        "[1, 2, 3]\n"
        '{"headline": "No text here"}\n'
        '{"headline": "Storm warning", "text": "Gales tonight.", "day": "2021-03-08"}\n'
    )
    out, failures = import_failing(
        capsys,
        6,
        str(tmp_path / "desk.csv"),
        str(tmp_path / "wire.jsonl"),
        mapping="title=headline,body=text,published=day",
    )
    assert "4 imported" in out
    assert failures == {
        "desk.csv line 3": "not as many cells as the header has columns",
        "desk.csv#3": "no title or no body",
        "desk.csv line 8": "not as many cells as the header has columns",
        "wire.jsonl#2": "not JSON (Expecting value: line 1 column 1 (char 0))",
        "wire.jsonl#3": "not a JSON object",
        "wire.jsonl#4": "no title or no body",
    }
    assert set(Article.objects.values_list("title", flat=True)) == {
        "Harbour plan approved",
        "Bridge reopens",
        "Ferry strike ends",
        "Storm warning",
    }


def test_a_table_file_that_cannot_be_read_fails_alone(tmp_path, search_index, capsys):
    (tmp_path / "good.csv").write_text("headline,text\nHarbour plan approved,Approved.\n")
    (tmp_path / "other.csv").write_text("title,story\nNot mapped,Columns named otherwise.\n")
    out, failures = import_failing(
        capsys,
        2,
        *(str(tmp_path / name) for name in ("missing.csv", "other.csv", "good.csv")),
        mapping="title=headline,body=text",
    )
    assert "1 imported" in out
    assert "cannot be read" in failures["missing.csv"]
    assert "no column 'headline'" in failures["other.csv"]
    assert Article.objects.get().title == "Harbour plan approved"


def test_a_corpus_with_broken_lines(tmp_path, search_index, capsys):
    good = {"title": "عنوان", "paragraphs": ["بند یک"], "link": "https://www.farsnews.ir/news/1"}
    lines = [
        json.dumps(good, ensure_ascii=False),
        '{"title": "broken',
        json.dumps({**good, "paragraphs": []}, ensure_ascii=False),
        json.dumps({**good, "paragraphs": ["بند دو"], "link": good["link"] + "2"}),
    ]
    (tmp_path / "fars-news.jsonl.xz").write_bytes(lzma.compress("\n".join(lines).encode()))
    out, failures = import_failing(capsys, 2, corpus="farsnews", corpus_path=tmp_path)
    assert "2 imported" in out
    assert set(failures) == {"fars-news.jsonl#2", "fars-news.jsonl#3"}
    assert failures["fars-news.jsonl#3"] == "no title or no text"
    assert Article.objects.count() == 2


def test_the_limit_counts_articles_not_broken_rows(tmp_path, search_index, capsys):
    rows = ["Bad row"] * 3 + [f"Story {n},Body {n}." for n in range(3)]
    (tmp_path / "desk.csv").write_text("headline,text\n" + "\n".join(rows) + "\n")
    out, _ = import_failing(
        capsys, 3, str(tmp_path / "desk.csv"), mapping="title=headline,body=text", limit=2
    )
    assert "2 imported" in out
    assert Article.objects.count() == 2
