"""The archive's published articles, their authors and the entities they mention: lists
(paginated, filtered) and details. What the public may see comes from ``articles.public``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from articles import public, stories
from articles.api.params import (
    ORDERINGS,
    PAGE_SIZE,
    Ordering,
    PageNumber,
    PageSize,
    one_of,
    paginate,
    partial_date,
)
from articles.api.schemas import (
    LATEST,
    ArticleDetail,
    ArticlePage,
    ArticleSummary,
    AuthorDetail,
    AuthorPage,
    AuthorSummary,
    EntityDetail,
    EntityPage,
    EntitySummary,
    Error,
    Moved,
)
from articles.models import Entity

router = Router()

# Slugs as Django's unicode slugs make them; anything else cannot name a row, and
# strings with NUL bytes would be refused by PostgreSQL rather than simply not found.
_SLUG = re.compile(r"[-\w]+")
_NOT_A_FILTER = (
    " A value that names nothing matches no article (an empty page, not an error); an empty "
    "one is no filter."
)
_DATE_HELP = (
    "A date (2019-09-05), a month (2019-09) or a year (2019){end}. Undated articles are left "
    "out when it is given. Anything else is a 400."
)
_NO_PAGE = {"description": "No such page (past the last)."}

# Types built at run time (Annotated with their reader): Any to mypy, declared so here
# because an inferred variable is not accepted as a type.
DateFrom: Any = partial_date()
DateTo: Any = partial_date(end=True)
EntityKind: Any = one_of(
    list(Entity.Kind.values), f"A kind is one of {', '.join(Entity.Kind.values)}."
)


def _slug_of(what: str):
    return Path(..., description=f"The {what}'s slug, as in its address on the site.")


class Paging(Schema):
    page: PageNumber = Field(
        1,
        description="Which page. Anything but a whole number of 1 or more is a 400; a page "
        "past the last is a 404.",
    )
    page_size: PageSize = Field(
        PAGE_SIZE, description="Items per page, 1 to 100; anything else is a 400."
    )


class ArticleFilters(Paging):
    """Filters combine (all must hold)."""

    publication: str = Field(
        "", description="Only this publication's articles (its slug)." + _NOT_A_FILTER
    )
    section: str = Field(
        "",
        description="Only articles in sections with this slug (unique within a publication: "
        "combine with publication to pick one)." + _NOT_A_FILTER,
    )
    author: str = Field(
        "", description="Only articles by this author (their slug)." + _NOT_A_FILTER
    )
    entity: str = Field(
        "",
        description="Only articles mentioning this entity (its slug; the slug of an entity "
        "merged into another means that one)." + _NOT_A_FILTER,
    )
    language: str = Field(
        "",
        description="Only articles in this language (ISO 639 code, e.g. en, fa)." + _NOT_A_FILTER,
    )
    date_from: DateFrom = Field(None, alias="from", description=_DATE_HELP.format(end=""))
    date_to: DateTo = Field(
        None, alias="to", description=_DATE_HELP.format(end="; a month or year means its last day")
    )
    ordering: Ordering = Field(
        "newest",
        description="By publication date (undated articles last either way); anything else "
        "is a 400.",
    )


class EntityFilters(Paging):
    kind: EntityKind = Field(
        "",
        description="Only entities of this kind; anything else is a 400. Without it, every "
        "kind but group (nationalities and other groups, listed only when asked for).",
    )


def _filter_by_slug(queryset, lookup: str, value: str):
    """``queryset`` filtered on ``lookup=value``; a value that cannot be a slug (or a
    language code) matches nothing."""
    if not _SLUG.fullmatch(value):
        return queryset.none()
    return queryset.filter(**{lookup: value})


def _mentioning(slug: str):
    """Public articles mentioning the entity ``slug`` names; the slug of an entity merged
    into another means the one it was merged into."""
    entity = Entity.objects.filter(slug=slug).first() if _SLUG.fullmatch(slug) else None
    if entity is not None and entity.merged_into_id:
        entity = entity.survivor()
    if entity is None or entity.merged_into_id:
        return public.articles().none()
    return public.articles_mentioning(entity)


def _articles_url(request: HttpRequest, **filters: str) -> str:
    return request.build_absolute_uri(f"{reverse('articles:api-articles')}?{urlencode(filters)}")


def _latest(articles):
    return articles.for_listing().newest_first()[:LATEST]


@router.get(
    "/articles/",
    response={200: ArticlePage, 400: Error, 404: Error},
    url_name="api-articles",
    operation_id="list_articles",
    summary="List articles",
    description="Published articles, newest first unless asked otherwise. Filters combine "
    "(all must hold).",
    tags=["articles"],
    openapi_extra={"responses": {404: _NO_PAGE}},
)
def article_list(request: HttpRequest, filters: Query[ArticleFilters]):
    articles = _mentioning(filters.entity) if filters.entity else public.articles()
    for value, lookup in (
        (filters.publication, "publication__slug"),
        (filters.section, "section__slug"),
        (filters.author, "bylines__author__slug"),
        (filters.language, "language"),
    ):
        if value:
            articles = _filter_by_slug(articles, lookup, value)
    if filters.date_from:
        articles = articles.filter(published_on__gte=filters.date_from)
    if filters.date_to:
        articles = articles.filter(published_on__lte=filters.date_to)
    articles = articles.for_listing().order_by(*ORDERINGS[filters.ordering])
    return ArticlePage(
        **paginate(request, articles, filters.page, filters.page_size, ArticleSummary.of)
    )


@router.get(
    "/articles/{uslug:slug}/",
    response={200: ArticleDetail, 404: Error},
    url_name="api-article",
    operation_id="get_an_article",
    summary="Get an article",
    description="One published article in full. Drafts, articles in review and withdrawn "
    "ones are 404, as on the site.",
    tags=["articles"],
    openapi_extra={"responses": {404: {"description": "No published article has this slug."}}},
)
def article_detail(request: HttpRequest, slug: str = _slug_of("article")):
    article = public.articles().for_listing().filter(slug=slug).first()
    if article is None:
        raise Http404(f"No published article has the slug “{slug[:80]}”.")
    mentions = (
        public.mentions()
        .filter(article=article)
        .select_related("entity")
        .order_by("-count", "entity__name")
    )
    versions = stories.public_version_counts([article.pk])[article.pk]
    return ArticleDetail.of(request, article, mentions, versions)


@router.get(
    "/authors/",
    response={200: AuthorPage, 400: Error, 404: Error},
    url_name="api-authors",
    operation_id="list_authors",
    summary="List authors",
    description="Authors with at least one published article, by name, with how many.",
    tags=["authors"],
    openapi_extra={"responses": {404: _NO_PAGE}},
)
def author_list(request: HttpRequest, paging: Query[Paging]):
    authors = public.authors().order_by("name", "id")
    return AuthorPage(**paginate(request, authors, paging.page, paging.page_size, AuthorSummary.of))


@router.get(
    "/authors/{uslug:slug}/",
    response={200: AuthorDetail, 404: Error},
    url_name="api-author",
    operation_id="get_an_author",
    summary="Get an author",
    description=f"An author of published articles, with their {LATEST} newest.",
    tags=["authors"],
    openapi_extra={
        "responses": {404: {"description": "No author of a published article has this slug."}}
    },
)
def author_detail(request: HttpRequest, slug: str = _slug_of("author")):
    # An author known only from drafts is not public yet.
    author = public.authors().filter(slug=slug).first()
    if author is None:
        raise Http404(f"No author of a published article has the slug “{slug[:80]}”.")
    return AuthorDetail.with_latest(
        request,
        author,
        articles_url=_articles_url(request, author=author.slug),
        latest=_latest(public.articles_by(author)),
    )


@router.get(
    "/entities/",
    response={200: EntityPage, 400: Error, 404: Error},
    url_name="api-entities",
    operation_id="list_entities",
    summary="List entities",
    description="People, organisations, places… mentioned in published articles (accepted "
    "mentions only; entities merged into another are never listed), most mentioned first.",
    tags=["entities"],
    openapi_extra={"responses": {404: _NO_PAGE}},
)
def entity_list(request: HttpRequest, filters: Query[EntityFilters]):
    entities = public.listed_entities(filters.kind).order_by("-article_count", "name", "id")
    return EntityPage(
        **paginate(request, entities, filters.page, filters.page_size, EntitySummary.of)
    )


@router.get(
    "/entities/{uslug:slug}/",
    response={200: EntityDetail, 301: Moved, 404: Error},
    url_name="api-entity",
    operation_id="get_an_entity",
    summary="Get an entity",
    description=f"An entity with its {LATEST} newest articles. An entity that was merged "
    "into another answers 301 Moved Permanently, its Location header (and body) naming the "
    "entity it became, as its page on the site does; clients that follow redirects get that "
    "entity.",
    tags=["entities"],
    openapi_extra={
        "responses": {
            301: {
                "description": "Merged into another entity.",
                "headers": {
                    "Location": {
                        "description": "The API address of the entity it was merged into.",
                        "required": True,
                        "schema": {"type": "string", "format": "uri"},
                    }
                },
            },
            404: {
                "description": "No entity has this slug, or no published article mentions it (yet)."
            },
        }
    },
)
def entity_detail(request: HttpRequest, response: HttpResponse, slug: str = _slug_of("entity")):
    entity = Entity.objects.filter(slug=slug).first()
    if entity is None:
        raise Http404(f"No entity has the slug “{slug[:80]}”.")
    if entity.merged_into_id:
        survivor = entity.survivor()
        if survivor.merged_into_id:  # a merge cycle: a data error, not an entity
            raise Http404("This entity was merged in a loop.")
        location = request.build_absolute_uri(reverse("articles:api-entity", args=[survivor.slug]))
        response["Location"] = location
        return Status(
            301,
            Moved(
                detail=f"“{entity.name}” was merged into “{survivor.name}”.",
                merged_into=survivor.slug,
                location=location,
            ),
        )
    entity = public.entities().filter(pk=entity.pk).first()
    if entity is None:
        # Known only from drafts or rejected mentions: nothing public to show.
        raise Http404(f"No published article mentions the entity “{slug[:80]}”.")
    return EntityDetail.with_latest(
        request,
        entity,
        articles_url=_articles_url(request, entity=entity.slug),
        latest=_latest(public.articles_mentioning(entity)),
    )
