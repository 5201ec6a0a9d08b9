"""Query parameters as the API reads them, and the page of a list they select.

Each parameter is a type: what it accepts is documented from the type (the OpenAPI
document says what the type's ``json_schema_input_type`` says) and read by the function
beside it, which answers in the newsroom's words when a value cannot be read. Every
parameter may also be given empty (``?page=``, as an empty form field sends it), which
reads as not given at all. A value that cannot be read is a ``bad_parameter`` error; the
API answers 400 naming every one (``articles.api.bad_parameters``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.paginator import EmptyPage, Paginator
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest
from pydantic import Field, PlainValidator
from pydantic_core import PydanticCustomError

from articles.search.service import MAX_PER_PAGE, PER_PAGE, parse_date

PAGE_SIZE = PER_PAGE
MAX_PAGE_SIZE = MAX_PER_PAGE
ORDERINGS = {
    "newest": (F("published_on").desc(nulls_last=True), "-id"),
    "oldest": (F("published_on").asc(nulls_last=True), "id"),
}
_EMPTY = Literal[""]
# A year (1000–9999: earlier ones are typing errors, see MIN_YEAR in the search service)
# or a month of one, as a pattern; a full date has format "date" and no leading zero.
_YEAR = "[1-9][0-9]{3}"
_PARTIAL_DATE = (
    Annotated[str, Field(pattern="^[1-9]", json_schema_extra={"format": "date"})]
    | Annotated[str, Field(pattern=f"^({_YEAR}(-(0[1-9]|1[0-2]))?)?$")]
)


def _bad(message: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError("bad_parameter", message, context)


def whole_number(default: int, maximum: int | None = None) -> Any:
    """A whole number from 1 (to ``maximum``); ``default`` when empty."""
    limit = f"from 1 to {maximum}" if maximum else "1 or more"

    def read(value: object) -> int:
        raw = str(value)
        if raw == "":
            return default
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if number < 1 or (maximum and number > maximum):
            raise _bad("“{raw}” is not a whole number {limit}.", raw=raw[:20], limit=limit)
        return number

    documented = Annotated[int, Field(ge=1, le=maximum)] | _EMPTY
    return Annotated[int, PlainValidator(read, json_schema_input_type=documented)]


def one_of(choices: list[str], message: str, default: str = "") -> Any:
    """One of ``choices``; ``default`` when empty. ``message`` may name the ``{value}``."""

    def read(value: object) -> str:
        raw = str(value)
        if raw == "":
            return default
        if raw not in choices:
            raise _bad(message, value=raw[:20])
        return raw

    # A Literal of choices known at run time, read by pydantic for the OpenAPI document only.
    documented = Literal[tuple(choices)] | _EMPTY  # type: ignore[valid-type]
    return Annotated[str, PlainValidator(read, json_schema_input_type=documented)]


def partial_date(end: bool = False) -> Any:
    """2019, 2019-09 or 2019-09-05, as on the search page; with ``end``, a year or month
    means its last day. None when empty."""

    def read(value: object) -> dt.date | None:
        problems: list[str] = []
        # The label is the parameter's name, which the search page's message names too.
        date = parse_date(str(value), "to" if end else "from", problems, end=end)
        if problems:
            raise _bad("{problem}", problem=problems[0])
        return date

    return Annotated[dt.date | None, PlainValidator(read, json_schema_input_type=_PARTIAL_DATE)]


PageNumber = whole_number(1)
PageSize = whole_number(PAGE_SIZE, MAX_PAGE_SIZE)
Ordering = one_of(
    list(ORDERINGS), f"Order by {' or '.join(ORDERINGS)}, not “{{value}}”.", default="newest"
)


def page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def envelope(request: HttpRequest, *, count: int, number: int, pages: int, page_size: int):
    """The fields every page of a list has, links to its neighbours included."""
    return {
        "count": count,
        "page": number,
        "pages": pages,
        "page_size": page_size,
        "next": page_url(request, number + 1) if number < pages else None,
        "previous": page_url(request, number - 1) if number > 1 else None,
    }


def paginate(request: HttpRequest, queryset: QuerySet, number: int, page_size: int, item):
    """Page ``number`` of ``queryset``, each row made into ``item(request, row)``: the
    envelope's fields and ``results``. A page past the last is a 404."""
    paginator = Paginator(queryset, page_size)
    try:
        page = paginator.page(number)
    except EmptyPage as exc:
        raise Http404(f"There is no page {number}; the last is {paginator.num_pages}.") from exc
    return {
        **envelope(
            request,
            count=paginator.count,
            number=page.number,
            pages=paginator.num_pages,
            page_size=page_size,
        ),
        "results": [item(request, row) for row in page.object_list],
    }
