"""The hub's registry of enrolled desks and their keys on PostgreSQL: ``db.key_queries``' twins."""

from __future__ import annotations

from db.pg.connection import PgConn


def _rows(db: PgConn, sql: str, params=()) -> list[dict]:
    cur = db.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _one(db: PgConn, sql: str, params=()) -> dict | None:
    rows = _rows(db, sql, params)
    return rows[0] if rows else None


def enrolled_desk(db: PgConn, desk_id: str) -> dict | None:
    return _one(db, "SELECT * FROM enrolled_desks WHERE desk_id = %s", (desk_id,))


def active_desk_by_number(db: PgConn, agency_code: str, desk_no: int) -> dict | None:
    return _one(
        db,
        "SELECT * FROM enrolled_desks WHERE agency_code = %s AND desk_no = %s AND revoked_at IS NULL",
        (agency_code, desk_no),
    )


def enrolled_desks(db: PgConn) -> list[dict]:
    return _rows(
        db,
        "SELECT d.*, k.public_key, k.fingerprint, k.from_seq, "
        "(SELECT count(*) FROM desk_keys r WHERE r.desk_id = d.desk_id) AS keys "
        "FROM enrolled_desks d LEFT JOIN desk_keys k ON k.desk_id = d.desk_id AND k.until_seq IS NULL "
        "ORDER BY d.agency_code, d.desk_no, d.enrolled_at",
    )


def desk_keys(db: PgConn, desk_id: str) -> list[dict]:
    return _rows(db, "SELECT * FROM desk_keys WHERE desk_id = %s ORDER BY from_seq", (desk_id,))


def key_row(db: PgConn, public_key: str) -> dict | None:
    return _one(db, "SELECT * FROM desk_keys WHERE public_key = %s", (public_key,))


def enrol_desk(
    db: PgConn,
    desk_id: str,
    agency_code: str,
    desk_no: int,
    agency_name: str,
    public_key: str,
    fingerprint: str,
    at: str,
) -> None:
    db.execute(
        "INSERT INTO enrolled_desks(desk_id, agency_code, desk_no, agency_name, enrolled_at)"
        " VALUES (%s, %s, %s, %s, %s)",
        (desk_id, agency_code, desk_no, agency_name, at),
    )
    add_key(db, desk_id, public_key, fingerprint, 1, at)


def add_key(db: PgConn, desk_id: str, public_key: str, fingerprint: str, from_seq: int, at: str) -> None:
    db.execute(
        "INSERT INTO desk_keys(public_key, desk_id, fingerprint, from_seq, added_at) VALUES (%s, %s, %s, %s, %s)",
        (public_key, desk_id, fingerprint, from_seq, at),
    )


def retire_key(db: PgConn, public_key: str, until_seq: int) -> None:
    db.execute("UPDATE desk_keys SET until_seq = %s WHERE public_key = %s", (until_seq, public_key))


def revoke_desk(db: PgConn, desk_id: str, at: str) -> None:
    db.execute("UPDATE enrolled_desks SET revoked_at = %s WHERE desk_id = %s", (at, desk_id))
