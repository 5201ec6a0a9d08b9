"""Markup stored in the archive (titles, bodies, names of authors, entities, publications
and sections) never runs in a reader's or an editor's browser: on the public pages, in
highlighted search snippets and suggestions, in feeds and in the admin.

Each page is visited twice: as served, where the Content-Security-Policy would block an
inline script (so a refusal in the console means markup got through), and with the policy
bypassed, so that escaping alone is what keeps the payload inert. Every payload, if it ran,
would set ``window.__xss`` and open an alert."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from articles.models import Article, Author, Entity
from articles.search.indexing import deferred_indexing
from tests import builders
from tests.e2e import skip_unless_browser
from tests.e2e.conftest import TIMEOUT_MS

skip_unless_browser()

RUN = "__xss=1;alert(1)"
# Names hold 200 characters (PostgreSQL enforces it): the short payload goes there.
SHORT = (
    f"<script>{RUN}</script><img src=x onerror={RUN}>"
    f'<a href="javascript:{RUN}">x</a>"><b class="<!--'
)
PAYLOAD = (
    f"<script>{RUN}</script>"
    f"<img src=x onerror={RUN}>"
    f"<svg onload={RUN}></svg>"
    f'<a href="javascript:{RUN}">click me</a>'
    f"<input autofocus onfocus={RUN}>"
    f'<iframe srcdoc="<script>parent.{RUN}</script>"></iframe>'
    f"</textarea></title></script><script>{RUN}</script>"
    '"><b class="'  # a broken attribute and an unclosed tag
    "<!-- "  # an unclosed comment would hide the rest of the page
)


@dataclass
class Hostile:
    article: Article
    author: Author
    entity: Entity


@pytest.fixture
def hostile(transactional_db, search_index, live_server) -> Hostile:
    """A published article whose every stored text carries the payload, in the index."""
    with deferred_indexing():
        pub = builders.publication(f"Gazette {SHORT}")
        article = builders.article(
            f"Harbour {PAYLOAD} talks",
            f"Harbour talks {PAYLOAD} resumed.\n\nMore harbour news {PAYLOAD}.",
            kicker=f"Kicker {PAYLOAD}",
            summary=f"Summary {PAYLOAD}",
            authors=[f"Ann {SHORT}"],
            entities=[(f"Port {SHORT}", Entity.Kind.PLACE)],
            pub=pub,
            sec=builders.section(f"Desk {SHORT}", pub=pub),
            published_on=dt.date(2019, 9, 5),
            source_url=f"javascript:{RUN}",
        )
    return Hostile(article, article.ordered_authors()[0], Entity.objects.get())


@dataclass
class Watch:
    """What ran, or was refused, in a tab."""

    dialogs: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # by the Content-Security-Policy
    errors: list[str] = field(default_factory=list)

    def on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(self, message) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.refused.append(message.text)


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture(params=["as served", "without CSP"])
def tab(request, browser, live_server, watch):
    """A page in a fresh context, ``watch``ed; with the site's Content-Security-Policy in
    force, or bypassed."""
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=request.param == "without CSP"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("dialog", watch.on_dialog)
    page.on("console", watch.on_console)
    page.on("pageerror", lambda exc: watch.errors.append(str(exc)))
    yield page
    context.close()


# Elements and attributes of the payload that are live in the page (not text).
LIVE_PAYLOAD = """() => {
    const found = [];
    for (const el of document.querySelectorAll('*')) {
        for (const attr of el.attributes) {
            const link = ['href', 'src', 'action', 'formaction', 'xlink:href'].includes(attr.name);
            const active = attr.name.startsWith('on') || attr.name === 'srcdoc'
                || (link && /^\\s*javascript:/i.test(attr.value));
            if (active && attr.value.includes('xss')) found.push(`<${el.localName} ${attr.name}>`);
        }
        if (el.localName === 'script' && el.textContent.includes('__xss')) found.push('<script>');
    }
    return found;
}"""


def assert_nothing_ran(page, watch: Watch, where: str) -> None:
    page.wait_for_timeout(150)  # an img's onerror, an iframe's script: just after load
    assert page.evaluate("window.__xss === undefined"), f"{where}: a payload ran"
    assert not watch.dialogs, f"{where}: alert({watch.dialogs})"
    assert not watch.refused, f"{where}: markup reached the page: {watch.refused}"
    assert not watch.errors, f"{where}: {watch.errors}"
    assert page.evaluate(LIVE_PAYLOAD) == [], where


def public_pages(h: Hostile) -> list[str]:
    search = reverse("articles:search")
    return [
        reverse("articles:home"),
        h.article.get_absolute_url(),
        h.author.get_absolute_url(),
        h.entity.get_absolute_url(),
        h.article.publication.get_absolute_url(),
        h.article.section.get_absolute_url(),
        reverse("articles:authors"),
        reverse("articles:entities"),
        reverse("articles:archive-day", args=[2019, 9, 5]),
        # Highlighted snippets around the payload's own words, and the payload as a query.
        f"{search}?q=harbour",
        f"{search}?q=script+alert",
        f"{search}?q=onerror+img+javascript",
        f"{search}?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        f"{search}?q=harbour&f=authors:{h.author.name}".replace("#", "%23"),
        reverse("articles:feed-latest"),
        reverse("articles:feed-author", args=[h.author.slug]),
        reverse("articles:feed-entity", args=[h.entity.slug]),
        f"{reverse('articles:feed-search')}?q=harbour",
    ]


def test_stored_markup_runs_on_no_public_page(tab, watch, hostile):
    for url in public_pages(hostile):
        response = tab.goto(url)
        assert response.status == 200, url
        assert_nothing_ran(tab, watch, url)
    # The payload did reach the pages, as text: the article's heading shows it verbatim.
    tab.goto(hostile.article.get_absolute_url())
    assert PAYLOAD in tab.get_by_role("heading", level=1).inner_text()
    tab.goto(f"{reverse('articles:search')}?q=harbour")
    assert tab.locator(".results mark").count() > 0  # highlighting did happen


def test_search_suggestions_show_stored_markup_as_text(tab, watch, hostile):
    tab.goto("/")
    box = tab.get_by_role("combobox", name="Search the archive")
    box.press_sequentially("Harbour")
    options = tab.get_by_role("listbox", name="Suggestions").get_by_role("option")
    options.first.wait_for()
    assert any("<script>" in text for text in options.all_inner_texts())
    assert_nothing_ran(tab, watch, "suggestions for 'Harbour'")


def test_stored_markup_runs_on_no_admin_page(tab, watch, hostile, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a long pass phrase")
    tab.goto(reverse("admin:index"))
    tab.get_by_label("Username").fill("editor")
    tab.get_by_label("Password").fill("a long pass phrase")
    tab.get_by_role("button", name="Log in").click()
    tab.get_by_role("heading", name="Site administration").wait_for()
    for url in [
        reverse("admin:articles_article_changelist") + "?q=harbour",
        reverse("admin:articles_article_change", args=[hostile.article.pk]),
        reverse("admin:articles_author_change", args=[hostile.author.pk]),
        reverse("admin:articles_entity_change", args=[hostile.entity.pk]),
        reverse("admin:articles_entity_changelist"),
        reverse("admin:articles_publication_change", args=[hostile.article.publication.pk]),
    ]:
        response = tab.goto(url)
        assert response.status == 200, url
        assert_nothing_ran(tab, watch, url)
