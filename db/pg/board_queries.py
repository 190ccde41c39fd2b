"""The hub's board of desks on PostgreSQL: ``db.board_queries``' twins (the same names, arguments and answers).

The SQL is that of SQLite but for the date arithmetic (:func:`_days_from`), ``= ANY(array)`` for lists, and
no planner hint (PostgreSQL looks a person's dossiers up by ``dossiers_id_number`` itself). Desks run side by
side here, so :func:`flag_duplicates` flags again once its transaction committed: of two desks' batches
bringing one person's dossiers at once (neither seeing the other's before it commits), the later to commit
sees the other's dossier then. No lock is taken per person (a bundle of 20,000 dossiers would need 20,000).

That second pass survives the worker: the batch's transaction records its dossiers in
``hub_duplicate_rechecks``, the pass after the commit takes them out as it flags them (one transaction), and
what a worker dying in between left is finished by :func:`finish_rechecks` — by any worker's next batch once
it is :data:`RECHECK_GRACE_S` old (younger ones are a batch's own pass about to run), and by every worker as its
store opens (``desk.sync.store.pg_store``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from db.board_queries import _FLAG_COLUMNS, CHUNK, DESKS, DUPLICATE_DAYS
from db.pg.common import rows_of
from db.pg.connection import PgConn


def _days_from(column: str, days: int) -> str:
    """SQL for ``column`` (ISO text, local time) moved by ``days`` days, as ISO text again."""
    return f"to_char({column}::timestamp + interval '{days:+d} days', 'YYYY-MM-DD\"T\"HH24:MI:SS')"


# --- what the hub records at each push (desk.sync.hub_app) -------------------------------------


def record_contact(
    db: PgConn, desk_id: str, at: str, desk_clock: str | None, skew_seconds: int | None, declared_seq: int | None
) -> None:
    db.execute(
        "INSERT INTO hub_desk_contacts(desk_id, contact_at, desk_clock, skew_seconds, declared_seq)"
        " VALUES (%s, %s, %s, %s, %s)"
        " ON CONFLICT(desk_id) DO UPDATE SET contact_at = excluded.contact_at, desk_clock = excluded.desk_clock,"
        " skew_seconds = excluded.skew_seconds,"
        " declared_seq = CASE WHEN excluded.declared_seq IS NULL THEN hub_desk_contacts.declared_seq"
        "  WHEN hub_desk_contacts.declared_seq IS NULL OR excluded.declared_seq > hub_desk_contacts.declared_seq"
        "  THEN excluded.declared_seq ELSE hub_desk_contacts.declared_seq END",
        (desk_id, at, desk_clock, skew_seconds, declared_seq),
    )


def record_refusal(db: PgConn, desk_id: str, at: str, code: str, events: int) -> None:
    db.execute(
        "INSERT INTO hub_desk_contacts(desk_id, contact_at, refused_at, refused_code, refused_events)"
        " VALUES (%s, %s, %s, %s, %s)"
        " ON CONFLICT(desk_id) DO UPDATE SET refused_at = excluded.refused_at, refused_code = excluded.refused_code,"
        " refused_events = excluded.refused_events",
        (desk_id, at, at, code, events),
    )


# --- the board -------------------------------------------------------------------------------


def desk_position(db: PgConn, desk_id: str) -> tuple[str, int, str] | None:
    row = db.execute(f"SELECT agency_code, desk_no, desk_id FROM ({DESKS}) d WHERE desk_id = %s", (desk_id,)).fetchone()
    return (row[0], row[1], row[2]) if row else None


def count_desks(db: PgConn) -> int:
    return db.execute(f"SELECT count(*) FROM ({DESKS}) d").fetchone()[0]


def desk_page(db: PgConn, after: tuple[str, int, str], limit: int) -> list[dict]:
    return rows_of(
        db,
        "SELECT p.desk_id, p.agency_code, p.desk_no, e.agency_name, e.revoked_at, s.last_seen,"
        " c.contact_at, c.desk_clock, c.skew_seconds, c.declared_seq, c.refused_at, c.refused_code,"
        " c.refused_events,"
        " (SELECT max(v.seq) FROM event_ids v WHERE v.desk_id = p.desk_id) AS hub_seq,"
        " (SELECT count(*) FROM sync_gaps g WHERE g.desk_id = p.desk_id AND g.closed_at IS NULL) AS gaps,"
        " (SELECT coalesce(sum(g.last_seq - g.first_seq + 1), 0)::bigint FROM sync_gaps g"
        "   WHERE g.desk_id = p.desk_id AND g.closed_at IS NULL) AS gap_events,"
        " i.source AS last_source, i.at AS last_import_at"
        f" FROM (SELECT desk_id, agency_code, desk_no FROM ({DESKS}) d"
        "   WHERE (agency_code, desk_no, desk_id) > (%s, %s, %s)"
        "   ORDER BY agency_code, desk_no, desk_id LIMIT %s) p"
        " LEFT JOIN enrolled_desks e ON e.desk_id = p.desk_id"
        " LEFT JOIN sync_desks s ON s.desk_id = p.desk_id"
        " LEFT JOIN hub_desk_contacts c ON c.desk_id = p.desk_id"
        " LEFT JOIN LATERAL (SELECT i.source, i.at FROM sync_imports i WHERE i.desk_id = p.desk_id"
        "   ORDER BY i.id DESC LIMIT 1) i ON true"
        " ORDER BY p.agency_code, p.desk_no, p.desk_id",
        (*after, limit),
    )


def _duplicate_of(a: str, window_days: int) -> str:
    return (
        f"b.id_number = {a}.id_number AND b.procedure_code = {a}.procedure_code AND b.desk_id != {a}.desk_id"
        f" AND b.received_at BETWEEN {_days_from(f'{a}.received_at', -window_days)}"
        f" AND {_days_from(f'{a}.received_at', window_days)}"
    )


@contextlib.contextmanager
def by_index(db: PgConn) -> Iterator[None]:
    """The statements inside look rows up by index, whatever the planner's statistics say (none yet for the
    dossiers a batch of a new hub is writing: it would scan every dossier for each one), as SQLite's
    ``INDEXED BY`` does for ``db.board_queries``. Inside a transaction (:meth:`PgConn.by_index`: blocks one after
    the other share one ``SET``)."""
    with db.by_index():
        yield


def _flag_by_index(db: PgConn, codes: list[str]) -> None:
    """Record both ways the duplicates of the dossiers ``codes`` (each person looked up by ID number); inside
    :func:`by_index`."""
    # the dossiers written, then every dossier of their people (by ID number: never a range of every desk's
    # dossiers by date, which a planner without statistics would take), then the pairs among those
    db.execute(
        "WITH a AS MATERIALIZED (SELECT code, desk_id, desk_no, received_at, procedure_code, id_number FROM dossiers"
        "  WHERE code = ANY(%b::text[]) AND id_number != ''),"
        " b AS MATERIALIZED (SELECT code, desk_id, desk_no, received_at, procedure_code, id_number FROM dossiers"
        "  WHERE id_number IN (SELECT id_number FROM a)),"
        " p AS (SELECT a.code AS x, a.desk_id, a.desk_no, a.received_at, a.procedure_code, a.id_number,"
        "  b.code AS y, b.desk_id AS b_desk_id, b.desk_no AS b_desk_no, b.received_at AS b_received_at"
        f"  FROM a JOIN b ON {_duplicate_of('a', DUPLICATE_DAYS)})"
        f" INSERT INTO hub_duplicates({_FLAG_COLUMNS})"
        " SELECT x, desk_id, desk_no, received_at, procedure_code, id_number, y, b_desk_id, b_desk_no,"
        " b_received_at FROM p"
        " UNION ALL SELECT y, b_desk_id, b_desk_no, b_received_at, procedure_code, id_number, x, desk_id, desk_no,"
        " received_at FROM p"
        " ON CONFLICT (code, other_code) DO NOTHING",
        (codes,),
    )


RECHECK_GRACE_S = 60
"""How old a recorded second pass must be before another worker's batch does it (a batch's own runs at once)."""


def flag_duplicates(db: PgConn, codes: list[str]) -> None:
    """As ``db.board_queries.flag_duplicates``; and once the transaction committed, again (adding only): a
    dossier of the same person that another desk's transaction was writing at the same moment is seen then
    by the later of the two. The second pass is recorded in this transaction (``hub_duplicate_rechecks``) so
    that a worker dying before it leaves it to the others (:func:`finish_rechecks`)."""
    # all by index: the old flags by the keys of hub_duplicates, as those flagged (and what follows in write_rows:
    # the missing files, the QĐ 766 sums) — one SET for the whole run of statements (PgConn.by_index)
    for i in range(0, len(codes), CHUNK):
        part = list(codes[i : i + CHUNK])
        with by_index(db):
            db.execute(
                "DELETE FROM hub_duplicates WHERE code = ANY(%b::text[]) OR other_code = ANY(%b::text[])", (part, part)
            )
            _flag_by_index(db, part)
            db.execute(
                "INSERT INTO hub_duplicate_rechecks(code) SELECT unnest(%b::text[]) ON CONFLICT DO NOTHING", (part,)
            )
    if codes:
        second = next((step for step in db.after_commit if isinstance(step, _SecondPass)), None)
        if second is None:
            second = _SecondPass()
            db.after_commit.append(second)
        second.codes += codes


class _SecondPass:
    """A transaction's second pass once it committed (its dossiers still to re-check taken out and flagged:
    none left when another worker did them meanwhile), then the passes left long enough by a dying worker
    (:data:`RECHECK_GRACE_S`): in one transaction, by index once. If it fails, what it took out comes back
    (rolled back) for :func:`finish_rechecks`."""

    def __init__(self) -> None:
        self.codes: list[str] = []

    def __call__(self, db: PgConn) -> None:
        with by_index(db):
            for i in range(0, len(self.codes), CHUNK):
                _recheck(db, self.codes[i : i + CHUNK])
            _finish(db, RECHECK_GRACE_S, CHUNK)


def _recheck(db: PgConn, codes: list[str]) -> None:
    """A batch's second pass (by index already): its dossiers still to re-check taken out and flagged."""
    left = [
        r[0]
        for r in db.execute("DELETE FROM hub_duplicate_rechecks WHERE code = ANY(%b::text[]) RETURNING code", (codes,))
    ]
    if left:
        _flag_by_index(db, left)


