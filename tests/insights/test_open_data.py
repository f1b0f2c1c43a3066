"""The open data a programme can publish: rounds.csv and meetings.csv, from real rounds in the database."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.factories import MembershipFactory, PersonFactory
from tests.rounds.helpers import drawn_round
from unmentoring.accounts.services import person_erase
from unmentoring.insights.figures import Meeting, round_figures
from unmentoring.insights.opendata import MEETINGS_HEADER, ROUNDS_HEADER, open_data
from unmentoring.insights.selectors import meetings_of
from unmentoring.rounds.models import CheckIn, Seat
from unmentoring.rounds.services.checkins import CheckInAnswer, checkin_record
from unmentoring.rounds.services.lifecycle import rounds_advance

pytestmark = pytest.mark.django_db


def _read(text):
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def history(weekly):
    """Two closed rounds of ten members in four organisations (one a formula), with varied check-ins."""
    people = [MembershipFactory(programme=weekly, organisation=["Leeds", "Hackney", "=HYPERLINK(1)", "GDS"][n % 4],
                                phone=f"+4479111231{n:02d}",
                                person=PersonFactory(full_name=f"Person {n}", email=f"p{n}@example.org"))
              for n in range(10)]
    first = drawn_round(weekly)
    answers = [CheckInAnswer(met="yes", challenge=4, learned="Ask why, twice.", publish="named"),
               CheckInAnswer(met="yes", challenge=2),
               CheckInAnswer(met="no", not_met_reason="no_reply"),
               CheckInAnswer(met="planned"),
               CheckInAnswer(met="yes", challenge=5, learned="Private thought.")]
    for seat, answer in zip(Seat.objects.filter(group__round=first).order_by("pk"), answers, strict=False):
        checkin_record(seat_id=seat.pk, answer=answer)
    rounds_advance(now=first.close_at)
    second = weekly.rounds.get(number=2)
    rounds_advance(now=second.draw_at)
    for seat in Seat.objects.filter(group__round=second).order_by("pk")[:3]:
        checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=3))
    rounds_advance(now=second.close_at)
    return people


def test_the_files_carry_the_columns_the_issue_names_and_a_row_per_round_and_seat(weekly, history):
    files = open_data(weekly, today=timezone.localdate())
    rounds, meetings = _read(files["rounds.csv"]), _read(files["meetings.csv"])
    assert list(rounds[0]) == ROUNDS_HEADER and list(meetings[0]) == MEETINGS_HEADER
    assert [r["round"] for r in rounds] == [str(n) for n in weekly.rounds.filter(state__in=["drawn", "closed"])
                                            .order_by("number").values_list("number", flat=True)]
    assert len(meetings) == Seat.objects.count() == 10 * len(rounds)
    first = rounds[0]
    assert (first["people"], first["groups"], first["checked_in"], first["published"], first["challenge_n"]) == \
        ("10", "5", "5", "1", "3")
    assert first["challenge_mean"] == "3.667" and float(first["challenge_ci_low"]) <= 3.667 <= float(first["challenge_ci_high"])
    assert first["drawn_on"] == "2027-01-12"
    assert {m["met"] for m in meetings} == {"yes", "no", "planned", ""}
    # Published only; one published with a name is counted but not quoted: beside a pseudonym, it would name them.
    assert [m["learning"] for m in meetings if m["learning"]] == []
    assert "Ask why, twice." not in files["meetings.csv"] and "Private thought." not in files["meetings.csv"]


def test_no_name_email_phone_or_id_of_anyone_is_in_the_meetings(weekly, history):
    text = open_data(weekly, today=timezone.localdate())["meetings.csv"]
    for membership in history:
        person = membership.person
        for personal in (person.full_name, person.email, membership.phone, membership.phone_display):
            assert personal not in text, personal
    people = {row["person"] for row in _read(text)}
    assert len(people) == 10 and all(p.startswith("P") and p[1:].isdigit() for p in people)
    ids = {str(m.pk) for m in history} | {str(m.person_id) for m in history}
    assert not people & ids


def test_the_rounds_figures_are_exactly_those_recomputed_from_the_meetings(weekly, history):
    files = open_data(weekly, today=timezone.localdate())
    rows = [Meeting(round=int(r["round"]), group=int(r["group"]), person=r["person"],
                    organisation=r["organisation"].removeprefix("'") if r["organisation"].startswith("'=") else r["organisation"],
                    met=r["met"], not_met_reason=r["not_met_reason"],
                    challenge=int(r["challenge"]) if r["challenge"] else None, learning=r["learning"])
            for r in _read(files["meetings.csv"])]
    recomputed = round_figures(rows)
    published = _read(files["rounds.csv"])
    for mine, row in zip(recomputed, published, strict=True):
        assert [str(mine.round), str(mine.people), str(mine.groups), str(mine.met_groups), str(mine.checked_in),
                str(len(mine.challenge)), str(mine.new_org_links)] == \
            [row[k] for k in ("round", "people", "groups", "met_groups", "checked_in", "challenge_n", "new_org_links")]
        # The one figure the file cannot give: learnings published with a name are counted, not quoted.
        named = CheckIn.objects.filter(seat__group__round__programme=weekly, seat__group__round__number=mine.round,
                                       publish="named", hidden_at=None).exclude(learned="").count()
        assert int(row["published"]) == mine.published + named
        mean = mine.challenge_interval.mean if mine.challenge_interval else None
        assert row["challenge_mean"] == ("" if mean is None else f"{mean:.3f}")


def test_a_formula_looking_organisation_is_neutralised(weekly, history):
    text = open_data(weekly, today=timezone.localdate())["meetings.csv"]
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text


def test_an_erased_member_stays_as_a_pseudonym_of_their_own_for_each_seat(weekly, history):
    erased = history[0]
    seats = Seat.objects.filter(membership=erased).count()
    before = meetings_of(weekly)
    person_erase(person=erased.person)
    rows = meetings_of(weekly)
    assert len(rows) == len(before) == Seat.objects.count()  # their seats stay, for the statistics
    assert len({r.person for r in rows}) == len({r.person for r in before}) - 1 + seats
    assert sum(1 for r in rows if r.person.startswith("X")) == seats
    assert [r.organisation for r in rows] == [r.organisation for r in before]


def test_a_seat_moved_on_to_a_new_group_is_left_out(weekly, history):
    from unmentoring.rounds.services.rematch import seat_request_rematch  # noqa: PLC0415  (only this test)

    rnd = weekly.rounds.filter(state="drawn").order_by("number").first() or weekly.rounds.get(number=3)
    first, second = (Seat.objects.filter(group__round=rnd).order_by("group__number", "pk")
                     .exclude(group__number=1).values_list("pk", flat=True)[i] for i in (0, 2))
    seat_request_rematch(seat_id=first, now=rnd.draw_at)
    seat_request_rematch(seat_id=second, now=rnd.draw_at)
    rows = [r for r in meetings_of(weekly) if r.round == rnd.number]
    assert len(rows) == Seat.objects.filter(group__round=rnd).count() - 2  # the two old seats
    assert len({r.person for r in rows}) == len(rows)


def test_the_command_writes_the_two_files_and_says_what_is_wrong(weekly, history, tmp_path, capsys):
    out = tmp_path / "open"
    call_command("export", "--programme", "weekly", "--open-data", "--out", str(out))
    assert sorted(p.name for p in out.iterdir()) == ["meetings.csv", "rounds.csv"]
    assert "Wrote" in capsys.readouterr().out
    assert (out / "rounds.csv").read_text(encoding="utf-8-sig").startswith(",".join(ROUNDS_HEADER))
    for args, message in ((["--open-data"], "--open-data needs --out DIR"),
                          (["--open-data", "--out", str(out), "--table", "members"], "leave out --table"),
                          (["--out", str(out), "--table", "members"], "--out is for --open-data"),
                          ([], "Say which table")):
        with pytest.raises(CommandError, match=message):
            call_command("export", "--programme", "weekly", *args)
    afile = tmp_path / "a-file"
    afile.write_text("x")
    with pytest.raises(CommandError, match="is a file, not a folder"):
        call_command("export", "--programme", "weekly", "--open-data", "--out", str(afile))
    with pytest.raises(CommandError):
        call_command("export", "--programme", "nope", "--open-data", "--out", str(out))


def test_an_anonymous_learning_is_quoted(weekly, history):
    seat = Seat.objects.filter(group__round__number=2).order_by("pk").first()
    checkin = seat.checkin
    checkin.learned, checkin.publish = "Say no more often.", "anonymous"
    checkin.save()
    text = open_data(weekly, today=timezone.localdate())["meetings.csv"]
    assert "Say no more often." in text
