import datetime as dt
import zoneinfo

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(text: str) -> dt.datetime:
    """A London wall-clock moment, e.g. at("2027-01-05 09:00")."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)
