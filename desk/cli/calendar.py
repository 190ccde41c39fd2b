"""Calendar commands: ``desk calendar show`` (the days off and days worked, with status and source) and
``desk calendar import FILE`` (a newer notice, checked whole)."""

from __future__ import annotations

import argparse
from pathlib import Path

from desk.cli.base import add_command, emit_json, say
from desk.cli.base import open_from_args as _open
from desk.errors import EXIT_OK
from desk.rules.problems import fill

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def _day_json(day, calendar) -> dict:
    counted = calendar.is_working_day(day.day) != day.off  # a pending day the setting does not count
    return {
        "date": day.day.isoformat(),
        "weekday": WEEKDAYS_VI[day.day.weekday()],
        "kind": "off" if day.off else "worked",
        "status": day.status.value,
        "counted": counted,
        "name": day.name,
        "source": day.source,
    }


def cmd_calendar_show(args: argparse.Namespace) -> int:
    from datetime import date

    from desk import clock

    desk = _open(args)
    calendar = desk.calendar
    year = args.year or clock.now().year
    days = calendar.days_set_apart(date(year, 1, 1), date(year, 12, 31))
    shown = [_day_json(d, calendar) for d in days]
    if args.json:
        emit_json(
            {
                "year": year,
                "covered": calendar.official.covers(year),
                "pending_days_off": calendar.pending_days_off,
                "days": shown,
            }
        )
        return EXIT_OK
    if not calendar.official.covers(year):
        say(f"{year}: no notice in the calendar; the days below are the holidays package's (expected)")
    for d in shown:
        when = date.fromisoformat(d["date"])
        what = "off   " if d["kind"] == "off" else "worked"
        note = "" if d["counted"] else "  (counted as a working day: calendar.pending_days_off = false)"
        say(f"{when:%d/%m/%Y} {d['weekday']:<9} {what} {d['status']:<9} {d['name']}{note}")
        say(f"{'':<31}{d['source']}")
    if not shown:
        say(f"{year}: no day off or day worked apart from the working week")
    return EXIT_OK


def cmd_calendar_import(args: argparse.Namespace) -> int:
    from desk.official_calendar import import_calendar

    desk = _open(args)
    newer, now_in_force = import_calendar(desk.home.root, Path(args.file))
    desk.__dict__.pop("calendar", None)  # the desk's calendar is read again on next use
    if args.json:
        emit_json(
            {
                "imported": len(newer.days),
                "years": list(newer.years),
                "issued": newer.issued.isoformat() if newer.issued else None,
                "days": [d.day.isoformat() for d in newer.days],
            }
        )
    else:
        say(
            fill(
                "imported {n:# day|# days} for {years} from {name}; dossiers received from now on use them",
                {"n": len(newer.days), "years": newer.years, "name": Path(args.file).name},
            )
        )
    return EXIT_OK


def register(sub) -> None:
    cal = sub.add_parser(
        "calendar",
        help="the official calendar: days off and days worked, with their legal source and status",
        description=(
            "The public-service calendar the appointment dates are counted on: each day off or day worked "
            "with its legal source and status (official, expected, pending). See docs/calendar.md."
        ),
    )
    cal_sub = cal.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)
    sp = add_command(
        cal_sub,
        "show",
        "list a year's days off and days worked with their status (official/expected/pending) and source",
        cmd_calendar_show,
    )
    sp.add_argument("--year", type=int, metavar="Y", help="the year (default: this year)")
    sp = add_command(
        cal_sub,
        "import",
        "load a newer notice file (TOML, see docs/calendar.md), checked whole: nothing is kept on any problem",
        cmd_calendar_import,
    )
    sp.add_argument("file", metavar="FILE", help="calendar file (format motcua-desk-calendar/1)")
