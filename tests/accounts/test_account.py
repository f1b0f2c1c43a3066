import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.clock import at
from tests.factories import MembershipFactory, PersonFactory
from unmentoring.accounts.models import LinkRequest, Person
from unmentoring.core.models import AuditEvent
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import Outgoing, messages_queue
from unmentoring.programmes.models import Membership
from unmentoring.programmes.services import memberships_resume_due
from unmentoring.rounds.models import Round, Seat
from unmentoring.rounds.services.checkins import checkin_record
from unmentoring.rounds.services.lifecycle import rounds_advance

pytestmark = pytest.mark.django_db


def membership_url(name, membership):
    return reverse(f"programmes:membership-{name}", kwargs={"slug": membership.programme.slug})


def date_fields(day):
    return {"paused_until_day": day.day, "paused_until_month": day.month, "paused_until_year": day.year}


def test_account_pages_need_sign_in(client, member):
    for url in [reverse("site:account"), reverse("accounts:details"), reverse("accounts:download-data"),
                reverse("accounts:delete"), membership_url("details", member), membership_url("pause", member)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_the_account_page_lists_the_members_programmes(client, signed_in):
    response = client.get(reverse("site:account"))
    assert response.status_code == 200
    assert signed_in.programme.name in response.text
    assert signed_in.organisation in response.text


def test_the_account_page_makes_a_fixed_number_of_queries(client, signed_in, django_assert_max_num_queries):
    for _ in range(5):
        MembershipFactory(person=signed_in.person)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("site:account")).status_code == 200


def test_a_member_can_change_their_name_and_bad_names_are_explained(client, signed_in):
    response = client.post(reverse("accounts:details"), {"full_name": ""})
    assert response.context["form"].errors["full_name"] == ["Enter your full name"]
    response = client.post(reverse("accounts:details"), {"full_name": "n" * 121})
    assert response.context["form"].errors["full_name"] == ["Full name must be 120 characters or fewer"]
    assert client.post(reverse("accounts:details"), {"full_name": "Ada Lovelace"}).status_code == 302
    signed_in.person.refresh_from_db()
    assert signed_in.person.full_name == "Ada Lovelace"


def test_a_member_can_edit_their_details_and_bad_input_changes_nothing(client, signed_in):
    url = membership_url("details", signed_in)
    good = {"organisation": "Hackney Council", "role": "Developer", "phone": "+44 808 157 0192",
            "video_kind": "zoom", "video_handle": "ada.zoom", "happy_to_talk_about": "APIs",
            "rhythm": "quarterly"}

    bad = client.post(url, {**good, "phone": "999"})
    assert bad.status_code == 200
    assert list(bad.context["form"].errors) == ["phone"]
    signed_in.refresh_from_db()
    assert signed_in.organisation != "Hackney Council"

    assert client.post(url, good).status_code == 302
    signed_in.refresh_from_db()
    assert (signed_in.organisation, signed_in.phone, signed_in.video_kind, signed_in.rhythm) == (
        "Hackney Council", "+448081570192", "zoom", "quarterly")


def test_a_member_cannot_reach_a_programme_they_are_not_in(client, signed_in):
    other = MembershipFactory()
    assert client.get(membership_url("details", other)).status_code == 404
    assert client.post(membership_url("leave", other)).status_code == 404
    other.refresh_from_db()
    assert other.status == "active"


def test_pausing_until_a_future_date_and_resuming(client, signed_in):
    until = timezone.localdate() + timedelta(days=30)
    response = client.post(membership_url("pause", signed_in), date_fields(until))
    assert response.status_code == 302
    signed_in.refresh_from_db()
    assert (signed_in.status, signed_in.paused_until) == ("paused", until)

    assert client.post(membership_url("resume", signed_in)).status_code == 302
    signed_in.refresh_from_db()
    assert (signed_in.status, signed_in.paused_until) == ("active", None)


@pytest.mark.parametrize(("fields", "error"), [
    (lambda today: date_fields(today), "Pause until must be in the future"),
    (lambda today: date_fields(today - timedelta(days=3)), "Pause until must be in the future"),
    (lambda today: date_fields(today + timedelta(days=400)), "Pause until must be within a year from today"),
    (lambda today: {"paused_until_day": "31", "paused_until_month": "2", "paused_until_year": today.year + 1},
     "Pause until must be a real date"),
])
def test_bad_pause_dates_are_explained_and_nothing_changes(client, signed_in, fields, error):
    response = client.post(membership_url("pause", signed_in), fields(timezone.localdate()))
    assert response.status_code == 200
    assert response.context["form"].errors["paused_until"] == [error]
    signed_in.refresh_from_db()
    assert signed_in.status == "active"


