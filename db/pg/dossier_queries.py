"""The hub's dossiers on PostgreSQL (each one's current state, rebuilt from snapshots) and the checks over
dossiers and events (``db.hub_checks``' twins)."""

from __future__ import annotations

from psycopg.errors import ForeignKeyViolation

from db.pg.common import (
    DOSSIER_COLUMNS,
    EVENT_COLUMNS,
    LIMIT,
    SNAPSHOT_DOSSIER_COLUMNS,
    SNAPSHOT_LINE_COLUMNS,
    copy_rows,
    one,
    rows_of,
)
from db.pg.connection import PgConn

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


LINES_OF_NOTE = "file_path <> '' OR digitisation IN ('reused_store', 'reused_dossier')"
"""The component lines that carry a file or were reused: all that the files missing at the hub
(``db.pg.file_queries.note_missing_files``) and the QĐ 766 facts' scan and reuse bits (``db.pg.indicator_sums``)
read of a dossier's lines, through the partial index ``component_lines_of_note`` (step 9 of ``db.pg.migrations``):
a dossier whose lines are all plain paper costs them one page of a small index, not its lines by the primary key."""

_INTEGER = {"desk_no", "sets", "register_line", "position", "quantity", "received", "required", "must_digitise"}
_INTEGER |= {"file_pages"}
_BIGINT = {"file_bytes"}


def _copy_type(column: str) -> str:
    return "int8" if column in _BIGINT else "int4" if column in _INTEGER else "text"


_DOSSIER_COPY = (*SNAPSHOT_DOSSIER_COLUMNS, "applicant_folded")
_LINE_COPY = (*SNAPSHOT_LINE_COLUMNS, "dossier_id")
_DOSSIER_TYPES = tuple(map(_copy_type, _DOSSIER_COPY))
_LINE_TYPES = tuple(map(_copy_type, _LINE_COPY))
"""The columns' types, for a binary COPY: their values are as the records check let them in (texts str,
numbers int: ``desk.sync.records``), as the schema has them."""


def _insert_lines(db: PgConn, lines: list[tuple], written: set[str]) -> None:
    """The lines (``dossier_id`` last) of the dossiers ``written`` just now in this transaction, and of no other:
    ``component_lines`` has no foreign key (step 9 of ``db.pg.migrations``: its trigger checked each line by a
    query of its own), this is where the guarantee is kept, and ``desk verify`` recounts it
    (:func:`lines_without_dossier`)."""
    if not lines:
        return
    strays = {line[-1] for line in lines} - written
    if strays:
        raise ForeignKeyViolation(f"component lines of dossiers not written with them: {sorted(strays)[:5]}")
    copy_rows(db, "component_lines", _LINE_COPY, lines, _LINE_TYPES)


def insert_dossiers(db: PgConn, rows: list[tuple], lines: list[tuple]) -> None:
    """New dossiers (SNAPSHOT_DOSSIER_COLUMNS then ``applicant_folded``) and their lines
    (SNAPSHOT_LINE_COLUMNS then ``dossier_id``: of these dossiers only); COPY (binary): the rules checked they
    are new."""
    if rows:
        copy_rows(db, "dossiers", _DOSSIER_COPY, rows, _DOSSIER_TYPES)
    _insert_lines(db, lines, {r[0] for r in rows})


def _array_type(column: str) -> str:
    return "bigint[]" if column in _BIGINT else "integer[]" if column in _INTEGER else "text[]"


def replace_dossiers(db: PgConn, rows: list[tuple], lines: list[tuple]) -> None:
    """Dossiers already stored, their whole current state (rebuilt from snapshots) in one UPDATE, their lines
    deleted and written again in one DELETE and one COPY: the shapes of :func:`insert_dossiers` (a row
    vanished meanwhile is inserted)."""
    if not rows:
        return
    columns = (*SNAPSHOT_DOSSIER_COLUMNS, "applicant_folded")
    rows = sorted(rows, key=lambda r: r[0])  # by id: the order the row locks are taken in
    sets = ", ".join(f"{c} = v.{c}" for c in columns if c != "id")
    arrays = ", ".join(f"%s::{_array_type(c)}" for c in columns)
    updated = {
        r[0]
        for r in db.execute(
            f"UPDATE dossiers d SET {sets} FROM unnest({arrays}) AS v({', '.join(columns)})"
            " WHERE d.id = v.id RETURNING d.id",
            [[r[i] for r in rows] for i in range(len(columns))],
        )
    }
    ids = [r[0] for r in rows]
    db.execute("DELETE FROM component_lines WHERE dossier_id = ANY(%b::text[])", (ids,))
    insert_dossiers(db, [r for r in rows if r[0] not in updated], [])
    _insert_lines(db, lines, set(ids))


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
    _insert_lines(db, [(*(line[c] for c in SNAPSHOT_LINE_COLUMNS), row["id"]) for line in lines], {row["id"]})


def dossier_row(db: PgConn, code: str) -> dict | None:
    return one(db, "SELECT * FROM dossiers WHERE code = %s", (code,))


