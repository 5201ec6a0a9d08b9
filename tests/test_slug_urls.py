"""``slug_url`` (articles/models.py) gives what ``reverse`` gives: the pages' links depend on it."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from articles.models import slug_url

SLUGS = ["oil-prices", "olive_harvest-2", "2019", "بهای-نفت", "سارا-جعفری", "é-à", "x"]


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("name", ["articles:article", "articles:author", "articles:entity"])
def test_the_same_url_as_reverse(name, slug):
    assert slug_url(name, slug) == reverse(name, args=[slug])


@pytest.mark.parametrize("slug", SLUGS)
def test_two_slugs(slug):
    assert slug_url("articles:section", slug, "world") == reverse(
        "articles:section", args=[slug, "world"]
    )
    assert slug_url("articles:section", "daily", slug) == reverse(
        "articles:section", args=["daily", slug]
    )


def test_under_a_script_prefix():
    try:
        set_script_prefix("/archive/")
        assert slug_url("articles:article", "oil-prices") == "/archive/articles/oil-prices/"
    finally:
        set_script_prefix("/")
    assert slug_url("articles:article", "oil-prices") == "/articles/oil-prices/"


@pytest.mark.parametrize("slug", ["", "a/b", "a b", "a\x00b", "a.b"])
def test_a_slug_reverse_refuses_is_refused(slug):
    with pytest.raises(NoReverseMatch):
        slug_url("articles:article", slug)
