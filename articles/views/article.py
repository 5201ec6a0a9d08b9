"""One article, as a reader sees it: the text (with the searched words marked when the
reader came from a search), its facts, entities, related articles and citation beside it,
and where to go next."""

import logging
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from articles import public
from articles.models import Article
from articles.reading import AUTHORS, ENTITIES, entity_groups, mark_article, mark_names
from articles.search.facets import display_value
from articles.search.service import SearchParams, more_like_this
from articles.stories import article_page_context

log = logging.getLogger(__name__)

RELATED_COUNT = 5
MORE_COUNT = 5  # "more from this author" and "more from this day"


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


def moving_on(article: Article, authors: list) -> dict:
    """Where a reader may go next: the previous and next article of the same publication
    by date, more by the first author, more from the same day. Four queries at most."""
    others = public.articles().exclude(pk=article.pk).select_related("publication")
    found: dict = {"previous": None, "next": None, "by_author": [], "same_day": []}
    day = article.published_on
    if day and article.publication_id:
        same = others.filter(publication=article.publication_id)
        # Ties on the date are broken by id, so that every article of a day is reachable.
        # The plain range beside the OR lets the database walk its date index from the day.
        found["previous"] = (
            same.filter(published_on__lte=day)
            .filter(Q(published_on__lt=day) | Q(published_on=day, id__lt=article.pk))
            .order_by("-published_on", "-id")
            .first()
        )
        found["next"] = (
            same.filter(published_on__gte=day)
            .filter(Q(published_on__gt=day) | Q(published_on=day, id__gt=article.pk))
            .order_by("published_on", "id")
            .first()
        )
    if authors:
        found["author"] = authors[0]
        found["by_author"] = list(
            others.filter(bylines__author=authors[0]).newest_first()[:MORE_COUNT]
        )
    if day:
        found["same_day"] = list(others.filter(published_on=day).order_by("-id")[:MORE_COUNT])
        found["day_url"] = reverse("articles:archive-day", args=[day.year, day.month, day.day])
    return found


def search_context(request, article: Article, mentions: list, authors: list) -> dict:
    """For a reader who came from a search (the results page's parameters on the article's
    address): the title and body with the matches marked, their count, and the way back to
    the same results page; the entities and authors whose names matched get ``marked_name``.
    Empty for everyone else."""
    params = SearchParams.from_query(request.GET)
    if not params.q:
        return {}
    entity_names = mark_names({m.entity.name for m in mentions}, params.q, ENTITIES)
    for mention in mentions:
        mention.marked_name = entity_names.get(mention.entity.name)
    author_names = mark_names({a.name for a in authors}, params.q, AUTHORS)
    for author in authors:
        author.marked_name = author_names.get(author.name)
    marked = mark_article(
        article.title,
        article.paragraphs,
        params.q,
        kicker=article.kicker,
        summary=article.summary,
    )
    query = params.as_query()
    if params.page > 1:
        query["page"] = [str(params.page)]
    return {
        "q": params.q,
        "marked": marked,
        "search_url": reverse("articles:search") + "?" + urlencode(query, doseq=True),
        "names_matched": bool(entity_names or author_names),
    }


def article_detail(request, slug: str):
    article = get_object_or_404(public.articles().for_listing(), slug=slug)
    mentions = list(public.mentions().filter(article=article).select_related("entity"))
    authors = article.ordered_authors()
    context = {
        "article": article,
        "authors": authors,
        "language_name": display_value("language", article.language) if article.language else "",
        "mentions": mentions,
        "entity_groups": entity_groups(mentions),
        "related": related_articles(article, [m.entity_id for m in mentions]),
        "moving_on": moving_on(article, authors),
        "show_original": request.user.is_staff and bool(article.original_file),
        **search_context(request, article, mentions, authors),
        **article_page_context(article),
    }
    return render(request, "articles/article_detail.html", context)
