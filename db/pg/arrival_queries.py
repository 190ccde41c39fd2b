"""What arrived at the hub, on PostgreSQL: sync marks, the desks heard from, gaps, imports, push
idempotency records and ``meta`` (``db.sync_queries``' twins)."""

from __future__ import annotations

from db.pg.common import one, rows_of
from db.pg.connection import PgConn

# --- what arrived: marks, desks, gaps, imports, requests ------------------------------------------------


def add_mark(db: PgConn, desk_id: str, first: int, last: int, mark: str, at: str) -> None:
    db.execute(
        "INSERT INTO event_marks(desk_id, first_seq, last_seq, mark, at) VALUES (%s, %s, %s, %s, %s)",
        (desk_id, first, last, mark, at),
    )


def upsert_desk(db: PgConn, desk_id: str, agency_code: str, desk_no: int, at: str) -> None:
    db.execute(
        "INSERT INTO sync_desks(desk_id, agency_code, desk_no, first_seen, last_seen) VALUES (%s, %s, %s, %s, %s) "
        "ON CONFLICT(desk_id) DO UPDATE SET agency_code = excluded.agency_code, desk_no = excluded.desk_no, "
        "last_seen = excluded.last_seen",
        (desk_id, agency_code, desk_no, at, at),
    )


def hub_desk_rows(db: PgConn) -> list[dict]:
    """Every desk heard from, with its events here and the highest seq (kept: :func:`keep_event_counts`)."""
    return rows_of(
        db,
        "SELECT d.*, coalesce(c.events, 0) AS events, c.last_seq FROM sync_desks d"
        " LEFT JOIN hub_event_counts c ON c.desk_id = d.desk_id ORDER BY d.agency_code, d.desk_no, d.desk_id",
    )


def keep_event_counts(db: PgConn, desk_id: str, events: int, last_seq: int) -> None:
    """``events`` more events of ``desk_id`` are here, up to ``last_seq`` at least (in their transaction)."""
    db.execute(
        "INSERT INTO hub_event_counts(desk_id, events, last_seq) VALUES (%s, %s, %s) ON CONFLICT(desk_id) DO UPDATE"
        " SET events = hub_event_counts.events + excluded.events,"
        " last_seq = greatest(hub_event_counts.last_seq, excluded.last_seq)",
        (desk_id, events, last_seq),
    )


def recount_events(db: PgConn) -> list[dict]:
    """Per desk, its events and highest seq counted now (``desk verify`` against :func:`hub_desk_rows`)."""
    return rows_of(
        db, "SELECT desk_id, count(*) AS events, max(seq) AS last_seq FROM event_ids GROUP BY desk_id ORDER BY desk_id"
    )


def set_event_counts(db: PgConn) -> None:
    """Every desk's kept figures counted again (after ``desk hub migrate`` brought events in bulk)."""
    db.execute(
        "INSERT INTO hub_event_counts(desk_id, events, last_seq) SELECT desk_id, count(*), max(seq) FROM event_ids"
        " GROUP BY desk_id ON CONFLICT(desk_id) DO UPDATE SET events = excluded.events, last_seq = excluded.last_seq"
    )


def sync_desk_rows(db: PgConn, desk_ids: list[str]) -> dict[str, dict]:
    """desk id → its row of ``sync_desks``, for these desks only (``db.sync_queries.sync_desk_rows``)."""
    if not desk_ids:
        return {}
    return {
        r["desk_id"]: r
        for r in rows_of(db, "SELECT * FROM sync_desks WHERE desk_id = ANY(%b::text[])", (list(desk_ids),))
    }


def seq_gaps(db: PgConn, desk_id: str, around: tuple[int, int] | None = None) -> tuple[list[tuple[int, int]], int, int]:
    if around is None:
        start, end = 0, db.execute("SELECT max(seq) FROM event_ids WHERE desk_id = %s", (desk_id,)).fetchone()[0] or 0
    else:
        lo, hi = around
        start, end = db.execute(
            "SELECT (SELECT max(seq) FROM event_ids WHERE desk_id = %s AND seq < %s),"
            " (SELECT min(seq) FROM event_ids WHERE desk_id = %s AND seq > %s)",
            (desk_id, lo, desk_id, hi),
        ).fetchone()
        start, end = start or 0, end or hi
    gaps = [
        (r[0], r[1])
        for r in db.execute(
            "SELECT prev + 1, seq - 1 FROM ("
            "  SELECT seq, lag(seq, 1, %s::bigint) OVER (ORDER BY seq) AS prev FROM event_ids"
            "  WHERE desk_id = %s AND seq > %s AND seq <= %s"
            ") x WHERE seq > prev + 1 ORDER BY seq",
            (start, desk_id, start, end),
        )
    ]
    return gaps, start + 1, end


def open_gaps(db: PgConn, desk_id: str | None = None) -> list[dict]:
    if desk_id is None:
        return rows_of(db, "SELECT * FROM sync_gaps WHERE closed_at IS NULL ORDER BY desk_id, first_seq")
    return rows_of(
        db, "SELECT * FROM sync_gaps WHERE desk_id = %s AND closed_at IS NULL ORDER BY first_seq", (desk_id,)
    )


def open_gap(db: PgConn, desk_id: str, first: int, last: int, at: str, by: str) -> None:
    db.execute(
        "INSERT INTO sync_gaps(desk_id, first_seq, last_seq, found_at, found_by) VALUES (%s, %s, %s, %s, %s)",
        (desk_id, first, last, at, by),
    )


def close_gap(db: PgConn, gap_id: int, at: str, by: str) -> None:
    db.execute("UPDATE sync_gaps SET closed_at = %s, closed_by = %s WHERE id = %s", (at, by, gap_id))


def record_import(db: PgConn, row: dict) -> int:
    cols = list(row)
    return db.execute(
        f"INSERT INTO sync_imports({', '.join(cols)}) VALUES ({', '.join('%s' for _ in cols)}) RETURNING id",
        [row[c] for c in cols],
    ).fetchone()[0]


def recent_imports(db: PgConn, limit: int = 20) -> list[dict]:
    return rows_of(db, "SELECT * FROM sync_imports ORDER BY id DESC LIMIT %s", (limit,))


def stored_request(db: PgConn, key: str) -> dict | None:
    return one(db, "SELECT * FROM sync_requests WHERE idempotency_key = %s", (key,))


def store_request(db: PgConn, key: str, body_sha256: str, response: str, at: str) -> None:
    db.execute(
        "INSERT INTO sync_requests(idempotency_key, body_sha256, response, at) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT DO NOTHING",
        (key, body_sha256, response, at),
    )


def generation(db: PgConn) -> tuple[int, int]:
    """No staged publication on PostgreSQL (one transaction per bundle): never busy."""
    return 0, 0


def get_meta(db: PgConn, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = %s", (key,)).fetchone()
    return row[0] if row else None


def set_meta(db: PgConn, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO meta(key, value) VALUES (%s, %s) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
