"""The states of a bundle's dossiers, made while it was staged (``desk.sync.publish``).

A file of their own beside the staging file: per staged event that carries a
dossier snapshot, the dossier's row (with its folded name) and its component
lines, as columns. It is attached to the hub's connection while the bundle is
published, so that its new dossiers go from there into the tables in SQL, with
no round trip through Python.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3

from db.queries import LINE_COLUMNS
from db.sync_queries import SNAPSHOT_DOSSIER_COLUMNS, SNAPSHOT_LINE_COLUMNS, search_indexes_after

STAGED = "staged"
"""The schema name the states file is attached under."""
_STAGED_DOSSIER_COLUMNS = (*SNAPSHOT_DOSSIER_COLUMNS, "applicant_folded")


def create(conn) -> None:
    """The tables of a new states file (``conn``: its own sqlite3 connection, in a transaction)."""
    conn.execute(f"CREATE TABLE states (seq INTEGER PRIMARY KEY, {', '.join(_STAGED_DOSSIER_COLUMNS)})")
    conn.execute(f"CREATE TABLE lines (seq INTEGER NOT NULL, {', '.join(LINE_COLUMNS)})")


def add(conn, states: list[tuple], lines: list[tuple]) -> None:
    """``states``: (seq, *SNAPSHOT_DOSSIER_COLUMNS, applicant_folded); ``lines``: (seq, *LINE_COLUMNS)."""
    marks = ", ".join("?" for _ in range(len(_STAGED_DOSSIER_COLUMNS) + 1))
    conn.executemany(f"INSERT INTO states VALUES ({marks})", states)
    marks = ", ".join("?" for _ in range(len(LINE_COLUMNS) + 1))
    conn.executemany(f"INSERT INTO lines VALUES ({marks})", lines)


def seal(conn) -> None:
    conn.execute("CREATE INDEX lines_seq ON lines(seq)")


def attach(db, path: str) -> bool:
    """Attach a states file (outside a transaction); False when it is not there (nothing attached)."""
    if not os.path.isfile(path):
        return False
    db.execute(f"ATTACH DATABASE ? AS {STAGED}", (path,))
    try:
        db.execute(f"SELECT count(*) FROM {STAGED}.states WHERE seq = 0").fetchone()
    except sqlite3.Error:  # not a states file: published without it
        detach(db)
        return False
    return True


def detach(db) -> None:
    with contextlib.suppress(sqlite3.Error):
        db.execute(f"DETACH DATABASE {STAGED}")


def ids(db, seqs: list[int]) -> dict[int, str]:
    """seq → dossier id of the staged states of these seqs (those staged)."""
    return dict(
        db.execute(f"SELECT seq, id FROM {STAGED}.states WHERE seq IN (SELECT value FROM json_each(?))", (_json(seqs),))
    )


def states(db, seqs: list[int]) -> dict[int, tuple[list, list, str]]:
    """seq → (row of SNAPSHOT_DOSSIER_COLUMNS, lines of SNAPSHOT_LINE_COLUMNS, folded name) of these seqs."""
    arg = (_json(seqs),)
    out: dict[int, tuple[list, list, str]] = {}
    for seq, *values in db.execute(
        f"SELECT * FROM {STAGED}.states WHERE seq IN (SELECT value FROM json_each(?))", arg
    ).fetchall():
        out[seq] = (values[:-1], [], values[-1])
    line = ", ".join(SNAPSHOT_LINE_COLUMNS)
    for seq, *values in db.execute(
        f"SELECT seq, {line} FROM {STAGED}.lines WHERE seq IN (SELECT value FROM json_each(?)) ORDER BY rowid", arg
    ):
        if seq in out:
            out[seq][1].append(values)
    return out


def insert_dossiers(db, seqs: list[int]) -> None:
    """Insert the dossiers of these staged states, and their lines, as new (like :func:`insert_dossiers`)."""
    arg = (_json(sorted(seqs)),)
    chosen = "seq IN (SELECT value FROM json_each(?))"
    cols = ", ".join(_STAGED_DOSSIER_COLUMNS)
    with search_indexes_after(db, len(seqs)):
        db.execute(f"INSERT INTO dossiers({cols}) SELECT {cols} FROM {STAGED}.states WHERE {chosen} ORDER BY seq", arg)
    cols = ", ".join(LINE_COLUMNS)
    db.execute(
        f"INSERT INTO component_lines({cols}) SELECT {cols} FROM {STAGED}.lines WHERE {chosen} ORDER BY rowid", arg
    )


def _json(values: list) -> str:
    return json.dumps(values)
