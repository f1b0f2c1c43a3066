"""The check-in form: its public contract (field names and values), its validation, and when it can change."""

import re
import time
from datetime import timedelta

import pytest
from django.core.cache import cache

from tests.rounds.helpers import drawn_round, link_in
from unmentoring.core.errors import ApplicationError
from unmentoring.core.forms import _kept_form_key
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_render
from unmentoring.programmes.services import membership_leave
from unmentoring.rounds.forms import CheckInForm
from unmentoring.rounds.links import CHECKIN, REMATCH, seat_link
from unmentoring.rounds.models import CheckIn, Seat
from unmentoring.rounds.services.checkins import CheckInAnswer, checkin_record
from unmentoring.rounds.services.lifecycle import rounds_advance

pytestmark = pytest.mark.django_db

A_YES = {"met": "yes", "minutes": "45", "challenge": "4", "learned": "Councils can share one design system.",
         "shared_url": "https://blog.example.org/post", "publish": "named"}


@pytest.fixture
def seat(weekly, members):
    rnd = drawn_round(weekly)
    return Seat.objects.filter(group__round=rnd).select_related("group__round").order_by("pk").first()


def _path(seat, query=""):
    path = link_in(_request_message(seat), "/r/check-in/").split("?")[0]
    return f"{path}?{query}" if query else path


def _request_message(seat):
    rounds_advance(now=seat.group.round.window_ends_at)
    return Message.objects.get(template="checkin_request", person_id=seat.membership.person_id)


def test_a_full_yes_is_recorded_field_by_field_as_the_contract_says(client, seat):
    response = client.post(_path(seat), A_YES)
    assert response.status_code == 302
    checkin = CheckIn.objects.get(seat=seat)
    assert {name: getattr(checkin, name) for name in A_YES} == {
        "met": "yes", "minutes": 45, "challenge": 4, "learned": "Councils can share one design system.",
        "shared_url": "https://blog.example.org/post", "publish": "named"}
    assert (checkin.not_met_reason, checkin.not_met_detail) == ("", "")


def test_a_no_with_a_reason_and_the_answers_of_the_option_not_chosen_are_dropped(client, seat):
    client.post(_path(seat), {**A_YES, "met": "no", "not_met_reason": "other", "not_met_detail": "Both of us were ill."})
    checkin = CheckIn.objects.get(seat=seat)
    assert (checkin.met, checkin.not_met_reason, checkin.not_met_detail) == ("no", "other", "Both of us were ill.")
    assert (checkin.minutes, checkin.challenge, checkin.learned, checkin.shared_url, checkin.publish) == (
        None, None, "", "", "private")


def test_the_emails_one_click_starts_open_the_form_pre_filled(client, seat):
    message = message_render(_request_message(seat))
    starts = {word.rsplit("met=", 1)[1] for word in message.body_text.split() if "/r/check-in/" in word and "met=" in word}
    assert starts == {"yes", "planned", "no"}
    for met in ("yes", "planned", "no"):
        assert sorted(_checked(client.get(_path(seat, f"met={met}")).content.decode())) == [("met", met), ("publish", "private")]
    assert _checked(client.get(_path(seat, "met=maybe")).content.decode()) == [("publish", "private")]
    assert CheckIn.objects.count() == 0  # opening the form records nothing


def test_the_blank_form_is_made_once_and_kept_but_never_one_with_a_members_answers(client, seat):
    blank = CheckInForm(initial={})
    key = _kept_form_key(blank)
    made = str(blank)
    assert cache.get(key) == made
    cache.set(key, '<p id="kept">kept</p>')
    assert str(CheckInForm(initial={})) == '<p id="kept">kept</p>'  # served as kept, not made again
    cache.clear()
    assert str(CheckInForm(initial={})) == made  # a kept copy is what a fresh rendering gives
    assert str(CheckInForm(initial={"met": "yes"})) != made and cache.get(_kept_form_key(CheckInForm(initial={"met": "yes"})))
    answered = CheckInForm(initial={**A_YES, "minutes": 45, "challenge": 4})
    assert "Councils can share one design system." in str(answered)
    assert cache.get(_kept_form_key(answered)) is None  # someone's own answers are never kept
    client.post(_path(seat), A_YES)
    other = Seat.objects.filter(group__round=seat.group.round).exclude(pk=seat.pk).order_by("pk").first()
    assert "Councils can share one design system." in client.get(_path(seat)).content.decode()
    assert "Councils can share" not in client.get(_path(other)).content.decode()
    wrong = CheckInForm(data={"met": "maybe"})
    assert "Select whether you met" in str(wrong)
    assert cache.get(_kept_form_key(wrong)) == made  # a form sent back with errors is never kept


