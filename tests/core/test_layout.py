"""The base layout and the error pages, rendered on the server."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.template import Template
from django.template.context import RequestContext
from django.template.loader import get_template, render_to_string

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Texts(HTMLParser):
    """Collects, for every element, its tag, attributes and whitespace-normalised text."""

    def __init__(self):
        super().__init__()
        self.elements, self._open = [], []

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data


def parse(html: str) -> list[dict]:
    parser = _Texts()
    parser.feed(str(html))
    for element in parser.elements:
        element["text"] = " ".join(element["text"].split())
    return parser.elements


def texts(html: str, **attrs) -> list[str]:
    """Text of every element whose attributes include all of ``attrs`` (tag= matches the tag)."""
    tag = attrs.pop("tag", None)
    return [
        e["text"]
        for e in parse(html)
        if (tag is None or e["tag"] == tag) and all(e["attrs"].get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
    ]


PAGE = Template('{% extends "core/base.html" %}{% block title %}Sign in{% endblock %}{% block content %}<h1>Sign in</h1>{% endblock %}')


class EmailForm(forms.Form):
    email = forms.EmailField(label="Email address", error_messages={"required": "Enter your email address"})


def render_page(request, **context):
    return PAGE.render(RequestContext(request, context))


def test_the_title_names_the_page_then_the_service(rf):
    html = render_page(rf.get("/"), form=EmailForm())

    assert texts(html, tag="title") == ["Sign in — Unmentoring"]
    assert texts(html, data_testid="error-summary") == []


def test_a_page_whose_form_has_errors_says_error_first_in_its_title_and_shows_one_summary_above_the_content(rf):
    form = EmailForm(data={})

    html = render_page(rf.get("/"), form=form)

    assert texts(html, tag="title") == ["Error: Sign in — Unmentoring"]
    assert texts(html, data_testid="error-summary") == ["There is a problem Enter your email address"]
    main = html[html.index('id="main-content"') :]
    assert main.index('data-testid="error-summary"') < main.index("<h1>")


def test_signed_out_people_see_sign_in_in_the_navigation(client, settings):
    settings.DEMO_MODE = False
    settings.DEBUG = False

    html = client.get("/privacy/").content.decode()

    assert texts(html, tag="a", class_="govuk-service-navigation__link") == ["Sign in"]
    assert texts(html, data_testid="demo-banner") == []


def test_signed_in_people_see_their_account_and_a_sign_out_button_that_posts_with_a_csrf_token(
    client, settings, signed_in
):
    settings.DEMO_MODE = False
    settings.DEBUG = False

    html = client.get("/account/").content.decode()

    elements = parse(html)
    nav = [e for e in elements if e["attrs"].get("class") in ("govuk-service-navigation__link", "app-service-navigation__button")]
    assert [(e["tag"], e["text"], e["attrs"].get("aria-current")) for e in nav] == [
        ("a", "Your account", "page"),
        ("button", "Sign out", None),
    ]
    form = next(e for e in elements if e["attrs"].get("class") == "app-service-navigation__form")
    assert (form["attrs"]["method"], form["attrs"]["action"]) == ("post", "/sign-out/")
    # On a page with no other form, the only token is the sign-out button's.
    elements = parse(client.get("/privacy/").content.decode())
    assert [e["attrs"]["type"] for e in elements if e["attrs"].get("name") == "csrfmiddlewaretoken"] == ["hidden"]


def test_the_demo_shows_a_demo_banner_and_a_sent_mail_link(client, settings):
    settings.DEMO_MODE = True

    html = client.get("/privacy/").content.decode()

    assert texts(html, tag="a", class_="govuk-service-navigation__link") == ["Sign in", "Sent mail"]
    assert texts(html, data_testid="demo-banner") == [
        "Demo This is a demonstration with made-up people. No email leaves this computer: read it on the sent mail page."
    ]


def test_a_success_message_is_a_success_banner_announced_as_an_alert(rf):
    request = rf.get("/")
    request._messages = CookieStorage(request)
    messages.success(request, "Your details have been saved.")
    messages.error(request, "You cannot resume a membership you have left.")

    html = render_page(request)

    banners = [e for e in parse(html) if e["attrs"].get("data-testid") == "notification-banner"]
    assert [(e["attrs"]["class"], e["attrs"]["role"], e["text"]) for e in banners] == [
        (
            "govuk-notification-banner govuk-notification-banner--success",
            "alert",
            "Success Your details have been saved.",
        ),
        ("govuk-notification-banner", "region", "Important You cannot resume a membership you have left."),
    ]


@pytest.mark.parametrize(
    ("template", "heading"),
    [
        ("400.html", "Sorry, there is a problem with your request"),
        ("403.html", "Sorry, you cannot see this page"),
        ("403_csrf.html", "This page has expired"),
        ("404.html", "Page not found"),
        ("503.html", "Sorry, the service is busy"),
    ],
)
def test_each_error_page_has_its_heading_inside_the_layout(rf, template, heading):
    html = render_to_string(template, request=rf.get("/"))

    assert texts(html, tag="h1") == [heading]
    assert texts(html, data_testid="service-name") == ["Unmentoring"]


@pytest.mark.parametrize(("minutes", "sentence"), [(15, "Try again in 15 minutes."), (1, "Try again in 1 minute.")])
def test_the_too_many_attempts_page_says_how_long_to_wait(rf, minutes, sentence):
    html = render_to_string("429.html", {"retry_after_minutes": minutes}, request=rf.get("/"))

    assert texts(html, tag="h1") == ["Too many attempts"]
    assert texts(html, data_testid="retry-after") == [sentence]


def test_the_server_error_page_renders_with_no_request_and_no_context_processors():
    html = get_template("500.html").render()

    assert texts(html, tag="title") == ["Sorry, there is a problem with the service — Unmentoring"]
    assert texts(html, tag="h1") == ["Sorry, there is a problem with the service"]
    assert [e["attrs"]["href"] for e in parse(html) if e["tag"] == "link"] == [
        "/static/images/favicon.svg",
        "/static/app.css",
    ]
