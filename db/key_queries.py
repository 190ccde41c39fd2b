"""The hub's registry of enrolled desks and their keys (``enrolled_desks``, ``desk_keys``; docs/keys.md)."""

from __future__ import annotations


def _rows(db, sql: str, params: tuple = ()) -> list[dict]:
    cur = db.execute(sql, params)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def enrolled_desk(db, desk_id: str) -> dict | None:
    rows = _rows(db, "SELECT * FROM enrolled_desks WHERE desk_id = ?", (desk_id,))
    return rows[0] if rows else None


def active_desk_by_number(db, agency_code: str, desk_no: int) -> dict | None:
    rows = _rows(
        db,
        "SELECT * FROM enrolled_desks WHERE agency_code = ? AND desk_no = ? AND revoked_at IS NULL",
        (agency_code, desk_no),
    )
    return rows[0] if rows else None


def enrolled_desks(db) -> list[dict]:
    """Every desk ever enrolled, with its current key (the one without ``until_seq``)."""
    return _rows(
        db,
        "SELECT d.*, k.public_key, k.fingerprint, k.from_seq, "
        "(SELECT count(*) FROM desk_keys r WHERE r.desk_id = d.desk_id) AS keys "
        "FROM enrolled_desks d LEFT JOIN desk_keys k ON k.desk_id = d.desk_id AND k.until_seq IS NULL "
        "ORDER BY d.agency_code, d.desk_no, d.enrolled_at",
    )


def desk_keys(db, desk_id: str) -> list[dict]:
    return _rows(db, "SELECT * FROM desk_keys WHERE desk_id = ? ORDER BY from_seq", (desk_id,))


def key_row(db, public_key: str) -> dict | None:
    rows = _rows(db, "SELECT * FROM desk_keys WHERE public_key = ?", (public_key,))
    return rows[0] if rows else None


def enrol_desk(
    db, desk_id: str, agency_code: str, desk_no: int, agency_name: str, public_key: str, fingerprint: str, at: str
) -> None:
    db.execute(
        "INSERT INTO enrolled_desks(desk_id, agency_code, desk_no, agency_name, enrolled_at) VALUES (?, ?, ?, ?, ?)",
        (desk_id, agency_code, desk_no, agency_name, at),
    )
    add_key(db, desk_id, public_key, fingerprint, 1, at)


def add_key(db, desk_id: str, public_key: str, fingerprint: str, from_seq: int, at: str) -> None:
    db.execute(
        "INSERT INTO desk_keys(public_key, desk_id, fingerprint, from_seq, added_at) VALUES (?, ?, ?, ?, ?)",
        (public_key, desk_id, fingerprint, from_seq, at),
    )


def retire_key(db, public_key: str, until_seq: int) -> None:
    db.execute("UPDATE desk_keys SET until_seq = ? WHERE public_key = ?", (until_seq, public_key))


def revoke_desk(db, desk_id: str, at: str) -> None:
    db.execute("UPDATE enrolled_desks SET revoked_at = ? WHERE desk_id = ?", (at, desk_id))
