"""What the public may see (``articles.public``) is the same answer on every surface.

One small archive holds each state an object can be in: published, draft, in review and
withdrawn articles; a rejected mention; an entity merged into another (its mention left
behind); an author with only unpublished articles and one with both; a publication and a
section with only unpublished articles. Each surface (home counts, browse pages, entity and
author indexes and pages, API lists, details and filters, feeds, sitemaps, autocomplete,
search) is read as a table {name: article count} (or the set of names it lists) and
compared with the one expected table. tests/security/test_public_walk.py checks that
nothing hidden leaks anywhere; this checks that what is shown agrees.
"""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import resolve, reverse

from articles.models import Article, Author, Entity, Mention, Publication, Section
from tests import builders

pytestmark = pytest.mark.django_db

PERSON = Entity.Kind.PERSON
PUBLISHED_ON = dt.date(2019, 9, 5)
HIDDEN_ON = dt.date(2017, 3, 4)

AUTHORS = ["Pat Public", "Max Mixed", "Dora Draft", "Rita Review", "Will Withdrawn"]
ENTITIES = [
    "Standing Stone",
    "Rejected Rook",
    "Merged Moth",
    "Draft Drake",
    "Review Raven",
    "Withdrawn Wren",
]
PUBLICATIONS = ["Open Post", "Hidden Herald"]
SECTIONS = ["World", "Backroom", "Quiet Desk"]

# The one answer: what each surface must say.
EXPECTED = {
    "articles": {"Harbour talks open", "Harbour talks close"},
    "authors": {"Pat Public": 2, "Max Mixed": 1},
    "entities": {"Standing Stone": 2},
    "publications": {"Open Post": 2},
    "sections": {"World": 2},
}


@pytest.fixture
def table(indexed):
    open_post = builders.publication("Open Post")
    world = builders.section("World", pub=open_post)
    backroom = builders.section("Backroom", pub=open_post)  # unpublished articles only
    herald = builders.publication("Hidden Herald")  # unpublished articles only
    quiet = builders.section("Quiet Desk", pub=herald)
    with indexed():
        first = builders.article(
            title="Harbour talks open",
            authors=["Pat Public", "Max Mixed"],
            entities=[
                ("Standing Stone", PERSON),
                ("Rejected Rook", PERSON),
                ("Merged Moth", PERSON),
            ],
            pub=open_post,
            sec=world,
        )
        builders.article(
            title="Harbour talks close",
            authors=["Pat Public"],
            entities=[("Standing Stone", PERSON)],
            pub=open_post,
            sec=world,
        )
        for status, title, writer, entity, pub, sec in [
            (Article.Status.DRAFT, "Harbour draft", "Dora Draft", "Draft Drake", herald, quiet),
            (
                Article.Status.REVIEW,
                "Harbour review",
                "Rita Review",
                "Review Raven",
                open_post,
                backroom,
            ),
            (
                Article.Status.WITHDRAWN,
                "Harbour withdrawn",
                "Will Withdrawn",
                "Withdrawn Wren",
                herald,
                quiet,
            ),
        ]:
            builders.article(
                title=title,
                status=status,
                authors=[writer, "Max Mixed"],
                entities=[(entity, PERSON), ("Standing Stone", PERSON)],
                pub=pub,
                sec=sec,
                published_on=HIDDEN_ON,
            )
        Mention.objects.filter(article=first, entity__name="Rejected Rook").update(rejected=True)
        # Merged by hand, its mention left where it was: the state that made the home
        # page count three entities where the entity index counted one.
        Entity.objects.filter(name="Merged Moth").update(
            merged_into=Entity.objects.get(name="Standing Stone")
        )
        first.save()  # re-indexed with the mentions as they now stand
    return first


def slug(model, name: str) -> str:
    return model.objects.get(name=name).slug


def _get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code in (200, 301, 404), (url, response.status_code)
    return response


def _listed(client, model, names, url_name, count=None) -> dict | set:
    """The names whose page (``url_name``, by slug) answers 200; with ``count``, the
    count that page shows."""
    found = {}
    for name in names:
        response = _get(client, reverse(url_name, args=[slug(model, name)]))
        if response.status_code == 200:
            found[name] = count(response) if count else None
    return found if count else set(found)


def _name_list(html: str) -> dict[str, int]:
    """An index page's list: {name: the count beside it}."""
    items = re.findall(
        r'<li><a href="[^"]+"[^>]*>([^<]+)</a>(?: <span class="kind">[^<]*</span>)?'
        r' <span class="count">([\d,]+)</span></li>',
        html,
    )
    return {name: int(n.replace(",", "")) for name, n in items}


