"""A bundle's staging files (``desk.sync.publish``): its checked new events, and the states of their dossiers."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

import orjson

from db import staged_states
from db.queries import EVENT_COLUMNS
from desk.dossier.rows import fold_name
from desk.fsio import fsync_dir
from desk.sync.checked_run import APPLICANT_NAME, ID, Run, StoredStates, state_of

_COLUMNS = ", ".join(EVENT_COLUMNS)
_MARKS = ", ".join("?" for _ in EVENT_COLUMNS)


def _open_once_written(path: Path, *, create: bool, exclusive: bool) -> sqlite3.Connection:
    if create:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # owner-only, as every home file
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=0, check_same_thread=False)
    if exclusive:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")  # held until closed: the importer is alive
    conn.execute("PRAGMA journal_mode=OFF")  # a staging file is written once, then only read
    conn.execute("PRAGMA synchronous=FULL")
    return conn


class Stage:
    """A staging file: a checked bundle's new events in seq order, numbered ``n`` from 1, locked while open.

    Beside it (``<name>.states``) the states of its dossiers: per dossier, the state of each block's latest
    event about it that carries a snapshot, made as each block is staged (its JSON parsed, its name folded;
    ``db.staged_states``), which publishing inserts from there in SQL (the file attached
    to the hub's connection). The staging file's lock alone says that its importer is alive.
    """

    def __init__(self, path: Path, *, create: bool):
        self.path = path
        self.states_path = path.with_name(f"{path.stem}.states")
        self.conn = _open_once_written(path, create=create, exclusive=True)
        self._states: sqlite3.Connection | None = None
        if create:
            self.conn.execute("BEGIN EXCLUSIVE")
            self.conn.execute(f"CREATE TABLE events (n INTEGER PRIMARY KEY, {_COLUMNS})")
            self._states = _open_once_written(self.states_path, create=True, exclusive=False)
            self._states.execute("BEGIN EXCLUSIVE")
            staged_states.create(self._states)

    @classmethod
    def open_unless_locked(cls, path: Path) -> Stage | None:
        """The staging file of a publication whose importer is gone; None while another holds it."""
        stage = None
        try:
            stage = cls(path, create=False)
            stage.conn.execute("BEGIN EXCLUSIVE")
            stage.conn.execute("COMMIT")
        except sqlite3.OperationalError:
            if stage is not None:
                stage.close()
            return None
        return stage

    def add(self, rows: list[tuple]) -> None:
        self.conn.executemany(f"INSERT INTO events({_COLUMNS}) VALUES ({_MARKS})", rows)

    def add_states(self, run: Run) -> None:
        """The states the latest events of a part carry, made here of their payloads' JSON (checked by the
        reader; parsed again here rather than by the reading process, whose encoding of them and this
        process's decoding cost more, on the reader's core, which the import waits for)."""
        assert self._states is not None
        states, lines = [], []
        for seq, payload in run.latest.values():
            state = state_of(orjson.loads(payload))
            if state is None:
                continue
            row, its_lines = state
            states.append((seq, *row, fold_name(row[APPLICANT_NAME])))
            dossier_id = row[ID]
            lines += [(seq, dossier_id, *line) for line in its_lines]
        staged_states.add(self._states, states, lines)

    def stored_states(self, db, desk_id: str) -> StoredStates | None:
        """The staged states of the events of ``desk_id``, read through ``db`` (outside a transaction: it
        attaches them; :func:`db.staged_states.detach` after); None when there are none (staged
        by an earlier version: the rebuild parses the events' payloads)."""
        if not staged_states.attach(db, str(self.states_path)):
            return None
        return _AttachedStates(db, desk_id)

    def seal(self) -> None:
        """Make the staged events and states durable (the lock stays: exclusive locking mode)."""
        if self._states is not None:
            staged_states.seal(self._states)
            self._states.execute("COMMIT")
            self._states.close()
            self._states = None
        self.conn.execute("COMMIT")
        fsync_dir(self.path.parent)

    def rows(self, after: int, limit: int) -> list[tuple]:
        """(n, *EVENT_COLUMNS) of the next ``limit`` staged events after ``n``, in order."""
        return self.conn.execute(
            f"SELECT n, {_COLUMNS} FROM events WHERE n > ? ORDER BY n LIMIT ?", (after, limit)
        ).fetchall()

    def span(self) -> tuple[int, int, int]:
        """The last n, the first and the last seq staged."""
        row = self.conn.execute("SELECT coalesce(max(n), 0), min(seq), max(seq) FROM events").fetchone()
        return row[0], row[1] or 0, row[2] or 0

    def drop(self, ns: list[int]) -> None:
        self.conn.execute("BEGIN EXCLUSIVE")
        self.conn.executemany("DELETE FROM events WHERE n = ?", [(n,) for n in ns])
        self.conn.execute("COMMIT")

    def close(self) -> None:
        if self._states is not None:
            self._states.close()
            self._states = None
        self.conn.close()

    def remove(self) -> None:
        self.close()
        with contextlib.suppress(OSError):
            self.states_path.unlink()
        with contextlib.suppress(OSError):
            self.path.unlink()


class _AttachedStates(StoredStates):
    """A stage's states of one desk's events, in the states file attached to the hub's connection."""

    def __init__(self, db, desk_id: str):
        self.db, self.desk_id = db, desk_id

    def _seqs(self, keys: list[tuple[str, int]]) -> list[int]:
        return [seq for d, seq in keys if d == self.desk_id]

    def ids(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
        return {(self.desk_id, seq): i for seq, i in staged_states.ids(self.db, self._seqs(keys)).items()}

    def states(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], tuple[list, list, str]]:
        return {(self.desk_id, seq): s for seq, s in staged_states.states(self.db, self._seqs(keys)).items()}

    def insert(self, db, keys: list[tuple[str, int]]) -> None:
        staged_states.insert_dossiers(db, self._seqs(keys))
