"""When a programme's rounds happen: draw dates from the cadence, moved off UK bank holidays.

Plain functions on dates; the bank-holiday data is the copy bundled with
govuk-bank-holidays (never fetched from the network).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from govuk_bank_holidays.bank_holidays import BankHolidays

from unmentoring.programmes.enums import Cadence, WeekOfMonth


@lru_cache(maxsize=1)
def _bank_holidays() -> BankHolidays:
    return BankHolidays(use_cached_holidays=True)


@lru_cache(maxsize=8)
def holidays(division: str) -> frozenset[dt.date]:
    return frozenset(h["date"] for h in _bank_holidays().get_holidays(division=division))


def is_work_day(day: dt.date, division: str) -> bool:
    return day.weekday() < 5 and day not in holidays(division)


def next_work_day(day: dt.date, division: str) -> dt.date:
    """``day`` itself if it is a work day, otherwise the next one."""
    while not is_work_day(day, division):
        day += dt.timedelta(days=1)
    return day


def nth_weekday(year: int, month: int, weekday: int, week: int) -> dt.date:
    """The first..fourth (or last, week = -1) given weekday of a month."""
    days = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == weekday]
    return days[-1] if week == WeekOfMonth.LAST else days[week - 1]


def nominal_draw_date(*, cadence: str, weekday: int, week_of_month: int, earliest: dt.date, previous: dt.date | None) -> dt.date:
    """The cadence's first draw date on or after ``earliest``, before any bank-holiday move.

    Fortnightly programmes keep a two-week beat from their previous draw.
    """
    if cadence == Cadence.MONTHLY:
        year, month = earliest.year, earliest.month
        while True:
            day = nth_weekday(year, month, weekday, week_of_month)
            if day >= earliest:
                return day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if cadence == Cadence.FORTNIGHTLY and previous is not None:
        day = previous + dt.timedelta(days=14)
        day -= dt.timedelta(days=(day.weekday() - weekday) % 7)  # back on the beat after a bank-holiday move
        while day < earliest:
            day += dt.timedelta(days=14)
        return day
    return earliest + dt.timedelta(days=(weekday - earliest.weekday()) % 7)


@dataclass(frozen=True)
class Timetable:
    notice_at: dt.datetime
    draw_at: dt.datetime
    nudge_at: dt.datetime
    window_ends_at: dt.datetime
    close_at: dt.datetime


def timetable(programme, *, earliest: dt.date, previous: dt.date | None) -> Timetable:
    """The next round's moments, in the programme's time zone, stored as aware datetimes.

    Neither the draw nor the end of the window falls on a weekend or a bank holiday.
    """
    division = programme.bank_holidays
    nominal = nominal_draw_date(
        cadence=programme.cadence, weekday=programme.weekday, week_of_month=programme.week_of_month,
        earliest=earliest, previous=previous,
    )
    draw_day = next_work_day(nominal, division)
    end_day = next_work_day(draw_day + dt.timedelta(days=programme.window_days), division)
    tz = programme.tz

    def at(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, programme.draw_time, tzinfo=tz)

    draw_at, window_ends_at = at(draw_day), at(end_day)
    return Timetable(
        notice_at=at(draw_day - dt.timedelta(days=programme.notice_days)),
        draw_at=draw_at,
        nudge_at=draw_at + (window_ends_at - draw_at) / 2,
        window_ends_at=window_ends_at,
        close_at=window_ends_at + dt.timedelta(days=programme.checkin_days),
    )


def upcoming(programme, *, today: dt.date, previous: dt.date | None, count: int = 3) -> list[Timetable]:
    """The next ``count`` rounds' timetables with these settings (a preview: nothing is stored)."""
    times = []
    for _ in range(count):
        earliest = today + dt.timedelta(days=programme.notice_days)
        if previous is not None:
            earliest = max(earliest, previous + dt.timedelta(days=1))
        times.append(timetable(programme, earliest=earliest, previous=previous))
        previous = times[-1].draw_at.astimezone(programme.tz).date()
    return times
