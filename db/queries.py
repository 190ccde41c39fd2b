"""Queries returning plain data (dicts and tuples); the core turns them into models."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from db.connection import Database

DOSSIER_COLUMNS = (
    "id code desk_id desk_no procedure_code procedure_name applicant_kind applicant_name "
    "applicant_folded id_number id_kind birth_date sex phone email address channel delivery "
    "sets received_at due_at status register_book register_line clerk notes paused_at "
    "finished_at returned_at collected_by satisfaction updated_at"
).split()

LINE_COLUMNS = (
    "dossier_id position code name form quantity received required must_digitise digitisation "
    "reuse_source file_path file_sha256 file_bytes file_pages note"
).split()

EVENT_COLUMNS = "desk_id seq event_id dossier_code type at clerk payload prev_hash hash".split()

# statuses whose processing clock runs (see desk.dossier.query.RUNNING)
OPEN_STATUSES = ("received", "transferred")


def _rows(db: Database, sql: str, params=()) -> list[dict]:
    cur = db.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


# --- procedures -------------------------------------------------------------


def upsert_procedure(db, row: dict) -> None:
    db.execute(
        "INSERT INTO procedures(code, name, name_folded, field, data, imported_at) VALUES (?,?,?,?,?,?) "
        "ON CONFLICT(code) DO UPDATE SET name=excluded.name, name_folded=excluded.name_folded, "
        "field=excluded.field, data=excluded.data, imported_at=excluded.imported_at",
        (row["code"], row["name"], row["name_folded"], row["field"], row["data"], row["imported_at"]),
    )


def procedure_rows(db) -> list[dict]:
    return _rows(db, "SELECT * FROM procedures ORDER BY code")


def procedure_row(db, code: str) -> dict | None:
    rows = _rows(db, "SELECT * FROM procedures WHERE code = ?", (code,))
    return rows[0] if rows else None


# --- dossiers ---------------------------------------------------------------


def insert_dossier(db, row: dict, lines: list[dict]) -> None:
    cols = ", ".join(DOSSIER_COLUMNS)
    marks = ", ".join("?" for _ in DOSSIER_COLUMNS)
    db.execute(f"INSERT INTO dossiers({cols}) VALUES ({marks})", [row[c] for c in DOSSIER_COLUMNS])
    replace_lines(db, row["id"], lines)


def replace_dossier(db, row: dict, lines: list[dict]) -> None:
    """Write a dossier's whole current state (used when rebuilding from events)."""
    sets = ", ".join(f"{c} = ?" for c in DOSSIER_COLUMNS if c != "id")
    cur = db.execute(
        f"UPDATE dossiers SET {sets} WHERE id = ?", [row[c] for c in DOSSIER_COLUMNS if c != "id"] + [row["id"]]
    )
    if cur.rowcount == 0:
        insert_dossier(db, row, lines)
        return
    replace_lines(db, row["id"], lines)


def replace_lines(db, dossier_id: str, lines: list[dict]) -> None:
    db.execute("DELETE FROM component_lines WHERE dossier_id = ?", (dossier_id,))
    if not lines:
        return
    cols = ", ".join(LINE_COLUMNS)
    marks = ", ".join("?" for _ in LINE_COLUMNS)
    db.conn.executemany(
        f"INSERT INTO component_lines({cols}) VALUES ({marks})",
        [[dict(line, dossier_id=dossier_id)[c] for c in LINE_COLUMNS] for line in lines],
    )


def update_dossier_fields(db, dossier_id: str, fields: dict) -> None:
    unknown = set(fields) - set(DOSSIER_COLUMNS)
    if unknown:
        raise ValueError(f"unknown dossier columns {sorted(unknown)}")
    sets = ", ".join(f"{c} = ?" for c in fields)
    db.execute(f"UPDATE dossiers SET {sets} WHERE id = ?", [*fields.values(), dossier_id])


def update_line(db, line_id: int, fields: dict) -> None:
    unknown = set(fields) - set(LINE_COLUMNS)
    if unknown:
        raise ValueError(f"unknown component line columns {sorted(unknown)}")
    sets = ", ".join(f"{c} = ?" for c in fields)
    db.execute(f"UPDATE component_lines SET {sets} WHERE id = ?", [*fields.values(), line_id])


