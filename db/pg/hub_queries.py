"""The hub's queries on PostgreSQL: the same functions, arguments and answers as their SQLite twins
(``db.sync_queries``, ``db.hub_checks``, ``db.key_queries``, a few of ``db.queries``), so that the rules of
``desk.sync`` run unchanged on either store (``desk.sync.store.HubQueries`` lists them).

Each takes a :class:`db.pg.connection.PgConn`. Events go into the month partition of their day, made on
demand (:func:`ensure_partitions`); their global keys into ``event_ids`` with ``ON CONFLICT DO NOTHING``
(a row already there is not inserted twice; the caller learns how many were).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import orjson

from db.pg.connection import PgConn
from db.pg.registry_queries import (
    active_desk_by_number as active_desk_by_number,
)
from db.pg.registry_queries import (
    add_key as add_key,
)
from db.pg.registry_queries import (
    desk_keys as desk_keys,
)
from db.pg.registry_queries import (
    enrol_desk as enrol_desk,
)
from db.pg.registry_queries import (  # the registry, a module of its own; here for the store's one interface
    enrolled_desk as enrolled_desk,
)
from db.pg.registry_queries import (
    enrolled_desks as enrolled_desks,
)
from db.pg.registry_queries import (
    key_row as key_row,
)
from db.pg.registry_queries import (
    retire_key as retire_key,
)
from db.pg.registry_queries import (
    revoke_desk as revoke_desk,
)

LIMIT = 100

from db.queries import DOSSIER_COLUMNS, EVENT_COLUMNS, LINE_COLUMNS  # noqa: E402 (the same columns as SQLite)

SNAPSHOT_DOSSIER_COLUMNS = tuple(c for c in DOSSIER_COLUMNS if c != "applicant_folded")
SNAPSHOT_LINE_COLUMNS = tuple(c for c in LINE_COLUMNS if c != "dossier_id")


def _rows(db: PgConn, sql: str, params=()) -> list[dict]:
    cur = db.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _one(db: PgConn, sql: str, params=()) -> dict | None:
    rows = _rows(db, sql, params)
    return rows[0] if rows else None


# --- partitions ---------------------------------------------------------------------------------


def month_of(at: str) -> date:
    """The first day of the month of an event's ``at`` (ISO 8601, checked by the records check)."""
    return date(int(at[0:4]), int(at[5:7]), 1)


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
    snapshot (``desk.sync.ingest.Run.snapshots``, read while the records check parsed them); without it each
    payload is parsed here. The server never parses a payload: the keys go into ``event_ids`` in one
    statement (its unique keys decide which are new), then the new events straight into their month
    partitions by COPY."""
    rows = [(*r[:7], r[7] if isinstance(r[7], str) else bytes(r[7]).decode("utf-8"), *r[8:]) for r in rows]
    if not rows:
        return 0
    ensure_partitions(db, {month_of(r[5]) for r in rows})
    fresh = {
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
        )
    }
    if len(fresh) < len(rows):
        rows = [r for r in rows if r[2] in fresh]
    _copy(
        db,
        "events",
        (*EVENT_COLUMNS, "at_day", "snapshot_id", "snapshot_status", "has_snapshot"),
        ((*r, r[5][:10], *_snapshot_columns(r, snapshots)) for r in rows),
    )
    return len(rows)


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


def _copy(db: PgConn, table: str, columns, rows: Iterable[tuple]) -> None:
    with db.conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert_events(db: PgConn, rows: Iterable[dict]) -> int:
    return insert_event_rows(db, [tuple(r[c] for c in EVENT_COLUMNS) for r in rows])


def event_rows_between(db: PgConn, desk_id: str, first: int, last: int) -> dict[int, dict]:
    return {
        r["seq"]: r
        for r in _rows(
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
        for r in _rows(
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
    if not codes:
        return []
    where = " AND has_snapshot" if snapshot else ""
    return _rows(
        db,
        "SELECT DISTINCT ON (dossier_code, desk_id) dossier_code, desk_id, seq, at FROM events"
        f" WHERE dossier_code = ANY(%b::text[]){where} ORDER BY dossier_code, desk_id, seq DESC",
        (list(codes),),
    )


def latest_events_per_desk(db: PgConn, codes: list[str]) -> list[dict]:
    return _latest(db, codes, False)


def latest_snapshot_events_per_desk(db: PgConn, codes: list[str]) -> list[dict]:
    return _latest(db, codes, True)


def event_head(db: PgConn, desk_id: str, seq: int | None = None) -> dict | None:
    if seq is None:
        return _one(
            db,
            "SELECT i.seq, i.hash, e.at FROM event_ids i JOIN events e"
            " ON e.desk_id = i.desk_id AND e.seq = i.seq AND e.at_day = i.at_day"
            " WHERE i.desk_id = %s ORDER BY i.seq DESC LIMIT 1",
            (desk_id,),
        )
    return _one(
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
    return _rows(
        db,
        "SELECT desk_id, seq, event_id, dossier_code, type, at, clerk, payload, prev_hash, hash FROM events"
        " WHERE desk_id = %s AND seq > %s ORDER BY seq LIMIT %s",
        (desk_id, after_seq, limit),
    )


def count_events(db: PgConn, desk_id: str | None = None) -> int:
    if desk_id is None:
        return db.execute("SELECT count(*) FROM event_ids").fetchone()[0]
    return db.execute("SELECT count(*) FROM event_ids WHERE desk_id = %s", (desk_id,)).fetchone()[0]


# --- dossiers ---------------------------------------------------------------------------------------


def lock_dossiers(db: PgConn, codes: list[str]) -> None:
    """Lock the stored dossiers of these codes until the transaction ends (row locks, in code order): two
    desks' batches about one dossier rebuild it one after the other, the second seeing the first's events."""
    if codes:
        db.execute(
            "SELECT 1 FROM dossiers WHERE code = ANY(%b::text[]) ORDER BY code FOR UPDATE", (list(codes),)
        ).fetchall()


def dossier_ids_by_code(db: PgConn, codes: list[str]) -> dict[str, str]:
    if not codes:
        return {}
    return dict(db.execute("SELECT code, id FROM dossiers WHERE code = ANY(%b::text[])", (list(codes),)).fetchall())


def existing_dossier_ids(db: PgConn, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    return {r[0] for r in db.execute("SELECT id FROM dossiers WHERE id = ANY(%b::text[])", (list(ids),))}


def _insert_lines(db: PgConn, lines: list[tuple]) -> None:
    if lines:
        _copy(db, "component_lines", (*SNAPSHOT_LINE_COLUMNS, "dossier_id"), lines)


def insert_dossiers(db: PgConn, rows: list[tuple], lines: list[tuple]) -> None:
    """New dossiers (SNAPSHOT_DOSSIER_COLUMNS then ``applicant_folded``) and their lines
    (SNAPSHOT_LINE_COLUMNS then ``dossier_id``); COPY: the rules checked they are new."""
    if rows:
        _copy(db, "dossiers", (*SNAPSHOT_DOSSIER_COLUMNS, "applicant_folded"), rows)
    _insert_lines(db, lines)


def replace_dossier(db: PgConn, row: dict, lines: list[dict]) -> None:
    """A dossier's whole current state (rebuilt from an event's snapshot)."""
    sets = ", ".join(f"{c} = %s" for c in DOSSIER_COLUMNS if c != "id")
    cur = db.execute(
        f"UPDATE dossiers SET {sets} WHERE id = %s", [row[c] for c in DOSSIER_COLUMNS if c != "id"] + [row["id"]]
    )
    if cur.rowcount == 0:
        insert_dossiers(db, [tuple(row[c] for c in (*SNAPSHOT_DOSSIER_COLUMNS, "applicant_folded"))], [])
    else:
        db.execute("DELETE FROM component_lines WHERE dossier_id = %s", (row["id"],))
    _insert_lines(db, [(*(line[c] for c in SNAPSHOT_LINE_COLUMNS), row["id"]) for line in lines])


def dossier_row(db: PgConn, code: str) -> dict | None:
    return _one(db, "SELECT * FROM dossiers WHERE code = %s", (code,))


def dossier_lines(db: PgConn, dossier_id: str) -> list[dict]:
    return _rows(db, "SELECT * FROM component_lines WHERE dossier_id = %s ORDER BY position", (dossier_id,))


SYNC_MARK = (
    "coalesce((SELECT m.mark FROM event_marks m WHERE m.desk_id = e.desk_id AND e.seq BETWEEN m.first_seq"
    " AND m.last_seq ORDER BY m.mark NOT LIKE 'hub:%%', m.id LIMIT 1), '')"
)
"""An event's sync mark, as ``db.queries.SYNC_MARK`` ('' while none)."""


