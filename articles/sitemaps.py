"""The sitemap: every public page a search engine should know, in sections listed by the
sitemap index at /sitemap.xml.

Public means what a reader can reach (``articles.public``): published articles, and the
authors, entities, publications, sections and archive years that have at least one. Merged
entities (their addresses redirect) and entities known only from rejected mentions are
left out.

Articles come one year to a sitemap page (``?p=`` numbers the years, oldest first; a year
with more than ``limit`` articles takes several pages), each page read through the
(status, published_on) index. What the index and the lists need from every article (counts
per year, latest changes, the lists of authors and entities with their counts) is kept in
the cache until an article changes (``public.remembered``): at a million articles each of
these was a walk over every article or byline on every request (issue 18).
"""

from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max
from django.urls import reverse

from articles import public
from articles.models import Article


def article_years() -> list[tuple[int | None, int, object]]:
    """``(year or None for undated, public articles, their latest change)``, oldest first."""

    def read():
        # Grouped by date in SQL and folded into years here: SQLite extracts a year through
        # a Python function per row (a third of a second per call on the whole corpus).
        years: dict[int | None, list] = {}
        days = (
            public.articles()
            .order_by()
            .values_list("published_on")
            .annotate(n=Count("pk"), latest=Max("updated_at"))
        )
        for day, n, latest in days:
            year = day.year if day else None
            found = years.setdefault(year, [0, latest])
            found[0] += n
            found[1] = max(found[1], latest)
        dated = sorted(year for year in years if year is not None)
        order = dated + ([None] if None in years else [])
        return [(year, *years[year]) for year in order]

    return public.remembered("article-years", read)


class ArchiveSitemap(Sitemap):
    # Django pages a section past this many URLs (the protocol allows 50,000); smaller
    # pages keep each response quick and light on memory.
    limit = 10_000

    def items(self):
        # Read once per request: the sitemap index asks for the count, the pages and the
        # latest change, and each of these lists is an aggregate over every article.
        # Kept as (address, last change) pairs: the sitemap index reads the lists of every
        # section, and model instances by the ten thousand were slow to take from the cache.
        if not hasattr(self, "_items_read"):
            self._items_read = public.remembered(
                f"sitemap-{type(self).__name__}",
                lambda: [(item.get_absolute_url(), item.last_updated) for item in self.listed()],
            )
        return self._items_read

    def listed(self):
        raise NotImplementedError

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


class EntitySitemap(ArchiveSitemap):
    def listed(self):
        return public.entities().only("slug").order_by("pk")


class PublicationSitemap(ArchiveSitemap):
    def listed(self):
        return public.publications().only("slug").order_by("pk")


class SectionSitemap(ArchiveSitemap):
    def listed(self):
        return (
            public.sections()
            .select_related("publication")
            .only("slug", "publication__slug")
            .order_by("pk")
        )


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
