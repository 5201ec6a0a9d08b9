"""The table of contents of the public site: every page is one named URL and one view."""

from django.urls import path

from articles.views import article, browse, entities, search

app_name = "articles"

urlpatterns = [
    path("", browse.home, name="home"),
    path("articles/<str:slug>/", article.article_detail, name="article"),
    path("archive/", browse.date_archive, name="archive"),
    path("archive/<int:year>/", browse.year_archive, name="archive-year"),
    path("archive/<int:year>/<int:month>/", browse.month_archive, name="archive-month"),
    path("archive/<int:year>/<int:month>/<int:day>/", browse.day_archive, name="archive-day"),
    path("authors/", browse.author_index, name="authors"),
    path("authors/<str:slug>/", browse.author_detail, name="author"),
    path("publications/", browse.publication_index, name="publications"),
    path("publications/<str:slug>/", browse.publication_detail, name="publication"),
    path("publications/<str:publication>/<str:slug>/", browse.section_detail, name="section"),
    path("entities/", entities.entity_index, name="entities"),
    path("entities/<str:slug>/", entities.entity_detail, name="entity"),
    path("search/", search.search, name="search"),
]
