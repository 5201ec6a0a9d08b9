"""Re-imports: the same document is skipped, a changed one updates its article, and what
an editor corrected by hand survives."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from articles.ingest.pipeline import import_records, reclean
from articles.ingest.record import ArticleRecord, EntityRef
from articles.models import Article, Mention
from tests import builders

pytestmark = pytest.mark.django_db


def record(**changes):
    values = dict(
        title="Kabul talks resume",
        body="Delegations met in Kabul on Monday.",
        raw_text="raw v1",
        authors=["Jane Doe"],
        published=dt.date(2021, 3, 1),
        publication="The Daily Record",
        section="World",
        language="en",
        source_url="https://example.org/kabul-talks",
        entities=[EntityRef("Kabul", "place")],
    )
    values.update(changes)
    return ArticleRecord(**values)


def test_a_changed_document_updates_its_article(search_index):
    (first,) = import_records([record()]).created
    report = import_records([record(raw_text="raw v2", body="Delegations met again.")])
    assert report.updated == [first] and not report.created
    assert Article.objects.get(pk=first).body == "Delegations met again."
    assert Article.objects.count() == 1


def test_editor_corrections_survive_a_reimport(admin_client, search_index):
    article = Article.objects.get(pk=import_records([record()]).created[0])
    data = {
        "title": "Kabul peace talks resume",
        "slug": article.slug,
        "body": article.body,
        "status": article.status,
        "publication": article.publication_id,
        "section": article.section_id,
        "published_on": "2021-03-01",
        "language": "en",
        "source_url": article.source_url,
        "kicker": "",
        "summary": "",
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "1",
        "bylines-0-id": article.bylines.get().pk,
        "bylines-0-article": article.pk,
        "bylines-0-author": builders.author("Jane Q. Doe").pk,
        "bylines-0-position": "0",
        "mentions-TOTAL_FORMS": "1",
        "mentions-INITIAL_FORMS": "0",
        "mentions-0-article": article.pk,
        "mentions-0-entity": builders.entity("Taliban").pk,
        "mentions-0-count": "1",
        "mentions-0-origin": "auto",
    }
    response = admin_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert set(article.edited_fields) == {"title", "authors"}

    import_records(
        [
            record(
                raw_text="raw v2",
                title="Kabul talks resume (updated)",
                body="New body text.",
                entities=[EntityRef("Doha", "place")],
            )
        ]
    )
    article.refresh_from_db()
    assert article.title == "Kabul peace talks resume"  # the editor's title stays
    assert [a.name for a in article.ordered_authors()] == ["Jane Q. Doe"]
    assert article.body == "New body text."  # what the editor left alone follows the source
    names = {m.entity.name: m.origin for m in article.mentions.all()}
    assert names == {"Taliban": Mention.Origin.MANUAL, "Doha": Mention.Origin.SOURCE}


def test_incomplete_records_are_flagged_with_what_is_missing(admin_client, search_index):
    report = import_records([record(published=None, language="", source_url="")])
    article = Article.objects.get(pk=report.created[0])
    assert article.status == Article.Status.REVIEW
    assert article.missing_fields == ["publication date", "language"]
    changelist = reverse("admin:articles_article_changelist")
    html = admin_client.get(changelist, {"incomplete": "yes"}).content.decode()
    assert "Kabul talks resume" in html and "publication date, language" in html


def test_dry_run_writes_nothing(search_index, seed_path, capsys):
    call_command("import_articles", str(seed_path), "--dry-run")
    assert "1 would be imported" in capsys.readouterr().out
    assert Article.objects.count() == 0


def test_failures_are_reported_and_the_command_fails(search_index, seed_path, tmp_path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "good.txt").write_bytes(seed_path.read_bytes())
    with pytest.raises(CommandError, match="1 document"):
        call_command("import_articles", str(tmp_path))
    captured = capsys.readouterr()
    assert "1 imported" in captured.out and "1 failed" in captured.out
    assert "empty.txt" in captured.err and "empty" in captured.err
    assert Article.objects.count() == 1


def test_limit(search_index, tmp_path, seed_path):
    for n in range(3):
        (tmp_path / f"{n}.md").write_text(f"# Title {n}\n\nBody number {n}.\n")
    call_command("import_articles", str(tmp_path), "--limit", "2")
    assert Article.objects.count() == 2


def test_reclean_reads_the_raw_text_again(search_index, seed_path):
    call_command("import_articles", str(seed_path))
    article = Article.objects.get()
    Article.objects.filter(pk=article.pk).update(body="stale body from an older cleanup")
    report = reclean(Article.objects.all())
    assert len(report.updated) == 1
    article.refresh_from_db()
    assert article.body.startswith("Turkish President Recep Tayyip Erdogan")
    call_command("reclean")  # every article, again: nothing to fail


def test_a_record_without_body_text_comes_in_for_review(search_index):
    report = import_records([record(body="", raw_text="crawler placeholder")])
    article = Article.objects.get(pk=report.created[0])
    assert article.status == Article.Status.REVIEW
    assert article.missing_fields == ["body"]
