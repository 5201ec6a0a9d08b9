"""The article page in a real browser (issue 20): the sidebar beside the text on a wide
screen and after it on a phone, left to right and right to left; the searched words marked,
stepped through with the bar's links (without JavaScript too) and the keys n and p, and the
way back to the results; axe-core on all of it."""

import re

import pytest

from tests.e2e import skip_unless_browser

skip_unless_browser()

from playwright.sync_api import expect  # noqa: E402  (only once the browser is known to exist)

from tests.e2e.conftest import PHONE  # noqa: E402
from tests.e2e.test_accessibility import assert_none_blocking  # noqa: E402

SIDEBAR_ORDER = [".article-facts", ".article-entities", ".article-related", ".citation"]


def box(tab, selector: str) -> dict:
    found = tab.locator(selector).first.bounding_box()
    assert found, f"{selector} is not shown"
    return found


def no_sideways_scroll(tab) -> None:
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= tab.viewport_size["width"], f"the page is {width}px wide"


def sidebar_in_order(tab) -> None:
    tops = [box(tab, f".article-aside {selector}")["y"] for selector in SIDEBAR_ORDER]
    assert tops == sorted(tops)


@pytest.mark.parametrize("which", ["sochi", "persian"], ids=["ltr", "rtl"])
def test_on_a_wide_screen_the_sidebar_stands_beside_the_text(page, archive, screenshot, which):
    article = getattr(archive, which)
    page.goto(article.get_absolute_url())
    body, aside = box(page, "article.article .body"), box(page, ".article-aside")
    assert aside["x"] >= body["x"] + body["width"]  # to the right, not below
    assert aside["y"] < body["y"] + body["height"]
    assert body["width"] <= 42 * 16 + 1  # the text keeps its measure
    sidebar_in_order(page)
    if which == "sochi":  # the only Persian article has no neighbours to move on to
        # "Moving on" follows the text, in the text's column.
        moving_on = box(page, ".moving-on")
        assert moving_on["y"] > body["y"] + body["height"]
        assert moving_on["x"] + moving_on["width"] <= aside["x"]
    no_sideways_scroll(page)
    screenshot(page, f"article-desktop-{which}")


@pytest.mark.parametrize("which", ["sochi", "persian"], ids=["ltr", "rtl"])
def test_on_a_phone_the_same_blocks_follow_the_text(phone, archive, screenshot, which):
    article = getattr(archive, which)
    phone.goto(article.get_absolute_url())
    body = box(phone, "article.article .body")
    assert box(phone, ".article-aside")["y"] >= body["y"] + body["height"]
    sidebar_in_order(phone)
    if which == "sochi":
        assert box(phone, ".moving-on")["y"] > box(phone, ".citation")["y"]
    no_sideways_scroll(phone)
    expect(phone.locator("article.article")).to_have_attribute("dir", article.direction)
    screenshot(phone, f"article-phone-{which}")


def test_entities_are_grouped_people_first(page, archive):
    page.goto(archive.sochi.get_absolute_url())
    groups = page.locator(".article-entities h3")
    expect(groups).to_have_text(["People", "Organisations", "Places"])
    people = page.locator(".entity-group-person li")
    expect(people).to_contain_text(["Recep Tayyip Erdogan"])
    expect(people.first.locator(".count")).to_contain_text("1")


