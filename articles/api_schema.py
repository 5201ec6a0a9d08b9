"""The OpenAPI 3.1 document of the JSON API (``articles.views.api``), served at
/api/openapi.json.

Written by hand, as a Python dict rather than a YAML file, so that the limits and
choices it states (page sizes, orderings, entity kinds, facets) are the very constants
the views use. tests/api/test_openapi.py runs the API against it (schemathesis), so a
change to either that the other does not follow fails the suite.
"""

from __future__ import annotations

from articles.models import Entity
from articles.search.facets import FACETS
from articles.search.service import MAX_PAGE, SORTS
from articles.views.api import FACET_VALUES, LATEST, MAX_PAGE_SIZE, ORDERINGS, PAGE_SIZE

JSON = "application/json"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, description: str = "") -> dict:
    """An object with exactly these properties, all present (null where allowed)."""
    schema = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _nullable(schema: dict) -> dict:
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def _string(description: str = "", **extra) -> dict:
    return {"type": "string", **({"description": description} if description else {}), **extra}


def _uri(description: str = "") -> dict:
    return _string(description, format="uri")


def _count(description: str) -> dict:
    return {"type": "integer", "minimum": 0, "description": description}


def _json_response(description: str, schema: dict, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {JSON: {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def _page_of(item: str, description: str, **more: dict) -> dict:
    return _object(
        {
            "count": _count("How many items there are in all pages."),
            "page": {"type": "integer", "minimum": 1, "description": "This page's number."},
            "pages": {
                "type": "integer",
                "minimum": 1,
                "description": "How many pages there are (1 when there are no items).",
            },
            "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            "next": _nullable(_uri("The next page, or null on the last.")),
            "previous": _nullable(_uri("The previous page, or null on the first.")),
            "results": {"type": "array", "items": _ref(item), "maxItems": MAX_PAGE_SIZE},
            **more,
        },
        description,
    )


# Every query parameter may also be given empty (``?page=``, as an empty form field sends
# it), which reads as not given at all.
_EMPTY = {"type": "string", "const": ""}


def _or_empty(schema: dict) -> dict:
    return {"anyOf": [schema, _EMPTY]}


def _query(name: str, schema: dict, description: str, **extra) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
        **extra,
    }


def _slug_parameter(what: str) -> dict:
    return {
        "name": "slug",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": f"The {what}'s slug, as in its address on the site.",
    }


# --- parameters --------------------------------------------------------------------

_PAGE = _query(
    "page",
    {**_or_empty({"type": "integer", "minimum": 1}), "default": 1},
    "Which page. Anything but a whole number of 1 or more is a 400; a page past the last is a 404.",
)
_PAGE_SIZE = _query(
    "page_size",
    {
        **_or_empty({"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}),
        "default": PAGE_SIZE,
    },
    f"Items per page, 1 to {MAX_PAGE_SIZE}; anything else is a 400.",
)
# A year (1000–9999: earlier ones are typing errors, see MIN_YEAR in the search service)
# or a month of one; or empty.
_YEAR = "[1-9][0-9]{3}"
_PARTIAL_DATE = {
    "anyOf": [
        {"type": "string", "format": "date", "pattern": "^[1-9]"},
        {"type": "string", "pattern": f"^({_YEAR}(-(0[1-9]|1[0-2]))?)?$"},
    ]
}
_DATE_HELP = (
    "A date (2019-09-05), a month (2019-09) or a year (2019){end}. Undated articles are "
    "left out when it is given. Anything else is a 400."
)
_SLUG_FILTER = {"type": "string"}


def _filter(name: str, description: str) -> dict:
    return _query(
        name,
        _SLUG_FILTER,
        f"{description} A value that names nothing matches no article (an empty page, "
        "not an error); an empty one is no filter.",
    )


# --- schemas ------------------------------------------------------------------------

_REF = _object(
    {
        "name": _string(),
        "slug": _string(),
        "url": _uri("Its page on the site."),
    }
)

_ARTICLE_SUMMARY = {
    "title": _string("Plain text."),
    "slug": _string(),
    "kicker": _string("Subtitle or kicker; may be empty."),
    "summary": _string("May be empty."),
    "url": _uri("The article's permanent address on the site."),
    "api_url": _uri("This article in the API, in full."),
    "published_on": _nullable(_string("When the source published it.", format="date")),
    "language": _string("ISO 639 code, e.g. en, fa; may be empty."),
    "publication": _nullable(_ref("PublicationRef")),
    "section": _nullable(_ref("SectionRef")),
    "authors": {"type": "array", "items": _ref("AuthorRef"), "description": "In byline order."},
    "word_count": _count("Words in the body."),
}

_ENTITY_SUMMARY = {
    "name": _string(),
    "slug": _string(),
    "kind": {"type": "string", "enum": list(Entity.Kind.values)},
    "url": _uri("Its page on the site."),
    "api_url": _uri("This entity in the API."),
    "article_count": _count("Published articles that mention it (rejected mentions left out)."),
}

_AUTHOR_SUMMARY = {
    "name": _string(),
    "slug": _string(),
    "url": _uri("Their page on the site."),
    "api_url": _uri("This author in the API."),
    "article_count": _count("Published articles in their name."),
}

_LATEST = {
    "type": "array",
    "items": _ref("ArticleSummary"),
    "maxItems": LATEST,
    "description": f"The newest {LATEST} published articles; articles_url pages through all.",
}

SCHEMAS = {
    "Error": _object(
        {
            "error": _string("What went wrong, in a few words."),
            "detail": {
                "oneOf": [
                    _string("More about it, for people."),
                    {
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                        "description": "For a 400: each bad parameter and what is wrong with it.",
                    },
                ]
            },
        }
    ),
    "Moved": _object(
        {
            "detail": _string(),
            "merged_into": _string("The slug of the entity it was merged into."),
            "location": _uri("Where that entity is in the API (also the Location header)."),
        },
        "An entity merged into another; its old address answers 301 with this body.",
    ),
    "Index": _object(
        {
            "name": _string(),
            "description": _string(),
            "openapi": _uri("This document."),
            "endpoints": _object(
                {
                    "articles": _uri(),
                    "authors": _uri(),
                    "entities": _uri(),
                    "search": _uri(),
                }
            ),
        }
    ),
    "PublicationRef": _REF,
    "SectionRef": {**_REF, "description": "A section's slug is unique within its publication."},
    "AuthorRef": _REF,
    "EntityMention": _object(
        {
            "name": _string(),
            "slug": _string(),
            "kind": {"type": "string", "enum": list(Entity.Kind.values)},
            "count": {
                "type": "integer",
                "minimum": 0,
                "description": "Times the article mentions it.",
            },
            "url": _uri("Its page on the site."),
        }
    ),
    "ArticleSummary": _object(_ARTICLE_SUMMARY, "An article as lists show it."),
    "Article": _object(
        {
            **_ARTICLE_SUMMARY,
            "body": _string("Plain text; paragraphs separated by a blank line."),
            "paragraphs": {
                "type": "array",
                "items": _string(),
                "description": "The body's paragraphs, trimmed, empty ones left out.",
            },
            "entities": {
                "type": "array",
                "items": _ref("EntityMention"),
                "description": "Entities the article mentions (accepted mentions of entities "
                "not merged away), most mentioned first.",
            },
        },
        "A published article in full.",
    ),
    "AuthorSummary": _object(_AUTHOR_SUMMARY),
    "Author": _object(
        {
            **_AUTHOR_SUMMARY,
            "aliases": {"type": "array", "items": _string(), "description": "Other spellings."},
            "articles_url": _uri("Their articles, paginated (/api/articles/?author=…)."),
            "latest_articles": _LATEST,
        }
    ),
    "EntitySummary": _object(_ENTITY_SUMMARY),
    "Entity": _object(
        {
            **_ENTITY_SUMMARY,
            "aliases": {
                "type": "array",
                "items": _string(),
                "description": "Other names, including those of entities merged into it.",
            },
            "description": _string("May be empty."),
            "articles_url": _uri("Articles mentioning it, paginated (/api/articles/?entity=…)."),
            "latest_articles": _LATEST,
        }
    ),
    "SearchHit": _object(
        {
            **_ARTICLE_SUMMARY,
            "title_html": _string(
                "The title as HTML: its text HTML-escaped, the words that matched the query "
                "wrapped in <mark> elements; no other markup."
            ),
            "snippet": _string(
                "About 280 characters of the body around the matches, as HTML: the text "
                "HTML-escaped (so safe to insert as HTML), matched words wrapped in <mark> "
                "elements, no other markup; … where the body was cut."
            ),
            "score": {"type": "number", "description": "Relevance (0 when sorted by date)."},
        },
        "A search result: the article as lists show it, with its matches marked.",
    ),
    "FacetValue": _object({"value": _string(), "count": {"type": "integer", "minimum": 1}}),
    "ArticlePage": _page_of("ArticleSummary", "A page of published articles."),
    "AuthorPage": _page_of("AuthorSummary", "A page of authors with published articles."),
    "EntityPage": _page_of("EntitySummary", "A page of entities mentioned in published articles."),
    "SearchPage": _page_of(
        "SearchHit",
        "A page of search results, with facets and warnings.",
        facets=_object(
            {
                name: {
                    "type": "array",
                    "items": _ref("FacetValue"),
                    "maxItems": FACET_VALUES,
                    "description": f"{label}: values among all the results, with how many "
                    "results have each; most frequent first.",
                }
                for name, label in FACETS
            },
            f"Up to {FACET_VALUES} values of each facet. A value goes back into the search "
            "as f=<field>:<value>.",
        ),
        warnings={
            "type": "array",
            "items": _string(),
            "description": "Parameters that were ignored or changed, and why (the search "
            "page shows the same messages).",
        },
    ),
}

# --- responses ----------------------------------------------------------------------

_ERROR = _ref("Error")
_BAD = _json_response("A parameter could not be read; detail names each one.", _ERROR)
_NO_PAGE = _json_response("No such page (past the last).", _ERROR)


def _not_found(what: str) -> dict:
    return _json_response(what, _ERROR)


def _get(summary: str, description: str, parameters: list, responses: dict, tag: str) -> dict:
    return {
        "get": {
            "summary": summary,
            "description": description,
            "operationId": summary.lower().replace(" ", "_").replace("'", ""),
            "tags": [tag],
            "parameters": parameters,
            "responses": responses,
        }
    }


PATHS = {
    "/api/": _get(
        "API index",
        "Links to every endpoint and to this document.",
        [],
        {"200": _json_response("The endpoints.", _ref("Index"))},
        "index",
    ),
    "/api/openapi.json": _get(
        "OpenAPI document",
        "This document.",
        [],
        {"200": {"description": "OpenAPI 3.1.", "content": {JSON: {"schema": {"type": "object"}}}}},
        "index",
    ),
    "/api/articles/": _get(
        "List articles",
        "Published articles, newest first unless asked otherwise. Filters combine (all must hold).",
        [
            _filter("publication", "Only this publication's articles (its slug)."),
            _filter(
                "section",
                "Only articles in sections with this slug (unique within a publication: "
                "combine with publication to pick one).",
            ),
            _filter("author", "Only articles by this author (their slug)."),
            _filter(
                "entity",
                "Only articles mentioning this entity (its slug; the slug of an entity merged "
                "into another means that one).",
            ),
            _filter("language", "Only articles in this language (ISO 639 code, e.g. en, fa)."),
            _query("from", _PARTIAL_DATE, _DATE_HELP.format(end="")),
            _query(
                "to",
                _PARTIAL_DATE,
                _DATE_HELP.format(end="; a month or year means its last day"),
            ),
            _query(
                "ordering",
                {**_or_empty({"type": "string", "enum": list(ORDERINGS)}), "default": "newest"},
                "By publication date (undated articles last either way); anything else is a 400.",
            ),
            _PAGE,
            _PAGE_SIZE,
        ],
        {
            "200": _json_response("A page of articles.", _ref("ArticlePage")),
            "400": _BAD,
            "404": _NO_PAGE,
        },
        "articles",
    ),
    "/api/articles/{slug}/": _get(
        "Get an article",
        "One published article in full. Drafts, articles in review and withdrawn ones are "
        "404, as on the site.",
        [_slug_parameter("article")],
        {
            "200": _json_response("The article.", _ref("Article")),
            "404": _not_found("No published article has this slug."),
        },
        "articles",
    ),
    "/api/authors/": _get(
        "List authors",
        "Authors with at least one published article, by name, with how many.",
        [_PAGE, _PAGE_SIZE],
        {
            "200": _json_response("A page of authors.", _ref("AuthorPage")),
            "400": _BAD,
            "404": _NO_PAGE,
        },
        "authors",
    ),
    "/api/authors/{slug}/": _get(
        "Get an author",
        f"An author of published articles, with their {LATEST} newest.",
        [_slug_parameter("author")],
        {
            "200": _json_response("The author.", _ref("Author")),
            "404": _not_found("No author of a published article has this slug."),
        },
        "authors",
    ),
    "/api/entities/": _get(
        "List entities",
        "People, organisations, places… mentioned in published articles (accepted mentions "
        "only; entities merged into another are never listed), most mentioned first.",
        [
            _query(
                "kind",
                _or_empty({"type": "string", "enum": list(Entity.Kind.values)}),
                "Only entities of this kind; anything else is a 400. Without it, every "
                "kind but group (nationalities and other groups, listed only when asked for).",
            ),
            _PAGE,
            _PAGE_SIZE,
        ],
        {
            "200": _json_response("A page of entities.", _ref("EntityPage")),
            "400": _BAD,
            "404": _NO_PAGE,
        },
        "entities",
    ),
    "/api/entities/{slug}/": _get(
        "Get an entity",
        f"An entity with its {LATEST} newest articles. An entity that was merged into "
        "another answers 301 Moved Permanently, its Location header (and body) naming the "
        "entity it became, as its page on the site does; clients that follow redirects get "
        "that entity.",
        [_slug_parameter("entity")],
        {
            "200": _json_response("The entity.", _ref("Entity")),
            "301": _json_response(
                "Merged into another entity.",
                _ref("Moved"),
                headers={
                    "Location": {
                        "description": "The API address of the entity it was merged into.",
                        "required": True,
                        "schema": {"type": "string", "format": "uri"},
                    }
                },
            ),
            "404": _not_found(
                "No entity has this slug, or no published article mentions it (yet)."
            ),
        },
        "entities",
    ),
    "/api/search/": _get(
        "Search",
        "Full-text search, exactly as the search page does it (same parameters, same "
        "service): q, f, from, to, sort and page are read as the page reads them, and what "
        "it would ignore is ignored here too, with a message in warnings, never an error. "
        "Only page_size, which the page does not have, is a 400 when it is wrong. Without "
        "q, f, from or to there is nothing to search: an empty page with a warning.",
        [
            _query("q", {"type": "string"}, "The query as a reader types it."),
            _query(
                "f",
                {"type": "array", "items": {"type": "string"}},
                "Facet filters, repeatable, as field:value with a field of "
                f"{', '.join(name for name, _ in FACETS)} and a value as the facets give it "
                "(f=authors:Nancy Thomas). Unknown fields are ignored with a warning.",
                style="form",
                explode=True,
            ),
            _query(
                "from",
                {"type": "string"},
                "2019, 2019-09 or 2019-09-05; anything else is ignored with a warning.",
            ),
            _query(
                "to",
                {"type": "string"},
                "2019, 2019-09 or 2019-09-05 (a year or month means its last day); anything "
                "else is ignored with a warning.",
            ),
            _query(
                "sort",
                {"type": "string", "examples": list(SORTS)},
                f"One of {', '.join(SORTS)} (the default); anything else is ignored with a "
                "warning.",
            ),
            _query(
                "page",
                {"type": "string", "examples": ["1", "2"]},
                "A page number. Not a number: the first page, with a warning; past the last "
                f"(or past {MAX_PAGE}): the last.",
            ),
            _PAGE_SIZE,
        ],
        {
            "200": _json_response(
                "A page of results, with facets and warnings.", _ref("SearchPage")
            ),
            "400": _BAD,
            "422": _json_response(
                "The query asks for more than the engine can answer within its time limit "
                "(very many words, very short prefixes); try fewer or more specific words.",
                _ERROR,
            ),
            "503": _json_response(
                "The search index cannot answer (missing, locked or being rebuilt); the rest "
                "of the API goes on working. Retry-After says when to try again.",
                _ERROR,
            ),
        },
        "search",
    ),
}

OPENAPI = {
    "openapi": "3.1.0",
    "info": {
        "title": "NewsArchive API",
        "version": "1.0.0",
        "description": (
            "A read-only JSON API over the archive's published articles. Everything it "
            "shows is public on the site too: drafts, articles in review and withdrawn "
            "ones never appear, nor do mentions an editor rejected or entities merged into "
            "another.\n\n"
            "Lists are paginated alike: count, page, pages, page_size, next and previous "
            "(absolute URLs, or null) and results; page_size is 1 to "
            f"{MAX_PAGE_SIZE} ({PAGE_SIZE} by default). A parameter given empty "
            "(?page=) is as if it were not given. Errors are JSON too, "
            '{"error": "...", "detail": ...}: 400 for a parameter that cannot be read (the '
            "search reads its parameters as the search page does and warns instead), 404 "
            "for an unknown slug or a page past the last, 405 for any method but GET and "
            "HEAD, 422 for a search too costly to answer in time, 503 (with Retry-After) "
            "when the search index cannot answer.\n\n"
            "Every `url` is the thing's page on the site; every `api_url` its place in "
            "this API."
        ),
    },
    "servers": [{"url": "/"}],
    "tags": [
        {"name": "index"},
        {"name": "articles"},
        {"name": "authors"},
        {"name": "entities"},
        {"name": "search"},
    ],
    "paths": PATHS,
    "components": {"schemas": SCHEMAS},
}
