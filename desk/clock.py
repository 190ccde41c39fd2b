"""The one clock of the desk: every "now" comes from here.

``DESK_NOW`` (ISO 8601, local time) fixes the clock for tests and training.
"""

from __future__ import annotations

import os
from datetime import datetime

from desk.errors import InvalidInput


def now() -> datetime:
    """Local wall-clock time without offset, to the second."""
    fixed = os.environ.get("DESK_NOW")
    if fixed:
        try:
            value = datetime.fromisoformat(fixed)
        except ValueError as exc:
            raise InvalidInput("clock.bad_desk_now", value=fixed) from exc
        return value.replace(tzinfo=None, microsecond=0)
    return datetime.now().replace(microsecond=0)


def parse_local(text: str, what: str = "date-time") -> datetime:
    """Parse an ISO 8601 local date-time given by a person (no offset kept)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput("datetime.not_iso", field=what, value=text) from exc
    if value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)
    return value.replace(microsecond=0)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 local time without offset, as the JSON output of SPEC §9 wants."""
    return value.isoformat(timespec="seconds") if value else None
