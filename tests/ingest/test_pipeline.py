import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from haystack.query import SearchQuerySet

from articles.ingest import pipeline
from articles.ingest.pipeline import import_files, import_records
from articles.ingest.record import ArticleRecord, EntityRef
from articles.models import Article, Author, Entity, Publication

pytestmark = pytest.mark.django_db


def test_the_seed_comes_in_whole(seed_path, search_index):
    report = import_files([seed_path])
    assert len(report.created) == 1 and not report.failed
    article = Article.objects.get()
    assert article.title == "Russia and Turkey intensify military cooperation over US objections"
    assert [a.name for a in article.ordered_authors()] == ["Ulas Atesci"]
    assert article.published_on == dt.date(2019, 9, 5)
    assert article.publication.name == "Afghanistan Azad"
    assert "afgazad.com" in article.publication.homepage
    assert article.section.name == "European Languages"
    assert article.status == Article.Status.PUBLISHED
    assert "afgazad" not in article.body and "آزاد" not in article.body
    assert article.raw_text == seed_path.read_text(encoding="utf-8")
    for q in ("Erdogan", "S-400", "Idlib"):
        assert [int(r.pk) for r in SearchQuerySet().auto_query(q)] == [article.pk], q


def test_the_same_file_twice_is_one_article(seed_path, search_index):
    import_files([seed_path])
    report = import_files([seed_path])
    assert len(report.created) == 0 and len(report.unchanged) == 1
    assert Article.objects.count() == 1


def test_a_broken_file_does_not_stop_the_others(seed_path, tmp_path, search_index):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\xff\xfe" * 10)
    (tmp_path / "seed.txt").write_bytes(seed_path.read_bytes())
    report = import_files([tmp_path])
    assert len(report.created) == 1
    assert len(report.failed) == 2


def test_incomplete_records_come_in_for_review(search_index):
    report = import_records([ArticleRecord(title="No date here", body="Some text.")])
    assert Article.objects.get(pk=report.created[0]).status == Article.Status.REVIEW


def test_records_reuse_authors_and_entities(search_index):
    records = [
        ArticleRecord(
            title=f"Story {i}",
            body=f"Body {i}",
            published=dt.date(2020, 1, i + 1),
            publication="Reuters",
            language="en",
            authors=["Jane Doe", "jane doe"],
            entities=[EntityRef("OPEC", "organisation"), EntityRef("OPEC", "organisation")],
        )
        for i in range(3)
    ]
    import_records(records)
    assert Author.objects.count() == 1
    assert Entity.objects.get().mentions.first().count == 2
    assert SearchQuerySet().auto_query("body").count() == 3


def test_import_command(seed_path, search_index, capsys):
    call_command("import_articles", str(seed_path))
    call_command("import_articles", str(seed_path))
    out = capsys.readouterr().out
    assert "1 imported" in out and "1 skipped (already in the archive)" in out


def test_import_command_rejects_missing_paths(search_index):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_articles", "/no/such/file.txt")


def test_import_command_reads_a_corpus(search_index, capsys):
    from django.conf import settings

    if not (settings.SHARED_DIR / "corpus" / "reuters21578").is_dir():
        pytest.skip("../shared/corpus/reuters21578 is not here")
    call_command("import_articles", corpus="reuters", limit=20)
    assert "20 imported" in capsys.readouterr().out
    article = Article.objects.filter(mentions__isnull=False).distinct().first()
    assert article.publication.name == "Reuters" and article.published_on.year == 1987
    assert SearchQuerySet().count() == Article.objects.published().count() > 0


def test_import_command_rejects_an_unknown_corpus(search_index):
    with pytest.raises(CommandError, match="Unknown corpus"):
        call_command("import_articles", corpus="nonesuch")


def test_the_original_file_is_kept(seed_path, search_index):
    import_files([seed_path])
    article = Article.objects.get()
    with article.original_file.open("rb") as stored:
        assert stored.read() == seed_path.read_bytes()


def test_import_command_reads_csv_and_jsonl_with_a_mapping(search_index, tmp_path, capsys):
    (tmp_path / "desk.csv").write_text(
        "headline,text,day,byline\n"
        "Harbour plan approved,The council approved the plan.,2021-03-01,Ann Other\n"
        "Bridge reopens,The bridge reopened on Friday.,05.03.2021,Bo Writer and Cy Writer\n"
    )
    (tmp_path / "wire.jsonl").write_text(
        '{"headline": "Ferry strike ends", "text": "Ferries run again.", "day": "2021-03-07"}\n'
        "this line is not JSON\n"
    )
    mapping = "title=headline,body=text,published=day,authors=byline"
    with pytest.raises(CommandError, match="1 document"):  # the line that is not JSON
        call_command(
            "import_articles",
            str(tmp_path / "desk.csv"),
            str(tmp_path / "wire.jsonl"),
            "--mapping",
            mapping,
        )
    assert "3 imported" in capsys.readouterr().out
    bridge = Article.objects.get(title="Bridge reopens")
    assert bridge.published_on == dt.date(2021, 3, 5)
    assert [a.name for a in bridge.ordered_authors()] == ["Bo Writer", "Cy Writer"]
    with pytest.raises(CommandError, match="title"):
        call_command("import_articles", str(tmp_path / "desk.csv"), "--mapping", "body=text")


SEED_ENTITIES = {
    "Recep Tayyip Erdogan",
    "Vladimir Putin",
    "Bashar al-Assad",
    "Russia",
    "Turkey",
    "Syria",
    "Idlib",
    "NATO",
    "Washington",
    "Moscow",
    "Ankara",
    "S-400",
    "F-35",
    "Su-57",
}


