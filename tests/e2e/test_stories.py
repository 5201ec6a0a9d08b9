"""The same story in many papers, in a real browser: the article page's "Other versions of
this story" and what differs, the search page's "one result per story" switch, and the
story admin (confirm, merge, split out); axe-core finds nothing serious or critical, and
each is used from the keyboard alone."""

import datetime as dt
import re

import pytest

from tests.e2e import skip_unless_browser

skip_unless_browser()

from playwright.sync_api import expect  # noqa: E402  (only once the browser is known to exist)

from articles import stories  # noqa: E402
from articles.models import Story, StoryExclusion, StoryVersion  # noqa: E402
from articles.search.indexing import deferred_indexing  # noqa: E402
from tests import builders  # noqa: E402
from tests.e2e.test_accessibility import assert_none_blocking  # noqa: E402
from tests.test_stories import OTHER, SAME_TOPIC, WIRE, body  # noqa: E402

PASSWORD = "a long pass phrase"


@pytest.fixture
def wire(transactional_db, search_index, live_server):
    """A wire story in three versions (the original, a cut reprint, a corrected re-send),
    another story on the same topic and an unrelated one, indexed and grouped."""
    title = "Port Elmstead to dredge northern channel from March"
    with deferred_indexing():
        original = builders.article(title, body(WIRE), published_on=dt.date(2020, 3, 3))
        cut = builders.article(
            "Dredging to begin", body(WIRE[:3]), published_on=dt.date(2020, 3, 4)
        )
        corrected = builders.article(
            f"CORRECTED - {title}",
            body([WIRE[0].replace("Tuesday", "Wednesday"), *WIRE[1:]]),
            published_on=dt.date(2020, 3, 3),
        )
        topic = builders.article("Dredging goes ahead", body(SAME_TOPIC))
        libraries = builders.article("Lindmoor to close three libraries", body(OTHER))
    stories.find_stories()
    return original, cut, corrected, topic, libraries


def test_other_versions_and_what_differs_from_the_keyboard(page, wire, axe, screenshot, console):
    original, cut, corrected, *_ = wire
    assert page.goto(original.get_absolute_url()).status == 200
    block = page.get_by_role("region", name="Other versions of this story (2)")
    expect(block).to_be_visible()
    expect(block.get_by_role("link", name=cut.title)).to_be_visible()
    expect(block.get_by_role("link", name=corrected.title)).to_be_visible()
    assert_none_blocking(axe(page, "story-versions"))

    # What differs opens from the keyboard: Tab to its summary, Enter.
    summary = block.locator("summary").filter(has_text="the headline").first
    changes = block.locator(".version-changes").first
    expect(changes).to_be_hidden()
    page.keyboard.press("Tab")
    for _ in range(60):
        if summary.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("the summary of what differs is never reached with Tab")
    page.keyboard.press("Enter")
    expect(changes).to_be_visible()
    expect(changes.locator("del, ins").first).to_be_visible()
    screenshot(page, "story-versions-open")
    assert_none_blocking(axe(page, "story-versions-open"))

    # Follow a version from the keyboard: its own page lists the other two.
    block.get_by_role("link", name=cut.title).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(cut.title)
    expect(page.get_by_role("region", name="Other versions of this story (2)")).to_be_visible()
    assert not console.errors


def test_one_result_per_story_switch_from_the_keyboard(page, wire, axe, screenshot, console):
    assert page.goto("/search/?q=channel").status == 200
    expect(page.locator("#results-title")).to_have_text("4 results")
    switch = page.get_by_label("One result per story")
    switch.focus()
    page.keyboard.press("Space")
    expect(switch).to_be_checked()
    page.get_by_role("search", name="Search and refine").get_by_role("button").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"story=1"))
    expect(page.locator("#results-title")).to_have_text("2 results")
    expect(page.locator(".story-note")).to_have_text(
        "One result per story: 2 stories among 4 matching articles."
    )
    expect(page.locator(".story-versions-count")).to_have_text("3 versions of this story match")
    expect(page.get_by_label("One result per story")).to_be_checked()
    screenshot(page, "search-one-per-story")
    assert_none_blocking(axe(page, "search-one-per-story"))
    assert not console.errors


def _log_in(page, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    page.goto("/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def _run_action(page, story_titles, action):
    for title in story_titles:
        box = page.get_by_role("row", name=re.compile(re.escape(title))).get_by_role("checkbox")
        box.focus()
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    page.locator("select[name=action]").select_option(action)
    page.get_by_role("button", name="Run").or_(page.get_by_role("button", name="Go")).click()


def test_story_admin_confirm_merge_and_split(
    page, wire, django_user_model, axe, screenshot, console
):
    original, cut, corrected, topic, libraries = wire
    story = Story.objects.get()
    side = Story.objects.create(title="Lindmoor and dredging")
    StoryVersion.objects.create(story=side, article=topic)
    StoryVersion.objects.create(story=side, article=libraries)
    _log_in(page, django_user_model)

    page.goto("/admin/articles/story/")
    expect(page.get_by_role("row", name=re.compile(re.escape(story.title)))).to_be_visible()
    screenshot(page, "admin-stories")
    assert_none_blocking(axe(page, "admin-stories"))

    _run_action(page, [story.title], "confirm_selected")
    expect(page.locator(".messagelist")).to_contain_text("1 stories confirmed.")
    story.refresh_from_db()
    assert story.confirmed

    _run_action(page, [story.title, side.title], "merge_selected")
    expect(page.locator(".messagelist")).to_contain_text("Merged into story")
    assert Story.objects.count() == 1
    assert set(story.versions.values_list("article_id", flat=True)) == {
        a.pk for a in (original, cut, corrected, topic, libraries)
    }

    # Split the two unrelated articles out, from the keyboard: they become a story of
    # their own, kept apart from this one.
    page.goto(f"/admin/articles/story/{story.pk}/change/")
    screenshot(page, "admin-story")
    rows = page.locator("#versions-group tr.form-row")
    for article in (topic, libraries):
        row = rows.filter(has=page.locator(f"input[value='{article.pk}']"))
        box = row.get_by_role("checkbox")
        box.focus()
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    page.get_by_role("button", name="Save and continue editing").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("2 articles split out of this story")
    versions = set(story.versions.values_list("article_id", flat=True))
    assert versions == {original.pk, cut.pk, corrected.pk}
    assert StoryExclusion.objects.filter(story=story, article=topic).exists()
    new = Story.objects.exclude(pk=story.pk).get()
    assert set(new.versions.values_list("article_id", flat=True)) == {topic.pk, libraries.pk}
    assert not console.errors
    # Last: on this page axe-core itself sets an inline style, which the CSP refuses (an
    # error in the console that is axe's, not the page's).
    assert_none_blocking(axe(page, "admin-story"))
