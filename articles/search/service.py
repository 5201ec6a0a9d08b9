"""One search, whoever asks: the search page, the JSON API and the Atom feeds all turn
their request parameters into ``SearchParams`` and call ``run_search``.

Parameters (the same names in every place): ``q`` (the query as typed), ``f`` (repeated
``field:value`` facet filters), ``from`` / ``to`` (dates: 2019, 2019-09 or 2019-09-05),
``sort`` (relevance, newest, oldest) and ``page``. Bad values never raise: they are
dropped, with a message in ``params.errors`` a reader can act on.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Case, Q, When, prefetch_related_objects
from django.template import Context, Engine
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from haystack import connections

from articles import public
from articles.models import LISTED_WITH, Article, StoryVersion, bylines_prefetch
from articles.search import cache as results_cache
from articles.search.backends.base import ArchiveSearchQuerySet, IndexMissing, SearchOverBudget
from articles.search.facets import FACET_FIELDS, FACETS, facet_filter
from articles.search.highlight import highlight_words, snippet
from articles.search.syntax import words_of
from articles.search_indexes import revision

log = logging.getLogger(__name__)

PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_QUERY_LENGTH = 500
MAX_PAGE = 500  # deeper than anyone reads; keeps absurd page numbers cheap
MIN_YEAR = 1000  # earlier dates are typing errors here, and search engines refuse them
SUGGEST_BELOW = 3  # "did you mean" only when a search finds fewer results than this
RELATED_CACHE_SECONDS = 600  # how long an article's "more like this" answer is kept

SORTS = {"relevance": None, "newest": "-published_on", "oldest": "published_on"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


RETRY_AFTER_SECONDS = 300  # what a 503 from search tells clients to wait
OVER_BUDGET_MESSAGE = (
    "This search asks for more than the archive can answer quickly (very many words, "
    "very short word beginnings such as a*, or very long words). Try fewer or more "
    "specific words, a phrase, or a filter."
)


class SearchUnavailable(Exception):
    """The search engine could not answer (index missing, locked or broken)."""


@dataclass
class SearchParams:
    q: str = ""
    facets: list[tuple[str, str]] = field(default_factory=list)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    errors: list[str] = field(default_factory=list)
    one_per_story: bool = False  # versions of one story collapsed (articles.stories)

    @classmethod
    def from_query(cls, params, *, per_page: int = PER_PAGE) -> SearchParams:
        """Read (and tidy) parameters from a QueryDict; never raises."""
        errors: list[str] = []
        q = " ".join(_CONTROL.sub(" ", params.get("q", "")).split())
        if len(q) > MAX_QUERY_LENGTH:
            errors.append(f"The query was cut to its first {MAX_QUERY_LENGTH} characters.")
            q = q[:MAX_QUERY_LENGTH]
        facets: list[tuple[str, str]] = []
        for item in params.getlist("f"):
            name, sep, value = item.partition(":")
            value = _CONTROL.sub("", value).strip()[:300]
            if not (sep and name in FACET_FIELDS and value):
                errors.append(f"The filter “{item[:60]}” is not one this archive knows; ignored.")
            elif (name, value) not in facets:
                facets.append((name, value))
        sort = params.get("sort") or "relevance"
        if sort not in SORTS:
            errors.append(f"Results can be ordered by {', '.join(SORTS)}; “{sort[:20]}” ignored.")
            sort = "relevance"
        return cls(
            q=q,
            facets=facets,
            date_from=parse_date(params.get("from", ""), "from", errors),
            date_to=parse_date(params.get("to", ""), "to", errors, end=True),
            sort=sort,
            page=_page_number(params.get("page"), errors),
            per_page=per_page,
            errors=errors,
            one_per_story=params.get("story") == "1",
        )

    @property
    def is_empty(self) -> bool:
        return not (self.q or self.facets or self.date_from or self.date_to)

    def as_query(self) -> dict[str, list[str]]:
        """These parameters as query-string values (for links, feeds and the API)."""
        query: dict[str, list[str]] = {}
        if self.q:
            query["q"] = [self.q]
        if self.facets:
            query["f"] = [f"{name}:{value}" for name, value in self.facets]
        if self.date_from:
            query["from"] = [self.date_from.isoformat()]
        if self.date_to:
            query["to"] = [self.date_to.isoformat()]
        if self.sort != "relevance":
            query["sort"] = [self.sort]
        if self.one_per_story:
            query["story"] = ["1"]
        return query


def parse_date(raw: str, label: str, errors: list[str], end: bool = False) -> dt.date | None:
    """2019 / 2019-09 / 2019-09-05; a 'to' year or month means its last day."""
    raw = raw.strip()
    if not raw:
        return None
    for fmt, unit in (("%Y-%m-%d", "day"), ("%Y-%m", "month"), ("%Y", "year")):
        try:
            date = dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        if date.year < MIN_YEAR:
            errors.append(f"The {label} date “{raw[:40]}” is before {MIN_YEAR}; it was ignored.")
            return None
        if end and unit == "year":
            return date.replace(month=12, day=31)
        if end and unit == "month":
            return date.replace(day=calendar.monthrange(date.year, date.month)[1])
        return date
    errors.append(f"The {label} date “{raw[:40]}” is not a date like 2019-09-05; it was ignored.")
    return None


def _page_number(raw: str | None, errors: list[str]) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        errors.append("The page number was not a number; showing the first page.")
        return 1
    return min(max(number, 1), MAX_PAGE)


@dataclass
class Hit:
    article: Article
    title: str  # HTML, escaped, matches marked
    snippet: str  # HTML, escaped, matches marked
    score: float = 0.0
    versions: int = 1  # with one result per story: the story's versions among the results
    # HTML of the card's byline, date and links (``card_meta``), for the search page only.
    card_meta: str | None = None


@dataclass
class SearchOutcome:
    params: SearchParams
    hits: list[Hit]
    total: int
    page: int
    facets: dict[str, list[tuple[str, int]]]
    # False when ``total`` is a lower bound ("more than 10,000": ``_counted``).
    total_exact: bool = True
    # How many of the matches the facets were counted among when not among them all: past
    # 10,000 matches, the candidates a broad search ranks (2,000 at most, PostgreSQL's
    # ``_candidates``); None: among them all. A broad search for one word has an exact total
    # and its facets counted among those candidates all the same (``_counted``).
    facets_among: int | None = None
    # Whether the number of matching articles (``total``, or ``articles_total`` with one
    # result per story) is exact rather than "more than" it.
    matches_exact: bool = True
    suggestion: str | None = None  # "did you mean", offered only when little was found
    # With one result per story: how many articles matched, and whether there were more
    # than the stories were gathered from (``COLLAPSE_LIMIT``).
    articles_total: int | None = None
    grouped_within: int | None = None

    @property
    def num_pages(self) -> int:
        return _last_page(self.total, self.params.per_page)


def build_queryset(params: SearchParams, *, load: bool = True) -> ArchiveSearchQuerySet:
    """The haystack query for these parameters (facets requested, objects loaded unless
    not ``load``)."""
    sqs = ArchiveSearchQuerySet().models(Article).all()
    if params.q:
        sqs = sqs.archive(params.q)
    for name, value in params.facets:
        sqs = sqs.narrow(facet_filter(name, value))
    sqs = sqs.published_between(params.date_from, params.date_to)
    if SORTS[params.sort]:
        sqs = sqs.order_by(SORTS[params.sort])
    for name, _ in FACETS:
        sqs = sqs.facet(name)
    # Objects come through ArticleIndex.read_queryset: published only, one query a page.
    return sqs.load_all() if load else sqs


def _fetch(sqs: ArchiveSearchQuerySet, page: int, per_page: int):
    start = (page - 1) * per_page
    results = list(sqs[start : start + per_page])
    return results, sqs.count(), sqs.facet_counts().get("fields", {})


def _counted(sqs: ArchiveSearchQuerySet) -> tuple[bool, int | None]:
    """``(total exact, facets among)``: whether the engine's total is exact or a lower bound,
    and how many of the matches the facets count when not all (None). The PostgreSQL
    backend past ``COUNT_LIMIT`` matches counts no further: the facets count the candidates
    it ranks, and the total is "more than" ``COUNT_LIMIT``, unless the search is for one
    word alone (its total then comes from the term statistics). Whoosh counts everything."""
    query = sqs.query
    return getattr(query, "hits_exact", True), getattr(query, "facets_among", None)


# One result per story (the stories themselves: ``articles.stories``).
# Search collapses versions among its best this many results; past them a search is too
# broad for grouping to matter, and the page says so.
COLLAPSE_LIMIT = 1000


def one_per_story(ids: list[int]) -> tuple[list[int], dict[int, int]]:
    """``ids`` (results, best first) with only the first of each story kept, and for each
    kept id how many of ``ids`` are versions of its story (1 for an article in none)."""
    stories: dict[int, int] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        stories.update(
            StoryVersion.objects.filter(article_id__in=chunk).values_list("article_id", "story_id")
        )
    kept: list[int] = []
    first_of: dict[int, int] = {}
    versions: dict[int, int] = {}
    for pk in ids:
        story = stories.get(pk)
        if story is None:
            kept.append(pk)
            versions[pk] = 1
        elif story not in first_of:
            first_of[story] = pk
            kept.append(pk)
            versions[pk] = 1
        else:
            versions[first_of[story]] += 1
    return kept, versions


# Bumped when ``_Answer`` changes shape, so that answers kept by older code are not read.
ANSWER_VERSION = 1


@dataclass
class _Answer:
    """What the engine answered for one search, in plain values: what
    ``articles.search.cache`` keeps, and what a page is built from (``_outcome``)."""

    # The results' ids and scores, best first: the page's (the last page when asked past
    # it); with one result per story, the best ``COLLAPSE_LIMIT`` of all pages, grouped
    # into stories afresh for every page built (editors regroup stories at any time).
    ranked: list[tuple[int, float]]
    total: int  # matches, as the engine counted them
    page: int
    facets: dict[str, list[tuple[str, int]]]
    matches_exact: bool
    facets_among: int | None
    suggestion: str | None = None
    # Each shown result's highlighted title and snippet as made from one version of the
    # article: {pk: (revision, title, snippet)}; remade when the article has changed.
    marked: dict[int, tuple[str, str, str]] = field(default_factory=dict)


def _last_page(total: int, per_page: int) -> int:
    """The number of the last page of ``total`` results (at least 1, at most ``MAX_PAGE``)."""
    return max(1, min(-(-total // per_page), MAX_PAGE))


def _ask_engine(params: SearchParams) -> _Answer:
    """The engine's answer. The page's articles are loaded by ``_outcome``, not by haystack
    (``load_all``): its results and objects cost a tenth of an uncached page's Python
    (docs/performance.md, "The uncached search page (session 10)")."""
    sqs = build_queryset(params, load=False)
    page = params.page
    try:
        if params.one_per_story:
            rows = sqs.values_list("pk", "score")[:COLLAPSE_LIMIT]
            ranked = [(int(pk), score or 0.0) for pk, score in rows]
            total, facets = sqs.count(), sqs.facet_counts().get("fields", {})
        else:
            results, total, facets = _fetch(sqs, page, params.per_page)
            if not results and total and page > 1:  # past the end: the last page instead
                page = _last_page(total, params.per_page)
                results, total, facets = _fetch(sqs._clone(), page, params.per_page)
            ranked = [(int(r.pk), r.score or 0.0) for r in results]
    except SearchOverBudget:
        log.warning("Search over its time budget: %r", params.q[:200])
        raise
    except IndexMissing as exc:
        log.error("Search unavailable: %s", exc)
        raise SearchUnavailable(str(exc)) from exc
    except Exception as exc:
        log.exception("Search failed for %r", params.q)
        raise SearchUnavailable(str(exc)) from exc
    matches_exact, facets_among = _counted(sqs)
    return _Answer(ranked, total, page, facets, matches_exact, facets_among)


def _outcome(params: SearchParams, answer: _Answer, cards: bool = False) -> SearchOutcome:
    """The page of ``answer``: its articles loaded (published only: one withdrawn since
    the index was written is left out), highlighted unless ``answer`` holds that for the
    same version. With ``cards``, each hit's ``card_meta`` is set (``card_meta``) and the
    articles' bylines, paper and section are loaded only for the cards that need them."""
    page, total = answer.page, answer.total
    articles_total = grouped_within = None
    versions: dict[int, int] = {}
    if params.one_per_story:
        chosen, versions = one_per_story([pk for pk, _ in answer.ranked])
        total, articles_total = len(chosen), answer.total
        grouped_within = COLLAPSE_LIMIT if answer.total > COLLAPSE_LIMIT else None
        if total and page > 1 and (page - 1) * params.per_page >= total:
            page = _last_page(total, params.per_page)  # past the end: the last page instead
        start = (page - 1) * params.per_page
        chosen = chosen[start : start + params.per_page]
    else:
        chosen = [pk for pk, _ in answer.ranked]
    if cards:
        loaded = public.articles().in_bulk(chosen)
        metas = card_meta(list(loaded.values()))
    else:
        loaded, metas = public.articles().for_listing().in_bulk(chosen), {}
    scores = dict(answer.ranked)
    hits = []
    for pk in chosen:
        article = loaded.get(pk)
        if article is None:  # no longer published
            continue
        marked = answer.marked.get(pk)
        if marked and marked[0] == revision(pk, article.updated_at):
            title, text = marked[1], marked[2]
        else:
            title, text = highlight_words(article.title, params.q), snippet(article.body, params.q)
        hits.append(Hit(article, title, text, scores[pk], versions.get(pk, 1), metas.get(pk)))
    return SearchOutcome(
        params=params,
        hits=hits,
        total=total,
        page=page,
        facets=answer.facets,
        # One result per story counts stories among the best COLLAPSE_LIMIT, exactly.
        total_exact=params.one_per_story or answer.matches_exact,
        facets_among=answer.facets_among,
        matches_exact=answer.matches_exact,
        suggestion=answer.suggestion,
        articles_total=articles_total,
        grouped_within=grouped_within,
    )


