"""axe-core on every public page family, as a reader's Chromium shows it: no serious or
critical violation anywhere. The counts of every impact are printed at the end of the run
(and written to artefacts/axe.json); each page is also saved as a screenshot."""

import pytest

from tests.e2e import skip_unless_browser

skip_unless_browser()

from playwright.sync_api import expect  # noqa: E402  (only once the browser is known to exist)

BLOCKING = {"serious", "critical"}

PAGES = {
    "home": lambda a: "/",
    "article-ltr": lambda a: a.sochi.get_absolute_url(),
    "article-rtl": lambda a: a.persian.get_absolute_url(),
    "search-results": lambda a: "/search/?q=Idlib",
    "search-none": lambda a: "/search/?q=zeppelin",
    "author": lambda a: a.sochi.ordered_authors()[0].get_absolute_url(),
    "entity": lambda a: a.idlib.get_absolute_url(),
    "archive-index": lambda a: "/archive/",  # with its chart of articles per year
    "archive-year": lambda a: "/archive/2019/",
    "archive-month": lambda a: "/archive/2019/9/",
    "not-found": lambda a: "/no/such/page/",
    # The rest of the public site, beyond what the issue asks for.
    "search-form": lambda a: "/search/",
    "archive-day": lambda a: "/archive/2019/9/5/",
    "authors": lambda a: "/authors/",
    "entities": lambda a: "/entities/",
    "publications": lambda a: "/publications/",
    "publication": lambda a: a.sochi.publication.get_absolute_url(),
    "section": lambda a: a.sochi.section.get_absolute_url(),
}


def assert_none_blocking(violations):
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, "\n".join(
        f"[{v['impact']}] {v['id']}: {v['help']} at {v['nodes']}\n  {v['summary']}"
        for v in blocking
    )


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_or_critical_violations(page, archive, axe, screenshot, console, name):
    response = page.goto(PAGES[name](archive))
    assert response.status == (404 if name == "not-found" else 200)
    screenshot(page, name)

    assert_none_blocking(axe(page, name))
    # A broken asset, or a style or script the Content-Security-Policy refused.
    assert not console.errors


def test_the_open_list_of_suggestions(page, archive, axe, screenshot):
    page.goto("/")
    box = page.locator("#home-q")
    box.press_sequentially("Ceasef", delay=40)
    option = page.get_by_role("option", name="Ceasefire holds in Idlib")
    expect(option).to_be_visible()
    box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    screenshot(page, "autocomplete")

    assert_none_blocking(axe(page, "autocomplete-open"))


# On a phone: the closed facets, the charts with their larger text, right-to-left reading.
PHONE_PAGES = {
    "phone-search-results": lambda a: "/search/?q=Idlib",
    "phone-archive-index": lambda a: "/archive/",
    "phone-article-rtl": lambda a: a.persian.get_absolute_url(),
}


@pytest.mark.parametrize("name", PHONE_PAGES)
def test_no_serious_or_critical_violations_on_a_phone(phone, archive, axe, name):
    assert phone.goto(PHONE_PAGES[name](archive)).status == 200
    assert_none_blocking(axe(phone, name))


def test_the_date_archive_chart_is_an_image_with_a_name(page, archive):
    page.goto("/archive/")
    chart = page.get_by_role("img", name="Published articles per year")
    expect(chart).to_be_visible()
    expect(page.locator("#articles-per-year table")).to_contain_text("2019")
    # Its numbers are in the hidden table for a screen reader: 3 articles in 2019.
    row = page.locator("#articles-per-year tbody tr").filter(has_text="2019")
    expect(row.locator("td")).to_have_text("3")
