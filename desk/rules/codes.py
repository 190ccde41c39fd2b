"""Dossier codes: ``<agency code>-<YYMMDD>-<XXXX>`` with the desk partition.

Offline desks of one agency cannot share a counter, so the day's sequence is
partitioned: desk n (1–9) issues n001…n999, desk 0 (a single-desk agency)
issues 0001…9999. Running out is an error, never a duplicate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from desk.errors import InvalidInput

CODE_RE = re.compile(r"^(?P<agency>[0-9A-Z]+(?:\.[0-9A-Z]+)*)-(?P<day>\d{6})-(?P<seq>\d{4})$")


@dataclass(frozen=True)
class ParsedCode:
    agency: str
    day: date
    seq: int

    @property
    def desk_no(self) -> int:
        """The desk that issued it (0 for a single-desk agency's codes below 1000 are ambiguous: see docs)."""
        return self.seq // 1000


def partition(desk_no: int) -> tuple[int, int]:
    """First and last sequence number desk ``desk_no`` may issue in a day."""
    if desk_no == 0:
        return 1, 9999
    if 1 <= desk_no <= 9:
        return desk_no * 1000 + 1, desk_no * 1000 + 999
    raise InvalidInput("desk_no.range", field="desk_no", desk_no=desk_no)


def format_code(agency_code: str, day: date, seq: int) -> str:
    return f"{agency_code}-{day:%y%m%d}-{seq:04d}"


def parse_code(code: str) -> ParsedCode | None:
    m = CODE_RE.match(code.strip().upper())
    if not m:
        return None
    d = m["day"]
    try:
        day = date(2000 + int(d[:2]), int(d[2:4]), int(d[4:]))
    except ValueError:
        return None
    return ParsedCode(m["agency"], day, int(m["seq"]))
