"""The layout and the static pages, in a real browser, with JavaScript on and off."""

import pytest
from django.template.loader import render_to_string

from tests.browser.helpers import assert_accessible, screenshot
from unmentoring.programmes.models import Programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JS_ON_AND_OFF = pytest.mark.parametrize("page", [True, False], indirect=True, ids=["js", "no-js"])

PAGES = [
    ("/", "home"),
    ("/privacy/", "privacy"),
    ("/accessibility/", "accessibility"),
    ("/no-such-page/", "not-found"),
]
TITLES = {
    "home": "Unmentoring: randomised coffee trials for public-sector networks",
    "privacy": "Privacy notice — Unmentoring",
    "accessibility": "Accessibility statement — Unmentoring",
    "not-found": "Page not found — Unmentoring",
}


@pytest.fixture
def programmes():
    return [
        Programme.objects.create(
            name="LocalGov Coffee",
            slug="localgov-coffee",
            summary="Monthly conversations between people working in local government digital teams.",
        ),
        Programme.objects.create(
            name="NHS Radicals",
            slug="nhs-radicals",
            summary="Meet a fellow radical from another NHS organisation every fortnight.",
        ),
    ]


def _js_label(page) -> str:
    return "js" if page.javascript_enabled else "no-js"


@JS_ON_AND_OFF
@pytest.mark.parametrize(("path", "name"), PAGES, ids=[name for _, name in PAGES])
def test_every_core_page_renders_in_our_brand_and_passes_axe(page, programmes, path, name):
    response = page.goto(path)

    assert response.status == (404 if name == "not-found" else 200)
    assert page.title() == TITLES[name]
    assert page.get_by_test_id("service-name").inner_text() == "Unmentoring"
    assert page.locator("h1").count() == 1
    assert page.get_by_test_id("footer").get_by_role("link", name="Privacy notice").is_visible()
    assert_accessible(page)
    screenshot(page, f"{name}-{_js_label(page)}")
    assert (page.console_errors, page.asset_errors) == ([], [])


@JS_ON_AND_OFF
def test_the_home_page_lists_open_programmes_with_links(page, programmes):
    page.goto("/")

    items = page.get_by_test_id("programme")
    assert items.locator("h3").all_inner_texts() == ["LocalGov Coffee", "NHS Radicals"]
    hrefs = items.get_by_role("link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == [programme.get_absolute_url() for programme in programmes]
    assert page.get_by_test_id("the-rule").inner_text() == "There is only one rule: no sales pitches."


def test_javascript_marks_the_body_as_supported_without_an_inline_script(page):
    page.goto("/")

    assert page.evaluate("() => [...document.body.classList]") == [
        "govuk-template__body",
        "js-enabled",
        "govuk-frontend-supported",
    ]
    assert page.locator("script:not([src])").count() == 0
    assert (page.console_errors, page.asset_errors) == ([], [])


@pytest.mark.parametrize("page", [False], indirect=True, ids=["no-js"])
def test_without_javascript_the_body_has_no_javascript_classes(page):
    page.goto("/")

    assert page.evaluate("() => document.body.className") == "govuk-template__body"


def test_the_page_uses_our_system_font_and_brand_colour_not_gds_transport(page):
    page.goto("/")

    styles = page.evaluate(
        """() => ({
            font: getComputedStyle(document.body.querySelector('.govuk-body-l')).fontFamily,
            header: getComputedStyle(document.querySelector('.govuk-generic-header')).backgroundColor,
            fontFaces: [...document.fonts].map(f => f.family),
        })"""
    )
    assert styles == {
        "font": 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
        "header": "rgb(16, 97, 101)",
        "fontFaces": [],
    }
    assert page.locator("svg, img").count() == 0


@JS_ON_AND_OFF
def test_tab_from_the_top_lands_on_the_skip_link_which_moves_focus_to_main(page):
    page.goto("/privacy/")

    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.testid") == "skip-link"
    assert page.get_by_test_id("skip-link").is_visible()

    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"


@JS_ON_AND_OFF
@pytest.mark.parametrize(("path", "name"), PAGES, ids=[name for _, name in PAGES])
def test_nothing_overflows_sideways_at_320_pixels_wide(page, programmes, path, name):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path)

    widths = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{path} is {widths[0]}px wide in a {widths[1]}px viewport"
    screenshot(page, f"{name}-320px-{_js_label(page)}")


@JS_ON_AND_OFF
@pytest.mark.parametrize(("template", "status", "context"), [
    ("503.html", 503, {"retry_after_seconds": 30}),
    ("429.html", 429, {"retry_after_minutes": 15}),
], ids=["busy", "too-many"])
def test_the_pages_that_say_try_again_later_pass_axe(page, rf, template, status, context):
    """These need a locked database or a throttle to appear: rendered here, served through the browser."""
    html = render_to_string(template, context, request=rf.get("/"))
    page.route("**/try-again-later/", lambda route: route.fulfill(status=status, body=html, content_type="text/html"))
    response = page.goto("/try-again-later/")
    assert response.status == status
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    screenshot(page, f"{template.split('.')[0]}-{_js_label(page)}")
