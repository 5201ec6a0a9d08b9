"""/trends/ in a real browser: axe-core finds nothing serious or critical on a desktop or a
phone, the legend works from the keyboard without JavaScript, the page fits a phone's
width, and print leaves the chart and the table."""

import pytest

from tests.e2e import skip_unless_browser

skip_unless_browser()

from playwright.sync_api import expect  # noqa: E402  (only once the browser is known to exist)

from tests.e2e.test_accessibility import assert_none_blocking  # noqa: E402

TRENDS = "/trends/?q=Idlib&q=NATO&q=%22safe+passage%22"
# The same with filters of each query's own (the numbered form, as the page's form sends).
OWN = (
    "/trends/?q1=Idlib&f1=publication%3AThe+Daily+Record&q2=Idlib"
    "&f2=publication%3ATehran+Chronicle&q3=NATO&from3=2019-01-01"
)


@pytest.mark.parametrize("split", ["", "&split=language"])
def test_no_serious_or_critical_violations(page, archive, axe, screenshot, console, split):
    response = page.goto(TRENDS + split)
    assert response.status == 200
    expect(page.get_by_role("img", name="Share of articles per month matching each query"))
    screenshot(page, f"trends{split.replace('&split=', '-')}")
    assert_none_blocking(axe(page, f"trends{split.replace('&split=', '-')}"))
    assert not console.errors


def test_queries_with_filters_of_their_own_have_no_violations(page, archive, axe, screenshot):
    assert page.goto(OWN).status == 200
    expect(page.get_by_role("group", name="Query 2")).to_be_visible()
    expect(
        page.locator(".trend-legend .series-name", has_text="Idlib [Publication: Tehran Chronicle]")
    ).to_be_visible()
    expect(page.get_by_role("checkbox", name="Publication: Tehran Chronicle")).to_be_checked()
    screenshot(page, "trends-own-filters")
    assert_none_blocking(axe(page, "trends-own-filters"))


def test_a_query_gets_its_own_filter_from_the_form_without_javascript(
    phone_without_script, archive
):
    phone = phone_without_script
    assert phone.goto("/trends/?q=Idlib").status == 200
    query = phone.get_by_role("group", name="Query 2")
    query.get_by_label("Words, phrase or query").fill("Idlib")
    query.locator("summary").click()  # the details element opens without script
    query.get_by_label("Add a filter").fill("publication:Tehran Chronicle")
    query.get_by_label("Add a filter").press("Enter")
    phone.wait_for_url("**f2=publication%3ATehran+Chronicle**")
    expect(
        phone.locator(
            ".trend-legend .series-name", has_text="Idlib [Publication: Tehran Chronicle]"
        )
    ).to_have_count(1)
    expect(phone.locator(".trend-legend .series-name")).to_have_count(2)


def test_the_empty_form_has_no_violations(page, archive, axe):
    assert page.goto("/trends/").status == 200
    assert_none_blocking(axe(page, "trends-form"))


def test_on_a_phone(phone, archive, axe, screenshot):
    assert phone.goto(TRENDS).status == 200
    # Nothing wider than the screen: the table scrolls inside its own box.
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    screenshot(phone, "trends-phone")
    assert_none_blocking(axe(phone, "trends-phone"))


def test_the_legend_works_from_the_keyboard_without_javascript(phone_without_script, archive):
    phone = phone_without_script
    assert phone.goto(TRENDS).status == 200
    # Focus "Hide" for the first series, press Enter: the page comes back without it.
    hide = phone.get_by_role("link", name="Hide “Idlib” from the chart")
    hide.focus()
    hide.press("Enter")
    phone.wait_for_url("**hide=0**")
    expect(phone.locator("#trends-chart .chart-series-0")).to_have_count(0)
    expect(phone.locator("#trends-chart .chart-series-1")).to_have_count(1)
    expect(phone.get_by_role("link", name="Show “Idlib” in the chart")).to_be_visible()


def test_print_keeps_the_chart_and_table(page, archive):
    page.goto(TRENDS)
    page.emulate_media(media="print")
    expect(page.locator(".trends-form")).to_be_hidden()
    expect(page.locator("#trends-chart svg")).to_be_visible()
    expect(page.locator(".trends-table")).to_be_visible()
