"""Allocating dossier codes: the next free code of the day in this desk's partition (format in :mod:`desk.rules.codes`)."""

from __future__ import annotations

from datetime import date

from db import queries
from desk.errors import DeskError
from desk.rules.codes import format_code, partition


class CodesExhausted(DeskError):
    """The desk has issued every code of its partition for the day."""

    exit_code = 3


def next_code(db, agency_code: str, desk_no: int, day: date) -> str:
    """Take the next free code of the day for this desk; call inside the intake transaction."""
    first, last = partition(desk_no)
    capacity = last - first + 1
    while True:
        n = queries.next_counter(db, agency_code, day.isoformat(), desk_no)
        if n > capacity:
            raise CodesExhausted(
                "codes.exhausted",
                desk_no=desk_no,
                capacity=capacity,
                day=day,
                first=format_code(agency_code, day, first),
                last=format_code(agency_code, day, last),
            )
        code = format_code(agency_code, day, first + n - 1)
        # a restored backup or an imported bundle may already hold the code: skip it, never duplicate
        if not queries.code_exists(db, code):
            return code
