"""/on-this-day/ in a real browser: reached from the date archive, stepped day by day, the
articles of that day in earlier years under their year, and axe-core finds nothing serious
or critical on a desktop or a phone."""

import re

from tests.e2e import skip_unless_browser

skip_unless_browser()

from playwright.sync_api import expect  # noqa: E402  (only once the browser is known to exist)

from tests.e2e.test_accessibility import assert_none_blocking  # noqa: E402


def test_a_reader_steps_to_a_day_and_finds_its_earlier_years(
    page, archive, axe, screenshot, console
):
    page.goto("/archive/")
    page.get_by_role("link", name="On this day in earlier years").click()
    expect(page).to_have_url(re.compile(r"/on-this-day/$"))
    page.goto("/on-this-day/9/4/")
    days = page.get_by_role("navigation", name="Other days")
    days.get_by_role("link", name="5 September →").click()
    expect(page).to_have_url(re.compile(r"/on-this-day/9/5/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("On this day: 5 September")
    year = page.get_by_role("region", name="2019")
    expect(year.get_by_role("link", name="Talks on Idlib resume in Sochi")).to_be_visible()
    year.get_by_role("link", name="2019").click()
    expect(page).to_have_url(re.compile(r"/archive/2019/9/5/$"))
    page.go_back()
    screenshot(page, "on-this-day")
    assert_none_blocking(axe(page, "on-this-day"))
    assert not console.errors


def test_on_a_phone(phone, archive, axe):
    assert phone.goto("/on-this-day/9/5/").status == 200
    assert_none_blocking(axe(phone, "phone-on-this-day"))