def events_for_dossier(db: PgConn, code: str) -> list[dict]:
    """The dossier's events (every desk's), each with ``synced``: its mark (``db.queries.events_for_dossier``)."""
    return _rows(
        db,
        f"SELECT {', '.join('e.' + c for c in EVENT_COLUMNS)}, {SYNC_MARK} AS synced FROM events e"
        " WHERE dossier_code = %s ORDER BY at, desk_id, seq",
        (code,),
    )


def search_dossiers(db: PgConn, folded: str, digits: str, limit: int = 50) -> list[dict]:
    """Dossiers of every desk whose code or ID number or phone is ``digits``/the text, or whose folded
    applicant name starts with ``folded``; newest first."""
    return _rows(
        db,
        "SELECT * FROM dossiers WHERE code = %s OR (%s != '' AND (id_number = %s OR phone = %s))"
        " OR (%s != '' AND applicant_folded LIKE %s) ORDER BY received_at DESC, code LIMIT %s",
        (folded.upper(), digits, digits, digits, folded, folded.replace("%", "").replace("_", "") + "%", limit),
    )


def count_dossiers(db: PgConn) -> int:
    return db.execute("SELECT count(*) FROM dossiers").fetchone()[0]


# --- checks (db.hub_checks) ---------------------------------------------------------------------------


