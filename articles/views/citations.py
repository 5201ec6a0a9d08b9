"""An article's citation as files for reference managers: BibTeX and RIS.

Like the article page itself, these exist for published articles only; any other slug
is a 404.
"""

from __future__ import annotations

from typing import cast

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header

from articles import citations, public
from articles.models import Article


def article_citation(request, article: Article) -> citations.Citation:
    """The citation of ``article`` as seen from this request: its absolute permalink,
    retrieved today."""
    permalink = request.build_absolute_uri(article.get_absolute_url())
    return citations.citation_for(article, permalink, timezone.localdate())


def _citation(request, slug: str) -> tuple[Article, citations.Citation]:
    article = get_object_or_404(public.articles().for_listing(), slug=slug)
    return article, article_citation(request, article)


def _download(text: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    # A str whenever a filename is given (None only without one).
    response["Content-Disposition"] = cast(str, content_disposition_header(True, filename))
    return response


def cite_bibtex(request, slug: str):
    article, citation = _citation(request, slug)
    return _download(citations.bibtex(citation), "text/x-bibtex", f"{article.slug}.bib")


def cite_ris(request, slug: str):
    article, citation = _citation(request, slug)
    return _download(
        citations.ris(citation), "application/x-research-info-systems", f"{article.slug}.ris"
    )