def _look_up(params: SearchParams, suggest: bool):
    return results_cache.look_up(
        "answer",
        {
            "answer": ANSWER_VERSION,
            "q": params.q,
            "f": sorted(params.facets),
            "from": params.date_from,
            "to": params.date_to,
            "sort": params.sort,
            "page": params.page,
            "per_page": params.per_page,
            "story": params.one_per_story,
            "suggest": bool(suggest and params.q),
        },
    )


def run_search(
    params: SearchParams, *, suggest: bool = False, cards: bool = False
) -> SearchOutcome:
    """Run the search; with ``suggest``, also "did you mean" when little is found (only
    the search page shows it: it costs a look through the vocabulary per word); with
    ``cards``, each hit carries its card's byline, date and links as HTML (``card_meta``:
    the search page's cards) and its article is loaded without them.

    The engine's answer is kept for repeats of the same search until the index changes
    (``articles.search.cache``); the articles are loaded afresh each time, published only.

    Raises ``SearchUnavailable`` when the engine cannot answer, and ``SearchOverBudget``
    when the query would take longer than ``SEARCH_TIME_LIMIT``."""
    slot, answer = _look_up(params, suggest)
    if isinstance(answer, _Answer):
        return _outcome(params, answer, cards)
    answer = _ask_engine(params)
    outcome = _outcome(params, answer, cards)
    if suggest and params.q and outcome.total < SUGGEST_BELOW:
        try:
            suggestion = connections["default"].get_backend().suggest(params.q)
        except Exception:
            log.exception("No suggestion for %r", params.q)
        else:
            answer.suggestion = outcome.suggestion = suggestion
    answer.marked = {
        hit.article.pk: (revision(hit.article.pk, hit.article.updated_at), hit.title, hit.snippet)
        for hit in outcome.hits
    }
    results_cache.keep(slot, answer)
    return outcome


