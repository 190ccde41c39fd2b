"""The hub's PostgreSQL schema, as numbered steps recorded in ``schema_migrations``.

Never edit an applied step: add a new one at the end. :func:`migrate` applies
the missing steps in order, all in one transaction (a step that fails leaves
none applied), under an advisory lock (workers starting at once migrate once).

The layout (docs/hub.md):

- ``events``: append-only, partitioned by month on ``at_day`` (the day of the
  event's ``at``); partitions are made on demand (``events_YYYYMM``). The unique
  key of a partitioned table must hold the partition key, so the global keys
  live in ``event_ids``: one narrow row per event (event id unique, (desk, seq)
  unique, its hashes), which the continuity checks read.
- ``dossiers`` and ``component_lines``: each dossier's current state.
- the registry (``enrolled_desks``, ``desk_keys``), what arrived
  (``sync_imports``, ``sync_desks``, ``sync_gaps``, ``event_marks``),
  ``sync_requests`` (push idempotency) and ``meta``.
- forwarding to the portal (``portal_outbox``, ``portal_replies``,
  ``portal_progress_sent``): as SQLite's ``m015_portal_forwarding``.
- ``indicator_facts`` and ``indicator_sums`` (step 3): the QĐ 766 running sums, as on SQLite
  (``db.pg.indicator_sums``), with the indexes the in-progress counts read.
- the board of desks and the files received (step 4: ``M004_BOARD_AND_FILES``).
- per desk, its events held and highest seq (step 5: ``hub_event_counts``), and the dossiers whose second
  duplicates pass is still to do (step 6: ``hub_duplicate_rechecks``).
- the supplement requests and results attached by dossier (step 7), which the QĐ 766 facts count.
- per dossier and desk, its latest event and its latest event carrying a snapshot (step 8:
  ``hub_latest_events``), which a rebuild reads instead of every month partition.
- ``component_lines`` without its foreign key to ``dossiers`` (step 9): the lines go in only with their
  dossiers, written in the same transaction (``db.pg.dossier_queries``), and ``desk verify`` looks for lines
  whose dossier is not there; a partial index of the lines that carry a file or were reused.
"""

from __future__ import annotations

from collections.abc import Callable

from db.indicator_sums import RESULT_EVENT, SUPPLEMENT_EVENT
from db.pg import indicator_sums
from db.pg.dossier_queries import LINES_OF_NOTE
from db.pg.event_queries import LATEST_RECOUNT

MIGRATIONS_LOCK = 7_417_001
"""The advisory lock key every migrating process takes."""

