"""Opening the database with the settings every connection needs."""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 5000
PAGE_SIZE = 8192

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
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
