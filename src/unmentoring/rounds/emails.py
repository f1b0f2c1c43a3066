"""Every email (and text message) a round sends, built in one place.

Most are built when they are queued, with everything their templates need in
their stored context. An intro is different: it names the group and carries
their contact details and a calendar file, so only the seat is stored and the
loader below reads the rest when it is sent (decision 0004): someone who
erases their account before then is not in it.

Every message about a programme carries ``membership_email_context`` (its
name, the account page and the one-click unsubscribe link, from which the
outbox makes the List-Unsubscribe headers).
"""

from __future__ import annotations

from dataclasses import replace

from unmentoring.core.links import absolute_url
from unmentoring.notifications.enums import Channel
from unmentoring.notifications.registry import MessageNoLongerApplies, Prepared, email_batch_loader, email_loader
from unmentoring.notifications.services import Outgoing
from unmentoring.programmes.enums import MembershipStatus
from unmentoring.programmes.links import digests_off_link, membership_email_context, resume_link
from unmentoring.programmes.models import Membership
from unmentoring.rounds.calendar import calendar_file
from unmentoring.rounds.enums import Publish, RematchOutcome, RoundState
from unmentoring.rounds.links import CALENDAR, CHECKIN, REMATCH, REPORT, seat_link, skip_link
from unmentoring.rounds.models import Round, Seat
from unmentoring.rounds.selectors import learnings_published, seat_with_others, seats_with_others


def _long_date(moment, tz, *, year: bool = True) -> str:
    local = moment.astimezone(tz)
    return f"{local:%A} {local.day} {local:%B}" + (f" {local:%Y}" if year else "")


def round_link(rnd: Round) -> str:
    return absolute_url("rounds:detail", kwargs={"slug": rnd.programme.slug, "number": rnd.number})


def _to_member(template: str, membership: Membership, *, key: str, rnd: Round, **context) -> Outgoing:
    """An email about a round to one member: their name and the programme's footer, and ``context``."""
    return Outgoing(
        template=template,
        to_email=membership.person.email,
        person_id=membership.person_id,
        idempotency_key=key,
        programme_id=rnd.programme_id,
        context={**membership_email_context(membership), "name": membership.person.full_name, **context},
    )


def notice_message(rnd: Round, membership: Membership) -> Outgoing:
    """A few days before the draw: "you're in", with a one-click way to sit this round out."""
    return _to_member("round_notice", membership, key=f"notice:{rnd.pk}:{membership.pk}", rnd=rnd,
                      round_number=rnd.number, draw_date=_long_date(rnd.draw_at, rnd.programme.tz),
                      skip_link=skip_link(rnd.pk, membership.pk), round_id=rnd.pk)


@email_loader("round_notice")
def round_notice(stored: dict) -> Prepared:
    """A notice still queued when its round was drawn early or cancelled is not sent."""
    if "round_id" in stored:
        state = Round.objects.filter(pk=stored["round_id"]).values_list("state", flat=True).first()
        if state != RoundState.SCHEDULED:
            raise MessageNoLongerApplies("the round has been drawn or cancelled")
    return Prepared(context=dict(stored))


def intro_messages(seats: list[Seat]) -> list[Outgoing]:
    """One intro per seat; the loader fills it in when it is sent."""
    return [
        Outgoing(
            template="intro",
            to_email=seat.membership.person.email,
            person_id=seat.membership.person_id,
            idempotency_key=f"intro:{seat.pk}",
            programme_id=seat.membership.programme_id,
            context={"seat": seat.pk},
        )
        for seat in seats
    ]


def intro_changed_messages(seats: list[Seat], *, kind: str, note: str, change: int) -> list[Outgoing]:
    """Intros again after an organiser changed a group (``change`` is the audit record that says so): each
    names the group as it is when sent, with the organisers' note at the top. ``kind`` says what happened to
    the reader: "moved" to this group, "added" to it (a latecomer), or someone "joined" theirs."""
    return [replace(message, idempotency_key=f"intro-changed:{change}:{message.context['seat']}",
                    context={**message.context, "change_note": note, "change_kind": kind})
            for message in intro_messages(seats)]