# The templates a kept results block is rendered from: a change to any of them (a new
# release) makes new keys, so that no block rendered by the old ones is shown.
RESULTS_TEMPLATES = (
    "search/_results.html",
    "includes/_article_card.html",
    "includes/_article_meta.html",
    "includes/_pagination.html",
)
_templates_digest: str | None = None


def _results_templates() -> str:
    global _templates_digest
    if _templates_digest is None:
        sources = [Engine.get_default().get_template(name).source for name in RESULTS_TEMPLATES]
        _templates_digest = hashlib.sha256("\0".join(sources).encode()).hexdigest()[:16]
    return _templates_digest


# A card's byline, date and links (``includes/_article_meta.html``) as rendered for one
# version of its article, kept in the default cache (the process's, or Redis): a search
# page's cards are rendered again and again, and that part of them does not depend on the
# search. Renaming an author, a paper or a section does not change the articles' versions:
# their cards show the old name for up to this long.
CARD_META_SECONDS = 300
CARD_META_TEMPLATE = "includes/_article_meta.html"


def card_meta(articles: list[Article]) -> dict[int, SafeString]:
    """``{pk: the HTML of includes/_article_meta.html for that article}``, the same as the
    card's include renders, kept for ``CARD_META_SECONDS`` in the default cache under the
    article's version (``revision``), the templates and the language. The articles need not
    hold their bylines, paper or section: those are loaded here for the ones not kept (half
    of loading a search page's twenty articles, with the rendering a fifth of its Python;
    docs/performance.md, "The search page's CPU (session 13)"). Who may see an article is
    the caller's business: a card is only ever shown for an article loaded as public."""
    prefix = f"card-meta:{_results_templates()}:{get_language()}:"
    keys = {article.pk: prefix + revision(article.pk, article.updated_at) for article in articles}
    try:
        found = cache.get_many(keys.values())
    except Exception:  # a cache that cannot be reached only means every card is made
        log.warning("Cards' meta not read from the cache", exc_info=True)
        found = {}
    missing = [article for article in articles if keys[article.pk] not in found]
    if missing:
        prefetch_related_objects(missing, *LISTED_WITH, bylines_prefetch())
        template = Engine.get_default().get_template(CARD_META_TEMPLATE)
        made = {keys[a.pk]: template.render(Context({"article": a})) for a in missing}
        try:
            cache.set_many(made, CARD_META_SECONDS)
        except Exception:
            log.warning("Cards' meta not kept in the cache", exc_info=True)
        found.update(made)
    return {pk: SafeString(found[key]) for pk, key in keys.items()}