def dossier_lines(db: PgConn, dossier_id: str) -> list[dict]:
    return rows_of(db, "SELECT * FROM component_lines WHERE dossier_id = %s ORDER BY position", (dossier_id,))


SYNC_MARK = (
    "coalesce((SELECT m.mark FROM event_marks m WHERE m.desk_id = e.desk_id AND e.seq BETWEEN m.first_seq"
    " AND m.last_seq ORDER BY m.mark NOT LIKE 'hub:%%', m.id LIMIT 1), '')"
)
"""An event's sync mark, as ``db.queries.SYNC_MARK`` ('' while none)."""


def events_for_dossier(db: PgConn, code: str) -> list[dict]:
    """The dossier's events (every desk's), each with ``synced``: its mark (``db.queries.events_for_dossier``)."""
    return rows_of(
        db,
        f"SELECT {', '.join('e.' + c for c in EVENT_COLUMNS)}, {SYNC_MARK} AS synced FROM events e"
        " WHERE dossier_code = %s ORDER BY at, desk_id, seq",
        (code,),
    )


def search_dossiers(db: PgConn, folded: str, digits: str, limit: int = 50, offset: int = 0) -> list[dict]:
    """Dossiers of every desk whose code or ID number or phone is ``digits``/the text, or whose folded
    applicant name starts with ``folded``; newest first, ``limit`` of them after the first ``offset``."""
    return rows_of(
        db,
        "SELECT * FROM dossiers WHERE code = %s OR (%s != '' AND (id_number = %s OR phone = %s))"
        " OR (%s != '' AND applicant_folded LIKE %s) ORDER BY received_at DESC, code LIMIT %s OFFSET %s",
        (folded.upper(), digits, digits, digits, folded, folded.replace("%", "").replace("_", "") + "%", limit, offset),
    )


def count_dossiers(db: PgConn) -> int:
    return db.execute("SELECT count(*) FROM dossiers").fetchone()[0]


# --- checks (db.hub_checks) ---------------------------------------------------------------------------


def identity_conflicts(db: PgConn, identities: list[tuple[str, str, str]]) -> list[dict]:
    if not identities:
        return []
    return rows_of(
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
    return rows_of(
        db,
        "WITH c(code, expected) AS (SELECT * FROM unnest(%b::text[], %b::text[])) "
        "SELECT c.code, c.expected, l.status FROM c LEFT JOIN LATERAL ("
        "  SELECT e.snapshot_status AS status FROM events e WHERE e.dossier_code = c.code AND e.desk_id = %s"
        "  AND e.has_snapshot ORDER BY e.seq DESC LIMIT 1) l ON true "
        f"WHERE l.status IS DISTINCT FROM c.expected LIMIT {LIMIT}",
        ([e[0] for e in entries], [e[1] for e in entries], desk_id),
    )


def events_without_dossier(db: PgConn, limit: int = LIMIT) -> list[dict]:
    return rows_of(
        db,
        "SELECT e.desk_id, e.seq, e.dossier_code FROM events e WHERE e.dossier_code != ''"
        " AND NOT EXISTS (SELECT 1 FROM dossiers d WHERE d.code = e.dossier_code) ORDER BY e.desk_id, e.seq LIMIT %s",
        (limit,),
    )


def events_of_another_dossier(db: PgConn, limit: int = LIMIT) -> list[dict]:
    return rows_of(
        db,
        "SELECT e.desk_id, e.seq, e.dossier_code, e.snapshot_id, d.id AS dossier_id FROM events e"
        " JOIN dossiers d ON d.code = e.dossier_code WHERE e.dossier_code != '' AND e.snapshot_id IS NOT NULL"
        " AND e.snapshot_id != d.id ORDER BY e.desk_id, e.seq LIMIT %s",
        (limit,),
    )


def dossiers_without_their_desk(db: PgConn, limit: int = LIMIT) -> list[dict]:
    return rows_of(
        db,
        "SELECT d.id, d.code, d.desk_id FROM dossiers d"
        " WHERE EXISTS (SELECT 1 FROM events e WHERE e.dossier_code = d.code)"
        " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.dossier_code = d.code AND e.desk_id = d.desk_id)"
        " ORDER BY d.code LIMIT %s",
        (limit,),
    )


def lines_without_dossier(db: PgConn, limit: int = LIMIT) -> list[dict]:
    """Dossier ids that component lines refer to and no dossier has (``dossier_id``, ``lines``): what the lines'
    foreign key kept out before step 9 of ``db.pg.migrations`` (one pass over the lines, each looked up by the
    dossiers' primary key)."""
    return rows_of(
        db,
        "SELECT l.dossier_id, count(*) AS lines FROM component_lines l"
        " WHERE NOT EXISTS (SELECT 1 FROM dossiers d WHERE d.id = l.dossier_id)"
        " GROUP BY l.dossier_id ORDER BY l.dossier_id LIMIT %s",
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
