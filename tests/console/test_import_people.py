"""Importing the spreadsheet a network already has: messy files read right, every row's errors shown, nothing
written until confirmed, and the people invited — never enrolled, never matched — until they confirm."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory
from tests.links import path_of
from tests.rounds.helpers import drawn_round
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_render
from unmentoring.programmes.imports import UnreadableFile, read_table
from unmentoring.programmes.links import INVITE
from unmentoring.programmes.models import Invitation, Membership
from unmentoring.rounds.models import Seat

pytestmark = pytest.mark.django_db

ROWS = [
    "Timestamp;Your name;Work email;Council;Job title;Mobile",
    "01/11/2026 09:00;Zoë Ñúñez-Łódź;Zoe@Example.org ;Leeds City Council;Developer;07911 123456",
    "",
    "01/11/2026 09:05;Bob Smith;bob@example;Leeds  city council;;",
    '01/11/2026 09:06;"Carol, the PM";carol@example.org;"=HYPERLINK(""http://x"")";PM;12',
    "01/11/2026 09:07;Dup;  ZOE@example.org;Hackney;;",
    "01/11/2026 09:08;;dan@example.org;Hackney;;",
    '01/11/2026 09:09;"Eve ""Two\nLines""";eve@example.org;leeds city council;;',
    "01/11/2026 09:10;Fay\u202eFake;fay@example.org;Leeds City Council;;",
    "01/11/2026 09:11;Gus Member;gus@example.org;Hackney;;",
    f"01/11/2026 09:12;{'L' * 121};long@example.org;Hackney;;",
    '01/11/2026 09:13;Hana Formula;hana@example.org;"=1+1";;',
    "",
]
TEXT = "\r\n".join(ROWS) + "\r\n"
EXPECTED_ERRORS = [
    {"line": 4, "column": "Work email", "message": "'bob@example' is not an email address"},
    {"line": 5, "column": "Mobile", "message": "'12' is not a phone number"},
    {"line": 6, "column": "Work email", "message": "zoe@example.org is also on line 2"},
    {"line": 7, "column": "Your name", "message": "no name"},
    {"line": 10, "column": "Your name", "message": "has a hidden character (U+202E (right-to-left override))"},
    {"line": 11, "column": "Work email", "message": "gus@example.org is already a member"},
    {"line": 12, "column": "Your name", "message": "is longer than 120 characters"},
]


@pytest.fixture
def coffee(db):
    programme = ProgrammeFactory(name="LocalGov Coffee", slug="coffee", is_open=False)
    MembershipFactory(programme=programme, organisation="Hackney", person=PersonFactory(email="gus@example.org"))
    return programme


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_every_encoding_and_delimiter_reads_the_same_rows_on_the_same_lines(encoding, delimiter):
    rows = [r.replace(";", delimiter) for r in ROWS]
    text = "\r\n".join(rows) + "\r\n"
    if encoding == "cp1252":
        text = text.replace("Ñúñez-Łódź", "Núñez").replace("\u202e", "")
    table = read_table(text.encode(encoding))
    assert table.header == ["Timestamp", "Your name", "Work email", "Council", "Job title", "Mobile"]
    assert [line for line, _ in table.rows] == [2, 4, 5, 6, 7, 8, 10, 11, 12, 13]
    assert table.blank == 2
    assert table.rows[0][1][1] == ("Zoë Núñez" if encoding == "cp1252" else "Zoë Ñúñez-Łódź")
    assert table.rows[2][1][1] == "Carol, the PM" and table.rows[5][1][1] == 'Eve "Two\nLines"'


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"), (b"   \r\n\r\n", "empty"), (b"\x00\x01\x02\x00" * 10, "does not look like a CSV"),
    (b"a" * 2_000_001, "larger than 2 MB"),
])
def test_a_file_that_cannot_be_read_says_why(data, message):
    with pytest.raises(UnreadableFile, match=message):
        read_table(data)


def _run(capsys, *args):
    call_command("import-people", *args)
    return capsys.readouterr().out