def round_cancelled_message(rnd: Round, membership: Membership, *, reason: str, next_round: Round | None) -> Outgoing:
    """To a member who was told of a round that its organisers have cancelled."""
    tz = rnd.programme.tz
    return _to_member("round_cancelled", membership, key=f"round-cancelled:{rnd.pk}:{membership.pk}", rnd=rnd,
                      round_number=rnd.number, draw_date=_long_date(rnd.draw_at, tz), reason=reason,
                      next_draw_date=_long_date(next_round.draw_at, tz) if next_round else "")


def seat_message(template: str, seat: Seat, rnd: Round, **extra) -> Outgoing:
    """A message to one seat of a drawn round: the nudge, the check-in request, the round's close."""
    return _to_member(template, seat.membership, key=f"{template}:{seat.pk}", rnd=rnd, **{
        "round_number": rnd.number,
        "window_end": _long_date(rnd.window_ends_at, rnd.programme.tz, year=False),
        "checkin_link": seat_link(CHECKIN, "rounds:checkin", seat.pk),
        "rematch_link": seat_link(REMATCH, "rounds:rematch", seat.pk),
        "round_link": round_link(rnd),
        **extra,
    })


DIGEST_LEARNINGS = 10  # the rest are on the round-up page


def round_up_message(seat: Seat, rnd: Round, figures) -> Outgoing:
    """When the round closes: how it went, and what members chose to publish (nothing else).

    The learnings are read when the email is sent (``round_up`` below), so one unpublished, hidden or erased
    after the round closed is not in an email that has not gone yet.
    """
    return seat_message(
        "round_up", seat, rnd,
        round_id=rnd.pk, seat_id=seat.pk,
        groups=figures.groups, groups_met=figures.groups_met, organisations_connected=figures.organisations_connected,
        challenge_median=figures.challenge_median, challenge_answers=figures.challenge_answers,
        round_up_link=absolute_url("outcomes:round-up", kwargs={"slug": rnd.programme.slug, "number": rnd.number}),
        arm=seat.get_arm_display().lower() if seat.arm else "",
        digests_off_link=digests_off_link(seat.membership_id),
        list_unsubscribe_link=digests_off_link(seat.membership_id),
    )


@email_loader("round_up")
def round_up(stored: dict) -> Prepared:
    rnd = Round.objects.select_related("programme").filter(pk=stored.get("round_id")).first()
    if rnd is None:
        raise MessageNoLongerApplies("the round is gone")
    membership = Membership.objects.filter(seats__pk=stored.get("seat_id")).first()
    if membership is None or membership.status == MembershipStatus.LEFT:
        raise MessageNoLongerApplies("the member has left the programme")
    if not membership.digests:
        raise MessageNoLongerApplies("the member turned round-up emails off")
    published = learnings_published(programme=rnd.programme, round_number=rnd.number)
    learnings = [
        {"text": c.learned, "url": c.shared_url,
         "by": f"{c.seat.membership.person.full_name}, {c.seat.membership.organisation}" if c.publish == Publish.NAMED
         else "a member"}
        for c in published[:DIGEST_LEARNINGS]
    ]
    return Prepared(context={**stored, "learnings": learnings, "more_learnings": max(0, published.count() - len(learnings))})


LEFT_BEHIND_LEFT = "left"  # left the programme or deleted their account
LEFT_BEHIND_REMATCH = "rematch"  # asked for a new match
LEFT_BEHIND_MOVED = "moved"  # the organisers moved them to another group


