"""Queries of the sync queue: export ranges, pending events, and the hub's log of what arrived."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

from db.migrations_sync import SEARCH_DEFERRED, words_of
from db.queries import DOSSIER_COLUMNS, EVENT_COLUMNS, LINE_COLUMNS, _rows

CHUNK = 500  # bound on the number of ``?`` in one IN (...)

BULK_FROM = 1000  # events; below this the page cache as configured is plenty
BULK_CACHE_KIB = 65_536
"""Page cache for a bulk write; it grows only as far as needed (128 MB: 45 MB more RSS at an import)."""


@contextlib.contextmanager
def bulk_cache(db, events: int) -> Iterator[None]:
    """A larger page cache for this connection while it writes ``events`` events (restored afterwards).

    With the default 2 MB cache a bundle's transaction spills dirty pages to
    the WAL long before it commits, and its index inserts miss the cache; this
    changes only memory use, not what is written or when it is synced.
    """
    if events < BULK_FROM or db.conn.in_transaction:
        yield
        return
    before = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {int(before)}")


def _chunks(values: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


# --- the desk's side ----------------------------------------------------------


def max_seq(db, desk_id: str) -> int:
    row = db.execute("SELECT max(seq) FROM events WHERE desk_id = ?", (desk_id,)).fetchone()
    return row[0] or 0


def first_pending_seq(db, desk_id: str) -> int | None:
    row = db.execute("SELECT min(seq) FROM pending_events WHERE desk_id = ?", (desk_id,)).fetchone()
    return row[0]


def seq_range_between(db, desk_id: str, start: str, end: str) -> tuple[int, int] | None:
    """First and last seq of the desk's events with ``start <= at < end``."""
    row = db.execute(
        "SELECT min(seq), max(seq) FROM events WHERE desk_id = ? AND at >= ? AND at < ?", (desk_id, start, end)
    ).fetchone()
    return (row[0], row[1]) if row[0] is not None else None


def event_at(db, desk_id: str, seq: int) -> str:
    return db.execute("SELECT at FROM events WHERE desk_id = ? AND seq = ?", (desk_id, seq)).fetchone()[0]


EXPORT_COLUMNS = ("seq", "event_id", "dossier_code", "type", "at", "clerk", "payload", "prev_hash", "hash")


def iter_event_tuples(
    db, desk_id: str, first: int, last: int, chunk: int = 2000, *, payload_bytes: bool = False
) -> Iterator[list[tuple]]:
    """Lists of the desk's events with ``first <= seq <= last`` as tuples of EXPORT_COLUMNS, in seq order
    (with ``payload_bytes``, the payload as its stored UTF-8 bytes)."""
    cols = ", ".join("CAST(payload AS BLOB)" if c == "payload" and payload_bytes else c for c in EXPORT_COLUMNS)
    cur = db.conn.execute(
        f"SELECT {cols} FROM events WHERE desk_id = ? AND seq BETWEEN ? AND ? ORDER BY seq", (desk_id, first, last)
    )
    try:
        while rows := cur.fetchmany(chunk):
            yield rows
    finally:
        cur.close()


def pending_event_rows(db, desk_id: str, limit: int) -> list[dict]:
    return _rows(
        db,
        "SELECT e.* FROM pending_events p JOIN events e ON e.desk_id = p.desk_id AND e.seq = p.seq "
        "WHERE p.desk_id = ? ORDER BY p.seq LIMIT ?",
        (desk_id, limit),
    )


def count_pending_dossiers(db, desk_id: str) -> int:
    return db.execute(
        "SELECT count(DISTINCT dossier_code) FROM pending_events WHERE desk_id = ?", (desk_id,)
    ).fetchone()[0]


def add_mark(db, desk_id: str, first: int, last: int, mark: str, at: str) -> None:
    """Record that events ``first…last`` of a desk went into (or came from) a bundle or a hub's batch."""
    db.execute(
        "INSERT INTO event_marks(desk_id, first_seq, last_seq, mark, at) VALUES (?, ?, ?, ?, ?)",
        (desk_id, first, last, mark, at),
    )


