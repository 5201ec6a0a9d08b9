"""The read-only JSON API under /api/: published articles, their authors, the entities
they mention, and the archive's one search (``articles.search.service``).

What the public may see is what the pages show: published articles only, accepted
mentions only, entities that were merged into another never listed. Every list is
paginated in one envelope (``count``, ``page``, ``pages``, ``page_size``, ``next``,
``previous``, ``results``); every error is JSON (``{"error": ..., "detail": ...}``),
never an HTML page. ``articles.api_schema`` is the OpenAPI document for all of it, and
tests/api/test_openapi.py holds the two together.
"""

from __future__ import annotations

import math
import re
from functools import wraps
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Paginator
from django.db.models import F
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from articles import public
from articles.models import Article, Author, Entity
from articles.search.facets import FACETS
from articles.search.service import (
    MAX_PER_PAGE,
    OVER_BUDGET_MESSAGE,
    PER_PAGE,
    RETRY_AFTER_SECONDS,
    SearchOverBudget,
    SearchParams,
    SearchUnavailable,
    parse_date,
    run_search,
)

PAGE_SIZE = PER_PAGE
MAX_PAGE_SIZE = MAX_PER_PAGE
LATEST = 10  # articles shown with an author or entity; the rest are a link away
FACET_VALUES = 50  # the most frequent values of each search facet
ORDERINGS = {
    "newest": (F("published_on").desc(nulls_last=True), "-id"),
    "oldest": (F("published_on").asc(nulls_last=True), "id"),
}
ALLOWED_METHODS = ("GET", "HEAD")
# Slugs as Django's unicode slugs make them; anything else cannot name a row, and
# strings with NUL bytes would be refused by PostgreSQL rather than simply not found.
_SLUG = re.compile(r"[-\w]+")


class BadParameters(Exception):
    """Query parameters the API cannot read: ``{name: what is wrong}``."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


def _error(status: int, message: str, detail: str | dict[str, str]) -> JsonResponse:
    return _json({"error": message, "detail": detail}, status=status)


def _json(data: dict, status: int = 200) -> JsonResponse:
    # Names in Persian and Arabic stay readable in the response.
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def api_view(view):
    """GET and HEAD only; bad parameters, missing objects and other methods answer in
    JSON. Nothing here changes state, so there is no CSRF token to ask for."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ALLOWED_METHODS:
            response = _error(
                405,
                "method not allowed",
                f"This API is read-only: use {' or '.join(ALLOWED_METHODS)}.",
            )
            response["Allow"] = ", ".join(ALLOWED_METHODS)
            return response
        try:
            return view(request, *args, **kwargs)
        except BadParameters as exc:
            return _error(400, "bad parameters", exc.problems)
        except Http404 as exc:
            return _error(404, "not found", str(exc) or "Nothing here.")

    return wrapper


# --- reading parameters -----------------------------------------------------------


def _positive_int(request, name: str, default: int, problems: dict, maximum: int | None = None):
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    limit = f"from 1 to {maximum}" if maximum else "1 or more"
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1 or (maximum and value > maximum):
        problems[name] = f"“{raw[:20]}” is not a whole number {limit}."
        return default
    return value


def _page_size(request, problems: dict) -> int:
    return _positive_int(request, "page_size", PAGE_SIZE, problems, maximum=MAX_PAGE_SIZE)


def _date(request, name: str, problems: dict, end: bool = False):
    """2019, 2019-09 or 2019-09-05, as on the search page; a 'to' year or month means
    its last day."""
    messages: list[str] = []
    date = parse_date(request.GET.get(name, ""), name, messages, end=end)
    if messages:
        problems[name] = messages[0]
    return date


def _filter_by_slug(queryset, lookup: str, value: str):
    """``queryset`` filtered on ``lookup=value``; a value that cannot be a slug (or a
    language code) matches nothing."""
    if not _SLUG.fullmatch(value):
        return queryset.none()
    return queryset.filter(**{lookup: value})


def _lookup_slug(slug: str) -> str:
    if not _SLUG.fullmatch(slug):
        raise Http404(f"Nothing has the slug “{slug[:80]}”.")
    return slug


# --- pagination -----------------------------------------------------------------


