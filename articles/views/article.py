"""One article, as a reader sees it."""

import logging

from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from articles import public
from articles.models import Article
from articles.search.service import more_like_this
from articles.stories import article_page_context

log = logging.getLogger(__name__)

RELATED_COUNT = 5


def related_articles(article: Article, entity_ids: list[int]) -> list[Article]:
    """Articles like this one by the search engine's measure (more like this); when search
    cannot answer, those sharing the most entities, then the newest in its section."""
    try:
        related = more_like_this(article, RELATED_COUNT)
    except Exception:
        log.exception("More like this failed for article %s", article.pk)
        related = []
    if related:
        return related
    others = public.articles().exclude(pk=article.pk)
    if entity_ids:
        related = list(
            others.filter(public.accepted_via("mentions"), mentions__entity__in=entity_ids)
            .annotate(shared=Count("mentions"))
            .select_related("publication")
            .order_by("-shared", "-published_on", "-id")[:RELATED_COUNT]
        )
        if related:
            return related
    if article.section_id:
        return list(
            others.filter(section=article.section_id)
            .select_related("publication")
            .newest_first()[:RELATED_COUNT]
        )
    return []


def article_detail(request, slug: str):
    article = get_object_or_404(public.articles().for_listing(), slug=slug)
    mentions = list(
        public.mentions()
        .filter(article=article)
        .select_related("entity")
        .order_by("-count", "entity__name")
    )
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "mentions": mentions,
            "related": related_articles(article, [m.entity_id for m in mentions]),
            **article_page_context(article),
        },
    )
