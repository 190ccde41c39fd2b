"""Opening the database with the settings every connection needs."""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 5000
PAGE_SIZE = 8192
FIRST_TRY_MS = 20
"""How long a write first waits for the lock before it says it is waiting (see :func:`waiting_marker`)."""
RETRY_MS = 50
WAITING_SUFFIX = "-waiting"
WAITING_FRESH_S = 1.0
"""A waiting marker not refreshed for this long is a waiter that went away."""

_savepoints = itertools.count(1)


class Database:
    """A connection with the calls the app makes on every path: ``execute`` and ``conn``.

    The rest of ``sqlite_utils.Database`` (tables, what migrations
    use) is reached through :attr:`full`, made on first use: importing
    sqlite_utils (with click, pluggy and dateutil) would cost a third of the
    start of a CLI command that only reads a few rows.
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._full: sqlite_utils.Database | None = None

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        # the connection autocommits: no implicit transaction to commit or roll back (as sqlite_utils does)
        return self.conn.execute(sql) if parameters is None else self.conn.execute(sql, parameters)

    @property
    def full(self) -> sqlite_utils.Database:
        if self._full is None:
            import sqlite_utils

            self._full = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._full

    def __getitem__(self, table: str) -> Any:
        return self.full[table]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # our own (before __init__ set them) or a protocol's probe
            raise AttributeError(name)
        return getattr(self.full, name)


def open_db(path: str | Path, *, migrate: bool = True) -> Database:
    """Open (and create) the database: WAL, synchronous=FULL, foreign keys, busy timeout.

    The connection is in autocommit mode; every write goes through
    :func:`write_transaction`, so a change and its event commit together.
    """
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if conn.execute("PRAGMA page_count").fetchone()[0] == 0:
        # a new database: events carry a 2–3 KB snapshot, which wastes most of a 4 KB page
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    # as sqlite_utils.Database sets it: a REPLACE fires the delete triggers that keep the search indexes right
    conn.execute("PRAGMA recursive_triggers=ON")
    db = Database(conn)
    if migrate:
        from db.migrations import migrate as apply_migrations

        apply_migrations(db)
    return db


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """One write transaction, taken with BEGIN IMMEDIATE so that the TUI and the
    CLI writing to one home at once wait for each other instead of failing mid-way."""
    conn = db.conn
    if conn.in_transaction:
        # nested: a savepoint of the transaction around it
        savepoint = f"desk_{next(_savepoints)}"
        conn.execute(f"SAVEPOINT {savepoint}")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:  # a RAISE(ROLLBACK) may have ended the whole transaction
                conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
                conn.execute(f"RELEASE SAVEPOINT {savepoint}")
            raise
        else:
            conn.execute(f"RELEASE SAVEPOINT {savepoint}")
        return
    _begin_immediate(conn)
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def _busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _begin_immediate(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE; a writer that finds the lock held says so in a marker file beside the database.

    SQLite's busy handler is not fair: a bulk writer that commits and begins
    again at once could keep a waiting clerk out until its busy timeout. A bulk
    writer (a bundle's publication, ``desk.sync.publish``) looks at the marker
    after each of its short transactions and lets the waiter in first
    (:func:`writer_waiting`). The marker is refreshed while waiting and removed
    once the lock is taken (or the wait is given up).
    """
    conn.execute(f"PRAGMA busy_timeout={FIRST_TRY_MS}")
    try:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if not _busy(exc):
                raise
        marker = waiting_marker(conn)
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        conn.execute(f"PRAGMA busy_timeout={RETRY_MS}")
        try:
            while True:
                _touch(marker)
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not _busy(exc) or time.monotonic() > deadline:
                        raise
        finally:
            if marker:
                with contextlib.suppress(OSError):
                    os.unlink(marker)
    finally:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def database_path(conn: sqlite3.Connection) -> str:
    """The file of the connection's main database ("" for one in memory)."""
    return next((row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"), "")


def waiting_marker(conn: sqlite3.Connection) -> str:
    """The file a writer waiting for this database's lock keeps fresh (``desk.sqlite3-waiting``)."""
    path = database_path(conn)
    return path + WAITING_SUFFIX if path else ""


def _touch(path: str) -> None:
    if path:
        with contextlib.suppress(OSError):
            with open(path, "ab"):
                pass
            os.utime(path)


def writer_waiting(marker: str) -> bool:
    """Whether a writer waits for the lock now (its marker is fresh)."""
    try:
        return bool(marker) and time.time() - os.stat(marker).st_mtime < WAITING_FRESH_S
    except OSError:
        return False
