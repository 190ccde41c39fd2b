"""The SQL of moving a hub from its home's SQLite into PostgreSQL (``desk.sync.hub_migrate``): reading the
SQLite tables in chunks, writing them with ``ON CONFLICT DO NOTHING``."""

from __future__ import annotations

from collections.abc import Iterator

from db.pg.connection import PgConn
from db.pg.hub_queries import DOSSIER_COLUMNS, EVENT_COLUMNS, LINE_COLUMNS
from db.result_queries import RESULT_COLUMNS

TABLES: dict[str, tuple[str, ...]] = {
    "enrolled_desks": ("desk_id", "agency_code", "desk_no", "agency_name", "enrolled_at", "revoked_at"),
    "desk_keys": ("public_key", "desk_id", "fingerprint", "from_seq", "until_seq", "added_at"),
    "sync_desks": ("desk_id", "agency_code", "desk_no", "first_seen", "last_seen"),
    "sync_requests": ("idempotency_key", "body_sha256", "response", "at"),
    "sync_imports": (
        "id",
        "source",
        "name",
        "desk_id",
        "agency_code",
        "desk_no",
        "first_seq",
        "last_seq",
        "imported_events",
        "skipped_events",
        "last_hash",
        "at",
    ),
    "sync_gaps": ("id", "desk_id", "first_seq", "last_seq", "found_at", "found_by", "closed_at", "closed_by"),
    "event_marks": ("id", "desk_id", "first_seq", "last_seq", "mark", "at"),
    # forwarding to the portal (docs/forwarding.md): the desks' dossiers' rows
    "portal_outbox": (
        "dossier_code",
        "desk_id",
        "generation",
        "sent_generation",
        "state",
        "attempts",
        "next_try",
        "claimed_by",
        "claimed_generation",
        "lease_until",
        "enqueued_at",
        "acknowledged_at",
        "first_acknowledged_at",
        "reason_code",
        "reason",
        "set_aside_at",
    ),
    "portal_replies": ("id", "dossier_code", "at", "call", "ok", "code", "message", "body", "worker"),
    "portal_progress_sent": ("event_id", "dossier_code", "sent_at"),
    # the board's and the files' (after the dossiers)
    "hub_desk_contacts": (
        "desk_id",
        "contact_at",
        "desk_clock",
        "skew_seconds",
        "declared_seq",
        "refused_at",
        "refused_code",
        "refused_events",
    ),
    "hub_duplicates": (
        "code",
        "desk_id",
        "desk_no",
        "received_at",
        "procedure_code",
        "id_number",
        "other_code",
        "other_desk_id",
        "other_desk_no",
        "other_received_at",
    ),
    "hub_files": ("sha256", "bytes", "state", "signer", "source", "received_at"),
    "hub_missing_files": ("dossier_code", "line_code", "sha256", "desk_id"),
    "result_files": ("id", "dossier_id", *RESULT_COLUMNS),
}
"""The tables copied as they are (their ids kept), and their columns."""
WITH_IDS = ("sync_imports", "sync_gaps", "event_marks", "result_files")
AFTER_DOSSIERS = ("hub_desk_contacts", "hub_duplicates", "hub_files", "hub_missing_files")
"""Moved after the dossiers, before :data:`WITH_IDS`."""
OUTBOX = ("portal_outbox", "portal_replies", "portal_progress_sent")
"""Forwarding's tables: the rows of the desks' dossiers move (the hub's own stay in the home's outbox)."""
_OTHERS_DOSSIERS = " WHERE dossier_code IN (SELECT dossier_code FROM portal_outbox WHERE desk_id != ?)"
_INTEGERS = {"desk_no", "sets", "register_line"}


# --- the SQLite hub (a db.Database) ---------------------------------------------------------------


def _where(table: str, own: str) -> tuple[str, tuple]:
    """Rows of other desks only where a table also holds the hub's own desk's (its exports' marks, its
    dossiers' results, duplicates of its dossiers, its dossiers' forwarding)."""
    if table in ("portal_replies", "portal_progress_sent"):
        return _OTHERS_DOSSIERS, (own,)
    if table in ("event_marks", "events", "dossiers", "hub_missing_files", "portal_outbox"):
        return " WHERE desk_id != ?", (own,)
    if table == "hub_duplicates":
        return " WHERE desk_id != ? AND other_desk_id != ?", (own, own)
    if table == "result_files":
        return " WHERE dossier_id IN (SELECT id FROM dossiers WHERE desk_id != ?)", (own,)
    return "", ()


