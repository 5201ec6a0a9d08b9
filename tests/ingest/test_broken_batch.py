"""One batch with every kind of broken file beside good ones, through the command a user
runs: each broken file is named with its reason, the good ones all come in."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article
from tests.ingest.readers.test_html import LOGIN_PAGE
from tests.ingest.readers.test_pdf import article_pdf

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
