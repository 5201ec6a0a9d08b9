"""What the API says about each thing: pydantic models, from which the OpenAPI document's
schemas are generated, each with the classmethod that makes it from the archive's objects.

Every object has exactly its fields, all of them present (null where the type allows).
Every ``url`` is the thing's page on the site, every ``api_url`` its place in the API; both
absolute, built from the request. The ``of`` methods expect what the views load:
``for_listing()``'s joins and prefetch for articles, the ``article_count`` annotation of
``articles.public`` for authors and entities.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Generic, Protocol, TypeVar, cast

from django.http import HttpRequest
from django.urls import reverse
from pydantic import BaseModel, ConfigDict, Field, create_model

from articles.api.params import MAX_PAGE_SIZE
from articles.models import Article, Author, Entity
from articles.search.facets import FACETS
from articles.search.service import Hit

LATEST = 10  # articles shown with an author or entity; the rest are a link away
FACET_VALUES = 50  # the most frequent values of each search facet

Url = Annotated[str, Field(json_schema_extra={"format": "uri"})]
Count = Annotated[int, Field(ge=0)]
StoryVersions = Annotated[
    int,
    Field(
        ge=1,
        description="How many published versions its story has, this one included (one "
        "more than the page's other versions of this story): 1 for an article in no story. "
        "Withdrawn versions are never counted.",
    ),
]
# Entity.Kind's values as the API's enum (the model's choices, in the model's order).
Kind = Entity.Kind


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _aliases(thing: Author | Entity) -> list[str]:
    return [alias for alias in thing.aliases if isinstance(alias, str)]


# --- errors and other answers ---------------------------------------------------------


class Error(Payload):
    error: str = Field(description="What went wrong, in a few words.")
    detail: str | dict[str, str] = Field(
        description="More about it, for people; for a 400, each bad parameter and what is "
        "wrong with it."
    )


class Moved(Payload):
    """An entity merged into another; its old address answers 301 with this body."""

    detail: str
    merged_into: str = Field(description="The slug of the entity it was merged into.")
    location: Url = Field(description="Where that entity is in the API (also the Location header).")


class Endpoints(Payload):
    articles: Url
    authors: Url
    entities: Url
    search: Url


class Index(Payload):
    name: str
    description: str
    openapi: Url = Field(description="The OpenAPI document.")
    endpoints: Endpoints


# --- references ----------------------------------------------------------------------


class Ref(Payload):
    name: str
    slug: str
    url: Url = Field(description="Its page on the site.")

    @classmethod
    def of(cls, request: HttpRequest, thing) -> Ref:
        url = _absolute(request, thing.get_absolute_url())
        return cls(name=thing.name, slug=thing.slug, url=url)


class PublicationRef(Ref):
    pass


class SectionRef(Ref):
    """A section's slug is unique within its publication."""


class AuthorRef(Ref):
    pass


class EntityMention(Payload):
    name: str
    slug: str
    kind: Kind
    count: Count = Field(description="Times the article mentions it.")
    url: Url = Field(description="Its page on the site.")


# --- articles ------------------------------------------------------------------------


class ArticleSummary(Payload):
    """An article as lists show it."""

    title: str = Field(description="Plain text.")
    slug: str
    kicker: str = Field(description="Subtitle or kicker; may be empty.")
    summary: str = Field(description="May be empty.")
    url: Url = Field(description="The article's permanent address on the site.")
    api_url: Url = Field(description="This article in the API, in full.")
    published_on: dt.date | None = Field(description="When the source published it.")
    language: str = Field(description="ISO 639 code, e.g. en, fa; may be empty.")
    publication: PublicationRef | None
    section: SectionRef | None
    authors: list[AuthorRef] = Field(description="In byline order.")
    word_count: Count = Field(description="Words in the body.")

    @classmethod
    def fields_of(cls, request: HttpRequest, article: Article) -> dict:
        publication, section = article.publication, article.section
        return {
            "title": article.title,
            "slug": article.slug,
            "kicker": article.kicker,
            "summary": article.summary,
            "url": _absolute(request, article.get_absolute_url()),
            "api_url": _absolute(request, reverse("articles:api-article", args=[article.slug])),
            "published_on": article.published_on,
            "language": article.language,
            "publication": PublicationRef.of(request, publication) if publication else None,
            "section": SectionRef.of(request, section) if section else None,
            "authors": [AuthorRef.of(request, author) for author in article.ordered_authors()],
            "word_count": article.word_count,
        }

    @classmethod
    def of(cls, request: HttpRequest, article: Article) -> ArticleSummary:
        return cls(**cls.fields_of(request, article))


