"""A real browser for page tests: headless Debian Chromium driven by Playwright.

Fixtures:
- ``browser``: one Chromium for the session (``/usr/bin/chromium``, or
  ``$UNMENTORING_CHROMIUM``). Playwright cannot download browsers here.
- ``page``: a fresh context and page per test, with ``live_server`` as its
  base URL, JavaScript on. ``@pytest.mark.parametrize("page", [False],
  indirect=True)`` turns JavaScript off (``[True, False]`` runs both).
  ``page.javascript_enabled`` says which; ``page.console_errors`` lists console errors and uncaught exceptions, which
  is where a Content Security Policy violation shows up; ``page.asset_errors``
  lists stylesheets, scripts and images that failed to load.

Helpers live in ``tests/browser/helpers.py``: ``assert_accessible(page)``
(axe-core, WCAG 2.2 AA) and ``screenshot(page, name)``.

Nothing is skipped: without Chromium, ``node_modules`` or the built assets,
browser tests fail and say what to install.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in the test's thread; the ORM
# calls a test makes between page actions are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("UNMENTORING_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BUILT_CSS = ROOT / "build" / "static" / "app.css"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "(or set UNMENTORING_CHROMIUM to its path)",
            pytrace=False,
        )
    if not BUILT_CSS.exists():
        pytest.fail(f"{BUILT_CSS} is missing: run `npm ci && npm run build` (or `make assets`)", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(request, browser, live_server):
    javascript_enabled = getattr(request, "param", True)
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=javascript_enabled,
        viewport={"width": 1024, "height": 768},
        locale="en-GB",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.javascript_enabled = javascript_enabled
    # A click that submits a form returns once the next page has begun, when its title is still empty
    # (seen on a busy machine): the title is read once that page's document is parsed.
    title_now = page.title

    def title_when_parsed() -> str:
        page.wait_for_load_state("domcontentloaded")
        return title_now()

    page.title = title_when_parsed
    page.console_errors = []
    page.asset_errors = []

    def on_console(message):
        # A failed load is reported by on_response, with its URL.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page.console_errors.append(message.text)

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            page.asset_errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.on("response", on_response)
    page.on("requestfailed", lambda request: page.asset_errors.append(f"failed {request.url}"))
    yield page
    context.close()
