"""The appointment calculator: working days, office hours, due dates, supplement pauses.

Default office hours: 07:00–11:30 and 13:30–17:00 (8 h), Mon–Fri, same-day
cut-off 15:00. Expected values are worked out by hand in the comments.
Reference weeks of 2026 (no holidays unless said):
  Mon 02/11 … Fri 06/11, Mon 09/11 … Fri 13/11, Mon 16/11 … Fri 20/11;
  Mon 23/11, Tue 24/11 Ngày Văn hóa Việt Nam (off), Wed 25/11 …
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.errors import InvalidInput
from desk.models import Agency, OfficeHours, ProcessingTime, TimeUnit
from desk.rules.calendar import LOCAL_DAY_OFF_NAME, WorkCalendar
from desk.settings import Settings

DAYS = TimeUnit.WORKING_DAYS
HOURS = TimeUnit.WORKING_HOURS
SAME_DAY = TimeUnit.SAME_DAY


def dt(y, mo, d, h=0, mi=0, s=0) -> datetime:
    return datetime(y, mo, d, h, mi, s)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def days(n: int) -> ProcessingTime:
    return ProcessingTime(DAYS, n)


# -- working days -------------------------------------------------------------


def test_weekends_are_off_weekdays_work(cal):
    assert cal.is_working_day(date(2026, 11, 20))  # Friday
    assert not cal.is_working_day(date(2026, 11, 21))  # Saturday
    assert not cal.is_working_day(date(2026, 11, 22))  # Sunday
    assert cal.is_working_day(date(2026, 11, 23))  # Monday
    assert cal.holiday_name(date(2026, 11, 21)) is None  # a weekend is not a holiday


def test_tet_2026_is_off(cal):
    # Tết Bính Ngọ: Mon 16/02 … Fri 20/02 off, then the weekend
    for d in range(16, 21):
        assert not cal.is_working_day(date(2026, 2, d))
        assert "Tết" in cal.holiday_name(date(2026, 2, d))
    assert cal.is_working_day(date(2026, 2, 13))
    assert cal.is_working_day(date(2026, 2, 23))
    assert cal.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)


def test_tet_2026_dossier_due_same_time_of_day(cal):
    # Fri 13/02 10:00 + 2 days (960 min): Fri 90 + 210 = 300, Mon 23/02 480 → 180 left,
    # Tue 24/02 07:00 + 180 = 10:00
    assert cal.due_at(dt(2026, 2, 13, 10), days(2)) == dt(2026, 2, 24, 10)


def test_gio_to_observed_on_monday(cal):
    # Giỗ Tổ falls on Sun 26/04/2026 and is taken on Mon 27/04
    assert not cal.is_working_day(date(2026, 4, 27))
    assert cal.holiday_name(date(2026, 4, 27)) == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    # Fri 24/04 09:00 + 1 day skips Sat, Sun and Mon → Tue 28/04 09:00
    assert cal.due_at(dt(2026, 4, 24, 9), days(1)) == dt(2026, 4, 28, 9)
    # Tue 28/04 09:00 + 2 days: Wed 29/04 09:00 is day 1; 30/04 and 01/05 off,
    # then the weekend → Mon 04/05 09:00
    assert cal.due_at(dt(2026, 4, 28, 9), days(2)) == dt(2026, 5, 4, 9)


def test_swapped_saturday_and_day_in_lieu(cal):
    # Sat 22/08/2026 is worked in exchange for Mon 31/08/2026
    assert cal.is_working_day(date(2026, 8, 22))
    assert cal.holiday_name(date(2026, 8, 22)) is None
    assert not cal.is_working_day(date(2026, 8, 31))
    assert cal.holiday_name(date(2026, 8, 31)) == "Ngày nghỉ (thay cho ngày 22/08/2026)"
    assert not cal.is_working_day(date(2026, 8, 29))  # the next Saturday is an ordinary one
    # Fri 21/08 09:00 + 1 day → the swapped Saturday 22/08 09:00
    assert cal.due_at(dt(2026, 8, 21, 9), days(1)) == dt(2026, 8, 22, 9)
    # Fri 28/08 09:00 + 1 day: Mon 31/08, Tue 01/09, Wed 02/09 off → Thu 03/09 09:00
    assert cal.due_at(dt(2026, 8, 28, 9), days(1)) == dt(2026, 9, 3, 9)


def test_ngay_van_hoa_viet_nam_2026_is_off(cal):
    d = date(2026, 11, 24)
    assert not cal.is_working_day(d)
    assert cal.holiday_name(d) == "Ngày Văn hóa Việt Nam"
    # Mon 23/11 09:00 + 1 day → Wed 25/11 09:00
    assert cal.due_at(dt(2026, 11, 23, 9), days(1)) == dt(2026, 11, 25, 9)


def test_extra_day_off():
    cal = WorkCalendar(extra_days_off=(date(2026, 11, 20),))
    assert not cal.is_working_day(date(2026, 11, 20))
    assert cal.holiday_name(date(2026, 11, 20)) == LOCAL_DAY_OFF_NAME
    # Thu 19/11 09:00 + 1 day: Fri off, weekend → Mon 23/11 09:00
    assert cal.due_at(dt(2026, 11, 19, 9), days(1)) == dt(2026, 11, 23, 9)


def test_extra_day_off_beats_a_swapped_saturday():
    cal = WorkCalendar(extra_days_off=(date(2026, 8, 22),))
    assert not cal.is_working_day(date(2026, 8, 22))
    assert cal.holiday_name(date(2026, 8, 22)) == LOCAL_DAY_OFF_NAME


def test_extra_day_off_on_a_holiday_keeps_the_public_name():
    cal = WorkCalendar(extra_days_off=(date(2026, 9, 2),))
    assert cal.holiday_name(date(2026, 9, 2)) == "Quốc khánh"


def test_extra_working_day_on_a_saturday():
    cal = WorkCalendar(extra_working_days=(date(2026, 11, 21),))
    assert cal.is_working_day(date(2026, 11, 21))
    # Fri 20/11 09:00 + 1 day → Sat 21/11 09:00
    assert cal.due_at(dt(2026, 11, 20, 9), days(1)) == dt(2026, 11, 21, 9)


def test_extra_working_day_beats_a_public_holiday():
    cal = WorkCalendar(extra_working_days=(date(2026, 11, 24),))
    assert cal.is_working_day(date(2026, 11, 24))
    assert cal.holiday_name(date(2026, 11, 24)) is None
    # Mon 23/11 09:00 + 1 day → Tue 24/11 09:00 (the desk works that day)
    assert cal.due_at(dt(2026, 11, 23, 9), days(1)) == dt(2026, 11, 24, 9)


def test_a_date_cannot_be_both_off_and_working():
    with pytest.raises(InvalidInput):
        WorkCalendar(extra_days_off=(date(2026, 11, 20),), extra_working_days=(date(2026, 11, 20),))


def test_six_day_week_still_skips_holidays():
    cal = WorkCalendar(OfficeHours(working_week=(1, 2, 3, 4, 5, 6)))
    assert cal.is_working_day(date(2026, 11, 21))  # Saturday
    assert not cal.is_working_day(date(2026, 11, 22))  # Sunday
    assert not cal.is_working_day(date(2027, 5, 1))  # Sat 01/05/2027, Quốc tế Lao động
    assert not cal.is_working_day(date(2027, 5, 3))  # Mon 03/05/2027, in lieu
    # Fri 20/11 09:00 + 1 day → Sat 21/11 09:00
    assert cal.due_at(dt(2026, 11, 20, 9), days(1)) == dt(2026, 11, 21, 9)


def test_working_days_between_counts_across_years(cal):
    # [Mon 28/12/2026, Mon 04/01/2027): Mon–Thu 28–31/12 = 4; Fri 01/01 holiday
    assert cal.working_days_between(date(2026, 12, 28), date(2027, 1, 4)) == 4
    assert cal.working_days_between(date(2027, 1, 4), date(2026, 12, 28)) == 0
    # brute force over a year and a half
    a, b = date(2026, 1, 1), date(2027, 7, 1)
    brute = sum(cal.is_working_day(a + timedelta(n)) for n in range((b - a).days))
    assert cal.working_days_between(a, b) == brute


# -- office hours ------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (dt(2026, 11, 18, 6, 0), dt(2026, 11, 18, 7, 0)),  # before opening
        (dt(2026, 11, 18, 7, 0), dt(2026, 11, 18, 7, 0)),  # opening sharp
        (dt(2026, 11, 18, 9, 15, 30), dt(2026, 11, 18, 9, 15, 30)),  # open: itself
        (dt(2026, 11, 18, 11, 30), dt(2026, 11, 18, 13, 30)),  # morning is over
        (dt(2026, 11, 18, 12, 0), dt(2026, 11, 18, 13, 30)),  # lunch
        (dt(2026, 11, 18, 16, 59), dt(2026, 11, 18, 16, 59)),
        (dt(2026, 11, 18, 17, 0), dt(2026, 11, 19, 7, 0)),  # closing sharp
        (dt(2026, 11, 20, 18, 0), dt(2026, 11, 23, 7, 0)),  # Friday evening → Monday
        (dt(2026, 11, 22, 10, 0), dt(2026, 11, 23, 7, 0)),  # Sunday
        (dt(2026, 11, 23, 17, 30), dt(2026, 11, 25, 7, 0)),  # Tue 24/11 is off
    ],
)
def test_next_opening(cal, at, expected):
    assert cal.next_opening(at) == expected


def test_add_working_minutes_stays_at_segment_end(cal):
    # Mon 16/11 07:00 + 270 min = the whole morning → 11:30, not 13:30
    assert cal.add_working_minutes(dt(2026, 11, 16, 7), 270) == dt(2026, 11, 16, 11, 30)
    # one more minute crosses lunch
    assert cal.add_working_minutes(dt(2026, 11, 16, 7), 271) == dt(2026, 11, 16, 13, 31)
    # 0 minutes from lunch is the next opening
    assert cal.add_working_minutes(dt(2026, 11, 16, 12), 0) == dt(2026, 11, 16, 13, 30)


def test_one_day_from_opening_ends_at_closing(cal):
    # Mon 16/11 07:00 + 1 day (480 min) = the whole day → Mon 17:00, not Tue 07:00
    assert cal.due_at(dt(2026, 11, 16, 7), days(1)) == dt(2026, 11, 16, 17)


def test_one_day_from_mid_morning(cal):
    # Mon 09:00 + 480: Mon 150 + 210 = 360, Tue 07:00 + 120 → Tue 09:00
    assert cal.due_at(dt(2026, 11, 16, 9), days(1)) == dt(2026, 11, 17, 9)


def test_seconds_are_kept(cal):
    assert cal.due_at(dt(2026, 11, 16, 9, 12, 34), days(1)) == dt(2026, 11, 17, 9, 12, 34)


def test_receipt_after_closing(cal):
    # Mon 18:00 counts from Tue 07:00; + 480 → Tue 17:00
    assert cal.due_at(dt(2026, 11, 16, 18), days(1)) == dt(2026, 11, 17, 17)


def test_receipt_at_lunch(cal):
    # Wed 12:00 counts from 13:30; + 4 h: 13:30–17:00 = 210, Thu 07:00 + 30 → 07:30
    assert cal.due_at(dt(2026, 11, 18, 12), ProcessingTime(HOURS, 4)) == dt(2026, 11, 19, 7, 30)
    # + 1 day from lunch: Wed 210, Thu 07:00 + 270 → Thu 11:30 (end of the morning)
    assert cal.due_at(dt(2026, 11, 18, 12), days(1)) == dt(2026, 11, 19, 11, 30)


def test_receipt_on_sunday(cal):
    # Sun 15/11 counts from Mon 16/11 07:00; + 1 day → Mon 17:00
    assert cal.due_at(dt(2026, 11, 15, 10), days(1)) == dt(2026, 11, 16, 17)


def test_working_hours_unit(cal):
    # Wed 10:00 + 4 h: 10:00–11:30 = 90, 13:30 + 150 → 16:00
    assert cal.due_at(dt(2026, 11, 18, 10), ProcessingTime(HOURS, 4)) == dt(2026, 11, 18, 16)
    # Wed 16:00 + 2 h: 60 on Wed, Thu 07:00 + 60 → 08:00
    assert cal.due_at(dt(2026, 11, 18, 16), ProcessingTime(HOURS, 2)) == dt(2026, 11, 19, 8)
    # 8 working hours is one working day
    assert cal.due_at(dt(2026, 11, 18, 10), ProcessingTime(HOURS, 8)) == cal.due_at(dt(2026, 11, 18, 10), days(1))


def test_thirty_working_days(cal):
    # from Mon 02/11 09:00 the 30th working day after: 3–6/11 (4), 9–13 (9), 16–20 (14),
    # 23 (15), 25–27 (18, 24/11 off), 30 (19), 1–4/12 (23), 7–11 (28), 14 (29), 15 (30)
    assert cal.due_at(dt(2026, 11, 2, 9), days(30)) == dt(2026, 12, 15, 9)


def test_zero_working_days_is_the_next_opening(cal):
    assert cal.due_at(dt(2026, 11, 16, 18), days(0)) == dt(2026, 11, 17, 7)


def test_day_hours_longer_than_the_office_day_spills_over():
    # 07:30–11:30 + 13:30–17:00 is 7.5 h, but a working day still counts 8 h:
    # Mon 07:30 + 480 min = Mon 450 + Tue 30 → Tue 08:00
    cal = WorkCalendar(OfficeHours(morning=(time(7, 30), time(11, 30))))
    assert cal.due_at(dt(2026, 11, 16, 7, 30), days(1)) == dt(2026, 11, 17, 8)


# -- same day -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (dt(2026, 11, 18, 14, 59), dt(2026, 11, 18, 17)),  # before the cut-off
        (dt(2026, 11, 18, 6, 30), dt(2026, 11, 18, 17)),  # before opening, same day
        (dt(2026, 11, 18, 12, 0), dt(2026, 11, 18, 17)),  # at lunch, still before 15:00
        (dt(2026, 11, 18, 15, 0), dt(2026, 11, 19, 17)),  # at the cut-off → next day
        (dt(2026, 11, 18, 16, 30), dt(2026, 11, 19, 17)),
        (dt(2026, 11, 18, 17, 30), dt(2026, 11, 19, 17)),  # after closing
        (dt(2026, 11, 20, 15, 30), dt(2026, 11, 23, 17)),  # Friday after 15:00 → Monday
        (dt(2026, 11, 21, 10, 0), dt(2026, 11, 23, 17)),  # Saturday → Monday
        (dt(2026, 11, 22, 10, 0), dt(2026, 11, 23, 17)),  # Sunday → Monday
        (dt(2026, 11, 23, 16, 0), dt(2026, 11, 25, 17)),  # Monday late; Tue 24/11 off
        (dt(2026, 11, 24, 9, 0), dt(2026, 11, 25, 17)),  # on the holiday itself
    ],
)
def test_same_day(cal, received, expected):
    assert cal.due_at(received, ProcessingTime(SAME_DAY)) == expected


def test_same_day_cutoff_after_closing_never_dates_back():
    # a cut-off set after closing: 17:30 is still after closing → next day
    cal = WorkCalendar(OfficeHours(same_day_cutoff=time(18, 0)))
    assert cal.due_at(dt(2026, 11, 18, 17, 30), ProcessingTime(SAME_DAY)) == dt(2026, 11, 19, 17)
    assert cal.due_at(dt(2026, 11, 18, 16, 30), ProcessingTime(SAME_DAY)) == dt(2026, 11, 18, 17)


# -- working minutes between ---------------------------------------------------


def test_working_minutes_between(cal):
    # a whole week Mon 09/11 00:00 → Mon 16/11 00:00: 5 × 480
    assert cal.working_minutes_between(dt(2026, 11, 9), dt(2026, 11, 16)) == 2400
    # Fri 20/11 15:00 → Mon 23/11 09:00: 120 + 120
    assert cal.working_minutes_between(dt(2026, 11, 20, 15), dt(2026, 11, 23, 9)) == 240
    # lunch only
    assert cal.working_minutes_between(dt(2026, 11, 18, 11, 30), dt(2026, 11, 18, 13, 30)) == 0
    # across the new year: Thu 31/12 16:00–17:00 = 60, Fri 01/01/2027 holiday, weekend,
    # Mon 04/01 07:00–08:00 = 60
    assert cal.working_minutes_between(dt(2026, 12, 31, 16), dt(2027, 1, 4, 8)) == 120
    # empty or reversed interval; partial minutes are floored
    assert cal.working_minutes_between(dt(2026, 11, 18, 9), dt(2026, 11, 18, 9)) == 0
    assert cal.working_minutes_between(dt(2026, 11, 18, 10), dt(2026, 11, 18, 9)) == 0
    assert cal.working_minutes_between(dt(2026, 11, 18, 9), dt(2026, 11, 18, 9, 0, 59)) == 0


starts = st.datetimes(min_value=datetime(2025, 12, 1), max_value=datetime(2027, 12, 31))
minutes = st.integers(min_value=0, max_value=30 * 480)


@settings(deadline=None, max_examples=300)
@given(start=starts, m=minutes)
def test_between_inverts_add(cal, start, m):
    end = cal.add_working_minutes(start, m)
    assert cal.working_minutes_between(cal.next_opening(start), end) == m


@settings(deadline=None, max_examples=200)
@given(start=starts, m1=minutes, m2=st.integers(min_value=1, max_value=30 * 480))
def test_add_is_additive(cal, start, m1, m2):
    # adding in two steps equals adding at once (m2 > 0: a stop at a segment end continues
    # from the next opening, which is where the one-step count goes on as well)
    two_steps = cal.add_working_minutes(cal.add_working_minutes(start, m1), m2)
    assert two_steps == cal.add_working_minutes(start, m1 + m2)


@settings(deadline=None, max_examples=200)
@given(start=starts, m=minutes)
def test_add_lands_on_a_working_day_within_hours(cal, start, m):
    end = cal.add_working_minutes(start, m)
    assert end >= start
    assert cal.is_working_day(end.date())
    off = end - datetime.combine(end.date(), time())
    assert timedelta(hours=7) <= off <= timedelta(hours=17)
    assert not (timedelta(hours=11, minutes=30) < off < timedelta(hours=13, minutes=30))


# -- supplement pause -----------------------------------------------------------


def test_resume_over_a_weekend_moves_by_the_working_time_waited(cal):
    # due Wed 18/11 10:00; paused Fri 13/11 15:00, resumed Mon 16/11 09:00:
    # waited Fri 120 + Mon 120 = 240 → Wed 10:00–11:30 90, 13:30 + 150 → 16:00
    paused, resumed = dt(2026, 11, 13, 15), dt(2026, 11, 16, 9)
    assert cal.working_minutes_between(paused, resumed) == 240
    new_due = cal.resume_due(dt(2026, 11, 18, 10), paused, resumed)
    assert new_due == dt(2026, 11, 18, 16)
    assert cal.working_minutes_between(dt(2026, 11, 18, 10), new_due) == 240


def test_resume_with_no_working_time_waited_keeps_the_due_date(cal):
    due = dt(2026, 11, 18, 17)
    # paused Fri after closing, resumed Mon before opening
    assert cal.resume_due(due, dt(2026, 11, 20, 17, 30), dt(2026, 11, 23, 6, 45)) == due
    assert cal.resume_due(due, dt(2026, 11, 18, 12), dt(2026, 11, 18, 13)) == due  # lunch


def test_resume_from_a_closing_due_date(cal):
    # due Wed 17:00, 30 working minutes waited → Thu 07:30
    assert cal.resume_due(dt(2026, 11, 18, 17), dt(2026, 11, 16, 9), dt(2026, 11, 16, 9, 30)) == dt(2026, 11, 19, 7, 30)


def test_resume_before_pause_is_refused(cal):
    with pytest.raises(InvalidInput):
        cal.resume_due(dt(2026, 11, 18, 17), dt(2026, 11, 16, 10), dt(2026, 11, 16, 9))


# -- nonsense --------------------------------------------------------------------


@pytest.mark.parametrize(
    "hours",
    [
        OfficeHours(morning=(time(7), time(14)), afternoon=(time(13, 30), time(17))),  # overlap
        OfficeHours(morning=(time(11, 30), time(7))),  # backwards
        OfficeHours(afternoon=(time(17), time(17))),  # empty
        OfficeHours(working_week=()),
        OfficeHours(working_week=(0, 1)),
        OfficeHours(working_week=(1, 8)),
        OfficeHours(day_hours=0),
        OfficeHours(day_hours=25),
    ],
)
def test_misconfigured_hours_are_refused(hours):
    with pytest.raises(InvalidInput):
        WorkCalendar(hours)


def test_nonsense_times_are_refused(cal):
    with pytest.raises(InvalidInput):
        cal.add_working_minutes(dt(2026, 11, 18, 9), -1)
    with pytest.raises(InvalidInput):
        cal.due_at(dt(2026, 11, 18, 9), ProcessingTime(DAYS, -2))
    with pytest.raises(InvalidInput):
        cal.due_at(dt(2026, 11, 18, 9), ProcessingTime(HOURS, -1))

    with pytest.raises(InvalidInput):
        cal.next_opening(datetime(2026, 11, 18, 9, tzinfo=UTC))


# -- settings, speed, imports ---------------------------------------------------


def test_from_settings():
    s = Settings(
        agency=Agency(code="H29.1", name="UBND xã Thử", desk_no=1, desk_id="x"),
        hours=OfficeHours(morning=(time(7, 30), time(11, 30))),
        extra_days_off=(date(2026, 11, 20),),
        extra_working_days=(date(2026, 11, 21),),
    )
    cal = WorkCalendar.from_settings(s)
    assert not cal.is_working_day(date(2026, 11, 20))
    assert cal.is_working_day(date(2026, 11, 21))
    assert cal.next_opening(dt(2026, 11, 19, 6)) == dt(2026, 11, 19, 7, 30)


def test_cheap_to_rebuild_and_call():
    # the intake screen rebuilds the calendar and recomputes on every keystroke: what is costly
    # (the holiday source, a year's table of working days) is built once per process and shared
    # by every calendar (its time is a budget of `make bench`, not a test's)
    from desk.rules import working_days

    WorkCalendar().due_at(dt(2026, 1, 5, 9), days(1))  # warm the holiday cache
    holidays_built = working_days.vn_holidays.cache_info().misses
    tables_built = working_days.year_table.cache_info().misses
    for i in range(2000):
        cal = WorkCalendar()
        cal.due_at(dt(2026, 1, 5, 9) + timedelta(hours=7 * i), days(30))
    # 2000 × 7 hours and 30 working days more reach into 2028: one build per new year, not per calendar
    assert working_days.vn_holidays.cache_info().misses - holidays_built <= 2
    assert working_days.year_table.cache_info().misses - tables_built <= 2


def test_no_ui_or_pdf_imports():
    code = (
        "import sys, desk.rules.calendar; bad = {'textual', 'rich', 'reportlab'} & set(sys.modules); print(sorted(bad))"
    )
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "[]"
