"""Working time: the one module that turns a receipt time into an appointment.

Working days come from the official calendar (``desk.official_calendar``: the
days set by law and by the yearly notices, each with its source and status),
the office's working week and the desk's own per-year overrides. For a year
the official calendar does not cover, the ``holidays`` package's Vietnam
calendar (names in Vietnamese) stands in, and its days count as *expected*.
The calendar is given to :class:`WorkCalendar`; this module reads no file
(the per-year tables of working days: ``desk.rules.working_days``).
Working time runs only inside office hours: two segments a day, morning and
afternoon. Everything is naive local time, like the rest of the desk.

Working time is counted exactly (to the microsecond) inside; the public
``*_minutes`` functions speak whole minutes.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, datetime, time, timedelta
from typing import Protocol

from desk.errors import InvalidInput
from desk.models import OfficeHours, ProcessingTime, TimeUnit
from desk.official_calendar import PACKAGE_SOURCE, CalendarDay, DayStatus, OfficialCalendar
from desk.rules.problems import Problem, problem
from desk.rules.working_days import YearTable, vn_holidays, year_table

LOCAL_DAY_OFF_NAME = "Ngày nghỉ (cấu hình của bộ phận)"

_ONE_MINUTE = timedelta(minutes=1)
_ZERO = timedelta(0)
_WHOLE_DAY = timedelta(days=1)
_TINY = timedelta(microseconds=1)


class CalendarSettings(Protocol):
    """What a calendar needs of a desk's settings (``desk.settings.Settings`` has it)."""

    @property
    def hours(self) -> OfficeHours: ...
    @property
    def extra_days_off(self) -> tuple[date, ...]: ...
    @property
    def extra_working_days(self) -> tuple[date, ...]: ...
    @property
    def pending_days_off(self) -> bool: ...


def _check_naive(dt: datetime, what: str) -> None:
    if not isinstance(dt, datetime):
        raise InvalidInput("calendar.not_datetime", field=what, value=repr(dt))
    if dt.tzinfo is not None:
        raise InvalidInput("calendar.has_offset", field=what, value=dt.isoformat())


