import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from articles.entities.merge import merge_entities
from articles.models import Article, Entity, Mention
from tests import builders

pytestmark = pytest.mark.django_db

A = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
HOST = "http://testserver"
LATEST = reverse("articles:feed-latest")
SEARCH = reverse("articles:feed-search")
PERSON = Entity.Kind.PERSON
PLACE = Entity.Kind.PLACE
UNPUBLISHED = [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN]


def feed(client, url, params=None) -> ET.Element:
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{A}feed"
    return root


def entries(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{A}entry")


def links(root: ET.Element) -> list[str]:
    return [entry.find(f"{A}link[@rel='alternate']").get("href") for entry in entries(root)]


def permalink(article: Article) -> str:
    return HOST + article.get_absolute_url()


def test_latest_feed_is_atom_with_everything_an_entry_needs(client):
    article = builders.article(
        title="Russia and Turkey intensify military cooperation",
        summary="Moscow and Ankara grow closer.",
        authors=["Ulas Atesci", "Nancy Thomas"],
    )
    root = feed(client, LATEST)
    assert root.findtext(f"{A}title") == "NewsArchive: latest articles"
    assert root.find(f"{A}link[@rel='self']").get("href") == HOST + LATEST
    assert root.find(f"{A}link[@rel='alternate']").get("href") == HOST + "/"
    assert root.findtext(f"{A}id") == HOST + LATEST
    assert root.findtext(f"{A}updated")
    [entry] = entries(root)
    assert entry.findtext(f"{A}title") == article.title
    assert entry.find(f"{A}link").get("href") == permalink(article)
    assert entry.findtext(f"{A}id") == permalink(article)
    assert entry.findtext(f"{A}published") == "2019-09-05T00:00:00+00:00"
    assert entry.findtext(f"{A}updated")
    assert [a.findtext(f"{A}name") for a in entry.findall(f"{A}author")] == [
        "Ulas Atesci",
        "Nancy Thomas",
    ]
    assert entry.findtext(f"{A}summary") == "Moscow and Ankara grow closer."
    assert entry.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_latest_feed_lists_published_articles_only(client):
    shown = builders.article(title="Published piece")
    hidden = [builders.article(title=f"Hidden {status}", status=status) for status in UNPUBLISHED]
    withdrawn_later = builders.article(title="Withdrawn later")
    withdrawn_later.withdraw()
    root = feed(client, LATEST)
    assert links(root) == [permalink(shown)]
    body = ET.tostring(root, encoding="unicode")
    assert all(article.title not in body for article in [*hidden, withdrawn_later])


def test_latest_feed_has_the_newest_twenty(client):
    articles = [
        builders.article(published_on=dt.date(2019, 1, 1) + dt.timedelta(days=i)) for i in range(25)
    ]
    root = feed(client, LATEST)
    newest = sorted(articles, key=lambda a: a.published_on, reverse=True)[:20]
    assert links(root) == [permalink(article) for article in newest]


def test_summary_falls_back_to_the_first_sixty_words_and_text_stays_text(client):
    words = [f"word{i}" for i in range(100)]
    builders.article(title="Ben & Jerry <b>bold</b>", body="<i>x</i> " + " ".join(words))
    [entry] = entries(feed(client, LATEST))
    assert entry.findtext(f"{A}title") == "Ben & Jerry <b>bold</b>"
    summary = entry.find(f"{A}summary")
    assert summary.get("type") == "html"
    # Declared HTML, so the body's markup arrives escaped and is shown, not run.
    assert summary.text.startswith("&lt;i&gt;x&lt;/i&gt; word0 word1")
    assert summary.text.endswith("word58…")
    assert len(summary.text.split()) == 60


def test_undated_article_is_dated_by_its_publication_in_the_archive(client):
    article = builders.article(published_on=None)
    [entry] = entries(feed(client, LATEST))
    assert entry.findtext(f"{A}published") == article.published_at.isoformat()


def test_entry_without_byline_is_valid_because_the_feed_has_an_author(client):
    builders.article(authors=[])
    root = feed(client, LATEST)
    assert root.find(f"{A}author").findtext(f"{A}name") == "NewsArchive"
    assert entries(root)[0].find(f"{A}author") is None


def test_persian_entries_say_they_are_persian(client):
    builders.article(title="خبر", body="متن خبر", language="fa")
    [entry] = entries(feed(client, LATEST))
    assert entry.get("{http://www.w3.org/XML/1998/namespace}lang") == "fa"
    assert entry.findtext(f"{A}title") == "خبر"


# Search feed -----------------------------------------------------------------------------


@pytest.fixture
def archive(indexed):
    with indexed():
        # The older article is the better match: relevance and date order differ.
        new = builders.article(
            title="Visit to Moscow",
            body="Erdogan met Putin in Moscow. " + "Talks went on for hours. " * 30,
            authors=["Ulas Atesci"],
            published_on=dt.date(2019, 9, 5),
        )
        old = builders.article(
            title="Erdogan report",
            body="Erdogan spoke in Ankara. Erdogan said more.",
            authors=["Nancy Thomas"],
            published_on=dt.date(2015, 1, 2),
        )
        other = builders.article(title="Markets", body="Markets were calm.")
        draft = builders.article(
            title="Secret draft", body="Erdogan draft text.", status=Article.Status.DRAFT
        )
        withdrawn = builders.article(title="Withdrawn Erdogan story", body="Erdogan withdrawn.")
        withdrawn.withdraw()
    return {"new": new, "old": old, "other": other, "draft": draft, "withdrawn": withdrawn}


def test_search_feed_finds_published_articles_newest_first(client, archive):
    root = feed(client, SEARCH, {"q": "Erdogan"})
    assert links(root) == [permalink(archive["new"]), permalink(archive["old"])]
    assert root.findtext(f"{A}title") == "NewsArchive: search for “Erdogan”"
    self_link = root.find(f"{A}link[@rel='self']").get("href")
    assert self_link.startswith(HOST + SEARCH + "?") and "q=Erdogan" in self_link
    page = root.find(f"{A}link[@rel='alternate']").get("href")
    assert page.startswith(HOST + reverse("articles:search") + "?q=Erdogan")


@pytest.mark.parametrize("sort", ["oldest", "relevance"])
def test_search_feed_keeps_an_asked_for_order(client, archive, sort):
    root = feed(client, SEARCH, {"q": "Erdogan", "sort": sort})
    assert links(root) == [permalink(archive["old"]), permalink(archive["new"])]


def test_search_feed_filters_by_facet_and_date(client, archive):
    root = feed(client, SEARCH, {"q": "Erdogan", "f": "authors:Nancy Thomas"})
    assert links(root) == [permalink(archive["old"])]
    assert "Author: Nancy Thomas" in root.findtext(f"{A}title")
    root = feed(client, SEARCH, {"f": "authors:Ulas Atesci"})
    assert links(root) == [permalink(archive["new"])]
    root = feed(client, SEARCH, {"q": "Erdogan", "from": "2019", "to": "2019-12"})
    assert links(root) == [permalink(archive["new"])]


def test_empty_search_feed_is_the_latest_feed(client, archive):
    root = feed(client, SEARCH)
    assert root.findtext(f"{A}title") == "NewsArchive: latest articles"
    assert links(root) == links(feed(client, LATEST))
    assert len(links(root)) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"q": '"unbalanced'},
        {"q": "OR NOT AND ("},
        {"q": "x" * 10_000},
        {"q": "erdogan\x00\x07"},
        {"q": "title:"},
        {"q": "*"},
        {"q": "Erdogan", "page": "-4"},
        {"q": "Erdogan", "page": "abc"},
        {"q": "Erdogan", "from": "2019-99-99", "to": "yesterday"},
        {"q": "Erdogan", "f": "nonsense:value"},
        {"f": "authors:"},
        {"f": "nonsense"},
        {"q": "Erdogan", "sort": "sideways"},
        {"q": "Erdogan", "from": "2020", "to": "2010"},
    ],
)
def test_bad_search_parameters_never_fail(client, archive, params):
    root = feed(client, SEARCH, params)
    body = ET.tostring(root, encoding="unicode")
    assert "Secret draft" not in body and "Withdrawn" not in body