def mark_range_exported(db, desk_id: str, first: int, last: int, mark: str, at: str) -> int:
    """The still-pending events of a range are no longer pending; the range is marked with the bundle.

    Returns how many were pending. (Events a hub acknowledged before keep
    showing that acknowledgement: see ``db.queries.SYNC_MARK``.)
    """
    n = db.execute(
        "DELETE FROM pending_events WHERE desk_id = ? AND seq BETWEEN ? AND ?", (desk_id, first, last)
    ).rowcount
    if n:
        add_mark(db, desk_id, first, last, mark, at)
    return n


def _runs(seqs: list[int]) -> Iterator[tuple[int, int]]:
    """(first, last) of each run of consecutive numbers in sorted ``seqs``."""
    if not seqs:
        return
    start = prev = seqs[0]
    for s in seqs[1:]:
        if s == prev + 1:
            prev = s
            continue
        yield start, prev
        start = prev = s
    yield start, prev


def mark_acknowledged(db, desk_id: str, event_ids: list[str], mark: str, at: str) -> int:
    """The hub acknowledged these events: they leave the queue, marked by runs of seq; returns how many."""
    seqs: list[int] = []
    for part in _chunks(event_ids):
        marks = ", ".join("?" for _ in part)
        seqs += [
            r[0]
            for r in db.execute(f"SELECT seq FROM events WHERE desk_id = ? AND event_id IN ({marks})", [desk_id, *part])
        ]
    seqs.sort()
    for first, last in _runs(seqs):
        db.execute("DELETE FROM pending_events WHERE desk_id = ? AND seq BETWEEN ? AND ?", (desk_id, first, last))
        add_mark(db, desk_id, first, last, mark, at)
    return len(seqs)


def latest_snapshot_rows(db, desk_id: str, codes: list[str], max_seq: int) -> dict[str, dict]:
    """For each dossier code, this desk's latest event carrying a snapshot with ``seq <= max_seq``."""
    out: dict[str, dict] = {}
    for part in _chunks(codes):
        marks = ", ".join("?" for _ in part)
        for row in _rows(
            db,
            "SELECT e.* FROM events e JOIN ("
            f"  SELECT dossier_code, max(seq) AS s FROM events WHERE desk_id = ? AND seq <= ? AND dossier_code IN ({marks})"
            "   AND json_type(payload, '$.dossier') = 'object' GROUP BY dossier_code"
            ") x ON e.desk_id = ? AND e.seq = x.s",
            [desk_id, max_seq, *part, desk_id],
        ):
            out[row["dossier_code"]] = row
    return out


# --- the hub's side -----------------------------------------------------------


def event_rows_between(db, desk_id: str, first: int, last: int) -> dict[int, dict]:
    """seq → (event_id, hash, prev_hash) of the desk's events in a range (continuity checks)."""
    return {
        r["seq"]: r
        for r in _rows(
            db,
            "SELECT seq, event_id, hash, prev_hash FROM events WHERE desk_id = ? AND seq BETWEEN ? AND ?",
            (desk_id, first, last),
        )
    }


def event_ids_present(db, event_ids: list[str]) -> dict[str, dict]:
    """event_id → (desk_id, seq, hash) of those already stored."""
    out: dict[str, dict] = {}
    for part in _chunks(event_ids):
        marks = ", ".join("?" for _ in part)
        for r in _rows(db, f"SELECT event_id, desk_id, seq, hash FROM events WHERE event_id IN ({marks})", part):
            out[r["event_id"]] = r
    return out


def insert_event_rows(db, rows: Iterable[tuple]) -> None:
    """Insert events given as tuples in the order of EVENT_COLUMNS (the payload as text, or as its UTF-8)."""
    cols = ", ".join(EVENT_COLUMNS)
    marks = ", ".join("CAST(? AS TEXT)" if c == "payload" else "?" for c in EVENT_COLUMNS)
    db.conn.executemany(f"INSERT INTO events({cols}) VALUES ({marks})", rows)


def insert_events(db, rows: Iterable[dict]) -> None:
    cols = ", ".join(EVENT_COLUMNS)
    marks = ", ".join("?" for _ in EVENT_COLUMNS)
    db.conn.executemany(f"INSERT INTO events({cols}) VALUES ({marks})", ([r[c] for c in EVENT_COLUMNS] for r in rows))