def test_the_command_shows_every_error_writes_nothing_then_invites_exactly_the_valid_rows(coffee, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_bytes(TEXT.encode("utf-16"))
    checked = json.loads(_run(capsys, "--programme", "coffee", str(path), "--json"))
    assert checked == {"rows": 10, "blank": 2, "ready": 3, "imported": 0, "errors": EXPECTED_ERRORS}
    assert not Invitation.objects.exists() and not Message.objects.exists()
    committed = json.loads(_run(capsys, "--programme", "coffee", str(path), "--json", "--commit"))
    assert committed["imported"] == 3
    invited = {i.email: i for i in Invitation.objects.all()}
    assert set(invited) == {"zoe@example.org", "eve@example.org", "hana@example.org"}
    # Organisations that differ only by spacing or case are one; values are trimmed; a formula is kept as typed.
    assert invited["eve@example.org"].organisation == "Leeds City Council"
    assert (invited["zoe@example.org"].phone, invited["hana@example.org"].organisation) == ("+447911123456", "=1+1")
    assert Membership.objects.count() == 1  # nobody is a member until they confirm
    assert Message.objects.filter(template="invitation").count() == 3


def test_the_command_says_what_it_cannot_do(coffee, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_text("Name,Mail\r\nAda,ada@example.org\r\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Choose the column that holds email address"):
        call_command("import-people", "--programme", "coffee", str(path))
    with pytest.raises(CommandError, match="Choose the column that holds organisation"):
        call_command("import-people", "--programme", "coffee", str(path), "--map", "email=Mail")
    with pytest.raises(CommandError, match="No column named 'Nope'"):
        call_command("import-people", "--programme", "coffee", str(path), "--map", "email=Nope")
    with pytest.raises(CommandError, match="FIELD=COLUMN"):
        call_command("import-people", "--programme", "coffee", str(path), "--map", "email")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import-people", "--programme", "coffee", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="No programme has the slug"):
        call_command("import-people", "--programme", "nope", str(path))
    assert not Invitation.objects.exists()


def test_an_invited_person_joins_by_confirming_and_is_never_matched_before(client, coffee, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_bytes(TEXT.encode("utf-8"))
    _run(capsys, "--programme", "coffee", str(path), "--commit")
    message = message_render(Message.objects.get(template="invitation", to_email="zoe@example.org"))
    assert message.subject == "You are invited to join LocalGov Coffee"
    link = path_of(next(w for w in message.body_text.split() if "/r/invitation/" in w))
    page = client.get(link).content.decode()
    assert "zoe@example.org" in page and 'value="Zoë Ñúñez-Łódź"' in page and 'value="Leeds City Council"' in page
    response = client.post(link, {"full_name": "Zoë Ñúñez-Łódź", "organisation": "Leeds City Council", "role": "Developer",
                                  "phone": "07911 123456", "rhythm": "every"})  # no consents yet
    assert set(response.context["form"].errors) == {"agree_rules", "agree_sharing"}
    assert Membership.objects.count() == 1
    response = client.post(link, {"full_name": "Zoë Ñúñez-Łódź", "organisation": "Leeds City Council", "role": "Developer",
                                  "phone": "07911 123456", "rhythm": "every", "agree_rules": "on", "agree_sharing": "on"})
    assert response.status_code == 302
    membership = Membership.objects.get(person__email="zoe@example.org")
    assert membership.confirmed_at and membership.rules_agreed_at and membership.programme == coffee
    assert client.get(link).status_code == 400  # used
    assert client.get(link[:-4] + "abc/").status_code == 400  # tampered
    # A draw takes the one who confirmed and not the two still invited.
    MembershipFactory(programme=coffee, organisation="Leeds City Council")
    drawn = drawn_round(coffee)
    in_draw = set(Seat.objects.filter(group__round=drawn).values_list("membership__person__email", flat=True))
    assert "zoe@example.org" in in_draw and not in_draw & {"eve@example.org", "hana@example.org"}


def test_the_web_import_maps_columns_shows_errors_and_invites_only_when_confirmed(client, coffee):
    organiser = PersonFactory()
    coffee.organisers.add(organiser)
    client.force_login(organiser)
    path = reverse("console:import-people", args=["coffee"])
    upload = client.post(path, {"action": "upload", "file": _file(TEXT.encode("utf-16"))})
    assert upload.status_code == 200 and upload.context["mapping"]["email"].value() == "Work email"
    mapping = {f"map-{name}": column for name, column in {
        "full_name": "Your name", "email": "Work email", "organisation": "Council", "role": "Job title",
        "phone": "Mobile"}.items()}
    checked = client.post(path, {"action": "check", **mapping})
    assert checked.context["check"].errors == EXPECTED_ERRORS and len(checked.context["check"].ready) == 3
    assert not Invitation.objects.exists()
    bad = client.post(path, {"action": "check", **mapping, "map-email": "Nope"})
    assert "email" in bad.context["mapping"].errors
    done = client.post(path, {"action": "commit", **mapping})
    assert done.status_code == 302 and Invitation.objects.count() == 3
    assert client.post(path, {"action": "commit", **mapping}).status_code == 200  # the upload is spent
    assert Invitation.objects.count() == 3
    unreadable = client.post(path, {"action": "upload", "file": _file(b"")})
    assert unreadable.context["upload"].errors["file"]


def test_another_programmes_organiser_cannot_import(client, coffee):
    elsewhere = PersonFactory()
    ProgrammeFactory(slug="other").organisers.add(elsewhere)
    client.force_login(elsewhere)
    assert client.post(reverse("console:import-people", args=["coffee"]),
                       {"action": "upload", "file": _file(TEXT.encode())}).status_code == 404


def _file(content: bytes):
    return SimpleUploadedFile("people.csv", content, content_type="text/csv")


def test_pasted_addresses_are_invited_and_bad_ones_invite_nobody(client, coffee):
    organiser = PersonFactory()
    coffee.organisers.add(organiser)
    client.force_login(organiser)
    path = reverse("console:invite", args=["coffee"])
    bad = client.post(path, {"addresses": "ada@example.org, not-an-address; bob@example.org"})
    assert bad.context["form"].errors["addresses"] == [
        "These are not email addresses: not-an-address. Nobody was invited."]
    assert not Invitation.objects.exists()
    assert client.post(path, {"addresses": ""}).context["form"].errors["addresses"] == ["Enter at least one email address"]
    done = client.post(path, {"addresses": "Ada@Example.org\n<bob@example.org>; gus@example.org, ada@example.org"},
                       follow=True)
    assert "Invited 2 people. 1 is already a member." in done.content.decode()
    assert set(Invitation.objects.values_list("email", flat=True)) == {"ada@example.org", "bob@example.org"}


@pytest.mark.parametrize("data", [b"\xff\xfeA", b"\xef\xbb\xbf\xff\xfe\xfa"])
def test_a_file_that_pretends_to_be_unicode_is_explained_not_a_crash(client, coffee, data):
    with pytest.raises(UnreadableFile, match="says it is Unicode text but is not"):
        read_table(data)
    organiser = PersonFactory()
    coffee.organisers.add(organiser)
    client.force_login(organiser)
    response = client.post(reverse("console:import-people", args=["coffee"]), {"action": "upload", "file": _file(data)})
    assert response.status_code == 200 and response.context["upload"].errors["file"]


def test_two_fields_on_one_column_are_refused(coffee, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(TEXT.encode())
    with pytest.raises(CommandError, match="both use the column 'Your name'"):
        call_command("import-people", "--programme", "coffee", str(path), "--map", "organisation=Your name")


def test_a_closed_account_is_never_invited_nor_joins(client, coffee):
    closed = PersonFactory(email="closed@example.org", is_active=False)
    organiser = PersonFactory()
    coffee.organisers.add(organiser)
    client.force_login(organiser)
    client.post(reverse("console:invite", args=["coffee"]), {"addresses": "closed@example.org"})
    assert not Invitation.objects.exists()
    invitation = Invitation.objects.create(programme=coffee, email=closed.email)
    client.logout()
    response = client.post(f"/r/invitation/{INVITE.make(invitation.pk)}/", {
        "full_name": "Closed", "organisation": "Hackney", "role": "Dev", "phone": "07911 123456", "rhythm": "every",
        "agree_rules": "on", "agree_sharing": "on"})
    assert response.status_code == 409 and not Membership.objects.filter(person=closed).exists()
    assert "_auth_user_id" not in client.session


def test_an_overlong_pasted_address_is_named_not_a_crash(client, coffee):
    organiser = PersonFactory()
    coffee.organisers.add(organiser)
    client.force_login(organiser)
    long = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"
    response = client.post(reverse("console:invite", args=["coffee"]), {"addresses": long})
    assert response.status_code == 200 and "These are not email addresses" in response.context["form"].errors["addresses"][0]
    assert not Invitation.objects.exists()


def test_checking_again_after_the_upload_was_imported_says_to_upload_again(client, coffee):
    organiser = PersonFactory()
    coffee.organisers.add(organiser)
    client.force_login(organiser)
    response = client.post(reverse("console:import-people", args=["coffee"]), {"action": "check"}, follow=True)
    assert "Upload the file again" in response.content.decode()
