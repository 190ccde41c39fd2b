"""The hub's board of every desk (``desk hub board``, the board screen): one page at a time.

Per desk: its last contact (last push or import), what it declared holding that has not arrived
(``pending``: past the highest seq here; ``not_arrived``: inside the gaps, a bundle on its way), the
gaps, the state of its chain here, the clock skew its last push showed, scans missing, events
quarantined, its records that forwarding set aside (refused by the national portal, with the portal's
reason, or failed after too many attempts: docs/forwarding.md), and its dossiers that another desk also
took in (one ID number and procedure within 30 days). Pages are keyset pages in the order of agency, desk number and desk id
(``db.board_queries``); nothing reads every desk or every event.

Everything is read from the hub's store (``desk.sync.store``: its SQLite or PostgreSQL), so a
province's board sees every desk. Files missing are those the desk's dossiers reference that have not
reached the hub's file store (recorded as dossiers arrive, taken away as files do). One column has no
source, and says so (``SOURCES``): events quarantined (the hub refuses a batch or bundle whole and keeps
nothing aside: always 0).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import timedelta

from db import board_queries as bq
from desk import clock
from desk.errors import InvalidInput, NotFound
from desk.sync.outbox import outbox_of
from desk.sync.store import hub_store

PAGE_SIZE = 50
MAX_PAGE = 500
DUPLICATE_DAYS = bq.DUPLICATE_DAYS
"""Two dossiers of one ID number and procedure at two desks within this many days are flagged (as they
arrive: ``db.board_queries.flag_duplicates``); the board shows those of the last as many days."""
SKEW_ALERT_SECONDS = 300
"""A desk's clock this far from the hub's is shown as wrong."""
MAX_PAIRS = 100

SOURCES = {
    "files_missing": "files (scans, results) the desk's dossiers reference that have not reached this hub;"
    " `desk verify` at the hub lists them",
    "quarantined": "none: the hub refuses a batch or bundle whole and sets no event aside",
}
"""Where the columns come from when a number alone does not say it (the JSON says it beside them)."""

CHAIN_STATES = ("ok", "gaps", "refused", "none")
"""``ok``: every event up to the highest held here; ``gaps``: some missing in between; ``refused``: its last
batch was refused (a fork, a tampered event); ``none``: nothing received yet."""


@dataclass
class DeskLine:
    """One desk on the board."""

    desk_id: str
    agency_code: str
    desk_no: int
    agency_name: str
    revoked: bool
    last_contact: str | None
    """The hub's time of the desk's last push or import (ISO, local)."""
    last_contact_by: str | None
    """``push`` or ``bundle``."""
    hub_seq: int
    """The highest seq of the desk held here (0: none)."""
    declared_seq: int
    """The highest seq the desk declared holding (at its last push), at least ``hub_seq``."""
    pending: int
    """Declared by the desk, past the highest held here: still at the desk (or on their way)."""
    not_arrived: int
    """Missing inside the gaps: sent or exported (a later event arrived), not here."""
    gaps: int
    chain: str
    """One of :data:`CHAIN_STATES`."""
    refused_code: str | None
    """The problem code of the last refused batch, when ``chain`` is ``refused``."""
    clock_skew_seconds: int | None
    """The desk's clock minus the hub's at its last push; None before any push that said it."""
    clock_wrong: bool
    files_missing: int
    """The files (scans, results) its dossiers reference that have not reached this hub (``SOURCES``)."""
    quarantined: int
    portal_set_aside: int
    """Its records forwarding set aside: refused by the portal (the reasons in :attr:`Board.set_aside`) or
    failed after too many attempts."""
    duplicates: int
    """Its dossiers of the last :data:`DUPLICATE_DAYS` days another desk also took in."""


@dataclass
class Board:
    desks: list[DeskLine]
    next: str | None
    """The desk id to page on from (``after``), or None on the last page."""
    total_desks: int
    duplicates_since: str
    duplicates: list[dict] = field(default_factory=list)
    """Pairs of duplicates of the page's desks, newest first (at most :data:`MAX_PAIRS`)."""
    set_aside: list[dict] = field(default_factory=list)
    """The page's desks' records forwarding set aside, each with the portal's reason, newest first per desk
    (at most :data:`MAX_PAIRS`): dossier code, desk id, state, reason code, reason, since when, attempts."""

    def to_json(self) -> dict:
        return {
            "desks": [asdict(d) for d in self.desks],
            "next": self.next,
            "total_desks": self.total_desks,
            "duplicates_since": self.duplicates_since,
            "duplicate_window_days": DUPLICATE_DAYS,
            "duplicates": self.duplicates,
            "set_aside": self.set_aside,
            "sources": SOURCES,
        }