class ArticleDetail(ArticleSummary):
    """A published article in full."""

    body: str = Field(description="Plain text; paragraphs separated by a blank line.")
    paragraphs: list[str] = Field(
        description="The body's paragraphs, trimmed, empty ones left out."
    )
    entities: list[EntityMention] = Field(
        description="Entities the article mentions (accepted mentions of entities not "
        "merged away), most mentioned first."
    )
    story_versions: StoryVersions

    @classmethod
    def of(
        cls, request: HttpRequest, article: Article, mentions=(), story_versions: int = 1
    ) -> ArticleDetail:
        """``mentions``: the article's public mentions, their entities joined;
        ``story_versions``: ``articles.stories.public_version_counts``'s for it."""
        return cls(
            **cls.fields_of(request, article),
            story_versions=story_versions,
            body=article.body,
            paragraphs=article.paragraphs,
            entities=[
                EntityMention(
                    name=mention.entity.name,
                    slug=mention.entity.slug,
                    kind=mention.entity.kind,
                    count=mention.count,
                    url=_absolute(request, mention.entity.get_absolute_url()),
                )
                for mention in mentions
            ],
        )


def _latest() -> Any:
    """The field of an author's or entity's newest articles."""
    return Field(
        max_length=LATEST,
        description=f"The newest {LATEST} published articles; articles_url pages through all.",
    )


# --- authors and entities ------------------------------------------------------------


class _Counted(Protocol):
    article_count: int


def _article_count(row: Author | Entity) -> int:
    """The count of public articles ``articles.public.authors()`` and ``entities()`` annotate
    on each row (their QuerySet[Author] / QuerySet[Entity] types do not carry it)."""
    return cast(_Counted, row).article_count


class AuthorSummary(Payload):
    name: str
    slug: str
    url: Url = Field(description="Their page on the site.")
    api_url: Url = Field(description="This author in the API.")
    article_count: Count = Field(description="Published articles in their name.")

    @classmethod
    def fields_of(cls, request: HttpRequest, author: Author) -> dict:
        return {
            "name": author.name,
            "slug": author.slug,
            "url": _absolute(request, author.get_absolute_url()),
            "api_url": _absolute(request, reverse("articles:api-author", args=[author.slug])),
            "article_count": _article_count(author),
        }

    @classmethod
    def of(cls, request: HttpRequest, author: Author) -> AuthorSummary:
        return cls(**cls.fields_of(request, author))


class AuthorDetail(AuthorSummary):
    aliases: list[str] = Field(description="Other spellings.")
    articles_url: Url = Field(description="Their articles, paginated (/api/articles/?author=…).")
    latest_articles: list[ArticleSummary] = _latest()

    @classmethod
    def with_latest(
        cls, request: HttpRequest, author: Author, *, articles_url: str, latest
    ) -> AuthorDetail:
        return cls(
            **cls.fields_of(request, author),
            aliases=_aliases(author),
            articles_url=articles_url,
            latest_articles=[ArticleSummary.of(request, article) for article in latest],
        )


class EntitySummary(Payload):
    name: str
    slug: str
    kind: Kind
    url: Url = Field(description="Its page on the site.")
    api_url: Url = Field(description="This entity in the API.")
    article_count: Count = Field(
        description="Published articles that mention it (rejected mentions left out)."
    )

    @classmethod
    def fields_of(cls, request: HttpRequest, entity: Entity) -> dict:
        return {
            "name": entity.name,
            "slug": entity.slug,
            "kind": entity.kind,
            "url": _absolute(request, entity.get_absolute_url()),
            "api_url": _absolute(request, reverse("articles:api-entity", args=[entity.slug])),
            "article_count": _article_count(entity),
        }

    @classmethod
    def of(cls, request: HttpRequest, entity: Entity) -> EntitySummary:
        return cls(**cls.fields_of(request, entity))