def _page_url(request, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _envelope(request, *, count: int, number: int, pages: int, page_size: int, results) -> dict:
    return {
        "count": count,
        "page": number,
        "pages": pages,
        "page_size": page_size,
        "next": _page_url(request, number + 1) if number < pages else None,
        "previous": _page_url(request, number - 1) if number > 1 else None,
        "results": results,
    }


def _paginated(request, queryset, serialize, problems: dict) -> dict:
    """The page of ``queryset`` named by ``?page=`` and ``?page_size=``, serialised.

    Raises ``BadParameters`` for unreadable numbers (with any ``problems`` found before)
    and ``Http404`` for a page past the last."""
    number = _positive_int(request, "page", 1, problems)
    page_size = _page_size(request, problems)
    if problems:
        raise BadParameters(problems)
    paginator = Paginator(queryset, page_size)
    try:
        page = paginator.page(number)
    except EmptyPage as exc:
        raise Http404(f"There is no page {number}; the last is {paginator.num_pages}.") from exc
    return _envelope(
        request,
        count=paginator.count,
        number=page.number,
        pages=paginator.num_pages,
        page_size=page_size,
        results=[serialize(request, item) for item in page.object_list],
    )


# --- what the API says about each thing -------------------------------------------


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def _publication(request, publication) -> dict | None:
    if publication is None:
        return None
    return {
        "name": publication.name,
        "slug": publication.slug,
        "url": _absolute(request, publication.get_absolute_url()),
    }


def _section(request, section) -> dict | None:
    if section is None:
        return None
    return {
        "name": section.name,
        "slug": section.slug,
        "url": _absolute(request, section.get_absolute_url()),
    }


def _author_ref(request, author: Author) -> dict:
    return {
        "name": author.name,
        "slug": author.slug,
        "url": _absolute(request, author.get_absolute_url()),
    }


def article_summary(request, article: Article) -> dict:
    """An article in a list; expects ``for_listing()``'s joins and prefetch."""
    return {
        "title": article.title,
        "slug": article.slug,
        "kicker": article.kicker,
        "summary": article.summary,
        "url": _absolute(request, article.get_absolute_url()),
        "api_url": _absolute(request, reverse("articles:api-article", args=[article.slug])),
        "published_on": article.published_on.isoformat() if article.published_on else None,
        "language": article.language,
        "publication": _publication(request, article.publication),
        "section": _section(request, article.section),
        "authors": [_author_ref(request, author) for author in article.ordered_authors()],
        "word_count": article.word_count,
    }


def _latest_articles(request, articles) -> list[dict]:
    latest = articles.for_listing().newest_first()[:LATEST]
    return [article_summary(request, article) for article in latest]


def _articles_url(request, **filters) -> str:
    return _absolute(request, f"{reverse('articles:api-articles')}?{urlencode(filters)}")


def author_summary(request, author: Author) -> dict:
    """An author in a list; expects the ``article_count`` annotation."""
    return {
        "name": author.name,
        "slug": author.slug,
        "url": _absolute(request, author.get_absolute_url()),
        "api_url": _absolute(request, reverse("articles:api-author", args=[author.slug])),
        "article_count": author.article_count,
    }


def entity_summary(request, entity: Entity) -> dict:
    """An entity in a list; expects the ``article_count`` annotation."""
    return {
        "name": entity.name,
        "slug": entity.slug,
        "kind": entity.kind,
        "url": _absolute(request, entity.get_absolute_url()),
        "api_url": _absolute(request, reverse("articles:api-entity", args=[entity.slug])),
        "article_count": entity.article_count,
    }


# --- the endpoints -----------------------------------------------------------------


@api_view
def index(request):
    def link(name: str) -> str:
        return _absolute(request, reverse(name))

    return _json(
        {
            "name": "NewsArchive API",
            "description": "Read-only: published articles, their authors, the entities they "
            "mention, and full-text search.",
            "openapi": link("articles:api-openapi"),
            "endpoints": {
                "articles": link("articles:api-articles"),
                "authors": link("articles:api-authors"),
                "entities": link("articles:api-entities"),
                "search": link("articles:api-search"),
            },
        }
    )


@api_view
def openapi(request):
    from articles.api_schema import OPENAPI  # it reads this module's limits

    return _json(OPENAPI)


@api_view
def article_list(request):
    problems: dict[str, str] = {}
    get = request.GET
    articles = _mentioning(get["entity"]) if get.get("entity") else public.articles()
    for name, lookup in (
        ("publication", "publication__slug"),
        ("section", "section__slug"),
        ("author", "bylines__author__slug"),
        ("language", "language"),
    ):
        if get.get(name):
            articles = _filter_by_slug(articles, lookup, get[name])
    date_from = _date(request, "from", problems)
    date_to = _date(request, "to", problems, end=True)
    if date_from:
        articles = articles.filter(published_on__gte=date_from)
    if date_to:
        articles = articles.filter(published_on__lte=date_to)
    ordering = get.get("ordering") or "newest"
    if ordering not in ORDERINGS:
        problems["ordering"] = f"Order by {' or '.join(ORDERINGS)}, not “{ordering[:20]}”."
        ordering = "newest"
    articles = articles.for_listing().order_by(*ORDERINGS[ordering])
    return _json(_paginated(request, articles, article_summary, problems))


def _mentioning(slug: str):
    """Public articles mentioning the entity ``slug`` names; the slug of an entity merged
    into another means the one it was merged into."""
    entity = Entity.objects.filter(slug=slug).first() if _SLUG.fullmatch(slug) else None
    if entity is not None and entity.merged_into_id:
        entity = entity.survivor()
    if entity is None or entity.merged_into_id:
        return public.articles().none()
    return public.articles_mentioning(entity)


@api_view
def article_detail(request, slug: str):
    article = public.articles().for_listing().filter(slug=_lookup_slug(slug)).first()
    if article is None:
        raise Http404(f"No published article has the slug “{slug[:80]}”.")
    mentions = (
        public.mentions()
        .filter(article=article)
        .select_related("entity")
        .order_by("-count", "entity__name")
    )
    data = article_summary(request, article)
    data.update(
        body=article.body,
        paragraphs=article.paragraphs,
        entities=[
            {
                "name": mention.entity.name,
                "slug": mention.entity.slug,
                "kind": mention.entity.kind,
                "count": mention.count,
                "url": _absolute(request, mention.entity.get_absolute_url()),
            }
            for mention in mentions
        ],
    )
    return _json(data)


@api_view
def author_list(request):
    authors = public.authors().order_by("name", "id")
    return _json(_paginated(request, authors, author_summary, {}))


@api_view
def author_detail(request, slug: str):
    # An author known only from drafts is not public yet.
    author = public.authors().filter(slug=_lookup_slug(slug)).first()
    if author is None:
        raise Http404(f"No author of a published article has the slug “{slug[:80]}”.")
    data = author_summary(request, author)
    data.update(
        aliases=[alias for alias in author.aliases if isinstance(alias, str)],
        articles_url=_articles_url(request, author=author.slug),
        latest_articles=_latest_articles(request, public.articles_by(author)),
    )
    return _json(data)


@api_view
def entity_list(request):
    problems: dict[str, str] = {}
    kind = request.GET.get("kind", "")
    entities = public.listed_entities(kind if kind in Entity.Kind.values else "")
    if kind and kind not in Entity.Kind.values:
        problems["kind"] = f"A kind is one of {', '.join(Entity.Kind.values)}."
    entities = entities.order_by("-article_count", "name", "id")
    return _json(_paginated(request, entities, entity_summary, problems))


@api_view
def entity_detail(request, slug: str):
    """An entity merged into another answers 301, pointing at the one it became."""
    entity = Entity.objects.filter(slug=_lookup_slug(slug)).first()
    if entity is None:
        raise Http404(f"No entity has the slug “{slug[:80]}”.")
    if entity.merged_into_id:
        survivor = entity.survivor()
        if survivor.merged_into_id:  # a merge cycle: a data error, not an entity
            raise Http404("This entity was merged in a loop.")
        location = _absolute(request, reverse("articles:api-entity", args=[survivor.slug]))
        response = _json(
            {
                "detail": f"“{entity.name}” was merged into “{survivor.name}”.",
                "merged_into": survivor.slug,
                "location": location,
            },
            status=301,
        )
        response["Location"] = location
        return response
    entity = public.entities().filter(pk=entity.pk).first()
    if entity is None:
        # Known only from drafts or rejected mentions: nothing public to show.
        raise Http404(f"No published article mentions the entity “{slug[:80]}”.")
    data = entity_summary(request, entity)
    data.update(
        aliases=[alias for alias in entity.aliases if isinstance(alias, str)],
        description=entity.description,
        articles_url=_articles_url(request, entity=entity.slug),
        latest_articles=_latest_articles(request, public.articles_mentioning(entity)),
    )
    return _json(data)


@api_view
def search(request):
    """The search page's parameters through the same service; what the page tolerates
    (a bad date, filter, sort or page) comes back as a warning, not an error."""
    problems: dict[str, str] = {}
    page_size = _page_size(request, problems)
    if problems:
        raise BadParameters(problems)
    params = SearchParams.from_query(request.GET, per_page=page_size)
    warnings = list(params.errors)
    no_facets = {name: [] for name, _ in FACETS}
    if params.is_empty:
        warnings.append("Nothing to search for: give q, f, from or to.")
        data = _envelope(request, count=0, number=1, pages=1, page_size=page_size, results=[])
        return _json({**data, "facets": no_facets, "warnings": warnings})
    try:
        outcome = run_search(params)
    except SearchOverBudget:
        return _error(422, "query too costly", OVER_BUDGET_MESSAGE)
    except SearchUnavailable:
        response = _error(
            503,
            "search unavailable",
            "The search index cannot answer just now (it may be being rebuilt); "
            "the rest of the API works. Try again in a few minutes.",
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    data = _envelope(
        request,
        count=outcome.total,
        number=outcome.page,
        pages=outcome.num_pages,
        page_size=page_size,
        results=[_hit(request, hit) for hit in outcome.hits],
    )
    facets = {
        name: [
            {"value": str(value), "count": count}
            for value, count in sorted(
                outcome.facets.get(name, []), key=lambda item: (-item[1], str(item[0]))
            )
            if value not in (None, "") and count
        ][:FACET_VALUES]
        for name in no_facets
    }
    return _json({**data, "facets": facets, "warnings": warnings})


def _hit(request, hit) -> dict:
    score = float(hit.score or 0)
    return {
        **article_summary(request, hit.article),
        "title_html": str(hit.title),
        "snippet": str(hit.snippet),
        "score": score if math.isfinite(score) else 0.0,
    }


@api_view
def not_found(request):
    raise Http404("No API endpoint here; GET /api/ lists them.")
