"""Reporting a concern about someone in your group."""

import pytest

from tests.rounds.helpers import drawn_round, link_in
from unmentoring.accounts.models import Block
from unmentoring.notifications.models import Message
from unmentoring.outcomes.models import Report
from unmentoring.rounds.models import Seat


@pytest.mark.django_db
def test_reporting_a_concern_records_it_and_can_block(client, weekly, members):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).order_by("pk").first()
    other = Seat.objects.filter(group=seat.group).exclude(pk=seat.pk).get()
    link = link_in(Message.objects.get(template="intro", context__seat=seat.pk), "/r/report/")

    bad = client.post(link, {"about": other.pk, "what_happened": ""})
    assert bad.context["form"].errors["what_happened"] == ["Enter what happened"]
    bad = client.post(link, {"about": seat.pk, "what_happened": "x"})  # not someone in my group to report
    assert bad.context["form"].errors["about"] == ["Select who this is about"]
    bad = client.post(link, {"about": other.pk, "what_happened": "x" * 2001})
    assert bad.context["form"].errors["what_happened"] == ["What happened must be 2000 characters or fewer"]
    bad = client.post(link, {"about": other.pk, "what_happened": "It was \u202egnissarah\u202c"})
    assert bad.context["form"].errors["what_happened"] == ["What happened must not include hidden characters"]
    assert Report.objects.count() == 0

    response = client.post(link, {"about": other.pk, "what_happened": "A sales pitch for their product.", "block": "on"})
    assert response.status_code == 200
    report = Report.objects.get()
    assert (report.reporter, report.about) == (seat.membership.person, other.membership.person)
    assert list(Block.objects.values_list("blocker", "blocked")) == [(seat.membership.person_id, other.membership.person_id)]
