from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import at_once
from tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory
from tests.links import first_link, token_of
from unmentoring.accounts.models import Person
from unmentoring.accounts.services import sign_in_link
from unmentoring.core.errors import ApplicationError
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_render
from unmentoring.programmes.forms import PHONE_EXAMPLE, PHONE_EXAMPLES, PhoneNumberField
from unmentoring.programmes.links import SIGN_UP
from unmentoring.programmes.models import Membership, PendingSignUp
from unmentoring.programmes.services import sign_up_confirm, signups_purge_unconfirmed

pytestmark = pytest.mark.django_db

VALID = {
    "full_name": "Grace Hopper",
    "email": "Grace@Example.org",
    "phone": "07911 123456",
    "organisation": "Leeds City Council",
    "role": "Developer",
    "video_kind": "teams",
    "video_handle": "grace@example.org",
    "happy_to_talk_about": "legacy systems",
    "rhythm": "every",
    "agree_rules": "on",
    "agree_sharing": "on",
}


def join_url(programme):
    return reverse("programmes:join", kwargs={"slug": programme.slug})


def confirm_path(message: Message) -> str:
    return first_link(message_render(message).body_text)


def test_programme_page_shows_how_it_works_and_the_rule(client, programme):
    response = client.get(programme.get_absolute_url())
    assert response.status_code == 200
    assert "No sales pitches" in response.text
    assert join_url(programme) in response.text


def test_sign_up_is_kept_aside_and_a_confirmation_link_is_emailed(client, programme):
    response = client.post(join_url(programme), VALID)

    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:check-email", kwargs={"slug": programme.slug})
    pending = PendingSignUp.objects.get()
    assert (pending.email, pending.full_name, pending.phone) == ("grace@example.org", "Grace Hopper", "+447911123456")
    assert (pending.video_kind, pending.video_handle) == ("teams", "grace@example.org")
    assert (Person.objects.count(), Membership.objects.count()) == (0, 0)  # nothing real until confirmed
    message = Message.objects.get()
    assert (message.template, message.to_email) == ("confirm_email", "grace@example.org")
    assert confirm_path(message).startswith("/join/confirm/")


def test_confirming_by_post_makes_the_person_and_membership_and_signs_in(client, programme):
    client.post(join_url(programme), VALID)
    path = confirm_path(Message.objects.get())

    page = client.get(path)
    assert page.status_code == 200 and "Leeds City Council" in page.text
    assert Membership.objects.count() == 0  # the GET, as a mail scanner would make, changes nothing

    assert client.post(path).status_code == 302
    membership = Membership.objects.get()
    assert (membership.person.email, membership.organisation, membership.status) == ("grace@example.org", "Leeds City Council", "active")
    assert membership.confirmed_at is not None and membership.person.email_confirmed_at is not None
    assert membership.rules_agreed_at == membership.sharing_agreed_at
    assert int(client.session["_auth_user_id"]) == membership.person.pk
    assert PendingSignUp.objects.count() == 0

    client.logout()
    assert client.post(path).status_code == 400  # used once
    assert client.get(path[:-5] + "AAAA/").status_code == 400  # tampered


