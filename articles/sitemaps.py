"""The sitemap: every public page a search engine should know, in sections listed by the
sitemap index at /sitemap.xml.

Public means what a reader can reach (``articles.public``): published articles, and the
authors, entities, publications, sections and archive years that have at least one. Merged
entities (their addresses redirect) and entities known only from rejected mentions are
left out.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from articles import public
from articles.models import Article


class ArchiveSitemap(Sitemap):
    # Django pages a section past this many URLs (the protocol allows 50,000); smaller
    # pages keep each response quick and light on memory.
    limit = 10_000

    def items(self):
        # Read once per request: the sitemap index asks for the count, the pages and the
        # latest change, and each of these lists is an aggregate over every article.
        if not hasattr(self, "_items_read"):
            self._items_read = list(self.listed())
        return self._items_read

    def listed(self):
        raise NotImplementedError

    def lastmod(self, item):
        return item.last_updated


class ArticleSitemap(ArchiveSitemap):
    def items(self):
        return public.articles().only("slug", "updated_at").order_by("pk")

    def lastmod(self, article: Article):
        return article.updated_at

    def get_latest_lastmod(self):
        # For the index: one aggregate rather than Django's walk over every article.
        return public.articles().aggregate(latest=Max("updated_at"))["latest"]


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
    def listed(self) -> list[dict]:
        # Grouped by date in SQL and folded into years here: SQLite extracts a year through
        # a Python function per row (a third of a second per call on the whole corpus).
        latest: dict[int, object] = {}
        days = (
            public.articles()
            .exclude(published_on=None)
            .order_by()
            .values_list("published_on")
            .annotate(latest=Max("updated_at"))
        )
        for day, updated in days:
            if day.year not in latest or updated > latest[day.year]:
                latest[day.year] = updated
        return [{"year": year, "latest": latest[year]} for year in sorted(latest)]

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
