"""``desk hub migrate --to postgresql://…``: a hub kept in its home's SQLite moved into PostgreSQL.

What desks sent moves: their events (in seq order, into the month partitions),
the dossiers they are about and their component lines, the registry of desks
and their keys, what arrived (``sync_imports``, ``sync_desks``, ``sync_gaps``,
``event_marks``), the pushes' idempotency records, the board's records (each
desk's last contact, the duplicates across desks), the files' (``hub_files``,
the files missing, the dossiers' results) and forwarding's outbox of their
dossiers (taken out of the home's then: docs/forwarding.md). The hub's own desk (its
clerks' work at this home) stays in the home, as a hub on PostgreSQL never
takes its own events; tokens and every other setting stay in ``desk.toml``.
Then ``[hub] database`` is set to the URL.

Every row goes in with ``ON CONFLICT DO NOTHING`` in transactions of
:data:`CHUNK` rows (``db.pg.move``): a move stopped half-way is run again, and
a second run adds nothing. A database that holds events from elsewhere is
refused (``hub.migrate_not_empty``). Stop ``desk hub serve`` first: what
arrives at the SQLite hub meanwhile moves only with the next run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from db import queries, write_transaction
from db.pg import indicator_sums, move
from db.pg.arrival_queries import set_event_counts
from desk import clock
from desk.config import update_settings
from desk.errors import InvalidInput
from desk.sync.store import PgStore, pg_store

CHUNK = 5000
MIGRATED_FROM = "migrated_from"
"""The meta key naming the hub (its desk id) moved into this database."""

Progress = Callable[[str, int, int], None]
"""``progress(what, done, total)``: a table's rows moved so far (new or already there)."""


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
    own = desk.desk_id
    with store.reading() as pg:
        came_from = store.q.get_meta(pg, MIGRATED_FROM)
        if move.holds_events_of_others(pg, own) and came_from != own:
            raise InvalidInput("hub.migrate_not_empty", field="to", url=store.shown)
    with store.writing() as pg:
        store.q.set_meta(pg, MIGRATED_FROM, own)
    moved = Moved(store.shown)
    for table in ("enrolled_desks", "desk_keys", "sync_desks", "sync_requests"):
        moved.rows[table] = _move(desk, store, table, progress)
    moved.events = _move(desk, store, "events", progress)
    with store.writing() as pg:  # desk hub status's per-desk figures, for the events that came in bulk
        set_event_counts(pg)
    moved.dossiers = _move(desk, store, "dossiers", progress)
    for table in move.AFTER_DOSSIERS:
        moved.rows[table] = _move(desk, store, table, progress)
    with write_transaction(desk.db):  # the home's file records are in the store now (adopt_home_files)
        queries.set_meta(desk.db, HOME_FILES_ADOPTED + store.shown, clock.now().isoformat(timespec="seconds"))
    for table in move.WITH_IDS:
        moved.rows[table] = _move(desk, store, table, progress)
        with store.writing() as pg:
            move.follow_ids(pg, table)
    for table in move.OUTBOX:
        moved.rows[table] = _move(desk, store, table, progress)
    with store.writing() as pg:
        move.follow_ids(pg, "portal_replies")
        # the QĐ 766 running sums of the dossiers that came in bulk (their outbox with them: 1.4)
        indicator_sums.rebuild_all(pg)
    with write_transaction(desk.db):
        move.forget_moved_outbox(desk.db, own)
    with store.reading() as pg:
        move.analyse(pg)
    update_settings(desk.home, hub_database=url)
    return moved


HOME_FILES_ADOPTED = "hub_files.adopted:"
"""The home's meta key (followed by the database, shown without its password) saying that the file records the
home kept were copied into that PostgreSQL database."""


def adopt_home_files(desk, store: PgStore) -> int:
    """A hub on PostgreSQL from before its file records (``hub_files``) moved into PostgreSQL kept them in its
    home's SQLite: copy them into the store once (rows the store has already stay as they are; the files they
    name are no longer missing), then note it in the home. Returns the rows new in the store (0 the next
    times). Run as the store is first opened for a home (``desk.sync.store.hub_store``) and by ``desk hub
    migrate`` (which moves ``hub_files`` with the rest)."""
    key = HOME_FILES_ADOPTED + store.shown
    if queries.get_meta(desk.db, key) or not move.count(desk.db, "hub_files", desk.desk_id):
        return 0
    added = 0
    for rows in move.chunks(desk.db, "hub_files", desk.desk_id, CHUNK):
        with store.writing() as pg:
            added += move.insert_as_is(pg, "hub_files", rows)
            pg.execute("DELETE FROM hub_missing_files WHERE sha256 = ANY(%s::text[])", ([r[0] for r in rows],))
    with write_transaction(desk.db):
        queries.set_meta(desk.db, key, clock.now().isoformat(timespec="seconds"))
    return added


def _move(desk, store: PgStore, table: str, progress: Progress | None) -> int:
    """A table's rows (other desks' only) into PostgreSQL, a chunk per transaction; how many were new."""
    db, own = desk.db, desk.desk_id
    total = move.count(db, table, own)
    added = done = 0
    for rows in move.chunks(db, table, own, CHUNK):
        with store.writing() as pg:
            if table == "events":
                added += store.q.insert_event_rows(pg, rows)
            elif table == "dossiers":
                added += move.insert_dossier_rows(pg, rows, move.lines_of(db, [r[0] for r in rows]))
            else:
                added += move.insert_as_is(pg, table, rows)
        done += len(rows)
        if progress:
            progress(table, done, total)
    return added
