"""The Django admin is for site administrators only: no passwords, no seeds, no live links, and deleting is erasing."""

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from tests.conftest import run_tasks
from tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory
from tests.links import path_of, token_of
from tests.rounds.helpers import drawn_round, schedule
from unmentoring.accounts.models import Person
from unmentoring.accounts.services import sign_in_link, sign_in_request
from unmentoring.core.models import AuditEvent
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_render
from unmentoring.rounds.models import Seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return PersonFactory(full_name="Sam Superuser", email="sam@example.org", is_staff=True, is_superuser=True)


def test_a_staff_organiser_who_is_not_a_superuser_cannot_open_any_admin_page(client):
    programme_a, programme_b = ProgrammeFactory(), ProgrammeFactory()
    organiser = PersonFactory(is_staff=True)
    programme_a.organisers.add(organiser)
    other = MembershipFactory(programme=programme_b, phone="+447911000999")
    client.force_login(organiser)
    for url in [reverse("admin:index"), reverse("admin:programmes_membership_changelist"),
                reverse("admin:programmes_membership_change", args=[other.pk]), reverse("admin:notifications_message_changelist")]:
        response = client.get(url, follow=True)
        assert response.status_code == 404, url
        assert "+447911000999" not in response.text and "7911 000999" not in response.text


def test_the_admin_has_no_password_form_and_no_password_works_anywhere(client, superuser):
    superuser.set_password("correct horse battery staple")
    superuser.save()
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sign-in") + "?next=%2Fadmin%2F"
    response = client.post(reverse("admin:login"), {"username": superuser.email, "password": "correct horse battery staple"})
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert authenticate(username=superuser.email, password="correct horse battery staple") is None
    assert client.get(reverse("admin:password_change")).status_code in (302, 404)


def test_an_admin_signs_in_by_emailed_link_and_lands_in_the_admin(client, superuser):
    link = path_of(sign_in_link(superuser, next_url=reverse("admin:index")))
    response = client.post(link.split("?")[0], {"token": token_of(link), "next": reverse("admin:index")})
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_outbox_admin_never_shows_a_messages_live_links(client, superuser, member):
    sign_in_request(email=member.person.email, ip="127.0.0.1")
    run_tasks()
    message = message_render(Message.objects.get(template="sign_in"))
    link = next(word for word in message.body_text.split() if "/sign-in/link/" in word)
    client.force_login(superuser)
    for url in [reverse("admin:notifications_message_changelist"), reverse("admin:notifications_message_change", args=[message.pk])]:
        page = client.get(url)
        assert page.status_code == 200
        assert token_of(link) not in page.text and "/sign-in/link/" not in page.text


@pytest.mark.parametrize(("admin_page", "lookup"), [
    ("admin:rounds_round_changelist", "seed__startswith"),
    ("admin:rounds_round_changelist", "seed"),
    ("admin:rounds_group_changelist", "round__seed__startswith"),
    ("admin:rounds_checkin_changelist", "seat__group__round__seed__startswith"),
])
def test_no_url_filter_can_reach_a_rounds_seed(client, superuser, weekly, members, admin_page, lookup):
    rnd = schedule(weekly)
    client.force_login(superuser)
    assert client.get(reverse(admin_page)).status_code == 200
    response = client.get(reverse(admin_page), {lookup: rnd.seed[:1]})
    assert response.status_code == 400
    assert rnd.seed not in response.text


def test_deleting_a_person_in_the_admin_erases_them(client, superuser, weekly, members):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).order_by("pk").first()
    partner = Seat.objects.filter(group=seat.group).exclude(pk=seat.pk).get()
    person = seat.membership.person
    partners_intro = Message.objects.get(template="intro", context__seat=partner.pk)
    message_render(partners_intro)
    assert person.full_name in partners_intro.body_text
    client.force_login(superuser)

    response = client.post(reverse("admin:accounts_person_delete", args=[person.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not Message.objects.filter(to_email=person.email).exists()
    partners_intro.refresh_from_db()
    assert person.full_name not in partners_intro.body_text + partners_intro.subject
    assert AuditEvent.objects.filter(action="person.erase", subject=f"person:{person.pk}").exists()


def test_deleting_people_in_bulk_in_the_admin_erases_each(client, superuser, members):
    client.force_login(superuser)
    chosen = [members[0].person, members[1].person]
    response = client.post(reverse("admin:accounts_person_changelist"),
                           {"action": "delete_selected", "_selected_action": [p.pk for p in chosen], "post": "yes"})
    assert response.status_code == 302
    assert set(AuditEvent.objects.filter(action="person.erase").values_list("subject", flat=True)) == {
        f"person:{p.pk}" for p in chosen}


@pytest.mark.parametrize("lookup", ["body_text__contains", "body_html__icontains", "context__icontains", "headers__contains",
                                    "subject__startswith", "idempotency_key__startswith"])
def test_no_url_filter_can_search_what_a_message_said(client, superuser, member, lookup):
    """?body_text__contains=token=A… would answer yes or no about a live sign-in link, one character at a time."""
    sign_in_request(email=member.person.email, ip="127.0.0.1")
    run_tasks()
    message_render(Message.objects.get(template="sign_in"))
    client.force_login(superuser)
    assert client.get(reverse("admin:notifications_message_changelist"), {lookup: "token="}).status_code == 400


def test_signing_in_from_the_admin_comes_back_to_the_admin(client, superuser):
    page = client.get(reverse("admin:index"), follow=True)
    assert page.redirect_chain[-1][0] == reverse("accounts:sign-in") + "?next=%2Fadmin%2F"
    assert 'name="next" value="/admin/"' in page.text
    client.post(reverse("accounts:sign-in"), {"email": superuser.email, "next": "/admin/"})
    run_tasks()
    link = path_of(next(w for w in message_render(Message.objects.get()).body_text.split() if "/sign-in/link/" in w))
    response = client.post(reverse("accounts:sign-in-link"), {"token": token_of(link), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert "next=%2Fadmin%2F" in link


def test_a_sign_in_page_drops_a_next_address_on_another_site(client, superuser):
    page = client.get(reverse("accounts:sign-in"), {"next": "https://evil.example/"})
    assert 'name="next"' not in page.text
    client.post(reverse("accounts:sign-in"), {"email": superuser.email, "next": "https://evil.example/"})
    run_tasks()
    assert "evil" not in message_render(Message.objects.get()).body_text


@pytest.mark.django_db
def test_rounds_and_groups_cannot_be_deleted_and_a_drawn_rounds_dates_cannot_change(client, weekly, members):
    rnd = drawn_round(weekly)
    client.force_login(PersonFactory(is_superuser=True, is_staff=True))
    assert client.post(reverse("admin:rounds_round_delete", args=[rnd.pk]), {"post": "yes"}).status_code == 403
    group = rnd.groups.first()
    assert client.post(reverse("admin:rounds_group_delete", args=[group.pk]), {"post": "yes"}).status_code == 403
    # Groups are numbered by the app (the round page counts them by number): none added, none renumbered.
    assert client.get(reverse("admin:rounds_group_add")).status_code == 403
    assert 'name="number"' not in client.get(reverse("admin:rounds_group_change", args=[group.pk])).content.decode()
    page = client.get(reverse("admin:rounds_round_change", args=[rnd.pk])).content.decode()
    assert 'name="draw_at_0"' not in page and 'name="close_at_0"' not in page
    assert rnd.__class__.objects.filter(pk=rnd.pk).exists()
