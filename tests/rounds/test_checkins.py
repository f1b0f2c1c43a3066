"""Members' answers after a round."""

import pytest

from tests.links import path_of
from tests.rounds.helpers import drawn_round, schedule
from unmentoring.core.errors import ApplicationError
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_render
from unmentoring.rounds.models import CheckIn, Seat
from unmentoring.rounds.services.checkins import CheckInAnswer, checkin_record
from unmentoring.rounds.services.lifecycle import rounds_advance

pytestmark = pytest.mark.django_db


@pytest.mark.django_db
def test_check_ins_cannot_change_after_the_round_closes(client, weekly, members):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).first()
    rounds_advance(now=rnd.close_at)
    with pytest.raises(ApplicationError, match="has closed"):
        checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=3))


def test_the_check_in_link_records_an_answer_without_sign_in(client, weekly, members):
    rnd = schedule(weekly)
    rounds_advance(now=rnd.draw_at)
    rounds_advance(now=rnd.window_ends_at)
    message = message_render(Message.objects.filter(template="checkin_request").order_by("pk").first())
    link = next(path_of(word) for word in message.body_text.split() if "/r/check-in/" in word).split("?")[0]

    assert client.post(link, {}).context["form"].errors["met"] == ["Select whether you met"]
    assert client.post(link, {"met": "maybe"}).context["form"].errors["met"] == ["Select whether you met"]
    assert CheckIn.objects.count() == 0
    assert client.post(link, {"met": "yes"}).status_code == 200  # shown again: how much did it challenge you?
    assert client.post(link, {"met": "planned"}).status_code == 302
    assert list(CheckIn.objects.values_list("met", flat=True)) == ["planned"]
    assert client.post(link[:-3] + "xyz/", {"met": "yes"}).status_code == 400