def test_a_missing_pause_date_is_explained(client, signed_in):
    response = client.post(membership_url("pause", signed_in), {})
    assert response.status_code == 200
    assert len(response.context["form"].errors["paused_until"]) == 1
    signed_in.refresh_from_db()
    assert signed_in.status == "active"


def test_pauses_end_by_themselves_on_their_date_in_the_programmes_time_zone(member):
    member.status, member.paused_until = "paused", timezone.datetime(2027, 3, 10).date()
    member.save()
    member.programme.time_zone = "America/New_York"
    member.programme.save()
    # 01:00 in London on the 10th is still the 9th in New York
    assert memberships_resume_due(now=at("2027-03-10 01:00")) == 0
    assert memberships_resume_due(now=at("2027-03-10 06:00")) == 1
    member.refresh_from_db()
    assert (member.status, member.paused_until) == ("active", None)


def test_leaving_asks_first_then_leaves(client, signed_in):
    page = client.get(membership_url("leave", signed_in))
    assert page.status_code == 200
    signed_in.refresh_from_db()
    assert signed_in.status == "active"

    assert client.post(membership_url("leave", signed_in)).status_code == 302
    signed_in.refresh_from_db()
    assert signed_in.status == "left" and signed_in.left_at is not None
    # resuming a left membership is refused with a message, not an error page
    response = client.post(membership_url("resume", signed_in), follow=True)
    assert response.status_code == 200
    signed_in.refresh_from_db()
    assert signed_in.status == "left"


def test_download_contains_my_data_and_nobody_elses(client, signed_in):
    MembershipFactory(programme=signed_in.programme, person=PersonFactory(email="bob@example.org"), phone="+447700900555")
    response = client.get(reverse("accounts:download-data"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="unmentoring-my-data.json"'
    data = json.loads(response.content)
    assert data["person"]["email"] == "ada@example.org"
    assert [m["phone"] for m in data["memberships"]] == [signed_in.phone]
    assert "bob@example.org" not in response.text and "+447700900555" not in response.text
    assert AuditEvent.objects.filter(action="person.export").count() == 1


def test_deleting_needs_confirmation(client, signed_in):
    response = client.post(reverse("accounts:delete"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["confirm"] == ["Select to confirm you want to delete your account"]
    assert Person.objects.filter(pk=signed_in.person_id).exists()


def test_deleting_erases_the_person_their_memberships_and_their_mail(client, signed_in):
    messages_queue([Outgoing(template="sign_in", to_email=signed_in.person.email, person_id=signed_in.person_id,
                             idempotency_key="k1", context={"name": signed_in.person.full_name, "link": "x", "minutes": 15})])
    LinkRequest.objects.create(kind="sign_in", email=signed_in.person.email, ip="127.0.0.1")
    other = MembershipFactory(programme=signed_in.programme)

    response = client.post(reverse("accounts:delete"), {"confirm": "on"})

    assert response.status_code == 302
    assert not Person.objects.filter(pk=signed_in.person_id).exists()
    assert list(Membership.objects.values_list("pk", flat=True)) == [other.pk]
    assert (Message.objects.count(), LinkRequest.objects.count()) == (0, 0)
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(action="person.erase").subject == f"person:{signed_in.person_id}"


def test_download_includes_my_rounds_with_who_i_met(client, signed_in):
    partner = MembershipFactory(programme=signed_in.programme, person=PersonFactory(full_name="Bo Partner"))
    rounds_advance(now=at("2027-01-04 08:00"))
    rnd = Round.objects.get()
    rounds_advance(now=rnd.draw_at)
    checkin_record(seat_id=Seat.objects.get(membership=signed_in).pk, met="yes")

    data = json.loads(client.get(reverse("accounts:download-data")).content)

    assert [(r["round"], r["matched_with"], r["did_we_meet"]) for r in data["rounds"]] == [(1, [partner.person.full_name], "yes")]
