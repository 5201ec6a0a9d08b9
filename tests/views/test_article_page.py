"""The article page around the text (issue 20): facts and entities beside it, the searched
words marked when a reader comes from a search, and where to go next."""

import datetime as dt
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Entity, Mention
from articles.reading import MAX_MARKS, mark_article
from tests import builders

pytestmark = pytest.mark.django_db

PERSON, ORG, PLACE = Entity.Kind.PERSON, Entity.Kind.ORGANISATION, Entity.Kind.PLACE
GROUP, OTHER = Entity.Kind.GROUP, Entity.Kind.OTHER

BODY = (
    "Turkey bought Russian S-400 missiles last year.\n\n"
    "The safe zone along the border held, officials said. Safe passage was promised, "
    "and the zone was patrolled.\n\n"
    "Missile tests continued; the military said nothing."
)


def page(client, article, **params) -> str:
    response = client.get(article.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def marks(html: str) -> list[str]:
    return re.findall(r'<mark id="match-\d+">(.*?)</mark>', html)


def section(html: str, css_class: str) -> str:
    found = re.search(rf'<(\w+) class="{css_class}"[^>]*>.*?</\1>', html, re.S)
    assert found, f"no {css_class} on the page"
    return found.group()


# --- the blocks beside the text -----------------------------------------------------------


def test_facts_name_publication_section_date_authors_and_language(client):
    sec = builders.section("World", builders.publication("Tehran Chronicle"))
    article = builders.article(
        "خبر", "متن خبر", authors=["Sara Ahmadi"], language="fa", pub=sec.publication, sec=sec
    )
    facts = section(page(client, article), "article-facts")
    assert "Tehran Chronicle" in facts and sec.get_absolute_url() in facts
    assert 'datetime="2019-09-05"' in facts and "Sara Ahmadi" in facts
    assert "<dd>Persian</dd>" in facts


def test_entities_are_grouped_by_kind_people_first_with_counts_groups_folded(client):
    article = builders.article()
    for name, kind, count in [
        ("Ankara", PLACE, 2),
        ("NATO", ORG, 1),
        ("Irish", GROUP, 3),
        ("Brexit", OTHER, 1),
        ("Angela Merkel", PERSON, 1),
        ("Recep Tayyip Erdogan", PERSON, 4),
    ]:
        Mention.objects.create(article=article, entity=builders.entity(name, kind), count=count)
    block = section(page(client, article), "article-entities")
    headings = re.findall(r"<h3>([A-Za-z]+)", block)
    assert headings == ["People", "Organisations", "Places", "Groups", "Other"]
    people = block[block.index("People") : block.index("Organisations")]
    assert people.index("Recep Tayyip Erdogan") < people.index("Angela Merkel")  # most first
    assert re.search(r"Recep Tayyip Erdogan</a> <span class=\"count\">.*?4.*?times", people)
    # Groups and "other" are folded away; people, organisations and places are not.
    folded = re.findall(r'<details class="entity-group entity-group-(\w+)"', block)
    assert folded == ["group", "other"]


def test_a_rejected_mention_is_not_listed(client):
    article = builders.article(entities=[("Idlib", PLACE)])
    Mention.objects.create(article=article, entity=builders.entity("Wrong", PERSON), rejected=True)
    block = section(page(client, article), "article-entities")
    assert "Idlib" in block and "Wrong" not in block


def test_sidebar_blocks_come_in_the_reading_order(client):
    article = builders.article(entities=[("Idlib", PLACE)], authors=["Nancy Thomas"])
    builders.article("Another Idlib story", entities=[("Idlib", PLACE)])
    html = page(client, article)
    order = [
        html.index(marker)
        for marker in (
            'class="body"',
            'class="article-facts"',
            'class="article-entities"',
            'class="article-related"',
            'class="citation"',
            'class="moving-on"',
        )
    ]
    assert order == sorted(order)


# --- moving on ----------------------------------------------------------------------------


def test_previous_and_next_are_of_the_same_publication_by_date(client):
    record, other = builders.publication("The Daily Record"), builders.publication("Other Times")
    day = dt.date(2019, 9, 5)
    before = builders.article("Before", pub=record, published_on=day - dt.timedelta(days=3))
    builders.article(
        "Draft in between",
        pub=record,
        published_on=day - dt.timedelta(days=1),
        status=Article.Status.DRAFT,
    )
    builders.article("Elsewhere", pub=other, published_on=day - dt.timedelta(days=1))
    current = builders.article("Current", pub=record, published_on=day)
    same_day_later = builders.article("Same day, later", pub=record, published_on=day)
    builders.article("Much later", pub=record, published_on=day + dt.timedelta(days=30))

    block = section(page(client, current), "moving-on")
    prev_next = section(block, "prev-next")
    assert re.search(rf'href="{before.get_absolute_url()}" rel="prev"', prev_next)
    assert re.search(rf'href="{same_day_later.get_absolute_url()}" rel="next"', prev_next)
    assert "Draft in between" not in block and "Elsewhere" not in prev_next
    # And back: the later one's previous is this one.
    later = section(page(client, same_day_later), "prev-next")
    assert re.search(rf'href="{current.get_absolute_url()}" rel="prev"', later)


def test_more_by_the_author_and_from_the_same_day(client):
    day = dt.date(2020, 1, 2)
    article = builders.article("Main", authors=["Nancy Thomas"], published_on=day)
    by_her = builders.article(
        "Her older piece", authors=["Nancy Thomas"], published_on=dt.date(2018, 1, 1)
    )
    hidden = builders.article("Her draft", authors=["Nancy Thomas"], status=Article.Status.DRAFT)
    same_day = builders.article(
        "Same day elsewhere", published_on=day, pub=builders.publication("X")
    )
    block = section(page(client, article), "moving-on")
    assert by_her.get_absolute_url() in section(block, "more-by-author")
    assert hidden.title not in block
    day_block = section(block, "more-same-day")
    assert same_day.get_absolute_url() in day_block and "/archive/2020/1/2/" in day_block
    assert article.get_absolute_url() not in block


# --- arriving from a search --------------------------------------------------------------


def test_searched_words_are_marked_in_title_and_body_as_stems(client):
    article = builders.article("Missiles over the border", BODY)
    html = page(client, article, q="missile")
    assert marks(html) == ["Missiles", "missiles", "Missile"]
    assert "<strong>3</strong> matches for “<bdi>missile</bdi>”" in html
    assert "<h1><mark" in html


def test_a_phrase_is_marked_only_where_its_words_stand_together(client):
    article = builders.article("Border report", BODY)
    assert marks(page(client, article, q='"safe zone"')) == ["safe zone"]
    # Near each other, in any order, within the distance asked for.
    assert marks(page(client, article, q='"zone patrolled"~3')) == ["zone", "patrolled"]
    assert marks(page(client, article, q='"missile tests"~1')) == ["Missile", "tests"]
    assert marks(page(client, article, q='"missile border"~2')) == []


def test_fields_and_exclusions_mark_what_the_query_matched(client):
    article = builders.article("Missiles over the border", BODY)
    assert marks(page(client, article, q="title:missile")) == ["Missiles"]
    assert marks(page(client, article, q="body:missile")) == ["missiles", "Missile"]
    assert marks(page(client, article, q="zone -missile")) == ["zone", "zone"]
    assert marks(page(client, article, q="author:missile")) == []
    assert marks(page(client, article, q="milit*")) == ["military"]
    assert marks(page(client, article, q="S-400")) == ["S-400"]


def test_persian_and_arabic_spellings_are_marked_alike(client):
    article = builders.article("گزارش", "كتاب تازه منتشر شد.\n\nکتابها در بازار.", language="fa")
    # Persian keheh in the query finds the Arabic kaf, and the plural.
    assert marks(page(client, article, q="کتاب")) == ["كتاب", "کتابها"]


def test_the_page_links_back_to_the_same_results_page(client):
    article = builders.article("Missiles over the border", BODY)
    html = page(client, article, q="missile", f="section:World", sort="newest", page="2")
    back = re.search(r'class="match-back" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    url = urlsplit(back)
    assert url.path == reverse("articles:search")
    assert parse_qs(url.query) == {
        "q": ["missile"],
        "f": ["section:World"],
        "sort": ["newest"],
        "page": ["2"],
    }
    assert f'class="match-clear" href="{article.get_absolute_url()}"' in html


def test_search_parameters_never_change_the_permalink_or_citation(client):
    article = builders.article("Missiles over the border", BODY)
    plain, searched = page(client, article), page(client, article, q="missile", page="3")
    canonical = re.compile(r'<link rel="canonical" href="([^"]+)">')
    assert canonical.search(searched).group(1) == "http://testserver" + article.get_absolute_url()
    assert section(searched, "citation") == section(plain, "citation")
    citation = section(searched, "citation")
    assert "q=" not in citation and "<mark" not in citation


def test_without_a_query_nothing_is_marked_and_there_is_no_bar(client):
    article = builders.article("Missiles over the border", BODY)
    for params in ({}, {"q": ""}, {"q": "   "}, {"q": "NOT"}):
        html = page(client, article, **params)
        assert "<mark" not in html
    assert "match-bar" not in page(client, article)


@pytest.mark.parametrize(
    "q",
    [
        '"' * 300,
        "(" * 500,
        "a* " * 200,
        "title:" * 100,
        "\x00\x1f<script>alert(1)</script>",
        "x" * 10_000,
        '"missile border zone safe"~999',
        " OR ".join(["the"] * 200),
    ],
)
def test_hostile_queries_give_a_page_never_an_error(client, q):
    article = builders.article("Missiles over the border <b>bold</b>", BODY)
    html = page(client, article, q=q)
    assert "<script>alert(1)" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_marking_a_huge_article_is_bounded(client):
    body = "\n\n".join("the missile and the border " * 200 for _ in range(100))  # 100,000 words
    article = builders.article("The missile", body)
    started = time.perf_counter()
    html = page(client, article, q="the missile border")
    elapsed = time.perf_counter() - started
    assert len(marks(html)) == MAX_MARKS
    assert f"the first {MAX_MARKS} are marked, not the rest" in html
    assert elapsed < 10  # the marking stops early; most of this is rendering the text


def test_marking_stops_when_its_time_is_spent():
    paragraphs = ["missile " * 50] * 10
    marked = mark_article("Title", paragraphs, "missile", seconds=0)
    assert not marked.complete and marked.count < 500
    assert all("missile" in p for p in marked.paragraphs)  # the text is still all there


def test_text_markup_stays_inert_when_marked(client):
    article = builders.article("<img src=x onerror=alert(1)> missile", "<b>missile</b>")
    html = page(client, article, q="missile")
    assert "<img src=x" not in html and "<b>" not in html
    assert marks(html) == ["missile", "missile"]


# --- cost ---------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["", "missile"])
def test_queries_stay_constant_whatever_the_number_of_entities(client, q):
    kinds = [PERSON, ORG, PLACE, GROUP, OTHER]
    small = builders.article("Missiles", BODY, authors=["A One"], entities=[("E0", PLACE)])
    big = builders.article(
        "Missiles too",
        BODY,
        authors=[f"Author {i}" for i in range(6)],
        entities=[(f"Entity {i}", kinds[i % 5]) for i in range(60)],
    )
    counts = []
    for article in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            page(client, article, **({"q": q} if q else {}))
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 10  # 8 today: article, bylines, mentions, related, moving on (4)


def test_search_results_link_to_the_article_with_the_search(client, indexed):
    with indexed():
        article = builders.article("Missiles over the border", BODY)
    html = client.get(reverse("articles:search"), {"q": "missile", "sort": "newest"}).content
    link = re.search(rf'href="({article.get_absolute_url()}[^"]*)"', html.decode()).group(1)
    followed = client.get(link.replace("&amp;", "&")).content.decode()
    assert marks(followed) == ["Missiles", "missiles", "Missile"]
    assert "sort=newest" in re.search(r'class="match-back" href="([^"]+)"', followed).group(1)


def test_kicker_and_summary_are_marked_as_the_index_searches_them(client):
    article = builders.article(
        "Border report", BODY, kicker="Missile talks", summary="On missiles and borders."
    )
    assert marks(page(client, article, q="missile")) == [
        "Missile",
        "missiles",
        "missiles",
        "Missile",
    ]  # kicker, summary, then the body, in reading order
    assert marks(page(client, article, q="body:border")) == ["border"]
    assert marks(page(client, article, q="title:border")) == ["Border"]


TRICKY = (
    "Dying and lying, tying knots: the die is cast, a lie told, a tie worn. Skies, sky, "
    "skis. Hoping, hoped, hope; happily, happy, happiness. Early, earlier; only; gently, "
    "gentle. News, new. The U.S. and US forces; 3.5 per cent, S-400. Generously, generous. "
    "Idly, idle; ugly; singly, single. Yesterday, yes. کتابها کتاب‌ها كتاب بزرگترین بزرگ"
)


def test_marking_a_word_marks_exactly_the_words_the_analyzer_gives_its_term():
    from articles.reading import BODY, SearchMarks
    from articles.search.analysis import analyze, word_spans

    words = [(start, end, analyze(word)) for start, end, word in word_spans(TRICKY)]
    for start, end, terms in words:
        if len(terms) != 1:
            continue
        typed = TRICKY[start:end]
        expected = [TRICKY[s:e] for s, e, t in words if t == terms]
        spans = SearchMarks(typed).spans(TRICKY, BODY)
        assert [TRICKY[s:e] for s, e in spans] == expected, typed


def test_staff_see_the_original_file_and_readers_do_not(client, django_user_model):
    article = builders.article(
        original_file="originals/2019/09/talks.pdf", source_name="talks-2019-09-05.pdf"
    )
    assert "talks-2019-09-05.pdf" not in section(page(client, article), "article-facts")
    staff = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    client.force_login(staff)
    facts = section(page(client, article), "article-facts")
    assert 'href="/media/originals/2019/09/talks.pdf"' in facts
    assert "talks-2019-09-05.pdf" in facts


def test_entity_and_author_names_that_matched_are_marked_beside_the_text(client):
    article = builders.article(
        "Talks resume",
        "Officials met in the capital.",
        authors=["Nancy Thomas"],
        entities=[("Recep Tayyip Erdogan", PERSON), ("Idlib", PLACE)],
    )
    html = page(client, article, q='entity:erdogan author:"nancy thomas"')
    entities = section(html, "article-entities")
    assert "Recep Tayyip <mark>Erdogan</mark>" in entities and "<mark>Idlib" not in entities
    assert "<mark>Nancy Thomas</mark>" in section(html, "article-facts")
    assert marks(html) == []  # nothing in the text: the bar says where it matched
    assert "names of its authors or entities that matched are marked too" in html
    # A plain word searches the names too (the index's text holds them); title: does not.
    assert "<mark>Idlib</mark>" in section(page(client, article, q="idlib"), "article-entities")
    assert "<mark>" not in section(page(client, article, q="title:idlib"), "article-entities")
