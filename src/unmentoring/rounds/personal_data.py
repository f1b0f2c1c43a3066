"""This app's part of a person's data: their seats in rounds, whom they were grouped with, what they answered.

On erasure their seats stay, without them, for the statistics (the membership
is cleared when it is deleted); the intros that named them to their partners
are re-rendered without them, or blanked if already sent.
"""

from collections import defaultdict

from django.utils import timezone

from unmentoring.core.personal_data import PersonalData, register, when
from unmentoring.notifications.enums import MessageStatus
from unmentoring.notifications.models import Message
from unmentoring.programmes.enums import MembershipStatus
from unmentoring.rounds.emails import LEFT_BEHIND_LEFT
from unmentoring.rounds.enums import Publish, RematchOutcome, RoundState
from unmentoring.rounds.models import CheckIn, Seat
from unmentoring.rounds.services.rematch import partners_tell_left_behind


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
            # In an experiment the reason gives the arm away: both wait for the round to close.
            "why": s.group.explanation if _closed(s) or not s.arm else "part of this round's experiment",
            "experiment_arm": s.arm if _closed(s) else "",
            "asked_for_new_match_at": when(s.rematch_requested_at),
            "check_in": _check_in(s.checkin) if hasattr(s, "checkin") else None,
        }
        for s in seats
    ]


def _closed(seat) -> bool:
    return seat.group.round.state == RoundState.CLOSED


def _check_in(checkin) -> dict:
    return {
        "met": checkin.met, "not_met_reason": checkin.not_met_reason, "not_met_detail": checkin.not_met_detail,
        "minutes": checkin.minutes, "challenge": checkin.challenge, "learned": checkin.learned,
        "shared_url": checkin.shared_url, "publish": checkin.publish, "hidden_by_organisers_at": when(checkin.hidden_at),
        "answered_at": when(checkin.created_at), "changed_at": when(checkin.updated_at),
    }


def _erase_check_ins(person) -> None:
    """What they wrote goes (and off every public page); whether they met and how much it challenged them
    stay, without them, in the round's figures. Round-up emails that quoted them are made again without
    them if not yet sent, and their kept copies blanked if sent."""
    # Any round in which they wrote something: it may have been published when its round-up went out.
    quoted = (CheckIn.objects.filter(seat__membership__person=person).exclude(learned="")
              .values_list("seat__group__round_id", flat=True))
    _scrub(Message.objects.filter(template="round_up", context__round_id__in=list(quoted)))
    CheckIn.objects.filter(seat__membership__person=person).update(
        learned="", shared_url="", not_met_detail="", publish=Publish.PRIVATE, updated_at=timezone.now())


def _scrub_partners_intros(person) -> None:
    """Intros to this person's partners name them: re-render those not yet sent, blank the kept copies of those sent."""
    groups = Seat.objects.filter(membership__person=person).values("group")
    partner_seats = list(Seat.objects.filter(group__in=groups).exclude(membership__person=person).values_list("pk", flat=True))
    _scrub(Message.objects.filter(template="intro", context__seat__in=partner_seats))


def _scrub(messages) -> None:
    messages.filter(status=MessageStatus.QUEUED).update(rendered_at=None, subject="", body_text="", body_html="", attachments=[])
    messages.exclude(status=MessageStatus.QUEUED).update(
        subject="(removed)", body_text="", body_html="", attachments=[],
        last_error="Content removed: someone named in it deleted their account.",
    )


def _erase(person) -> None:
    _tell_groups_left_behind(person)
    _erase_check_ins(person)
    _scrub_partners_intros(person)


def _tell_groups_left_behind(person) -> None:
    """Deleting an account mid-round leaves the rest of the group free to ask for a new match."""
    now = timezone.now()
    for seat in (Seat.objects.filter(membership__person=person, group__round__state=RoundState.DRAWN,
                                     group__round__window_ends_at__gt=now)
                 .exclude(membership__status=MembershipStatus.LEFT)
                 .exclude(rematch_outcome=RematchOutcome.REGROUPED).order_by("pk")):
        partners_tell_left_behind(seat=seat, why=LEFT_BEHIND_LEFT, now=now)


register(PersonalData(key="rounds", export=_rounds, erase=_erase))
