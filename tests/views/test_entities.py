import datetime as dt
import re
import xml.etree.ElementTree as ET

import lxml.html
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Entity, Mention
from tests import builders

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
INDEX = reverse("articles:entities")
PERSON = Entity.Kind.PERSON
PLACE = Entity.Kind.PLACE
ORG = Entity.Kind.ORGANISATION

ERDOGAN = ("Recep Tayyip Erdogan", PERSON)
FILLER = "Markets were calm and the weather was mild across the region that week. " * 6


def page_html(entity: Entity, **params) -> str:
    response = entity_response(entity, **params)
    assert response.status_code == 200
    return response.content.decode()


def entity_response(entity: Entity, **params):
    return Client().get(entity.get_absolute_url(), params)


def snippets(html: str) -> list[str]:
    return re.findall(r'<p class="snippet">(.*?)</p>', html, re.S)


def timeline(html: str) -> ET.Element:
    match = re.search(r'<figure class="chart".*?</figure>', html, re.S)
    assert match, "no chart on the page"
    return ET.fromstring(match.group())


def bars(figure: ET.Element) -> list[ET.Element]:
    return [rect for rect in figure.iter(f"{SVG}rect") if rect.get("class") == "bar"]


def index_counts(html: str) -> dict[str, int]:
    """Entity name → the count shown beside it on the index."""
    rows = re.findall(
        r'class="tag-\w+">([^<]+)</a> <span class="kind">[^<]*</span> '
        r'<span class="count">(\d+)</span>',
        html,
    )
    return {name: int(n) for name, n in rows}


def mention(article: Article, entity: Entity) -> Mention:
    return Mention.objects.get(article=article, entity=entity)


# The entity page: articles and snippets


def test_entity_page_shows_kind_aliases_description_and_articles_newest_first(client):
    erdogan = builders.entity(*ERDOGAN)
    erdogan.aliases = ["Erdoğan", "Tayyip"]
    erdogan.description = "President of Turkey since 2014."
    erdogan.save()
    old = builders.article(title="Old story", entities=[ERDOGAN], published_on=dt.date(2015, 1, 1))
    new = builders.article(title="New story", entities=[ERDOGAN], published_on=dt.date(2020, 1, 1))
    html = page_html(erdogan)
    assert "<h1>Recep Tayyip Erdogan</h1>" in html
    assert "Person" in html and "Erdoğan, Tayyip" in html
    assert "President of Turkey since 2014." in html
    assert "Mentioned in 2 published articles" in html
    assert html.index(new.title) < html.index(old.title)


def test_snippet_marks_the_mention_at_its_position():
    body = (
        "Erdogan opened the session. "
        + FILLER
        + "Later the Turkish president said talks would go on. "
        + FILLER
    )
    article = builders.article(body=body, entities=[ERDOGAN])
    erdogan = builders.entity(*ERDOGAN)
    start = body.index("the Turkish president")
    m = mention(article, erdogan)
    m.positions = [[start, start + len("the Turkish president")]]
    m.save()
    (snippet,) = snippets(page_html(erdogan))
    # The offsets win over the name: the window is around them, not the body's start.
    assert "<mark>the Turkish president</mark> said talks would go on." in snippet
    assert "Erdogan opened" not in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    text = re.sub(r"</?mark>", "", snippet).strip("…")
    assert 180 <= len(text) <= 240


def test_snippet_uses_this_entitys_positions_not_another_mentions():
    body = "Ankara hosted the talks. Erdogan arrived late."
    article = builders.article(body=body, entities=[ERDOGAN, ("Ankara", PLACE)])
    Mention.objects.filter(article=article, entity__name="Ankara").update(positions=[[0, 6]])
    Mention.objects.filter(article=article, entity__name=ERDOGAN[0]).update(positions=[[25, 32]])
    (snippet,) = snippets(page_html(builders.entity(*ERDOGAN)))
    assert snippet == "Ankara hosted the talks. <mark>Erdogan</mark> arrived late."


def test_snippet_marks_every_position_in_its_window_and_escapes_the_body():
    body = "<b>Erdogan</b> met Erdogan & friends."
    article = builders.article(body=body, entities=[ERDOGAN])
    erdogan = builders.entity(*ERDOGAN)
    first, second = body.index("Erdogan"), body.index("Erdogan", 10)
    m = mention(article, erdogan)
    m.positions = [[second, second + 7], [first, first + 7]]
    m.save()
    (snippet,) = snippets(page_html(erdogan))
    assert (
        snippet == "&lt;b&gt;<mark>Erdogan</mark>&lt;/b&gt; met <mark>Erdogan</mark> &amp; friends."
    )