def test_international_phone_numbers_are_accepted_in_international_format(client, programme):
    client.post(join_url(programme), {**VALID, "phone": "+33 1 42 68 53 00"})
    assert PendingSignUp.objects.get().phone == "+33142685300"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter an email address in the correct format, like name@example.com"),
        ("email", "", "Enter your email address"),
        ("phone", "12345", "Enter a phone number, like 0161 496 0000, 07911 123456 or +44 808 157 0192"),
        ("phone", "call me maybe", "Enter a phone number, like 0161 496 0000, 07911 123456 or +44 808 157 0192"),
        ("full_name", "", "Enter your full name"),
        ("full_name", "x" * 121, "Full name must be 120 characters or fewer"),
        ("organisation", "o" * 121, "Organisation must be 120 characters or fewer"),
        ("role", "", "Enter your job role"),
        ("happy_to_talk_about", "h" * 201, "Happy to talk about must be 200 characters or fewer"),
        # A name that would make the confirmation email we send to the address read like someone else's message.
        ("full_name", "Ada\r\nYour account is locked: call 0800 000 000", "Full name must not include line breaks or hidden characters (it has a line break)"),
        ("full_name", "Ada \u202eecalevol", "Full name must not include line breaks or hidden characters (it has U+202E (right-to-left override))"),  # reads "lovelace"
        ("full_name", "\u200b\u200b", "Full name must not include line breaks or hidden characters (it has U+200B (zero width space))"),
        ("full_name", "\u0301 \u0301", "Full name must include letters or numbers"),
        ("organisation", "Leeds\x00City", "Organisation must not include line breaks or hidden characters (it has U+0000)"),
        ("role", "Devel\u2028oper", "Job role must not include line breaks or hidden characters (it has a line break)"),
        ("video_handle", "ada\u200e.zoom", "Video-call address or username must not include line breaks or hidden characters (it has U+200E (left-to-right mark))"),
        ("happy_to_talk_about", "APIs\u202a", "Happy to talk about must not include hidden characters (it has U+202A (left-to-right embedding))"),
        ("agree_rules", "", "Select to agree to the programme rules"),
        ("agree_sharing", "", "Select to agree to share your contact details with your matches"),
    ],
)
def test_bad_sign_up_input_is_explained_and_nothing_is_written(client, programme, field, value, message):
    data = {**VALID, field: value}
    if value == "":
        data.pop(field)
    response = client.post(join_url(programme), data)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.text
    assert (PendingSignUp.objects.count(), Person.objects.count(), Message.objects.count()) == (0, 0, 0)


def test_a_video_handle_needs_its_kind_and_the_kind_needs_a_handle(client, programme):
    response = client.post(join_url(programme), {**VALID, "video_kind": ""})
    assert response.context["form"].errors["video_kind"] == ["Select the video-call service your address is for"]
    response = client.post(join_url(programme), {**VALID, "video_handle": ""})
    assert list(response.context["form"].errors) == ["video_handle"]
    assert PendingSignUp.objects.count() == 0


def test_signing_up_again_as_a_member_changes_nothing_and_emails_a_sign_in_link(client, programme):
    existing = MembershipFactory(programme=programme, person=PersonFactory(email="grace@example.org"), organisation="Old Org")

    response = client.post(join_url(programme), {**VALID, "organisation": "Attacker Ltd"})

    assert response.status_code == 302  # the same answer a new address gets
    existing.refresh_from_db()
    assert existing.organisation == "Old Org"
    assert (Membership.objects.count(), PendingSignUp.objects.count()) == (1, 0)
    message = Message.objects.get()
    assert message.template == "already_member"
    assert "/sign-in/link/?token=" in message_render(message).body_text


def test_of_two_sign_ups_the_one_confirmed_counts_and_the_other_link_dies(client, programme):
    client.post(join_url(programme), VALID)
    client.post(join_url(programme), {**VALID, "role": "Head of digital"})
    first, second = [confirm_path(m) for m in Message.objects.filter(template="confirm_email").order_by("pk")]

    assert client.post(second).status_code == 302
    assert Membership.objects.get().role == "Head of digital"
    client.logout()
    assert client.post(first).status_code == 400


def test_a_stranger_cannot_enrol_a_member_in_another_programme(client, programme, member):
    other = ProgrammeFactory()
    client.post(join_url(other), {**VALID, "email": member.person.email, "organisation": "Attacker Ltd"})
    # the member signs in as usual, without opening the confirmation email
    assert client.post(reverse("accounts:sign-in-link"), {"token": token_of(sign_in_link(member.person))}).status_code == 302
    assert not Membership.objects.filter(programme=other).exists()


def test_a_stranger_cannot_change_a_former_members_details(client, programme, member):
    member.status = "left"
    member.save()
    organisation = member.organisation
    client.post(join_url(programme), {**VALID, "email": member.person.email, "organisation": "Attacker Ltd"})
    signups_purge_unconfirmed(now=timezone.now() + timedelta(days=8))

    member.refresh_from_db()
    assert (member.status, member.organisation, member.confirmed_at is not None) == ("left", organisation, True)


