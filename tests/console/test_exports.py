"""A programme's data as CSV and JSON, for its organisers only, safe to open in a spreadsheet."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory
from tests.rounds.helpers import drawn_round
from unmentoring.core.models import AuditEvent
from unmentoring.core.spreadsheets import csv_text, spreadsheet_safe
from unmentoring.rounds.models import Seat
from unmentoring.rounds.services.checkins import CheckInAnswer, checkin_record

pytestmark = pytest.mark.django_db
FORMULA = "=HYPERLINK(\"http://evil.example\",\"x\")"


@pytest.fixture
def data(weekly, members):
    MembershipFactory(programme=weekly, organisation=FORMULA, person=PersonFactory(full_name="Zoë Ñúñez-Łódź"))
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).order_by("pk").first()
    checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=4, learned="+44 is how we dial."))
    return weekly


def _export(capsys, *args):
    call_command("export", *args)
    return capsys.readouterr().out


@pytest.mark.parametrize("value", ["=1+1", "+44 7911", "-3", "@SUM(A1)", "\tx", "\rx"])
def test_a_formula_looking_cell_is_neutralised_and_reads_back_as_written(value):
    assert spreadsheet_safe(value) == "'" + value
    text = csv_text(["v"], [[value]])
    assert text.startswith("\ufeffv\r\n")
    assert next(csv.reader(io.StringIO(text.removeprefix("\ufeff").split("\r\n", 1)[1]))) == ["'" + value]


def test_every_table_exports_as_csv_and_json_with_names_intact_and_formulas_neutralised(data, capsys):
    for table, expected_rows in (("members", 9), ("rounds", 2), ("groups", 9), ("checkins", 1)):
        text = _export(capsys, "--programme", "weekly", "--table", table)
        assert text.startswith("\ufeff"), table
        rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
        assert len(rows) == expected_rows, table
        objects = json.loads(_export(capsys, "--programme", "weekly", "--table", table, "--format", "json"))
        assert len(objects) == expected_rows and set(objects[0]) == set(rows[0]), table
    members = _export(capsys, "--programme", "weekly", "--table", "members")
    row = next(r for r in csv.DictReader(io.StringIO(members.removeprefix("\ufeff"))) if r["name"] == "Zoë Ñúñez-Łódź")
    assert row["organisation"] == "'" + FORMULA and row["phone"].startswith("'+44")
    checkins = list(csv.DictReader(io.StringIO(_export(capsys, "--programme", "weekly", "--table", "checkins")
                                               .removeprefix("\ufeff"))))
    assert checkins[0]["learned"] == "'+44 is how we dial." and checkins[0]["challenge"] == "4"
    as_json = json.loads(_export(capsys, "--programme", "weekly", "--table", "members", "--format", "json"))
    assert any(m["organisation"] == FORMULA for m in as_json)  # JSON is data, not a spreadsheet: as typed


def test_the_command_says_what_is_wrong(data):
    with pytest.raises(CommandError, match="No programme has the slug 'nope'"):
        call_command("export", "--programme", "nope", "--table", "members")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("export", "--programme", "weekly", "--table", "people")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("export", "--programme", "weekly", "--table", "members", "--format", "xlsx")


def test_downloads_are_for_the_programmes_organisers_only_and_audited(client, data):
    organiser, elsewhere = PersonFactory(), PersonFactory()
    data.organisers.add(organiser)
    ProgrammeFactory(slug="other").organisers.add(elsewhere)
    path = reverse("console:export", args=["weekly", "members", "csv"])
    assert client.get(path).status_code == 302
    for person in (elsewhere, data.memberships.first().person):
        client.force_login(person)
        assert client.get(path).status_code == 404
    client.force_login(organiser)
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="weekly-members.csv"'
    assert "Zoë Ñúñez-Łódź" in response.content.decode("utf-8-sig")
    assert AuditEvent.objects.get(action="export.download").detail == {"table": "members", "format": "csv"}
    assert client.get(reverse("console:export", args=["weekly", "people", "csv"])).status_code == 404
    assert client.get(reverse("console:exports", args=["weekly"])).status_code == 200