def latest_events_per_desk(db, codes: list[str]) -> list[dict]:
    """For each dossier code, each desk's latest event about it: dossier_code, desk_id, seq, at."""
    out: list[dict] = []
    for part in _chunks(codes):
        marks = ", ".join("?" for _ in part)
        out += _rows(
            db,
            "SELECT e.dossier_code, e.desk_id, e.seq, e.at FROM events e JOIN ("
            f"  SELECT dossier_code, desk_id, max(seq) AS s FROM events WHERE dossier_code IN ({marks})"
            "   GROUP BY dossier_code, desk_id"
            ") x ON e.desk_id = x.desk_id AND e.seq = x.s",
            part,
        )
    return out


def latest_snapshot_events_per_desk(db, codes: list[str]) -> list[dict]:
    """Like :func:`latest_events_per_desk`, among events carrying a dossier snapshot only."""
    out: list[dict] = []
    for part in _chunks(codes):
        marks = ", ".join("?" for _ in part)
        out += _rows(
            db,
            "SELECT e.dossier_code, e.desk_id, e.seq, e.at FROM events e JOIN ("
            f"  SELECT dossier_code, desk_id, max(seq) AS s FROM events WHERE dossier_code IN ({marks})"
            "   AND json_type(payload, '$.dossier') = 'object' GROUP BY dossier_code, desk_id"
            ") x ON e.desk_id = x.desk_id AND e.seq = x.s",
            part,
        )
    return out


