"""The people, organisations and places the archive's articles mention.

What a reader sees of an entity comes from standing mentions (``articles.public``: not
rejected by an editor, in a published article); entities merged into another are never
listed, and their old addresses redirect to the entity that absorbed them.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

from django.db.models import Count, F
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from articles import public
from articles.charts import bar_chart
from articles.models import Entity
from articles.search.highlight import excerpt
from articles.views.listing import initial, initials, paginate

SNIPPET_LENGTH = 240
CO_MENTIONS = 15
MAX_MONTHS = 120  # ten years of bars is as many as the chart can show legibly


def entity_index(request):
    kind_counts = dict(
        public.entities(counts=False).values_list("kind").annotate(n=Count("id")).order_by()
    )
    kind = request.GET.get("kind", "")
    if kind not in Entity.Kind.values:
        kind = ""
    entities = public.listed_entities(kind)
    letters = initials(entities)
    letter = initial(request)
    if letter:
        entities = entities.filter(name__istartswith=letter)
    order = "name" if letter else "-article_count"
    page = paginate(request, entities.order_by(order, "name"), per_page=60)
    return render(
        request,
        "articles/entity_index.html",
        {
            "page": page,
            "kinds": [
                (value, label, kind_counts.get(value, 0))
                for value, label in Entity.Kind.choices
                if kind_counts.get(value)
            ],
            "all_kinds": sum(
                n for value, n in kind_counts.items() if value not in public.UNLISTED_KINDS
            ),
            "kind": kind,
            "initials": letters,
            "letter": letter,
        },
    )


def entity_detail(request, slug: str):
    entity = get_object_or_404(Entity, slug=slug)
    if entity.merged_into_id:
        survivor = entity.survivor()
        if survivor.merged_into_id:  # a merge cycle: a data error, not a page
            raise Http404("This entity was merged in a loop.")
        target = survivor.get_absolute_url()
        query = request.META.get("QUERY_STRING", "")
        return redirect(f"{target}?{query}" if query else target, permanent=True)

    # The mention's positions ride along with each article: no query per row.
    articles = public.articles_mentioning(entity).annotate(
        mention_positions=F("mentions__positions")
    )
    listing = articles.for_listing().newest_first()
    # Each of these reads every public mention of the entity, and the page's articles are
    # the newest of them: at a million articles a country's page took over a second
    # (issue 18). Kept until the archive changes, as the home page's totals are.
    count, months, co_mentions = public.remembered(
        f"entity:{entity.pk}",
        lambda: (listing.count(), mentions_per_month(entity), co_mentioned(entity)),
    )
    if not count:
        # Known only from drafts or rejected mentions: nothing public to show.
        raise Http404("No published article mentions this entity.")
    page = paginate(request, listing, count=count)
    start = (page.number - 1) * page.paginator.per_page
    ids = public.remembered(
        f"entity:{entity.pk}:page:{page.number}",
        lambda: list(listing.values_list("pk", flat=True)[start : start + page.paginator.per_page]),
    )
    found = listing.in_bulk(ids)
    page.object_list = [found[pk] for pk in ids if pk in found]
    names = [entity.name, *(alias for alias in entity.aliases if isinstance(alias, str))]
    cards = [
        (article, mention_snippet(article.body, article.mention_positions, names))
        for article in page.object_list
    ]
    undated = count - sum(n for _, n in months)
    return render(
        request,
        "articles/entity_detail.html",
        {
            "entity": entity,
            "page": page,
            "cards": cards,
            "timeline": _timeline_chart(entity, months, undated),
            "co_mentions": co_mentions,
        },
    )


def mentions_per_month(entity: Entity) -> list[tuple[dt.date, int]]:
    """(first day of month, published articles mentioning ``entity``) from the first
    month to the last, months without any included as 0. Undated articles are left out."""
    rows = (
        public.mentions()
        .filter(entity=entity, article__published_on__isnull=False)
        .annotate(month=TruncMonth("article__published_on"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    counts = {_first_of_month(month): n for month, n in rows}
    if not counts:
        return []
    month, last = min(counts), max(counts)
    months = []
    while month <= last:
        months.append((month, counts.get(month, 0)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _first_of_month(value: dt.date | dt.datetime) -> dt.date:
    # TruncMonth of a DateField is a date on every backend we use; be lenient anyway.
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.replace(day=1)


def _timeline_chart(entity: Entity, months: list[tuple[dt.date, int]], undated: int):
    notes = []
    if len(months) > MAX_MONTHS:
        notes.append(
            f"Only the last {MAX_MONTHS} months are shown; the first mention is from "
            f"{months[0][0]:%B %Y}."
        )
        months = months[-MAX_MONTHS:]
    if undated:
        notes.append(f"{undated} undated article{'s' if undated != 1 else ''} not shown.")
    return bar_chart(
        [(f"{month:%b %Y}", n) for month, n in months],
        f"Articles mentioning {entity.name}, per month",
        x_label="Month",
        y_label="Articles",
        note=" ".join(notes),
        chart_id="mentions-per-month",
    )


def co_mentioned(entity: Entity, limit: int = CO_MENTIONS) -> list[dict]:
    """The entities most often mentioned in the same published articles as ``entity``,
    with the number of such articles and a search for articles naming both."""
    # One filter() call, so both conditions on "mentions" apply to the same mention row.
    others = (
        public.entities(counts=False)
        .exclude(pk=entity.pk)
        .filter(
            public.mention_stands_via("mentions"),
            public.accepted_via("mentions__article__mentions"),
            mentions__article__mentions__entity=entity,
        )
        .annotate(shared=Count("mentions__article", distinct=True))
        .order_by("-shared", "name")[:limit]
    )
    search = reverse("articles:search")
    return [
        {
            "entity": other,
            "shared": other.shared,
            "search_url": search
            + "?"
            + urlencode([("f", f"entities:{entity.name}"), ("f", f"entities:{other.name}")]),
        }
        for other in others
    ]


def mention_snippet(
    body: str, positions: object, names: list[str], length: int = SNIPPET_LENGTH
) -> SafeString:
    """About ``length`` characters of ``body`` around the first mention, the mentions in
    it marked with ``<mark>``.

    ``positions`` are the mention's ``[start, end]`` offsets into ``body``; offsets that
    do not fit the body are ignored. Without usable offsets the mention is looked up by
    any of ``names`` (whole words, any case); failing that, the body's start is shown.
    """
    spans = _valid_spans(body, positions) or _name_spans(body, names)
    first_start, first_end = spans[0] if spans else (0, 0)
    room = max(length - (first_end - first_start), 0)
    start = max(0, first_start - room // 2)
    end = min(len(body), max(start + length, first_end))
    start = max(0, min(start, end - length, first_start))
    # Cut at spaces, never inside a word, and never inside the mention itself.
    if start > 0:
        space = _next_space(body, start, first_start)
        start = space + 1 if space is not None else start
    if end < len(body):
        space = _last_space(body, first_end, end)
        end = space if space is not None else end

    return mark_safe(excerpt(body, spans, start, end, squeeze=True))  # noqa: S308 (escaped)


def _valid_spans(body: str, positions: object) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) pairs that lie inside ``body``.

    Accepts ``[[s, e], …]`` and a lone ``[s, e]``; anything else is ignored, since the
    offsets come from an extractor and may be stale after the body was re-cleaned."""
    if not isinstance(positions, list | tuple):
        return []
    if len(positions) == 2 and all(_is_offset(x) for x in positions):
        positions = [positions]
    spans = []
    for pair in positions:
        if (
            isinstance(pair, list | tuple)
            and len(pair) == 2
            and all(_is_offset(x) for x in pair)
            and 0 <= pair[0] < pair[1] <= len(body)
            and body[pair[0] : pair[1]].strip()
        ):
            spans.append((pair[0], pair[1]))
    return _disjoint(spans)


def _is_offset(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _name_spans(body: str, names: list[str]) -> list[tuple[int, int]]:
    words = sorted({name.strip() for name in names if name.strip()}, key=len, reverse=True)
    if not words:
        return []
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(word) for word in words) + r")(?!\w)", re.IGNORECASE
    )
    return _disjoint([match.span() for match in pattern.finditer(body)])


def _disjoint(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if not out or s >= out[-1][1]:
            out.append((s, e))
    return out


_SPACE = re.compile(r"\s")
_LAST_SPACE = re.compile(r".*(\s)", re.DOTALL)


def _next_space(body: str, start: int, stop: int) -> int | None:
    match = _SPACE.search(body, start, stop)
    return match.start() if match else None


def _last_space(body: str, start: int, stop: int) -> int | None:
    match = _LAST_SPACE.match(body, start, stop)
    return match.start(1) if match else None