@dataclass
class KeptResults:
    """A search page's results block as rendered once (HTML), kept for repeats of the same
    request; ``shown`` is the revision of each article it shows."""

    slot: results_cache.Slot | None
    html: str | None = None
    shown: dict[int, str] = field(default_factory=dict)
    facets: bool = False


def kept_results(params: SearchParams, query: str) -> KeptResults:
    """The results block kept for the search page's request ``query`` (its query string,
    which the block's links carry), if every article it shows is still public and unchanged
    (one query); else a ``KeptResults`` without ``html`` whose slot ``keep_results`` takes.
    The search page renders most of its time (highlights, facet links, article cards): a
    repeat answered whole costs a tenth of it. Not with one result per story: editors
    regroup stories without an index write, so those pages are grouped afresh each time."""
    if params.one_per_story:
        return KeptResults(None)
    slot, kept = results_cache.look_up(
        "results", {"version": ANSWER_VERSION, "query": query, "templates": _results_templates()}
    )
    if not isinstance(kept, KeptResults) or not kept.html:
        return KeptResults(slot)
    if kept.shown:
        now = public.articles().filter(pk__in=list(kept.shown)).values_list("pk", "updated_at")
        if {pk: revision(pk, updated) for pk, updated in now} != kept.shown:
            return KeptResults(slot)
    return kept