def _answer_sets():
    """Every option of each kept question, with either answer to "did you meet", bound and not, and with an
    error elsewhere on the form."""
    for name in CheckInForm.keep_fields:
        for value, _label in [*CheckInForm.base_fields[name].choices]:
            for met in ("yes", "no"):
                answers = {**A_YES, "met": met, name: str(value), "not_met_reason": "other" if name != "not_met_reason"
                           else str(value), "not_met_detail": "Train strike."}
                yield lambda answers=answers: CheckInForm(initial=answers)
                yield lambda answers=answers: CheckInForm(data=answers)
                yield lambda answers=answers: CheckInForm(data={**answers, "learned": "x" * 1001})  # an error elsewhere
                yield lambda answers=answers, name=name: CheckInForm(data={**answers, name: ""})  # unanswered
                yield lambda answers=answers: CheckInForm(data={f"x-{k}": v for k, v in answers.items()}, prefix="x")
                yield lambda answers=answers: CheckInForm(initial=answers, auto_id="f_%s")
                yield lambda answers=answers: CheckInForm(initial=answers, auto_id=False)
                yield lambda answers=answers: _Twin(initial=answers)  # another form with the same fields
                yield lambda answers=answers: CheckInForm(initial={**answers, "minutes": int(answers["minutes"] or 0)
                                                                   or None, "challenge": int(answers["challenge"])})


class _Twin(CheckInForm):
    """The same questions under another name: it must not be served the check-in form's copies."""

    page_heading_size = "xl"


def test_a_kept_question_is_exactly_what_a_fresh_rendering_gives_whatever_the_answers(db):
    makers = list(_answer_sets())
    fresh = []
    for make in makers:
        cache.clear()
        fresh.append(str(make()))
    cache.clear()
    warm = [str(make()) for make in makers]  # each kept question made once per option, then served as kept
    assert warm == fresh
    assert len(set(fresh)) > 40  # the answers really differ


def test_only_choice_questions_without_errors_are_kept_and_a_kept_copy_is_served(db):
    answered = CheckInForm(data={**A_YES, "minutes": "45"})
    assert answered.is_valid()
    kept = {name for name in answered.fields if answered[name]._kept_field_key() is not None}
    assert kept == {"not_met_reason", "minutes", "challenge", "publish"}  # never met (it reveals), never words
    wrong = CheckInForm(data={**A_YES, "minutes": "50"})  # not an option
    assert wrong["minutes"].errors and wrong["minutes"]._kept_field_key() is None
    cache.set(answered["challenge"]._kept_field_key(), '<p id="kept-question">kept</p>')
    page = str(CheckInForm(data={**A_YES, "minutes": "45"}))
    assert '<p id="kept-question">kept</p>' in page and "Councils can share one design system." in page


def test_a_question_that_reveals_others_or_heads_the_page_is_never_kept_even_if_listed(db):
    class Careless(CheckInForm):
        keep_fields = (*CheckInForm.keep_fields, "met")  # met reveals the follow-ups, and heads the page

    answered = Careless(data=A_YES)
    assert answered["met"]._kept_field_key() is None and answered["minutes"]._kept_field_key() is not None


def _checked(page):
    inputs = re.findall(r"<input[^>]*>", page)
    return [(re.search(r'name="(\w+)"', i).group(1), re.search(r'value="(\w+)"', i).group(1)) for i in inputs if " checked" in i]


def test_every_follow_up_question_is_on_the_page_without_javascript(client, seat):
    page = client.get(_path(seat)).content.decode()
    for name in ("met", "not_met_reason", "not_met_detail", "minutes", "challenge", "learned", "shared_url", "publish"):
        assert f'name="{name}"' in page, name
    assert 'data-aria-controls="conditional-id_met_0"' in page and 'id="conditional-id_met_0"' in page
    for word in ("Not at all", "Completely"):
        assert word in page


