"""The search page's results, held to their HTML: what a reader sees of each result (title
and snippet with the matches marked, byline, date, publication and section, the link that
carries the search to the article), the pages and the facets. The page is made for speed
(docs/performance.md, "The search page's worker (session 11)"); these say it shows the same."""

import datetime as dt

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import escape

from articles.models import Article
from tests import builders

pytestmark = pytest.mark.django_db

URL = reverse("articles:search")


@pytest.fixture
def archive(engine):
    indexed = engine
    daily = builders.publication("The Daily Record")
    world = builders.section("World", daily)
    gazette = builders.publication("Tehran Gazette")
    with indexed():
        builders.article(
            title="Oil prices climb as <b>Gulf</b> tensions rise",
            body=(
                "Crude oil prices rose on Monday.\n\n"
                "Traders said the price of oil & gas would stay high; "
                "oil-rich states met in Vienna."
            ),
            authors=["Nancy Thomas", "Ulas Atesci", "Sara Jafari"],
            pub=daily,
            sec=world,
            published_on=dt.date(2019, 9, 5),
        )
        builders.article(
            title="Bread and fuel",
            body="The cost of bread rose; oil was cheaper.",
            authors=["Nancy Thomas", "Ulas Atesci"],
            pub=gazette,
            published_on=dt.date(2015, 1, 2),
            language="fa",
            summary="A summary the snippet replaces.",
        )
        builders.article(
            title="Oil in a draft",
            body="Oil everywhere.",
            status=Article.Status.DRAFT,
            authors=["Hidden Writer"],
            published_on=dt.date(2020, 1, 1),
        )
        builders.article(title="Undated notes", body="Notes.", pub=gazette, published_on=None)
        builders.article(
            title="بهای نفت",
            body="بهای نفت در بازار تهران بالا رفت.",
            authors=["سارا جعفری"],
            pub=gazette,
            published_on=dt.date(2021, 3, 21),
            language="fa",
        )
        for day in range(1, 23):
            builders.article(
                title=f"Olive harvest {day}",
                body="Olive oil from the groves.",
                pub=gazette,
                published_on=dt.date(2010, 1, day),
            )
    return daily