def test_snippet_falls_back_to_the_name_or_an_alias_in_any_case():
    erdogan = builders.entity(*ERDOGAN)
    erdogan.aliases = ["Erdoğan"]
    erdogan.save()
    builders.article(
        title="By alias", body=FILLER + "Then ERDOĞAN spoke. " + FILLER, entities=[ERDOGAN]
    )
    (snippet,) = snippets(page_html(erdogan))
    assert "Then <mark>ERDOĞAN</mark> spoke." in snippet
    assert snippet.startswith("…")


def test_snippet_ignores_offsets_that_do_not_fit_the_body():
    article = builders.article(body="Short. Recep Tayyip Erdogan spoke.", entities=[ERDOGAN])
    erdogan = builders.entity(*ERDOGAN)
    m = mention(article, erdogan)
    m.positions = [[500, 510], "junk", [3, 1]]
    m.save()
    (snippet,) = snippets(page_html(erdogan))
    assert snippet == "Short. <mark>Recep Tayyip Erdogan</mark> spoke."


def test_snippet_falls_back_to_the_start_of_the_body():
    builders.article(body="Nothing about him here. " * 20, entities=[ERDOGAN])
    (snippet,) = snippets(page_html(builders.entity(*ERDOGAN)))
    assert "<mark>" not in snippet
    assert snippet.startswith("Nothing about him here.") and snippet.endswith("…")
    assert len(snippet) <= 241


def test_names_match_whole_words_only():
    builders.article(body="Thus it was. The US said no.", entities=[("US", PLACE)])
    (snippet,) = snippets(page_html(builders.entity("US", PLACE)))
    assert snippet == "Thus it was. The <mark>US</mark> said no."


# Merged entities, rejected mentions, drafts


def test_merged_entity_redirects_permanently_to_the_survivor_along_the_chain(client):
    builders.article(entities=[("Erdogan", PERSON)])
    survivor = builders.entity("Recep Tayyip Erdogan", PERSON)
    middle = builders.entity("R. T. Erdogan", PERSON)
    merged = builders.entity("Erdogan", PERSON)
    Entity.objects.filter(pk=middle.pk).update(merged_into=survivor)
    Entity.objects.filter(pk=merged.pk).update(merged_into=middle)
    response = client.get(merged.get_absolute_url(), {"page": "2"})
    assert response.status_code == 301
    assert response["Location"] == survivor.get_absolute_url() + "?page=2"
    response = client.get(middle.get_absolute_url())
    assert response.status_code == 301 and response["Location"] == survivor.get_absolute_url()


def test_merged_entities_are_never_listed(client):
    builders.article(entities=[ERDOGAN, ("Erdogan", PERSON), ("Ankara", PLACE)])
    merged = builders.entity("Erdogan", PERSON)
    Entity.objects.filter(pk=merged.pk).update(merged_into=builders.entity(*ERDOGAN))
    html = client.get(INDEX).content.decode()
    assert "Recep Tayyip Erdogan" in html and ">Erdogan<" not in html
    assert 'All kinds <span class="count">2</span>' in html
    co = co_mentions(page_html(builders.entity("Ankara", PLACE)))
    assert [name for name, _, _ in co] == ["Recep Tayyip Erdogan"]


def test_a_rejected_mention_hides_the_article_and_is_not_counted(client):
    kept = builders.article(title="Kept story", entities=[ERDOGAN])
    rejected = builders.article(title="Rejected story", entities=[ERDOGAN, ("Ankara", PLACE)])
    erdogan = builders.entity(*ERDOGAN)
    Mention.objects.filter(article=rejected, entity=erdogan).update(rejected=True)
    html = page_html(erdogan)
    assert kept.title in html and rejected.title not in html
    assert "Mentioned in 1 published article<" in html
    assert "Ankara" not in html  # its only shared article was the rejected one
    counts = index_counts(client.get(INDEX).content.decode())
    assert counts["Recep Tayyip Erdogan"] == 1 and counts["Ankara"] == 1


def test_an_entity_known_only_from_rejected_mentions_is_not_public(client):
    article = builders.article(entities=[("Wrong Guess", ORG)])
    wrong = builders.entity("Wrong Guess", ORG)
    Mention.objects.filter(article=article).update(rejected=True)
    assert "Wrong Guess" not in client.get(INDEX).content.decode()
    assert entity_response(wrong).status_code == 404


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN]
)
def test_unpublished_articles_are_never_counted_or_shown(client, status):
    builders.article(title="Public story", entities=[ERDOGAN], published_on=dt.date(2019, 1, 5))
    builders.article(
        title="Hidden story",
        entities=[ERDOGAN, ("Secret Place", PLACE)],
        status=status,
        published_on=dt.date(2018, 6, 1),
    )
    html = page_html(builders.entity(*ERDOGAN))
    assert "Public story" in html and "Hidden story" not in html
    assert "Mentioned in 1 published article<" in html
    assert "Secret Place" not in html and "2018" not in html
    assert len(bars(timeline(html))) == 1
    index = client.get(INDEX).content.decode()
    assert index_counts(index) == {"Recep Tayyip Erdogan": 1}
    assert "Secret Place" not in index
    assert entity_response(builders.entity("Secret Place", PLACE)).status_code == 404