def test_the_seed_comes_in_with_its_entities(seed_path, search_index):
    import_files([seed_path])
    article = Article.objects.get()
    mentions = {m.entity.name: m for m in article.mentions.select_related("entity")}
    assert set(mentions) >= SEED_ENTITIES
    assert mentions["Recep Tayyip Erdogan"].entity.kind == "person"
    assert mentions["Recep Tayyip Erdogan"].count > 10
    start, end = mentions["Idlib"].positions[0]
    assert article.body[start:end] == "Idlib"
    people = [name for name, m in mentions.items() if m.entity.kind == "person"]
    assert not any(name != "Recep Tayyip Erdogan" and "Erdogan" in name for name in people)
    facets = dict(
        SearchQuerySet().auto_query("Idlib").facet("entities").facet_counts()["fields"]["entities"]
    )
    assert facets["Recep Tayyip Erdogan"] == 1


def test_the_report_keeps_ids_not_articles(search_index, monkeypatch):
    """An import of 100,000 articles must not hold 100,000 Article objects: the report keeps
    ids, counts and a bounded list of failures."""
    monkeypatch.setattr(pipeline, "MAX_FAILURES_LISTED", 2)
    good = [ArticleRecord(title=f"Story {n}", body=f"Body {n}.") for n in range(3)]
    broken = [ArticleRecord(title=f"Empty {n}", body="", source_name=f"bad-{n}") for n in range(4)]
    report = import_records([*good, *broken, good[0]])
    assert sorted(report.created) == sorted(Article.objects.values_list("pk", flat=True))
    assert report.unchanged == [report.created[0]]
    assert all(type(pk) is int for pk in [*report.created, *report.unchanged])
    assert report.failed == [
        ("bad-0", "no article text was found"),
        ("bad-1", "no article text was found"),
    ]
    assert report.failed_count == 4
    assert report.summary().endswith("4 failed")


def test_the_command_says_how_many_failures_it_does_not_list(
    search_index, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(pipeline, "MAX_FAILURES_LISTED", 1)
    (tmp_path / "desk.csv").write_text("headline,text\nOne\nTwo\nThree\nGood,Body.\n")
    with pytest.raises(CommandError, match="3 document"):
        call_command(
            "import_articles", str(tmp_path / "desk.csv"), "--mapping=title=headline,body=text"
        )
    err = capsys.readouterr().err
    assert "failed: desk.csv line 2: not as many cells" in err
    assert "failed: 2 more, not listed here" in err
    assert Article.objects.get().title == "Good"


def test_an_import_stopped_before_its_entities_finds_them_when_run_again(seed_path, search_index):
    """A run stopped after storing but before looking for entities (killed, say): the next
    run finds the article unchanged, and still looks for its entities, once."""
    import_files([seed_path], find_entities=False)
    article = Article.objects.get()
    assert article.entities_found_at is None and not article.mentions.exists()

    report = import_files([seed_path])
    article.refresh_from_db()
    assert report.unchanged == [article.pk]
    assert article.entities_found_at is not None
    assert article.mentions.filter(entity__name="Idlib").exists()

    looked = article.entities_found_at
    import_files([seed_path])
    article.refresh_from_db()
    assert article.entities_found_at == looked  # unchanged and looked at: left alone


def test_different_stories_sharing_a_body_are_different_articles(search_index):
    body = "Full story to follow."
    records = [
        ArticleRecord(
            title=f"Harbour crane {n} toppled",
            body=body,
            raw_text=body,
            published=dt.date(2021, 5, n + 1),
            source_url=f"https://example.org/crane-{n}",
        )
        for n in range(3)
    ]
    report = import_records([*records, records[0]])
    assert len(report.created) == 3 and len(report.unchanged) == 1
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "Harbour crane 0 toppled",
        "Harbour crane 1 toppled",
        "Harbour crane 2 toppled",
    ]


def test_a_document_without_a_title_comes_in_for_review_with_a_stand_in(search_index):
    report = import_records(
        [ArticleRecord(title="", body="Ferry fares rise again. The council blamed fuel costs.")]
    )
    article = Article.objects.get(pk=report.created[0])
    assert not report.failed
    assert article.title == "Ferry fares rise again."
    assert article.status == Article.Status.REVIEW
    assert pipeline.UNTITLED in article.missing_fields


def test_what_the_reader_doubted_is_shown_for_review(search_index):
    record = ArticleRecord(
        title="Tram line opens",
        body="The tram line opened.",
        published=dt.date(2022, 1, 3),
        publication="Valley Courier",
        language="en",
        review=["title: no line stood out as the title"],
    )
    article = Article.objects.get(pk=import_records([record]).created[0])
    assert article.status == Article.Status.REVIEW
    assert article.missing_fields == ["title: no line stood out as the title"]


def test_a_publication_and_section_printed_in_capitals_are_the_ones_already_there(search_index):
    def record(n, publication, section):
        return ArticleRecord(
            title=f"Tram line {n} opens",
            body=f"Tram line {n} opened.",
            published=dt.date(2022, 1, n),
            publication=publication,
            section=section,
            language="en",
        )

    import_records(
        [record(1, "Valley Courier", "City News"), record(2, "VALLEY COURIER", "CITY NEWS")]
    )
    assert [p.name for p in Publication.objects.all()] == ["Valley Courier"]
    assert set(Article.objects.values_list("section__name", flat=True)) == {"City News"}


def test_a_section_without_a_publication_is_kept_for_review(search_index):
    record = ArticleRecord(
        title="Tram line opens",
        body="The tram line opened.",
        published=dt.date(2022, 1, 3),
        section="City News",
        language="en",
    )
    article = Article.objects.get(pk=import_records([record]).created[0])
    assert article.section is None
    assert "section: City News (no publication to file it under)" in article.missing_fields
