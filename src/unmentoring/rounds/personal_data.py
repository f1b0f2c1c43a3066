"""This app's part of a person's data: their seats in rounds, whom they were grouped with, what they answered.

On erasure their seats stay, without them, for the statistics (the membership
is cleared when it is deleted); the intros that named them to their partners
are re-rendered without them, or blanked if already sent.
"""

from collections import defaultdict

from unmentoring.core.personal_data import PersonalData, register, when
from unmentoring.notifications.enums import MessageStatus
from unmentoring.notifications.models import Message
from unmentoring.rounds.models import Seat


def _rounds(person) -> list[dict]:
    seats = list(
        Seat.objects.filter(membership__person=person)
        .select_related("group__round__programme", "checkin")
        .order_by("group__round__draw_at", "pk")
    )
    names = defaultdict(list)
    for group_id, name in (
        Seat.objects.filter(group__in=[s.group_id for s in seats]).exclude(membership__person=person)
        .values_list("group_id", "membership__person__full_name").order_by("pk")
    ):
        names[group_id].append(name or "(deleted account)")
    return [
        {
            "programme": s.group.round.programme.name,
            "round": s.group.round.number,
            "drawn_at": when(s.group.round.drawn_at),
            "matched_with": names[s.group_id],
            "why": s.group.explanation,
            "asked_for_new_match_at": when(s.rematch_requested_at),
            "did_we_meet": s.checkin.met if hasattr(s, "checkin") else None,
        }
        for s in seats
    ]


def _scrub_partners_intros(person) -> None:
    """Intros to this person's partners name them: re-render those not yet sent, blank the kept copies of those sent."""
    groups = Seat.objects.filter(membership__person=person).values("group")
    partner_seats = list(Seat.objects.filter(group__in=groups).exclude(membership__person=person).values_list("pk", flat=True))
    intros = Message.objects.filter(template="intro", context__seat__in=partner_seats)
    intros.filter(status=MessageStatus.QUEUED).update(rendered_at=None, subject="", body_text="", body_html="", attachments=[])
    intros.exclude(status=MessageStatus.QUEUED).update(
        subject="(removed)", body_text="", body_html="", attachments=[],
        last_error="Content removed: someone named in it deleted their account.",
    )


register(PersonalData(key="rounds", export=_rounds, erase=_scrub_partners_intros))