def test_search_feed_when_search_is_down_says_so_in_plain_text(client, broken_index):
    builders.article(title="Still in the latest feed")
    response = client.get(SEARCH, {"q": "Erdogan"})
    assert response.status_code == 503
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Search is unavailable" in response.content.decode()
    assert response["Retry-After"]
    assert "Still in the latest feed" in client.get(LATEST).content.decode()


# Author and entity feeds -----------------------------------------------------------------


def test_author_feed_lists_the_authors_published_articles(client):
    theirs = builders.article(title="By Nancy", authors=["Nancy Thomas", "Ulas Atesci"])
    builders.article(title="Not by Nancy", authors=["Ulas Atesci"])
    builders.article(title="Nancy's draft", authors=["Nancy Thomas"], status="draft")
    author = builders.author("Nancy Thomas")
    root = feed(client, reverse("articles:feed-author", args=[author.slug]))
    assert root.findtext(f"{A}title") == "NewsArchive: articles by Nancy Thomas"
    assert root.find(f"{A}link[@rel='alternate']").get("href") == HOST + author.get_absolute_url()
    assert links(root) == [permalink(theirs)]


def test_author_feed_needs_a_published_article(client):
    builders.article(authors=["Draft Writer"], status=Article.Status.DRAFT)
    url = reverse("articles:feed-author", args=[builders.author("Draft Writer").slug])
    assert client.get(url).status_code == 404
    assert client.get(reverse("articles:feed-author", args=["nobody"])).status_code == 404


