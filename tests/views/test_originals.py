"""The original files of imported articles: downloadable by staff from the admin's link with
DEBUG off (as the tests run), through a permission check; nobody else learns they exist."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from tests import builders

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>alert(document.cookie)</script>Talks resume</body></html>"


@pytest.fixture
def article():
    article = builders.article(title="Talks resume")
    article.original_file.save("talks.html", ContentFile(HTML))
    return article


def admin_link(client, article) -> str:
    """The original file's address as the article's page in the admin links it."""
    change = reverse("admin:articles_article_change", args=[article.pk])
    html = client.get(change).content.decode()
    href = re.search(r'<a href="([^"]+)">originals/', html).group(1)
    assert href == article.original_file.url
    return href


def user(django_user_model, *, staff, group=None):
    person = django_user_model.objects.create_user(f"user{staff}{group}", is_staff=staff)
    if group:
        person.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(person)
    return client


def test_the_admins_link_downloads_the_original_with_debug_off(admin_client, article):
    assert not settings.DEBUG
    response = admin_client.get(admin_link(admin_client, article))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == HTML
    # A download, never a page of this site: the imported page's script cannot run here.
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_viewers_may_download_too(django_user_model, admin_client, article):
    viewer = user(django_user_model, staff=True, group="Viewers")
    response = viewer.get(article.original_file.url)
    assert response.status_code == 200


def test_staff_without_the_right_to_view_articles_are_refused(django_user_model, article):
    assert user(django_user_model, staff=True).get(article.original_file.url).status_code == 403


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_anyone_else_is_told_nothing_exists(client, django_user_model, article, who):
    visitor = client if who == "anonymous" else user(django_user_model, staff=False)
    response = visitor.get(article.original_file.url)
    assert response.status_code == 404
    assert HTML not in response.content


def test_only_articles_originals_are_served(admin_client, article):
    media = Path(settings.MEDIA_ROOT)
    (media / "originals" / "stray.txt").write_text("not an article's")
    (media / "uploads" / ("a" * 32)).mkdir(parents=True, exist_ok=True)
    (media / "uploads" / ("a" * 32) / "waiting.txt").write_text("an upload's preview")
    for path in [
        "/media/originals/stray.txt",
        "/media/originals/no-such-file.pdf",
        f"/media/originals/../uploads/{'a' * 32}/waiting.txt",
        f"/media/originals/%2e%2e/uploads/{'a' * 32}/waiting.txt",
        "/media/originals//etc/passwd",
        f"/media/uploads/{'a' * 32}/waiting.txt",
    ]:
        assert admin_client.get(path).status_code == 404, path


def test_a_reverse_proxy_can_send_the_file(admin_client, article, settings):
    settings.ORIGINALS_X_ACCEL_REDIRECT = "/protected-media/"
    response = admin_client.get(article.original_file.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{article.original_file.name}"
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
    # ... after the same check as without the proxy.
    assert Client().get(article.original_file.url).status_code == 404
