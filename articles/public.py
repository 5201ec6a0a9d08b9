"""What the public may see: the one place that says it (selectors: functions that fetch).

- An **article** is public when it is published (``Article.objects.published()``); drafts,
  articles in review and withdrawn ones are not.
- A **mention** stands when an editor has not rejected it and its article is public.
- An **author**, **publication** or **section** is listed when it has a public article.
- An **entity** is listed when it was not merged into another and has a standing mention.

Every page, the API, the feeds, the sitemaps, autocomplete, "more like this" and the search
index read through these, so a count on one surface is the count on every other. Each
selector returns a queryset (callers filter, order and paginate it); the listed things carry
``article_count`` and ``last_updated`` (the newest change among their public articles)
unless asked for ``counts=False``, which keeps a bare ``.count()`` or ``.exists()`` cheap.
"""

from __future__ import annotations

import calendar
import contextlib
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.models import (
    Article,
    ArticleQuerySet,
    Author,
    Entity,
    Mention,
    MentionQuerySet,
    Publication,
    Section,
)


def articles() -> ArticleQuerySet:
    """Published articles, nothing else."""
    return Article.objects.published()


def on_this_day(
    month: int, day: int, before_year: int, first_year: int | None = None
) -> ArticleQuerySet:
    """Public articles dated ``day`` ``month`` of a year before ``before_year``: "on this
    day" in earlier years. The dates are listed (one per year since the archive's first),
    so the (status, published_on) index answers each as a point, not a scan of every
    article's month and day. On 28 February of a year without a 29th, the 29ths of
    earlier leap years come too, so that they are ever shown. ``first_year``: the year of
    the archive's first dated article, where the caller knows it (else one query asks)."""
    if first_year is None:
        first = (
            articles()
            .exclude(published_on=None)
            .order_by("published_on")
            .values_list("published_on", flat=True)
            .first()
        )
        if first is None:
            return articles().none()
        first_year = first.year
    dates = []
    for year in range(first_year, before_year):
        with contextlib.suppress(ValueError):  # 29 February of a common year
            dates.append(date(year, month, day))
        if (month, day) == (2, 28) and not calendar.isleap(before_year):
            with contextlib.suppress(ValueError):
                dates.append(date(year, 2, 29))
    return articles().filter(published_on__in=dates)


def articles_by(author: Author) -> ArticleQuerySet:
    """Public articles with ``author`` in the byline."""
    return articles().filter(bylines__author=author)


def articles_mentioning(entity: Entity) -> ArticleQuerySet:
    """Public articles with a standing mention of ``entity``. One ``filter()`` call, so a
    caller's ``F("mentions__…")`` reads that same mention row."""
    return articles().filter(accepted_via("mentions"), mentions__entity=entity)


def mentions() -> MentionQuerySet:
    """Mentions the public sees: accepted, in a public article, of an entity not merged
    into another (what an article's page and its API entry list)."""
    return (
        Mention.objects.accepted()
        .filter(published_via("article"))
        .filter(entity__merged_into__isnull=True)
    )


def authors(*, counts: bool = True) -> QuerySet[Author]:
    """Authors of at least one public article."""
    listed = Author.objects.filter(Exists(articles().filter(bylines__author=OuterRef("pk"))))
    return _counted(listed, "bylines", published_via("bylines__article")) if counts else listed


def entities(*, counts: bool = True) -> QuerySet[Entity]:
    """Entities not merged away, with at least one standing mention."""
    listed = Entity.objects.current().filter(Exists(mentions().filter(entity=OuterRef("pk"))))
    # One mention per article and entity (a unique constraint), so counting mentions
    # counts articles.
    return _counted(listed, "mentions", mention_stands_via("mentions")) if counts else listed


# Kinds a list or a facet shows only when asked for by name (``?kind=group``): nationalities
# and other groups ("Irish", "Republicans") are not people, organisations or places that a
# reader browses by, and they would crowd every list.
UNLISTED_KINDS = (Entity.Kind.GROUP,)


def listed_entities(kind: str = "", *, counts: bool = True) -> QuerySet[Entity]:
    """The entities a list shows: those of ``kind``, or of every kind but the unlisted."""
    listed = entities(counts=counts)
    return listed.filter(kind=kind) if kind else listed.exclude(kind__in=UNLISTED_KINDS)


def publications(*, counts: bool = True) -> QuerySet[Publication]:
    """Publications with at least one public article."""
    # Exists: an index lookup per publication, where a count over every article read
    # the whole table (the home page's count).
    listed = Publication.objects.filter(Exists(articles().filter(publication=OuterRef("pk"))))
    return _counted(listed, "articles", published_via("articles")) if counts else listed


def sections(*, counts: bool = True) -> QuerySet[Section]:
    """Sections with at least one public article."""
    listed = Section.objects.filter(Exists(articles().filter(section=OuterRef("pk"))))
    return _counted(listed, "articles", published_via("articles")) if counts else listed


def _counted(queryset: QuerySet, articles_path: str, public: Q) -> QuerySet:
    """``queryset`` with ``article_count`` and ``last_updated`` over its public articles,
    reached through ``articles_path`` (one row per article there)."""
    return queryset.annotate(
        article_count=Count(articles_path, filter=public),
        last_updated=Max(_article_path(articles_path) + "updated_at", filter=public),
    )


def _article_path(path: str) -> str:
    # "articles" is the article itself; "bylines" and "mentions" lead to it.
    return f"{path}__" if path == "articles" else f"{path}__article__"


# The rule seen from another model, for filters and annotations that must apply to the
# same joined row as another condition (one filter() call); ``path`` leads to the row.


