"""Markup in what the archive stores (titles, bodies, names) is shown as text, never run:
on every page, in highlighted snippets, in feeds (which stay well-formed XML), in the
API (as JSON strings) and in the admin."""

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles.models import Article, Entity
from tests import builders

pytestmark = pytest.mark.django_db

PAYLOAD = (
    "<script>alert(1)</script><img src=x onerror=alert(1)>"
    '<a href="javascript:alert(1)">x</a>"><svg onload=alert(1)><b class="'
)


class ActiveMarkup(HTMLParser):
    """Collects what a browser would run: script elements with inline code, event-handler
    attributes, javascript: links, and the payload's own img and svg elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self._in_script = True
        if tag in {"img", "svg"} and (attrs.get("src") == "x" or "onload" in attrs):
            self.found.append(f"<{tag} {attrs}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"<script>{data[:80]}</script>")


def assert_inert(url, html):
    parser = ActiveMarkup()
    parser.feed(html)
    parser.close()
    assert not parser.found, f"{url}: {parser.found}"


@pytest.fixture
def archive(indexed):
    with indexed():
        pub = builders.publication(f"Gazette {PAYLOAD}")
        article = builders.article(
            title=f"Harbour {PAYLOAD} talks",
            body=f"Harbour talks {PAYLOAD} resumed.\n\nMore harbour news {PAYLOAD}.",
            authors=[f"Ann {PAYLOAD}"],
            entities=[(f"Port {PAYLOAD}", Entity.Kind.PLACE)],
            pub=pub,
            sec=builders.section(f"Desk {PAYLOAD}", pub=pub),
            kicker=f"Kicker {PAYLOAD}",
            summary=f"Summary {PAYLOAD}",
        )
    return article


def page_urls(article):
    author = article.ordered_authors()[0]
    entity = Entity.objects.get()
    return [
        reverse("articles:home"),
        article.get_absolute_url(),
        reverse("articles:archive"),
        reverse("articles:archive-year", args=[2019]),
        reverse("articles:archive-month", args=[2019, 9]),
        reverse("articles:archive-day", args=[2019, 9, 5]),
        reverse("articles:authors"),
        author.get_absolute_url(),
        reverse("articles:publications"),
        article.publication.get_absolute_url(),
        article.section.get_absolute_url(),
        reverse("articles:entities"),
        entity.get_absolute_url(),
        *[
            reverse("articles:search") + "?" + q
            for q in [
                "q=harbour",
                "q=alert",
                "q=script",
                "q=onerror+img",
                "q=javascript",
                "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                "q=harbour&sort=newest",
            ]
        ],
    ]


def test_pages_and_highlighted_snippets_show_markup_as_text(client, archive):
    for url in page_urls(archive):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_inert(url, html)
    html = client.get(reverse("articles:search"), {"q": "harbour"}).content.decode()
    assert "<mark>" in html.lower() or "<mark " in html.lower()  # highlighting did happen
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # and the payload is text


def test_search_facets_and_the_search_box_echo_as_text(client, archive):
    for params in [
        {"q": PAYLOAD},
        {"q": "harbour", "f": f"authors:Ann {PAYLOAD}"},
        {"q": "harbour", "f": f"nonsense:{PAYLOAD}", "from": PAYLOAD, "sort": PAYLOAD},
    ]:
        response = client.get(reverse("articles:search"), params)
        assert response.status_code == 200
        assert_inert("search " + json.dumps(params), response.content.decode())


def test_stored_javascript_urls_are_not_links(client, archive):
    Article.objects.filter(pk=archive.pk).update(source_url="javascript:alert(1)")
    archive.publication.__class__.objects.filter(pk=archive.publication.pk).update(
        homepage="javascript:alert(1)"
    )
    for url in [archive.get_absolute_url(), archive.publication.get_absolute_url()]:
        assert_inert(url, client.get(url).content.decode())


def test_feeds_are_well_formed_and_carry_the_payload_as_text(client, archive):
    author = archive.ordered_authors()[0]
    entity = Entity.objects.get()
    for url in [
        reverse("articles:feed-latest"),
        reverse("articles:feed-search") + "?q=harbour",
        reverse("articles:feed-search") + "?q=" + PAYLOAD.replace("&", "%26"),
        reverse("articles:feed-author", args=[author.slug]),
        reverse("articles:feed-entity", args=[entity.slug]),
        reverse("articles:opensearch"),
        reverse("sitemap-section", args=["articles"]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        root = ET.fromstring(response.content)  # well-formed, or this raises
        if "feed" in url:
            titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
            assert any(t and PAYLOAD in t for t in titles), url  # text, exactly as stored
            assert not root.findall(".//script") and not root.findall(".//img")


def test_the_api_returns_the_payload_as_json_strings(client, archive):
    data = client.get(reverse("articles:api-article", args=[archive.slug])).json()
    assert data["title"] == archive.title and PAYLOAD in data["body"]
    found = client.get(reverse("articles:api-search"), {"q": "harbour"}).json()
    hit = found["results"][0]
    assert hit["title"] == archive.title
    # The HTML fields of a hit are escaped HTML, safe to insert as markup.
    for field in ["title_html", "snippet"]:
        assert_inert(field, hit[field])
        assert "&lt;script&gt;" in hit[field]
    for url in [reverse("articles:api-authors"), reverse("articles:api-entities")]:
        response = client.get(url)
        assert response["Content-Type"].startswith("application/json")
        assert any(PAYLOAD in item["name"] for item in response.json()["results"]), url


def test_the_admin_shows_the_payload_as_text(admin_client, archive):
    entity = Entity.objects.get()
    author = archive.ordered_authors()[0]
    urls = [
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_changelist") + "?q=harbour",
        reverse("admin:articles_article_change", args=[archive.pk]),
        reverse("admin:articles_author_changelist"),
        reverse("admin:articles_author_change", args=[author.pk]),
        reverse("admin:articles_entity_changelist"),
        reverse("admin:articles_entity_change", args=[entity.pk]),
        reverse("admin:articles_mention_changelist"),
        reverse("admin:articles_publication_changelist"),
        reverse("admin:articles_section_changelist"),
    ]
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert_inert(url, response.content.decode())