def _chain(row: dict) -> str:
    heard = max(row["last_seen"] or "", row["contact_at"] or "", row["last_import_at"] or "")
    if row["refused_at"] and row["refused_at"] >= heard:
        return "refused"
    if not row["hub_seq"]:
        return "none"
    return "gaps" if row["gaps"] else "ok"


def _line(row: dict, duplicates: int, files: int, set_aside: int) -> DeskLine:
    hub_seq = row["hub_seq"] or 0
    declared = max(row["declared_seq"] or 0, hub_seq)
    contacts = [(row["contact_at"], "push"), (row["last_import_at"], row["last_source"])]
    known = [(at, by) for at, by in contacts if at]
    last_at, last_by = max(known) if known else (None, None)
    if row["refused_at"] and (last_at is None or row["refused_at"] > last_at):
        last_at, last_by = row["refused_at"], "push"
    skew = row["skew_seconds"]
    chain = _chain(row)
    return DeskLine(
        desk_id=row["desk_id"],
        agency_code=row["agency_code"],
        desk_no=row["desk_no"],
        agency_name=row["agency_name"] or "",
        revoked=bool(row["revoked_at"]),
        last_contact=last_at,
        last_contact_by=last_by,
        hub_seq=hub_seq,
        declared_seq=declared,
        pending=declared - hub_seq,
        not_arrived=row["gap_events"] or 0,
        gaps=row["gaps"] or 0,
        chain=chain,
        refused_code=row["refused_code"] if chain == "refused" else None,
        clock_skew_seconds=skew,
        clock_wrong=skew is not None and abs(skew) > SKEW_ALERT_SECONDS,
        files_missing=files,
        quarantined=0,
        portal_set_aside=set_aside,
        duplicates=duplicates,
    )


def is_hub(desk) -> bool:
    """Whether this home acts as a hub: it has push tokens or a store of its own (``[hub] database``), or desks
    enrolled at it or heard from (the store is not read when the settings say so: it may be out of reach)."""
    if desk.settings.hub_tokens or desk.settings.hub_database:
        return True
    store = hub_store(desk)
    with store.reading() as db:
        return store.q.count_desks(db) > 0


def board(desk, *, after: str | None = None, limit: int = PAGE_SIZE) -> Board:
    """One page of the board: the ``limit`` desks after the desk ``after`` (from the first without)."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput("board.page_size", field="limit", value=limit, maximum=MAX_PAGE)
    store = hub_store(desk)
    q = store.q
    since = (clock.now() - timedelta(days=DUPLICATE_DAYS)).isoformat(timespec="seconds")
    with store.reading() as db:
        position = bq.FIRST
        if after:
            found = q.desk_position(db, after)
            if found is None:
                raise NotFound("board.unknown_desk", field="after", desk_id=after)
            position = found
        rows = q.desk_page(db, position, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        ids = [r["desk_id"] for r in rows]
        counts = q.duplicate_counts(db, ids, since)
        files = q.files_missing(db, ids)
        flagged = [i for i in ids if counts.get(i)]
        pairs = q.duplicate_pairs(db, flagged, since, MAX_PAIRS) if flagged else []
        oq = outbox_of(q)
        aside = oq.set_aside_counts(db, ids)
        reasons: list[dict] = []
        for desk_id in ids:
            if aside.get(desk_id) and len(reasons) < MAX_PAIRS:
                reasons += oq.forwarding_problems(db, desk_id, MAX_PAIRS - len(reasons))
        total = q.count_desks(db)
    return Board(
        desks=[
            _line(r, counts.get(r["desk_id"], 0), files.get(r["desk_id"], 0), aside.get(r["desk_id"], 0)) for r in rows
        ],
        next=ids[-1] if more else None,
        total_desks=total,
        duplicates_since=since,
        duplicates=pairs,
        set_aside=reasons,
    )
