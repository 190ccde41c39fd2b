"""The official public-service calendar as data: days off and days worked, each with its source and status.

Days off and swapped working days are set by law (Bộ luật Lao động 2019 Điều
112) and by yearly notices; notices win over any library (DOMAIN.md "Working
days"). The desk ships ``desk/data/calendar-vn.toml`` (2025–2027) and a home
may hold newer notices imported with ``desk calendar import FILE``
(``calendar.toml`` in the home); a day in the home's file replaces the
shipped one. For the years a file covers, the ``holidays`` package is not
asked; for other years ``desk.rules.calendar`` falls back on it and calls
its days *expected*.

This module reads and writes the files (the rules do no I/O) and checks a
file whole before anything is written: a problem names the file, the day and
the field (codes ``calendar_file.*``).

The file (TOML)::

    format = "motcua-desk-calendar/1"
    issued = 2026-08-20           # the newest notice in it
    years = [2026]                # the years its days settle
    [[days]]
    date = 2026-01-02
    kind = "off"                  # off | worked
    status = "official"           # official | expected | pending
    name = "Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)"
    source = "Văn bản 12729/VPCP-KGVX ngày 25/12/2025"
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from desk.errors import InvalidInput, NotFound
from desk.fsio import atomic_write

FORMAT = "motcua-desk-calendar/1"
SHIPPED = Path(__file__).resolve().parent / "data" / "calendar-vn.toml"
"""The calendar the desk ships with (2025–2027)."""
HOME_NAME = "calendar.toml"
"""The notices imported into a home, beside ``desk.toml``."""
MAX_BYTES = 256 * 1024
MAX_TEXT = 300
_TOP_KEYS = frozenset({"format", "issued", "years", "days"})
_DAY_KEYS = frozenset({"date", "kind", "status", "name", "source"})
_KINDS = ("off", "worked")


class DayStatus(StrEnum):
    """How sure a day is: set by law or notice, foreseen from the law, or only announced as policy."""

    OFFICIAL = "official"
    EXPECTED = "expected"
    PENDING = "pending"


@dataclass(frozen=True)
class CalendarDay:
    """One day the calendar sets apart from the working week."""

    day: date
    off: bool
    """True for a day off; False for a day worked (a Saturday worked in exchange for a bridge day)."""
    status: DayStatus
    name: str
    """What the day is, in Vietnamese ("Tết Nguyên đán", "Nghỉ hoán đổi …")."""
    source: str
    """The law or notice that sets it ("Văn bản 12729/VPCP-KGVX ngày 25/12/2025")."""


@dataclass(frozen=True)
class OfficialCalendar:
    """The days of the notices, and the years they settle (the ``holidays`` package is not asked for those)."""

    years: tuple[int, ...] = ()
    days: tuple[CalendarDay, ...] = ()
    issued: date | None = None

    def covers(self, year: int) -> bool:
        return year in self.years

    def in_year(self, year: int) -> tuple[CalendarDay, ...]:
        return tuple(d for d in self.days if d.day.year == year)

    def get(self, day: date) -> CalendarDay | None:
        return _index(self).get(day)

    def merged(self, newer: OfficialCalendar) -> OfficialCalendar:
        """This calendar with ``newer``'s days in place of its own on the same dates."""
        days = {d.day: d for d in self.days}
        days.update({d.day: d for d in newer.days})
        issued = max((x for x in (self.issued, newer.issued) if x is not None), default=None)
        return OfficialCalendar(
            tuple(sorted(set(self.years) | set(newer.years))), tuple(days[k] for k in sorted(days)), issued
        )


@lru_cache(maxsize=16)
def _index(calendar: OfficialCalendar) -> dict[date, CalendarDay]:
    return {d.day: d for d in calendar.days}


# --- reading and checking ------------------------------------------------------------


