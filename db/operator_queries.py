"""Queries of the operator accounts and of the fees counted at intake (plain dicts; the core makes models)."""

from __future__ import annotations

from db.queries import _rows

OPERATOR_COLUMNS = "login name role secret failures locked_until created_at updated_at".split()


# --- fees counted at intake ----------------------------------------------------------


def insert_dossier_fee(db, dossier_id: str, fee: dict) -> None:
    db.execute(
        "INSERT INTO dossier_fees(dossier_id, pages, copies, per_copy, amount, capped) VALUES (?,?,?,?,?,?)",
        (dossier_id, fee["pages"], fee["copies"], fee["per_copy"], fee["amount"], int(fee["capped"])),
    )


def dossier_fee(db, dossier_id: str) -> dict | None:
    rows = _rows(db, "SELECT * FROM dossier_fees WHERE dossier_id = ?", (dossier_id,))
    return rows[0] if rows else None


# --- operators ---------------------------------------------------------------------------


def operator_count(db) -> int:
    return db.execute("SELECT count(*) FROM operators").fetchone()[0]


def operator_rows(db) -> list[dict]:
    return _rows(db, "SELECT * FROM operators ORDER BY role DESC, name")


def operator_row(db, login: str) -> dict | None:
    rows = _rows(db, "SELECT * FROM operators WHERE login = ?", (login,))
    return rows[0] if rows else None


def insert_operator(db, row: dict) -> None:
    cols = ", ".join(OPERATOR_COLUMNS)
    marks = ", ".join("?" for _ in OPERATOR_COLUMNS)
    db.execute(f"INSERT INTO operators({cols}) VALUES ({marks})", [row[c] for c in OPERATOR_COLUMNS])


def update_operator(db, login: str, fields: dict) -> None:
    unknown = set(fields) - set(OPERATOR_COLUMNS)
    if unknown:
        raise ValueError(f"unknown operator columns {sorted(unknown)}")
    sets = ", ".join(f"{c} = ?" for c in fields)
    db.execute(f"UPDATE operators SET {sets} WHERE login = ?", [*fields.values(), login])


def delete_operator(db, login: str) -> None:
    db.execute("DELETE FROM operator_tokens WHERE login = ?", (login,))
    db.execute("DELETE FROM operators WHERE login = ?", (login,))


def insert_token(db, digest: str, login: str, issued_by: str, issued_at: str, expires_at: str) -> None:
    db.execute(
        "INSERT INTO operator_tokens(digest, login, issued_by, issued_at, expires_at) VALUES (?,?,?,?,?)",
        (digest, login, issued_by, issued_at, expires_at),
    )


def token_row(db, digest: str) -> dict | None:
    rows = _rows(db, "SELECT * FROM operator_tokens WHERE digest = ?", (digest,))
    return rows[0] if rows else None
