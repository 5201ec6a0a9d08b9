"""The original files articles were imported from, for staff only.

Kept originals live under ``MEDIA_ROOT/originals/`` and the admin links to them at their
``MEDIA_URL`` address, which in production nothing else serves: this view answers there,
for staff who may view articles, and only for files that are an article's original (never
an upload waiting for its preview, nor any other file under ``MEDIA_ROOT``). Everyone else
gets the same 404 as for a file that does not exist.

Python sends the file itself by default; with ``ORIGINALS_X_ACCEL_REDIRECT`` set, the view
only checks and answers with an ``X-Accel-Redirect`` header, and the reverse proxy sends
the file (docs/deployment.md).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import cast
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponse
from django.utils._os import safe_join
from django.utils.http import content_disposition_header

from articles.models import Article, ScannedPage

FOLDER = "originals"


def original_file(request, name: str):
    user = request.user
    if not (user.is_active and user.is_staff):
        raise Http404("No such file.")
    stored = f"{FOLDER}/{name}"
    try:
        path = Path(safe_join(settings.MEDIA_ROOT, stored))
    except SuspiciousFileOperation as exc:
        raise Http404("No such file.") from exc
    article = Article.objects.filter(original_file=stored).only("pk").first()
    if article is None:  # the image of a page OCR read, kept beside the original
        article = ScannedPage.objects.filter(image=stored).only("pk").first()
    if article is None or not path.is_file():
        raise Http404("No such file.")
    if not user.has_perm("articles.view_article"):
        raise PermissionDenied
    # Always a download: an imported HTML page must never run as a page of this site. The PNG
    # page images OCR made are ours, and shown inline in the admin.
    inline = stored.endswith(".png") and ScannedPage.objects.filter(image=stored).exists()
    # A str whenever a filename is given (None only without one).
    disposition = cast(
        str, content_disposition_header(as_attachment=not inline, filename=path.name)
    )
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    response: HttpResponse | FileResponse
    if settings.ORIGINALS_X_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = quote(
            settings.ORIGINALS_X_ACCEL_REDIRECT.rstrip("/") + "/" + stored
        )
    else:
        response = FileResponse(path.open("rb"), content_type=content_type)
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    return response
