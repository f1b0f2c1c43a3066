"""The signed links round emails carry. Each names a seat (or a round and a membership)."""

from __future__ import annotations

from datetime import timedelta

from unmentoring.core.links import absolute_url
from unmentoring.core.signing import SignedLink

CHECKIN = SignedLink("checkin", max_age=timedelta(days=60))
REMATCH = SignedLink("rematch", max_age=timedelta(days=60))
CALENDAR = SignedLink("calendar", max_age=timedelta(days=120))
# A seat's "report a concern" link; the page that reads it belongs to outcomes.
REPORT = SignedLink("report", max_age=timedelta(days=180))
# (round id, membership id): sit out this one round.
SKIP = SignedLink("skip", max_age=timedelta(days=30), shape="pair")


def seat_link(link: SignedLink, viewname: str, seat_id: int) -> str:
    return absolute_url(viewname, kwargs={"token": link.make(seat_id)})


def skip_link(round_id: int, membership_id: int) -> str:
    return absolute_url("rounds:skip", kwargs={"token": SKIP.make((round_id, membership_id))})

