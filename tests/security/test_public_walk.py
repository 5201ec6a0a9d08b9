"""Visitors never see what is not public: drafts, articles in review, withdrawn ones and
rejected mentions leave no trace on any public URL (pages, search and its facet counts,
autocomplete, feeds, the sitemap, OpenSearch, the API, citations).

The walk covers every named pattern of the public URL conf; a new pattern fails the test
until it is added to ``visits`` below.
"""

import datetime as dt
from urllib.parse import unquote_plus

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from articles.models import Article, Entity, Mention
from articles.sitemaps import SITEMAPS
from tests import builders

pytestmark = pytest.mark.django_db

HIDDEN_DATE = dt.date(2017, 3, 4)
# Distinctive words of everything hidden: none may appear in any public answer.
HIDDEN = [
    "zanzibar",
    "yellowknife",
    "withdrawnia",  # titles
    "quillon",  # authors
    "xerxes",  # entities (and the rejected one below)
    "rejectoria",
    "hushdesk",  # a section with hidden articles only
    "covert gazette",
    "covert-gazette",  # a publication with hidden articles only
]


@pytest.fixture
def archive(indexed):
    covert = builders.publication("Covert Gazette")
    hush = builders.section("Hushdesk", pub=covert)
    hidden = {}
    with indexed():
        visible = builders.article(
            title="Harbour talks resume",
            body="Harbour talks resumed in the port city on Monday.",
            authors=["Visible Writer"],
            entities=[("Visible Port", Entity.Kind.PLACE), ("Rejectoria", Entity.Kind.PLACE)],
            sec=builders.section("Visible Desk"),
        )
        for status, title, writer, place in [
            (
                Article.Status.DRAFT,
                "Zanzibar harbour talks draft",
                "Quillon Draftwriter",
                "Xerxesville",
            ),
            (
                Article.Status.REVIEW,
                "Yellowknife harbour talks review",
                "Quillon Reviewer",
                "Xerxesburg",
            ),
            (
                Article.Status.WITHDRAWN,
                "Withdrawnia harbour talks",
                "Quillon Withdrawer",
                "Xerxesport",
            ),
        ]:
            hidden[status] = builders.article(
                title=title,
                body=f"Harbour talks in {place}, reported by {writer} from {title}.",
                status=status,
                authors=[writer],
                entities=[(place, Entity.Kind.PLACE), ("Visible Port", Entity.Kind.PLACE)],
                pub=covert,
                sec=hush,
                published_on=HIDDEN_DATE,
            )
        # Shared with a published article, but this mention was rejected by an editor.
        rejected = Mention.objects.get(article=visible, entity__name="Rejectoria")
        rejected.rejected = True
        rejected.save()
    # Withdrawn once published: it has a published_at, as a real one would.
    Article.objects.filter(pk=hidden[Article.Status.WITHDRAWN].pk).update(
        published_at=dt.datetime(2017, 3, 5, tzinfo=dt.UTC)
    )
    return {"visible": visible, "hidden": list(hidden.values()), "covert": covert, "hush": hush}