def test_from_a_search_the_matches_are_marked_and_stepped_through(page, archive, console):
    page.goto("/search/?q=Idlib&sort=oldest")
    page.get_by_role("link", name="Talks on Idlib resume in Sochi").click()
    expect(page).to_have_url(re.compile(r"/articles/[^?]+/\?q=Idlib&sort=oldest$"))
    marks = page.locator("mark[id^=match-]")
    expect(marks).to_have_count(2)
    title_mark = page.locator("h1 mark")
    expect(title_mark).to_have_text("Idlib")
    bar = page.get_by_role("navigation", name="Search matches")
    expect(bar).to_contain_text("2 matches for “Idlib”")
    expect(bar.locator(".match-keys")).to_have_text("keys n p")

    page.keyboard.press("n")
    expect(page).to_have_url(re.compile("#match-1$"))
    expect(page.locator("#match-1")).to_have_class(re.compile("current"))
    expect(bar).to_contain_text("Match 1 of 2")
    page.keyboard.press("n")
    expect(page).to_have_url(re.compile("#match-2$"))
    expect(bar).to_contain_text("Match 2 of 2")
    second = box(page, "#match-2")
    assert second["y"] >= box(page, ".match-bar")["y"] + box(page, ".match-bar")["height"]
    page.keyboard.press("n")  # round to the first again
    expect(page).to_have_url(re.compile("#match-1$"))
    page.keyboard.press("p")
    expect(page).to_have_url(re.compile("#match-2$"))
    bar.get_by_role("link", name="Previous match").click()
    expect(page).to_have_url(re.compile("#match-1$"))

    # Typing n in the search box is typing, not a step.
    page.locator("#site-q").fill("")
    page.locator("#site-q").press("n")
    expect(page).to_have_url(re.compile("#match-1$"))

    # The permalink stays the permalink; the way back is the same results page.
    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    assert canonical.endswith(archive.sochi.get_absolute_url())
    expect(page.locator(".citation .permalink a")).to_have_attribute("href", canonical)
    bar.get_by_role("link", name="Back to the results").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=Idlib&sort=oldest$"))
    assert not console.errors


def test_the_bar_works_without_javascript(phone_without_script, archive, screenshot):
    tab = phone_without_script
    tab.goto(archive.ceasefire.get_absolute_url() + "?q=ceasefire")
    screenshot(tab, "article-searched-phone-without-script")
    bar = tab.get_by_role("navigation", name="Search matches")
    expect(bar).to_contain_text("2 matches")
    expect(bar.locator(".match-keys")).to_have_count(0)  # no keys without the script
    bar.get_by_role("link", name="Next match").click()
    expect(tab).to_have_url(re.compile("#match-1$"))
    expect(tab.locator("#match-1")).to_be_in_viewport()
    bar.get_by_role("link", name="Previous match").click()
    expect(tab).to_have_url(re.compile("#match-2$"))
    expect(tab.locator("#match-2")).to_be_in_viewport()
    bar_box = box(tab, ".match-bar")
    assert box(tab, "#match-2")["y"] >= bar_box["y"] + bar_box["height"]  # not under the bar
    no_sideways_scroll(tab)


def test_persian_matches_are_marked_whatever_the_spelling(page, archive, screenshot):
    # Arabic kaf and yeh in the query; Persian keheh and yeh in the text.
    page.goto(archive.persian.get_absolute_url() + "?q=تركيه گفت")
    expect(page.locator(".body mark")).to_have_text(["ترکیه", "گفت"])  # not گفتند
    expect(page.locator("h1 mark")).to_have_text(["گفت"])
    expect(page.locator("article.article")).to_have_attribute("dir", "rtl")
    # Stepping goes in reading order, title first, whatever the direction of the text.
    page.keyboard.press("n")
    expect(page).to_have_url(re.compile("#match-1$"))
    expect(page.locator("#match-1")).to_have_class(re.compile("current"))
    page.keyboard.press("n")
    expect(page.locator("#match-2")).to_have_text("ترکیه")
    expect(page.locator(".match-bar")).to_contain_text("Match 2 of 3")
    bar = box(page, ".match-bar")
    assert bar["x"] + bar["width"] <= box(page, ".article-aside")["x"]  # in the text's column
    screenshot(page, "article-searched-rtl")


@pytest.mark.parametrize(
    ("which", "query", "viewport"),
    [
        ("sochi", "Idlib", None),
        ("persian", "تركيه", None),
        ("sochi", "Idlib", PHONE),
        ("persian", "تركيه", PHONE),
    ],
    ids=["ltr-desktop", "rtl-desktop", "ltr-phone", "rtl-phone"],
)
def test_no_serious_or_critical_violations_on_a_searched_article(
    page, archive, axe, console, which, query, viewport
):
    if viewport:
        page.set_viewport_size(viewport)
    article = getattr(archive, which)
    page.goto(f"{article.get_absolute_url()}?q={query}")
    page.keyboard.press("n")  # with a current match, as a reader stepping through sees it
    name = f"article-searched-{which}-{'phone' if viewport else 'desktop'}"
    assert_none_blocking(axe(page, name))
    # Folded groups open: their contents are checked too.
    page.evaluate("document.querySelectorAll('details').forEach((d) => (d.open = true))")
    assert_none_blocking(axe(page, name + "-open"))
    assert not console.errors