def forget_moved_outbox(db, own: str) -> None:
    """Take the desks' dossiers' rows out of the home's outbox once they are in PostgreSQL's (else two outboxes
    would forward them); inside a write transaction."""
    for table in ("portal_replies", "portal_progress_sent"):
        db.execute(f"DELETE FROM {table}{_OTHERS_DOSSIERS}", (own,))
    db.execute("DELETE FROM portal_outbox WHERE desk_id != ?", (own,))


def count(db, table: str, own: str) -> int:
    where, params = _where(table, own)
    return db.execute(f"SELECT count(*) FROM {table}{where}", params).fetchone()[0]


def chunks(db, table: str, own: str, size: int) -> Iterator[list[tuple]]:
    """The rows of ``table`` (:data:`TABLES`' columns; events: EVENT_COLUMNS in desk and seq order;
    dossiers: DOSSIER_COLUMNS), ``size`` at a time."""
    where, params = _where(table, own)
    columns = {"events": EVENT_COLUMNS, "dossiers": DOSSIER_COLUMNS}.get(table) or TABLES[table]
    order = "desk_id, seq" if table == "events" else "rowid"
    cur = db.conn.execute(f"SELECT {', '.join(columns)} FROM {table}{where} ORDER BY {order}", params)
    try:
        while rows := cur.fetchmany(size):
            yield rows
    finally:
        cur.close()


def lines_of(db, dossier_ids: list[str]) -> list[tuple]:
    marks = ", ".join("?" for _ in dossier_ids)
    return db.execute(
        f"SELECT {', '.join(LINE_COLUMNS)} FROM component_lines WHERE dossier_id IN ({marks})", dossier_ids
    ).fetchall()


# --- the PostgreSQL hub ------------------------------------------------------------------------------


def holds_events_of_others(pg: PgConn, desk_id: str) -> bool:
    """Whether the database holds events of a desk other than ``desk_id`` (the moving hub's own)."""
    return pg.execute("SELECT 1 FROM event_ids WHERE desk_id != %s LIMIT 1", (desk_id,)).fetchone() is not None


def insert_as_is(pg: PgConn, table: str, rows: list[tuple]) -> int:
    columns = TABLES[table]
    marks = ", ".join("%s" for _ in columns)
    added = 0
    for row in rows:
        added += pg.execute(
            f"INSERT INTO {table}({', '.join(columns)}) VALUES ({marks}) ON CONFLICT DO NOTHING", row
        ).rowcount
    return added


def insert_dossier_rows(pg: PgConn, rows: list[tuple], lines: list[tuple]) -> int:
    """Dossiers (DOSSIER_COLUMNS) not there yet, and the component lines (LINE_COLUMNS) of those; how many."""
    new = {
        r[0]
        for r in pg.execute(
            f"INSERT INTO dossiers({', '.join(DOSSIER_COLUMNS)}) SELECT * FROM unnest("
            + ", ".join(f"%s::{'integer' if c in _INTEGERS else 'text'}[]" for c in DOSSIER_COLUMNS)
            + ") ON CONFLICT DO NOTHING RETURNING id",
            [list(c) for c in zip(*rows)],
        ).fetchall()
    }
    fresh = [line for line in lines if line[0] in new]
    if fresh:
        pg.executemany(
            f"INSERT INTO component_lines({', '.join(LINE_COLUMNS)}) VALUES ({', '.join('%s' for _ in LINE_COLUMNS)})"
            " ON CONFLICT DO NOTHING",
            fresh,
        )
    return len(new)


def follow_ids(pg: PgConn, table: str) -> None:
    """The next id PostgreSQL gives in ``table`` follows the ones moved."""
    pg.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
    )


def analyse(pg: PgConn) -> None:
    """Planner statistics of the tables just filled (autovacuum would take its time to gather them)."""
    pg.execute("ANALYZE")
