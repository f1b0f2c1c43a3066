"""`unmentoring demo --members N`: a big made-up programme for benchmarks and evaluating the service at scale."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from unmentoring.programmes.models import Membership, Programme
from unmentoring.rounds.models import CheckIn, Round, Seat
from unmentoring.rounds.selectors import memberships_due

pytestmark = pytest.mark.django_db


def test_a_big_programme_has_every_member_due_at_the_next_draw_with_its_past_rounds(capsys):
    call_command("demo", "--members", "101", "--rounds", "3", "--organisations", "7", "--seed", "5")
    programme = Programme.objects.get(slug="big-coffee")
    assert Membership.objects.filter(programme=programme, confirmed_at__isnull=False).count() == 101
    sizes = sorted(Counter(Membership.objects.values_list("organisation", flat=True)).values(), reverse=True)
    assert len(sizes) == 7 and sizes[0] > sizes[-1] and sizes[0] >= 101 // 3  # Zipf-like: one big, a tail
    closed = Round.objects.filter(programme=programme, state="closed")
    assert closed.count() == 3
    assert Seat.objects.filter(group__round__in=closed).count() == 3 * 101  # everyone, every round
    assert all(sorted(Counter(Seat.objects.filter(group__round=r).values_list("group_id", flat=True)).values())
               == [2] * 49 + [3] for r in closed)  # pairs, the odd one in a trio
    assert 0 < CheckIn.objects.count() < 3 * 101 and set(CheckIn.objects.values_list("met", flat=True)) == {"yes", "no"}
    following = Round.objects.get(programme=programme, state="scheduled")
    assert len(memberships_due(following)) == 101
    assert "101 members, 3 past rounds" in capsys.readouterr().out


def test_the_same_seed_gives_the_same_programme():
    call_command("demo", "--members", "30", "--rounds", "2", "--seed", "9")
    first = list(Seat.objects.order_by("group__round__number", "group__number", "membership__person__email")
                 .values_list("group__round__number", "group__number", "membership__person__email"))
    for model in (CheckIn, Seat, Round, Membership, Programme):
        model.objects.all().delete()
    from unmentoring.accounts.models import Person  # noqa: PLC0415  (only this test empties the database)

    Person.objects.all().delete()
    call_command("demo", "--members", "30", "--rounds", "2", "--seed", "9")
    again = list(Seat.objects.order_by("group__round__number", "group__number", "membership__person__email")
                 .values_list("group__round__number", "group__number", "membership__person__email"))
    assert first == again


@pytest.mark.parametrize(("args", "message"), [
    (["--members", "1"], "--members must be at least 2, not 1"),
    (["--members", "10", "--rounds", "61"], "--rounds must be between 0 and 60, not 61"),
    (["--members", "10", "--rounds", "-1"], "--rounds must be between 0 and 60, not -1"),
    (["--members", "10", "--organisations", "11"], "--organisations must be between 1 and the number of members"),
    (["--members", "10", "--organisations", "0"], "--organisations must be between 1"),
    (["--rounds", "3"], "add --members N"),
])
def test_bad_flags_are_explained_and_nothing_is_written(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("demo", *args)
    assert not Programme.objects.exists()


def test_a_big_programme_loads_only_into_an_empty_database(capsys):
    call_command("demo")
    with pytest.raises(CommandError, match="loads only into an empty one"):
        call_command("demo", "--members", "10")
    call_command("demo", "--members", "10", "--if-empty")
    assert "nothing loaded" in capsys.readouterr().out and Programme.objects.count() == 1
