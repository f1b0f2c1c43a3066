"""Think, do, share in a real browser: from the check-in email, through the share step, to the feed and the
round-up, with axe on every page, JavaScript on and off."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.helpers import assert_accessible, screenshot
from tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory
from unmentoring.accounts.services import block_add, sign_in_link
from unmentoring.notifications.services import messages_deliver_due
from unmentoring.programmes.models import Membership
from unmentoring.rounds.models import Round, Seat
from unmentoring.rounds.services.lifecycle import round_draw, round_schedule_next, rounds_advance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JS_ON_AND_OFF = pytest.mark.parametrize("page", [True, False], indirect=True, ids=["js", "no-js"])
LEARNED = "Their council runs research with residents every fortnight on a tiny budget."
PRIVATE = "Something I will keep to myself about my own team."


def check(page, name):
    assert_accessible(page)
    assert page.console_errors == []
    screenshot(page, f"share-journey-{name}-{'js' if page.javascript_enabled else 'no-js'}")


def email_link(page, person, subject_start, marker):
    """Open this person's email on the demo's sent-mail page and return its first link containing ``marker``."""
    messages_deliver_due()
    page.goto("/sent-mail/")
    page.locator("tr", has_text=person.email).filter(has_text=subject_start).get_by_test_id("sent-mail-link").first.click()
    check(page, "email")
    text = page.get_by_test_id("message-text").inner_text()
    return text, next(word for word in re.findall(r"http://\S+", text) if marker in word)


@pytest.fixture
def asked(settings, live_server):
    """A drawn round whose meeting window has just ended: every member has been asked to check in."""
    settings.DEMO_MODE = True
    settings.SITE_URL = live_server.url
    programme = ProgrammeFactory(name="Weekly Coffee", slug="weekly", cadence="weekly", weekday=1, notice_days=2,
                                 window_days=30, checkin_days=5, hashtag="#localgovdigital")
    for n in range(4):
        MembershipFactory(programme=programme, organisation=f"Org {n % 2}",
                          person=PersonFactory(full_name=f"Member{n} Person", email=f"m{n}@example.org"))
    rnd = round_schedule_next(programme=programme, now=timezone.now() - timedelta(days=9))
    round_draw(round_id=rnd.pk, now=rnd.draw_at)
    rounds_advance(now=Round.objects.get(pk=rnd.pk).window_ends_at)
    return Round.objects.get(pk=rnd.pk)


@JS_ON_AND_OFF
def test_a_member_checks_in_from_the_email_shares_and_finds_it_in_the_feed_and_round_up(page, asked):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sharer, private = (s.membership.person for s in Seat.objects.filter(group__round=asked).order_by("pk")[:2])

    _, link = email_link(page, sharer, "How did it go?", "met=yes")
    page.goto(link)
    check(page, "form")
    assert page.get_by_role("radio", name="Yes").is_checked()
    reveal_for_no = page.get_by_label("Tell us more")
    assert reveal_for_no.is_visible() == (not page.javascript_enabled)  # with JavaScript, only "yes"'s questions

    page.get_by_test_id("checkin-submit").click()  # "yes" with nothing else answered
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    summary.get_by_role("link", name="Select how much the conversation challenged your thinking").click()
    check(page, "form-errors")

    page.get_by_role("radio", name="About 45 minutes").check()
    page.get_by_role("radio", name=re.compile("^4")).check()
    page.get_by_label("What did you learn, or what will you do differently?").fill(LEARNED)
    page.get_by_role("radio", name="Publish it with my name and organisation").check()
    page.get_by_test_id("checkin-submit").click()
    assert page.get_by_test_id("checkin-done").is_visible()
    post = page.get_by_test_id("share-text").input_value()
    assert LEARNED in post and "#localgovdigital" in post and len(post) <= 280
    assert page.get_by_test_id("share-links").get_by_role("link", name=re.compile("Share on Mastodon")).is_visible()
    copy = page.get_by_test_id("share-copy")
    if page.javascript_enabled:
        copy.click()
        page.wait_for_function("document.querySelector('[data-copy-status]').textContent.length > 0")
        assert page.evaluate("navigator.clipboard.readText()") == post
    else:
        assert not copy.is_visible()  # the text is there to select instead
    check(page, "done")

    page.get_by_role("link", name="learning feed").click()
    entry = page.get_by_test_id("learning").first
    assert LEARNED in entry.inner_text() and "Member" in entry.inner_text()
    check(page, "feed")
    assert LEARNED in page.request.get("/programmes/weekly/learning.atom").text()

    # Another member keeps theirs private: it is in none of the public pages.
    _, link = email_link(page, private, "How did it go?", "met=yes")
    page.goto(link)
    page.get_by_role("radio", name=re.compile("^2")).check()
    page.get_by_label("What did you learn, or what will you do differently?").fill(PRIVATE)
    page.get_by_test_id("checkin-submit").click()
    assert page.get_by_test_id("checkin-done").is_visible()

    rounds_advance(now=asked.close_at)
    page.goto("/programmes/weekly/rounds/1/round-up/")
    assert LEARNED in page.content() and PRIVATE not in page.content()
    check(page, "round-up")
    text, _ = email_link(page, private, "Round 1 of Weekly Coffee: how it went", "/round-up/")
    assert LEARNED in text and PRIVATE not in text
    for path in ("/programmes/weekly/", "/programmes/weekly/learning/", "/programmes/weekly/learning.atom"):
        assert PRIVATE not in page.request.get(path).text()


@JS_ON_AND_OFF
def test_after_the_round_a_member_unpublishes_turns_off_round_ups_and_removes_a_block(page, asked):
    seat = Seat.objects.filter(group__round=asked).order_by("pk").first()
    person = seat.membership.person
    partner = Seat.objects.filter(group=seat.group).exclude(pk=seat.pk).get().membership.person
    _, link = email_link(page, person, "How did it go?", "met=yes")
    page.goto(link)
    page.get_by_role("radio", name=re.compile("^5")).check()
    page.get_by_label("What did you learn, or what will you do differently?").fill(LEARNED)
    page.get_by_role("radio", name="Publish it without my name").check()
    page.get_by_test_id("checkin-submit").click()
    block_add(blocker=person, blocked=partner)
    rounds_advance(now=asked.close_at)

    page.goto(link)
    assert page.get_by_test_id("checkin-closed").is_visible() and page.locator("form[data-testid=checkin-form]").count() == 0
    check(page, "closed")
    page.get_by_test_id("unpublish").click()
    check(page, "unpublished")
    page.goto("/programmes/weekly/learning/?round=1")
    assert page.get_by_test_id("no-learnings").is_visible()
    check(page, "feed-empty")

    _, off = email_link(page, person, "Round 1 of Weekly Coffee: how it went", "/r/no-round-ups/")
    page.goto(off)
    check(page, "round-ups-off")
    page.get_by_role("button", name=re.compile("round-up")).click()
    check(page, "round-ups-off-done")
    assert not Membership.objects.get(person=person).digests

    page.goto(sign_in_link(person, next_url="/account/"))
    page.get_by_role("button", name=re.compile("Sign in")).click()
    blocks = page.get_by_test_id("blocks")
    assert partner.full_name in blocks.inner_text()
    check(page, "account-blocks")
    blocks.get_by_role("button", name=f"Remove the block on {partner.full_name}").click()
    assert page.get_by_test_id("no-blocks").is_visible()
    check(page, "account-no-blocks")
