"""Search over every desk's dossiers at a hub, on either store (``desk hub search``).

On the home's SQLite the hub's dossiers are the home's: the desk's own search
(``desk.dossier.query.search``: full-text, folded names, any 4+ digits of a
number). On PostgreSQL: a dossier code, an ID number or phone (whole), or the
start of the applicant's folded name ("nguyen van d" finds "Nguyễn Văn Đức"),
through the indexes of ``db/pg/migrations.py``; newest first, at most ``limit``.

:func:`held_dossier` is one dossier and its events as ``desk show`` prints them, from a PostgreSQL hub's store;
:func:`held_results` its results (``result_files`` there).
"""

from __future__ import annotations

import re

from desk.dossier.events import record_to_event, row_to_record
from desk.dossier.query import find, search
from desk.dossier.results import ResultFile, result_from_row
from desk.dossier.rows import row_to_dossier
from desk.models import Dossier, Event
from desk.sync.store import POSTGRESQL, hub_store
from desk.text import fold, sanitise


def search_hub(desk, text: str, *, limit: int = 50, offset: int = 0) -> list[Dossier]:
    """The dossiers of any desk at this hub that ``text`` names (see the module docstring)."""
    store = hub_store(desk)
    if store.kind != POSTGRESQL:
        return search(desk, text, limit=limit, offset=offset)
    from db.pg import hub_queries as pq

    text = sanitise(text, field="search", max_len=200)
    compact = re.sub(r"[\s.\-()]", "", text)
    digits = ""
    if re.fullmatch(r"\+84\d{5,}", compact):
        digits = "0" + compact[3:]
    elif re.fullmatch(r"\d{4,}", compact):
        digits = compact
    with store.reading() as db:
        rows = pq.search_dossiers(db, fold(text), digits, limit, offset)
        return [row_to_dossier(row, pq.dossier_lines(db, row["id"])) for row in rows]


def search_home_and_hub(desk, text: str, *, limit: int = 50, offset: int = 0) -> list[Dossier]:
    """What the TUI's search lists: the home's dossiers (``desk.dossier.query.search``) and, at a hub whose
    store is PostgreSQL, those of every desk that its store holds; newest first, each code once (the home's
    own when both hold it: the counter acts on that one). Page ``offset``/``limit`` of the two lists merged."""
    if not desk.settings.hub_database:
        return search(desk, text, limit=limit, offset=offset)
    own = search(desk, text, limit=offset + limit)
    codes = {d.code for d in own}
    held = [d for d in search_hub(desk, text, limit=offset + limit) if d.code not in codes]
    merged = sorted(own + held, key=lambda d: d.received_at, reverse=True)
    return merged[offset : offset + limit]


def find_home_or_hub(desk, code: str) -> Dossier | None:
    """The dossier ``code`` of the home, else (at a hub on PostgreSQL) of any desk as its store holds it; None
    when neither has it (a receipt's QR scanned at the hub's search)."""
    own = find(desk, code)
    if own is not None or not desk.settings.hub_database:
        return own
    held = held_dossier(desk, code)
    return None if held is None else held[0]


def held_dossier(desk, code: str) -> tuple[Dossier, list[Event]] | None:
    """The dossier ``code`` and its events (every desk's, each with its sync mark) from this hub's PostgreSQL
    store; None at a hub on its home's SQLite (the desk's own reading holds it) or when the store has no such
    code (the hub's own counter's dossiers stay in its home)."""
    store = hub_store(desk)
    if store.kind != POSTGRESQL:
        return None
    with store.reading() as db:
        row = store.q.dossier_row(db, code.strip().upper())
        if row is None:
            return None
        dossier = row_to_dossier(row, store.q.dossier_lines(db, row["id"]))
        events = [record_to_event(row_to_record(r), r["synced"]) for r in store.q.events_for_dossier(db, dossier.code)]
    return dossier, events


def held_results(desk, dossier_id: str) -> list[ResultFile]:
    """The results (``result_files``, first attached first) of a dossier :func:`held_dossier` read from this
    hub's store."""
    store = hub_store(desk)
    with store.reading() as db:
        return [result_from_row(r) for r in store.q.result_rows(db, dossier_id)]
