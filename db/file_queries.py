"""Stored files on the move: what a desk sent (``sent_files``), what a hub received (``hub_files``)."""

from __future__ import annotations

from collections.abc import Iterable

_BATCH = 500


def _batches(items: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), _BATCH):
        yield items[i : i + _BATCH]


def sent_via(db, hashes: Iterable[str]) -> dict[str, str]:
    """For each hash already sent, how (``bundle:<name>`` or ``push:<endpoint>``)."""
    out: dict[str, str] = {}
    for batch in _batches(sorted(set(hashes))):
        marks = ",".join("?" for _ in batch)
        out.update(db.execute(f"SELECT sha256, via FROM sent_files WHERE sha256 IN ({marks})", batch).fetchall())
    return out


def mark_sent(db, files: Iterable[tuple[str, int]], via: str, at: str) -> None:
    """Record files as gone (``(sha256, bytes)``); a later sending replaces an earlier one."""
    db.conn.executemany(
        "INSERT OR REPLACE INTO sent_files (sha256, bytes, via, at) VALUES (?, ?, ?, ?)",
        [(sha, size, via, at) for sha, size in files],
    )


def waiting_files(db, desk_id: str) -> tuple[int, int]:
    """How many of this desk's stored files (components' and results') have not gone yet, and their bytes."""
    row = db.execute(
        """
        SELECT count(*), coalesce(sum(bytes), 0) FROM (
            SELECT c.file_sha256 AS sha256, max(c.file_bytes) AS bytes
            FROM component_lines c JOIN dossiers d ON d.id = c.dossier_id
            WHERE d.desk_id = ? AND c.file_path != '' GROUP BY c.file_sha256
            UNION
            SELECT r.file_sha256, max(r.file_bytes) FROM result_files r JOIN dossiers d ON d.id = r.dossier_id
            WHERE d.desk_id = ? GROUP BY r.file_sha256
        ) f WHERE f.sha256 NOT IN (SELECT sha256 FROM sent_files)""",
        (desk_id, desk_id),
    ).fetchone()
    return int(row[0]), int(row[1])


def hub_file_states(db, hashes: Iterable[str]) -> dict[str, str]:
    """For each hash a hub holds, its state (``signed``/``unsigned``)."""
    out: dict[str, str] = {}
    for batch in _batches(sorted(set(hashes))):
        marks = ",".join("?" for _ in batch)
        out.update(db.execute(f"SELECT sha256, state FROM hub_files WHERE sha256 IN ({marks})", batch).fetchall())
    return out


def record_hub_file(db, row: dict) -> None:
    """The store now holds this file: recorded, and no longer missing for any dossier."""
    db.execute(
        "INSERT OR REPLACE INTO hub_files (sha256, bytes, state, signer, source, received_at)"
        " VALUES (:sha256, :bytes, :state, :signer, :source, :received_at)",
        row,
    )
    db.execute("DELETE FROM hub_missing_files WHERE sha256 = ?", (row["sha256"],))


def _sha(table: str) -> str:
    """A line's file as its hash: ``file_sha256``, or the name in its path (``<aa>/<sha256>.pdf``) for a line
    that carries none."""
    return f"CASE WHEN {table}.file_sha256 != '' THEN {table}.file_sha256 ELSE substr({table}.file_path, 4, 64) END"


def missing_refs(dossiers: str) -> str:
    """SQL of (dossier_code, line_code, sha256, desk_id) of the files that the dossiers ``d`` picked by the
    condition ``dossiers`` reference (component lines and results) and that ``hub_files`` does not hold. Plain
    SQL for SQLite and PostgreSQL alike."""
    refs = (
        f"SELECT d.code AS dossier_code, c.code AS line_code, {_sha('c')} AS sha256, d.desk_id"
        f" FROM dossiers d JOIN component_lines c ON c.dossier_id = d.id WHERE {dossiers} AND c.file_path != ''"
        f" UNION SELECT d.code, r.code, {_sha('r')}, d.desk_id"
        f" FROM dossiers d JOIN result_files r ON r.dossier_id = d.id WHERE {dossiers}"
    )
    return f"SELECT * FROM ({refs}) f WHERE NOT EXISTS (SELECT 1 FROM hub_files h WHERE h.sha256 = f.sha256)"


def note_missing_files(db, codes: list[str]) -> None:
    """The dossiers ``codes`` were written at this hub: record again which files they reference that have not
    arrived (``hub_missing_files``; a file recorded later takes its rows away). Inside the transaction that
    wrote them, after their results."""
    for batch in _batches(codes):
        marks = ",".join("?" for _ in batch)
        db.execute(f"DELETE FROM hub_missing_files WHERE dossier_code IN ({marks})", batch)
        db.execute(
            "INSERT OR IGNORE INTO hub_missing_files (dossier_code, line_code, sha256, desk_id)"
            f" {missing_refs(f'd.code IN ({marks})')}",
            batch + batch,
        )


def note_missing_files_of_desks(db) -> None:
    """:func:`note_missing_files` of every dossier of the desks this hub heard from (the migration)."""
    db.execute(
        "INSERT OR IGNORE INTO hub_missing_files (dossier_code, line_code, sha256, desk_id)"
        f" {missing_refs('d.desk_id IN (SELECT desk_id FROM sync_desks)')}"
    )


def files_of_other_desks(db, own_desk_id: str) -> list[tuple[str, str, str, str]]:
    """(dossier code, component code or result code, file_path, sha256) of every file another desk's dossiers
    reference, for ``desk verify`` at a hub."""
    rows = db.execute(
        """
        SELECT d.code, c.code, c.file_path, c.file_sha256 FROM component_lines c JOIN dossiers d ON d.id = c.dossier_id
        WHERE d.desk_id != ? AND c.file_path IS NOT NULL AND c.file_path != ''
        UNION ALL
        SELECT d.code, r.code, r.file_path, r.file_sha256 FROM result_files r JOIN dossiers d ON d.id = r.dossier_id
        WHERE d.desk_id != ?
        ORDER BY 1, 2""",
        (own_desk_id, own_desk_id),
    ).fetchall()
    return [tuple(r) for r in rows]


def payloads_with_results(db, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """Of these events (desk id, seq), the payloads that carry electronic results (``"results":``)."""
    by_desk: dict[str, list[int]] = {}
    for desk_id, seq in keys:
        by_desk.setdefault(desk_id, []).append(seq)
    out: dict[tuple[str, int], str] = {}
    for desk_id, seqs in by_desk.items():
        for i in range(0, len(seqs), _BATCH):
            batch = seqs[i : i + _BATCH]
            marks = ",".join("?" for _ in batch)
            rows = db.execute(
                f"SELECT seq, payload FROM events WHERE desk_id = ? AND seq IN ({marks})"
                " AND instr(payload, '\"results\":') > 0",
                [desk_id, *batch],
            ).fetchall()
            out.update({(desk_id, seq): payload for seq, payload in rows})
    return out


def replace_results(db, dossier_id: str, rows: list[dict]) -> None:
    """A dossier's ``result_files`` as its latest snapshot carries them (at a hub)."""
    db.execute("DELETE FROM result_files WHERE dossier_id = ?", (dossier_id,))
    cols = "n code name file_path file_sha256 file_bytes file_pages origin signer attached_at".split()
    db.conn.executemany(
        f"INSERT INTO result_files (dossier_id, {', '.join(cols)}) VALUES (?{', ?' * len(cols)})",
        [
            (dossier_id, *(r.get(c, "" if c not in ("n", "file_bytes", "file_pages") else 0) for c in cols))
            for r in rows
        ],
    )