class EntityDetail(EntitySummary):
    aliases: list[str] = Field(
        description="Other names, including those of entities merged into it."
    )
    description: str = Field(description="May be empty.")
    articles_url: Url = Field(
        description="Articles mentioning it, paginated (/api/articles/?entity=…)."
    )
    latest_articles: list[ArticleSummary] = _latest()

    @classmethod
    def with_latest(
        cls, request: HttpRequest, entity: Entity, *, articles_url: str, latest
    ) -> EntityDetail:
        return cls(
            **cls.fields_of(request, entity),
            aliases=_aliases(entity),
            description=entity.description,
            articles_url=articles_url,
            latest_articles=[ArticleSummary.of(request, article) for article in latest],
        )


# --- search --------------------------------------------------------------------------


class SearchHit(ArticleSummary):
    """A search result: the article as lists show it, with its matches marked."""

    title_html: str = Field(
        description="The title as HTML: its text HTML-escaped, the words that matched the "
        "query wrapped in <mark> elements; no other markup."
    )
    snippet: str = Field(
        description="About 280 characters of the body around the matches, as HTML: the text "
        "HTML-escaped (so safe to insert as HTML), matched words wrapped in <mark> elements, "
        "no other markup; … where the body was cut."
    )
    score: float = Field(description="Relevance (0 when sorted by date).")
    story_versions: StoryVersions

    @classmethod
    def of_hit(cls, request: HttpRequest, hit: Hit, story_versions: int = 1) -> SearchHit:
        score = float(hit.score or 0)
        return cls(
            **cls.fields_of(request, hit.article),
            story_versions=story_versions,
            title_html=str(hit.title),
            snippet=str(hit.snippet),
            score=score if math.isfinite(score) else 0.0,
        )


class FacetValue(Payload):
    value: str
    count: int = Field(ge=1)


# One list per facet of the search page, named as its filters name them (f=<field>:<value>).
# Typed Any: unpacked as **kwargs, a dict of tuples would be checked against create_model's
# own keyword arguments (__config__, __validators__, ...) too.
_FACET_FIELDS: dict[str, Any] = {
    name: (
        list[FacetValue],
        Field(
            max_length=FACET_VALUES,
            description=f"{label}: values among all the results, with how many results "
            "have each; most frequent first.",
        ),
    )
    for name, label in FACETS
}
Facets = create_model(
    "Facets",
    __base__=Payload,
    __doc__=f"Up to {FACET_VALUES} values of each facet. A value goes back into the search "
    "as f=<field>:<value>.",
    **_FACET_FIELDS,
)


# --- pages of lists ------------------------------------------------------------------

Item = TypeVar("Item", bound=BaseModel)


class Page(Payload, Generic[Item]):
    count: Count = Field(description="How many items there are in all pages.")
    page: int = Field(ge=1, description="This page's number.")
    pages: int = Field(ge=1, description="How many pages there are (1 when there are no items).")
    page_size: int = Field(ge=1, le=MAX_PAGE_SIZE)
    next: Url | None = Field(description="The next page, or null on the last.")
    previous: Url | None = Field(description="The previous page, or null on the first.")
    results: list[Item] = Field(max_length=MAX_PAGE_SIZE)


class ArticlePage(Page[ArticleSummary]):
    """A page of published articles."""


class AuthorPage(Page[AuthorSummary]):
    """A page of authors with published articles."""


class EntityPage(Page[EntitySummary]):
    """A page of entities mentioned in published articles."""


class SearchPage(Page[SearchHit]):
    """A page of search results, with facets and warnings."""

    # Facets is a model pydantic makes at run time (create_model): no type mypy can see.
    facets: Facets  # type: ignore[valid-type]
    warnings: list[str] = Field(
        description="Parameters that were ignored or changed, and why (the search page "
        "shows the same messages)."
    )
