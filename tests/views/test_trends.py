"""/trends/: up to five queries compared over time, on the page (chart, legend, table) and
as CSV and JSON; the same filters, query language and limits as the search page."""

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from articles.models import Article, Entity
from articles.search.service import OVER_BUDGET_MESSAGE
from tests import builders

pytestmark = pytest.mark.django_db

URL = reverse("articles:trends")
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def archive(indexed):
    """2010–2019: one drought article a year, floods in the even years, two other
    articles a year; a draft about drought that must never count."""
    herald = builders.publication("The Herald")
    with indexed():
        for year in range(2010, 2020):
            builders.article(body="Drought in the hills.", published_on=dt.date(year, 4, 2))
            if year % 2 == 0:
                builders.article(
                    body="Floods in the valley.", published_on=dt.date(year, 9, 9), pub=herald
                )
            builders.article(body="Markets rally.", published_on=dt.date(year, 1, 10))
            builders.article(body="Elections held.", published_on=dt.date(year, 11, 20))
        builders.article(
            body="Drought draft.", published_on=dt.date(2015, 4, 2), status=Article.Status.DRAFT
        )


def table_rows(html: str) -> dict[str, list[str]]:
    """The table's body rows by period: its cells as text."""
    body = html.split('<table class="trends-table">', 1)[1].split("<tbody>", 1)[1]
    body = body.split("</tbody>", 1)[0]
    rows = {}
    for row in ET.fromstring(f"<tbody>{body}</tbody>"):
        cells = ["".join(cell.itertext()) for cell in row]
        rows[cells[0]] = cells[1:]
    return rows


def figure_of(html: str) -> ET.Element:
    start = html.index('<figure class="chart" id="trends-chart">')
    return ET.fromstring(html[start : html.index("</figure>", start) + len("</figure>")])


def test_the_empty_page_is_a_form(client, archive):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="q5"' in html and "trends-table" not in html


def test_counts_and_shares_per_year_with_the_table_beside_the_chart(client, archive):
    html = client.get(URL, {"q": ["drought", "floods"]}).content.decode()
    rows = table_rows(html)
    assert list(rows) == [str(year) for year in range(2010, 2020)]  # a ten-year range: years
    # all articles, drought: count and share, floods: count and share
    assert rows["2010"] == ["4", "1", "25%", "1", "25%"]
    assert rows["2015"] == ["3", "1", "33.33%", "0", "0%"]  # the draft is not counted
    figure = figure_of(html)
    assert figure.find(f"{SVG}svg").get("role") == "img"
    assert len(figure.findall(f".//{SVG}polyline")) == 2
    assert "Download these numbers" in html


def test_filters_and_query_language_as_on_the_search_page(client, archive):
    html = client.get(
        URL, {"q": ["drought OR floods", "-markets"], "f": "publication:The Herald"}
    ).content.decode()
    rows = table_rows(html)
    # Only The Herald's articles: the denominator is the filters without the query.
    assert rows["2012"] == ["1", "1", "100%", "1", "100%"]
    # No Herald article in odd years: nothing to divide by, and the range ends in 2018.
    assert rows["2011"] == ["0", "0", "—", "0", "—"]
    assert "2019" not in rows
    assert "Remove filter Publication The Herald" in html


def test_the_range_suggests_the_interval(client, archive):
    html = client.get(URL, {"q": "drought", "from": "2012", "to": "2013"}).content.decode()
    assert "2012-04" in table_rows(html) and len(table_rows(html)) == 24
    html = client.get(
        URL, {"q": "drought", "from": "2012-03-01", "to": "2012-05-01"}
    ).content.decode()
    rows = table_rows(html)
    assert "2012-W14" in rows and rows["2012-W14"][:2] == ["1", "1"]  # 2 April 2012
    html = client.get(URL, {"q": "drought", "interval": "month"}).content.decode()
    assert len(table_rows(html)) == 12 * 9 + 11  # 2010-01 to 2019-11, the last article's


def test_too_fine_an_interval_is_made_coarser_with_a_note(client, archive):
    html = client.get(URL, {"q": "drought", "interval": "week", "from": "1990"}).content.decode()
    assert "Counted by month rather than by week" in html


def test_split_by_publication(client, archive):
    html = client.get(URL, {"q": "floods OR drought", "split": "publication"}).content.decode()
    rows = table_rows(html)
    assert "floods OR drought — The Herald" in html
    assert "floods OR drought — The Daily Record" in html
    # 2010, all articles 4; The Daily Record: 1 of 3 (drought); The Herald: 1 of 1.
    assert rows["2010"][0] == "4"
    assert sorted(rows["2010"][1:]) == sorted(["1", "33.33%", "1", "100%"])


