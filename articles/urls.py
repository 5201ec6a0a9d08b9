"""The table of contents of the public site: every page is one named URL and one view."""

from django.urls import path, re_path, register_converter

from articles import api
from articles.views import article, browse, citations, entities, feeds, search
from articles.views.export import export_results
from articles.views.trends import trends, trends_csv, trends_json


class UnicodeSlugConverter:
    """Slugs as the archive makes them (letters of any script, digits, '-', '_'); anything
    else, such as a NUL byte some databases refuse, is simply not a page."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class _DatePartConverter:
    """A year, month or day as a calendar has them: anything else (0, 13, 10000, a number
    too big for the database) is not a page, so a date archive can only be asked for a
    date Python and the database can hold."""

    regex: str
    low: int
    high: int

    def to_python(self, value: str) -> int:
        number = int(value)
        if not self.low <= number <= self.high:
            raise ValueError(f"{value} is not between {self.low} and {self.high}")
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class YearConverter(_DatePartConverter):
    regex, low, high = r"[0-9]{1,4}", 1, 9999


class MonthConverter(_DatePartConverter):
    regex, low, high = r"[0-9]{1,2}", 1, 12


class DayConverter(_DatePartConverter):
    regex, low, high = r"[0-9]{1,2}", 1, 31


register_converter(UnicodeSlugConverter, "uslug")
register_converter(YearConverter, "year")
register_converter(MonthConverter, "month")
register_converter(DayConverter, "day")

app_name = "articles"

urlpatterns = [
    path("", browse.home, name="home"),
    path("articles/<uslug:slug>/", article.article_detail, name="article"),
    path("articles/<uslug:slug>/cite.bib", citations.cite_bibtex, name="cite-bibtex"),
    path("articles/<uslug:slug>/cite.ris", citations.cite_ris, name="cite-ris"),
    path("archive/", browse.date_archive, name="archive"),
    path("archive/<year:year>/", browse.year_archive, name="archive-year"),
    path("archive/<year:year>/<month:month>/", browse.month_archive, name="archive-month"),
    path("archive/<year:year>/<month:month>/<day:day>/", browse.day_archive, name="archive-day"),
    path("on-this-day/", browse.on_this_day, name="on-this-day"),
    path("on-this-day/<month:month>/<day:day>/", browse.on_this_day, name="on-this-day-date"),
    path("authors/", browse.author_index, name="authors"),
    path("authors/<uslug:slug>/", browse.author_detail, name="author"),
    path("publications/", browse.publication_index, name="publications"),
    path("publications/<uslug:slug>/", browse.publication_detail, name="publication"),
    path("publications/<uslug:publication>/<uslug:slug>/", browse.section_detail, name="section"),
    path("entities/", entities.entity_index, name="entities"),
    path("entities/<uslug:slug>/", entities.entity_detail, name="entity"),
    path("search/", search.search, name="search"),
    path("search/complete/", search.complete, name="search-complete"),
    path("opensearch.xml", feeds.opensearch_description, name="opensearch"),
    path("feeds/latest/", feeds.latest_feed, name="feed-latest"),
    path("feeds/on-this-day/", feeds.on_this_day_feed, name="feed-on-this-day"),
    path("feeds/search/", feeds.search_feed, name="feed-search"),
    path("feeds/authors/<uslug:slug>/", feeds.author_feed, name="feed-author"),
    path("feeds/entities/<uslug:slug>/", feeds.entity_feed, name="feed-entity"),
    # Research tools (issue 19): trends over time, and any search's results as a download.
    path("trends/", trends, name="trends"),
    path("trends/csv/", trends_csv, name="trends-csv"),
    path("trends/json/", trends_json, name="trends-json"),
    path("api/export/", export_results, name="export"),
    # The read-only JSON API (articles/api/): api-index, api-openapi (its OpenAPI document,
    # generated from the code), api-articles, api-article, api-authors, api-author,
    # api-entities, api-entity, api-search.
    *api.urlpatterns("api/"),
    # Anything else under /api/ is a JSON 404, not the site's HTML page; only addresses
    # ending in a slash, so that /api/articles still redirects to /api/articles/. Last.
    re_path(r"^api/[\s\S]+/$", api.not_found),
]