def _text(raw: Mapping[str, Any], key: str, file: str, position: int, day: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("calendar_file.day_text", file=file, field=key, position=position, day=day, key=key)
    value = " ".join(value.split())
    if len(value) > MAX_TEXT:
        raise InvalidInput("calendar_file.day_text", file=file, field=key, position=position, day=day, key=key)
    return value


def _day(raw: object, file: str, position: int, years: tuple[int, ...]) -> CalendarDay:
    if not isinstance(raw, dict):
        raise InvalidInput("calendar_file.day_not_table", file=file, position=position)
    unknown = sorted(set(raw) - _DAY_KEYS)
    if unknown:
        raise InvalidInput(
            "calendar_file.unknown_key", file=file, field=unknown[0], key=unknown[0], known=tuple(sorted(_DAY_KEYS))
        )
    when = raw.get("date")
    if not isinstance(when, date) or hasattr(when, "hour"):
        raise InvalidInput("calendar_file.day_date", file=file, field="date", position=position, value=str(when))
    shown = when.strftime("%d/%m/%Y")
    if when.year not in years:
        raise InvalidInput("calendar_file.day_outside_years", file=file, field="date", day=shown, years=years)
    kind = raw.get("kind")
    if kind not in _KINDS:
        raise InvalidInput(
            "calendar_file.day_kind", file=file, field="kind", day=shown, value=str(kind), choices=_KINDS
        )
    status = raw.get("status")
    if status not in tuple(DayStatus):
        raise InvalidInput(
            "calendar_file.day_status",
            file=file,
            field="status",
            day=shown,
            value=str(status),
            choices=tuple(DayStatus),
        )
    return CalendarDay(
        day=when,
        off=kind == "off",
        status=DayStatus(status),
        name=_text(raw, "name", file, position, shown),
        source=_text(raw, "source", file, position, shown),
    )


def parse_calendar(data: bytes, file: str) -> OfficialCalendar:
    """Check a calendar file whole and return its days; raises ``InvalidInput`` (``calendar_file.*``)."""
    if len(data) > MAX_BYTES:
        raise InvalidInput("calendar_file.too_big", file=file, max_kb=MAX_BYTES // 1024)
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidInput("calendar_file.not_utf8", file=file) from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput("calendar_file.not_toml", file=file, detail=str(exc)) from None
    if raw.get("format") != FORMAT:
        raise InvalidInput(
            "calendar_file.format", file=file, field="format", format=FORMAT, value=str(raw.get("format", ""))
        )
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise InvalidInput(
            "calendar_file.unknown_key", file=file, field=unknown[0], key=unknown[0], known=tuple(sorted(_TOP_KEYS))
        )
    issued = raw.get("issued")
    if issued is not None and (not isinstance(issued, date) or hasattr(issued, "hour")):
        raise InvalidInput("calendar_file.issued", file=file, field="issued", value=str(issued))
    years = raw.get("years")
    if (
        not isinstance(years, list)
        or not years
        or not all(isinstance(y, int) and not isinstance(y, bool) and 2000 <= y <= 2100 for y in years)
    ):
        raise InvalidInput("calendar_file.years", file=file, field="years", value=str(years))
    covered = tuple(sorted(set(years)))
    listed = raw.get("days")
    if not isinstance(listed, list) or not listed:
        raise InvalidInput("calendar_file.no_days", file=file, field="days")
    days: dict[date, CalendarDay] = {}
    for position, item in enumerate(listed, 1):
        day = _day(item, file, position, covered)
        if day.day in days:
            raise InvalidInput("calendar_file.day_twice", file=file, field="date", day=day.day.strftime("%d/%m/%Y"))
        days[day.day] = day
    return OfficialCalendar(covered, tuple(days[k] for k in sorted(days)), issued)


def read_calendar(path: Path) -> OfficialCalendar:
    """A calendar file from disk, checked whole."""
    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound("calendar_file.not_found", field="file", file=name, path=str(path)) from None
    except IsADirectoryError:
        raise InvalidInput("calendar_file.unreadable", file=name, field="file", detail="a folder") from None
    except OSError as exc:
        raise InvalidInput(
            "calendar_file.unreadable", file=name, field="file", detail=exc.strerror or str(exc)
        ) from None
    return parse_calendar(data, name)


@lru_cache(maxsize=1)
def shipped_calendar() -> OfficialCalendar:
    """The calendar shipped with the desk (read once per process)."""
    return read_calendar(SHIPPED)


def official_calendar(home_root: Path | None) -> OfficialCalendar:
    """The shipped calendar with the notices imported into the home (``calendar.toml``) in place of its days."""
    shipped = shipped_calendar()
    if home_root is None or not (home_root / HOME_NAME).is_file():
        return shipped
    return shipped.merged(read_calendar(home_root / HOME_NAME))


# --- writing -------------------------------------------------------------------------------


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_calendar(calendar: OfficialCalendar) -> str:
    """The TOML of a calendar file (what ``parse_calendar`` reads back to the same days)."""
    lines = [f'format = "{FORMAT}"']
    if calendar.issued is not None:
        lines.append(f"issued = {calendar.issued.isoformat()}")
    lines.append(f"years = [{', '.join(str(y) for y in calendar.years)}]")
    for d in calendar.days:
        lines += [
            "",
            "[[days]]",
            f"date = {d.day.isoformat()}",
            f'kind = "{"off" if d.off else "worked"}"',
            f'status = "{d.status.value}"',
            f"name = {_quoted(d.name)}",
            f"source = {_quoted(d.source)}",
        ]
    return "\n".join(lines) + "\n"


def import_calendar(home_root: Path, path: Path) -> tuple[OfficialCalendar, OfficialCalendar]:
    """Check ``path`` whole, then keep its days in the home's ``calendar.toml`` (nothing written on any problem).

    Returns the file's calendar and the home's calendar after the import (shipped and imported days).
    """
    newer = read_calendar(path)
    kept_path = home_root / HOME_NAME
    kept = read_calendar(kept_path) if kept_path.is_file() else OfficialCalendar()
    merged = kept.merged(newer)
    text = render_calendar(merged)
    parse_calendar(text.encode("utf-8"), HOME_NAME)  # what is written reads back
    atomic_write(kept_path, text.encode("utf-8"))
    return newer, shipped_calendar().merged(merged)


def days_between(calendar: OfficialCalendar, first: date, last: date) -> Iterable[CalendarDay]:
    """The calendar's days from ``first`` to ``last`` (inclusive), in order."""
    return (d for d in calendar.days if first <= d.day <= last)
