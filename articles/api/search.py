"""The archive's one search (``articles.search.service``), as the search page runs it."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja import Field, Query, Router, Schema

from articles import stories
from articles.api.params import PAGE_SIZE, PageSize, envelope
from articles.api.schemas import FACET_VALUES, Error, SearchHit, SearchPage
from articles.search.facets import FACETS
from articles.search.service import MAX_PAGE, SORTS, SearchParams, run_search

router = Router()


class SearchQuery(Schema):
    """The search page's parameters, read as the page reads them (``SearchParams``): what
    it would ignore is ignored here too, with a warning. Only page_size, which the page
    does not have, is checked here."""

    q: str = Field("", description="The query as a reader types it.")
    f: list[str] = Field(
        [],
        description="Facet filters, repeatable, as field:value with a field of "
        f"{', '.join(name for name, _ in FACETS)} and a value as the facets give it "
        "(f=authors:Nancy Thomas). Unknown fields are ignored with a warning.",
    )
    date_from: str = Field(
        "",
        alias="from",
        description="2019, 2019-09 or 2019-09-05; anything else is ignored with a warning.",
    )
    date_to: str = Field(
        "",
        alias="to",
        description="2019, 2019-09 or 2019-09-05 (a year or month means its last day); "
        "anything else is ignored with a warning.",
    )
    sort: str = Field(
        "",
        description=f"One of {', '.join(SORTS)} (the default); anything else is ignored with "
        "a warning.",
        # One example (OpenAPI's parameter "examples" is a map, not JSON Schema's list).
        json_schema_extra={"example": "newest"},
    )
    page: str = Field(
        "",
        description="A page number. Not a number: the first page, with a warning; past the "
        f"last (or past {MAX_PAGE}): the last.",
        json_schema_extra={"example": "2"},
    )
    page_size: PageSize = Field(
        PAGE_SIZE, description="Items per page, 1 to 100; anything else is a 400."
    )

    def as_params(self) -> SearchParams:
        given = {"q": self.q, "from": self.date_from, "to": self.date_to, "sort": self.sort}
        values = {name: [value] for name, value in given.items() if value}
        if self.page:
            values["page"] = [self.page]
        values["f"] = self.f
        return SearchParams.from_query(MultiValueDict(values), per_page=self.page_size)


@router.get(
    "/search/",
    response={200: SearchPage, 400: Error, 422: Error, 503: Error},
    url_name="api-search",
    operation_id="search",
    summary="Search",
    description="Full-text search, exactly as the search page does it (same parameters, "
    "same service): q, f, from, to, sort and page are read as the page reads them, and what "
    "it would ignore is ignored here too, with a message in warnings, never an error. Only "
    "page_size, which the page does not have, is a 400 when it is wrong. Without q, f, from "
    "or to there is nothing to search: an empty page with a warning.",
    tags=["search"],
    openapi_extra={
        "responses": {
            422: {
                "description": "The query asks for more than the engine can answer within its "
                "time limit (very many words, very short prefixes); try fewer or more "
                "specific words."
            },
            503: {
                "description": "The search index cannot answer (missing, locked or being "
                "rebuilt); the rest of the API goes on working. Retry-After says when to "
                "try again."
            },
        }
    },
)
def search(request: HttpRequest, query: Query[SearchQuery]):
    params = query.as_params()
    warnings = list(params.errors)
    facets: dict[str, list[dict]] = {name: [] for name, _ in FACETS}
    if params.is_empty:
        warnings.append("Nothing to search for: give q, f, from or to.")
        page = envelope(request, count=0, number=1, pages=1, page_size=params.per_page)
        return SearchPage(**page, results=[], facets=facets, warnings=warnings)
    # SearchOverBudget and SearchUnavailable are answered in articles.api (422, 503).
    outcome = run_search(params)
    if not outcome.total_exact:
        warnings.append(
            f"More than {outcome.total:,} articles match: count is a lower bound, and the "
            f"facets count {outcome.facets_among or outcome.total:,} of the matches. Add "
            "words or filters for exact figures."
        )
    elif outcome.facets_among:
        warnings.append(
            f"{outcome.total:,} articles match (count is exact); the facets count "
            f"{outcome.facets_among:,} of them. Add words or filters for exact facet counts."
        )
    for name in facets:
        values = sorted(outcome.facets.get(name, []), key=lambda item: (-item[1], str(item[0])))
        facets[name] = [
            {"value": str(value), "count": count}
            for value, count in values
            if value not in (None, "") and count
        ][:FACET_VALUES]
    page = envelope(
        request,
        count=outcome.total,
        number=outcome.page,
        pages=outcome.num_pages,
        page_size=params.per_page,
    )
    versions = stories.public_version_counts(hit.article.pk for hit in outcome.hits)
    results = [SearchHit.of_hit(request, hit, versions[hit.article.pk]) for hit in outcome.hits]
    return SearchPage(**page, results=results, facets=facets, warnings=warnings)