@pytest.mark.parametrize(("data", "field", "error"), [
    ({}, "met", "Select whether you met"),
    ({"met": "maybe"}, "met", "Select whether you met"),
    ({"met": "not_yet"}, "met", "Select whether you met"),  # the old value is no longer part of the contract
    ({"met": "yes"}, "challenge", "Select how much the conversation challenged your thinking"),
    ({**A_YES, "challenge": "6"}, "challenge", "Select how much the conversation challenged your thinking"),
    ({**A_YES, "challenge": "0"}, "challenge", "Select how much the conversation challenged your thinking"),
    ({**A_YES, "minutes": "20"}, "minutes", "Select about how long you talked"),
    ({**A_YES, "publish": "everyone"}, "publish", "Select whether we may share what you learned"),
    ({**A_YES, "learned": ""}, "learned", "Write what you learned, or choose to keep it private"),
    ({**A_YES, "learned": "x" * 1001}, "learned", "What you learned must be 1000 characters or fewer"),
    ({**A_YES, "learned": "Hidden \u202etext\u202c"}, "learned", None),
    ({**A_YES, "shared_url": "javascript:alert(1)"}, "shared_url", "Enter a link that starts with https:// or http://"),
    ({**A_YES, "shared_url": "ftp://example.org/file"}, "shared_url", "Enter a link that starts with https:// or http://"),
    ({**A_YES, "shared_url": "data:text/html,<b>x</b>"}, "shared_url", "Enter a link that starts with https:// or http://"),
    ({**A_YES, "shared_url": "https://example.org/" + "a" * 490}, "shared_url", "The link must be 500 characters or fewer"),
    ({"met": "no"}, "not_met_reason", "Select what got in the way"),
    ({"met": "no", "not_met_reason": "aliens"}, "not_met_reason", "Select what got in the way"),
    ({"met": "no", "not_met_reason": "other"}, "not_met_detail", "Tell us what got in the way"),
    ({"met": "no", "not_met_reason": "other", "not_met_detail": "x" * 201}, "not_met_detail",
     "What got in the way must be 200 characters or fewer"),
])
def test_bad_answers_are_explained_where_they_are_and_nothing_is_written(client, seat, data, field, error):
    response = client.post(_path(seat), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    if error:
        assert errors[field] == [error]
    assert CheckIn.objects.count() == 0


def test_a_bare_link_without_scheme_is_taken_as_https(client, seat):
    client.post(_path(seat), {**A_YES, "shared_url": "blog.example.org/post"})
    assert CheckIn.objects.get().shared_url == "https://blog.example.org/post"


def test_a_tampered_expired_or_other_purpose_link_is_refused_and_writes_nothing(client, seat):
    good = _path(seat)
    token = good.rstrip("/").rsplit("/", 1)[1]
    tampered = good.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    other_purpose = seat_link(REMATCH, "rounds:rematch", seat.pk).replace("/r/new-match/", "/r/check-in/")
    for path in (tampered, other_purpose.split("testserver")[-1].split(":8000")[-1], "/r/check-in/not-a-token/"):
        response = client.post(path, A_YES)
        assert response.status_code == 400, path
    assert CheckIn.objects.count() == 0


def test_a_link_older_than_its_lifetime_is_refused(client, seat, monkeypatch):
    path = _path(seat)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + CHECKIN.max_age.total_seconds() + 60)
    response = client.post(path, A_YES)
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert CheckIn.objects.count() == 0


def test_each_member_answers_for_themselves_once_per_group(client, seat):
    other = Seat.objects.filter(group=seat.group).exclude(pk=seat.pk).get()
    client.post(_path(seat), A_YES)
    client.post(_path(seat), {**A_YES, "challenge": "2", "publish": "anonymous", "shared_url": ""})  # a change, not a second
    checkin_record(seat_id=other.pk, answer=CheckInAnswer(met="no", not_met_reason="no_time"))
    assert sorted(CheckIn.objects.values_list("seat_id", "met", "challenge", "publish")) == sorted([
        (seat.pk, "yes", 2, "anonymous"), (other.pk, "no", None, "private")])


def test_after_the_round_closes_the_page_says_so_shows_no_form_and_refuses_a_post(client, seat):
    path = _path(seat)
    client.post(path, A_YES)
    rounds_advance(now=seat.group.round.close_at)
    page = client.get(path)
    assert 'data-testid="checkin-closed"' in page.content.decode() and "checkin-form" not in page.content.decode()
    client.post(path, {**A_YES, "challenge": "1"})
    assert CheckIn.objects.get().challenge == 4
    with pytest.raises(ApplicationError, match="has closed"):
        checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="no", not_met_reason="no_time"))