def finish_rechecks(db: PgConn, *, older_than_s: float = 0, limit: int = CHUNK) -> int:
    """The second passes a dying worker left, recorded at least ``older_than_s`` seconds ago: up to ``limit``
    of them done (taken out and flagged; rows another worker is doing are skipped); how many. Inside a
    transaction."""
    with by_index(db):
        return _finish(db, older_than_s, limit)


def _finish(db: PgConn, older_than_s: float, limit: int) -> int:
    left = [
        r[0]
        for r in db.execute(
            "DELETE FROM hub_duplicate_rechecks WHERE code IN (SELECT code FROM hub_duplicate_rechecks"
            " WHERE queued_at <= now() - make_interval(secs => %s) ORDER BY queued_at LIMIT %s"
            " FOR UPDATE SKIP LOCKED) RETURNING code",
            (older_than_s, limit),
        )
    ]
    if left:
        _flag_by_index(db, left)
    return len(left)


def duplicate_counts(db: PgConn, desk_ids: list[str], since: str) -> dict[str, int]:
    if not desk_ids:
        return {}
    rows = db.execute(
        "SELECT desk_id, count(DISTINCT code) FROM hub_duplicates WHERE desk_id = ANY(%s::text[])"
        " AND received_at >= %s GROUP BY desk_id",
        (list(desk_ids), since),
    )
    return {desk_id: n for desk_id, n in rows}


def duplicate_pairs(db: PgConn, desk_ids: list[str], since: str, limit: int) -> list[dict]:
    if not desk_ids:
        return []
    return rows_of(
        db,
        f"SELECT {_FLAG_COLUMNS} FROM hub_duplicates WHERE desk_id = ANY(%s::text[]) AND received_at >= %s"
        " ORDER BY received_at DESC, code, other_code LIMIT %s",
        (list(desk_ids), since, limit),
    )


def files_missing(db: PgConn, desk_ids: list[str]) -> dict[str, int]:
    if not desk_ids:
        return {}
    rows = db.execute(
        "SELECT m.desk_id, count(DISTINCT m.sha256) FROM hub_missing_files m WHERE m.desk_id = ANY(%s::text[])"
        " AND NOT EXISTS (SELECT 1 FROM hub_files h WHERE h.sha256 = m.sha256) GROUP BY m.desk_id",
        (list(desk_ids),),
    )
    return {desk_id: n for desk_id, n in rows}
