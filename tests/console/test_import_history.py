"""Past pairings from the spreadsheet era: checked, reported, recorded only on commit, and avoided by the draw."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import PersonFactory
from tests.rounds.helpers import drawn_round
from unmentoring.rounds.history import round_key
from unmentoring.rounds.models import PastPairing, Seat

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("label", "key"), [
    ("3", (0, 3)), ("Round 12", (0, 12)), ("2025-11", (1, 2025 * 12 + 11)), ("11/2025", (1, 2025 * 12 + 11)),
    ("Nov 2025", (1, 2025 * 12 + 11)), ("November 2025", (1, 2025 * 12 + 11)), ("2025-13", None),
    ("Sometime", None), ("", None),
])
def test_rounds_and_months_as_people_write_them(label, key):
    assert round_key(label) == key


def _sheet(members):
    m = [x.person.email for x in members]
    return ("Month,Email 1,Email 2,Email 3\r\n"
            f"October 2025,{m[0].upper()},{m[1]},\r\n"
            f"November 2025,{m[2]},{m[3]},{m[4]}\r\n"
            "\r\n"
            f"Sometime,{m[5]},{m[6]},\r\n"
            f"2025-12,{m[5]},stranger@example.org,\r\n"
            f"2025-12,{m[6]},{m[6]},\r\n"
            f"2025-12,{m[7]},,\r\n").encode("utf-8-sig")


def test_the_command_reports_every_problem_then_records_exactly_the_valid_pairs(weekly, members, tmp_path, capsys):
    path = tmp_path / "history.csv"
    path.write_bytes(_sheet(members))
    call_command("import-history", "--programme", "weekly", str(path), "--json")
    checked = json.loads(capsys.readouterr().out)
    assert checked == {"rows": 6, "blank": 1, "ready": 4, "imported": 0, "errors": [
        {"line": 5, "column": "Month", "message": "'Sometime' is not a round number or a month like 2025-11 or November 2025"},
        {"line": 6, "column": "Email 2", "message": "stranger@example.org is not a member of this programme"},
        {"line": 7, "column": "Email 2", "message": f"{members[6].person.email} is in this row twice"},
        {"line": 8, "column": "Email 2", "message": "no email address"},
    ]}
    assert not PastPairing.objects.exists()
    call_command("import-history", "--programme", "weekly", str(path), "--commit")
    pairs = {(p.label, p.round, p.a_id, p.b_id) for p in PastPairing.objects.all()}
    ids = [m.pk for m in members]
    assert pairs == {("October 2025", -1, ids[0], ids[1]), ("November 2025", 0, ids[2], ids[3]),
                     ("November 2025", 0, ids[2], ids[4]), ("November 2025", 0, ids[3], ids[4])}
    call_command("import-history", "--programme", "weekly", str(path), "--commit")  # twice: nothing new
    assert PastPairing.objects.count() == 4
    with pytest.raises(CommandError, match="Choose the column that holds round or month"):
        bad = tmp_path / "bad.csv"
        bad.write_text("a,b\r\n1,2\r\n")
        call_command("import-history", "--programme", "weekly", str(bad))


def test_the_next_draw_avoids_the_imported_pairs(weekly, members, tmp_path):
    # Without the history this draw pairs member 0 with member 1 (tests/accounts/test_blocks.py).
    path = tmp_path / "history.csv"
    path.write_text(f"Round,Person A,Person B\r\n1,{members[0].person.email},{members[1].person.email}\r\n")
    call_command("import-history", "--programme", "weekly", str(path), "--commit")
    rnd = drawn_round(weekly)
    partners = set(Seat.objects.filter(group=Seat.objects.get(group__round=rnd, membership=members[0]).group)
                   .values_list("membership", flat=True))
    assert members[1].pk not in partners and len(partners) >= 2


def test_the_web_import_shows_the_problems_and_records_only_on_commit(client, weekly, members):
    organiser = PersonFactory()
    weekly.organisers.add(organiser)
    client.force_login(organiser)
    path = reverse("console:import-history", args=["weekly"])
    upload = client.post(path, {"action": "upload", "file": SimpleUploadedFile("h.csv", _sheet(members))})
    mapping = {f"map-{name}": upload.context["mapping"][name].value() for name in ("round", "person_a", "person_b", "person_c")}
    assert mapping == {"map-round": "Month", "map-person_a": "Email 1", "map-person_b": "Email 2", "map-person_c": "Email 3"}
    checked = client.post(path, {"action": "check", **mapping})
    assert len(checked.context["check"].errors) == 4 and not PastPairing.objects.exists()
    assert client.post(path, {"action": "commit", **mapping}).status_code == 302
    assert PastPairing.objects.count() == 4