def test_after_close_a_member_can_still_stop_publishing(client, seat):
    path = _path(seat)
    client.post(path, A_YES)
    rounds_advance(now=seat.group.round.close_at)
    client.post(path, {"action": "unpublish"})
    assert CheckIn.objects.get().publish == "private"
    assert "unpublish" not in client.get(path).content.decode()


def test_the_service_refuses_what_the_form_would_not_let_through(seat):
    for answer, words in [
        (CheckInAnswer(met="not_yet"), "whether you met"),
        (CheckInAnswer(met="yes", challenge=9), "from 1 to 5"),
        (CheckInAnswer(met="yes", challenge=3, publish="named"), "nothing to publish"),
        (CheckInAnswer(met="no", not_met_reason="aliens"), "what got in the way"),
        (CheckInAnswer(met="yes", challenge=3, publish="world", learned="x"), "may share"),
    ]:
        with pytest.raises(ApplicationError, match=words):
            checkin_record(seat_id=seat.pk, answer=answer)
    assert CheckIn.objects.count() == 0


def test_the_share_step_offers_a_short_post_with_the_hashtag_and_the_feed_and_plain_share_links(client, seat, weekly):
    weekly.hashtag = "#localgovdigital"
    weekly.save()
    client.post(_path(seat), {**A_YES, "learned": "word " * 150, "shared_url": ""})
    response = client.get(_path(seat) + "?saved=1")
    share = response.context["share"]
    assert len(share.text) <= 280
    assert share.text.endswith(f"#localgovdigital http://127.0.0.1:8000/programmes/{weekly.slug}/learning/{CheckIn.objects.get().pk}/")
    assert [network for network, _ in share.links] == ["Mastodon", "Bluesky", "LinkedIn", "X"]
    page = response.content.decode()
    assert all(src.startswith("/static/") for src in re.findall(r'<script[^>]*src="([^"]+)"', page))  # no third party
    assert "<script>" not in page
    assert 'data-copy-from="share-text"' in page and "readonly" in page


def test_a_check_in_counts_as_a_sign_of_life_and_answered_members_are_not_asked_again(seat):
    checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=3))
    rounds_advance(now=seat.group.round.window_ends_at + timedelta(hours=1))
    asked = set(Message.objects.filter(template="checkin_request").values_list("person_id", flat=True))
    assert seat.membership.person_id not in asked and len(asked) == 7


def test_planned_drops_every_follow_up_and_planned_members_are_asked_again_at_the_windows_end(client, weekly, members):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).order_by("pk").first()
    checkin_path = seat_link(CHECKIN, "rounds:checkin", seat.pk).split(":8000")[-1]
    response = client.post(checkin_path, {**A_YES, "met": "planned", "not_met_reason": "aliens", "not_met_detail": "x" * 300})
    assert response.status_code == 302 and response["Location"].endswith("?saved=1")
    checkin = CheckIn.objects.get(seat=seat)
    assert (checkin.met, checkin.not_met_reason, checkin.not_met_detail, checkin.challenge, checkin.learned) == (
        "planned", "", "", None, "")
    rounds_advance(now=rnd.window_ends_at)
    assert Message.objects.filter(template="checkin_request", person_id=seat.membership.person_id).exists()


def test_an_anonymous_learning_cannot_carry_a_link_that_could_name_its_member(client, seat):
    response = client.post(_path(seat), {**A_YES, "publish": "anonymous"})
    assert response.context["form"].errors["shared_url"] == [
        "A link to your own post can show who you are: remove it, or publish with your name"]
    assert CheckIn.objects.count() == 0
    with pytest.raises(ApplicationError, match="link can show who you are"):
        checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=3, learned="x", publish="anonymous",
                                                             shared_url="https://example.org"))


@pytest.mark.parametrize(("answer", "words"), [
    (CheckInAnswer(met="yes", challenge=3, shared_url="javascript:alert(1)"), "starts with https"),
    (CheckInAnswer(met="yes", challenge=3, minutes=20), "15, 30, 45 or 60"),
    (CheckInAnswer(met="yes", challenge=3, learned="x" * 1001), "too long"),
    (CheckInAnswer(met="yes"), "from 1 to 5"),
    (CheckInAnswer(met="no"), "what got in the way"),
    (CheckInAnswer(met="planned", challenge=3), "only for those who met"),
    (CheckInAnswer(met="yes", challenge=3, not_met_reason="no_time"), "only for those who did not meet"),
])
def test_the_service_refuses_answers_that_do_not_fit_together(seat, answer, words):
    with pytest.raises(ApplicationError, match=words):
        checkin_record(seat_id=seat.pk, answer=answer)
    assert CheckIn.objects.count() == 0


