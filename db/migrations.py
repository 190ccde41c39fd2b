"""The schema, created and evolved only through sqlite-utils ``Migrations``.

Never edit an applied migration: add a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils
    from sqlite_utils.migrations import Migrations

MIGRATION_SET = "motcua-desk"
_STEPS: list[Callable[[sqlite_utils.Database], None]] = []


def _step(fn: Callable[[sqlite_utils.Database], None]) -> Callable[[sqlite_utils.Database], None]:
    """A migration, in the order of the module (``MIGRATIONS``, sqlite_utils's runner, is made of them)."""
    _STEPS.append(fn)
    return fn


def __getattr__(name: str) -> Any:
    # MIGRATIONS: made on first use, so that opening an up-to-date database does not import sqlite_utils
    if name == "MIGRATIONS":
        from sqlite_utils.migrations import Migrations

        runner = Migrations(MIGRATION_SET)
        for fn in _STEPS:
            runner()(fn)
        globals()["MIGRATIONS"] = runner
        return runner
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@_step
def m001_initial(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE procedures (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            name_folded TEXT NOT NULL,
            field TEXT NOT NULL DEFAULT '',
            data TEXT NOT NULL,
            imported_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE dossiers (
            id TEXT PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            desk_id TEXT NOT NULL,
            desk_no INTEGER NOT NULL,
            procedure_code TEXT NOT NULL,
            procedure_name TEXT NOT NULL,
            applicant_kind TEXT NOT NULL,
            applicant_name TEXT NOT NULL,
            applicant_folded TEXT NOT NULL,
            id_number TEXT NOT NULL DEFAULT '',
            id_kind TEXT NOT NULL DEFAULT '',
            birth_date TEXT,
            sex TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            channel TEXT NOT NULL,
            delivery TEXT NOT NULL,
            sets INTEGER NOT NULL DEFAULT 1,
            received_at TEXT NOT NULL,
            due_at TEXT,
            status TEXT NOT NULL,
            register_book TEXT NOT NULL DEFAULT '',
            register_line INTEGER NOT NULL DEFAULT 0,
            clerk TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            paused_at TEXT,
            finished_at TEXT,
            returned_at TEXT,
            collected_by TEXT NOT NULL DEFAULT '',
            satisfaction TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX dossiers_received ON dossiers(received_at)")
    db.execute("CREATE INDEX dossiers_open_due ON dossiers(status, due_at)")
    db.execute("CREATE INDEX dossiers_id_number ON dossiers(id_number)")
    db.execute(
        """
        CREATE TABLE component_lines (
            id INTEGER PRIMARY KEY,
            dossier_id TEXT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            code TEXT NOT NULL,
            name TEXT NOT NULL,
            form TEXT NOT NULL,
            quantity INTEGER NOT NULL,
            received INTEGER NOT NULL,
            required INTEGER NOT NULL,
            must_digitise INTEGER NOT NULL,
            digitisation TEXT NOT NULL,
            reuse_source TEXT NOT NULL DEFAULT '',
            file_path TEXT NOT NULL DEFAULT '',
            file_sha256 TEXT NOT NULL DEFAULT '',
            file_bytes INTEGER NOT NULL DEFAULT 0,
            file_pages INTEGER NOT NULL DEFAULT 0,
            note TEXT NOT NULL DEFAULT '',
            UNIQUE (dossier_id, position)
        )"""
    )
    db.execute(
        """
        CREATE TABLE events (
            desk_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            event_id TEXT NOT NULL UNIQUE,
            dossier_code TEXT NOT NULL,
            type TEXT NOT NULL,
            at TEXT NOT NULL,
            clerk TEXT NOT NULL,
            payload TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            synced TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (desk_id, seq)
        )"""
    )
    db.execute("CREATE INDEX events_dossier ON events(dossier_code)")
    db.execute("CREATE INDEX events_unsynced ON events(desk_id, synced, seq)")
    db.execute(
        """
        CREATE TABLE code_counters (
            agency_code TEXT NOT NULL,
            day TEXT NOT NULL,
            desk_no INTEGER NOT NULL,
            last INTEGER NOT NULL,
            PRIMARY KEY (agency_code, day, desk_no)
        )"""
    )
    db.execute(
        """
        CREATE TABLE register_counters (
            book TEXT NOT NULL,
            year INTEGER NOT NULL,
            last INTEGER NOT NULL,
            PRIMARY KEY (book, year)
        )"""
    )
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    # full-text search over code, folded name, ID number and phone; the folded
    # column is filled by the core (sqlite's remove_diacritics does not fold đ).
    db.execute(
        """
        CREATE VIRTUAL TABLE dossiers_fts USING fts5(
            code, applicant_folded, id_number, phone,
            content='dossiers', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 2'
        )"""
    )
    db.execute(
        """
        CREATE TRIGGER dossiers_fts_ai AFTER INSERT ON dossiers BEGIN
          INSERT INTO dossiers_fts(rowid, code, applicant_folded, id_number, phone)
          VALUES (new.rowid, new.code, new.applicant_folded, new.id_number, new.phone);
        END"""
    )
    db.execute(
        """
        CREATE TRIGGER dossiers_fts_ad AFTER DELETE ON dossiers BEGIN
          INSERT INTO dossiers_fts(dossiers_fts, rowid, code, applicant_folded, id_number, phone)
          VALUES ('delete', old.rowid, old.code, old.applicant_folded, old.id_number, old.phone);
        END"""
    )
    db.execute(
        """
        CREATE TRIGGER dossiers_fts_au AFTER UPDATE OF code, applicant_folded, id_number, phone ON dossiers BEGIN
          INSERT INTO dossiers_fts(dossiers_fts, rowid, code, applicant_folded, id_number, phone)
          VALUES ('delete', old.rowid, old.code, old.applicant_folded, old.id_number, old.phone);
          INSERT INTO dossiers_fts(rowid, code, applicant_folded, id_number, phone)
          VALUES (new.rowid, new.code, new.applicant_folded, new.id_number, new.phone);
        END"""
    )


@_step
def m002_sync_log(db: sqlite_utils.Database) -> None:
    """What a hub received (bundles and pushed batches), the seq gaps it knows of, and push idempotency."""
    db.execute(
        """
        CREATE TABLE sync_imports (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,             -- 'bundle' or 'push'
            name TEXT NOT NULL,               -- bundle file name or the batch's idempotency key
            desk_id TEXT NOT NULL,
            agency_code TEXT NOT NULL,
            desk_no INTEGER NOT NULL,
            first_seq INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            imported_events INTEGER NOT NULL,
            skipped_events INTEGER NOT NULL,
            last_hash TEXT NOT NULL,
            at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX sync_imports_desk ON sync_imports(desk_id, id)")
    db.execute(
        """
        CREATE TABLE sync_gaps (
            id INTEGER PRIMARY KEY,
            desk_id TEXT NOT NULL,
            first_seq INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            found_at TEXT NOT NULL,
            found_by TEXT NOT NULL,           -- the bundle or batch that revealed it
            closed_at TEXT,                   -- set when the missing events arrived
            closed_by TEXT
        )"""
    )
    db.execute("CREATE INDEX sync_gaps_open ON sync_gaps(desk_id, closed_at)")
    db.execute(
        """
        CREATE TABLE sync_desks (
            desk_id TEXT PRIMARY KEY,
            agency_code TEXT NOT NULL,
            desk_no INTEGER NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE sync_requests (
            idempotency_key TEXT PRIMARY KEY,
            body_sha256 TEXT NOT NULL,
            response TEXT NOT NULL,
            at TEXT NOT NULL
        )"""
    )


@_step
def m003_indicator_indexes(db: sqlite_utils.Database) -> None:
    """Indexes for the indicators: results recorded and returned in a period.

    Partial, so that intake (where both are still empty) pays nothing for them.
    """
    db.execute("CREATE INDEX dossiers_finished ON dossiers(finished_at) WHERE finished_at IS NOT NULL")
    db.execute("CREATE INDEX dossiers_returned ON dossiers(returned_at) WHERE returned_at IS NOT NULL")


@_step
def m004_sync_state_apart(db: sqlite_utils.Database) -> None:
    """Sync state moves out of the events: a narrow queue of pending events, and marks by seq range.

    An event row carries a 2–3 KB snapshot; marking a day's events exported
    rewrote every one of them. Now an export deletes a seq range from
    ``pending_events`` and records one ``event_marks`` row. The old marks are
    kept as ranges of consecutive events with the same mark.
    """
    db.execute(
        """
        CREATE TABLE pending_events (
            desk_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            dossier_code TEXT NOT NULL,
            PRIMARY KEY (desk_id, seq)
        ) WITHOUT ROWID"""
    )
    db.execute(
        """
        CREATE TABLE event_marks (
            id INTEGER PRIMARY KEY,
            desk_id TEXT NOT NULL,
            first_seq INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            mark TEXT NOT NULL,               -- 'bundle:<file name>' or 'hub:<ack id>'
            at TEXT                           -- when; unknown for marks older than this migration
        )"""
    )
    db.execute("CREATE INDEX event_marks_desk ON event_marks(desk_id, first_seq)")
    db.execute(
        "INSERT INTO pending_events(desk_id, seq, dossier_code) "
        "SELECT desk_id, seq, dossier_code FROM events WHERE synced = ''"
    )
    db.execute(
        "INSERT INTO event_marks(desk_id, first_seq, last_seq, mark) "
        "SELECT desk_id, min(seq), max(seq), synced FROM ("
        "  SELECT desk_id, seq, synced, seq - row_number() OVER (PARTITION BY desk_id, synced ORDER BY seq) AS run"
        "  FROM events WHERE synced != ''"
        ") GROUP BY desk_id, synced, run ORDER BY desk_id, min(seq)"
    )
    db.execute("DROP INDEX events_unsynced")
    db.execute("ALTER TABLE events DROP COLUMN synced")


@_step
def m005_digits_search(db: sqlite_utils.Database) -> None:
    """A trigram index of the phone and the ID number: any 4 or more consecutive digits find them.

    Apart from ``dossiers_fts`` (words, matched from their start) so that a name
    search pays nothing for it; digits only, so its few thousand trigrams keep
    short posting lists; walked newest first like the word index.
    """
    db.execute(
        """
        CREATE VIRTUAL TABLE dossiers_digits USING fts5(
            id_number, phone,
            content='dossiers', content_rowid='rowid',
            tokenize='trigram'
        )"""
    )
    db.execute(
        """
        CREATE TRIGGER dossiers_digits_ai AFTER INSERT ON dossiers BEGIN
          INSERT INTO dossiers_digits(rowid, id_number, phone) VALUES (new.rowid, new.id_number, new.phone);
        END"""
    )
    db.execute(
        """
        CREATE TRIGGER dossiers_digits_ad AFTER DELETE ON dossiers BEGIN
          INSERT INTO dossiers_digits(dossiers_digits, rowid, id_number, phone)
          VALUES ('delete', old.rowid, old.id_number, old.phone);
        END"""
    )
    db.execute(
        """
        CREATE TRIGGER dossiers_digits_au AFTER UPDATE OF id_number, phone ON dossiers BEGIN
          INSERT INTO dossiers_digits(dossiers_digits, rowid, id_number, phone)
          VALUES ('delete', old.rowid, old.id_number, old.phone);
          INSERT INTO dossiers_digits(rowid, id_number, phone) VALUES (new.rowid, new.id_number, new.phone);
        END"""
    )
    db.execute("INSERT INTO dossiers_digits(dossiers_digits) VALUES ('rebuild')")


# m006 on, in the order they are applied (the module registers them as it is imported)
from db import migrations_sync  # noqa: E402, F401


def migrate(db: Any) -> None:
    """Apply pending migrations explicitly at start-up.

    Taken under a write lock so that two processes opening a new home at once
    do not both try to create the schema.
    """
    if _all_applied(db.conn):
        return
    full = getattr(db, "full", db)  # db.connection.Database, or a sqlite_utils.Database
    runner: Migrations = __getattr__("MIGRATIONS")
    if not runner.pending(full):
        return
    from db.connection import write_transaction

    with write_transaction(db):
        runner.apply(full)


def _all_applied(conn: sqlite3.Connection) -> bool:
    """Whether every migration is recorded as applied, read as sqlite_utils records them."""
    try:
        done = {
            name
            for (name,) in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,))
        }
    except sqlite3.OperationalError:  # no such table: a new database
        return False
    return all(fn.__name__ in done for fn in _STEPS)
