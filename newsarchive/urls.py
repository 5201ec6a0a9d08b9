from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from articles.sitemaps import SITEMAPS
from articles.views import originals
from newsarchive.views import robots_txt

# A database outage outside a view gets the same 503 page as one inside (middleware.py).
handler500 = "newsarchive.middleware.server_error"

admin.site.site_header = "NewsArchive curation"
admin.site.site_title = "NewsArchive"


urlpatterns = [
    path("robots.txt", robots_txt, name="robots"),
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    # Where the admin links an article's original file (its MEDIA_URL address): staff only.
    path(
        f"{settings.MEDIA_URL.strip('/')}/{originals.FOLDER}/<path:name>",
        originals.original_file,
        name="original-file",
    ),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
