"""The sitemap: every public page a search engine should know, in sections listed by the
sitemap index at /sitemap.xml.

Public means what a reader can reach (``articles.public``): published articles, and the
authors, entities, publications, sections and archive years that have at least one. Merged
entities (their addresses redirect) and entities known only from rejected mentions are
left out.

Articles come one year to a sitemap page (``?p=`` numbers the years, oldest first; a year
with more than ``limit`` articles takes several pages), each page read through the
(status, published_on) index. What the index and the lists need from every article (counts
per year, latest changes, the lists of authors and entities with their latest changes) is
read once and kept in the cache (``public.maintained``); when articles are added or saved,
only the years they are dated in, and the authors, entities, publications and sections they
lead to, are read again. At a million articles each list was a walk over every article,
byline or mention, and the first request after any save paid for all of it (16 s, issue 18).
Year pages are read on each request, from the index, so they are always current.
"""

from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max
from django.urls import reverse

from articles import public
from articles.models import Article, Byline, Mention


def article_years() -> list[tuple[int | None, int, object]]:
    """``(year or None for undated, public articles, their latest change)``, oldest first."""
    years = public.maintained("sitemap-years", _read_years, _refresh_years)
    dated = sorted(year for year in years if year is not None)
    order = dated + ([None] if None in years else [])
    return [(year, *years[year]) for year in order]


def _read_years() -> dict[int | None, tuple[int, object]]:
    # Grouped by date in SQL and folded into years here: SQLite extracts a year through a
    # Python function per row (a third of a second per call on the whole corpus).
    years: dict[int | None, tuple[int, object]] = {}
    days = (
        public.articles()
        .order_by()
        .values_list("published_on")
        .annotate(n=Count("pk"), latest=Max("updated_at"))
    )
    for day, n, latest in days:
        year = day.year if day else None
        count, newest = years.get(year, (0, latest))
        years[year] = (count + n, max(newest, latest))
    return years


def _refresh_years(changed, years: dict[int | None, tuple[int, object]]) -> None:
    """Count again the years of the ``changed`` articles only, each a range of the
    (status, published_on) index. An article moved to another year is counted in its new
    year at once and leaves the old one's count when the whole is read again."""
    dates = changed.order_by().values_list("published_on", flat=True).distinct()
    for year in {day.year if day else None for day in dates}:
        articles = public.articles()
        if year is None:
            articles = articles.filter(published_on=None)
        else:
            articles = articles.filter(published_on__year=year)
        found = articles.aggregate(n=Count("pk"), latest=Max("updated_at"))
        if found["n"]:
            years[year] = (found["n"], found["latest"])
        else:
            years.pop(year, None)


class ArchiveSitemap(Sitemap):
    # Django pages a section past this many URLs (the protocol allows 50,000); smaller
    # pages keep each response quick and light on memory.
    limit = 10_000
    # Past this many things touched by the articles changed since the last request, the
    # list is read whole again (an IN list of them would be as slow, and SQLite caps it).
    reread_above = 5_000

    def items(self):
        # Read once per request: the sitemap index asks for the count, the pages and the
        # latest change. Kept as (address, last change) pairs by id, patched for the things
        # that changed articles lead to (``touched_by``): each list is an aggregate over
        # every article, byline or mention, and model instances by the ten thousand were
        # slow to take from the cache.
        if not hasattr(self, "_items_read"):
            kept = public.maintained(
                f"sitemap-{type(self).__name__}", self._read_all, self._refresh
            )
            self._items_read = [kept[pk] for pk in sorted(kept)]
        return self._items_read

    def listed(self):
        raise NotImplementedError

    def touched_by(self, changed):
        """Ids of the listed things that the ``changed`` articles lead to."""
        raise NotImplementedError

    def _read_all(self) -> dict:
        return {item.pk: (item.get_absolute_url(), item.last_updated) for item in self.listed()}

    def _refresh(self, changed, kept: dict) -> None:
        touched = set(self.touched_by(changed.order_by()))
        if len(touched) > self.reread_above:
            # After an import: one read of the whole list rather than a lookup of each.
            kept.clear()
            kept.update(self._read_all())
            return
        for pk in touched:
            kept.pop(pk, None)
        for item in self.listed().filter(pk__in=touched):
            kept[item.pk] = (item.get_absolute_url(), item.last_updated)

    def location(self, item):
        return item[0]

    def lastmod(self, item):
        return item[1]


class _YearPages(Paginator):
    """Pages of the articles sitemap: one per year (several for a year past ``per_year``),
    numbered from 1 like Django's pages, so that the sitemap views read it as they read
    their own paginator."""

    def __init__(self, per_year: int):
        parts = [
            (year, part)
            for year, count, _ in article_years()
            for part in range(max(1, -(-count // per_year)))
        ]
        super().__init__(parts, 1)
        self.per_year = per_year

    def page(self, number):
        number = self.validate_number(number)
        if not self.object_list:  # no public article: page 1, empty, as Django's own
            return Page([], number, self)
        year, part = self.object_list[number - 1]
        articles = public.articles().only("slug", "updated_at").order_by("published_on", "pk")
        if year is None:
            articles = articles.filter(published_on=None)
        else:
            articles = articles.filter(published_on__year=year)
        start = part * self.per_year
        return Page(list(articles[start : start + self.per_year]), number, self)


class ArticleSitemap(ArchiveSitemap):
    @cached_property
    def paginator(self):
        return _YearPages(self.limit)

    def location(self, article: Article) -> str:
        return article.get_absolute_url()

    def lastmod(self, article: Article):
        return article.updated_at

    def get_latest_lastmod(self):
        return max((latest for _, _, latest in article_years()), default=None)


class AuthorSitemap(ArchiveSitemap):
    def listed(self):
        return public.authors().only("slug").order_by("pk")

    def touched_by(self, changed):
        return Byline.objects.filter(article__in=changed).values_list("author_id", flat=True)


class EntitySitemap(ArchiveSitemap):
    def listed(self):
        return public.entities().only("slug").order_by("pk")

    def touched_by(self, changed):
        return Mention.objects.filter(article__in=changed).values_list("entity_id", flat=True)


class PublicationSitemap(ArchiveSitemap):
    def listed(self):
        return public.publications().only("slug").order_by("pk")

    def touched_by(self, changed):
        return changed.values_list("publication_id", flat=True)


class SectionSitemap(ArchiveSitemap):
    def listed(self):
        return (
            public.sections()
            .select_related("publication")
            .only("slug", "publication__slug")
            .order_by("pk")
        )

    def touched_by(self, changed):
        return changed.values_list("section_id", flat=True)


class ArchiveYearSitemap(ArchiveSitemap):
    def items(self) -> list[dict]:
        return [
            {"year": year, "latest": latest}
            for year, _, latest in article_years()
            if year is not None
        ]

    def location(self, item: dict) -> str:
        return reverse("articles:archive-year", args=[item["year"]])

    def lastmod(self, item: dict):
        return item["latest"]


class IndexPageSitemap(Sitemap):
    """The home page and the indexes that lead to everything else."""

    def items(self) -> list[str]:
        return [
            "articles:home",
            "articles:archive",
            "articles:authors",
            "articles:entities",
            "articles:publications",
        ]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {
    "pages": IndexPageSitemap,
    "articles": ArticleSitemap,
    "authors": AuthorSitemap,
    "entities": EntitySitemap,
    "publications": PublicationSitemap,
    "sections": SectionSitemap,
    "archive": ArchiveYearSitemap,
}