def identity_conflicts(db: PgConn, identities: list[tuple[str, str, str]]) -> list[dict]:
    if not identities:
        return []
    return _rows(
        db,
        "WITH s(id, code, desk_id) AS (SELECT * FROM unnest(%b::text[], %b::text[], %b::text[])) "
        "(SELECT s.id, s.code, s.desk_id, d.id AS other_id, d.code AS other_code, d.desk_id AS other_desk_id "
        "FROM s JOIN dossiers d ON d.id = s.id WHERE d.code != s.code OR d.desk_id != s.desk_id "
        "UNION ALL "
        "SELECT s.id, s.code, s.desk_id, d.id, d.code, d.desk_id FROM s JOIN dossiers d ON d.code = s.code "
        f"WHERE d.id != s.id) LIMIT {LIMIT}",
        ([i[0] for i in identities], [i[1] for i in identities], [i[2] for i in identities]),
    )


def chain_complete_below(db: PgConn, desk_id: str, seq: int) -> bool:
    first, last, gaps = db.execute(
        "SELECT (SELECT min(seq) FROM event_ids WHERE desk_id = %s), (SELECT max(seq) FROM event_ids WHERE desk_id = %s),"
        " (SELECT count(*) FROM sync_gaps WHERE desk_id = %s AND closed_at IS NULL)",
        (desk_id, desk_id, desk_id),
    ).fetchone()
    return (last or 0) == seq - 1 and first in (None, 1) and gaps == 0


