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


@_step
def m006_sync_publishing(db: sqlite_utils.Database) -> None:
    """A bundle checked whole and being published into the tables in short transactions.

    The bundle's new events wait in a staging file (``staging/<stage>`` in the
    home); ``published`` is the staging row published last, advanced in the
    same transaction as the rows it covers. The row is deleted with the last of
    them; one that is left (the importer was killed) is completed by the next
    import, ``desk verify`` or the hub (``desk.sync.publish``).
    """
    db.execute(
        """
        CREATE TABLE sync_publishing (
            id INTEGER PRIMARY KEY,
            stage TEXT NOT NULL,              -- the staging file's name
            source TEXT NOT NULL,             -- 'bundle'
            name TEXT NOT NULL,               -- the bundle's file name
            desk_id TEXT NOT NULL,
            agency_code TEXT NOT NULL,
            desk_no INTEGER NOT NULL,
            first_seq INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            last_hash TEXT NOT NULL,
            staged INTEGER NOT NULL,          -- new events in the staging file
            skipped INTEGER NOT NULL,         -- events of the bundle this home held already
            published INTEGER NOT NULL DEFAULT 0,  -- the last staging row published
            imported INTEGER NOT NULL DEFAULT 0,   -- events published so far
            dossiers INTEGER NOT NULL DEFAULT 0,   -- dossiers rebuilt so far
            files INTEGER NOT NULL DEFAULT 0,      -- scans stored
            at TEXT NOT NULL
        )"""
    )