def results(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def cards(html: str) -> str:
    """The result cards, as the page writes them."""
    start = html.index('<div class="cards">')
    return html[start : html.index("</div>", start) + len("</div>")]


def olive(day: int, query: str) -> str:
    return (
        '<article class="card" lang="en" dir="ltr">\n'
        f'  <h3 class="card-title"><a href="/articles/olive-harvest-{day}/?{query}">'
        f"Olive harvest {day}</a></h3>\n"
        '  <p class="meta">\n'
        "  \n"  # no byline
        f'  <time dir="ltr" datetime="2010-01-{day:02d}">{day} January 2010</time>\n'
        '  <a href="/publications/tehran-gazette/">Tehran Gazette</a>\n'
        "</p>\n"
        "\n"
        '  <p class="snippet">Olive <mark>oil</mark> from the groves.</p>\n'
        "</article>\n"
    )


OIL_PRICES = """<article class="card" lang="en" dir="ltr">
  <h3 class="card-title"><a href="/articles/oil-prices-climb-as-bgulfb-tensions-rise/?{query}">{title}</a></h3>
  <p class="meta">
  <span class="byline">By <a href="/authors/nancy-thomas/">Nancy Thomas</a>, <a href="/authors/ulas-atesci/">Ulas Atesci</a> and <a href="/authors/sara-jafari/">Sara Jafari</a></span>
  <time dir="ltr" datetime="2019-09-05">5 September 2019</time>
  <a href="/publications/the-daily-record/">The Daily Record</a> · <a href="/publications/the-daily-record/world/">World</a>
</p>

  <p class="snippet">{snippet}</p>
</article>
"""  # noqa: E501

BREAD = """<article class="card" lang="fa" dir="rtl">
  <h3 class="card-title"><a href="/articles/bread-and-fuel/?{query}">{title}</a></h3>
  <p class="meta">
  <span class="byline">By <a href="/authors/nancy-thomas/">Nancy Thomas</a> and <a href="/authors/ulas-atesci/">Ulas Atesci</a></span>
  <time dir="ltr" datetime="2015-01-02">2 January 2015</time>
  <a href="/publications/tehran-gazette/">Tehran Gazette</a>
</p>

  <p class="snippet">{snippet}</p>
</article>
"""  # noqa: E501


def test_cards_of_the_first_page(client, archive):
    query = "q=oil&amp;sort=newest"
    html = results(client, q="oil", sort="newest")
    assert '<h2 id="results-title">24 results</h2>' in html  # the draft is not one
    expected = (
        '<div class="cards">\n'
        + OIL_PRICES.format(
            query=query,
            title="<mark>Oil</mark> prices climb as &lt;b&gt;Gulf&lt;/b&gt; tensions rise",
            snippet="Crude <mark>oil</mark> prices rose on Monday. Traders said the price of "
            "<mark>oil</mark> &amp; gas would stay high; <mark>oil</mark>-rich states met in "
            "Vienna.",
        )
        + "\n"
        + BREAD.format(
            query=query,
            title="Bread and fuel",
            snippet="The cost of bread rose; <mark>oil</mark> was cheaper.",
        )
        + "\n"
        + "\n".join(olive(day, query) for day in range(22, 4, -1))
        + "</div>"
    )
    assert cards(html) == expected
    assert "Hidden Writer" not in html and "Oil in a draft" not in html
    # A facet's link adds its filter after the request's parameters.
    assert (
        '<li><a href="?q=oil&amp;sort=newest&amp;f=publication%3ATehran+Gazette">Tehran Gazette'
        '</a> <span class="count">' in html
    )
    assert (
        '<nav class="pagination" aria-label="Pages">\n'
        "  \n"
        "  <span>Page 1 of 2</span>\n"
        '  <a rel="next" href="?q=oil&amp;sort=newest&amp;page=2">Next →</a>\n'
        "</nav>" in html
    )


def test_cards_of_the_second_page(client, archive):
    query = "q=oil&amp;sort=newest&amp;page=2"
    html = results(client, q="oil", sort="newest", page="2")
    assert cards(html) == (
        '<div class="cards">\n' + "\n".join(olive(day, query) for day in range(4, 0, -1)) + "</div>"
    )
    assert (
        '<nav class="pagination" aria-label="Pages">\n'
        '  <a rel="prev" href="?q=oil&amp;sort=newest&amp;page=1">← Previous</a>\n'
        "  <span>Page 2 of 2</span>\n"
        "  \n"
        "</nav>" in html
    )


def test_cards_with_a_facet_chosen(client, archive):
    query = "q=prices+OR+bread&amp;f=authors%3AUlas+Atesci&amp;sort=oldest"
    html = results(client, q="prices OR bread", f="authors:Ulas Atesci", sort="oldest")
    assert cards(html) == (
        '<div class="cards">\n'
        + BREAD.format(
            query=query,
            title="<mark>Bread</mark> and fuel",
            snippet="The cost of <mark>bread</mark> rose; oil was cheaper.",
        )
        + "\n"
        + OIL_PRICES.format(
            query=query,
            title="Oil <mark>prices</mark> climb as &lt;b&gt;Gulf&lt;/b&gt; tensions rise",
            snippet="Crude oil <mark>prices</mark> rose on Monday. Traders said the "
            "<mark>price</mark> of oil &amp; gas would stay high; oil-rich states met in Vienna.",
        )
        + "</div>"
    )
    # The chosen author's link takes the filter away; another author's adds it.
    assert (
        '<li><a href="?q=prices+OR+bread&amp;sort=oldest" aria-current="true" class="selected">'
        'Ulas Atesci</a> <span class="count">2</span></li>' in html
    )
    assert (
        '<li><a href="?q=prices+OR+bread&amp;f=authors%3AUlas+Atesci&amp;f=authors%3ANancy+Thomas'
        '&amp;sort=oldest">Nancy Thomas</a> <span class="count">2</span></li>' in html
    )


def test_a_card_without_date_authors_or_section(client, archive):
    assert cards(results(client, q="notes")) == (
        '<div class="cards">\n'
        '<article class="card" lang="en" dir="ltr">\n'
        '  <h3 class="card-title"><a href="/articles/undated-notes/?q=notes">'
        "Undated <mark>notes</mark></a></h3>\n"
        '  <p class="meta">\n'
        "  \n"  # no byline
        "  \n"  # no date
        '  <a href="/publications/tehran-gazette/">Tehran Gazette</a>\n'
        "</p>\n"
        "\n"
        '  <p class="snippet"><mark>Notes</mark>.</p>\n'
        "</article>\n"
        "</div>"
    )


def test_a_card_in_persian_links_its_slugs_quoted(client, archive):
    html = results(client, q="نفت")
    # The author's facet link, its name quoted as Django quotes a query string.
    link = QueryDict(mutable=True)
    link["q"], link["f"] = "نفت", "authors:سارا جعفری"
    assert f'<li><a href="?{escape(link.urlencode())}">سارا جعفری</a>' in html
    assert cards(html) == (
        """<div class="cards">
<article class="card" lang="fa" dir="rtl">
  <h3 class="card-title"><a href="/articles/%D8%A8%D9%87%D8%A7%DB%8C-%D9%86%D9%81%D8%AA/?q=%D9%86%D9%81%D8%AA">بهای <mark>نفت</mark></a></h3>
  <p class="meta">
  <span class="byline">By <a href="/authors/%D8%B3%D8%A7%D8%B1%D8%A7-%D8%AC%D8%B9%D9%81%D8%B1%DB%8C/">سارا جعفری</a></span>
  <time dir="ltr" datetime="2021-03-21">21 March 2021</time>
  <a href="/publications/tehran-gazette/">Tehran Gazette</a>
</p>

  <p class="snippet">بهای <mark>نفت</mark> در بازار تهران بالا رفت.</p>
</article>
</div>"""  # noqa: E501
    )


def test_facet_links_keep_the_parameters_in_their_order(client, archive):
    """Filters stay where the request has them, among parameters to encode."""
    response = client.get(
        URL + "?f=authors:Ulas+Atesci&q=prices+OR+bread&sort=oldest&from=2015-01&page=1"
    )
    html = response.content.decode()
    rest = "q=prices+OR+bread&amp;sort=oldest&amp;from=2015-01"
    assert f'<li><a href="?{rest}" aria-current="true" class="selected">Ulas Atesci</a>' in html
    assert (
        f'<li><a href="?f=authors%3AUlas+Atesci&amp;f=authors%3ANancy+Thomas&amp;{rest}">'
        "Nancy Thomas</a>" in html
    )
    assert (
        f'<li><a href="?f=authors%3AUlas+Atesci&amp;f=language%3Afa&amp;{rest}">Persian</a>' in html
    )
