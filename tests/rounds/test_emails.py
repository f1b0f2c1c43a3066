"""Every round email renders with every value its templates ask for (rounds build the context, notifications the templates)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MembershipFactory
from tests.rounds.helpers import SCHEDULED_AT
from unmentoring.notifications.models import Message
from unmentoring.notifications.registry import MessageNoLongerApplies, Prepared, prepare, prepare_many
from unmentoring.notifications.services import message_render, messages_deliver_due
from unmentoring.rounds.models import Round, Seat
from unmentoring.rounds.selectors import still_in_group
from unmentoring.rounds.services.lifecycle import round_draw, round_schedule_next, rounds_advance
from unmentoring.rounds.services.rematch import seat_request_rematch

pytestmark = pytest.mark.django_db

MISSING = "MISSING-VALUE"


def test_three_silent_rounds_with_a_rematch_send_every_round_email_with_nothing_missing(weekly, members, settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"],
                                                                "string_if_invalid": f"{MISSING}(%s)"}}]
    def advance(now):
        rounds_advance(now=now)
        # A notice goes before its round's draw (after it, it is withdrawn): check each as it would go.
        for notice in Message.objects.filter(template="round_notice", rendered_at__isnull=True):
            _assert_complete(notice)

    moment = SCHEDULED_AT
    for number in range(1, 4):
        advance(now=moment)
        rnd = Round.objects.get(programme=weekly, number=number)
        advance(now=rnd.notice_at)
        advance(now=rnd.draw_at)
        if number == 1:
            seat_request_rematch(seat_id=Seat.objects.filter(group__round=rnd).order_by("pk").first().pk, now=rnd.draw_at)
        advance(now=rnd.nudge_at)
        advance(now=rnd.window_ends_at)
        advance(now=rnd.close_at)
        moment = rnd.close_at

    sent = Message.objects.order_by("pk")
    assert sorted(set(sent.values_list("template", flat=True))) == [
        "checkin_request", "intro", "left_behind", "nudge", "paused_silent", "rematch_waiting", "round_notice", "round_up"]
    for message in sent.exclude(template="round_notice"):
        _assert_complete(message, save=False)


def _assert_complete(message, *, save=True):
    message_render(message, save=save)
    for part in (message.subject, message.body_text, message.body_html):
        assert MISSING not in part, (message.template, part[part.find(MISSING) - 80:part.find(MISSING) + 80])
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", message.template


def test_the_emails_of_an_organiser_steering_a_round_render_with_nothing_missing(weekly, members, settings):
    from tests.factories import MembershipFactory, PersonFactory  # noqa: PLC0415  (only this test makes people)
    from unmentoring.rounds.services.steering import member_move, round_cancel  # noqa: PLC0415  (as above)

    settings.TEMPLATES = [{**settings.TEMPLATES[0], "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"],
                                                                "string_if_invalid": f"{MISSING}(%s)"}}]
    organiser = PersonFactory()
    rounds_advance(now=SCHEDULED_AT)
    first = Round.objects.get(programme=weekly, number=1)
    rounds_advance(now=first.notice_at)
    messages_deliver_due()  # the notice goes out: its members are told of the cancellation
    round_cancel(round_id=first.pk, reason="A strike day.", actor=organiser, now=first.notice_at)
    second = Round.objects.get(programme=weekly, number=2)
    rounds_advance(now=second.draw_at)
    late = MembershipFactory(programme=weekly)
    groups = list(second.groups.order_by("number"))
    member_move(round_id=second.pk, membership_id=late.pk, to_group_id=groups[0].pk, reason="Welcome.",
                actor=organiser, now=second.draw_at)
    mover = groups[1].seats.order_by("pk").first().membership_id
    member_move(round_id=second.pk, membership_id=mover, to_group_id=groups[2].pk, reason="Moved.", actor=organiser,
                now=second.draw_at)
    sent = Message.objects.filter(template__in=["round_cancelled", "intro", "left_behind"]).order_by("pk")
    assert {"round_cancelled", "left_behind"} <= set(sent.values_list("template", flat=True))
    assert sent.filter(idempotency_key__startswith="intro-changed:").count() == 6  # 1 + 2, then 1 + 2
    no_longer = []
    for message in sent:
        try:
            message_render(message, save=False)
        except MessageNoLongerApplies:
            no_longer.append(message)
            continue
        for part in (message.subject, message.body_text, message.body_html):
            assert MISSING not in part, (message.template, part[part.find(MISSING) - 80:part.find(MISSING) + 80])
    # The one left on their own in the pair the mover left: their first intro would name nobody.
    # Not sent (had they still been queued): the first intros of the one left on their own in the pair the
    # mover left (it would name nobody), and of the mover (it would name their old group).
    alone = still_in_group(groups[1].seats.all()).get()
    moved_on = groups[1].seats.exclude(pk=alone.pk).get()
    assert sorted(m.idempotency_key for m in no_longer) == sorted([f"intro:{alone.pk}", f"intro:{moved_on.pk}"])


def test_a_batch_of_intros_reads_its_seats_and_groups_in_the_same_queries_for_two_or_twenty(weekly):
    for n in range(20):
        MembershipFactory(programme=weekly, organisation=f"Org {n % 5}", phone="+447700900123")
    rnd = round_schedule_next(programme=weekly, now=SCHEDULED_AT)
    round_draw(round_id=rnd.pk, now=rnd.draw_at)
    stored = [m.context for m in Message.objects.filter(template="intro").order_by("pk")]

    def queries(contexts):
        with CaptureQueriesContext(connection) as captured:
            prepared = prepare_many("intro", contexts)
        assert all(isinstance(p, Prepared) for p in prepared) and len(prepared) == len(contexts)
        return len(captured)

    assert queries(stored[:2]) == queries(stored) == 2
    # What a batch prepares is what one intro alone prepares (links aside: signed, they carry the second).
    batch, alone = prepare_many("intro", stored[:1])[0], prepare("intro", stored[0])
    assert batch.attachments == alone.attachments

    def unlinked(context):
        return {key: value for key, value in context.items() if not key.endswith("_link")}

    assert unlinked(batch.context) == unlinked(alone.context) and len(batch.context) == len(alone.context)
