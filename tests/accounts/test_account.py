import json

import pytest
from django.urls import reverse

from tests.clock import at
from tests.factories import MembershipFactory, PersonFactory
from unmentoring.accounts.models import LinkRequest, Person
from unmentoring.core.models import AuditEvent
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import Outgoing, messages_queue
from unmentoring.programmes.models import Membership
from unmentoring.rounds.models import Round, Seat
from unmentoring.rounds.services.checkins import CheckInAnswer, checkin_record
from unmentoring.rounds.services.lifecycle import rounds_advance

pytestmark = pytest.mark.django_db


def test_account_pages_need_sign_in(client, member):
    for url in [reverse("site:account"), reverse("accounts:details"), reverse("accounts:download-data"),
                reverse("accounts:delete"), reverse("programmes:membership-details", args=[member.programme.slug]),
                reverse("programmes:membership-pause", args=[member.programme.slug])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_a_member_can_change_their_name_and_bad_names_are_explained(client, signed_in):
    response = client.post(reverse("accounts:details"), {"full_name": ""})
    assert response.context["form"].errors["full_name"] == ["Enter your full name"]
    response = client.post(reverse("accounts:details"), {"full_name": "n" * 121})
    assert response.context["form"].errors["full_name"] == ["Full name must be 120 characters or fewer"]
    response = client.post(reverse("accounts:details"), {"full_name": "Ada\nLovelace"})
    assert response.context["form"].errors["full_name"] == ["Full name must not include line breaks or hidden characters (it has a line break)"]
    assert client.post(reverse("accounts:details"), {"full_name": "Ada Lovelace"}).status_code == 302
    signed_in.person.refresh_from_db()
    assert signed_in.person.full_name == "Ada Lovelace"


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
    checkin_record(seat_id=Seat.objects.get(membership=signed_in).pk, answer=CheckInAnswer(met="yes", challenge=3))

    data = json.loads(client.get(reverse("accounts:download-data")).content)

    assert [(r["round"], r["matched_with"], r["check_in"]["met"]) for r in data["rounds"]] == [(1, [partner.person.full_name], "yes")]


def test_the_download_has_every_apps_part_of_my_data(client, signed_in):
    data = client.get(reverse("accounts:download-data")).json()
    assert set(data) == {
        "exported_at", "person", "sign_in_requests", "blocked", "actions_recorded",  # accounts (and the audit log)
        "memberships", "sign_ups_waiting_for_confirmation", "programmes_organised", "invitations",  # programmes
        "rounds", "reports_made", "messages",  # rounds, outcomes, notifications
    }


def test_the_account_page_looks_up_who_someone_met_only_when_they_have_blocked_someone(client, weekly, members):
    """Most people block nobody: their account page does not read every group they were ever in."""
    from django.db import connection  # noqa: PLC0415 (only this test counts queries)
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from tests.rounds.helpers import drawn_round  # noqa: PLC0415
    from unmentoring.accounts.models import Block  # noqa: PLC0415

    drawn_round(weekly)
    person, other = members[0].person, members[1].person
    client.force_login(person)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("site:account")).status_code == 200
        return captured

    without = queries()
    Block.objects.create(blocker=person, blocked=other)
    with_block = queries()
    assert len(with_block) == len(without) + 1