class WorkCalendar:
    """Working days and office hours of one desk.

    A date is a working day when, in this order:
    it is in ``extra_days_off`` → never; in ``extra_working_days`` → always
    (local decisions win over the national calendar); a day off of the
    official calendar → no; a day it says is worked (e.g. Saturday
    22/08/2026, swapped for Monday 31/08) → yes; otherwise its ISO weekday
    must be in ``OfficeHours.working_week``. A *pending* day (24/11, Ngày Văn
    hóa Việt Nam, until a law or notice makes it a day off) counts as a day
    off unless ``pending_days_off`` is False. For a year ``official`` does not cover, the
    ``holidays`` package gives the public holidays and swapped days.

    Construction is cheap (holiday calendars and per-year tables are cached per
    process), so building one per keystroke or per dossier is fine.
    """

    def __init__(
        self,
        hours: OfficeHours | None = None,
        extra_days_off: tuple[date, ...] = (),
        extra_working_days: tuple[date, ...] = (),
        official: OfficialCalendar | None = None,
        pending_days_off: bool = True,
    ) -> None:
        self.official = official if official is not None else OfficialCalendar()
        self.pending_days_off = pending_days_off
        self.hours = hours = hours if hours is not None else OfficeHours()
        _validate_hours(hours)
        self.extra_days_off = frozenset(extra_days_off)
        self.extra_working_days = frozenset(extra_working_days)
        both = self.extra_days_off & self.extra_working_days
        if both:
            raise InvalidInput("calendar.day_off_and_working", field="calendar", days=tuple(sorted(both)))
        self._week = frozenset(hours.working_week)
        (ms, me), (as_, ae) = hours.morning, hours.afternoon
        # segments as offsets from midnight
        self._segments = (
            (_offset(ms), _offset(me)),
            (_offset(as_), _offset(ae)),
        )
        self._day_length = sum((end - start for start, end in self._segments), _ZERO)
        self._working_day = timedelta(hours=hours.day_hours)
        self._tables: dict[int, YearTable] = {}

    @classmethod
    def from_settings(cls, settings: CalendarSettings, official: OfficialCalendar | None = None) -> WorkCalendar:
        """The calendar of a desk's ``desk.toml`` over the official calendar (``desk.official_calendar``)."""
        return cls(
            settings.hours,
            settings.extra_days_off,
            settings.extra_working_days,
            official=official,
            pending_days_off=settings.pending_days_off,
        )

    # -- days -------------------------------------------------------------

    def _counted(self, day: CalendarDay) -> bool:
        return day.status is not DayStatus.PENDING or self.pending_days_off

    def _table(self, year: int) -> YearTable:
        table = self._tables.get(year)
        if table is None:
            official = None
            if self.official.covers(year):
                days = [d for d in self.official.in_year(year) if self._counted(d)]
                official = (frozenset(d.day for d in days if d.off), frozenset(d.day for d in days if not d.off))
            table = year_table(year, self._week, self.extra_days_off, self.extra_working_days, official)
            self._tables[year] = table
        return table

    def days_set_apart(self, first: date, last: date) -> list[CalendarDay]:
        """The calendar's days off and days worked from ``first`` to ``last`` (inclusive), with their status.

        The official calendar's days for the years it covers; the ``holidays``
        package's (status *expected*, no notice checked) for the others.
        """
        out: list[CalendarDay] = []
        for year in range(first.year, last.year + 1):
            if self.official.covers(year):
                out += [d for d in self.official.in_year(year) if first <= d.day <= last]
                continue
            vn = vn_holidays(year)
            for day, name in sorted(vn.items()):
                if first <= day <= last:
                    out.append(CalendarDay(day, True, DayStatus.EXPECTED, name, PACKAGE_SOURCE))
        return out

    def due_warnings(self, received_at: datetime, due_at: datetime) -> list[Problem]:
        """Warnings for an appointment whose working-day span crosses a day not yet ``official``.

        One problem per status: ``calendar.crosses_expected`` (counted as days off
        before the notice fixed them) and ``calendar.crosses_pending`` (counted
        as the ``pending_days_off`` setting says).
        """
        uncertain = [
            d for d in self.days_set_apart(received_at.date(), due_at.date()) if d.status is not DayStatus.OFFICIAL
        ]
        found: list[Problem] = []
        expected = [d for d in uncertain if d.status is DayStatus.EXPECTED]
        pending = [d for d in uncertain if d.status is DayStatus.PENDING]
        if expected:
            found.append(
                problem(
                    "calendar.crosses_expected",
                    field="due_at",
                    due=due_at,
                    days=tuple(d.day.strftime("%d/%m/%Y") for d in expected),
                )
            )
        if pending:
            found.append(
                problem(
                    "calendar.crosses_pending",
                    field="due_at",
                    due=due_at,
                    days=tuple(d.day.strftime("%d/%m/%Y") for d in pending),
                    counted_off=int(self.pending_days_off),
                )
            )
        return found

    def is_working_day(self, d: date) -> bool:
        """True if the office works on ``d`` (see the class docstring for the order of rules)."""
        if isinstance(d, datetime):
            d = d.date()
        table = self._table(d.year)
        return bool(table.flags[d.toordinal() - table.first_ordinal])

    def holiday_name(self, d: date) -> str | None:
        """Vietnamese name of the public holiday on ``d``, the local label for a desk's own
        day off, or None (ordinary days, plain weekends, and days the desk decided to work)."""
        if isinstance(d, datetime):
            d = d.date()
        if d in self.extra_working_days:
            return None
        if self.official.covers(d.year):
            day = self.official.get(d)
            name = day.name if day is not None and day.off and self._counted(day) else None
        else:
            name = vn_holidays(d.year).get(d)
        if name:
            return name
        if d in self.extra_days_off:
            return LOCAL_DAY_OFF_NAME
        return None

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        if isinstance(d, datetime):
            d = d.date()
        return self._nth_working_day_after(d, 1)

    def _nth_working_day_after(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d`` (n >= 1), found through the running counts."""
        table = self._table(d.year)
        index = d.toordinal() - table.first_ordinal + 1  # days of the year up to and including d
        empty_years = 0
        while True:
            target = table.running[index] + n
            j = bisect_left(table.running, target, index)
            if j < len(table.running):
                return date.fromordinal(table.first_ordinal + j - 1)
            gained = table.running[-1] - table.running[index]
            empty_years = 0 if gained else empty_years + 1
            if empty_years > 2:
                raise InvalidInput("calendar.no_working_day", after=d)
            n -= gained
            table = self._table(date.fromordinal(table.first_ordinal).year + 1)
            index = 0

    def working_days_between(self, a: date, b: date) -> int:
        """Number of working days in [a, b) (0 if b <= a)."""
        if b <= a:
            return 0
        count = 0
        while a < b:
            table = self._table(a.year)
            start = a.toordinal() - table.first_ordinal
            end = min(b.toordinal() - table.first_ordinal, len(table.flags))
            count += table.running[end] - table.running[start]
            a = date(a.year + 1, 1, 1) if a.year < date.max.year else b
        return count

    # -- hours ------------------------------------------------------------

    def opening(self, d: date) -> datetime:
        """Start of the morning segment on ``d`` (whether or not ``d`` is a working day)."""
        return datetime.combine(d, time()) + self._segments[0][0]

    def closing(self, d: date) -> datetime:
        """End of the afternoon segment on ``d``."""
        return datetime.combine(d, time()) + self._segments[-1][1]

    def is_open(self, dt: datetime) -> bool:
        """True if ``dt`` falls inside a segment [start, end) of a working day."""
        _check_naive(dt, "time")
        if not self.is_working_day(dt.date()):
            return False
        off = dt - datetime.combine(dt.date(), time())
        return any(start <= off < end for start, end in self._segments)

    def next_opening(self, dt: datetime) -> datetime:
        """``dt`` itself if the office is open then, else the next moment it opens.

        Segments are half-open: at 11:30 sharp the morning is over, so the next
        opening is 13:30; at 17:00 it is the next working day's 07:00.
        """
        _check_naive(dt, "time")
        d = dt.date()
        if self.is_working_day(d):
            midnight = datetime.combine(d, time())
            off = dt - midnight
            for start, end in self._segments:
                if off < start:
                    return midnight + start
                if off < end:
                    return dt
        return self.opening(self.next_working_day(d))

    def _add(self, start: datetime, amount: timedelta) -> datetime:
        """``start`` plus ``amount`` of working time, counted from the next opening.

        Landing exactly on the end of a segment stays there (Mon 07:00 + 8 h →
        Mon 17:00, not Tue 07:00): the receipt should print the last moment
        of the allotted time, the day it really ends.
        """
        pos = self.next_opening(start)
        remaining = amount
        d = pos.date()
        midnight = datetime.combine(d, time())
        off = pos - midnight
        # finish the current day, segment by segment
        for start_off, end_off in self._segments:
            if off >= end_off:
                continue
            off = max(off, start_off)
            room = end_off - off
            if remaining <= room:
                return midnight + off + remaining
            remaining -= room
        # jump whole working days; a day that would use up the rest exactly is the last one
        skip = (remaining - _TINY) // self._day_length
        remaining -= self._day_length * skip
        d = self._nth_working_day_after(d, skip + 1)
        midnight = datetime.combine(d, time())
        for start_off, end_off in self._segments:
            room = end_off - start_off
            if remaining <= room:
                return midnight + start_off + remaining
            remaining -= room
        raise AssertionError("unreachable: the rest fits in one day")  # pragma: no cover

    def add_working_minutes(self, start: datetime, minutes: int) -> datetime:
        """``start`` plus ``minutes`` of working time.

        Time counts from the next opening (a receipt after closing, at lunch or
        on a day off starts the next time the office opens), so 0 minutes gives
        ``next_opening(start)``. Seconds of ``start`` are kept.
        """
        _check_naive(start, "start")
        if isinstance(minutes, bool) or not isinstance(minutes, int):
            raise InvalidInput("calendar.minutes_not_whole", field="minutes", value=repr(minutes))
        if minutes < 0:
            raise InvalidInput("calendar.minutes_negative", field="minutes", minutes=minutes)
        return self._add(start, timedelta(minutes=minutes))

    def _between(self, a: datetime, b: datetime) -> timedelta:
        if b <= a:
            return _ZERO
        da, db = a.date(), b.date()
        lo = a - datetime.combine(da, time())
        hi = b - datetime.combine(db, time())
        if da == db:
            return self._within_day(da, lo, hi)
        total = self._within_day(da, lo, _WHOLE_DAY)
        total += self._day_length * self.working_days_between(da + timedelta(days=1), db)
        total += self._within_day(db, _ZERO, hi)
        return total

    def _within_day(self, d: date, lo: timedelta, hi: timedelta) -> timedelta:
        """Working time on day ``d`` between offsets ``lo`` and ``hi`` from its midnight."""
        if hi <= lo or not self.is_working_day(d):
            return _ZERO
        total = _ZERO
        for start, end in self._segments:
            overlap = min(hi, end) - max(lo, start)
            if overlap > _ZERO:
                total += overlap
        return total

    def working_minutes_between(self, a: datetime, b: datetime) -> int:
        """Whole working minutes in [a, b); 0 when b is not after a."""
        _check_naive(a, "from")
        _check_naive(b, "to")
        return self._between(a, b) // _ONE_MINUTE

    # -- appointments -----------------------------------------------------

    def due_at(self, received_at: datetime, processing: ProcessingTime) -> datetime:
        """The appointment (ngày hẹn trả) for a dossier received at ``received_at``.

        - WORKING_DAYS: value × ``day_hours`` working hours from the next
          opening (the engine most portals use: 1 day = 8 working hours), so a
          Mon 09:00 receipt with 1 day is due Tue 09:00.
        - WORKING_HOURS: value × 60 working minutes.
        - SAME_DAY: received on a working day before the cut-off (and before
          closing) → closing time that day, even before opening or at lunch,
          since the clerk still has the afternoon; otherwise (at/after the
          cut-off, after closing, on a day off) → closing of the next working
          day after the receipt day, so a whole working day is allowed.
        """
        _check_naive(received_at, "received_at")
        if not isinstance(processing, ProcessingTime):
            raise InvalidInput("calendar.not_processing_time", field="processing", value=repr(processing))
        unit, value = processing.unit, processing.value
        if unit is TimeUnit.SAME_DAY:
            d = received_at.date()
            limit = min(self.hours.same_day_cutoff, self.hours.afternoon[1])
            if self.is_working_day(d) and received_at.time() < limit:
                return self.closing(d)
            return self.closing(self.next_working_day(d))
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInput("calendar.processing_not_whole", field="processing", value=repr(value))
        if unit is TimeUnit.WORKING_DAYS:
            return self._add(received_at, self._working_day * value)
        if unit is TimeUnit.WORKING_HOURS:
            return self._add(received_at, timedelta(hours=value))
        raise InvalidInput("calendar.unknown_unit", field="processing", unit=repr(unit))

    def resume_due(self, due_at: datetime, paused_at: datetime, resumed_at: datetime) -> datetime:
        """The due date after a supplement request paused the clock from ``paused_at`` to ``resumed_at``.

        The due date moves forward by exactly the working time waited (a
        weekend in the pause costs nothing). No working time waited leaves it
        unchanged; otherwise it is added from ``due_at`` like any working time.
        """
        _check_naive(due_at, "due_at")
        _check_naive(paused_at, "paused_at")
        _check_naive(resumed_at, "resumed_at")
        if resumed_at < paused_at:
            raise InvalidInput(
                "calendar.resumed_before_pause", field="resumed_at", resumed=resumed_at, paused=paused_at
            )
        waited = self._between(paused_at, resumed_at)
        if waited <= _ZERO:
            return due_at
        return self._add(due_at, waited)


def _offset(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def _validate_hours(hours: OfficeHours) -> None:
    """Reject office hours that cannot describe a day; messages name the setting."""
    try:
        (ms, me), (as_, ae) = hours.morning, hours.afternoon
    except (TypeError, ValueError) as exc:
        raise InvalidInput("hours.not_pairs", field="hours") from exc
    named = (
        (ms, "morning"),
        (me, "morning"),
        (as_, "afternoon"),
        (ae, "afternoon"),
        (hours.same_day_cutoff, "same_day_cutoff"),
    )
    for t, what in named:
        if not isinstance(t, time) or t.tzinfo is not None:
            raise InvalidInput("hours.not_local_time", field=f"hours.{what}", setting=what, value=repr(t))
    if not ms < me:
        raise InvalidInput("hours.morning_order", field="hours.morning", start=ms, end=me)
    if not as_ < ae:
        raise InvalidInput("hours.afternoon_order", field="hours.afternoon", start=as_, end=ae)
    if me > as_:
        raise InvalidInput("hours.overlap", field="hours", morning_end=me, afternoon_start=as_)
    week = hours.working_week
    if not week or any(isinstance(w, bool) or not isinstance(w, int) or not 1 <= w <= 7 for w in week):
        raise InvalidInput("hours.working_week", field="hours.working_week", week=repr(tuple(week)))
    day = hours.day_hours
    if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 24:
        raise InvalidInput("hours.day_hours", field="hours.day_hours", value=repr(day))