def public_url_names() -> set[str]:
    names = set()
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "articles":
            names |= {f"articles:{p.name}" for p in pattern.url_patterns if p.name}
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def visits(archive) -> dict[str, list[str]]:
    """For each public URL name, the addresses to visit (with hidden things in them)."""
    visible, hidden = archive["visible"], archive["hidden"]
    hidden_authors = [a.slug for article in hidden for a in article.ordered_authors()]
    hidden_entities = [m.entity.slug for a in hidden for m in a.mentions.all()] + [
        Entity.objects.get(name="Rejectoria").slug
    ]
    covert, hush = archive["covert"], archive["hush"]
    d = HIDDEN_DATE

    def r(name, *args, query=""):
        return reverse(name, args=args) + (f"?{query}" if query else "")

    searches = [
        "q=harbour",
        "q=harbour+talks&sort=newest",
        "q=zanzibar",
        "q=yellowknife",
        "q=withdrawnia",
        "q=quillon",
        "q=xerxesville",
        "q=rejectoria",
        "q=hushdesk",
        "q=covert",
        "q=title:zanzibar",
        "q=author:quillon",
        "q=entity:xerxesville",
        "q=entity:rejectoria",
        "q=section:hushdesk",
        "q=publication:covert",
        "q=harb*",
        "q=xerx*",
        "q=zanzibr",  # a misspelling: suggestions
        "f=authors:Quillon+Draftwriter",
        "f=entities:Xerxesville",
        "f=entities:Rejectoria",
        "f=publication:Covert+Gazette",
        "f=section:Hushdesk",
        "f=year:2017",
        "from=2017&to=2017",
        "from=2017-03-04&to=2017-03-04&q=harbour",
    ]
    slugs = [visible.slug] + [a.slug for a in hidden]
    return {
        "articles:home": [r("articles:home")],
        "articles:article": [r("articles:article", s) for s in slugs],
        "articles:cite-bibtex": [r("articles:cite-bibtex", s) for s in slugs],
        "articles:cite-ris": [r("articles:cite-ris", s) for s in slugs],
        "articles:archive": [r("articles:archive")],
        "articles:archive-year": [r("articles:archive-year", y) for y in (2017, 2019)],
        "articles:archive-month": [r("articles:archive-month", d.year, d.month)],
        "articles:archive-day": [r("articles:archive-day", d.year, d.month, d.day)],
        # The hidden articles' day in earlier years (today's page is this one on that day).
        "articles:on-this-day": [r("articles:on-this-day")],
        "articles:on-this-day-date": [r("articles:on-this-day-date", d.month, d.day)],
        "articles:authors": [r("articles:authors"), r("articles:authors", query="page=2")],
        "articles:author": [r("articles:author", s) for s in hidden_authors],
        "articles:publications": [r("articles:publications")],
        "articles:publication": [
            r("articles:publication", covert.slug),
            r("articles:publication", visible.publication.slug),
        ],
        "articles:section": [r("articles:section", covert.slug, hush.slug)],
        "articles:entities": [
            r("articles:entities"),
            *[r("articles:entities", query=f"kind={k}") for k in Entity.Kind.values],
        ],
        "articles:entity": [r("articles:entity", s) for s in hidden_entities]
        + [r("articles:entity", Entity.objects.get(name="Visible Port").slug)],
        "articles:search": [r("articles:search", query=q) for q in searches],
        "articles:search-complete": [
            r("articles:search-complete", query=f"q={q}")
            for q in [
                "zan",
                "zanzibar",
                "yellow",
                "withdr",
                "quil",
                "quillon",
                "xer",
                "reject",
                "harbour",
                "harbour talks",
                "Visible",
            ]
        ],
        "articles:opensearch": [r("articles:opensearch")],
        "articles:feed-latest": [r("articles:feed-latest")],
        "articles:feed-on-this-day": [r("articles:feed-on-this-day")],
        "articles:feed-search": [r("articles:feed-search", query=q) for q in searches],
        "articles:feed-author": [r("articles:feed-author", s) for s in hidden_authors],
        "articles:feed-entity": [r("articles:feed-entity", s) for s in hidden_entities],
        "articles:api-index": [r("articles:api-index")],
        "articles:api-openapi": [r("articles:api-openapi")],
        "articles:api-articles": [
            r("articles:api-articles"),
            r("articles:api-articles", query="ordering=oldest&from=2017&to=2017"),
            r("articles:api-articles", query=f"publication={covert.slug}"),
            r("articles:api-articles", query=f"section={hush.slug}"),
            *[r("articles:api-articles", query=f"author={s}") for s in hidden_authors],
            *[r("articles:api-articles", query=f"entity={s}") for s in hidden_entities],
        ],
        "articles:api-article": [r("articles:api-article", s) for s in slugs],
        "articles:api-authors": [r("articles:api-authors")],
        "articles:api-author": [r("articles:api-author", s) for s in hidden_authors],
        "articles:api-entities": [
            r("articles:api-entities"),
            r("articles:api-entities", query="kind=place"),
        ],
        "articles:api-entity": [r("articles:api-entity", s) for s in hidden_entities],
        "articles:api-search": [r("articles:api-search", query=q) for q in searches],
        # Research tools (issue 19): trends (split too, which names publications) and exports.
        **{
            name: [r(name, query=q) for q in searches]
            + [r(name, query="q=harbour&q=covert&split=publication")]
            for name in ("articles:trends", "articles:trends-csv", "articles:trends-json")
        },
        "articles:export": [r("articles:export", query=q) for q in searches]
        + [r("articles:export", query="format=jsonl&full_text=1&f=publication:Covert+Gazette")]
        + [r("articles:export", query="format=jsonl&full_text=1")],
        "sitemap": [r("sitemap")],
        "robots": [r("robots")],
        "sitemap-section": [reverse("sitemap-section", args=[s]) for s in SITEMAPS],
        # Staff only: a visitor gets 404 for any name, an article's original or not.
        "original-file": [
            reverse("original-file", args=[name])
            for name in ("zanzibar.txt", "../../settings.py", "quillon/withdrawnia.pdf")
        ],
    }


def test_nothing_unpublished_is_seen_on_any_public_url(client, archive):
    plan = visits(archive)
    assert set(plan) == public_url_names(), "a public URL pattern is not walked"
    seen = 0
    for urls in plan.values():
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code in (200, 404), (url, response.status_code)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode().casefold()
            # A search repeats what was asked ("zanzibar"): only the rest would be a leak.
            asked = unquote_plus(url).casefold()
            leaked = [word for word in HIDDEN if word in text and word not in asked]
            assert not leaked, f"{url} shows {leaked}"
            seen += response.status_code == 200
    assert seen > 100  # most of the walk answered, it was not all 404s


def test_the_visible_article_is_found_where_the_hidden_ones_are_not(client, archive):
    """The walk above would pass on an empty site: show that the pages do list what is
    public, and that counts and facets count only that."""
    visible = archive["visible"]
    data = client.get(reverse("articles:api-search"), {"q": "harbour"}).json()
    assert data["count"] == 1 and data["results"][0]["slug"] == visible.slug
    assert {v["value"]: v["count"] for v in data["facets"]["entities"]} == {"Visible Port": 1}
    assert [v["value"] for v in data["facets"]["year"]] == ["2019"]
    page = client.get(reverse("articles:search"), {"q": "harbour"}).content.decode()
    assert "talks resume" in page and "Visible Writer" in page
    entity = client.get(
        reverse("articles:api-entity", args=[Entity.objects.get(name="Visible Port").slug])
    )
    assert entity.json()["article_count"] == 1
    assert client.get(reverse("articles:archive-year", args=[2017])).status_code == 404
    for article in archive["hidden"]:
        assert client.get(article.get_absolute_url()).status_code == 404
    for word in ["zanzibar", "quillon", "xerxesville", "rejectoria", "hushdesk", "covert"]:
        found = client.get(reverse("articles:api-search"), {"q": word}).json()
        assert found["count"] == 0 and found["results"] == [], word
        assert (
            client.get(reverse("articles:search-complete"), {"q": word}).json()["suggestions"] == []
        ), word
