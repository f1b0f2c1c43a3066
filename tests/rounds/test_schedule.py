import datetime as dt

import pytest

from tests.clock import at
from tests.factories import ProgrammeFactory
from unmentoring.rounds.schedule import next_work_day, nominal_draw_date, nth_weekday, timetable

D = dt.date


def test_nth_and_last_weekday_of_a_month():
    assert nth_weekday(2027, 3, 1, 1) == D(2027, 3, 2)  # first Tuesday of March 2027
    assert nth_weekday(2027, 3, 1, 4) == D(2027, 3, 23)
    assert nth_weekday(2027, 3, 1, -1) == D(2027, 3, 30)


def test_monthly_cadence_takes_the_next_chosen_weekday_on_or_after_the_earliest_day():
    kwargs = {"cadence": "monthly", "weekday": 1, "week_of_month": 1, "previous": None}
    assert nominal_draw_date(earliest=D(2027, 3, 2), **kwargs) == D(2027, 3, 2)
    assert nominal_draw_date(earliest=D(2027, 3, 3), **kwargs) == D(2027, 4, 6)
    assert nominal_draw_date(earliest=D(2027, 12, 10), **kwargs) == D(2028, 1, 4)


def test_fortnightly_cadence_keeps_a_two_week_beat():
    kwargs = {"cadence": "fortnightly", "weekday": 1, "week_of_month": 1}
    assert nominal_draw_date(earliest=D(2027, 3, 3), previous=D(2027, 3, 2), **kwargs) == D(2027, 3, 16)
    # after a draw moved to Wednesday by a bank holiday, the beat returns to Tuesday
    assert nominal_draw_date(earliest=D(2027, 3, 4), previous=D(2027, 3, 3), **kwargs) == D(2027, 3, 16)


def test_work_days_skip_weekends_and_bank_holidays():
    assert next_work_day(D(2027, 12, 25), "england-and-wales") == D(2027, 12, 29)  # Sat, Sun, Mon 27 and Tue 28 are off
    assert next_work_day(D(2027, 8, 2), "scotland") == D(2027, 8, 3)  # Scotland's summer bank holiday
    assert next_work_day(D(2027, 8, 2), "england-and-wales") == D(2027, 8, 2)


@pytest.mark.django_db
def test_a_draw_on_a_bank_holiday_moves_to_the_next_work_day():
    programme = ProgrammeFactory(cadence="monthly", weekday=0, week_of_month=1, window_days=14)
    times = timetable(programme, earliest=D(2027, 5, 1), previous=None)
    assert times.draw_at == at("2027-05-04 09:00")  # Monday 3 May 2027 is the early May bank holiday


@pytest.mark.django_db
def test_the_window_never_ends_on_a_bank_holiday_and_times_are_london_wall_clock():
    programme = ProgrammeFactory(cadence="weekly", weekday=4, window_days=10, notice_days=3, checkin_days=5)
    times = timetable(programme, earliest=D(2027, 12, 17), previous=None)
    assert times.draw_at == at("2027-12-17 09:00")
    assert times.window_ends_at == at("2027-12-29 09:00")  # 27 December would be the nominal end
    assert times.notice_at == at("2027-12-14 09:00")
    assert times.nudge_at == times.draw_at + (times.window_ends_at - times.draw_at) / 2
    assert times.close_at == at("2028-01-03 09:00")
    summer = timetable(programme, earliest=D(2027, 7, 1), previous=None)
    assert summer.draw_at.utcoffset() == dt.timedelta(hours=1)