def test_the_legend_hides_and_shows_series_without_javascript(client, archive):
    html = client.get(URL, {"q": ["drought", "floods"], "hide": "0"}).content.decode()
    figure = figure_of(html)
    assert figure.find(f".//{SVG}g[@class='chart-line chart-series-0']") is None
    assert figure.find(f".//{SVG}g[@class='chart-line chart-series-1']") is not None
    assert "Show<span" in html  # the link that brings series 0 back
    show = html.split('class="hidden-series"', 1)[1].split('href="', 1)[1].split('"', 1)[0]
    assert "hide=" not in show
    assert table_rows(html)["2010"][1] == "1"  # the table keeps every series


def test_counts_instead_of_shares(client, archive):
    html = client.get(URL, {"q": "drought", "measure": "count"}).content.decode()
    desc = figure_of(html).find(f".//{SVG}desc").text
    assert "highest 1 in 2010" in desc


def test_csv_download_is_the_same_numbers_and_spreadsheet_safe(client, archive):
    response = client.get(reverse("articles:trends-csv"), {"q": ["drought", "-markets"]})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    first = [r for r in rows if r["period"] == "2015"]
    assert first[0] == {
        "period": "2015",
        "period_start": "2015-01-01",
        "query": "drought",
        "filters": "",  # none: the whole archive
        "from": "",
        "to": "",
        "articles_matching": "1",
        "articles_in_filters": "3",
        "share": "0.33333333",
    }
    assert first[1]["query"] == "'-markets"  # a formula to a spreadsheet otherwise
    assert first[1]["articles_matching"] == "2"


def test_json_download(client, archive):
    data = client.get(
        reverse("articles:trends-json"), {"q": "floods", "split": "publication"}
    ).json()
    assert data["interval"] == "year" and data["split"] == "publication"
    assert data["periods"][0] == {"label": "2010", "start": "2010-01-01"}
    herald = next(s for s in data["series"] if s["publication"] == "The Herald")
    assert herald["articles_matching"][:3] == [1, 0, 1]
    assert herald["share"][:3] == [1.0, None, 1.0]  # no Herald article in 2011
    assert sum(data["articles_in_filters"]) == 10 + 5 + 20  # drought, floods, the rest