def test_a_former_member_rejoins_by_confirming(client, programme, member):
    member.status = "left"
    member.save()
    client.post(join_url(programme), {**VALID, "email": member.person.email, "organisation": "New Org"})
    client.post(confirm_path(Message.objects.get(template="confirm_email")))
    member.refresh_from_db()
    assert (member.status, member.organisation, member.left_at) == ("active", "New Org", None)
    assert Membership.objects.count() == 1


def test_a_confirmed_person_joining_a_second_programme_keeps_their_verified_name(client, programme, member):
    other = ProgrammeFactory()
    client.post(join_url(other), {**VALID, "email": member.person.email, "full_name": "Someone Else"})
    assert not Membership.objects.filter(programme=other).exists()
    client.post(confirm_path(Message.objects.get(template="confirm_email")))

    assert Membership.objects.get(programme=other).organisation == "Leeds City Council"
    member.person.refresh_from_db()
    assert member.person.full_name == "Ada Member"  # a verified name is not overwritten by a form


def test_invite_only_programmes_refuse_sign_up(client):
    closed = ProgrammeFactory(is_open=False)
    assert client.get(join_url(closed)).status_code == 403
    assert client.post(join_url(closed), VALID).status_code == 403
    assert PendingSignUp.objects.count() == 0


def test_sign_up_is_throttled_per_address(client, programme, settings):
    settings.SIGN_IN_LIMIT_PER_ADDRESS = 2
    assert client.post(join_url(programme), VALID).status_code == 302
    assert client.post(join_url(programme), VALID).status_code == 302
    response = client.post(join_url(programme), VALID)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Message.objects.count() == 2


def test_unconfirmed_sign_ups_are_removed_after_seven_days_and_not_before(client, programme):
    client.post(join_url(programme), VALID)
    client.post(join_url(programme), {**VALID, "email": "late@example.org"})
    PendingSignUp.objects.filter(email="grace@example.org").update(created_at=timezone.now() - timedelta(days=7, minutes=1))
    PendingSignUp.objects.filter(email="late@example.org").update(created_at=timezone.now() - timedelta(days=6))

    assert signups_purge_unconfirmed(now=timezone.now()) == 1

    assert list(PendingSignUp.objects.values_list("email", flat=True)) == ["late@example.org"]


def test_every_phone_number_the_hint_gives_as_an_example_is_accepted():
    field = PhoneNumberField()
    assert all(example in PHONE_EXAMPLE for example in PHONE_EXAMPLES)
    assert [field.clean(example) for example in PHONE_EXAMPLES] == ["+441614960000", "+447911123456", "+448081570192"]


def test_names_are_kept_in_one_normal_form_and_joiners_real_names_need_are_kept(client, programme):
    decomposed = "Sea\u0301n O\u2019Brien"  # "Seán" typed as e + combining acute
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # a zero-width non-joiner, as Persian needs
    response = client.post(join_url(programme), {**VALID, "full_name": decomposed, "organisation": persian,
                                                  "happy_to_talk_about": "line one\r\nline two"})
    assert response.status_code == 302
    pending = PendingSignUp.objects.get()
    assert (pending.full_name, pending.organisation, pending.happy_to_talk_about) == (
        "Se\u00e1n O\u2019Brien", persian, "line one\nline two")


def test_a_confirmation_that_lost_the_race_to_another_says_so_and_breaks_nothing(client, programme):
    client.post(join_url(programme), VALID)
    pending = PendingSignUp.objects.get()
    membership = sign_up_confirm(pending_id=pending.pk)
    with pytest.raises(ApplicationError, match="used already"):
        sign_up_confirm(pending_id=pending.pk)
    assert Membership.objects.get() == membership


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent requests are a PostgreSQL matter; SQLite serialises writers")
def test_one_confirmation_link_posted_twice_at_once_confirms_once_and_errs_nowhere(programme):
    Client().post(join_url(programme), VALID)
    pending = PendingSignUp.objects.get()
    token = token_of_confirm(pending)
    statuses = at_once(2, lambda: Client().post(f"/join/confirm/{token}/").status_code)
    assert sorted(statuses) in ([302, 400], [302, 409])
    assert Membership.objects.count() == 1


def token_of_confirm(pending):
    return SIGN_UP.make(pending.pk)
