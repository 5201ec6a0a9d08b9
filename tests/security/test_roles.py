"""The admin's two roles: Viewers read everything and change nothing; Editors curate."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, Author, Entity, Mention, Publication, Section
from tests import builders

pytestmark = pytest.mark.django_db

ADMIN_MODELS = [Article, Author, Entity, Mention, Publication, Section]
UPLOAD = reverse("admin:articles_article_import")
ARTICLES = reverse("admin:articles_article_changelist")
ENTITIES = reverse("admin:articles_entity_changelist")
MENTIONS = reverse("admin:articles_mention_changelist")


def member(django_user_model, client, group):
    user = django_user_model.objects.create_user(group.lower(), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


@pytest.fixture
def viewer(client, django_user_model):
    return member(django_user_model, client, "Viewers")


@pytest.fixture
def editor(client, django_user_model):
    return member(django_user_model, client, "Editors")


@pytest.fixture
def newsroom():
    draft = builders.article(
        title="Ceasefire in Idlib",
        status=Article.Status.DRAFT,
        authors=["Nancy Thomas"],
        entities=[("Idlib", Entity.Kind.PLACE), ("Idleb", Entity.Kind.PLACE)],
        sec=builders.section(),
    )
    return draft


def url(model, view, *args):
    return reverse(f"admin:articles_{model._meta.model_name}_{view}", args=args)


def test_the_migration_makes_both_groups():
    editors = {p.codename for p in Group.objects.get(name="Editors").permissions.all()}
    viewers = {p.codename for p in Group.objects.get(name="Viewers").permissions.all()}
    models = ["article", "byline", "mention", "entity", "author", "publication", "section"]
    models += ["story", "storyversion"]  # 0011_stories: editors confirm, split and merge them
    assert viewers == {f"view_{m}" for m in models}
    assert editors == {f"{a}_{m}" for a in ("add", "change", "delete", "view") for m in models}


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_a_viewer_reads_every_list_and_record_but_may_not_add(viewer, newsroom, model):
    assert viewer.get(url(model, "changelist")).status_code == 200
    obj = model.objects.first()
    page = viewer.get(url(model, "change", obj.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read-only, no save button
    assert viewer.get(url(model, "add")).status_code == 403
    assert viewer.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_a_viewer_is_offered_no_actions_and_cannot_run_them(viewer, newsroom):
    page = viewer.get(ARTICLES).content.decode()
    assert "publish_selected" not in page and 'name="action"' not in page
    assert UPLOAD not in page  # no "Import documents" link either
    for action in ["publish_selected", "withdraw_selected", "send_to_review"]:
        viewer.post(ARTICLES, {"action": action, ACTION_CHECKBOX_NAME: [newsroom.pk], "index": 0})
        newsroom.refresh_from_db()
        assert newsroom.status == Article.Status.DRAFT


def test_a_viewer_cannot_merge_or_review_entities_or_reject_mentions(viewer, newsroom):
    idlib, idleb = Entity.objects.get(name="Idlib"), Entity.objects.get(name="Idleb")
    viewer.post(
        ENTITIES,
        {
            "action": "merge_selected",
            ACTION_CHECKBOX_NAME: [idlib.pk, idleb.pk],
            "survivor": idlib.pk,
        },
    )
    viewer.post(ENTITIES, {"action": "mark_reviewed", ACTION_CHECKBOX_NAME: [idlib.pk]})
    mention = Mention.objects.get(entity=idlib)
    viewer.post(MENTIONS, {"action": "reject_selected", ACTION_CHECKBOX_NAME: [mention.pk]})
    idleb.refresh_from_db()
    idlib.refresh_from_db()
    mention.refresh_from_db()
    assert idleb.merged_into is None and not idlib.reviewed and not mention.rejected


def test_a_viewer_cannot_upload(viewer):
    assert viewer.get(UPLOAD).status_code == 403
    sent = SimpleUploadedFile("note.md", b"# A note\n\nBy Jo Bloggs\n\nShort text.\n")
    assert viewer.post(UPLOAD, {"files": [sent]}).status_code == 403
    assert viewer.post(UPLOAD, {"step": "confirm", "token": "0" * 32}).status_code == 403
    assert not Article.objects.exists()


def test_a_viewer_cannot_change_a_record_by_posting_its_form(viewer, newsroom):
    author = Author.objects.get()
    response = viewer.post(url(Author, "change", author.pk), {"name": "Someone Else"})
    assert response.status_code == 403
    author.refresh_from_db()
    assert author.name == "Nancy Thomas"


def test_an_editor_runs_the_article_actions(editor, newsroom, indexed):
    page = editor.get(ARTICLES).content.decode()
    assert "publish_selected" in page and UPLOAD in page
    with indexed():
        editor.post(ARTICLES, {"action": "publish_selected", ACTION_CHECKBOX_NAME: [newsroom.pk]})
    newsroom.refresh_from_db()
    assert newsroom.status == Article.Status.PUBLISHED
    with indexed():
        editor.post(ARTICLES, {"action": "withdraw_selected", ACTION_CHECKBOX_NAME: [newsroom.pk]})
    newsroom.refresh_from_db()
    assert newsroom.status == Article.Status.WITHDRAWN


def test_an_editor_merges_entities_and_rejects_mentions(editor, newsroom, indexed):
    idlib, idleb = Entity.objects.get(name="Idlib"), Entity.objects.get(name="Idleb")
    with indexed():
        editor.post(
            ENTITIES,
            {
                "action": "merge_selected",
                ACTION_CHECKBOX_NAME: [idlib.pk, idleb.pk],
                "survivor": idlib.pk,
            },
        )
    idleb.refresh_from_db()
    assert idleb.merged_into == idlib
    mention = Mention.objects.get(entity=idlib)
    with indexed():
        editor.post(MENTIONS, {"action": "reject_selected", ACTION_CHECKBOX_NAME: [mention.pk]})
    mention.refresh_from_db()
    assert mention.rejected


def test_an_editor_uploads(editor, search_index):
    assert editor.get(UPLOAD).status_code == 200
    sent = SimpleUploadedFile("note.md", b"# A note from the desk\n\nBy Jo Bloggs\n\nShort text.\n")
    response = editor.post(UPLOAD, {"files": [sent], "publish": "on"})
    assert response.status_code == 200
    assert "A note from the desk" in response.content.decode()


def test_an_editor_edits_and_deletes(editor, newsroom):
    author = Author.objects.get()
    response = editor.post(
        url(Author, "change", author.pk), {"name": "Nancy J. Thomas", "slug": author.slug}
    )
    assert response.status_code == 302
    author.refresh_from_db()
    assert author.name == "Nancy J. Thomas"
    section = Section.objects.get()
    assert editor.post(url(Section, "delete", section.pk), {"post": "yes"}).status_code == 302
    assert not Section.objects.exists()


def test_an_editor_may_not_manage_users(editor):
    assert editor.get(reverse("admin:auth_user_changelist")).status_code == 403
