"""Messages whose content is read from the database when they are sent: intros and their calendar files."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from unmentoring.core.links import absolute_url
from unmentoring.notifications.registry import MessageNoLongerApplies, Prepared, email_loader
from unmentoring.core import tokens
from unmentoring.rounds.models import GroupMember


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">") or "unmentoring.localhost"


def _contact(seat: GroupMember) -> dict:
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


def load_seat(seat_id: int) -> tuple[GroupMember, list[GroupMember]]:
    seat = (
        GroupMember.objects.select_related("group__round__programme", "membership__person")
        .filter(pk=seat_id, membership__isnull=False)
        .first()
    )
    if seat is None:
        raise MessageNoLongerApplies("the member is no longer in this group")
    others = list(
        GroupMember.objects.filter(group=seat.group, membership__isnull=False)
        .exclude(pk=seat.pk)
        .select_related("membership__person")
        .order_by("pk")
    )
    return seat, others


def calendar_file(seat: GroupMember, others: list[GroupMember]) -> str:
    """An iCalendar REQUEST: an all-day, free-time hold over the conversation window."""
    rnd, programme = seat.group.round, seat.group.round.programme
    tz = programme.tz
    start = rnd.draw_at.astimezone(tz).date()
    end = rnd.window_ends_at.astimezone(tz).date() + dt.timedelta(days=1)  # DTEND is exclusive
    names = ", ".join(o.membership.person.full_name for o in others)
    cal = Calendar()
    cal.add("prodid", "-//Unmentoring//Round intro//EN")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"round-{rnd.pk}-group-{seat.group_id}@{_domain()}")
    event.add("dtstamp", rnd.drawn_at or timezone.now())
    event.add("sequence", 0)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", f"{programme.name}: conversation with {names}")
    event.add("description", "\n".join(
        [f"Round {rnd.number} of {programme.name}. Arrange a 30 to 60 minute call in this window.", ""]
        + [f"{c['name']} ({c['organisation']}): {c['email']}, {c['phone']}" for c in map(_contact, others)]
        + ["", f"The rule: {programme.rules_text}"]
    ))
    event.add("transp", "TRANSPARENT")
    event.add("status", "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.rsplit('<', 1)[-1].rstrip('>')}")
    organizer.params["cn"] = vText(programme.name)
    event.add("organizer", organizer)
    for member in [seat, *others]:
        attendee = vCalAddress(f"mailto:{member.membership.person.email}")
        attendee.params["cn"] = vText(member.membership.person.full_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical().decode()


@email_loader("intro")
def intro(stored: dict) -> Prepared:
    from unmentoring.rounds.services import membership_footer

    seat, others = load_seat(stored["seat"])
    if seat.membership.status == "left":
        raise MessageNoLongerApplies("the member has left the programme")
    if not others:
        raise MessageNoLongerApplies("nobody else is left in the group")
    rnd, programme = seat.group.round, seat.group.round.programme
    seat.membership.programme = programme
    footer, headers = membership_footer(seat.membership)
    tz = programme.tz
    end = rnd.window_ends_at.astimezone(tz)
    return Prepared(
        context={
            **footer,
            "name": seat.membership.person.full_name,
            "round_number": rnd.number,
            "is_rematch": seat.group.is_rematch,
            "explanation": seat.group.explanation,
            "others": [_contact(o) for o in others],
            "window_end": f"{end:%A} {end.day} {end:%B %Y}",
            "prompts": programme.prompt_lines,
            "rules": programme.rules_text,
            "rematch_link": absolute_url("rounds:rematch", kwargs={"token": tokens.make("rematch", seat.pk)}),
            "report_link": absolute_url("rounds:report", kwargs={"token": tokens.make("report", seat.pk)}),
            "calendar_link": absolute_url("rounds:calendar", kwargs={"token": tokens.make("calendar", seat.pk)}),
            "round_link": absolute_url("rounds:detail", kwargs={"slug": programme.slug, "number": rnd.number}),
        },
        headers=headers,
        attachments=[{
            "filename": f"round-{rnd.number}.ics",
            "content_type": "text/calendar; method=REQUEST; charset=utf-8",
            "content": calendar_file(seat, others),
        }],
    )
