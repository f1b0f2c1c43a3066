"""Every round email renders with every value its templates ask for (rounds build the context, notifications the templates)."""

import pytest

from tests.rounds.helpers import SCHEDULED_AT
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_render
from unmentoring.rounds.models import Round, Seat
from unmentoring.rounds.services.lifecycle import rounds_advance
from unmentoring.rounds.services.rematch import seat_request_rematch

pytestmark = pytest.mark.django_db

MISSING = "MISSING-VALUE"


def test_three_silent_rounds_with_a_rematch_send_every_round_email_with_nothing_missing(weekly, members, settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"],
                                                                "string_if_invalid": f"{MISSING}(%s)"}}]
    moment = SCHEDULED_AT
    for number in range(1, 4):
        rounds_advance(now=moment)
        rnd = Round.objects.get(programme=weekly, number=number)
        rounds_advance(now=rnd.notice_at)
        rounds_advance(now=rnd.draw_at)
        if number == 1:
            seat_request_rematch(seat_id=Seat.objects.filter(group__round=rnd).order_by("pk").first().pk, now=rnd.draw_at)
        rounds_advance(now=rnd.nudge_at)
        rounds_advance(now=rnd.window_ends_at)
        rounds_advance(now=rnd.close_at)
        moment = rnd.close_at

    sent = Message.objects.order_by("pk")
    assert sorted(set(sent.values_list("template", flat=True))) == [
        "checkin_request", "intro", "left_behind", "nudge", "paused_silent", "rematch_waiting", "round_notice", "round_up"]
    for message in sent:
        message_render(message, save=False)
        for part in (message.subject, message.body_text, message.body_html):
            assert MISSING not in part, (message.template, part[part.find(MISSING) - 80:part.find(MISSING) + 80])
        assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", message.template