M001_SCHEMA = """
CREATE TABLE events (
    desk_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    event_id TEXT NOT NULL,
    dossier_code TEXT NOT NULL,
    type TEXT NOT NULL,
    at TEXT NOT NULL,
    clerk TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    at_day DATE NOT NULL,
    -- the snapshot's id and status, and whether there is one: read once from the payload as it goes in
    snapshot_id TEXT,
    snapshot_status TEXT,
    has_snapshot BOOLEAN NOT NULL
) PARTITION BY RANGE (at_day);
CREATE INDEX events_desk_seq ON events(desk_id, seq);
CREATE INDEX events_dossier ON events(dossier_code, desk_id, seq);

CREATE TABLE event_ids (
    event_id TEXT PRIMARY KEY,
    desk_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    at_day DATE NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (desk_id, seq)
);

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
);
CREATE INDEX dossiers_desk ON dossiers(desk_id, code);
CREATE INDEX dossiers_received ON dossiers(received_at);
CREATE INDEX dossiers_id_number ON dossiers(id_number);
CREATE INDEX dossiers_phone ON dossiers(phone);
CREATE INDEX dossiers_folded ON dossiers(applicant_folded text_pattern_ops);

CREATE TABLE component_lines (
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
    file_bytes BIGINT NOT NULL DEFAULT 0,
    file_pages INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (dossier_id, position)
);

CREATE TABLE sync_imports (
    id BIGSERIAL PRIMARY KEY,
    source TEXT NOT NULL,
    name TEXT NOT NULL,
    desk_id TEXT NOT NULL,
    agency_code TEXT NOT NULL,
    desk_no INTEGER NOT NULL,
    first_seq BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    imported_events INTEGER NOT NULL,
    skipped_events INTEGER NOT NULL,
    last_hash TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX sync_imports_desk ON sync_imports(desk_id, id);

CREATE TABLE sync_gaps (
    id BIGSERIAL PRIMARY KEY,
    desk_id TEXT NOT NULL,
    first_seq BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    found_at TEXT NOT NULL,
    found_by TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT
);
CREATE INDEX sync_gaps_open ON sync_gaps(desk_id, first_seq) WHERE closed_at IS NULL;

CREATE TABLE sync_desks (
    desk_id TEXT PRIMARY KEY,
    agency_code TEXT NOT NULL,
    desk_no INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);

CREATE TABLE sync_requests (
    idempotency_key TEXT PRIMARY KEY,
    body_sha256 TEXT NOT NULL,
    response TEXT NOT NULL,
    at TEXT NOT NULL
);

CREATE TABLE event_marks (
    id BIGSERIAL PRIMARY KEY,
    desk_id TEXT NOT NULL,
    first_seq BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    mark TEXT NOT NULL,
    at TEXT
);
CREATE INDEX event_marks_desk ON event_marks(desk_id, first_seq);

CREATE TABLE enrolled_desks (
    desk_id TEXT PRIMARY KEY,
    agency_code TEXT NOT NULL,
    desk_no INTEGER NOT NULL,
    agency_name TEXT NOT NULL DEFAULT '',
    enrolled_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE UNIQUE INDEX enrolled_desks_number ON enrolled_desks(agency_code, desk_no) WHERE revoked_at IS NULL;

CREATE TABLE desk_keys (
    public_key TEXT PRIMARY KEY,
    desk_id TEXT NOT NULL REFERENCES enrolled_desks(desk_id),
    fingerprint TEXT NOT NULL,
    from_seq BIGINT NOT NULL,
    until_seq BIGINT,
    added_at TEXT NOT NULL
);
CREATE INDEX desk_keys_desk ON desk_keys(desk_id);

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

M002_PORTAL_FORWARDING = """
CREATE TABLE portal_outbox (
    dossier_code TEXT PRIMARY KEY,
    desk_id TEXT NOT NULL,
    generation INTEGER NOT NULL DEFAULT 1,
    sent_generation INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'rejected', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try DOUBLE PRECISION NOT NULL DEFAULT 0,
    claimed_by TEXT,
    claimed_generation INTEGER,
    lease_until DOUBLE PRECISION,
    enqueued_at TEXT NOT NULL,
    acknowledged_at TEXT,
    first_acknowledged_at TEXT,
    reason_code TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    set_aside_at TEXT
);
CREATE INDEX portal_outbox_due ON portal_outbox(state, next_try);
CREATE INDEX portal_outbox_desk ON portal_outbox(desk_id, state);

CREATE TABLE portal_replies (
    id BIGSERIAL PRIMARY KEY,
    dossier_code TEXT NOT NULL,
    at TEXT NOT NULL,
    call TEXT NOT NULL,
    ok INTEGER NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    body TEXT NOT NULL,
    worker TEXT NOT NULL
);
CREATE INDEX portal_replies_dossier ON portal_replies(dossier_code, id);