def dossier_row(db, code: str) -> dict | None:
    rows = _rows(db, "SELECT * FROM dossiers WHERE code = ?", (code,))
    return rows[0] if rows else None


def line_rows(db, dossier_id: str) -> list[dict]:
    return _rows(db, "SELECT * FROM component_lines WHERE dossier_id = ? ORDER BY position", (dossier_id,))


def lines_for(db, dossier_ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {i: [] for i in dossier_ids}
    if not dossier_ids:
        return out
    marks = ", ".join("?" for _ in dossier_ids)
    for row in _rows(
        db, f"SELECT * FROM component_lines WHERE dossier_id IN ({marks}) ORDER BY dossier_id, position", dossier_ids
    ):
        out[row["dossier_id"]].append(row)
    return out


def fts_query(folded: str) -> str | None:
    """An FTS5 query matching every token of already-folded text as a prefix."""
    tokens = re.findall(r"\w+", folded)
    if not tokens:
        return None
    return " ".join(f'"{t}"*' for t in tokens[:12])


DIGITS_RE = re.compile(r"[0-9]{4,}")
ANY_DIGIT_RE = re.compile(r"[0-9]")


def search_rows(db, folded: str, *, limit: int = 50, offset: int = 0) -> list[dict]:
    """Dossiers matching folded text on code, name, ID number or phone; newest first.

    FTS5 walks its rowids backwards for ``ORDER BY rowid DESC``, so a common name
    among a million dossiers still answers in milliseconds; words without digits
    are looked up in ``dossiers_words`` (migration m006), whose prefix indexes
    spare FTS5 expanding each prefix typed. A run of 4 or more
    digits also looks inside phones and ID numbers (the trigram index
    ``dossiers_digits``): both indexes give their newest ``offset + limit``
    and stop there; the page is taken from the two merged.
    """
    q = fts_query(folded)
    if q is None:
        return []
    if not DIGITS_RE.fullmatch(folded):
        # words without digits cannot be (the start of) an all-digit word: the index of prefixes answers them
        table = "dossiers_fts" if ANY_DIGIT_RE.search(q) else "dossiers_words"
        return _rows(
            db,
            f"SELECT d.* FROM dossiers d JOIN (SELECT rowid FROM {table} WHERE {table} MATCH ? "
            "ORDER BY rowid DESC LIMIT ? OFFSET ?) f ON d.rowid = f.rowid ORDER BY d.rowid DESC",
            (q, limit, offset),
        )
    want = offset + limit
    found: set[int] = set()
    for table, match in (("dossiers_fts", q), ("dossiers_digits", f'"{folded}"')):
        found.update(
            r
            for (r,) in db.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT ?", (match, want)
            )
        )
    page = sorted(found, reverse=True)[offset:want]
    if not page:
        return []
    marks = ", ".join("?" for _ in page)
    return _rows(db, f"SELECT * FROM dossiers WHERE rowid IN ({marks}) ORDER BY rowid DESC", page)


def dossiers_received_between(db, start: str, end: str, *, limit: int = 100, offset: int = 0) -> list[dict]:
    return _rows(
        db,
        "SELECT * FROM dossiers WHERE received_at >= ? AND received_at < ? ORDER BY received_at DESC, code DESC "
        "LIMIT ? OFFSET ?",
        (start, end, limit, offset),
    )


def count_received_between(db, start: str, end: str) -> int:
    return db.execute(
        "SELECT count(*) FROM dossiers WHERE received_at >= ? AND received_at < ?", (start, end)
    ).fetchone()[0]


def open_dossiers_due_before(db, moment: str, *, limit: int = 100, offset: int = 0) -> list[dict]:
    marks = ", ".join("?" for _ in OPEN_STATUSES)
    return _rows(
        db,
        f"SELECT * FROM dossiers WHERE status IN ({marks}) AND due_at IS NOT NULL AND due_at < ? "
        "ORDER BY due_at DESC LIMIT ? OFFSET ?",
        (*OPEN_STATUSES, moment, limit, offset),
    )


