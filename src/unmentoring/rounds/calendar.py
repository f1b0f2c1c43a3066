"""The calendar hold an intro carries: an all-day, free-time event over the conversation window."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from unmentoring.rounds.models import Seat


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">") or "unmentoring.localhost"


def calendar_file(seat: Seat, others: list[Seat]) -> str:
    """An iCalendar PUBLISH: a free-time hold over the window, naming the group and their contact details.

    A hold, not an invitation (decision 0008): a REQUEST from a no-reply address makes Outlook and others
    offer Accept and Decline buttons whose replies reach nobody. So no ATTENDEE lines: who is in the
    group, and how to reach them, is in the description.
    """
    rnd, programme = seat.group.round, seat.group.round.programme
    tz = programme.tz
    start = min(rnd.draw_at, rnd.drawn_at or rnd.draw_at).astimezone(tz).date()  # drawn early: from that day
    end = rnd.window_ends_at.astimezone(tz).date() + dt.timedelta(days=1)  # DTEND is exclusive
    names = ", ".join(o.membership.person.full_name for o in others)
    cal = Calendar()
    cal.add("prodid", "-//Unmentoring//Round intro//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"round-{rnd.pk}-group-{seat.group_id}@{_domain()}")
    # An organiser's change to the group bumps the sequence, so a calendar replaces the hold it has.
    revision = seat.group.revision
    event.add("dtstamp", timezone.now() if revision else (rnd.drawn_at or timezone.now()))
    event.add("sequence", revision)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", f"{programme.name}: conversation with {names}")
    event.add("description", "\n".join(
        [f"Round {rnd.number} of {programme.name}. Arrange a 30 to 60 minute call in this window with:", ""]
        + [f"{o.membership.person.full_name} ({o.membership.organisation}): {o.membership.person.email}, "
           f"{o.membership.phone_display}" for o in others]
        + ["", f"The rule: {programme.rules_text}"]
    ))
    event.add("transp", "TRANSPARENT")
    event.add("status", "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.rsplit('<', 1)[-1].rstrip('>')}")
    organizer.params["cn"] = vText(programme.name)
    event.add("organizer", organizer)
    cal.add_component(event)
    return cal.to_ical().decode()
