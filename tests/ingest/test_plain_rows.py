"""A batch's articles, bylines and source tags are written from plain values
(``bulk.insert_values``), not model instances (issue 18): the rows must be those
``bulk_create`` writes for the same values, on SQLite and PostgreSQL alike."""

import datetime as dt

import pytest
from django.utils import timezone

from articles.ingest.bulk import insert_values
from articles.ingest.pipeline import import_records
from articles.ingest.record import ArticleRecord, EntityRef
from articles.models import Article, Author, Byline, Entity, Mention, Publication, Section

pytestmark = pytest.mark.django_db

# Set on saving: one value per batch here, one per instance in ``bulk_create``.
CLOCK = {"created_at", "updated_at"}


def stored(model, pks) -> list[dict]:
    rows = model.objects.filter(pk__in=pks).order_by("pk").values()
    return [{k: v for k, v in row.items() if k != "id" and k not in CLOCK} for row in rows]


def article_values(n: int, publication, section) -> dict:
    return {
        "title": f"Ferry notice {n} — Fähre ۱۹",
        "slug": f"ferry-notice-{n}",
        "kicker": "Winter" if n % 2 else "",
        "summary": "",
        "body": f"The ferry changed its timetable.\n\nکتاب‌خانه {n}",
        "published_on": dt.date(1987, 2, 28) if n % 2 else None,
        "language": "en" if n % 3 else "fa",
        "source_url": f"https://example.org/{n}" if n % 2 else "",
        "publication_id": publication.pk if n % 2 else None,
        "section_id": section.pk if n % 4 == 1 else None,
        "source_name": f"notice-{n}",
        "source_format": "text",
        "raw_text": "raw",
        "checksum": f"{n:064d}",
        "missing_fields": ["published_on", "authors"] if n % 2 == 0 else [],
        "word_count": n,
        "status": "published" if n % 2 else "review",
        "published_at": dt.datetime(2026, 12, 6, 4, 30, tzinfo=dt.UTC) if n % 2 else None,
    }


def test_articles_bylines_and_mentions_as_bulk_create_writes_them():
    publication = Publication.objects.create(name="Island Courier", slug="island-courier")
    section = Section.objects.create(publication=publication, name="Harbour", slug="harbour")
    author = Author.objects.create(name="Mira Sound", slug="mira-sound")
    entity = Entity.objects.create(name="Ferry Company", slug="ferry-company", kind="org")
    now = timezone.now()

    made = [Article(**article_values(n, publication, section)) for n in range(4)]
    Article.objects.bulk_create(made)
    values = [article_values(n + 12, publication, section) for n in range(4)]
    names = [*values[0], "created_at", "updated_at"]
    ids = insert_values(
        Article,
        names,
        [(*v.values(), now, now) for v in values],
        prepare=("published_on", "missing_fields", "published_at", "created_at", "updated_at"),
        returning=True,
    )
    assert ids == sorted(ids) and len(ids) == 4
    assert [a.created_at == a.updated_at == now for a in Article.objects.filter(pk__in=ids)] == [
        True
    ] * 4
    # The same values but those that name the copy (title, slug, checksum, ...).
    renamed = {"title", "slug", "body", "source_url", "source_name", "checksum", "word_count"}
    assert [
        {k: v for k, v in row.items() if k not in renamed}
        for row in stored(Article, [a.pk for a in made])
    ] == [{k: v for k, v in row.items() if k not in renamed} for row in stored(Article, ids)]
    assert [row["title"] for row in stored(Article, ids)] == [v["title"] for v in values]

    Byline.objects.bulk_create(
        [Byline(article=made[0], author=author, position=2), Byline(article=made[1], author=author)]
    )
    insert_values(Byline, ["article_id", "author_id", "position"], [(ids[0], author.pk, 2)])
    insert_values(Byline, ["article_id", "author_id"], [(ids[1], author.pk)])
    Mention.objects.bulk_create(
        [Mention(article=made[0], entity=entity, count=3, origin=Mention.Origin.SOURCE)]
    )
    insert_values(
        Mention, ["article_id", "entity_id", "count", "origin"], [(ids[0], entity.pk, 3, "source")]
    )
    for model in (Byline, Mention):
        old = stored(model, model.objects.filter(article__in=made).values("pk"))
        new = stored(model, model.objects.filter(article__in=ids).values("pk"))
        assert [{**row, "article_id": 0} for row in old] == [
            {**row, "article_id": 0} for row in new
        ]
        assert old  # the comparison compared something


def test_a_field_set_on_saving_must_be_given():
    with pytest.raises(ValueError, match="updated_at"):
        insert_values(Article, ["title", "slug", "body", "created_at"], [("t", "t", "b", None)])


def test_an_imported_batch_reads_back_as_its_records_say(search_index):
    records = [
        ArticleRecord(
            title=f"Ferry timetable changes, notice {n}",
            body=f"The ferry company changed its winter timetable for the {n}th time.",
            published=dt.date(2020, 1, 1) + dt.timedelta(days=n) if n % 3 else None,
            publication="Island Courier",
            section="Harbour" if n % 2 else "",
            language="en",
            source_name=f"notice-{n}",
            authors=["Mira Sound", f"Writer {n % 2}"],
            entities=[EntityRef("Ferry Company", "organisation")],
        )
        for n in range(6)
    ]
    report = import_records(records, find_entities=False, group_stories=False)
    assert len(report.created) == 6
    articles = Article.objects.filter(pk__in=report.created).order_by("pk")
    for record, article in zip(records, articles, strict=True):
        assert article.title == record.title and article.published_on == record.published
        assert (article.section.name if article.section else "") == record.section
        assert article.updated_at and article.created_at
        assert [a.name for a in article.ordered_authors()] == record.authors
        assert article.status == ("published" if record.published else "review")
        assert article.missing_fields == ([] if record.published else ["publication date"])
        assert [(m.entity.name, m.count, m.origin) for m in article.mentions.all()] == [
            ("Ferry Company", 1, "source")
        ]