@_step
def m007_desk_registry(db: sqlite_utils.Database) -> None:
    """A hub's registry of enrolled desks and their signing keys (docs/keys.md).

    One active desk per (agency, desk number); a revoked desk keeps its row (and the time of its
    revocation) so that what it sent before stays explained. A desk's keys: the enrolled one from
    seq 1, each rotation's new key from its ``from_seq``; a replaced key signs up to ``until_seq``.
    """
    db.execute(
        """
        CREATE TABLE enrolled_desks (
            desk_id TEXT PRIMARY KEY,
            agency_code TEXT NOT NULL,
            desk_no INTEGER NOT NULL,
            agency_name TEXT NOT NULL DEFAULT '',
            enrolled_at TEXT NOT NULL,
            revoked_at TEXT
        )"""
    )
    db.execute(
        "CREATE UNIQUE INDEX enrolled_desks_number ON enrolled_desks(agency_code, desk_no) WHERE revoked_at IS NULL"
    )
    db.execute(
        """
        CREATE TABLE desk_keys (
            public_key TEXT PRIMARY KEY,
            desk_id TEXT NOT NULL REFERENCES enrolled_desks(desk_id),
            fingerprint TEXT NOT NULL,
            from_seq INTEGER NOT NULL,
            until_seq INTEGER,
            added_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX desk_keys_desk ON desk_keys(desk_id)")


def words_of(row: str) -> str:
    """The SQL text ``dossiers_words`` indexes for a dossier row (``new``, ``old`` or a table's name).

    Its name, its code, and its ID number or phone only when they hold
    something other than digits (a passport): every word of the dossier a
    search without digits could find, and none of the million all-digit words
    that would bloat its prefix indexes (a search with digits uses
    ``dossiers_fts`` and ``dossiers_digits``).
    """
    return (
        f"coalesce({row}.applicant_folded, '') || ' ' || coalesce({row}.code, '')"
        f" || CASE WHEN {row}.id_number GLOB '*[^0-9]*' THEN ' ' || {row}.id_number ELSE '' END"
        f" || CASE WHEN {row}.phone GLOB '*[^0-9]*' THEN ' ' || {row}.phone ELSE '' END"
    )


@_step
def m008_word_prefixes(db: sqlite_utils.Database) -> None:
    """A word index with prefix indexes, for searches without digits ("nguyen van d", "tran thi").

    In ``dossiers_fts`` each word typed is a prefix that FTS5 expands into every
    word starting so and merges in full before the first row: 10 to 90 ms among
    a million dossiers. Here the prefixes of 1 to 7 letters (the longest
    Vietnamese syllable) are indexed as words themselves, walked newest first
    and stopped at the page's end. Without positions (``detail='none'``) and
    contentless (the text is :func:`words_of`), it adds about 1 % to the file
    (22 MB for a million dossiers; built in about 6 s of CPU).
    """
    db.execute(
        """
        CREATE VIRTUAL TABLE dossiers_words USING fts5(
            words, content='', detail='none', prefix='1 2 3 4 5 6 7',
            tokenize='unicode61 remove_diacritics 2'
        )"""
    )
    db.execute(
        f"""
        CREATE TRIGGER dossiers_words_ai AFTER INSERT ON dossiers BEGIN
          INSERT INTO dossiers_words(rowid, words) VALUES (new.rowid, {words_of("new")});
        END"""
    )
    db.execute(
        f"""
        CREATE TRIGGER dossiers_words_ad AFTER DELETE ON dossiers BEGIN
          INSERT INTO dossiers_words(dossiers_words, rowid, words) VALUES ('delete', old.rowid, {words_of("old")});
        END"""
    )
    db.execute(
        f"""
        CREATE TRIGGER dossiers_words_au AFTER UPDATE OF code, applicant_folded, id_number, phone ON dossiers BEGIN
          INSERT INTO dossiers_words(dossiers_words, rowid, words) VALUES ('delete', old.rowid, {words_of("old")});
          INSERT INTO dossiers_words(rowid, words) VALUES (new.rowid, {words_of("new")});
        END"""
    )
    db.execute(f"INSERT INTO dossiers_words(rowid, words) SELECT rowid, {words_of('dossiers')} FROM dossiers")


@_step
def m009_dossier_fees(db: sqlite_utils.Database) -> None:
    """The fee due of a dossier whose procedure counts it per page or per copy (desk.rules.fees).

    A table beside ``dossiers``, so that the dossier's snapshot in the event log keeps its columns;
    the ``dossier.received`` event carries the same numbers in its payload's ``fee``.
    """
    db.execute(
        """
        CREATE TABLE dossier_fees (
            dossier_id TEXT PRIMARY KEY REFERENCES dossiers(id),
            pages INTEGER NOT NULL,
            copies INTEGER NOT NULL,
            per_copy INTEGER NOT NULL,
            amount INTEGER NOT NULL,
            capped INTEGER NOT NULL
        )"""
    )


@_step
def m010_operators(db: sqlite_utils.Database) -> None:
    """Operator accounts (desk.dossier.operators): who is at the desk, their role, a memory-hard hash of
    their password or PIN, the failures that lock them out; and the tokens a supervisor issues for scripts
    (stored as SHA-256 digests, with an expiry)."""
    db.execute(
        """
        CREATE TABLE operators (
            login TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            secret TEXT NOT NULL,
            failures INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE operator_tokens (
            digest TEXT PRIMARY KEY,
            login TEXT NOT NULL REFERENCES operators(login) ON DELETE CASCADE,
            issued_by TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )"""
    )


@_step
def m011_result_files(db: sqlite_utils.Database) -> None:
    """Electronic results of a dossier (``<MaHoSo>-KQ<n>``), each a signed PDF in ``files/``."""
    db.execute(
        """
        CREATE TABLE result_files (
            id INTEGER PRIMARY KEY,
            dossier_id TEXT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
            n INTEGER NOT NULL,
            code TEXT NOT NULL,
            name TEXT NOT NULL,
            file_path TEXT NOT NULL,
            file_sha256 TEXT NOT NULL,
            file_bytes INTEGER NOT NULL,
            file_pages INTEGER NOT NULL,
            origin TEXT NOT NULL,             -- 'desk': signed here; 'office': arrived signed by the office
            signer TEXT NOT NULL DEFAULT '',
            attached_at TEXT NOT NULL,
            UNIQUE (dossier_id, n)
        )"""
    )


@_step
def m012_desk_board(db: sqlite_utils.Database) -> None:
    """What a hub's board of desks needs beyond what it stored already (``db.board_queries``).

    ``hub_desk_contacts``: per desk, the hub's time of its last push, the desk's own clock as the push
    declared it (``Desk-Clock``) and the skew between the two, the highest seq the desk declared
    (``Desk-Last-Seq``), and the last batch the hub refused after checking its signature.
    ``hub_duplicates``: dossiers another desk also took in (one ID number and procedure, received within
    30 days of each other), one row per dossier and other dossier, written as dossiers arrive; the
    dossiers of the last 60 days already here are looked at now.
    """
    db.execute(
        """
        CREATE TABLE hub_desk_contacts (
            desk_id TEXT PRIMARY KEY,
            contact_at TEXT NOT NULL,         -- the hub's clock at the desk's last push
            desk_clock TEXT,                  -- the desk's clock, as its last push declared it
            skew_seconds INTEGER,             -- desk_clock - contact_at
            declared_seq INTEGER,             -- the highest seq the desk declared holding
            refused_at TEXT,                  -- the last batch refused (after its signature checked)
            refused_code TEXT,
            refused_events INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute(
        """
        CREATE TABLE hub_duplicates (
            code TEXT NOT NULL,               -- the dossier flagged
            desk_id TEXT NOT NULL,
            desk_no INTEGER NOT NULL,
            received_at TEXT NOT NULL,
            procedure_code TEXT NOT NULL,
            id_number TEXT NOT NULL,
            other_code TEXT NOT NULL,         -- the dossier of another desk it duplicates
            other_desk_id TEXT NOT NULL,
            other_desk_no INTEGER NOT NULL,
            other_received_at TEXT NOT NULL,
            PRIMARY KEY (code, other_code)
        )"""
    )
    db.execute("CREATE INDEX hub_duplicates_desk ON hub_duplicates(desk_id, received_at)")
    db.execute("CREATE INDEX hub_duplicates_other ON hub_duplicates(other_code)")
    from db.board_queries import flag_duplicates_since

    flag_duplicates_since(db, days=60)


@_step
def m013_indicator_sums(db: sqlite_utils.Database) -> None:
    """Running sums of the QĐ 766 figures per day and (agency, desk, clerk, procedure), with each dossier's
    facts (``db.indicator_sums``), built here for the dossiers a home holds already."""
    from db import indicator_sums

    indicator_sums.create_tables(db)
    indicator_sums.build_all(db)
    # the dossiers in progress at a past moment: those finished after it, received before it, from the index
    db.execute(
        "CREATE INDEX dossiers_finished_received ON dossiers(finished_at, received_at) WHERE finished_at IS NOT NULL"
    )


@_step
def m014_files_travel(db: sqlite_utils.Database) -> None:
    """Which stored files went where (a desk: ``sent_files``), and what a hub holds of them (``hub_files``)."""
    db.execute(
        """
        CREATE TABLE sent_files (
            sha256 TEXT PRIMARY KEY,
            bytes INTEGER NOT NULL,
            via TEXT NOT NULL,                -- 'bundle:<name>' or 'push:<endpoint>'
            at TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE hub_files (
            sha256 TEXT PRIMARY KEY,
            bytes INTEGER NOT NULL,
            state TEXT NOT NULL,              -- 'signed' or 'unsigned' (stored but marked)
            signer TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL,             -- 'bundle:<name>' or 'push:<desk id>'
            received_at TEXT NOT NULL
        )"""
    )


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
