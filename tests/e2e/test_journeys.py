"""What readers and editors do, in a real browser: browse to an article, search and refine,
pick a suggestion from the keyboard, add an article in the admin and withdraw it."""

import re

import pytest

from tests.e2e import skip_unless_browser

skip_unless_browser()

from playwright.sync_api import expect  # noqa: E402  (only once the browser is known to exist)


def results_heading(page):
    return page.locator("#results-title")


def test_browse_from_the_home_page_to_an_article(page, archive, console):
    page.goto("/")
    # The first Tab reaches the skip link, which leads to the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    page.get_by_role("link", name="2019", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2019")
    page.get_by_role("link", name="September").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("September 2019")
    page.get_by_role("link", name="Talks on Idlib resume in Sochi").click()

    expect(page).to_have_url(re.compile(re.escape(archive.sochi.get_absolute_url()) + "$"))
    article = page.locator("article.article")
    expect(article.get_by_role("heading", level=1)).to_have_text("Talks on Idlib resume in Sochi")
    expect(article).to_have_attribute("lang", "en")
    expect(article).to_have_attribute("dir", "ltr")
    assert not console.errors


def test_a_persian_article_reads_right_to_left(page, archive):
    page.goto(archive.persian.get_absolute_url())
    article = page.locator("article.article")
    expect(article).to_have_attribute("lang", "fa")
    expect(article).to_have_attribute("dir", "rtl")
    # The title's first (Persian) word starts at the right-hand edge of the column.
    box = article.get_by_role("heading", level=1).bounding_box()
    words = page.evaluate(
        """() => {
            const h1 = document.querySelector('article.article h1');
            const range = document.createRange();
            range.setStart(h1.firstChild, 0);
            range.setEnd(h1.firstChild, 3);
            return range.getBoundingClientRect().right;
        }"""
    )
    assert abs(box["x"] + box["width"] - words) < 2
    # Headings and body in a face made for Persian, not the Latin serif.
    for selector in ("article.article h1", "article.article .body"):
        font = page.locator(selector).evaluate("(el) => getComputedStyle(el).fontFamily")
        assert font.startswith('Vazirmatn, "Noto Naskh Arabic"'), (selector, font)


def test_search_refine_by_facet_and_dates_then_open_a_result(page, archive, console, screenshot):
    page.goto("/")
    # autocomplete.js makes the search boxes comboboxes.
    box = page.get_by_role("combobox", name="Search the archive")
    box.fill("Idlib")
    box.press("Enter")
    expect(results_heading(page)).to_have_text("4 results")

    facets = page.get_by_role("complementary", name="Refine results")
    facets.get_by_role("link", name="Omar Haddad").click()
    expect(results_heading(page)).to_have_text("2 results")
    expect(page.get_by_role("list", name="Active filters")).to_contain_text("Author: Omar Haddad")

    form = page.locator("form.search-form")
    form.get_by_label("From").fill("2020-01-01")
    form.get_by_role("button", name="Search").click()
    expect(results_heading(page)).to_have_text("1 result")
    expect(page).to_have_url(re.compile(r"from=2020-01-01"))
    expect(page.get_by_role("list", name="Active filters")).to_contain_text("Omar Haddad")
    screenshot(page, "search-refined")

    page.locator(".results").get_by_role("link", name="Idlib families face a hard winter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Idlib families face a hard winter")
    assert not console.errors


@pytest.mark.parametrize(
    ("typed", "label", "heading"),
    [
        ("Ceasef", "Ceasefire holds in Idlib", "Ceasefire holds in Idlib"),
        ("Omar", "Omar Haddad", "Omar Haddad"),
        ("Erdo", "Recep Tayyip Erdogan", "Recep Tayyip Erdogan"),
    ],
    ids=["article", "author", "entity"],
)
def test_autocomplete_from_the_keyboard(page, archive, console, typed, label, heading):
    page.goto("/")
    box = page.locator("#home-q")
    box.focus()
    box.press_sequentially(typed, delay=40)

    options = page.get_by_role("listbox", name="Suggestions").get_by_role("option")
    expect(options.first).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    first = options.first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(first).to_contain_text(label)
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert not console.errors


def test_an_editor_adds_an_article_and_withdraws_it(
    page, archive, django_user_model, console, screenshot
):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a long pass phrase")
    title = "Zeppelin sighted over the harbour"

    page.goto("/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a long pass phrase")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    page.goto("/admin/articles/article/add/")
    page.locator("#id_title").press_sequentially(title)
    # The admin's own script fills the slug in as the title is typed.
    expect(page.locator("#id_slug")).to_have_value("zeppelin-sighted-over-the-harbour")
    page.locator("#id_body").fill(
        "A grey zeppelin hung over the harbour all morning.\n\nNobody knew whose it was."
    )
    page.locator("#id_status").select_option("published")
    page.locator("#id_published_on").fill("2021-05-04")
    page.locator("#id_language").fill("en")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto("/search/?q=zeppelin")
    expect(results_heading(page)).to_have_text("1 result")
    page.locator(".results").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    article_url = page.url

    page.goto("/admin/articles/article/?q=zeppelin")
    page.get_by_role("row", name=re.compile(title)).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("withdraw_selected")
    page.get_by_role("button", name="Run").or_(page.get_by_role("button", name="Go")).click()
    expect(page.locator(".messagelist")).to_contain_text("1 article withdrawn.")
    screenshot(page, "admin-withdrawn")

    page.goto("/search/?q=zeppelin")
    expect(results_heading(page)).to_have_text("0 results")
    expect(page.locator(".results")).not_to_contain_text(title)
    assert page.goto(article_url).status == 404
    # The admin's scripts and styles work under the Content-Security-Policy too.
    assert not console.errors


