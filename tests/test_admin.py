"""Curation through the real admin: forms, inlines and actions, with the index following."""

import pytest
from django.urls import reverse
from haystack.query import SearchQuerySet

from articles.models import Article, Author, Byline, Entity, Mention, Publication, Section
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(admin_client):
    return admin_client


def search_ids(q):
    return [int(r.pk) for r in SearchQuerySet().auto_query(q)]


@pytest.mark.parametrize("model", [Article, Author, Entity, Publication, Section])
def test_every_model_has_a_working_changelist_and_form(editor, model):
    builders.article(
        authors=["Nancy Thomas"], entities=[("Idlib", "place")], sec=builders.section()
    )
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert editor.get(reverse(f"{prefix}_changelist")).status_code == 200
    assert editor.get(reverse(f"{prefix}_changelist"), {"q": "x"}).status_code == 200
    assert editor.get(reverse(f"{prefix}_add")).status_code == 200
    obj = model.objects.first()
    assert editor.get(reverse(f"{prefix}_change", args=[obj.pk])).status_code == 200


def change_form_data(article, **changes):
    bylines = list(article.bylines.all())
    mentions = list(article.mentions.all())
    data = {
        "title": article.title,
        "slug": article.slug,
        "kicker": article.kicker,
        "summary": article.summary,
        "body": article.body,
        "status": article.status,
        "publication": article.publication_id or "",
        "section": article.section_id or "",
        "published_on": article.published_on.isoformat() if article.published_on else "",
        "language": article.language,
        "source_url": article.source_url,
        "bylines-TOTAL_FORMS": str(len(bylines)),
        "bylines-INITIAL_FORMS": str(len(bylines)),
        "mentions-TOTAL_FORMS": str(len(mentions)),
        "mentions-INITIAL_FORMS": str(len(mentions)),
    }
    for i, byline in enumerate(bylines):
        data |= {
            f"bylines-{i}-id": byline.pk,
            f"bylines-{i}-article": article.pk,
            f"bylines-{i}-author": byline.author_id,
            f"bylines-{i}-position": i,
        }
    for i, mention in enumerate(mentions):
        data |= {
            f"mentions-{i}-id": mention.pk,
            f"mentions-{i}-article": article.pk,
            f"mentions-{i}-entity": mention.entity_id,
            f"mentions-{i}-count": mention.count,
            f"mentions-{i}-origin": mention.origin,
        }
    data.update(changes)
    return data


def test_editing_an_article_updates_search_at_once(editor, indexed):
    with indexed():
        article = builders.article(
            title="Sochi talks", body="Talks in Sochi.", authors=["Nancy Thomas"]
        )
    url = reverse("admin:articles_article_change", args=[article.pk])
    with indexed():
        response = editor.post(
            url, change_form_data(article, title="Astana talks", body="Talks in Astana.")
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert search_ids("astana") == [article.pk]
    assert search_ids("sochi") == []


def test_adding_an_author_inline_reaches_the_author_facet(editor, indexed):
    with indexed():
        article = builders.article(body="Talks in Sochi.", authors=["Nancy Thomas"])
    other = builders.author("Ulas Atesci")
    data = change_form_data(article)
    data |= {
        "bylines-TOTAL_FORMS": "2",
        "bylines-1-article": article.pk,
        "bylines-1-author": other.pk,
        "bylines-1-position": 1,
    }
    with indexed():
        response = editor.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    assert [a.name for a in article.ordered_authors()] == ["Nancy Thomas", "Ulas Atesci"]
    counts = dict(
        SearchQuerySet().auto_query("sochi").facet("authors").facet_counts()["fields"]["authors"]
    )
    assert counts == {"Nancy Thomas": 1, "Ulas Atesci": 1}


@pytest.mark.parametrize(
    "action, status, findable",
    [
        ("withdraw_selected", Article.Status.WITHDRAWN, False),
        ("send_to_review", Article.Status.REVIEW, False),
    ],
)
def test_bulk_actions_take_articles_out_of_search(
    editor, indexed, client, action, status, findable
):
    with indexed():
        article = builders.article(body="Idlib ceasefire")
        keep = builders.article(body="Idlib ceasefire")
    with indexed():
        editor.post(
            reverse("admin:articles_article_changelist"),
            {"action": action, "_selected_action": [article.pk]},
        )
    article.refresh_from_db()
    assert article.status == status
    assert search_ids("idlib") == [keep.pk]
    assert client.get(article.get_absolute_url()).status_code == 404


def test_bulk_publish_makes_articles_public(editor, indexed, client):
    with indexed():
        draft = builders.article(body="Idlib ceasefire", status=Article.Status.DRAFT)
    with indexed():
        editor.post(
            reverse("admin:articles_article_changelist"),
            {"action": "publish_selected", "_selected_action": [draft.pk]},
        )
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED and draft.published_at is not None
    assert search_ids("idlib") == [draft.pk]
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_adding_an_article_in_the_admin_records_who(editor, admin_user, indexed):
    pub = builders.publication()
    data = {
        "title": "Fresh report",
        "slug": "fresh-report",
        "body": "Fresh words from Kabul.",
        "status": "published",
        "publication": pub.pk,
        "published_on": "2024-01-02",
        "language": "en",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "mentions-TOTAL_FORMS": "0",
        "mentions-INITIAL_FORMS": "0",
    }
    with indexed():
        response = editor.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    article = Article.objects.get(slug="fresh-report")
    assert article.created_by == admin_user
    assert search_ids("kabul") == [article.pk]


def test_deleting_an_entity_drops_its_mentions(editor):
    article = builders.article(entities=[("Idlib", "place")])
    entity = Entity.objects.get(name="Idlib")
    editor.post(reverse("admin:articles_entity_delete", args=[entity.pk]), {"post": "yes"})
    assert not Mention.objects.filter(article=article).exists()
    assert Byline.objects.count() == 0