# The timeline


def test_timeline_has_a_bar_per_month_with_gaps_as_zero_and_an_accessible_name():
    for day in (dt.date(2019, 1, 5), dt.date(2019, 3, 1), dt.date(2019, 3, 31)):
        builders.article(entities=[ERDOGAN], published_on=day)
    builders.article(entities=[ERDOGAN], published_on=None)
    figure = timeline(page_html(builders.entity(*ERDOGAN)))
    svg = figure.find(f"{SVG}svg")
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Articles mentioning Recep Tayyip Erdogan, per month"
    assert "3 months from Jan 2019 to Mar 2019, 3 articles in all" in desc.text
    assert "1 month with none" in desc.text and "1 undated article not shown" in desc.text
    heights = [float(bar.get("height")) for bar in bars(figure)]
    assert len(heights) == 3 and heights[1] == 0 and heights[2] > heights[0] > 0
    tooltips = [g.find(f"{SVG}title").text for g in svg.find(f"{SVG}g[@class='chart-bars']")]
    assert tooltips == ["Jan 2019: 1", "Feb 2019: 0", "Mar 2019: 2"]
    rows = [tr.find("th").text for tr in figure.find("table/tbody")]
    assert rows == ["Jan 2019", "Feb 2019", "Mar 2019"]


def test_timeline_keeps_the_last_120_months_and_says_so():
    builders.article(entities=[ERDOGAN], published_on=dt.date(2000, 1, 1))
    builders.article(entities=[ERDOGAN], published_on=dt.date(2019, 12, 1))
    figure = timeline(page_html(builders.entity(*ERDOGAN)))
    assert len(bars(figure)) == 120
    desc = figure.find(f"{SVG}svg/{SVG}desc").text
    assert "from Jan 2010 to Dec 2019" in desc
    assert "Only the last 120 months are shown; the first mention is from January 2000." in desc


def test_entity_page_with_the_timeline_note_is_valid_html(client):
    """A figure's caption may only be its first or last child (the HTML standard's content
    model for <figure>); a validator refused the page when the note sat between the chart
    and its table."""
    builders.article(entities=[ERDOGAN], published_on=dt.date(2000, 1, 1))
    builders.article(entities=[ERDOGAN], published_on=dt.date(2019, 12, 1))
    builders.article(entities=[ERDOGAN], published_on=None)
    document = lxml.html.fromstring(page_html(builders.entity(*ERDOGAN)))
    figures = document.findall(".//figure")
    assert figures, "the timeline is drawn"
    notes = document.findall(".//figure/figcaption")
    assert [note.text_content() for note in notes] == [
        "Only the last 120 months are shown; the first mention is from January 2000. "
        "1 undated article not shown."
    ]
    for figure in figures:
        children = [child.tag for child in figure if isinstance(child.tag, str)]
        inner = children[1:-1]
        assert "figcaption" not in inner, children
        assert children.count("figcaption") <= 1, children


# Co-mentions


def co_mentions(html: str) -> list[tuple[str, int, str]]:
    aside = re.search(r'<aside class="co-mentions".*?</aside>', html, re.S)
    if not aside:
        return []
    rows = re.findall(
        r'<li><a href="[^"]+" class="tag-\w+">([^<]+)</a>\s*'
        r'<a class="co-count" href="([^"]+)"[^>]*>(\d+) article',
        aside.group(),
    )
    return [(name, int(n), url.replace("&amp;", "&")) for name, url, n in rows]


def test_co_mentions_count_shared_published_articles_and_link_to_a_search_for_both():
    builders.article(entities=[ERDOGAN, ("Ankara", PLACE), ("NATO", ORG)])
    builders.article(entities=[ERDOGAN, ("Ankara", PLACE)])
    builders.article(entities=[ERDOGAN, ("Moscow", PLACE)])
    builders.article(entities=[("NATO", ORG), ("Moscow", PLACE)])  # not with Erdogan
    builders.article(entities=[ERDOGAN, ("Draft Town", PLACE)], status=Article.Status.DRAFT)
    rejected = builders.article(entities=[ERDOGAN, ("Wrong Town", PLACE)])
    Mention.objects.filter(article=rejected, entity__name="Wrong Town").update(rejected=True)
    co = co_mentions(page_html(builders.entity(*ERDOGAN)))
    assert [(name, n) for name, n, _ in co] == [("Ankara", 2), ("Moscow", 1), ("NATO", 1)]
    assert co[0][2] == ("/search/?f=entities%3ARecep+Tayyip+Erdogan&f=entities%3AAnkara")