def published_via(path: str) -> Q:
    """The article at ``path`` is public: the rule of ``Article.objects.published()``."""
    return Q(**{f"{path}__status": Article.Status.PUBLISHED})


def accepted_via(path: str) -> Q:
    """The mention at ``path`` was not rejected: the rule of ``Mention.objects.accepted()``."""
    return Q(**{f"{path}__rejected": False})


def mention_stands_via(path: str) -> Q:
    """The mention at ``path`` is accepted and its article public."""
    return accepted_via(path) & published_via(f"{path}__article")


# --- Counts over the whole archive, kept until it changes ------------------------------------
# The home page's totals and an entity page's counts walk every article, byline or mention:
# at a million articles each took from a tenth of a second to seconds (issue 18).
# They are kept in the cache under the archive's version, which any new or saved article
# changes; what no article's save touches (an entity merged, a mention rejected) shows after
# at most ``REMEMBER_SECONDS``.
REMEMBER_SECONDS = 600

T = TypeVar("T")


def version() -> str:
    """Changes whenever an article is added or saved (any status): its newest change and its
    highest id, one step down the (updated_at) index and the primary key each."""
    _, changed, last = _state()
    return f"{changed.isoformat() if changed else ''}:{last}"


class _ThisRequest(threading.local):
    """The archive's state as read once in the request this thread serves, if any."""

    serving = False
    state: tuple | None = None


_this_request = _ThisRequest()


@receiver(request_started)
def _request_started(**kwargs) -> None:
    _this_request.serving, _this_request.state = True, None


@receiver(request_finished)
def _request_finished(**kwargs) -> None:
    _this_request.serving, _this_request.state = False, None


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def _article_changed(**kwargs) -> None:
    _this_request.state = None  # a request that saves reads the state again after it


def _state() -> tuple:
    """``(the first article's id and creation, newest change, highest id)`` in one query,
    each one step down an index; ``(None, None, None)`` for an empty archive. The first
    article tells one archive from another (a test's, a restored backup) under the same
    cache; the other two change whenever an article is added or saved. Read once per
    request: the sitemap index asked it for each of its lists, the entity page for each of
    its remembered parts (a round trip each, which on a loaded server waits for a core)."""
    if _this_request.serving and _this_request.state is not None:
        return _this_request.state
    state = _read_state()
    if _this_request.serving:
        _this_request.state = state
    return state


def _read_state() -> tuple:
    found = (
        Article.objects.order_by("pk")
        .annotate(
            changed=Subquery(Article.objects.order_by("-updated_at").values("updated_at")[:1]),
            last=Subquery(Article.objects.order_by("-pk").values("pk")[:1]),
        )
        .values_list("pk", "created_at", "changed", "last")
        .first()
    )
    if found is None:
        return None, None, None
    first, created, changed, last = found
    return (first, created), changed, last


def remembered(name: str, read: Callable[[], T]) -> T:
    """``read()``, kept in the cache until the archive's ``version`` changes."""
    key = f"public:{name}:{version()}"
    value = cache.get(key)
    if value is None:
        value = read()
        cache.set(key, value, REMEMBER_SECONDS)
    return value


# --- Kept up to date from the articles that changed ---------------------------------------
# Where a save touches a small part of what is remembered (one year of the sitemap, the few
# authors and entities of one article), reading it all again after every save makes the first
# reader after it pay for the whole archive (16 s for the sitemap index at a million articles,
# issue 18). ``maintained`` reads it all once, then patches it from the articles changed since.

# What a save touches shows at once; what none does (an entity merged, a mention rejected, an
# article deleted) shows when the whole is read again, at least this often.
MAINTAIN_SECONDS = 3600

# Articles changed up to this long before the newest change seen are taken as changed again:
# a transaction that saved an article earlier than another but committed after it would
# otherwise be missed.
OVERLAP = timedelta(minutes=1)

K = TypeVar("K")
V = TypeVar("V")


def changed_articles(changed, last) -> ArticleQuerySet:
    """Articles of any status added since the highest id was ``last`` or saved since the
    newest change was ``changed`` (and in the ``OVERLAP`` before it)."""
    new = Q(pk__gt=last) if last is not None else Q(pk__isnull=False)
    if changed is None:
        return Article.objects.filter(new)
    return Article.objects.filter(new | Q(updated_at__gte=changed - OVERLAP))


def maintained(
    name: str,
    read: Callable[[], dict[K, V]],
    refresh: Callable[[ArticleQuerySet, dict[K, V]], None],
) -> dict[K, V]:
    """A mapping over the whole archive, ``read()`` once and kept in the cache; when articles
    have been added or saved since, ``refresh(changed articles, mapping)`` patches it in place
    (from those articles alone) before it is returned and kept again."""
    key = f"public:maintained:{name}"
    now = _state()
    kept = cache.get(key)
    if kept is not None and kept[0] == now:
        return kept[1]
    if kept is not None and _follows(kept[0], now):
        (_, changed, last), value, read_at = kept
        refresh(changed_articles(changed, last), value)
    else:  # nothing kept, or kept for another archive
        value, read_at = read(), time.time()
    # Patching does not put off the next whole read: the entry expires MAINTAIN_SECONDS
    # after the whole was read.
    left = MAINTAIN_SECONDS - (time.time() - read_at)
    cache.set(key, (now, value, read_at), max(1, int(left)))
    return value


def _follows(before: tuple, now: tuple) -> bool:
    """Whether the archive in state ``now`` can be the one of ``before`` with articles added
    or saved since: the same first article, and neither the newest change nor the highest id
    gone back."""
    first, changed, last = before
    first_now, changed_now, last_now = now
    if first is None or first != first_now:
        return False
    return changed <= changed_now and last <= last_now