PHONE_PAGES = {
    "home": lambda a: "/",
    "article-ltr": lambda a: a.sochi.get_absolute_url(),
    "article-rtl": lambda a: a.persian.get_absolute_url(),
    "search-results": lambda a: "/search/?q=Idlib",
    "entity": lambda a: a.idlib.get_absolute_url(),
    "archive-index": lambda a: "/archive/",
}


@pytest.mark.parametrize("name", PHONE_PAGES)
def test_pages_fit_a_phone(phone, archive, screenshot, name):
    phone.goto(PHONE_PAGES[name](archive))
    # Nothing wider than the screen: no sideways scrolling to read a line. (A phone widens
    # its layout viewport to fit content that overflows, so compare with the screen.)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= phone.viewport_size["width"]
    screenshot(phone, f"phone-{name}")


@pytest.mark.parametrize("url", ["/archive/", "/search/?q=Idlib"], ids=["years", "search-hits"])
def test_charts_are_readable_on_a_phone(phone, archive, url):
    phone.goto(url)
    labels = phone.locator(".chart-axis text:not(.chart-axis-name)")
    expect(labels.first).to_be_visible()
    shown = phone.evaluate(
        """() => [...document.querySelectorAll('.chart-axis text:not(.chart-axis-name)')]
            .filter((t) => getComputedStyle(t).display !== 'none')
            .map((t) => {
                const box = t.getBoundingClientRect();
                const size = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
                return {left: box.left, right: box.right, size: size};
            })"""
    )
    assert shown
    # As large as the text around it, more or less, and space between two labels.
    assert all(label["size"] >= 11 for label in shown), shown
    assert all(a["right"] + 4 <= b["left"] for a, b in zip(shown, shown[1:], strict=False)), shown


def facet(tab, name):
    return tab.locator("details.facet").filter(has=tab.get_by_role("heading", name=name))


def test_facets_collapse_on_a_phone_and_open_from_the_keyboard(phone, archive, console):
    phone.on("console", console.on_console)
    phone.on("pageerror", lambda exc: console.errors.append(str(exc)))
    phone.goto("/search/?q=Idlib")
    groups = phone.locator("details.facet")
    expect(groups.first).to_be_visible()
    assert groups.count() >= 4
    # static/js/facets.js closes every group on a phone: a short list of headings.
    for i in range(groups.count()):
        expect(groups.nth(i)).not_to_have_attribute("open", "")
    author = facet(phone, "Author")
    omar = author.get_by_role("link", name="Omar Haddad")
    expect(omar).to_be_hidden()

    # Tab reaches each heading in turn; Enter opens a group, Space closes it again.
    summary = author.locator("summary")
    facet(phone, "Section").locator("summary").focus()
    phone.keyboard.press("Tab")
    expect(summary).to_be_focused()
    phone.keyboard.press("Enter")
    expect(author).to_have_attribute("open", "")
    expect(omar).to_be_visible()
    phone.keyboard.press("Space")
    expect(omar).to_be_hidden()
    phone.keyboard.press("Enter")

    # Into the open group with Tab, and choose a filter from the keyboard.
    phone.keyboard.press("Tab")
    first = author.get_by_role("link").first
    expect(first).to_be_focused()
    name = first.inner_text()
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("list", name="Active filters")).to_contain_text(f"Author: {name}")
    # The group holding the chosen filter stays open; the others are closed.
    expect(facet(phone, "Author")).to_have_attribute("open", "")
    expect(facet(phone, "Publication")).not_to_have_attribute("open", "")
    assert not console.errors


def test_facets_work_without_javascript(phone_without_script, archive):
    tab = phone_without_script
    tab.goto("/search/?q=Idlib")
    # Without the script every group stays as the server sent it: open.
    omar = facet(tab, "Author").get_by_role("link", name="Omar Haddad")
    expect(omar).to_be_visible()
    omar.click()
    expect(results_heading(tab)).to_have_text("2 results")


def test_the_site_has_its_own_icon(page, archive):
    page.goto("/")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert href.startswith("/static/")
    icon = page.request.get(href)
    assert icon.ok and icon.headers["content-type"].startswith("image/svg+xml")


def test_an_article_prints_without_the_sites_chrome(page, archive, console, screenshot):
    page.goto(archive.sochi.get_absolute_url())
    chrome = [
        page.locator(".site-header"),
        page.get_by_role("search", name="Site search"),
        page.locator(".site-footer"),
        page.get_by_role("heading", name="In this article"),
        page.get_by_role("heading", name="Related articles"),
    ]
    for part in chrome:
        expect(part).to_be_visible()

    page.emulate_media(media="print")
    for part in chrome:
        expect(part).to_be_hidden()
    article = page.locator("article.article")
    expect(article.get_by_role("heading", level=1)).to_be_visible()
    expect(article.locator(".meta")).to_contain_text("5 September 2019")
    expect(page.get_by_role("heading", name="Cite this article")).to_be_visible()
    expect(page.locator(".citation-text")).to_be_visible()
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith('"Iowan Old Style"') and font.endswith("serif"), font
    # A printed link cannot be followed, so the source's address is printed beside it.
    source = page.locator(".source a").evaluate("(a) => getComputedStyle(a, '::after').content")
    assert "https://news.example.org/2019/09/05/idlib-talks" in source
    screenshot(page, "print-article")

    page.emulate_media(media="screen")
    expect(chrome[0]).to_be_visible()
    assert not console.errors


def test_search_results_print_without_the_form_and_filters(page, archive):
    page.goto("/search/?q=Idlib")
    page.emulate_media(media="print")
    expect(page.locator("form.search-form")).to_be_hidden()
    expect(page.get_by_role("complementary", name="Refine results")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(results_heading(page)).to_have_text("4 results")
    expect(page.locator(".results .card").first).to_be_visible()