def left_behind_message(seat: Seat, rnd: Round, *, gone: Seat, why: str, others_left: int) -> Outgoing:
    """Someone has gone from this member's group mid-round: they may ask for a new match. Names no one
    (whoever went may since have deleted their account)."""
    message = seat_message("left_behind", seat, rnd, why=why, others_left=others_left)
    return replace(message, idempotency_key=f"left_behind:{gone.pk}:{seat.pk}")


def as_text_message(message: Outgoing, seat: Seat) -> Outgoing:
    """The same message as a text, for a member who agreed to text reminders."""
    return replace(message, channel=Channel.SMS, to_email="", to_phone=seat.membership.phone,
                   idempotency_key=f"{message.template}-sms:{seat.pk}")


def paused_silent_message(rnd: Round, membership: Membership, *, rounds: int) -> Outgoing:
    return _to_member("paused_silent", membership, key=f"paused-silent:{rnd.pk}:{membership.pk}", rnd=rnd,
                      rounds=rounds, resume_link=resume_link(membership.pk))


def rematch_waiting_message(seat: Seat, rnd: Round) -> Outgoing:
    """Nobody else is waiting for a new match: first in line next round."""
    return _to_member("rematch_waiting", seat.membership, key=f"rematch-waiting:{seat.pk}", rnd=rnd,
                      round_number=rnd.number)


# --- The intro, read from the database when it is sent -------------------------


def _contact(seat: Seat) -> dict:
    membership = seat.membership
    return {
        "name": membership.person.full_name,
        "email": membership.person.email,
        "organisation": membership.organisation,
        "role": membership.role,
        "happy_to_talk_about": membership.happy_to_talk_about,
        "phone": membership.phone_display,
        "phone_link": membership.phone,
        "video": f"{membership.get_video_kind_display()}: {membership.video_handle}" if membership.video_kind else "",
    }


@email_loader("intro")
def intro(stored: dict) -> Prepared:
    return _intro(stored, seat_with_others(stored["seat"]))


@email_batch_loader("intro")
def intros(stored: list[dict]):
    """A batch of intros reads its seats and their groups in two queries, not two per intro."""
    found = seats_with_others([one["seat"] for one in stored])
    return lambda one: _intro(one, found.get(one["seat"]))


def _intro(stored: dict, found: tuple[Seat, list[Seat]] | None) -> Prepared:
    if found is None:
        raise MessageNoLongerApplies("the member is no longer in this group")
    seat, others = found
    if seat.membership.status == MembershipStatus.LEFT:
        raise MessageNoLongerApplies("the member has left the programme")
    if seat.rematch_outcome == RematchOutcome.REGROUPED:
        raise MessageNoLongerApplies("the member has moved to another group")
    if not others:
        raise MessageNoLongerApplies("nobody else is left in the group")
    rnd, programme = seat.group.round, seat.group.round.programme
    in_experiment = bool(seat.arm) or any(o.arm for o in others)
    return Prepared(
        context={
            **membership_email_context(seat.membership),
            "name": seat.membership.person.full_name,
            "round_number": rnd.number,
            "is_rematch": seat.group.is_rematch,
            "change_note": stored.get("change_note", ""),
            "change_kind": stored.get("change_kind", ""),
            "experiment": in_experiment,
            # In an experiment the reason would tell the member their half before the round closes.
            "explanation": seat.group.explanation if not in_experiment else "part of this round's experiment (see below)",
            "others": [_contact(o) for o in others],
            "window_end": _long_date(rnd.window_ends_at, programme.tz),
            "prompts": programme.prompt_lines,
            "rules": programme.rules_text,
            "rematch_link": seat_link(REMATCH, "rounds:rematch", seat.pk),
            "report_link": seat_link(REPORT, "outcomes:report", seat.pk),
            "calendar_link": seat_link(CALENDAR, "rounds:calendar", seat.pk),
            "round_link": round_link(rnd),
        },
        attachments=[{
            "filename": f"round-{rnd.number}.ics",
            "content_type": "text/calendar; method=PUBLISH; charset=utf-8",
            "content": calendar_file(seat, others),
        }],
    )