def _api_list(client, url_name, **params) -> dict[str, int]:
    data = _get(client, reverse(url_name), page_size=100, **params).json()
    return {item["name"]: item["article_count"] for item in data["results"]}


def _api_filter(client, name_field, model, names) -> dict[str, int]:
    counts = {}
    for name in names:
        data = _get(client, reverse("articles:api-articles"), **{name_field: slug(model, name)})
        if data.json()["count"]:
            counts[name] = data.json()["count"]
    return counts


def _feed_titles(response) -> set[str]:
    root = ET.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    return {entry.findtext(f"{atom}title") for entry in root.iter(f"{atom}entry")}


def _sitemap(client, section: str) -> set[str]:
    """The names of the objects one section of the sitemap lists."""
    root = ET.fromstring(_get(client, reverse("sitemap-section", args=[section])).content)
    names = set()
    for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
        match = resolve(loc.text.removeprefix("http://testserver"))
        model = {
            "articles:article": Article,
            "articles:author": Author,
            "articles:entity": Entity,
            "articles:publication": Publication,
            "articles:section": Section,
        }[match.view_name]
        names.add(str(model.objects.get(slug=match.kwargs["slug"])).split(" — ")[-1])
    return names


def _completed(client, names, kinds) -> set[str]:
    found = set()
    for name in names:
        data = _get(client, reverse("articles:search-complete"), q=name).json()
        found |= {s["label"] for s in data["suggestions"] if s["kind"] in kinds}
    return found


def _titles(objects) -> set[str]:
    return {article.title for article in objects}


# Each surface, by what it lists: a function of the test client giving {name: count}, or
# the set of names where the surface shows no count.
SURFACES = {
    "articles": {
        "home: latest": lambda c: _titles(_get(c, reverse("articles:home")).context["latest"]),
        "article pages": lambda c: {
            a.title
            for a in Article.objects.all()
            if _get(c, a.get_absolute_url()).status_code == 200
        },
        "citations": lambda c: {
            a.title
            for a in Article.objects.all()
            if _get(c, reverse("articles:cite-ris", args=[a.slug])).status_code == 200
        },
        "date archive": lambda c: (
            _titles(_get(c, reverse("articles:archive-day", args=[2019, 9, 5])).context["page"])
            | (
                {"(a hidden date)"}
                if _get(c, reverse("articles:archive-year", args=[2017])).status_code == 200
                else set()
            )
        ),
        "api list": lambda c: {
            a["title"] for a in _get(c, reverse("articles:api-articles")).json()["results"]
        },
        "api details": lambda c: {
            a.title
            for a in Article.objects.all()
            if _get(c, reverse("articles:api-article", args=[a.slug])).status_code == 200
        },
        "feed: latest": lambda c: _feed_titles(_get(c, reverse("articles:feed-latest"))),
        "sitemap": lambda c: _sitemap(c, "articles"),
        "search": lambda c: {
            a["title"]
            for a in _get(c, reverse("articles:api-search"), q="harbour").json()["results"]
        },
        "autocomplete": lambda c: _completed(c, ["Harbour"], {"article"}),
    },
    "authors": {
        "author index": lambda c: _name_list(_get(c, reverse("articles:authors")).content.decode()),
        "author pages": lambda c: _listed(
            c, Author, AUTHORS, "articles:author", lambda r: r.context["page"].paginator.count
        ),
        "api list": lambda c: _api_list(c, "articles:api-authors"),
        "api details": lambda c: _listed(
            c, Author, AUTHORS, "articles:api-author", lambda r: r.json()["article_count"]
        ),
        "api articles by author": lambda c: _api_filter(c, "author", Author, AUTHORS),
        "feeds": lambda c: _listed(c, Author, AUTHORS, "articles:feed-author"),
        "sitemap": lambda c: _sitemap(c, "authors"),
        "autocomplete": lambda c: _completed(c, AUTHORS, {"author"}),
    },
    "entities": {
        "entity index": lambda c: _name_list(
            _get(c, reverse("articles:entities")).content.decode()
        ),
        "entity index, by kind": lambda c: _name_list(
            _get(c, reverse("articles:entities"), kind=PERSON).content.decode()
        ),
        "entity pages": lambda c: _listed(
            c, Entity, ENTITIES, "articles:entity", lambda r: r.context["page"].paginator.count
        ),
        "article pages' mentions": lambda c: {
            m.entity.name
            for a in Article.objects.all()
            if (r := _get(c, a.get_absolute_url())).status_code == 200
            for m in r.context["mentions"]
        },
        "api list": lambda c: _api_list(c, "articles:api-entities"),
        "api list, by kind": lambda c: _api_list(c, "articles:api-entities", kind=PERSON),
        "api details": lambda c: _listed(
            c, Entity, ENTITIES, "articles:api-entity", lambda r: r.json()["article_count"]
        ),
        "api article details' entities": lambda c: {
            e["name"]
            for a in Article.objects.all()
            if (r := _get(c, reverse("articles:api-article", args=[a.slug]))).status_code == 200
            for e in r.json()["entities"]
        },
        # A merged entity's slug means the entity it became: asked of the survivor only.
        "api articles mentioning": lambda c: _api_filter(
            c, "entity", Entity, [e for e in ENTITIES if e != "Merged Moth"]
        ),
        "feeds": lambda c: _listed(c, Entity, ENTITIES, "articles:feed-entity"),
        "sitemap": lambda c: _sitemap(c, "entities"),
        "autocomplete": lambda c: _completed(c, ENTITIES, {"person"}),
        "search facet": lambda c: {
            v["value"]: v["count"]
            for v in _get(c, reverse("articles:api-search"), q="harbour").json()["facets"][
                "entities"
            ]
        },
    },
    "publications": {
        "publication index": lambda c: _name_list(
            _get(c, reverse("articles:publications")).content.decode()
        ),
        "publication pages": lambda c: _listed(
            c,
            Publication,
            PUBLICATIONS,
            "articles:publication",
            lambda r: r.context["page"].paginator.count,
        ),
        "api articles by publication": lambda c: _api_filter(
            c, "publication", Publication, PUBLICATIONS
        ),
        "sitemap": lambda c: _sitemap(c, "publications"),
    },
    "sections": {
        "publication pages": lambda c: {
            name: int(n)
            for pub in Publication.objects.all()
            if (r := _get(c, pub.get_absolute_url())).status_code == 200
            for name, n in re.findall(
                r'<a class="tag" href="[^"]+">([^<]+) <span class="count">(\d+)</span></a>',
                r.content.decode(),
            )
        },
        "section pages": lambda c: {
            s.name: r.context["page"].paginator.count
            for s in Section.objects.all()
            if (r := _get(c, s.get_absolute_url())).status_code == 200
        },
        "api articles by section": lambda c: _api_filter(c, "section", Section, SECTIONS),
        "sitemap": lambda c: _sitemap(c, "sections"),
    },
}