CREATE TABLE portal_progress_sent (
    event_id TEXT PRIMARY KEY,
    dossier_code TEXT NOT NULL,
    sent_at TEXT NOT NULL
);
"""
"""Forwarding to the portal (docs/forwarding.md): the tables of SQLite's ``m015_portal_forwarding``, with the
same names and columns (a report reads either), ``next_try``/``lease_until`` epoch seconds as DOUBLE PRECISION."""

M004_BOARD_AND_FILES = """
CREATE TABLE hub_desk_contacts (
    desk_id TEXT PRIMARY KEY,
    contact_at TEXT NOT NULL,
    desk_clock TEXT,
    skew_seconds INTEGER,
    declared_seq BIGINT,
    refused_at TEXT,
    refused_code TEXT,
    refused_events INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE hub_duplicates (
    code TEXT NOT NULL,
    desk_id TEXT NOT NULL,
    desk_no INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    id_number TEXT NOT NULL,
    other_code TEXT NOT NULL,
    other_desk_id TEXT NOT NULL,
    other_desk_no INTEGER NOT NULL,
    other_received_at TEXT NOT NULL,
    PRIMARY KEY (code, other_code)
);
CREATE INDEX hub_duplicates_desk ON hub_duplicates(desk_id, received_at);
CREATE INDEX hub_duplicates_other ON hub_duplicates(other_code);

CREATE TABLE hub_files (
    sha256 TEXT PRIMARY KEY,
    bytes BIGINT NOT NULL,
    state TEXT NOT NULL,
    signer TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    received_at TEXT NOT NULL
);

CREATE TABLE hub_missing_files (
    dossier_code TEXT NOT NULL,
    line_code TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    desk_id TEXT NOT NULL,
    PRIMARY KEY (dossier_code, line_code, sha256)
);
CREATE INDEX hub_missing_files_desk ON hub_missing_files(desk_id);
CREATE INDEX hub_missing_files_sha ON hub_missing_files(sha256);

CREATE TABLE result_files (
    id BIGSERIAL PRIMARY KEY,
    dossier_id TEXT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    file_path TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    file_bytes BIGINT NOT NULL,
    file_pages INTEGER NOT NULL,
    origin TEXT NOT NULL,
    signer TEXT NOT NULL DEFAULT '',
    attached_at TEXT NOT NULL,
    UNIQUE (dossier_id, n)
);
"""
"""The board of desks and the files a hub received, as on SQLite (``db.migrations_sync`` m012, m014, m011 and
m017): ``hub_desk_contacts`` (each desk's last push: its clock, skew, declared seq, last refused batch),
``hub_duplicates`` (dossiers another desk also took in, flagged as they arrive), ``hub_files`` (the files the
store holds), ``hub_missing_files`` (the files the desks' dossiers reference that had not arrived when the
dossier was written: the board counts those still not in ``hub_files``), ``result_files`` (the dossiers'
electronic results, from their snapshots)."""

M005_HUB_EVENT_COUNTS = """
CREATE TABLE hub_event_counts (
    desk_id TEXT PRIMARY KEY,
    events BIGINT NOT NULL,
    last_seq BIGINT NOT NULL
);
INSERT INTO hub_event_counts(desk_id, events, last_seq) SELECT desk_id, count(*), max(seq) FROM event_ids
    GROUP BY desk_id;
"""
"""As on SQLite (``db.migrations_sync`` m018): per desk, its events here and the highest seq, kept up in the
transaction that writes them (``db.pg.arrival_queries.keep_event_counts``), for ``desk hub status``."""

M006_DUPLICATE_RECHECKS = """
CREATE TABLE hub_duplicate_rechecks (
    code TEXT PRIMARY KEY,
    queued_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX hub_duplicate_rechecks_queued ON hub_duplicate_rechecks(queued_at);
"""
"""The dossiers whose second duplicates pass (after their batch committed) is still to do
(``db.pg.board_queries.flag_duplicates``, ``finish_rechecks``)."""

M007_SUPPLEMENTS_AND_RESULTS = f"""
CREATE INDEX events_supplements_results ON events(dossier_code)
    WHERE type IN ('{SUPPLEMENT_EVENT}', '{RESULT_EVENT}');
"""
"""The events the QĐ 766 facts count (supplement requests, results attached), by dossier: the facts of a
batch's dossiers look them up in every month partition, and the full ``events_dossier`` index of each took
three or four pages per dossier and partition (a 20,000-event bundle into a 10,000,000-event hub: most of
the refresh's 1.3 million buffer reads); this one holds a few of every hundred events."""

M008_LATEST_EVENTS = f"""
CREATE TABLE hub_latest_events (
    dossier_code TEXT NOT NULL,
    desk_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    snapshot_seq BIGINT,
    snapshot_at TEXT,
    PRIMARY KEY (dossier_code, desk_id)
);
INSERT INTO hub_latest_events(dossier_code, desk_id, seq, at, snapshot_seq, snapshot_at) {LATEST_RECOUNT};
"""
"""Per dossier and desk, the seq and ``at`` of its latest event here and of its latest event carrying a snapshot,
kept in the transaction that writes events (``db.pg.event_queries.insert_event_rows``): a batch's rebuild reads
one row per dossier and desk (``latest_events_per_desk``) where it probed the ``events_dossier`` index of every
month partition (a push bench: a fifth of PostgreSQL's time). ``desk verify`` recounts it
(``latest_event_differences``)."""

M009_LINES_WITHOUT_TRIGGER = f"""
ALTER TABLE component_lines DROP CONSTRAINT IF EXISTS component_lines_dossier_id_fkey;
CREATE INDEX component_lines_of_note ON component_lines(dossier_id) WHERE {LINES_OF_NOTE};
"""
"""The component lines' foreign key checked each line by a trigger of its own, a ``SELECT … FOR KEY SHARE`` of its
dossier (a row lock, written to the WAL): for a 20,000-dossier bundle 72,500 of them, about 15 % of the buffers the
server touched for it. A line is written only by ``db.pg.dossier_queries`` (and ``db.pg.move``) with its dossier,
in the same transaction, which refuses a line of any other (``ForeignKeyViolation``, as the key did); the hub
deletes no dossier (its ``ON DELETE CASCADE`` had nothing to do; ``bench.hub_pg.reset``, which takes a run's
dossiers out, takes their lines out first); ``desk verify`` reports lines whose dossier is
missing (``lines_without_dossier``: ``hub.lines_without_dossier``). And the lines that carry a file or were
reused, by dossier (``component_lines_of_note``: ``db.pg.dossier_queries.LINES_OF_NOTE``): what a batch's files
missing and QĐ 766 facts read of its dossiers' lines (the primary key's pages of every line before)."""

STEPS: list[tuple[int, str, str]] = [
    (1, "hub_schema", M001_SCHEMA),
    (2, "portal_forwarding", M002_PORTAL_FORWARDING),
    (3, "indicator_sums", indicator_sums.schema()),
    (4, "board_and_files", M004_BOARD_AND_FILES),
    (5, "hub_event_counts", M005_HUB_EVENT_COUNTS),
    (6, "duplicate_rechecks", M006_DUPLICATE_RECHECKS),
    (7, "events_supplements_results", M007_SUPPLEMENTS_AND_RESULTS),
    (8, "latest_events", M008_LATEST_EVENTS),
    (9, "lines_without_trigger", M009_LINES_WITHOUT_TRIGGER),
]
"""(number, name, SQL) of every step, in order."""


def applied(conn) -> list[int]:
    """The steps applied to this database (none for an empty one)."""
    exists = conn.execute("SELECT to_regclass('schema_migrations')").fetchone()[0]
    if exists is None:
        return []
    return [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]


def migrate(conn, progress: Callable[[int, str], None] | None = None) -> list[int]:
    """Apply the missing steps (``conn``: an autocommit psycopg connection); returns those applied now."""
    done: list[int] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATIONS_LOCK,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        have = set(applied(conn))
        for version, name, sql in STEPS:
            if version in have:
                continue
            if progress:
                progress(version, name)
            conn.execute(sql)
            conn.execute("INSERT INTO schema_migrations(version, name) VALUES (%s, %s)", (version, name))
            done.append(version)
    return done


def latest() -> int:
    return STEPS[-1][0]