def keep_results(kept: KeptResults, html: str, hits: list[Hit], *, facets: bool) -> None:
    """Keep ``html``, the results block showing ``hits`` (with facets or not), in
    ``kept.slot``."""
    shown = {hit.article.pk: revision(hit.article.pk, hit.article.updated_at) for hit in hits}
    results_cache.keep(kept.slot, KeptResults(None, str(html), shown, facets))


def more_like_this(article: Article, count: int = 5) -> list[Article]:
    """Published articles like this one, by the search engine's measure.

    The engine's answer (ids) is kept for ``RELATED_CACHE_SECONDS`` per version of the
    article: scoring a dozen of its words against a large archive is most of an article
    page's time, and a reader of a popular article asks the same. The articles themselves
    are loaded afresh, published only, so one withdrawn meanwhile is never shown. An
    engine out of time (``SearchOverBudget``) is remembered as no answer for as long: the
    caller shows its own related articles, and a popular page does not wait the time
    limit on every view."""
    key = f"related:{article.pk}:{article.updated_at.timestamp() if article.updated_at else 0}"
    ids = cache.get(key)
    if ids is None:
        results = ArchiveSearchQuerySet().models(Article).more_like_this(article)
        try:
            ids = [int(r.pk) for r in results[: count + 1] if int(r.pk) != article.pk][:count]
        except SearchOverBudget:
            log.warning("More like this over its time budget for article %s", article.pk)
            ids = []
        cache.set(key, ids, RELATED_CACHE_SECONDS)
    found = public.articles().for_listing().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def autocomplete(text: str, limit: int = 8) -> list[dict]:
    """What the search box offers as a reader types: matching titles (from the index, so
    published only), then authors and entities with published articles."""
    words = words_of(_CONTROL.sub(" ", text))[:8]
    if not words or len("".join(words)) < 2:
        return []
    *whole, last = words
    title_query = "title:(" + " ".join([*whole, f"{last}*" if len(last) >= 2 else last]) + ")"
    suggestions: list[dict] = []
    try:
        sqs = ArchiveSearchQuerySet().models(Article).archive(title_query).load_all()
        for result in sqs[:4]:
            if result.object is not None:
                suggestions.append(
                    {
                        "label": result.object.title,
                        "kind": "article",
                        "url": result.object.get_absolute_url(),
                    }
                )
    except Exception:
        log.exception("Title completion failed for %r", text)
    phrase = " ".join(words)
    # A word of the name starts with what was typed; names starting with it come first.
    starts = Q(name__istartswith=phrase) | Q(name__icontains=f" {phrase}")
    first = Case(When(name__istartswith=phrase, then=0), default=1)
    authors = public.authors(counts=False).filter(starts).order_by(first, "name")[:3]
    entities = public.entities(counts=False).filter(starts).order_by(first, "name")[:3]
    for author in authors:
        suggestions.append(
            {"label": author.name, "kind": "author", "url": author.get_absolute_url()}
        )
    for entity in entities:
        suggestions.append(
            {
                "label": entity.name,
                "kind": entity.get_kind_display().lower(),
                "url": entity.get_absolute_url(),
            }
        )
    return suggestions[:limit]
