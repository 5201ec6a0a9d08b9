"""On this day: articles published on today's date (or a chosen day) in earlier years, on
their own page, on the home page and in an Atom feed; published articles only."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import public
from articles.models import Article
from tests import builders

pytestmark = pytest.mark.django_db

A = "{http://www.w3.org/2005/Atom}"
NOT_PUBLIC = (Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN)


def years_ago(n: int) -> dt.date:
    """Today's date ``n`` years ago (``n`` a multiple of four keeps 29 February a day)."""
    today = timezone.localdate()
    return today.replace(year=today.year - n)


@pytest.fixture
def days():
    today = timezone.localdate()
    return {
        "four": builders.article(title="Four years ago", published_on=years_ago(4)),
        "twelve": builders.article(title="Twelve years ago", published_on=years_ago(12)),
        "today": builders.article(title="Earlier today", published_on=today),
        "other": builders.article(
            title="Another day", published_on=years_ago(4) - dt.timedelta(days=1)
        ),
        "hidden": [
            builders.article(title=f"Not public {status}", published_on=years_ago(8), status=status)
            for status in NOT_PUBLIC
        ],
    }


def titles(response) -> list[str]:
    return [article.title for article in response.context["page"].object_list]


def test_the_page_lists_this_day_in_earlier_years_newest_first(client, days):
    response = client.get(reverse("articles:on-this-day"))
    assert response.status_code == 200
    assert titles(response) == ["Four years ago", "Twelve years ago"]
    html = response.content.decode()
    assert f'id="year-{years_ago(4).year}"' in html and f'id="year-{years_ago(12).year}"' in html
    assert "Not public" not in html and "Earlier today" not in html
    assert reverse("articles:feed-on-this-day") in html


def test_any_day_can_be_chosen_and_stepped_through(client, days):
    other = years_ago(4) - dt.timedelta(days=1)
    response = client.get(reverse("articles:on-this-day-date", args=[other.month, other.day]))
    assert titles(response) == ["Another day"]
    html = response.content.decode()
    after = other + dt.timedelta(days=1)
    assert reverse("articles:on-this-day-date", args=[after.month, after.day]) in html
    assert f'href="{reverse("articles:on-this-day")}"' in html  # back to today


@pytest.mark.parametrize(("month", "day"), [(2, 30), (4, 31)])
def test_a_day_no_calendar_has_is_not_found(client, month, day):
    response = client.get(reverse("articles:on-this-day-date", args=[month, day]))
    assert response.status_code == 404


def test_29_february_is_a_day_of_its_own_and_shown_on_the_28th_of_a_common_year():
    leap = builders.article(title="Leap day", published_on=dt.date(2016, 2, 29))
    builders.article(title="The 28th", published_on=dt.date(2015, 2, 28))
    on_29 = public.on_this_day(2, 29, 2024)
    assert list(on_29) == [leap]
    assert {a.title for a in public.on_this_day(2, 28, 2023)} == {"Leap day", "The 28th"}
    assert {a.title for a in public.on_this_day(2, 28, 2024)} == {"The 28th"}  # a 29th comes


def test_an_archive_without_dates_has_no_day():
    builders.article(title="Undated", published_on=None)
    assert not public.on_this_day(1, 1, 2026).exists()


def test_the_home_page_shows_a_few_and_links_to_the_rest(client, days):
    html = client.get(reverse("articles:home")).content.decode()
    assert "On this day" in html and reverse("articles:on-this-day") in html
    assert html.index("Four years ago") < html.index("Twelve years ago")
    assert "Not public" not in html


def test_the_home_page_without_such_articles_says_nothing_of_it(client):
    builders.article(title="Another day", published_on=years_ago(4) - dt.timedelta(days=1))
    assert "On this day" not in client.get(reverse("articles:home")).content.decode()


def test_the_feed_is_atom_with_this_day_in_earlier_years(client, days):
    response = client.get(reverse("articles:feed-on-this-day"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert [e.find(f"{A}title").text for e in root.findall(f"{A}entry")] == [
        "Four years ago",
        "Twelve years ago",
    ]
    assert "on this day" in root.find(f"{A}title").text


def test_the_page_asks_a_handful_of_queries_however_long_the_archive(client, days):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    builders.article(title="Long ago", published_on=dt.date(1901, 1, 1))  # a century of dates
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("articles:on-this-day"))
    assert len(queries) <= 6, [q["sql"] for q in queries]


def test_the_pages_follow_one_order_from_the_newest_year_to_the_oldest(client):
    """Each page is chosen by the index, then read whole: page two goes on where page one
    stopped, the same year's articles newest first, the latest published first on a tie."""
    made = []
    for n in range(26):
        day = years_ago(4 * (1 + n // 3))
        made.append(builders.article(title=f"Article {n}", published_on=day))
    builders.article(title="Not public", published_on=years_ago(4), status=Article.Status.DRAFT)
    pages = [
        titles(client.get(reverse("articles:on-this-day"), {"page": number})) for number in (1, 2)
    ]
    expected = [a.title for a in sorted(made, key=lambda a: (-a.published_on.year, -a.pk))]
    assert pages[0] == expected[:20] and pages[1] == expected[20:]
    html = client.get(reverse("articles:on-this-day"), {"page": 2}).content.decode()
    assert "26 articles" in html
