"""Honest receipt times: a dossier is received now, or is entered later as a declared catch-up.

A receipt time earlier than the start of today's working day would date the
dossier's code and its appointment in the past and distort every on-time
figure (QĐ 766), so it is refused unless the clerk says it is a catch-up and
why (the PC was down, the power was cut): then the dossier keeps both times,
the one entered (the event's time) and the one claimed (its ``received_at``),
and is marked on the register, the day report and ``desk verify``.
"""

from __future__ import annotations

from datetime import datetime, time

from desk.errors import InvalidInput
from desk.text import LIMITS, sanitise


def working_day_start(opening: datetime, now: datetime) -> datetime:
    """The start of today's working day: today's opening, or midnight while the office has not opened yet."""
    return opening if now >= opening else datetime.combine(now.date(), time())


def catch_up_record(
    received_at: datetime, *, now: datetime, day_start: datetime, catch_up: bool, reason: str
) -> dict[str, str] | None:
    """None for a time of today's working day; the catch-up's record (``claimed_at``, ``reason``) when declared.

    Raises ``received_at.before_today`` for an earlier time without ``catch_up``,
    ``catch_up.needs_reason`` for a catch-up without a reason. ``entered_at`` is
    added by the caller when it stamps the event.
    """
    if not catch_up:
        if received_at < day_start:
            raise InvalidInput("received_at.before_today", field="received_at", at=received_at, day_start=day_start)
        return None
    why = sanitise(reason or "", field="reason", max_len=LIMITS["note"])
    if not why:
        raise InvalidInput("catch_up.needs_reason", field="reason")
    if received_at >= now:
        raise InvalidInput("catch_up.not_earlier", field="received_at", at=received_at, now=now)
    return {"claimed_at": received_at.isoformat(timespec="seconds"), "reason": why}
