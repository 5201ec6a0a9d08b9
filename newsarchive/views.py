"""Site-wide pages that belong to no app."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@require_GET
@cache_control(public=True, max_age=24 * 60 * 60)
def robots_txt(request):
    """Crawlers may read every article, page and feed, and are sent to the sitemaps; the
    search (page, feed and API), whose results are endless and each costly, is not for
    them, nor is the admin."""
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return render(request, "robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain")