def test_entity_feed_leaves_out_rejected_mentions_and_unpublished_articles(client):
    shown = builders.article(title="About Idlib", entities=[("Idlib", PLACE)])
    rejected = builders.article(title="Wrongly tagged", entities=[("Idlib", PLACE)])
    Mention.objects.filter(article=rejected).update(rejected=True)
    builders.article(title="Draft on Idlib", entities=[("Idlib", PLACE)], status="draft")
    idlib = builders.entity("Idlib", PLACE)
    root = feed(client, reverse("articles:feed-entity", args=[idlib.slug]))
    assert root.findtext(f"{A}title") == "NewsArchive: articles mentioning Idlib"
    assert links(root) == [permalink(shown)]


def test_entity_feed_needs_a_standing_mention(client):
    article = builders.article(entities=[("Nowhere", PLACE)])
    Mention.objects.filter(article=article).update(rejected=True)
    url = reverse("articles:feed-entity", args=[builders.entity("Nowhere", PLACE).slug])
    assert client.get(url).status_code == 404
    assert client.get(reverse("articles:feed-entity", args=["no-such"])).status_code == 404


def test_merged_entity_feed_redirects_to_the_survivors_feed(client):
    builders.article(entities=[("Erdogan", PERSON)])
    builders.article(entities=[("Recep Tayyip Erdogan", PERSON)])
    survivor = builders.entity("Recep Tayyip Erdogan", PERSON)
    merged = builders.entity("Erdogan", PERSON)
    merge_entities(survivor, [merged])
    response = client.get(reverse("articles:feed-entity", args=[merged.slug]))
    assert response.status_code == 301
    assert response["Location"] == reverse("articles:feed-entity", args=[survivor.slug])
    assert len(links(feed(client, response["Location"]))) == 2


def test_entity_merged_in_a_loop_has_no_feed(client):
    builders.article(entities=[("Loop A", PERSON), ("Loop B", PERSON)])
    a, b = builders.entity("Loop A", PERSON), builders.entity("Loop B", PERSON)
    Entity.objects.filter(pk=a.pk).update(merged_into=b)
    Entity.objects.filter(pk=b.pk).update(merged_into=a)
    assert client.get(reverse("articles:feed-entity", args=[a.slug])).status_code == 404


def test_feed_queries_do_not_grow_with_entries(client, django_assert_max_num_queries):
    for i in range(20):
        builders.article(authors=[f"Writer {i}", "Co Writer"], entities=[("Idlib", PLACE)])
    idlib = builders.entity("Idlib", PLACE)
    for url in (
        LATEST,
        reverse("articles:feed-author", args=[builders.author("Co Writer").slug]),
        reverse("articles:feed-entity", args=[idlib.slug]),
    ):
        with django_assert_max_num_queries(4):
            assert len(links(feed(client, url))) == 20


# Discovery -------------------------------------------------------------------------------


def test_pages_announce_their_feeds(client, archive):
    atom = 'rel="alternate" type="application/atom+xml"'
    home = client.get(reverse("articles:home")).content.decode()
    assert f'{atom} title="NewsArchive: latest articles" href="{LATEST}"' in home
    assert 'rel="search" type="application/opensearchdescription+xml"' in home
    author = builders.author("Nancy Thomas")
    html = client.get(author.get_absolute_url()).content.decode()
    assert reverse("articles:feed-author", args=[author.slug]) in html
    entity_article = builders.article(entities=[("Idlib", PLACE)])
    idlib = entity_article.mentions.get().entity
    html = client.get(idlib.get_absolute_url()).content.decode()
    assert reverse("articles:feed-entity", args=[idlib.slug]) in html
    html = client.get(reverse("articles:search"), {"q": "Erdogan"}).content.decode()
    assert f'href="{SEARCH}?q=Erdogan"' in html


def test_opensearch_description(client):
    response = client.get("/opensearch.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    assert root.findtext(f"{OPENSEARCH}ShortName") == "NewsArchive"
    assert root.findtext(f"{OPENSEARCH}InputEncoding") == "UTF-8"
    templates = {url.get("type"): url.get("template") for url in root.iter(f"{OPENSEARCH}Url")}
    assert templates["text/html"] == f"{HOST}/search/?q={{searchTerms}}"
    assert templates["application/atom+xml"] == f"{HOST}{SEARCH}?q={{searchTerms}}"
    assert templates["application/opensearchdescription+xml"] == f"{HOST}/opensearch.xml"