def test_co_mentions_keep_the_top_15():
    for i in range(18):
        builders.article(entities=[ERDOGAN] + [(f"Place {j:02d}", PLACE) for j in range(i + 1)])
    co = co_mentions(page_html(builders.entity(*ERDOGAN)))
    assert len(co) == 15
    assert co[0][:2] == ("Place 00", 18) and co[-1][:2] == ("Place 14", 4)


def test_a_co_mention_search_link_finds_the_articles_naming_both(client, indexed):
    with indexed():
        both = builders.article(title="Both named", entities=[ERDOGAN, ("Ankara", PLACE)])
        builders.article(title="Only Erdogan", entities=[ERDOGAN])
        builders.article(title="Only Ankara", entities=[("Ankara", PLACE)])
    ((_, _, url),) = co_mentions(page_html(builders.entity(*ERDOGAN)))
    html = client.get(url).content.decode()
    assert both.get_absolute_url() in html
    assert "Only Erdogan" not in html and "Only Ankara" not in html


# The index


def test_index_by_kind_and_letter_with_counts(client):
    builders.article(entities=[ERDOGAN, ("Ankara", PLACE), ("NATO", ORG)])
    builders.article(entities=[("Ankara", PLACE), ("Athens", PLACE)])
    html = client.get(INDEX).content.decode()
    assert index_counts(html) == {"Ankara": 2, "Athens": 1, "NATO": 1, "Recep Tayyip Erdogan": 1}
    assert list(index_counts(html))[0] == "Ankara"  # most mentioned first
    assert 'Place <span class="count">2</span>' in html
    assert 'All kinds <span class="count">4</span>' in html
    html = client.get(INDEX, {"kind": "place"}).content.decode()
    assert set(index_counts(html)) == {"Ankara", "Athens"}
    html = client.get(INDEX, {"letter": "a"}).content.decode()
    assert list(index_counts(html)) == ["Ankara", "Athens"]  # A–Z within a letter
    html = client.get(INDEX, {"kind": "organisation", "letter": "a"}).content.decode()
    assert index_counts(html) == {}
    assert client.get(INDEX, {"kind": "<bad>", "letter": "<"}).status_code == 200


# Pagination and queries


def test_entity_page_paginates():
    for i in range(25):
        builders.article(entities=[ERDOGAN], published_on=dt.date(2019, 1, 1) + dt.timedelta(i))
    erdogan = builders.entity(*ERDOGAN)
    first, second = page_html(erdogan), page_html(erdogan, page="2")
    assert len(snippets(first)) == 20 and len(snippets(second)) == 5
    assert "Page 2 of 2" in second and "Mentioned in 25 published articles" in second
    assert "25 January 2019" in first and "25 January 2019" not in second


def _queries(url: str, **params) -> int:
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def _busy_article(n: int, main: tuple[str, str]) -> Article:
    return builders.article(
        authors=[f"Writer {n}", f"Writer {n + 1}"],
        entities=[main, (f"Partner {n}", PLACE), (f"Group {n % 4}", ORG)],
        sec=builders.section(f"Section {n % 3}"),
        published_on=dt.date(2010 + n % 9, 1 + n % 12, 1),
    )


def test_entity_page_queries_do_not_grow_with_articles_or_co_mentions():
    few_entity = ("Few", PERSON)
    many_entity = ("Many", PERSON)
    for n in range(2):
        _busy_article(n, few_entity)
    for n in range(40):
        _busy_article(n, many_entity)
    few = _queries(builders.entity(*few_entity).get_absolute_url())
    many = _queries(builders.entity(*many_entity).get_absolute_url())
    assert few == many
    # The first reader counts, charts, finds co-mentions and the page's articles (each
    # kept until the archive changes); the next reads the articles only.
    assert many <= 9
    assert _queries(builders.entity(*many_entity).get_absolute_url()) <= 5


def test_entity_index_queries_do_not_grow_with_entities():
    builders.article(entities=[("Lone", PLACE)])
    few = _queries(INDEX)
    for n in range(80):
        builders.article(entities=[(f"Entity {n}", PLACE), (f"Org {n}", ORG)])
    many = _queries(INDEX)
    assert few == many
    assert many <= 4
    assert _queries(INDEX, kind="place", letter="E", page="2") == many
