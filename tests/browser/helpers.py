"""Helpers for browser tests: an axe-core scan and screenshots."""

import re
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def assert_accessible(page, *, include: str | None = None) -> None:
    """Fail, listing every violation, unless axe-core finds none at WCAG 2.2 AA.

    axe is injected with ``page.evaluate``, which Chromium runs through the
    DevTools protocol: it is not a page script, so the app's Content Security
    Policy neither blocks it nor needs loosening for it. ``include`` is an
    optional CSS selector to scan instead of the whole document.

    With JavaScript off, the page's timers never fire, so axe cannot run in
    it: axe then scans a twin page, in a context with JavaScript on, that is
    served the very same HTML and CSS but none of the page's own scripts.
    """
    if not AXE_SOURCE.exists():
        pytest.fail(f"{AXE_SOURCE} is missing: run `npm ci`", pytrace=False)
    if getattr(page, "javascript_enabled", True):
        violations = _axe_violations(page, include)
    else:
        page.wait_for_load_state("load")  # the twin copies the page: not the blank one a navigation starts with
        with _scripting_twin(page) as twin:
            violations = _axe_violations(twin, include)
    if violations:
        lines = [f"axe found {len(violations)} accessibility violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            lines.extend(f"    {target}" for target in violation["targets"])
        pytest.fail("\n".join(lines), pytrace=False)


def _axe_violations(page, include):
    # A click that navigates returns once the new page has begun; scanning before
    # its stylesheet applies would measure unstyled links (every one too small a
    # target), so wait for the load and make sure every stylesheet took.
    page.wait_for_load_state("load")
    unstyled = page.evaluate(
        "() => [...document.querySelectorAll('link[rel=stylesheet]')].filter(l => !l.sheet).map(l => l.href)")
    if unstyled:
        pytest.fail(f"{page.url}: stylesheet(s) did not load: {', '.join(unstyled)}", pytrace=False)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async ([include, tags]) => {
            const results = await axe.run(include || document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(" ")),
            }));
        }""",
        [include, WCAG_TAGS],
    )


@contextmanager
def _scripting_twin(page):
    html = page.content()
    url = page.url.split("#")[0]
    context = page.context.browser.new_context(java_script_enabled=True, viewport=page.viewport_size)

    def serve(route):
        if route.request.url == url:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        elif route.request.resource_type == "script":
            route.abort()
        else:
            route.continue_()

    try:
        context.route("**/*", serve)
        twin = context.new_page()
        twin.goto(url)
        yield twin
    finally:
        context.close()


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG of the page as test-artifacts/<name>.png and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
