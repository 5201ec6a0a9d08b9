import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.entities.merge import merge_entities
from articles.models import Article, Entity, Mention
from articles.sitemaps import ArticleSitemap
from tests import builders

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HOST = "http://testserver"
PERSON = Entity.Kind.PERSON


def xml(client, url) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def section_urls(client) -> list[str]:
    root = xml(client, "/sitemap.xml")
    assert root.tag == f"{SM}sitemapindex"
    return [loc.text for loc in root.iter(f"{SM}loc")]


def listed(client) -> dict[str, str | None]:
    """Every URL in every section of the sitemap, with its lastmod."""
    urls = {}
    for section in section_urls(client):
        for url in xml(client, section.removeprefix(HOST)).iter(f"{SM}url"):
            urls[url.findtext(f"{SM}loc")] = url.findtext(f"{SM}lastmod")
    return urls


@pytest.fixture
def archive():
    sec = builders.section("World", builders.publication("Afghanistan Azad"))
    published = builders.article(
        title="Published",
        authors=["Ulas Atesci"],
        entities=[("Idlib", "place")],
        sec=sec,
        pub=sec.publication,
        published_on=dt.date(2019, 9, 5),
    )
    hidden = {
        status: builders.article(
            title=f"Hidden {status}",
            authors=[f"Writer of {status}"],
            entities=[(f"Entity of {status}", "place")],
            pub=builders.publication(f"Publication of {status}"),
            sec=builders.section(f"Section of {status}"),
            published_on=dt.date(2001, 1, 1),
            status=status,
        )
        for status in (Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN)
    }
    return {"published": published, "section": sec, "hidden": hidden}


def test_sitemap_index_lists_every_section(client, archive):
    assert section_urls(client) == [
        f"{HOST}/sitemap-{name}.xml"
        for name in (
            "pages",
            "articles",
            "authors",
            "entities",
            "publications",
            "sections",
            "archive",
        )
    ]


def test_sitemap_lists_public_pages(client, archive):
    urls = listed(client)
    article = archive["published"]
    article.refresh_from_db()
    assert urls[HOST + article.get_absolute_url()] == f"{article.updated_at:%Y-%m-%d}"
    assert HOST + "/authors/ulas-atesci/" in urls
    assert HOST + "/entities/idlib/" in urls
    assert HOST + archive["section"].publication.get_absolute_url() in urls
    assert HOST + archive["section"].get_absolute_url() in urls
    assert HOST + reverse("articles:archive-year", args=[2019]) in urls
    for name in ("home", "archive", "authors", "entities", "publications"):
        assert HOST + reverse(f"articles:{name}") in urls


def test_sitemap_has_nothing_only_unpublished_articles_lead_to(client, archive):
    text = "\n".join(listed(client))
    for status, article in archive["hidden"].items():
        assert article.get_absolute_url() not in text
        assert f"writer-of-{status}" not in text
        assert f"entity-of-{status}" not in text
        assert f"publication-of-{status}" not in text
        assert f"section-of-{status}" not in text
    assert "/archive/2001/" not in text


def test_article_withdrawn_later_leaves_the_sitemap(client, archive):
    archive["published"].withdraw()
    assert archive["published"].get_absolute_url() not in "\n".join(listed(client))


def test_merged_and_rejected_entities_are_not_listed(client, archive):
    builders.article(entities=[("Erdogan", PERSON)])
    builders.article(entities=[("Recep Tayyip Erdogan", PERSON)])
    merge_entities(builders.entity("Recep Tayyip Erdogan", PERSON), [builders.entity("Erdogan")])
    wrong = builders.article(entities=[("Wrong Tag", PERSON)])
    Mention.objects.filter(article=wrong).update(rejected=True)
    # A merged entity left with mentions of its own (merged outside merge_entities).
    builders.article(entities=[("Tayyip", PERSON)])
    Entity.objects.filter(name="Tayyip").update(merged_into=builders.entity("Erdogan"))
    text = "\n".join(listed(client))
    assert "/entities/recep-tayyip-erdogan/" in text
    assert "/entities/erdogan/" not in text
    assert "/entities/tayyip/" not in text
    assert "/entities/wrong-tag/" not in text


