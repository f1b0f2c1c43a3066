from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory
from unmentoring.accounts.models import Person
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_render
from unmentoring.programmes.models import Membership
from unmentoring.programmes.services import signups_purge_unconfirmed

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


def test_programme_page_shows_how_it_works_and_the_rule(client, programme):
    response = client.get(programme.get_absolute_url())
    assert response.status_code == 200
    assert "No sales pitches" in response.text
    assert join_url(programme) in response.text


def test_sign_up_records_an_unconfirmed_membership_and_emails_a_confirmation_link(client, programme):
    response = client.post(join_url(programme), VALID)

    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:check-email", kwargs={"slug": programme.slug})
    membership = Membership.objects.get()
    assert (membership.person.email, membership.person.full_name) == ("grace@example.org", "Grace Hopper")
    assert membership.confirmed_at is None
    assert membership.phone == "+447911123456"
    assert (membership.video_kind, membership.video_handle) == ("teams", "grace@example.org")
    assert membership.rules_agreed_at is not None and membership.sharing_agreed_at is not None
    message = Message.objects.get()
    assert (message.template, message.to_email) == ("confirm_email", "grace@example.org")
    assert "/confirm/?token=" in message_render(message).body_text


def test_international_phone_numbers_are_accepted_in_international_format(client, programme):
    client.post(join_url(programme), {**VALID, "phone": "+33 1 42 68 53 00"})
    assert Membership.objects.get().phone == "+33142685300"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter an email address in the correct format, like name@example.com"),
        ("email", "", "Enter your email address"),
        ("phone", "12345", "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"),
        ("phone", "call me maybe", "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"),
        ("full_name", "", "Enter your full name"),
        ("full_name", "x" * 121, "Full name must be 120 characters or fewer"),
        ("organisation", "o" * 121, "Organisation must be 120 characters or fewer"),
        ("role", "", "Enter your job role"),
        ("happy_to_talk_about", "h" * 201, "Happy to talk about must be 200 characters or fewer"),
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
    assert (Person.objects.count(), Membership.objects.count(), Message.objects.count()) == (0, 0, 0)


def test_a_video_handle_needs_its_kind_and_the_kind_needs_a_handle(client, programme):
    response = client.post(join_url(programme), {**VALID, "video_kind": ""})
    assert response.context["form"].errors["video_kind"] == ["Select the video-call service your address is for"]
    response = client.post(join_url(programme), {**VALID, "video_handle": ""})
    assert list(response.context["form"].errors) == ["video_handle"]
    assert Membership.objects.count() == 0


def test_signing_up_again_as_a_member_changes_nothing_and_emails_a_sign_in_link(client, programme):
    existing = MembershipFactory(programme=programme, person=PersonFactory(email="grace@example.org"), organisation="Old Org")

    response = client.post(join_url(programme), {**VALID, "organisation": "Attacker Ltd"})

    assert response.status_code == 302  # the same answer a new address gets
    existing.refresh_from_db()
    assert existing.organisation == "Old Org"
    assert Membership.objects.count() == 1
    message = Message.objects.get()
    assert message.template == "already_member"
    assert "/sign-in/link/?token=" in message_render(message).body_text


def test_signing_up_again_before_confirming_replaces_the_unconfirmed_details(client, programme):
    client.post(join_url(programme), VALID)
    client.post(join_url(programme), {**VALID, "role": "Head of digital"})

    membership = Membership.objects.get()
    assert membership.role == "Head of digital"
    assert membership.confirmed_at is None
    assert Message.objects.filter(template="confirm_email").count() == 2


def test_a_confirmed_person_joining_a_second_programme_must_confirm_that_membership(client, programme, member):
    other = ProgrammeFactory()
    client.post(join_url(other), {**VALID, "email": member.person.email, "full_name": "Someone Else"})

    new = Membership.objects.get(programme=other)
    assert new.confirmed_at is None
    member.person.refresh_from_db()
    assert member.person.full_name == "Ada Member"  # a verified name is not overwritten by a form


def test_invite_only_programmes_refuse_sign_up(client):
    closed = ProgrammeFactory(is_open=False)
    assert client.get(join_url(closed)).status_code == 403
    assert client.post(join_url(closed), VALID).status_code == 403
    assert Membership.objects.count() == 0


def test_sign_up_is_throttled_per_address(client, programme, settings):
    settings.SIGN_IN_LIMIT_PER_ADDRESS = 2
    assert client.post(join_url(programme), VALID).status_code == 302
    assert client.post(join_url(programme), VALID).status_code == 302
    response = client.post(join_url(programme), VALID)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Message.objects.count() == 2


def test_unconfirmed_sign_ups_are_removed_after_seven_days_and_not_before(programme):
    now = timezone.now()
    stale = MembershipFactory(programme=programme, confirmed_at=None, created_at=now - timedelta(days=7, minutes=1),
                              person=PersonFactory(email_confirmed_at=None, created_at=now - timedelta(days=8)))
    fresh = MembershipFactory(programme=programme, confirmed_at=None, created_at=now - timedelta(days=6))
    confirmed = MembershipFactory(programme=programme, created_at=now - timedelta(days=30))

    assert signups_purge_unconfirmed(now=now) == 1

    assert set(Membership.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}
    assert not Person.objects.filter(pk=stale.person_id).exists()