def test_from_the_round_page_a_signed_in_member_can_stop_publishing_long_after_the_round(client, seat):
    checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=4, learned="Published.", publish="named"))
    rnd = seat.group.round
    rounds_advance(now=rnd.close_at)
    client.force_login(seat.membership.person)
    assert 'data-testid="unpublish"' in client.get(rnd.get_absolute_url()).content.decode()
    path = f"/programmes/{rnd.programme.slug}/rounds/{rnd.number}/unpublish/"
    other = Seat.objects.filter(group=seat.group).exclude(pk=seat.pk).get()
    assert client.post(path, {"seat": other.pk}).status_code == 404  # not my seat
    assert client.post(path, {"seat": "x"}).status_code == 404
    client.post(path, {"seat": seat.pk})
    assert CheckIn.objects.get(seat=seat).publish == "private"
    assert 'data-testid="unpublish"' not in client.get(rnd.get_absolute_url()).content.decode()


def test_the_account_and_round_pages_link_to_the_check_in_while_the_round_is_open(client, seat):
    client.force_login(seat.membership.person)

    def linked_seats(page):  # the seats the page's check-in links are signed for (a token holds its time)
        return [CHECKIN.read(token) for token in re.findall(r'href="[^"]*/r/check-in/([^/"]+)/"', page)]

    for path in ("/account/", seat.group.round.get_absolute_url()):
        page = client.get(path).content.decode()
        assert linked_seats(page) == [seat.pk] and "Check in: did you meet?" in page, path
    checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="planned"))
    assert "Change your check-in" in client.get("/account/").content.decode()
    rounds_advance(now=seat.group.round.close_at)
    assert seat.pk not in linked_seats(client.get("/account/").content.decode())  # (round 2 may be open by now)


@pytest.mark.parametrize(("url", "error"), [
    ("https://example.org/\u202egnp.exe", "The link must not include spaces or hidden characters (it has U+202E (right-to-left override))"),
    ("https://exa\u200bmple.org/", "The link must not include spaces or hidden characters (it has U+200B (zero width space))"),
    ("https://gov.uk@evil.example/", "Enter the link without a name or password before the address"),
])
def test_a_link_that_could_mislead_its_reader_is_refused(client, seat, url, error):
    response = client.post(_path(seat), {**A_YES, "shared_url": url})
    assert response.context["form"].errors["shared_url"] == [error]
    with pytest.raises(ApplicationError):
        checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=3, shared_url=url))
    assert CheckIn.objects.count() == 0


def test_the_service_refuses_hidden_characters_that_did_not_come_through_the_form(seat):
    with pytest.raises(ApplicationError, match="hidden characters"):
        checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=3, learned="a\x0bb"))


def test_an_emailed_start_wins_over_the_saved_answer_and_a_reload_sends_nothing_again(client, seat):
    path = _path(seat)
    response = client.post(path, {"met": "planned"})
    assert response.status_code == 302 and response["Location"] == f"{path}?saved=1"
    done = client.get(response["Location"])
    assert 'data-testid="checkin-done"' in done.content.decode()
    assert sorted(_checked(client.get(f"{path}?met=yes").content.decode())) == [("met", "yes"), ("publish", "private")]
    assert sorted(_checked(client.get(path).content.decode())) == [("met", "planned"), ("publish", "private")]


def test_a_member_who_has_left_cannot_check_in(client, seat):
    path = _path(seat)
    membership_leave(membership=seat.membership)
    assert client.get(path).status_code == 409
    assert client.post(path, A_YES).status_code == 409
    assert CheckIn.objects.count() == 0


def test_the_share_post_links_to_a_published_learnings_own_page(client, seat, weekly):
    client.post(_path(seat), {**A_YES, "shared_url": ""})
    checkin = CheckIn.objects.get()
    share = client.get(_path(seat) + "?saved=1").context["share"]
    assert share.text.endswith(f"/programmes/{weekly.slug}/learning/{checkin.pk}/")