@pytest.mark.parametrize(
    ("kind", "surface"), [(kind, surface) for kind in SURFACES for surface in SURFACES[kind]]
)
def test_every_surface_gives_the_same_answer(client, table, kind, surface):
    seen = SURFACES[kind][surface](client)
    expected = EXPECTED[kind]
    if isinstance(seen, set) and isinstance(expected, dict):
        expected = set(expected)  # this surface shows names, not counts
    assert seen == expected


def test_home_counts_what_the_indexes_list(client, table):
    response = _get(client, reverse("articles:home"))
    assert response.context["counts"] == {
        "articles": len(EXPECTED["articles"]),
        "publications": len(EXPECTED["publications"]),
        "authors": len(EXPECTED["authors"]),
        "entities": len(EXPECTED["entities"]),
    }
    assert _get(client, reverse("articles:entities")).context["all_kinds"] == 1
    assert _get(client, reverse("articles:api-entities")).json()["count"] == 1
    assert _get(client, reverse("articles:api-authors")).json()["count"] == 2


def test_merged_entity_redirects_to_the_one_it_became(client, table):
    moth, stone = slug(Entity, "Merged Moth"), slug(Entity, "Standing Stone")
    for name in ("articles:entity", "articles:api-entity", "articles:feed-entity"):
        response = _get(client, reverse(name, args=[moth]))
        assert response.status_code == 301
        assert response["Location"].endswith(reverse(name, args=[stone]))


def test_three_entities_one_rejected_one_merged_count_one_everywhere(client):
    """The disagreement of issue 17: the home page said "mentioning 3 people" where the
    entity index and /api/entities/ counted 1."""
    article = builders.article(
        entities=[("Kept Person", PERSON), ("Rejected Person", PERSON), ("Merged Person", PERSON)]
    )
    Mention.objects.filter(article=article, entity__name="Rejected Person").update(rejected=True)
    Entity.objects.filter(name="Merged Person").update(
        merged_into=Entity.objects.get(name="Kept Person")
    )
    home = _get(client, reverse("articles:home")).content.decode()
    assert "mentioning 1 people" in home
    assert _name_list(_get(client, reverse("articles:entities")).content.decode()) == {
        "Kept Person": 1
    }
    assert _api_list(client, "articles:api-entities") == {"Kept Person": 1}
