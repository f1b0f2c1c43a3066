"""Who may open the organisers' console, and what an organiser may do with a programme's organisers."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory
from tests.rounds.helpers import schedule
from unmentoring.accounts.models import Person
from unmentoring.core.models import AuditEvent
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_render
from unmentoring.rounds.enums import RoundState

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    programme = ProgrammeFactory(name="LocalGov Coffee", slug="coffee")
    other = ProgrammeFactory(name="NHS Radicals", slug="radicals")
    organiser, co_organiser, elsewhere = PersonFactory(full_name="Olu Organiser"), PersonFactory(), PersonFactory()
    programme.organisers.add(organiser, co_organiser)
    other.organisers.add(elsewhere)
    member = MembershipFactory(programme=programme).person
    admin = PersonFactory(is_superuser=True, is_staff=True)
    rnd = schedule(programme)
    return {"programme": programme, "organiser": organiser, "co": co_organiser, "elsewhere": elsewhere,
            "member": member, "admin": admin, "round": rnd}


def _pages(world):
    slug = world["programme"].slug
    return [("get", reverse("console:programme", args=[slug]), {}),
            ("get", reverse("console:organisers", args=[slug]), {}),
            ("get", reverse("console:audit", args=[slug]), {}),
            ("get", reverse("console:members", args=[slug]), {}),
            ("get", reverse("console:member", args=[slug, world["programme"].memberships.get().pk]), {}),
            ("get", reverse("console:rounds", args=[slug]), {}),
            ("get", reverse("console:reports", args=[slug]), {}),
            ("get", reverse("console:exports", args=[slug]), {}),
            ("get", reverse("console:announce", args=[slug]), {}),
            ("get", reverse("console:import-people", args=[slug]), {}),
            ("get", reverse("console:invite", args=[slug]), {}),
            ("get", reverse("console:import-history", args=[slug]), {}),
            ("get", reverse("console:programme-settings", args=[slug]), {}),
            ("get", reverse("console:export", args=[slug, "checkins", "json"]), {}),
            ("get", reverse("console:insights", args=[slug]), {}),
            ("get", reverse("console:insights-csv", args=[slug, "funnel"]), {}),
            ("get", reverse("console:network", args=[slug]), {}),
            ("get", reverse("console:network-csv", args=[slug]), {}),
            ("get", reverse("console:open-data", args=[slug, "meetings"]), {}),
            ("get", reverse("console:round", args=[slug, 1]), {}),
            ("post", reverse("console:round-preview", args=[slug, 1]), {}),
            ("get", reverse("console:round-draw", args=[slug, 1]), {}),
            ("get", reverse("console:round-cancel", args=[slug, 1]), {}),
            ("get", reverse("console:member-move", args=[slug, 1, world["programme"].memberships.get().pk]), {}),
            ("post", reverse("console:latecomers-draw", args=[slug, 1]), {"members": []}),
            ("post", reverse("console:organisers", args=[slug]), {"email": "new@example.org"}),
            ("post", reverse("console:organiser-remove", args=[slug, world["co"].pk]), {}),
            ("post", reverse("console:round-cancel", args=[slug, 1]), {"reason": "Cancelled by the matrix."})]


@pytest.mark.parametrize(("who", "allowed"), [
    ("anonymous", None), ("member", False), ("elsewhere", False), ("organiser", True), ("admin", True)])
def test_the_authorisation_matrix_over_every_console_page_and_action(client, world, who, allowed):
    if who != "anonymous":
        client.force_login(world[who])
    for method, path, data in _pages(world):
        response = getattr(client, method)(path, data)
        if allowed is None:
            assert response.status_code == 302 and response["Location"].startswith("/sign-in/"), path
        elif not allowed:
            assert response.status_code == 404, (who, path)
        else:
            assert response.status_code in (200, 302), (who, path)
    programme = world["programme"]
    expected = {"new@example.org"} if allowed else set()
    assert set(programme.organisers.values_list("email", flat=True)) - {world["organiser"].email, world["co"].email} == expected
    assert programme.organisers.filter(pk=world["co"].pk).exists() == (not allowed)
    world["round"].refresh_from_db()
    assert (world["round"].state == RoundState.CANCELLED) == bool(allowed)
    home = client.get(reverse("console:home"))
    assert home.status_code == {"anonymous": 302, "member": 403}.get(who, 200)  # "elsewhere" sees their own


def test_the_home_page_lists_only_my_programmes(client, world):
    client.force_login(world["organiser"])
    page = client.get(reverse("console:home")).content.decode()
    assert "LocalGov Coffee" in page and "NHS Radicals" not in page
    client.force_login(world["admin"])
    page = client.get(reverse("console:home")).content.decode()
    assert "LocalGov Coffee" in page and "NHS Radicals" in page


def test_signing_in_lands_organisers_on_the_console_and_members_on_their_account(client, world):
    for who, where in (("organiser", reverse("console:home")), ("member", reverse("site:account"))):
        client.force_login(world[who])
        assert client.get(reverse("site:signed-in"))["Location"] == where


def test_adding_an_organiser_by_email_makes_them_a_person_emails_them_and_is_audited(client, world):
    client.force_login(world["organiser"])
    path = reverse("console:organisers", args=["coffee"])
    response = client.post(path, {"email": " New.Person@Example.org ", "full_name": "Nia New"})
    assert response.status_code == 302
    person = Person.objects.get(email="new.person@example.org")
    assert (person.full_name, person.email_confirmed_at) == ("Nia New", None)
    assert world["programme"].organisers.filter(pk=person.pk).exists()
    message = message_render(Message.objects.get(template="organiser_added"))
    assert message.subject == "You are now an organiser of LocalGov Coffee"
    assert "Olu Organiser made you an organiser" in message.body_text and "/sign-in/?next=/console/" in message.body_text
    event = AuditEvent.objects.get(action="organiser.add")
    assert (event.actor_id, event.subject, event.programme_id) == (world["organiser"].pk, f"person:{person.pk}",
                                                                   world["programme"].pk)
    client.post(path, {"email": "new.person@example.org"})  # twice: nothing more
    assert Message.objects.filter(template="organiser_added").count() == 1


@pytest.mark.parametrize(("data", "error"), [
    ({"email": ""}, "Enter their email address"),
    ({"email": "not-an-email"}, "Enter an email address in the correct format, like name@example.com"),
    ({"email": "a@example.org", "full_name": "n" * 121}, "Their name must be 120 characters or fewer"),
    ({"email": "a@example.org", "full_name": "Ada\u202e"}, None),
])
def test_a_bad_organiser_is_explained_and_nothing_changes(client, world, data, error):
    client.force_login(world["organiser"])
    response = client.post(reverse("console:organisers", args=["coffee"]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors and (error is None or error in sum(errors.values(), []))
    assert world["programme"].organisers.count() == 2 and not Message.objects.exists()
    assert response.content.decode().count("govuk-error-summary") >= 1


def test_the_last_organiser_cannot_be_removed_and_removing_is_audited(client, world):
    client.force_login(world["organiser"])
    remove = lambda person: client.post(reverse("console:organiser-remove", args=["coffee", person.pk]), follow=True)  # noqa: E731
    assert "no longer organises" in remove(world["co"]).content.decode()
    assert "at least one organiser" in remove(world["organiser"]).content.decode()
    assert list(world["programme"].organisers.all()) == [world["organiser"]]
    assert remove(world["member"]).status_code == 404  # not one of this programme's organisers
    assert list(AuditEvent.objects.filter(action="organiser.remove").values_list("subject", flat=True)) == [
        f"person:{world['co'].pk}"]


def test_the_audit_log_shows_who_did_what_to_whom_in_this_programme_only(client, world):
    client.force_login(world["organiser"])
    client.post(reverse("console:organisers", args=["coffee"]), {"email": "nia@example.org", "full_name": "Nia New"})
    AuditEvent.objects.create(action="elsewhere.thing", subject="person:1", programme_id=world["programme"].pk + 1)
    page = client.get(reverse("console:audit", args=["coffee"])).content.decode()
    assert "organiser.add" in page and "Nia New" in page and "Olu Organiser" in page
    assert "elsewhere.thing" not in page
    for bad in ("?page=0", "?page=2", "?page=x"):
        assert client.get(reverse("console:audit", args=["coffee"]) + bad).status_code == 404


@pytest.mark.parametrize("name", ["console:home", "console:organisers", "console:audit"])
def test_list_pages_take_the_same_queries_for_one_item_or_twenty(client, world, name):
    client.force_login(world["admin"])
    args = [] if name == "console:home" else ["coffee"]

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name, args=args)).status_code == 200
        return len(captured)

    AuditEvent.objects.create(actor=world["organiser"], action="organiser.add", subject=f"person:{world['co'].pk}",
                              programme_id=world["programme"].pk)
    one = count()
    for n in range(20):
        person = PersonFactory()
        world["programme"].organisers.add(person)
        ProgrammeFactory(slug=f"p{n}")
        AuditEvent.objects.create(actor=person, action="organiser.add", subject=f"person:{person.pk}",
                                  programme_id=world["programme"].pk)
    assert count() == one


def test_the_command_line_adds_the_first_organiser_and_explains_what_is_wrong(world, capsys):
    call_command("organisers", "add", "--programme", "radicals", "First@Example.org", "--name", "Fi First")
    assert "first@example.org organises NHS Radicals" in capsys.readouterr().out
    assert world["programme"].organisers.count() == 2
    call_command("organisers", "add", "--programme", "radicals", "first@example.org")
    assert "already organises" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No programme has the slug 'nope'. Programmes: coffee, radicals"):
        call_command("organisers", "add", "--programme", "nope", "a@example.org")
    with pytest.raises(CommandError, match="not an email address"):
        call_command("organisers", "add", "--programme", "radicals", "not an email")
    call_command("organisers", "list", "--programme", "radicals")
    assert "first@example.org\tFi First" in capsys.readouterr().out
    assert Message.objects.filter(template="organiser_added").count() == 1


def test_the_navigation_offers_the_console_to_organisers_only(client, world):
    client.force_login(world["member"])
    assert 'data-testid="nav-console"' not in client.get(reverse("site:account")).content.decode()
    client.force_login(world["organiser"])
    page = client.get(reverse("console:audit", args=["coffee"])).content.decode()
    assert 'data-testid="nav-console"' in page and 'aria-current="true" data-testid="nav-console"' in page
