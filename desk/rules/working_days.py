"""Which days of a year are working days: one table per year, cached per process.

A day is worked or not by, in this order: the desk's own days off and days worked,
the official calendar's notices for a year it covers (``desk.official_calendar``),
else the ``holidays`` package's Vietnam calendar, else the office's working week.
``desk.rules.calendar.WorkCalendar`` reads these tables; working time is counted there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=32)
def vn_holidays(year: int):
    """The Vietnam holiday calendar of one year, built once per process.

    Building one costs about a millisecond (the first one imports the lunar
    tables); the desk asks on every keystroke, so it is shared by all calendars.
    Only dates of ``year`` are ever looked up in it, so it is never expanded
    (and never mutated) after construction.
    """
    import holidays

    return holidays.country_holidays("VN", years=year, language="vi")


@dataclass(frozen=True)
class YearTable:
    """Working-day flags of one year and their running count, for O(1) lookups."""

    first_ordinal: int
    flags: bytes  # 1 for a working day, indexed by ordinal - first_ordinal
    running: tuple[int, ...]  # running[i] = working days among the first i days


@lru_cache(maxsize=256)
def year_table(
    year: int,
    working_week: frozenset[int],
    days_off: frozenset[date],
    working_days: frozenset[date],
    official: tuple[frozenset[date], frozenset[date]] | None = None,
) -> YearTable:
    """``official``: the notices' (days off, days worked) of a year they cover; None asks the package."""
    vn: Any = vn_holidays(year) if official is None else None
    first = date(year, 1, 1).toordinal()
    last = date(year, 12, 31).toordinal()
    flags = bytearray()
    running = [0]
    for ordinal in range(first, last + 1):
        d = date.fromordinal(ordinal)
        if d in days_off:
            ok = False
        elif d in working_days:
            ok = True
        elif official is not None:
            ok = d not in official[0] and (d in official[1] or d.isoweekday() in working_week)
        elif d in vn:
            ok = False  # public holiday, or a day off in lieu of one
        elif d.weekday() in vn.weekend and vn.is_working_day(d):
            ok = True  # a Saturday worked by government notice (swapped day)
        else:
            ok = d.isoweekday() in working_week
        flags.append(ok)
        running.append(running[-1] + ok)
    return YearTable(first, bytes(flags), tuple(running))
