"""An article an editor withdraws leaves no trace, in a real browser against a live server.

An editor publishes nothing new here: the article is already public, found by search,
suggested as the reader types and offered as "did you mean". The editor withdraws it from
the admin; then a visitor who never logged in probes every public surface for its words:
pages, search (results, facets, "did you mean"), autocomplete, more-like-this on a similar
article, the API, the feeds and the sitemap. The search index's own leftovers (Whoosh keeps
a deleted document's words until its segment merges) must not show either.
"""

import datetime as dt
import re
from xml.etree import ElementTree

import pytest

from tests.e2e import skip_unless_browser

skip_unless_browser()

from playwright.sync_api import expect  # noqa: E402  (only once the browser is known to exist)

from articles.models import Entity  # noqa: E402
from articles.search.indexing import deferred_indexing  # noqa: E402
from tests import builders  # noqa: E402

# Made-up words of the article to withdraw: title, body, author, entity.
TITLE = "Quorvath harbour memo"
WORDS = ["quorvath", "zembrovian", "plimsworth", "ottoline brisk"]
MISSPELT = "zembrovan"  # one edit from the body's rare word


@pytest.fixture
def secret(archive):
    with deferred_indexing():
        return builders.article(
            TITLE,
            "The zembrovian memo on the harbour talks was read in Sochi.\n\n"
            "Delegations met on Thursday to discuss the future of the region.",
            authors=["Ottoline Brisk"],
            entities=[("Plimsworth Quay", Entity.Kind.PLACE), ("Idlib", Entity.Kind.PLACE)],
            published_on=dt.date(2019, 9, 6),
        )


def _texts_of_every_public_surface(visitor, archive, secret_url) -> dict[str, str]:
    """What an anonymous visitor gets from each public surface, by URL."""
    urls = [
        "/",
        secret_url,
        # Prefixes: the page repeats the query, and a prefix is not the word itself.
        "/search/?q=quorv*",
        "/search/?q=zembrov* OR plimsw* OR ottol*",
        "/search/?q=harbour memo",
        f"/search/?q={MISSPELT}",
        "/search/?q=Idlib",
        "/search/complete/?q=quorv",
        "/search/complete/?q=ottol",
        "/search/complete/?q=plims",
        archive.sochi.get_absolute_url(),  # more like this: the memo was like it
        "/archive/2019/09/",
        "/archive/2019/09/06/",
        "/authors/",
        "/entities/",
        archive.idlib.get_absolute_url(),
        "/api/articles/",
        "/api/authors/",
        "/api/entities/",
        "/api/search/?q=quorv*",
        f"/api/search/?q={MISSPELT}",
        "/api/search/?q=harbour",
        "/feeds/latest/",
        "/feeds/search/?q=quorv*",
        "/feeds/search/?q=harbour",
        "/sitemap.xml",
    ]
    texts = {}
    for url in urls:
        response = visitor.request.get(url)
        assert response.status < 500, url
        texts[url] = response.text()
    # Every sitemap the index lists.
    index = ElementTree.fromstring(texts["/sitemap.xml"].encode())
    for loc in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
        response = visitor.request.get(loc.text)
        texts[loc.text] = response.text()
    return texts


def test_a_withdrawn_article_leaves_no_trace_on_any_public_surface(
    page, browser, live_server, archive, secret, django_user_model, console
):
    # While public: found, suggested as the reader types, offered for a misspelling.
    page.goto(f"/search/?q={MISSPELT}")
    expect(page.locator(".suggestion")).to_contain_text("zembrovian")
    page.goto("/")
    page.locator("#home-q").press_sequentially("quorv", delay=40)
    expect(page.get_by_role("option", name=re.compile(TITLE))).to_be_visible()
    secret_url = secret.get_absolute_url()

    # The editor withdraws it in the admin.
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a long pass phrase")
    page.goto("/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a long pass phrase")
    page.get_by_role("button", name="Log in").click()
    page.goto("/admin/articles/article/?q=quorvath")
    page.get_by_role("row", name=re.compile(TITLE)).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("withdraw_selected")
    page.get_by_role("button", name="Run").or_(page.get_by_role("button", name="Go")).click()
    expect(page.locator(".messagelist")).to_contain_text("1 article withdrawn.")

    # A visitor who never logged in.
    visitor = browser.new_context(base_url=live_server.url).new_page()
    try:
        visitor.goto(f"/search/?q={MISSPELT}")
        expect(visitor.locator("#results-title")).to_have_text("0 results")
        expect(visitor.locator(".suggestion")).to_have_count(0)
        visitor.goto("/")
        with visitor.expect_response(lambda r: "complete/?q=quorv" in r.url):
            visitor.locator("#home-q").press_sequentially("quorv", delay=40)
        expect(visitor.get_by_role("option", name=re.compile(TITLE))).to_have_count(0)
        assert visitor.goto(secret_url).status == 404

        texts = _texts_of_every_public_surface(visitor, archive, secret_url)
        leaks = [
            f"{word!r} on {url}"
            for url, text in texts.items()
            for word in WORDS
            if word in text.lower()
        ]
        assert not leaks
        assert "/feeds/search/?q=harbour" in texts and "Idlib" in texts["/search/?q=Idlib"]
    finally:
        visitor.context.close()
