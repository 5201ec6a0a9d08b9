"""Atom feeds of the archive, and the OpenSearch description that points at them.

Every feed lists published articles only, newest first, ``FEED_ITEMS`` at a time: the
latest articles, any search (the search page's parameters, through the search service),
one author's articles, and the articles mentioning one entity (accepted mentions only).
A merged entity's feed redirects permanently to the feed of the entity it was merged
into, as its page does; an author or entity with no published article has no feed (404).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator

from articles import public
from articles.models import Article, Author, Entity
from articles.search.facets import FACETS, display_value
from articles.search.service import (
    OVER_BUDGET_MESSAGE,
    RETRY_AFTER_SECONDS,
    SORTS,
    SearchOverBudget,
    SearchParams,
    SearchUnavailable,
    run_search,
)
from articles.views.listing import first_in_earlier_years

FEED_ITEMS = 20
SUMMARY_WORDS = 60


class ArticleAtomFeed(Atom1Feed):
    """Atom with one ``<author>`` per name in the byline (Django's writes at most one)
    and each entry's language, so that a Persian entry says it is Persian."""

    def item_attributes(self, item):
        attributes = super().item_attributes(item)
        if item.get("language"):
            attributes["xml:lang"] = item["language"]
        return attributes

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("author_names", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")


class ArticleFeed(Feed):
    """What every feed of articles shares: how an article becomes an entry."""

    feed_type = ArticleAtomFeed
    # Atom wants an author for every entry; the archive stands in for missing bylines.
    author_name = "NewsArchive"

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # The feed's id is its own address: the page it mirrors has an id of its own.
        feed.feed["id"] = feed.feed["feed_url"]
        return feed

    def item_title(self, article: Article) -> str:
        return article.title  # Atom titles are text: no escaping beyond the XML's own

    def item_description(self, article: Article) -> str:
        # The summary is declared HTML; the archive's text is plain, so escape it.
        return escape(article.summary or Truncator(article.body).words(SUMMARY_WORDS))

    # The entry's id is its link (Feed's default): the article's absolute permalink.

    def item_pubdate(self, article: Article) -> dt.datetime | None:
        """When the source published it (midnight UTC of that day), else when the
        archive did."""
        if article.published_on:
            return dt.datetime.combine(article.published_on, dt.time.min, tzinfo=dt.UTC)
        return article.published_at

    def item_updateddate(self, article: Article) -> dt.datetime:
        return article.updated_at

    def item_extra_kwargs(self, article: Article) -> dict:
        return {
            "author_names": [author.name for author in article.ordered_authors()],
            "language": article.language,
        }


def latest_articles():
    return public.articles().for_listing().newest_first()[:FEED_ITEMS]


class LatestFeed(ArticleFeed):
    title = "NewsArchive: latest articles"
    subtitle = "The newest articles published in the archive."

    def link(self) -> str:
        return reverse("articles:home")

    def items(self):
        return latest_articles()


class OnThisDayFeed(ArticleFeed):
    """Today's date in earlier years: a feed that changes every day."""

    subtitle = "Articles published on this day in earlier years."

    def title(self) -> str:
        return f"NewsArchive: on this day, {timezone.localdate():%-d %B}"

    def link(self) -> str:
        return reverse("articles:on-this-day")

    def items(self):
        today = timezone.localdate()
        articles = public.on_this_day(today.month, today.day, today.year)
        return first_in_earlier_years(articles, FEED_ITEMS)


@dataclass
class _Search:
    params: SearchParams
    articles: list[Article]


class SearchFeed(ArticleFeed):
    """The first results of a search, newest first unless the query asks for another
    order; without a query (or with only bad parameters) the latest articles."""

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except SearchOverBudget:
            return HttpResponse(
                OVER_BUDGET_MESSAGE + "\n", status=422, content_type="text/plain; charset=utf-8"
            )
        except SearchUnavailable:
            return HttpResponse(
                "Search is unavailable at the moment: its index is being rebuilt or "
                "repaired. Please try again in a few minutes.\n",
                status=503,
                content_type="text/plain; charset=utf-8",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )

    def get_object(self, request) -> _Search:
        params = SearchParams.from_query(request.GET, per_page=FEED_ITEMS)
        if request.GET.get("sort") not in SORTS:
            params.sort = "newest"
        params.page = 1  # a feed is the first page; readers poll it for what is new
        if params.is_empty:
            return _Search(params, list(latest_articles()))
        outcome = run_search(params)
        return _Search(params, [hit.article for hit in outcome.hits])

    def items(self, search: _Search) -> list[Article]:
        return search.articles

    def title(self, search: _Search) -> str:
        if search.params.is_empty:
            return LatestFeed.title
        return f"NewsArchive: search for {describe(search.params)}"

    def link(self, search: _Search) -> str:
        if search.params.is_empty:
            return reverse("articles:home")
        return reverse("articles:search") + _query_string(search.params)

    def feed_url(self, search: _Search) -> str:
        return reverse("articles:feed-search") + _query_string(search.params)


def _query_string(params: SearchParams) -> str:
    query = urlencode(params.as_query(), doseq=True)
    return f"?{query}" if query else ""


def describe(params: SearchParams) -> str:
    """A search in words: '“Erdogan”, Author: Nancy Thomas, Language: Persian, from 2019-01-01'."""
    labels = dict(FACETS)
    parts = [f"“{params.q}”"] if params.q else []
    parts += [f"{labels[name]}: {display_value(name, value)}" for name, value in params.facets]
    if params.date_from:
        parts.append(f"from {params.date_from.isoformat()}")
    if params.date_to:
        parts.append(f"to {params.date_to.isoformat()}")
    return ", ".join(parts)


class AuthorFeed(ArticleFeed):
    def get_object(self, request, slug: str) -> Author:
        return get_object_or_404(public.authors(counts=False), slug=slug)

    def items(self, author: Author):
        return public.articles_by(author).for_listing().newest_first()[:FEED_ITEMS]

    def title(self, author: Author) -> str:
        return f"NewsArchive: articles by {author.name}"

    def link(self, author: Author) -> str:
        return author.get_absolute_url()


class _MovedPermanently(Exception):
    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


class EntityFeed(ArticleFeed):
    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except _MovedPermanently as moved:
            return HttpResponsePermanentRedirect(moved.url)

    def get_object(self, request, slug: str) -> Entity:
        entity = get_object_or_404(Entity, slug=slug)
        if entity.merged_into_id:
            survivor = entity.survivor()
            if survivor.merged_into_id:  # a merge cycle: a data error, not a feed
                raise Http404("This entity was merged in a loop.")
            raise _MovedPermanently(reverse("articles:feed-entity", args=[survivor.slug]))
        if not public.entities(counts=False).filter(pk=entity.pk).exists():
            raise Http404("No published article mentions this entity.")
        return entity

    def items(self, entity: Entity):
        articles = public.articles_mentioning(entity)
        return articles.for_listing().newest_first()[:FEED_ITEMS]

    def title(self, entity: Entity) -> str:
        return f"NewsArchive: articles mentioning {entity.name}"

    def link(self, entity: Entity) -> str:
        return entity.get_absolute_url()


latest_feed = LatestFeed()
search_feed = SearchFeed()
on_this_day_feed = OnThisDayFeed()
author_feed = AuthorFeed()
entity_feed = EntityFeed()


def opensearch_description(request):
    """Lets browsers add the archive as a search engine, and feed readers subscribe to
    a search."""
    return render(
        request,
        "opensearch.xml",
        {
            "search_url": request.build_absolute_uri(reverse("articles:search")),
            "feed_url": request.build_absolute_uri(reverse("articles:feed-search")),
            "self_url": request.build_absolute_uri(reverse("articles:opensearch")),
        },
        content_type="application/opensearchdescription+xml; charset=utf-8",
    )