def test_bad_parameters_give_messages_not_errors(client, archive):
    response = client.get(
        URL,
        {
            "q": ["a", "b", "c", "d", "e", "f"],
            "interval": "decade",
            "split": "author",
            "from": "yesterday",
            "measure": "pies",
            "hide": ["x", "99999"],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Up to 5 queries" in html and "decade" in html and "author" in html
    # No query: the articles in the filters alone, over time.
    data = client.get(reverse("articles:trends-json"), {"f": "publication:The Herald"}).json()
    assert data["series"] == [] and data["articles_in_filters"][:3] == [1, 0, 1]


def test_over_budget_page_message_and_download_422(client, archive, settings):
    settings.SEARCH_TIME_LIMIT = 0.0
    response = client.get(URL, {"q": "drought"})
    assert response.status_code == 200
    assert OVER_BUDGET_MESSAGE.split("(")[0].strip() in response.content.decode()
    response = client.get(reverse("articles:trends-csv"), {"q": "drought"})
    assert response.status_code == 422 and response.json()["error"] == "query too costly"


def test_a_broken_index_is_503_with_retry_after(client, broken_index):
    response = client.get(URL, {"q": "drought"})
    assert response.status_code == 503 and response["Retry-After"]
    response = client.get(reverse("articles:trends-json"), {"q": "drought"})
    assert response.status_code == 503 and response["Retry-After"]


def test_every_search_and_entity_page_links_here(client, indexed):
    with indexed():
        builders.article(
            body="Erdogan spoke.", entities=[("Recep Tayyip Erdogan", Entity.Kind.PERSON)]
        )
    html = client.get(reverse("articles:search"), {"q": "erdogan", "from": "2019"}).content
    assert f'href="{URL}?q=erdogan&amp;from=2019"'.encode() in html
    entity = Entity.objects.get(name="Recep Tayyip Erdogan")
    html = client.get(entity.get_absolute_url()).content.decode()
    link = f"{URL}?q=entity%3A%22Recep%20Tayyip%20Erdogan%22"
    assert link in html
    assert "Recep Tayyip Erdogan" in client.get(link).content.decode()
    rows = table_rows(client.get(link).content.decode())
    assert rows == {"2019-W36": ["1", "1", "100%"]}  # one article: its week


# Filters of a query's own: q1=…&f1=…&from1=…&to1=… (up to q5), beside the shared f, from, to.


def test_a_query_with_filters_of_its_own_is_counted_in_them(client, archive):
    html = client.get(
        URL, {"q1": "drought", "q2": "floods", "f2": "publication:The Herald"}
    ).content.decode()
    rows = table_rows(html)
    # all articles; drought: count, share; floods in The Herald: count, of, share
    assert rows["2010"] == ["4", "1", "25%", "1", "1", "100%"]
    assert rows["2011"] == ["3", "1", "33.33%", "0", "0", "—"]  # no Herald article
    # Its name says which filters it has, in the legend and the table.
    name = "floods [Publication: The Herald]"
    assert f'<span class="series-name">{name}</span>' in html
    assert f"<bdi>{name}</bdi>" in html and "In its filters" in html
    assert "<title>Trends: drought, floods [Publication: The Herald]" in html


def test_an_own_filter_replaces_the_shared_filter_on_its_field(client, archive):
    html = client.get(
        URL,
        {
            "f": "publication:The Daily Record",
            "q1": "drought",
            "q2": "floods",
            "f2": "publication:The Herald",
        },
    ).content.decode()
    rows = table_rows(html)
    # The Daily Record's three articles a year for drought; The Herald's one for floods.
    assert rows["2010"] == ["3", "1", "33.33%", "1", "1", "100%"]
    assert rows["2019"] == ["3", "1", "33.33%", "0", "0", "—"]


def test_an_own_date_range_replaces_the_shared_range(client, archive):
    html = client.get(
        URL,
        {"from": "2010", "to": "2019", "q1": "drought", "q2": "drought", "from2": "2015"},
    ).content.decode()
    rows = table_rows(html)
    assert list(rows) == [str(year) for year in range(2010, 2020)]
    assert rows["2012"] == ["4", "1", "25%", "0", "0", "—"]  # before query 2's range
    assert rows["2015"] == ["3", "1", "33.33%", "1", "3", "33.33%"]
    assert "drought [from 2015-01-01]" in html


def test_old_shared_filter_urls_give_the_same_numbers(client, archive):
    old = client.get(URL, {"q": ["drought", "floods"], "f": "publication:The Herald"})
    new = client.get(URL, {"q1": "drought", "q2": "floods", "f": "publication:The Herald"})
    assert table_rows(old.content.decode()) == table_rows(new.content.decode())
    # Old and numbered together: the numbered first; the same query twice counts once.
    html = client.get(URL, {"q": ["floods", "drought"], "q1": "drought"}).content.decode()
    assert '<span class="series-name">drought</span>' in html
    assert html.index('class="series-name">drought<') < html.index('class="series-name">floods<')
    assert html.count('class="series-name"') == 2


def test_links_and_the_form_keep_each_querys_filters(client, archive):
    html = client.get(
        URL, {"q1": "drought", "q2": "floods", "f2": "publication:The Herald", "to2": "2015"}
    ).content.decode()
    hide = html.split('class="series-toggle"', 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
    hide = hide.replace("&amp;", "&")
    assert (
        "q2=floods" in hide and "f2=publication%3AThe+Herald" in hide and "to2=2015-12-31" in hide
    )
    followed = table_rows(client.get(URL + hide).content.decode())
    assert followed["2010"][3:] == ["1", "1", "100%"]
    # The form (no JavaScript needed): a fieldset per query, its filters as ticked boxes.
    assert html.count('<fieldset class="trend-query">') == 5
    assert "<legend>Query 2</legend>" in html
    assert 'name="f2" value="publication:The Herald" checked' in html
    assert 'id="to2" type="date" name="to2" value="2015-12-31"' in html
    assert '<label for="f2-new">Add a filter</label>' in html


def test_the_form_as_submitted_with_empty_rows(client, archive):
    """What a browser sends: every row's fields, most of them empty."""
    query = "q1=drought&f1=&from1=&to1=&q2=floods&f2=publication%3AThe+Herald&f2=&from2=&to2="
    query += "&q3=&f3=&from3=&to3=&from=&to=&interval=&split=&measure=share"
    response = client.get(f"{URL}?{query}")
    html = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' not in html
    assert table_rows(html)["2010"] == ["4", "1", "25%", "1", "1", "100%"]


def test_bad_own_filters_give_the_search_pages_messages(client, archive):
    search = client.get(reverse("articles:search"), {"q": "x", "f": "colour:red"})
    message = "The filter “colour:red” is not one this archive knows; ignored."
    assert message in search.content.decode()
    response = client.get(
        URL,
        {
            "q1": "drought",
            "f1": ["colour:red", "publication:" + "x" * 5000, "\x00:"],
            "from1": "yesterday",
            "to1": "0999",
            "f3": "publication:The Herald",
            "q123": "ignored",
            "q7": "seven",
            "f7": "nonsense",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Query 1: {message}" in html
    assert "Query 1: The from date “yesterday” is not a date like 2019-09-05" in html
    assert "Query 1: The to date “0999” is before 1000" in html
    assert "Query 3 has filters but no query; it was left out." in html
    assert "Query 7: The filter “nonsense” is not one this archive knows" in html
    # The long publication name (cut as the search page cuts it) matches nothing: drought
    # counts nowhere; q7 is a query of its own, q123 is not one of the form's.
    legend = html.split('class="trend-legend"', 1)[1]
    first = legend.split('class="series-name">', 2)[1]
    assert first.startswith("drought [Publication: xxx") and '<span class="count">0<' in first
    assert 'class="series-name">seven<' in legend and "ignored" not in legend
    data = client.get(reverse("articles:trends-json"), {"q1": "drought", "f1": "bad"}).json()
    assert "Query 1: The filter “bad” is not one this archive knows; ignored." in data["warnings"]
    many = {f"q{n}": f"word{n}" for n in range(1, 8)}
    assert "Up to 5 queries" in client.get(URL, many).content.decode()


def test_downloads_carry_each_querys_filters(client, archive):
    values = {
        "f": "publication:The Daily Record",
        "to": "2013",
        "q1": "drought",
        "q2": "floods",
        "f2": "publication:The Herald",
        "from2": "2012",
    }
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("articles:trends-csv"), values).content.decode())
        )
    )
    by_query = {(r["period"], r["query"]): r for r in rows}
    assert by_query[("2012", "drought")] == {
        "period": "2012",
        "period_start": "2012-01-01",
        "query": "drought",
        "filters": "publication:The Daily Record",
        "from": "",
        "to": "2013-12-31",
        "articles_matching": "1",
        "articles_in_filters": "3",
        "share": "0.33333333",
    }
    floods = by_query[("2012", "floods")]
    assert floods["filters"] == "publication:The Herald" and floods["from"] == "2012-01-01"
    assert floods["to"] == "" and floods["articles_in_filters"] == "1"
    # Query 2's own range runs on past the shared one: the table and download go with it.
    assert by_query[("2018", "floods")]["articles_matching"] == "1"
    assert by_query[("2018", "drought")]["articles_in_filters"] == "0"
    data = client.get(reverse("articles:trends-json"), values).json()
    assert data["filters"] == {"f": ["publication:The Daily Record"], "to": ["2013-12-31"]}
    drought, floods_json = data["series"]
    assert drought["own_filters"] == {"f": [], "from": None, "to": None}
    assert floods_json["own_filters"] == {
        "f": ["publication:The Herald"],
        "from": "2012-01-01",
        "to": None,
    }
    assert floods_json["filters"] == floods_json["own_filters"]
    assert floods_json["articles_in_filters"][:3] == [0, 0, 1]


def test_see_this_over_time_gives_the_searchs_filters_as_shared_ones(client, archive):
    """The search's filters come as shared filters: a query added beside it on the form
    is compared in the same filters (the choice the README explains)."""
    html = client.get(
        reverse("articles:search"), {"q": "drought", "f": "publication:The Herald"}
    ).content.decode()
    link = html.split(">See this over time<", 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
    link = link.replace("&amp;", "&")
    page = client.get(link).content.decode()
    assert "Remove filter Publication The Herald" in page
    assert 'id="q1" type="search" name="q1" value="drought"' in page
    assert '<input type="hidden" name="f" value="publication:The Herald">' in page
    # The form sent back with a second query: both in The Herald's articles.
    rows = table_rows(
        client.get(
            URL, {"q1": "drought", "q2": "floods", "f": "publication:The Herald"}
        ).content.decode()
    )
    assert rows["2010"] == ["1", "0", "0%", "1", "100%"]
