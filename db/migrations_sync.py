"""The migrations since the sync between desks and hubs (m006 on): publication, the registry of desks,
word prefixes, fees, operators, results, the hub's board, the QĐ 766 sums, files travelling, forwarding,
the files missing at a hub.

Registered in order by :func:`db.migrations._step` when :mod:`db.migrations` imports this module, after
its own steps. Never edit an applied migration: add a new one at the end of this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.migrations import _step

if TYPE_CHECKING:
    import sqlite_utils


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


@_step
def m015_portal_forwarding(db: sqlite_utils.Database) -> None:
    """The hub's outbox to the provincial system / national portal (docs/forwarding.md).

    ``portal_outbox``: one row per dossier, filled in the transaction that imports its events;
    ``generation`` counts those imports, ``sent_generation`` is the one the portal last acknowledged.
    A worker claims a row with a lease (``claimed_by``, ``lease_until``: epoch seconds).
    ``portal_replies``: every reply of the portal about a dossier (its forwarding timeline).
    ``portal_progress_sent``: the events already sent as progress lines (CapNhatTienDoHoSoMC).
    """
    db.execute(
        """
        CREATE TABLE portal_outbox (
            dossier_code TEXT PRIMARY KEY,
            desk_id TEXT NOT NULL,
            generation INTEGER NOT NULL DEFAULT 1,
            sent_generation INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'rejected', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_try REAL NOT NULL DEFAULT 0,
            claimed_by TEXT,
            claimed_generation INTEGER,
            lease_until REAL,
            enqueued_at TEXT NOT NULL,
            acknowledged_at TEXT,
            first_acknowledged_at TEXT,
            reason_code TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT '',
            set_aside_at TEXT
        )"""
    )
    db.execute("CREATE INDEX portal_outbox_due ON portal_outbox(state, next_try)")
    db.execute("CREATE INDEX portal_outbox_desk ON portal_outbox(desk_id, state)")
    db.execute(
        """
        CREATE TABLE portal_replies (
            id INTEGER PRIMARY KEY,
            dossier_code TEXT NOT NULL,
            at TEXT NOT NULL,
            call TEXT NOT NULL,
            ok INTEGER NOT NULL,
            code TEXT NOT NULL,
            message TEXT NOT NULL,
            body TEXT NOT NULL,
            worker TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX portal_replies_dossier ON portal_replies(dossier_code, id)")
    db.execute(
        """
        CREATE TABLE portal_progress_sent (
            event_id TEXT PRIMARY KEY,
            dossier_code TEXT NOT NULL,
            sent_at TEXT NOT NULL
        )"""
    )


@_step
def m016_indicator_synced(db: sqlite_utils.Database) -> None:
    """QĐ 766's 1.4 as the portal means it: a ``synced`` running sum (dossiers the portal acknowledged) beside
    the others of ``m013`` (``db.indicator_sums.SYNCED_MEANS``), filled from the outbox of ``m015``; and the
    partial index of the dossiers finished late, for the supervisor's list of late dossiers (``db.indicator_late``)."""
    from db import indicator_late, indicator_sums

    indicator_sums.add_synced_column(db)
    indicator_late.create_index(db)


@_step
def m017_missing_files(db: sqlite_utils.Database) -> None:
    """``hub_missing_files``: the files the desks' dossiers reference that had not arrived at this hub when the
    dossier was written (``db.file_queries.note_missing_files``), so that the board counts per desk those still
    not in ``hub_files`` by index. Filled now for the dossiers of the desks a hub heard from."""
    db.execute(
        """
        CREATE TABLE hub_missing_files (
            dossier_code TEXT NOT NULL,
            line_code TEXT NOT NULL,          -- the component line's code, or the result's
            sha256 TEXT NOT NULL,
            desk_id TEXT NOT NULL,
            PRIMARY KEY (dossier_code, line_code, sha256)
        )"""
    )
    db.execute("CREATE INDEX hub_missing_files_desk ON hub_missing_files(desk_id)")
    db.execute("CREATE INDEX hub_missing_files_sha ON hub_missing_files(sha256)")
    from db.file_queries import note_missing_files_of_desks

    note_missing_files_of_desks(db)


@_step
def m018_hub_event_counts(db: sqlite_utils.Database) -> None:
    """``hub_event_counts``: per desk a hub heard from, how many of its events are here and the highest seq,
    kept up in the transaction that writes them (``db.sync_queries.keep_event_counts``, from
    ``desk.sync.ingest.write_rows``), so that ``desk hub status`` reads one row per desk instead of counting
    every event. Filled now from the events of the desks already heard from."""
    db.execute(
        """
        CREATE TABLE hub_event_counts (
            desk_id TEXT PRIMARY KEY,
            events INTEGER NOT NULL,
            last_seq INTEGER NOT NULL
        )"""
    )
    db.execute(
        "INSERT INTO hub_event_counts(desk_id, events, last_seq) SELECT desk_id, count(*), max(seq) FROM events"
        " WHERE desk_id IN (SELECT desk_id FROM sync_desks) GROUP BY desk_id"
    )


SEARCH_DEFERRED = "search_deferred"
"""The table that, while it holds a row, keeps the search indexes' insert triggers from firing (m019)."""
_DEFERRED_TRIGGERS = ("dossiers_fts_ai", "dossiers_digits_ai", "dossiers_words_ai")


@_step
def m019_search_deferred(db: sqlite_utils.Database) -> None:
    """``search_deferred``: the insert triggers of the three search indexes fire only while it is empty.

    A bulk insert of dossiers (``db.sync_queries.search_indexes_after``: a bundle's part at a hub) puts a row
    in it inside its own transaction, inserts, fills the indexes in one statement each, and deletes the row:
    no other connection ever sees it (nor, after a rollback, anyone). Before, the bulk dropped the triggers
    and re-created them in its transaction: a change of the schema, for which every other connection read the
    schema again and this one prepared again each statement it used next, at every part. The triggers keep
    their names and bodies (taken from the schema as it is).
    """
    db.execute(f"CREATE TABLE {SEARCH_DEFERRED} (since_rowid INTEGER NOT NULL)")
    for name in _DEFERRED_TRIGGERS:
        row = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [name]).fetchone()
        if row is None:
            continue
        body = row[0].split("BEGIN", 1)[1]  # the statements and END, as they are
        db.execute(f"DROP TRIGGER {name}")
        db.execute(
            f"CREATE TRIGGER {name} AFTER INSERT ON dossiers"
            f" WHEN NOT EXISTS (SELECT 1 FROM {SEARCH_DEFERRED}) BEGIN{body}"
        )
