"""Reading dossiers: one by code, search, today's lists and counts."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from db import queries
from desk import clock
from desk.dossier.events import record_to_event, row_to_record
from desk.dossier.fees import load_fee
from desk.dossier.rows import row_to_dossier
from desk.errors import NotFound
from desk.models import Dossier, Event, Status
from desk.rules import codes
from desk.text import fold, sanitise


def get(desk, code: str) -> Dossier:
    code = code.strip().upper()
    row = queries.dossier_row(desk.db, code)
    if row is None:
        raise NotFound("dossier.not_found", field="code", code=code)
    return load_fee(desk.db, row_to_dossier(row, queries.line_rows(desk.db, row["id"])))


def find(desk, code: str) -> Dossier | None:
    try:
        return get(desk, code)
    except NotFound:
        return None


def _many(desk, rows: list[dict]) -> list[Dossier]:
    lines = queries.lines_for(desk.db, [r["id"] for r in rows])
    return [row_to_dossier(r, lines[r["id"]]) for r in rows]


def search(desk, text: str, *, limit: int = 50, offset: int = 0) -> list[Dossier]:
    """Dossiers by code, name (case, diacritics and đ ignored), ID number or phone; newest first.

    A phone or ID number is found by any 4 or more consecutive digits of it, not only its start.
    """
    text = sanitise(text, field="search", max_len=200)
    if codes.parse_code(text):
        exact = find(desk, text)
        if exact is not None:
            return [exact] if offset == 0 else []
    # a phone or ID number typed in groups ("0912 345 678", "+84 912.345.678") is one token
    # (phones and ID numbers start with 0 or +84; a code's "261118-1002" is left as two tokens)
    compact = re.sub(r"[\s.\-()]", "", text)
    if re.fullmatch(r"(\+84|0)\d{5,}", compact):
        text = "0" + compact[3:] if compact.startswith("+84") else compact
    elif re.fullmatch(r"[\d\s.]+", text) and len(compact) >= 4:
        # part of a number ("345 678"): any 4+ consecutive digits of a phone or ID number find it
        text = compact
    return _many(desk, queries.search_rows(desk.db, fold(text), limit=limit, offset=offset))


# dossiers whose processing clock is running; a supplement request stops it,
# a ready result or a closed dossier is finished
RUNNING = {Status.RECEIVED, Status.TRANSFERRED}


def is_overdue(d: Dossier, now: datetime | None = None) -> bool:
    """Past its due time while its clock is still running."""
    return d.status in RUNNING and d.due_at is not None and (now or clock.now()) > d.due_at


def received_on(desk, day, *, limit: int = 100, offset: int = 0) -> list[Dossier]:
    start = datetime.combine(day, datetime.min.time())
    end = start + timedelta(days=1)
    return _many(
        desk, queries.dossiers_received_between(desk.db, start.isoformat(), end.isoformat(), limit=limit, offset=offset)
    )


def overdue(desk, *, now: datetime | None = None, limit: int = 100, offset: int = 0) -> list[Dossier]:
    now = now or clock.now()
    rows = queries.open_dossiers_due_before(desk.db, now.isoformat(timespec="seconds"), limit=limit, offset=offset)
    return _many(desk, rows)


def today_counts(desk, now: datetime | None = None) -> dict[str, int]:
    """Counts for the today screen: received today, due today, overdue, events pending sync."""
    now = now or clock.now()
    start = datetime.combine(now.date(), datetime.min.time())
    end = start + timedelta(days=1)
    iso = lambda v: v.isoformat(timespec="seconds")  # noqa: E731
    return {
        "received": queries.count_received_between(desk.db, iso(start), iso(end)),
        "due_today": queries.count_open_due_between(desk.db, iso(start), iso(end)),
        "overdue": queries.count_open_due_between(desk.db, None, iso(now)),
        "pending_sync": queries.count_unsynced(desk.db, desk.desk_id),
    }


def timeline(desk, code: str) -> list[Event]:
    return [record_to_event(row_to_record(r), r["synced"]) for r in queries.events_for_dossier(desk.db, code)]


def received_between(desk, date_from, date_to, *, page: int = 500):
    """Every dossier received from ``date_from`` to ``date_to`` (inclusive), oldest first, read page by page."""
    start = datetime.combine(date_from, datetime.min.time()).isoformat()
    end = (datetime.combine(date_to, datetime.min.time()) + timedelta(days=1)).isoformat()
    total = queries.count_received_between(desk.db, start, end)
    # the query pages newest first; collect the pages and give them back oldest first
    found: list[Dossier] = []
    for offset in range(0, total, page):
        found.extend(_many(desk, queries.dossiers_received_between(desk.db, start, end, limit=page, offset=offset)))
    found.reverse()
    return found


def clock_backwards_note(desk) -> str | None:
    """Set when an event was stamped earlier than the one before it (this PC's clock went back)."""
    return queries.get_meta(desk.db, "clock_backwards")
