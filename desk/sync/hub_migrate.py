"""``desk hub migrate --to postgresql://…``: a hub kept in its home's SQLite moved into PostgreSQL.

What desks sent moves: their events (in seq order, into the month partitions),
the dossiers they are about and their component lines, the registry of desks
and their keys, what arrived (``sync_imports``, ``sync_desks``, ``sync_gaps``,
``event_marks``) and the pushes' idempotency records. The hub's own desk (its
clerks' work at this home) stays in the home, as a hub on PostgreSQL never
takes its own events; tokens and every other setting stay in ``desk.toml``.
Then ``[hub] database`` is set to the URL.

Every row goes in with ``ON CONFLICT DO NOTHING`` in transactions of
:data:`CHUNK` rows: a move stopped half-way is run again, and a second run adds
nothing. A database that holds events from elsewhere is refused
(``hub.migrate_not_empty``). Stop ``desk hub serve`` first: what arrives at the
SQLite hub meanwhile moves only with the next run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from db.queries import DOSSIER_COLUMNS, EVENT_COLUMNS, LINE_COLUMNS
from desk.config import update_settings
from desk.errors import InvalidInput
from desk.sync.store import PgStore, pg_store

CHUNK = 5000
MIGRATED_FROM = "migrated_from"
"""The meta key naming the hub (its desk id) moved into this database."""

Progress = Callable[[str, int, int], None]
"""``progress(what, done, total)``."""

# table: its columns, copied as they are (ids kept)
_AS_IS: dict[str, tuple[tuple[str, ...], str]] = {
    "enrolled_desks": (("desk_id", "agency_code", "desk_no", "agency_name", "enrolled_at", "revoked_at"), ""),
    "desk_keys": (("public_key", "desk_id", "fingerprint", "from_seq", "until_seq", "added_at"), ""),
    "sync_desks": (("desk_id", "agency_code", "desk_no", "first_seen", "last_seen"), ""),
    "sync_requests": (("idempotency_key", "body_sha256", "response", "at"), ""),
    "sync_imports": (
        (
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
        "id",
    ),
    "sync_gaps": (("id", "desk_id", "first_seq", "last_seq", "found_at", "found_by", "closed_at", "closed_by"), "id"),
    "event_marks": (("id", "desk_id", "first_seq", "last_seq", "mark", "at"), "id"),
}


@dataclass
class Moved:
    """What a run brought into PostgreSQL (rows new there; a second run gives zeros)."""

    url: str
    events: int = 0
    dossiers: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"url": self.url, "events": self.events, "dossiers": self.dossiers, "rows": self.rows}


def migrate_hub(desk, url: str, progress: Progress | None = None) -> Moved:
    """Move this home's hub into the PostgreSQL database ``url``; see the module docstring."""
    store = pg_store(url)
    db = desk.db
    own = desk.desk_id
    with store.reading() as pg:
        came_from = store.q.get_meta(pg, MIGRATED_FROM)
        others = pg.execute("SELECT 1 FROM event_ids WHERE desk_id != %s LIMIT 1", (own,)).fetchone()
    if others is not None and came_from != own:
        raise InvalidInput("hub.migrate_not_empty", field="to", url=store.shown)
    moved = Moved(store.shown)
    with store.writing() as pg:
        store.q.set_meta(pg, MIGRATED_FROM, own)
    for table in ("enrolled_desks", "desk_keys", "sync_desks", "sync_requests"):
        moved.rows[table] = _copy(db, store, table, own, progress)
    moved.events = _events(db, store, own, progress)
    moved.dossiers = _dossiers(db, store, own, progress)
    for table in ("sync_imports", "sync_gaps", "event_marks"):
        moved.rows[table] = _copy(db, store, table, own, progress)
        with store.writing() as pg:  # the next id PostgreSQL gives follows the ones moved
            pg.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM {table}),"
                " false)"
            )
    update_settings(desk.home, hub_database=url)
    return moved


def _copy(db, store: PgStore, table: str, own: str, progress: Progress | None) -> int:
    columns, _ = _AS_IS[table]
    where, params = (" WHERE desk_id != ?", (own,)) if table == "event_marks" else ("", ())
    total = db.execute(f"SELECT count(*) FROM {table}{where}", params).fetchone()[0]
    cols = ", ".join(columns)
    marks = ", ".join("%s" for _ in columns)
    added = done = 0
    cur = db.conn.execute(f"SELECT {cols} FROM {table}{where} ORDER BY rowid", params)
    while rows := cur.fetchmany(CHUNK):
        with store.writing() as pg:
            for row in rows:
                added += pg.execute(
                    f"INSERT INTO {table}({cols}) VALUES ({marks}) ON CONFLICT DO NOTHING", row
                ).rowcount
        done += len(rows)
        if progress:
            progress(table, done, total)
    return added


def _events(db, store: PgStore, own: str, progress: Progress | None) -> int:
    total = db.execute("SELECT count(*) FROM events WHERE desk_id != ?", (own,)).fetchone()[0]
    cols = ", ".join(EVENT_COLUMNS)
    added = done = 0
    cur = db.conn.execute(f"SELECT {cols} FROM events WHERE desk_id != ? ORDER BY desk_id, seq", (own,))
    while rows := cur.fetchmany(CHUNK):
        with store.writing() as pg:
            added += store.q.insert_event_rows(pg, rows)
        done += len(rows)
        if progress:
            progress("events", done, total)
    return added


def _dossiers(db, store: PgStore, own: str, progress: Progress | None) -> int:
    total = db.execute("SELECT count(*) FROM dossiers WHERE desk_id != ?", (own,)).fetchone()[0]
    cols = ", ".join(DOSSIER_COLUMNS)
    line_cols = ", ".join(LINE_COLUMNS)
    added = done = 0
    cur = db.conn.execute(f"SELECT {cols} FROM dossiers WHERE desk_id != ? ORDER BY rowid", (own,))
    while rows := cur.fetchmany(CHUNK):
        ids = [r[0] for r in rows]
        marks = ", ".join("?" for _ in ids)
        lines = db.execute(f"SELECT {line_cols} FROM component_lines WHERE dossier_id IN ({marks})", ids).fetchall()
        with store.writing() as pg:
            new = {
                r[0]
                for r in pg.execute(
                    f"INSERT INTO dossiers({cols}) SELECT * FROM unnest("
                    + ", ".join(f"%s::{_pg_type(c)}[]" for c in DOSSIER_COLUMNS)
                    + ") ON CONFLICT DO NOTHING RETURNING id",
                    [list(c) for c in zip(*rows)],
                ).fetchall()
            }
            fresh = [line for line in lines if line[0] in new]
            if fresh:
                pg.executemany(
                    f"INSERT INTO component_lines({line_cols}) VALUES ({', '.join('%s' for _ in LINE_COLUMNS)})"
                    " ON CONFLICT DO NOTHING",
                    fresh,
                )
        added += len(new)
        done += len(rows)
        if progress:
            progress("dossiers", done, total)
    return added


_INTEGERS = {"desk_no", "sets", "register_line"}


def _pg_type(column: str) -> str:
    return "integer" if column in _INTEGERS else "text"
