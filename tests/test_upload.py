"""The admin's upload page: preview first, save on confirmation, same pipeline."""

import io
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from haystack.query import SearchQuerySet

from articles.ingest import ocr
from articles.ingest.documents import MAX_BYTES
from articles.models import Article
from tests.ingest.test_ocr import ENGLISH, HEADLINE, needs_ocr, png, rasterise, typeset

pytestmark = pytest.mark.django_db

URL = reverse("admin:articles_article_import")


def upload(client, seed_path):
    files = [
        SimpleUploadedFile("seed.txt", seed_path.read_bytes()),
        SimpleUploadedFile("empty.txt", b""),
        SimpleUploadedFile("note.md", b"# A note from the desk\n\nBy Jo Bloggs\n\nShort text.\n"),
    ]
    return client.post(URL, {"files": files, "publish": "on"})


def test_changelist_links_to_the_upload_page(admin_client):
    html = admin_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert URL in html


def test_preview_shows_what_was_found_and_saves_nothing(admin_client, seed_path, search_index):
    response = upload(admin_client, seed_path)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Russia and Turkey intensify military cooperation over US objections" in html
    assert "Ulas Atesci" in html and "2019-09-05" in html and "Afghanistan Azad" in html
    assert "empty.txt" in html and "Cannot be imported" in html and "empty" in html
    assert "A note from the desk" in html and "for review" in html
    assert Article.objects.count() == 0


def test_confirm_imports_with_the_pipeline(admin_client, seed_path, search_index):
    html = upload(admin_client, seed_path).content.decode()
    token = re.search(r'name="token" value="([0-9a-f]{32})"', html).group(1)
    with_callbacks = admin_client.post(URL, {"step": "confirm", "token": token, "publish": "1"})
    assert with_callbacks.status_code == 302
    assert Article.objects.count() == 2
    seed = Article.objects.get(title__startswith="Russia and Turkey")
    assert seed.status == Article.Status.PUBLISHED and seed.original_file
    assert Article.objects.get(title="A note from the desk").status == Article.Status.REVIEW
    assert [int(r.pk) for r in SearchQuerySet().auto_query("Idlib")] == [seed.pk]
    assert not (settings.MEDIA_ROOT / "uploads" / token).exists()
    messages = [str(m) for m in with_callbacks.wsgi_request._messages]
    assert any("2 imported" in m for m in messages)


def test_cancel_discards_the_upload(admin_client, seed_path, search_index):
    html = upload(admin_client, seed_path).content.decode()
    token = re.search(r'name="token" value="([0-9a-f]{32})"', html).group(1)
    admin_client.post(URL, {"step": "cancel", "token": token})
    assert Article.objects.count() == 0
    assert not (settings.MEDIA_ROOT / "uploads" / token).exists()


def test_a_forged_token_is_refused(admin_client):
    response = admin_client.post(URL, {"step": "confirm", "token": "../../etc"})
    assert response.status_code == 403


def test_only_users_who_may_add_articles_can_upload(client, django_user_model):
    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(URL).status_code == 403


# Nothing is left behind -----------------------------------------------------------------


def staged() -> list[Path]:
    """Every file waiting in a staging folder."""
    root = Path(settings.MEDIA_ROOT) / "uploads"
    return sorted(path for path in root.glob("*/*")) if root.exists() else []


def token_of(html: str) -> str:
    return re.search(r'name="token" value="([0-9a-f]{32})"', html).group(1)


@pytest.fixture
def no_staging():
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "uploads", ignore_errors=True)
    yield
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "uploads", ignore_errors=True)


def test_refused_files_are_deleted_at_once_and_the_rest_wait(
    admin_client, seed_path, search_index, no_staging
):
    token = token_of(upload(admin_client, seed_path).content.decode())
    assert [path.name for path in staged()] == ["note.md", "seed.txt"]  # not empty.txt
    admin_client.post(URL, {"step": "confirm", "token": token, "publish": "1"})
    assert Article.objects.count() == 2 and staged() == []


def test_a_file_over_the_size_limit_is_refused_and_not_kept(admin_client, no_staging):
    big = SimpleUploadedFile("huge.txt", b"word " * (MAX_BYTES // 5 + 1024))
    html = admin_client.post(URL, {"files": [big], "publish": "on"}).content.decode()
    assert "huge.txt" in html and "too large" in html
    assert "None of these files can be imported" in html
    assert 'value="confirm"' not in html  # nothing to confirm
    assert staged() == []
    assert not any((Path(settings.MEDIA_ROOT) / "uploads").iterdir())


def age(folder: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(folder, (then, then))


def test_abandoned_previews_expire_on_the_next_visit(admin_client, seed_path, settings, no_staging):
    settings.UPLOAD_PREVIEW_TTL = 3600
    old = token_of(upload(admin_client, seed_path).content.decode())
    recent = token_of(upload(admin_client, seed_path).content.decode())
    root = Path(settings.MEDIA_ROOT) / "uploads"
    age(root / old, 3601)
    age(root / recent, 3000)
    assert admin_client.get(URL).status_code == 200
    assert not (root / old).exists()
    assert (root / recent).is_dir()
    # Confirming the expired preview says so instead of importing nothing.
    response = admin_client.post(URL, {"step": "confirm", "token": old}, follow=True)
    assert "That upload is gone" in response.content.decode()


def test_expire_uploads_command_removes_only_old_previews(admin_client, seed_path, no_staging):
    old = token_of(upload(admin_client, seed_path).content.decode())
    recent = token_of(upload(admin_client, seed_path).content.decode())
    root = Path(settings.MEDIA_ROOT) / "uploads"
    age(root / old, settings.UPLOAD_PREVIEW_TTL + 60)
    (root / "not-a-preview").mkdir()
    age(root / "not-a-preview", settings.UPLOAD_PREVIEW_TTL + 60)
    out = io.StringIO()
    call_command("expire_uploads", stdout=out)
    assert out.getvalue().strip() == "1 abandoned upload preview removed."
    assert not (root / old).exists() and (root / recent).is_dir()
    assert (root / "not-a-preview").is_dir()  # only what upload.py made
    call_command("expire_uploads", "--older-than", "0", stdout=io.StringIO())
    assert not (root / recent).exists()


# Scans ----------------------------------------------------------------------------------


@needs_ocr
def test_a_scan_is_read_once_for_the_preview_and_the_confirmation(
    admin_client, search_index, no_staging, monkeypatch
):
    runs = []
    real_run = ocr._run_tesseract

    def counted(png_bytes, options, check=True):
        runs.append(options)
        return real_run(png_bytes, options, check)

    monkeypatch.setattr(ocr, "_run_tesseract", counted)
    (page,) = rasterise(typeset([ENGLISH]))
    clipping = SimpleUploadedFile("clipping.png", png(page))
    html = admin_client.post(URL, {"files": [clipping], "publish": "on"}).content.decode()
    assert HEADLINE in html
    read_for_the_preview = len(runs)
    assert read_for_the_preview >= 2  # the page's script, then its text

    admin_client.post(URL, {"step": "confirm", "token": token_of(html), "publish": "1"})
    assert len(runs) == read_for_the_preview
    article = Article.objects.get()
    assert article.title == HEADLINE and article.source_name == "clipping.png"
    assert [page.number for page in article.scanned_pages.all()] == [1]
    assert staged() == []
