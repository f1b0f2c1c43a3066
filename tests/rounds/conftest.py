import datetime as dt
import zoneinfo

import pytest

from tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(text: str) -> dt.datetime:
    """A London wall-clock moment, e.g. at("2027-01-05 09:00")."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.fixture
def weekly(db):
    """A weekly programme drawn on Tuesdays at 09:00, two-day notice, five-day window, two days to check in."""
    return ProgrammeFactory(name="Weekly Coffee", slug="weekly", cadence="weekly", weekday=1,
                            notice_days=2, window_days=5, checkin_days=2)


@pytest.fixture
def members(weekly):
    """Eight confirmed members in four organisations."""
    return [
        MembershipFactory(programme=weekly, organisation=f"Org {n % 4}",
                          person=PersonFactory(full_name=f"Member {n}", email=f"m{n}@example.org"))
        for n in range(8)
    ]
