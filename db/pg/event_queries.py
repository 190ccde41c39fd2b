"""The hub's events on PostgreSQL: the month partitions of ``events`` (made on demand), inserting a batch
(its global keys into ``event_ids`` with ``ON CONFLICT DO NOTHING``, the new events by COPY), and reading them
(``db.sync_queries``' and ``db.queries``' twins)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import orjson
import psycopg

from db.pg.common import EVENT_COLUMNS, LIMIT, copy_rows, one, rows_of
from db.pg.connection import PgConn

# --- partitions ---------------------------------------------------------------------------------


def partition_name(month: date) -> str:
    return f"events_{month.year:04d}{month.month:02d}"


def ensure_partitions(db: PgConn, months: Iterable[date]) -> None:
    """Make the month partitions of ``events`` that are missing, each in a short transaction of its own on
    another connection (its lock on ``events`` is not held through the batch), under an advisory lock so
    that two workers make it once."""
    known = db.pool.partitions
    wanted = {m for m in months if partition_name(m) not in known}
    if not wanted:
        return
    with db.side() as side:
        for month in sorted(wanted):
            name = partition_name(month)
            end = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
            with side.conn.transaction():
                side.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (name,))
                if side.execute("SELECT to_regclass(%s)", (name,)).fetchone()[0] is None:
                    side.execute(
                        f"CREATE TABLE {name} PARTITION OF events FOR VALUES FROM ('{month.isoformat()}') "
                        f"TO ('{end.isoformat()}')"
                    )
            known.add(name)


# --- events ---------------------------------------------------------------------------------------


def insert_event_rows(db: PgConn, rows: Iterable[tuple], snapshots: Mapping[int, tuple] | None = None) -> int:
    """Insert events (tuples of EVENT_COLUMNS, the payload as text or its UTF-8); returns how many were new by
    event id (``ON CONFLICT DO NOTHING``: a caller that counted them new and gets fewer must refuse).

    ``snapshots``: seq → (the snapshot's dossier id, its status) of those events whose payload carries a
    snapshot (``desk.sync.checked_run.Run.snapshots``, read while the records check parsed them); without it each
    payload is parsed here. The server never parses a payload: the keys go into ``event_ids`` by COPY in a
    savepoint (about half the server's CPU of an ``INSERT … ON CONFLICT DO NOTHING RETURNING``), and only if
    one is known there already (its unique keys refuse it: a batch sent again, a race, a move resumed) by that
    one statement skipping the known ones; then the new events straight into their month partitions by COPY."""
    rows = [r if type(r[7]) is bytes else (*r[:7], _utf8(r[7]), *r[8:]) for r in rows]
    if not rows:
        return 0
    day_texts = [r[5][:10] for r in rows]
    day_of = {text: date.fromisoformat(text) for text in set(day_texts)}  # a batch's events fall on a few days
    ensure_partitions(db, {day.replace(day=1) for day in day_of.values()})
    days = [day_of[text] for text in day_texts]
    try:
        with db.conn.transaction():  # a savepoint: a known event id undoes the COPY alone
            copy_rows(
                db, "event_ids", _ID_COLUMNS, ((r[2], r[0], r[1], d, r[8], r[9]) for r, d in zip(rows, days)), _ID_TYPES
            )
    except psycopg.errors.UniqueViolation:
        fresh = _insert_new_ids(db, rows)
        if len(fresh) < len(rows):
            kept = [(r, d) for r, d in zip(rows, days) if r[2] in fresh]
            rows, days = [r for r, _ in kept], [d for _, d in kept]
    with_snapshot = _with_snapshots(rows, days, snapshots)
    copy_rows(
        db,
        "events",
        (*EVENT_COLUMNS, "at_day", "snapshot_id", "snapshot_status", "has_snapshot"),
        with_snapshot,
        _EVENT_TYPES,
    )
    _keep_latest(db, rows, [row[-1] for row in with_snapshot])
    return len(rows)


def _utf8(payload: str | bytes | memoryview) -> bytes:
    return payload.encode() if isinstance(payload, str) else bytes(payload)


def _with_snapshots(rows: list[tuple], days: list[date], snapshots: Mapping[int, tuple] | None) -> list[tuple]:
    """The rows of ``events``: each event's, its day, and (snapshot_id, snapshot_status, has_snapshot)."""
    return [(*r, d, *_snapshot_columns(r, snapshots)) for r, d in zip(rows, days)]


_ID_COLUMNS = ("event_id", "desk_id", "seq", "at_day", "prev_hash", "hash")
_ID_TYPES = ("text", "text", "int8", "date", "text", "text")


def _insert_new_ids(db: PgConn, rows: list[tuple]) -> set[str]:
    """The keys of ``rows`` into ``event_ids``, skipping those known there (by event id or by desk and seq): the
    event ids that were new."""
    return {
        r[0]
        for r in db.execute(
            "INSERT INTO event_ids(event_id, desk_id, seq, at_day, prev_hash, hash)"
            " SELECT * FROM unnest(%b::text[], %b::text[], %b::bigint[], %b::date[], %b::text[], %b::text[])"
            " ON CONFLICT DO NOTHING RETURNING event_id",
            (
                [r[2] for r in rows],
                [r[0] for r in rows],
                [r[1] for r in rows],
                [r[5][:10] for r in rows],
                [r[8] for r in rows],
                [r[9] for r in rows],
            ),
        ).fetchall()
    }


_EVENT_TYPES: tuple[str, ...] = ("text", "int8", "text", "text", "text", "text", "text", "bytea", "text", "text")
_EVENT_TYPES += ("date", "text", "text", "bool")
"""The types of a binary COPY of events: the payload as its UTF-8 bytes (checked as UTF-8 by the server)."""


def _keep_latest(db: PgConn, rows: list[tuple], has_snapshot: list[bool]) -> None:
    """``hub_latest_events`` of the dossiers of these new events (step 8 of ``db.pg.migrations``), in the
    transaction that writes them: per dossier and desk, the latest event and the latest carrying a snapshot,
    where these are later (by seq) than those already there (a bundle may fill a desk's gap afterwards)."""
    latest: dict[tuple[str, str], list] = {}  # (code, desk) → [seq, at, snapshot seq, snapshot at]
    for r, snap in zip(rows, has_snapshot):
        if not r[3]:
            continue
        kept = latest.get((r[3], r[0]))
        if kept is None:
            kept = latest[(r[3], r[0])] = [r[1], r[5], None, None]
        elif r[1] > kept[0]:
            kept[0], kept[1] = r[1], r[5]
        if snap and (kept[2] is None or r[1] > kept[2]):
            kept[2], kept[3] = r[1], r[5]
    if not latest:
        return
    keys = sorted(latest)  # in key order: two transactions take the rows' locks in one order
    db.execute(
        "INSERT INTO hub_latest_events AS h(dossier_code, desk_id, seq, at, snapshot_seq, snapshot_at)"
        " SELECT * FROM unnest(%b::text[], %b::text[], %b::bigint[], %b::text[], %b::bigint[], %b::text[])"
        " ON CONFLICT (dossier_code, desk_id) DO UPDATE SET"
        " seq = greatest(h.seq, excluded.seq),"
        " at = CASE WHEN excluded.seq > h.seq THEN excluded.at ELSE h.at END,"
        " snapshot_seq = greatest(h.snapshot_seq, excluded.snapshot_seq),"  # greatest() skips NULLs
        " snapshot_at = CASE WHEN h.snapshot_seq IS NULL OR excluded.snapshot_seq > h.snapshot_seq"
        "  THEN coalesce(excluded.snapshot_at, h.snapshot_at) ELSE h.snapshot_at END",
        (
            [k[0] for k in keys],
            [k[1] for k in keys],
            [latest[k][0] for k in keys],
            [latest[k][1] for k in keys],
            [latest[k][2] for k in keys],
            [latest[k][3] for k in keys],
        ),
    )


def _snapshot_columns(row: tuple, snapshots: Mapping[int, tuple] | None) -> tuple[str | None, str | None, bool]:
    """(snapshot_id, snapshot_status, has_snapshot) of an event row: its snapshot's dossier id and status."""
    if snapshots is not None:
        found = snapshots.get(row[1])
        return (None, None, False) if found is None else (_text(found[0]), _text(found[1]), True)
    dossier = orjson.loads(row[7]).get("dossier")
    if not isinstance(dossier, dict):
        return None, None, False
    return _text(dossier.get("id")), _text(dossier.get("status")), True


def _text(value: object) -> str | None:
    """A JSON value as ``#>>`` gives it: a string as it is, null as NULL, anything else as its JSON."""
    if value is None or isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


def insert_events(db: PgConn, rows: Iterable[dict]) -> int:
    return insert_event_rows(db, [tuple(r[c] for c in EVENT_COLUMNS) for r in rows])


def event_rows_between(db: PgConn, desk_id: str, first: int, last: int) -> dict[int, dict]:
    return {
        r["seq"]: r
        for r in rows_of(
            db,
            "SELECT seq, event_id, hash, prev_hash FROM event_ids WHERE desk_id = %s AND seq BETWEEN %s AND %s",
            (desk_id, first, last),
        )
    }


def event_ids_present(db: PgConn, event_ids: list[str]) -> dict[str, dict]:
    if not event_ids:
        return {}
    return {
        r["event_id"]: r
        for r in rows_of(
            db,
            "SELECT event_id, desk_id, seq, hash FROM event_ids WHERE event_id = ANY(%b::text[])",
            (list(event_ids),),
        )
    }


def _keys_cte(keys: list[tuple[str, int]]) -> tuple[str, tuple]:
    return (
        "k(desk_id, seq) AS (SELECT * FROM unnest(%b::text[], %b::bigint[]))",
        ([k[0] for k in keys], [k[1] for k in keys]),
    )


def event_payloads(db: PgConn, keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """(desk_id, seq) → payload text (found through ``event_ids``: the partition of its day)."""
    if not keys:
        return {}
    cte, params = _keys_cte(keys)
    return {
        (r[0], r[1]): r[2]
        for r in db.execute(
            f"WITH {cte}, x AS (SELECT i.desk_id, i.seq, i.at_day FROM k JOIN event_ids i USING (desk_id, seq)) "
            "SELECT e.desk_id, e.seq, e.payload FROM x JOIN events e"
            " ON e.desk_id = x.desk_id AND e.seq = x.seq AND e.at_day = x.at_day",
            params,
        )
    }


def _latest(db: PgConn, codes: list[str], snapshot: bool) -> list[dict]:
    """Per dossier of ``codes`` and desk, its latest event (``snapshot``: carrying a snapshot): seq and ``at``,
    as kept in ``hub_latest_events`` (one row each, where the events are in every month partition)."""
    if not codes:
        return []
    seq, at, where = ("snapshot_seq", "snapshot_at", " AND snapshot_seq IS NOT NULL") if snapshot else ("seq", "at", "")
    return rows_of(
        db,
        f"SELECT dossier_code, desk_id, {seq} AS seq, {at} AS at FROM hub_latest_events"
        f" WHERE dossier_code = ANY(%b::text[]){where} ORDER BY dossier_code, desk_id",
        (list(codes),),
    )


LATEST_RECOUNT = (
    "SELECT l.dossier_code, l.desk_id, l.seq, l.at, s.seq AS snapshot_seq, s.at AS snapshot_at"
    " FROM (SELECT DISTINCT ON (dossier_code, desk_id) dossier_code, desk_id, seq, at FROM events"
    "   WHERE dossier_code != '' ORDER BY dossier_code, desk_id, seq DESC) l"
    " LEFT JOIN (SELECT DISTINCT ON (dossier_code, desk_id) dossier_code, desk_id, seq, at FROM events"
    "   WHERE dossier_code != '' AND has_snapshot ORDER BY dossier_code, desk_id, seq DESC) s"
    " ON s.dossier_code = l.dossier_code AND s.desk_id = l.desk_id"
)
"""Each dossier's latest events per desk counted from the events (what ``hub_latest_events`` must hold)."""


def latest_event_differences(db: PgConn, limit: int = LIMIT) -> list[dict]:
    """Rows of ``hub_latest_events`` that differ from a recount of the events (``desk verify``): each with the
    kept values (``kept_*``, None where no row is kept) and the counted ones (None where no events are)."""
    return rows_of(
        db,
        "SELECT coalesce(k.dossier_code, c.dossier_code) AS dossier_code, coalesce(k.desk_id, c.desk_id) AS desk_id,"
        " k.seq AS kept_seq, k.snapshot_seq AS kept_snapshot_seq, c.seq AS counted_seq,"
        " c.snapshot_seq AS counted_snapshot_seq"
        f" FROM hub_latest_events k FULL JOIN ({LATEST_RECOUNT}) c"
        " ON c.dossier_code = k.dossier_code AND c.desk_id = k.desk_id"
        " WHERE (k.seq, k.at, k.snapshot_seq, k.snapshot_at) IS DISTINCT FROM (c.seq, c.at, c.snapshot_seq, c.snapshot_at)"
        " ORDER BY 1, 2 LIMIT %s",
        (limit,),
    )


def latest_events_per_desk(db: PgConn, codes: list[str]) -> list[dict]:
    return _latest(db, codes, False)


def latest_snapshot_events_per_desk(db: PgConn, codes: list[str]) -> list[dict]:
    return _latest(db, codes, True)


def event_head(db: PgConn, desk_id: str, seq: int | None = None) -> dict | None:
    if seq is None:
        return one(
            db,
            "SELECT i.seq, i.hash, e.at FROM event_ids i JOIN events e"
            " ON e.desk_id = i.desk_id AND e.seq = i.seq AND e.at_day = i.at_day"
            " WHERE i.desk_id = %s ORDER BY i.seq DESC LIMIT 1",
            (desk_id,),
        )
    return one(
        db,
        "SELECT i.seq, i.hash, e.at FROM event_ids i JOIN events e"
        " ON e.desk_id = i.desk_id AND e.seq = i.seq AND e.at_day = i.at_day WHERE i.desk_id = %s AND i.seq = %s",
        (desk_id, seq),
    )


def event_codes(db: PgConn, desk_id: str) -> list[str]:
    return [
        r[0]
        for r in db.execute(
            "SELECT max(dossier_code) FROM events WHERE desk_id = %s AND dossier_code != ''"
            " GROUP BY substr(dossier_code, 1, length(dossier_code) - 5)",
            (desk_id,),
        )
    ]


def desk_ids(db: PgConn) -> list[str]:
    return [r[0] for r in db.execute("SELECT DISTINCT desk_id FROM event_ids ORDER BY desk_id")]


def event_rows(db: PgConn, desk_id: str, *, after_seq: int = 0, limit: int = 1000) -> list[dict]:
    return rows_of(
        db,
        "SELECT desk_id, seq, event_id, dossier_code, type, at, clerk, payload, prev_hash, hash FROM events"
        " WHERE desk_id = %s AND seq > %s ORDER BY seq LIMIT %s",
        (desk_id, after_seq, limit),
    )


def count_events(db: PgConn, desk_id: str | None = None) -> int:
    if desk_id is None:
        return db.execute("SELECT count(*) FROM event_ids").fetchone()[0]
    return db.execute("SELECT count(*) FROM event_ids WHERE desk_id = %s", (desk_id,)).fetchone()[0]