def count_open_due_between(db, start: str | None, end: str) -> int:
    marks = ", ".join("?" for _ in OPEN_STATUSES)
    sql = f"SELECT count(*) FROM dossiers WHERE status IN ({marks}) AND due_at IS NOT NULL AND due_at < ?"
    params: list = [*OPEN_STATUSES, end]
    if start is not None:
        sql += " AND due_at >= ?"
        params.append(start)
    return db.execute(sql, params).fetchone()[0]


# statuses after which a dossier is no longer open at the desk
CLOSED_STATUSES = ("returned", "refused", "withdrawn", "stopped")


def open_same_day(db, desk_id: str, id_number: str, procedure_code: str, start: str, end: str) -> list[str]:
    """Codes of this desk's open dossiers of one procedure and one ID number received in [start, end).

    Answered through the index on ``id_number`` (one applicant's few dossiers), never a scan.
    """
    marks = ", ".join("?" for _ in CLOSED_STATUSES)
    return [
        r[0]
        for r in db.execute(
            "SELECT code FROM dossiers INDEXED BY dossiers_id_number WHERE id_number = ? AND procedure_code = ? "
            f"AND desk_id = ? AND received_at >= ? AND received_at < ? AND status NOT IN ({marks}) "
            "ORDER BY received_at, code",
            (id_number, procedure_code, desk_id, start, end, *CLOSED_STATUSES),
        )
    ]


# --- codes and counters -----------------------------------------------------


def next_counter(db, agency_code: str, day: str, desk_no: int) -> int:
    """Increment and return the day's counter of this desk (inside the caller's transaction)."""
    row = db.execute(
        "INSERT INTO code_counters(agency_code, day, desk_no, last) VALUES (?, ?, ?, 1) "
        "ON CONFLICT(agency_code, day, desk_no) DO UPDATE SET last = last + 1 RETURNING last",
        (agency_code, day, desk_no),
    ).fetchone()
    return row[0]


def next_register_line(db, book: str, year: int) -> int:
    row = db.execute(
        "INSERT INTO register_counters(book, year, last) VALUES (?, ?, 1) "
        "ON CONFLICT(book, year) DO UPDATE SET last = last + 1 RETURNING last",
        (book, year),
    ).fetchone()
    return row[0]


def code_exists(db, code: str) -> bool:
    return db.execute("SELECT 1 FROM dossiers WHERE code = ?", (code,)).fetchone() is not None


# --- events -----------------------------------------------------------------


def last_event(db, desk_id: str) -> dict | None:
    rows = _rows(db, "SELECT * FROM events WHERE desk_id = ? ORDER BY seq DESC LIMIT 1", (desk_id,))
    return rows[0] if rows else None


def insert_event(db, row: dict) -> None:
    """Store one of this desk's own events; it waits in ``pending_events`` until exported or pushed."""
    cols = ", ".join(EVENT_COLUMNS)
    marks = ", ".join("?" for _ in EVENT_COLUMNS)
    db.execute(f"INSERT INTO events({cols}) VALUES ({marks})", [row[c] for c in EVENT_COLUMNS])
    db.execute(
        "INSERT INTO pending_events(desk_id, seq, dossier_code) VALUES (?, ?, ?)",
        (row["desk_id"], row["seq"], row["dossier_code"]),
    )


def event_rows(db, desk_id: str, *, after_seq: int = 0, limit: int = 1000) -> list[dict]:
    return _rows(
        db, "SELECT * FROM events WHERE desk_id = ? AND seq > ? ORDER BY seq LIMIT ?", (desk_id, after_seq, limit)
    )


# the mark of event ``e``: the first hub acknowledgement of it, else the first bundle (or import) that held it
SYNC_MARK = (
    "coalesce((SELECT m.mark FROM event_marks m WHERE m.desk_id = e.desk_id AND e.seq BETWEEN m.first_seq"
    " AND m.last_seq ORDER BY m.mark NOT LIKE 'hub:%', m.id LIMIT 1), '')"
)


def events_for_dossier(db, code: str) -> list[dict]:
    """The dossier's events, each with ``synced``: its sync mark (see :data:`SYNC_MARK`), '' while pending."""
    return _rows(
        db, f"SELECT e.*, {SYNC_MARK} AS synced FROM events e WHERE dossier_code = ? ORDER BY at, desk_id, seq", (code,)
    )