def test_large_sections_are_paged_by_the_index(client, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    articles = [builders.article() for _ in range(5)]
    sections = section_urls(client)
    pages = [url for url in sections if "sitemap-articles.xml" in url]
    assert pages == [
        f"{HOST}/sitemap-articles.xml",
        f"{HOST}/sitemap-articles.xml?p=2",
        f"{HOST}/sitemap-articles.xml?p=3",
    ]
    seen = []
    for page in pages:
        seen += [loc.text for loc in xml(client, page.removeprefix(HOST)).iter(f"{SM}loc")]
    assert sorted(seen) == sorted(HOST + article.get_absolute_url() for article in articles)


@pytest.mark.parametrize(
    "url", ["/sitemap-nonsense.xml", "/sitemap-articles.xml?p=abc", "/sitemap-articles.xml?p=99"]
)
def test_bad_sitemap_addresses_are_not_found(client, archive, url):
    assert client.get(url).status_code == 404


def test_sitemap_queries_do_not_grow_with_articles(client, django_assert_max_num_queries):
    for i in range(15):
        sec = builders.section(f"Section {i}", builders.publication(f"Publication {i}"))
        builders.article(authors=[f"Writer {i}"], entities=[(f"Place {i}", "place")], sec=sec)
    for section in section_urls(client):
        with django_assert_max_num_queries(2):
            xml(client, section.removeprefix(HOST))


def test_robots_txt_sends_crawlers_to_the_sitemaps_and_keeps_them_off_search(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {HOST}/sitemap.xml" in lines
    assert {"Disallow: /search/", "Disallow: /admin/", "Disallow: /api/search/"} <= set(lines)
    assert "Disallow: /" not in lines  # articles, browsing and feeds stay open


def archive_years(client) -> list[str]:
    return [loc.text for loc in xml(client, "/sitemap-archive.xml").iter(f"{SM}loc")]


def year(y: int) -> str:
    return HOST + reverse("articles:archive-year", args=[y])


def test_a_save_reads_again_only_the_year_and_the_things_it_leads_to(client, archive):
    """After a save the sitemap patches what it keeps from the changed article alone: what
    changed outside any save (here an update that bypasses it) is not read again, which is
    what keeps the first request after a save from walking the whole archive (issue 18)."""
    old = builders.article(title="Old", authors=["Old Writer"], published_on=dt.date(1999, 1, 2))
    # Last saved long ago (saves within a minute of the newest are taken as changed again).
    Article.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(hours=2))
    assert year(1999) in archive_years(client)
    assert HOST + "/authors/old-writer/" in listed(client)
    # Withdrawn without a save: the kept lists do not see it.
    Article.objects.filter(pk=old.pk).update(status=Article.Status.WITHDRAWN)
    fresh = builders.article(
        title="Fresh", authors=["New Writer"], published_on=dt.date(2024, 3, 1)
    )
    urls = listed(client)
    assert year(2024) in urls and year(1999) in urls
    assert HOST + "/authors/new-writer/" in urls and HOST + "/authors/old-writer/" in urls
    assert HOST + fresh.get_absolute_url() in urls
    # Saved: its year and its author are read again, and leave the sitemap.
    Article.objects.get(pk=old.pk).save()
    urls = listed(client)
    assert year(1999) not in urls
    assert HOST + "/authors/old-writer/" not in urls
    assert year(2024) in urls and year(2019) in urls


def test_the_index_after_a_save_does_not_read_every_year(client, django_assert_max_num_queries):
    articles = [
        builders.article(
            authors=[f"Writer {y}"],
            entities=[(f"Place {y}", "place")],
            published_on=dt.date(y, 5, 1),
        )
        for y in range(1990, 2010)
    ]
    for i, article in enumerate(articles):  # saved an hour apart
        Article.objects.filter(pk=article.pk).update(
            updated_at=timezone.now() - dt.timedelta(hours=i + 1)
        )
    section_urls(client)  # read whole once
    articles[3].title = "Retitled"
    articles[3].save()
    # The state (once more for each reader of the years) and the changed articles' dates,
    # then the two years changed (this one and that of the newest save before it, taken
    # again as a precaution); the state, the touched things and their counts for each of
    # the four lists: none for the eighteen years unchanged, no count over every article.
    with django_assert_max_num_queries(18) as captured:
        section_urls(client)
    grouped = [q["sql"] for q in captured.captured_queries if "GROUP BY" in q["sql"].upper()]
    assert all("IN (" in sql.upper() for sql in grouped), grouped


def test_sitemap_follows_saves_in_every_list(client, archive):
    listed(client)
    sec = builders.section("Economy", builders.publication("New Paper"))
    added = builders.article(
        title="Added",
        authors=["Added Writer"],
        entities=[("Kabul", "place")],
        pub=sec.publication,
        sec=sec,
        published_on=dt.date(2011, 4, 4),
    )
    urls = listed(client)
    for url in (
        added.get_absolute_url(),
        "/authors/added-writer/",
        "/entities/kabul/",
        sec.publication.get_absolute_url(),
        sec.get_absolute_url(),
        reverse("articles:archive-year", args=[2011]),
    ):
        assert HOST + url in urls
    added.refresh_from_db()
    assert urls[HOST + "/entities/kabul/"] == f"{added.updated_at:%Y-%m-%d}"
    added.withdraw()
    urls = listed(client)
    for url in (added.get_absolute_url(), "/authors/added-writer/", "/entities/kabul/"):
        assert HOST + url not in urls
    assert HOST + sec.get_absolute_url() not in urls
    assert HOST + reverse("articles:archive-year", args=[2011]) not in urls


def test_many_things_touched_at_once_read_the_list_whole(client, archive, monkeypatch):
    from articles.sitemaps import AuthorSitemap

    listed(client)
    monkeypatch.setattr(AuthorSitemap, "reread_above", 1)
    builders.article(authors=["First Added", "Second Added"])
    archive["published"].withdraw()
    urls = listed(client)
    assert HOST + "/authors/first-added/" in urls and HOST + "/authors/second-added/" in urls
    assert HOST + "/authors/ulas-atesci/" not in urls
