"""Electronic results of dossiers (table ``result_files``)."""

from __future__ import annotations

RESULT_COLUMNS = "n code name file_path file_sha256 file_bytes file_pages origin signer attached_at".split()


def result_rows(db, dossier_id: str) -> list[dict]:
    """A dossier's results, first attached first (without database ids)."""
    cols = ", ".join(RESULT_COLUMNS)
    cur = db.execute(f"SELECT {cols} FROM result_files WHERE dossier_id = ? ORDER BY n", (dossier_id,))
    return [dict(zip(RESULT_COLUMNS, r)) for r in cur.fetchall()]


def next_result_number(db, dossier_id: str) -> int:
    row = db.execute("SELECT coalesce(max(n), 0) + 1 FROM result_files WHERE dossier_id = ?", (dossier_id,)).fetchone()
    return int(row[0])


def insert_result(db, dossier_id: str, row: dict) -> None:
    unknown = set(row) - set(RESULT_COLUMNS)
    if unknown:
        raise ValueError(f"unknown result columns {sorted(unknown)}")
    cols = ["dossier_id", *row]
    db.execute(
        f"INSERT INTO result_files ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [dossier_id, *row.values()],
    )