def sync_marks(db, desk_id: str) -> dict[int, str]:
    """seq → sync mark of each of a desk's events ('' while pending)."""
    return {
        seq: mark
        for seq, mark in db.execute(
            f"SELECT e.seq, {SYNC_MARK} FROM events e WHERE e.desk_id = ? ORDER BY e.seq", (desk_id,)
        )
    }


def desk_ids(db) -> list[str]:
    return [r[0] for r in db.execute("SELECT DISTINCT desk_id FROM events ORDER BY desk_id")]


def count_unsynced(db, desk_id: str) -> int:
    return db.execute("SELECT count(*) FROM pending_events WHERE desk_id = ?", (desk_id,)).fetchone()[0]


def dossier_codes_without_events(db, limit: int = 100) -> list[str]:
    return [
        r[0]
        for r in db.execute(
            "SELECT code FROM dossiers d WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.dossier_code = d.code) "
            "LIMIT ?",
            (limit,),
        )
    ]


# --- meta -------------------------------------------------------------------


def get_meta(db, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(db, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value)
    )


def delete_meta(db, key: str) -> None:
    db.execute("DELETE FROM meta WHERE key = ?", (key,))


def raise_counter(db, agency_code: str, day: str, desk_no: int, at_least: int) -> None:
    """Make the day's code counter of this desk at least ``at_least`` (the next code comes after it)."""
    db.execute(
        "INSERT INTO code_counters(agency_code, day, desk_no, last) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(agency_code, day, desk_no) DO UPDATE SET last = max(last, excluded.last)",
        (agency_code, day, desk_no, at_least),
    )


def event_codes(db, desk_id: str) -> list[str]:
    """The highest dossier code of each day among a desk's events (codes sort by day, then number)."""
    return [
        r[0]
        for r in db.execute(
            "SELECT max(dossier_code) FROM events WHERE desk_id = ? AND dossier_code != '' "
            "GROUP BY substr(dossier_code, 1, length(dossier_code) - 5)",
            (desk_id,),
        )
    ]


def event_head(db, desk_id: str, seq: int | None = None) -> dict | None:
    """A desk's last event (or the one at ``seq``): its seq, hash and time."""
    if seq is None:
        rows = _rows(db, "SELECT seq, hash, at FROM events WHERE desk_id = ? ORDER BY seq DESC LIMIT 1", (desk_id,))
    else:
        rows = _rows(db, "SELECT seq, hash, at FROM events WHERE desk_id = ? AND seq = ?", (desk_id, seq))
    return rows[0] if rows else None


def catch_ups(
    db, codes: list[str] | None = None, *, limit: int | None = 1000, between: tuple[str, str] | None = None
) -> list[dict]:
    """The catch-up records of dossiers entered after they were received (their ``dossier.received`` event's
    ``catch_up``): ``{code, claimed_at, entered_at, reason}``, of ``codes``; or, with ``between`` (two ISO
    dates, inclusive), all those claimed or entered on those days; or else the first ``limit`` (None: all)."""
    select = (
        "SELECT dossier_code AS code, json_extract(payload, '$.catch_up.claimed_at') AS claimed_at, "
        "json_extract(payload, '$.catch_up.entered_at') AS entered_at, "
        "json_extract(payload, '$.catch_up.reason') AS reason FROM events "
        "WHERE type = 'dossier.received' AND json_extract(payload, '$.catch_up') IS NOT NULL"
    )
    if between is not None:
        first, last = between
        return _rows(
            db,
            f"SELECT * FROM ({select}) WHERE substr(claimed_at, 1, 10) BETWEEN ? AND ? "
            "OR substr(entered_at, 1, 10) BETWEEN ? AND ?",
            (first, last, first, last),
        )
    if codes is None:
        return _rows(db, select + " ORDER BY desk_id, seq LIMIT ?", (-1 if limit is None else limit,))
    found: list[dict] = []
    for i in range(0, len(codes), 500):
        chunk = codes[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        found += _rows(db, f"{select} AND dossier_code IN ({marks})", chunk)
    return found
