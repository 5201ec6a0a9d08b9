"""Fixtures for the browser tests: one headless Chromium for the package, a fresh context
per test, a small archive built through tests/builders.py and put in the search index, and
axe-core for the accessibility checks.

The live server runs in a thread of this process with the test settings (DEBUG off), and
sees only committed data: these tests use the transactional database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from articles.models import Entity
from articles.search.indexing import deferred_indexing
from tests import builders
from tests.e2e import CHROMIUM, missing_browser

ARTEFACTS = Path(settings.BASE_DIR) / "artefacts"
SCREENSHOTS = ARTEFACTS / "screenshots"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000


@pytest.fixture(scope="package")
def live_server():
    """pytest-django's live server, for this package only (pytest-django keeps it for the
    session): its thread stops when the browser tests are done, so that the rest of the suite
    runs in a process without other threads, where extraction may fork its workers
    (articles.entities.parallel) and its tests do not skip."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost")
    yield server
    server.stop()


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the package, closed when the package is done.

    Playwright's sync API keeps an asyncio loop in this thread, and Django refuses ORM calls
    from a thread with a running loop. The tests' ORM calls (and pytest-django's flush after
    each test) are plain blocking calls made between browser steps, which is safe: allowed
    here while the browser lives, and the loop is gone before the rest of the suite runs."""
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    allowed = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if allowed is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE")
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = allowed


@dataclass
class Console:
    """What went wrong in the page: console errors (a refusal by the Content-Security-Policy
    among them) and failed requests for its assets. The site's pages name their icon
    (static/favicon.svg); pages it does not draw itself, the admin's, do not, and the
    browser asks for /favicon.ico instead: that request is not counted."""

    errors: list[str] = field(default_factory=list)

    def on_console(self, message) -> None:
        # A failed request is reported with its address by on_response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def on_response(self, response) -> None:
        asset = response.request.resource_type != "document"
        if response.status >= 400 and asset and not response.url.endswith("/favicon.ico"):
            self.errors.append(f"{response.status} {response.url}")


def _context(browser, live_server, viewport=DESKTOP, **options):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def console():
    return Console()


@pytest.fixture
def page(browser, live_server, console):
    """A page in a fresh context, with the site's Content-Security-Policy in force."""
    context = _context(browser, live_server)
    tab = context.new_page()
    tab.on("console", console.on_console)
    tab.on("response", console.on_response)
    tab.on("pageerror", lambda exc: console.errors.append(str(exc)))
    yield tab
    context.close()