def event_payloads(db, keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """(desk_id, seq) → payload text."""
    out: dict[tuple[str, int], str] = {}
    for part in _chunks(keys, CHUNK // 2):
        values = ", ".join("(?, ?)" for _ in part)
        params = [v for k in part for v in k]
        for desk_id, seq, payload in db.execute(
            f"SELECT desk_id, seq, payload FROM events WHERE (desk_id, seq) IN (VALUES {values})", params
        ):
            out[(desk_id, seq)] = payload
    return out


# the columns of a dossier and of its lines as a rebuild from an event's snapshot gives them: the snapshot's
# fields (desk.dossier.rows.snapshot), then what it does not carry
SNAPSHOT_DOSSIER_COLUMNS = tuple(c for c in DOSSIER_COLUMNS if c != "applicant_folded")
SNAPSHOT_LINE_COLUMNS = tuple(c for c in LINE_COLUMNS if c != "dossier_id")

BULK_FTS_FROM = 200  # below this many new dossiers the per-row trigger is cheap enough

BULK_INDEXES = {
    "dossiers_fts_ai": (
        "INSERT INTO dossiers_fts(rowid, code, applicant_folded, id_number, phone) "
        "SELECT rowid, code, applicant_folded, id_number, phone FROM dossiers WHERE rowid > ?"
    ),
    "dossiers_digits_ai": (
        "INSERT INTO dossiers_digits(rowid, id_number, phone) SELECT rowid, id_number, phone FROM dossiers WHERE rowid > ?"
    ),
    "dossiers_words_ai": (
        f"INSERT INTO dossiers_words(rowid, words) SELECT rowid, {words_of('dossiers')} FROM dossiers WHERE rowid > ?"
    ),
}
"""The search indexes' insert triggers (which a row in ``search_deferred`` keeps from firing), and how a bulk
insert fills each in one statement instead."""


def insert_dossiers(db, rows: list[tuple], lines: list[tuple]) -> None:
    """Insert new dossiers and their component lines in bulk.

    ``rows`` are tuples of SNAPSHOT_DOSSIER_COLUMNS then ``applicant_folded``;
    ``lines`` are tuples of SNAPSHOT_LINE_COLUMNS then ``dossier_id``. Call
    inside a write transaction. The search indexes: :func:`search_indexes_after`.
    """
    cols = ", ".join((*SNAPSHOT_DOSSIER_COLUMNS, "applicant_folded"))
    marks = ", ".join("?" for _ in DOSSIER_COLUMNS)
    with search_indexes_after(db, len(rows)):
        db.conn.executemany(f"INSERT INTO dossiers({cols}) VALUES ({marks})", rows)
    cols = ", ".join((*SNAPSHOT_LINE_COLUMNS, "dossier_id"))
    marks = ", ".join("?" for _ in LINE_COLUMNS)
    db.conn.executemany(f"INSERT INTO component_lines({cols}) VALUES ({marks})", lines)


@contextlib.contextmanager
def search_indexes_after(db, rows: int) -> Iterator[None]:
    """Around an insert of ``rows`` new dossiers: for many, the search indexes are filled after it in one
    statement each instead of by the per-row insert triggers (about four times faster): a row in
    ``search_deferred`` (``db.migrations_sync.m019_search_deferred``), put and deleted inside the same
    transaction, keeps the triggers from firing meanwhile, so no other connection ever sees it and a rollback
    takes it away. The schema does not change: no connection reads it again, none prepares its statements
    again."""
    if rows < BULK_FTS_FROM:
        yield
        return
    after = db.execute("SELECT coalesce(max(rowid), 0) FROM dossiers").fetchone()[0]
    mark = db.execute(f"INSERT INTO {SEARCH_DEFERRED}(since_rowid) VALUES (?)", (after,)).lastrowid
    yield
    for sql in BULK_INDEXES.values():
        db.execute(sql, (after,))
    db.execute(f"DELETE FROM {SEARCH_DEFERRED} WHERE rowid = ?", (mark,))


def dossier_ids_by_code(db, codes: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in _chunks(codes):
        marks = ", ".join("?" for _ in part)
        for code, dossier_id in db.execute(f"SELECT code, id FROM dossiers WHERE code IN ({marks})", part):
            out[code] = dossier_id
    return out


def existing_dossier_ids(db, ids: list[str]) -> set[str]:
    out: set[str] = set()
    for part in _chunks(ids):
        marks = ", ".join("?" for _ in part)
        out.update(r[0] for r in db.execute(f"SELECT id FROM dossiers WHERE id IN ({marks})", part))
    return out


def seq_gaps(db, desk_id: str, around: tuple[int, int] | None = None) -> tuple[list[tuple[int, int]], int, int]:
    """Missing seq ranges of a desk, and the window (first, last) they were looked for in.

    With ``around=(lo, hi)`` only the window from the last seq below ``lo``
    to the first seq above ``hi`` is scanned: gaps elsewhere cannot have
    changed by inserting events in ``lo…hi``. Without it, 1 to the desk's
    highest seq.
    """
    if around is None:
        start, end = 0, max_seq(db, desk_id)
    else:
        lo, hi = around
        start = db.execute("SELECT max(seq) FROM events WHERE desk_id = ? AND seq < ?", (desk_id, lo)).fetchone()[0]
        end = db.execute("SELECT min(seq) FROM events WHERE desk_id = ? AND seq > ?", (desk_id, hi)).fetchone()[0]
        start, end = start or 0, end or hi
    gaps = [
        (r[0], r[1])
        for r in db.execute(
            "SELECT prev + 1, seq - 1 FROM ("
            "  SELECT seq, lag(seq, 1, ?) OVER (ORDER BY seq) AS prev FROM events"
            "  WHERE desk_id = ? AND seq > ? AND seq <= ?"
            ") WHERE seq > prev + 1 ORDER BY seq",
            (start, desk_id, start, end),
        )
    ]
    return gaps, start + 1, end


def open_gaps(db, desk_id: str | None = None) -> list[dict]:
    if desk_id is None:
        return _rows(db, "SELECT * FROM sync_gaps WHERE closed_at IS NULL ORDER BY desk_id, first_seq")
    return _rows(db, "SELECT * FROM sync_gaps WHERE desk_id = ? AND closed_at IS NULL ORDER BY first_seq", (desk_id,))


def open_gap(db, desk_id: str, first: int, last: int, at: str, by: str) -> None:
    db.execute(
        "INSERT INTO sync_gaps(desk_id, first_seq, last_seq, found_at, found_by) VALUES (?, ?, ?, ?, ?)",
        (desk_id, first, last, at, by),
    )


def close_gap(db, gap_id: int, at: str, by: str) -> None:
    db.execute("UPDATE sync_gaps SET closed_at = ?, closed_by = ? WHERE id = ?", (at, by, gap_id))


def record_import(db, row: dict) -> int:
    cols = list(row)
    cur = db.execute(
        f"INSERT INTO sync_imports({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [row[c] for c in cols],
    )
    return cur.lastrowid


def upsert_desk(db, desk_id: str, agency_code: str, desk_no: int, at: str) -> None:
    db.execute(
        "INSERT INTO sync_desks(desk_id, agency_code, desk_no, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(desk_id) DO UPDATE SET agency_code = excluded.agency_code, desk_no = excluded.desk_no, "
        "last_seen = excluded.last_seen",
        (desk_id, agency_code, desk_no, at, at),
    )


def hub_desk_rows(db) -> list[dict]:
    """Every desk heard from, with its events here and the highest seq (kept: :func:`keep_event_counts`)."""
    return _rows(
        db,
        "SELECT d.*, coalesce(c.events, 0) AS events, c.last_seq FROM sync_desks d"
        " LEFT JOIN hub_event_counts c ON c.desk_id = d.desk_id ORDER BY d.agency_code, d.desk_no, d.desk_id",
    )


def keep_event_counts(db, desk_id: str, events: int, last_seq: int) -> None:
    """``events`` more events of ``desk_id`` are here, up to ``last_seq`` at least (in their transaction)."""
    db.execute(
        "INSERT INTO hub_event_counts(desk_id, events, last_seq) VALUES (?, ?, ?) ON CONFLICT(desk_id) DO UPDATE"
        " SET events = events + excluded.events, last_seq = max(last_seq, excluded.last_seq)",
        (desk_id, events, last_seq),
    )


def recount_events(db) -> list[dict]:
    """Per desk heard from, its events and highest seq counted now (``desk verify`` against :func:`hub_desk_rows`)."""
    return _rows(
        db,
        "SELECT desk_id, count(*) AS events, max(seq) AS last_seq FROM events"
        " WHERE desk_id IN (SELECT desk_id FROM sync_desks) GROUP BY desk_id ORDER BY desk_id",
    )


def sync_desk_rows(db, desk_ids: list[str]) -> dict[str, dict]:
    """desk id → its row of ``sync_desks`` (agency, number, first and last seen), for these desks only."""
    if not desk_ids:
        return {}
    marks = ",".join("?" * len(desk_ids))
    return {r["desk_id"]: r for r in _rows(db, f"SELECT * FROM sync_desks WHERE desk_id IN ({marks})", list(desk_ids))}


def recent_imports(db, limit: int = 20) -> list[dict]:
    return _rows(db, "SELECT * FROM sync_imports ORDER BY id DESC LIMIT ?", (limit,))


def stored_request(db, key: str) -> dict | None:
    rows = _rows(db, "SELECT * FROM sync_requests WHERE idempotency_key = ?", (key,))
    return rows[0] if rows else None


def store_request(db, key: str, body_sha256: str, response: str, at: str) -> None:
    db.execute(
        "INSERT INTO sync_requests(idempotency_key, body_sha256, response, at) VALUES (?, ?, ?, ?)",
        (key, body_sha256, response, at),
    )


# --- a bundle being published (desk.sync.publish) ------------------------------


def generation(db) -> tuple[int, int]:
    """What an import's checks against this home's events and dossiers depend on: the last import recorded
    (each import or pushed batch that brought new events records one) and the publications under way."""
    row = db.execute(
        "SELECT (SELECT coalesce(max(id), 0) FROM sync_imports), (SELECT count(*) FROM sync_publishing)"
    ).fetchone()
    return row[0], row[1]


def publishing_rows(db) -> list[dict]:
    return _rows(db, "SELECT * FROM sync_publishing ORDER BY id")


def start_publishing(db, row: dict) -> int:
    cols = list(row)
    cur = db.execute(
        f"INSERT INTO sync_publishing({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [row[c] for c in cols],
    )
    return cur.lastrowid


def advance_publishing(db, pub_id: int, published: int, imported: int, dossiers: int) -> None:
    db.execute(
        "UPDATE sync_publishing SET published = ?, imported = imported + ?, dossiers = dossiers + ? WHERE id = ?",
        (published, imported, dossiers, pub_id),
    )


def end_publishing(db, pub_id: int) -> None:
    db.execute("DELETE FROM sync_publishing WHERE id = ?", (pub_id,))