def status_mismatches(db: PgConn, desk_id: str, entries: list[tuple[str, str]]) -> list[dict]:
    if not entries:
        return []
    return _rows(
        db,
        "WITH c(code, expected) AS (SELECT * FROM unnest(%b::text[], %b::text[])) "
        "SELECT c.code, c.expected, l.status FROM c LEFT JOIN LATERAL ("
        "  SELECT e.snapshot_status AS status FROM events e WHERE e.dossier_code = c.code AND e.desk_id = %s"
        "  AND e.has_snapshot ORDER BY e.seq DESC LIMIT 1) l ON true "
        f"WHERE l.status IS DISTINCT FROM c.expected LIMIT {LIMIT}",
        ([e[0] for e in entries], [e[1] for e in entries], desk_id),
    )


def events_without_dossier(db: PgConn, limit: int = LIMIT) -> list[dict]:
    return _rows(
        db,
        "SELECT e.desk_id, e.seq, e.dossier_code FROM events e WHERE e.dossier_code != ''"
        " AND NOT EXISTS (SELECT 1 FROM dossiers d WHERE d.code = e.dossier_code) ORDER BY e.desk_id, e.seq LIMIT %s",
        (limit,),
    )


def events_of_another_dossier(db: PgConn, limit: int = LIMIT) -> list[dict]:
    return _rows(
        db,
        "SELECT e.desk_id, e.seq, e.dossier_code, e.snapshot_id, d.id AS dossier_id FROM events e"
        " JOIN dossiers d ON d.code = e.dossier_code WHERE e.dossier_code != '' AND e.snapshot_id IS NOT NULL"
        " AND e.snapshot_id != d.id ORDER BY e.desk_id, e.seq LIMIT %s",
        (limit,),
    )


def dossiers_without_their_desk(db: PgConn, limit: int = LIMIT) -> list[dict]:
    return _rows(
        db,
        "SELECT d.id, d.code, d.desk_id FROM dossiers d"
        " WHERE EXISTS (SELECT 1 FROM events e WHERE e.dossier_code = d.code)"
        " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.dossier_code = d.code AND e.desk_id = d.desk_id)"
        " ORDER BY d.code LIMIT %s",
        (limit,),
    )


def dossier_codes_without_events(db: PgConn, limit: int = LIMIT) -> list[str]:
    return [
        r[0]
        for r in db.execute(
            "SELECT code FROM dossiers d WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.dossier_code = d.code)"
            " LIMIT %s",
            (limit,),
        )
    ]


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
    return _rows(
        db,
        "SELECT d.*, (SELECT count(*) FROM event_ids e WHERE e.desk_id = d.desk_id) AS events, "
        "(SELECT max(seq) FROM event_ids e WHERE e.desk_id = d.desk_id) AS last_seq "
        "FROM sync_desks d ORDER BY d.agency_code, d.desk_no, d.desk_id",
    )


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


def sync_desk_rows(db: PgConn, desk_ids: list[str]) -> dict[str, dict]:
    if not desk_ids:
        return {}
    return {
        r["desk_id"]: r
        for r in _rows(db, "SELECT * FROM sync_desks WHERE desk_id = ANY(%b::text[])", (list(desk_ids),))
    }


def open_gaps(db: PgConn, desk_id: str | None = None) -> list[dict]:
    if desk_id is None:
        return _rows(db, "SELECT * FROM sync_gaps WHERE closed_at IS NULL ORDER BY desk_id, first_seq")
    return _rows(db, "SELECT * FROM sync_gaps WHERE desk_id = %s AND closed_at IS NULL ORDER BY first_seq", (desk_id,))


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
    return _rows(db, "SELECT * FROM sync_imports ORDER BY id DESC LIMIT %s", (limit,))


def stored_request(db: PgConn, key: str) -> dict | None:
    return _one(db, "SELECT * FROM sync_requests WHERE idempotency_key = %s", (key,))


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