@pytest.fixture
def phone(browser, live_server):
    """A page the size of a phone's screen, with touch."""
    context = _context(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_without_script(browser, live_server):
    """A phone whose reader has turned JavaScript off: what the server sends must work."""
    context = _context(
        browser,
        live_server,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot to artefacts/screenshots/<name>.png (git ignores it)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(tab, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        tab.screenshot(path=str(path), full_page=True)
        return path

    return take


# --- the archive the browser sees -------------------------------------------------------


@dataclass
class Archive:
    sochi: object
    ceasefire: object
    winter: object
    missiles: object
    persian: object
    erdogan: object
    idlib: object


@pytest.fixture
def archive(transactional_db, search_index, live_server):
    """A few published articles, in English and in Persian, over two years, with bylines
    and entities, all in the search index."""
    # The live server sees committed data only, so each save commits and would be indexed
    # on its own; deferred_indexing() indexes the lot once, at the end of the block.
    with deferred_indexing():
        return _build_archive()


def _build_archive() -> Archive:

    PERSON, PLACE, ORG = Entity.Kind.PERSON, Entity.Kind.PLACE, Entity.Kind.ORGANISATION
    record = builders.publication("The Daily Record")
    world = builders.section("World", record)
    tehran = builders.publication("Tehran Chronicle")
    body = (
        "Delegations met on Thursday to discuss the future of the region.\n\n"
        "Officials said the talks would continue next week, after a short pause for "
        "consultations in the capitals.\n\n"
        "Aid groups asked for safe passage for civilians leaving the area."
    )
    sochi = builders.article(
        "Talks on Idlib resume in Sochi",
        body,
        kicker="Diplomacy",
        summary="Turkish and Russian officials return to the table over Idlib.",
        source_url="https://news.example.org/2019/09/05/idlib-talks",
        authors=["Nancy Thomas"],
        entities=[("Recep Tayyip Erdogan", PERSON), ("Idlib", PLACE), ("NATO", ORG)],
        published_on=dt.date(2019, 9, 5),
        pub=record,
        sec=world,
    )
    ceasefire = builders.article(
        "Ceasefire holds in Idlib",
        "The ceasefire in Idlib held for a third day.\n\n" + body,
        authors=["Omar Haddad"],
        entities=[("Idlib", PLACE), ("Recep Tayyip Erdogan", PERSON)],
        published_on=dt.date(2019, 10, 12),
        pub=record,
        sec=world,
    )
    winter = builders.article(
        "Idlib families face a hard winter",
        "Families displaced around Idlib prepare for the cold.\n\n" + body,
        authors=["Omar Haddad", "Nancy Thomas"],
        entities=[("Idlib", PLACE)],
        published_on=dt.date(2020, 1, 15),
        pub=record,
    )
    missiles = builders.article(
        "Missile deal strains NATO ties",
        "The purchase of S-400 missiles strains relations within NATO.\n\n" + body,
        authors=["Nancy Thomas"],
        entities=[("NATO", ORG), ("Recep Tayyip Erdogan", PERSON)],
        published_on=dt.date(2020, 3, 2),
        pub=record,
        sec=world,
    )
    persian = builders.article(
        "گفت‌وگوهای آستانه درباره ادلب و نقش NATO",
        "هیئت‌های ایران، روسیه و ترکیه روز پنجشنبه در آستانه دیدار کردند.\n\n"
        "مقام‌ها گفتند که گفت‌وگوها هفته آینده ادامه خواهد یافت.",
        authors=["Sara Ahmadi"],
        entities=[("Idlib", PLACE)],
        published_on=dt.date(2019, 9, 20),
        pub=tehran,
        language="fa",
    )
    return Archive(
        sochi=sochi,
        ceasefire=ceasefire,
        winter=winter,
        missiles=missiles,
        persian=persian,
        erdogan=Entity.objects.get(name="Recep Tayyip Erdogan"),
        idlib=Entity.objects.get(name="Idlib"),
    )


# --- axe-core ------------------------------------------------------------------------------

AXE_RESULTS: dict[str, dict] = {}
IMPACTS = ("minor", "moderate", "serious", "critical")


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        message = f"axe-core is not installed at {AXE}: run `npm ci` (or `make test`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def axe(page, axe_source):
    """``axe(page, name)`` runs axe-core on what the page shows and returns its violations.

    axe is evaluated through the DevTools protocol, which the page's
    Content-Security-Policy does not govern, so the page is checked as readers get it."""

    def check(tab, name: str) -> list[dict]:
        if not tab.evaluate("typeof window.axe !== 'undefined'"):
            tab.evaluate(axe_source)
        result, incomplete = tab.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ['violations', 'incomplete']});
                const where = (i) => i.nodes.map((n) => n.target.join(' ')).join(', ');
                return [r.violations, r.incomplete.map((i) => `${i.id} (${where(i)})`)];
            }"""
        )
        violations = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]],
                "summary": [n.get("failureSummary", "") for n in v["nodes"]][:3],
            }
            for v in result
        ]
        AXE_RESULTS[name] = {
            "url": tab.url,
            "rules": {i: sum(v["impact"] == i for v in violations) for i in IMPACTS},
            "nodes": {
                i: sum(len(v["nodes"]) for v in violations if v["impact"] == i) for i in IMPACTS
            },
            "violations": violations,
            # What axe could not decide by itself (for a person to look at).
            "incomplete": incomplete,
        }
        return violations

    return check


def pytest_terminal_summary(terminalreporter):
    if not AXE_RESULTS:
        return
    ARTEFACTS.mkdir(exist_ok=True)
    (ARTEFACTS / "axe.json").write_text(json.dumps(AXE_RESULTS, indent=2, ensure_ascii=False))
    write = terminalreporter.write_line
    terminalreporter.section("axe-core violations per page: rules (elements)")
    write(f"{'page':<22}" + "".join(f"{i:>14}" for i in IMPACTS))
    for name, row in sorted(AXE_RESULTS.items()):
        cells = "".join(f"{row['rules'][i]:>8} ({row['nodes'][i]:>3})" for i in IMPACTS)
        write(f"{name:<22}{cells}")
    for name, row in sorted(AXE_RESULTS.items()):
        for v in row["violations"]:
            write(f"  {name}: [{v['impact']}] {v['id']}: {v['help']} {v['nodes'][:3]}")
        if row["incomplete"]:
            write(f"  {name}: to review by hand: {', '.join(row['incomplete'])}")
    write(f"details: {ARTEFACTS / 'axe.json'}")
