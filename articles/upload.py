"""The admin's upload page: documents in, a preview of what the import found, then the
same pipeline as ``import_articles`` on confirmation.

Uploaded files wait in a staging folder (``MEDIA_ROOT/uploads/<token>/``) between the
preview and the confirmation, so nothing is read twice from the browser and nothing is
stored before the editor says so; the pages of a scan that OCR read for the preview wait
there too (``readings_dir``), so the confirmation does not read them again. The pipeline
keeps each file with its article; the staging folder goes once the import (or a cancel) is
done. A file the preview refuses is
deleted at once (it can never be imported), and a preview nobody confirms or cancels
expires after ``UPLOAD_PREVIEW_TTL`` seconds: ``expire_previews()`` removes it, on every
visit to the upload page and from `manage.py expire_uploads` (cron).
"""

from __future__ import annotations

import re
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.text import get_valid_filename

from articles.ingest import ocr
from articles.ingest.documents import MAX_BYTES, read_document
from articles.ingest.pipeline import classify, import_files, missing_fields

_TOKEN = re.compile(r"^[0-9a-f]{32}$")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("allow_empty_file", True)  # reported in the preview, with the reason
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    # The stubs take a field named "files" for BaseForm.files; the form's metaclass moves
    # declared fields into base_fields, so the two never meet.
    files = MultipleFileField(  # type: ignore[assignment]
        help_text="PDF-to-text dumps (.txt), PDF, HTML, Markdown or text files; several at once."
    )
    publish = forms.BooleanField(
        required=False,
        initial=True,
        help_text="Publish complete articles at once; incomplete ones always go to review.",
    )


def staging_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "uploads"


def staging_dir(token: str) -> Path:
    if not _TOKEN.match(token or ""):
        raise PermissionDenied("Unknown upload.")
    return staging_root() / token


def expire_previews(older_than: float | None = None) -> int:
    """Remove staging folders last changed more than ``older_than`` seconds ago
    (``UPLOAD_PREVIEW_TTL`` by default): previews nobody confirmed or cancelled. Only
    folders named like a token are touched. Returns how many went."""
    ttl = settings.UPLOAD_PREVIEW_TTL if older_than is None else older_than
    cutoff = time.time() - ttl
    removed = 0
    try:
        folders = list(staging_root().iterdir())
    except FileNotFoundError:
        return 0
    for folder in folders:
        if not _TOKEN.match(folder.name) or not folder.is_dir():
            continue
        try:
            if folder.stat().st_mtime >= cutoff:
                continue
        except FileNotFoundError:  # confirmed or cancelled meanwhile
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


def stage(files) -> str:
    """Save uploaded files to a new staging folder; returns its token."""
    token = uuid.uuid4().hex
    folder = staging_dir(token)
    folder.mkdir(parents=True)
    for n, upload in enumerate(files):
        name = get_valid_filename(Path(upload.name).name) or f"upload-{n}"
        target = folder / name
        if target.exists():
            target = folder / f"{n}-{name}"
        with target.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    return token


def readings_dir(folder: Path) -> Path:
    """Where the pages OCR read for the preview wait for the confirmation (see
    ``ocr.readings_kept_in``): a folder whose name no uploaded file can take (``stage``'s
    names are ``get_valid_filename``'s, without "+"), holding no format an import reads."""
    return folder / "+ocr"


def staged_files(folder: Path) -> list[Path]:
    """The uploaded files waiting in a staging folder."""
    return sorted(path for path in folder.iterdir() if path.is_file())


def preview(folder: Path) -> list[dict]:
    """What importing each staged file would do, or why it cannot be imported. A refused
    file is deleted from the staging folder at once: it would only wait there for nothing
    (an upload over the size limit most of all)."""
    rows = []
    for path in staged_files(folder):
        row: dict[str, Any] = {"name": path.name}
        try:
            with ocr.readings_kept_in(readings_dir(folder)):
                record = read_document(path)
            if not record.body.strip():
                raise ValueError("no article text was found")
        except Exception as exc:
            row["error"] = str(exc)
            path.unlink(missing_ok=True)
        else:
            _, outcome = classify(record)
            row.update(record=record, outcome=outcome, missing=missing_fields(record))
        rows.append(row)
    return rows


def import_view(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    expire_previews()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import documents",
        "max_mb": MAX_BYTES // (1024 * 1024),
    }
    if request.method == "POST" and request.POST.get("step") in {"confirm", "cancel"}:
        folder = staging_dir(request.POST.get("token", ""))
        if not folder.is_dir():
            messages.error(request, "That upload is gone; please upload the files again.")
            return redirect("admin:articles_article_import")
        if request.POST["step"] == "confirm":
            with ocr.readings_kept_in(readings_dir(folder)):
                report = import_files(
                    staged_files(folder), publish_complete=request.POST.get("publish") == "1"
                )
            level = messages.WARNING if report.failed else messages.SUCCESS
            messages.add_message(request, level, report.summary())
            for source, reason in report.failed:
                messages.error(request, f"{Path(source).name}: {reason}")
        shutil.rmtree(folder, ignore_errors=True)
        return redirect("admin:articles_article_changelist")

    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = stage(form.cleaned_data["files"])
        folder = staging_dir(token)
        rows = preview(folder)
        if not staged_files(folder):  # every file refused: nothing to confirm
            shutil.rmtree(folder, ignore_errors=True)
            token = ""
        context.update(rows=rows, token=token, publish=form.cleaned_data["publish"])
        return TemplateResponse(request, "admin/articles/article/import_preview.html", context)
    context["form"] = form
    return TemplateResponse(request, "admin/articles/article/import.html", context)
