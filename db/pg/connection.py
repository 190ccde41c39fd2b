"""A pool of psycopg 3 connections to the hub's PostgreSQL, and the handle a query function is given.

Every connection of the pool autocommits; a write is one explicit transaction
(:meth:`PgPool.writing`), which may first take a per-desk advisory lock
(``pg_advisory_xact_lock``): two batches of one desk wait for each other,
batches of different desks run side by side. The URL is never shown with its
password (:func:`redact`).
"""

from __future__ import annotations

import contextlib
import os
import struct
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
from psycopg.types.array import ListBinaryDumper, ListDumper
from psycopg_pool import ConnectionPool

CONNECT_TIMEOUT_S = 10
POOL_TIMEOUT_S = 30.0


def redact(url: str) -> str:
    """The URL as it may be shown: without its password (a ``password=`` parameter included)."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "postgresql://…"
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        name = user.split(":", 1)[0]
        netloc = f"{name}@{host}" if name else host
    query = "&".join(
        "password=***" if part.partition("=")[0].lower() == "password" else part
        for part in parts.query.split("&")
        if part
    )
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")


class PgConn:
    """One connection, as the query functions of :mod:`db.pg.hub_queries` take it: ``execute`` returns a
    cursor of tuples; :meth:`side` lends another connection of the pool for DDL that must commit apart
    (a partition made on demand)."""

    def __init__(self, conn: psycopg.Connection, pool: PgPool):
        self.conn = conn
        self.pool = pool
        self.after_commit: list[Callable[[PgConn], None]] = []
        """What to do once the transaction of :meth:`PgPool.writing` committed, each in a short transaction
        of its own (best effort: a failure there is left, the transaction having committed)."""
        self._by_index = 0  # blocks of :meth:`by_index` open
        self._seqscan: bool | None = True  # enable_seqscan as this transaction has it (None: not known)

    def execute(self, sql: str, params: Any = None) -> Any:
        if not self._by_index and self._seqscan is not True:
            self._seqscan_on()
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> None:
        if not self._by_index and self._seqscan is not True:
            self._seqscan_on()
        with self.conn.cursor() as cur:
            cur.executemany(sql, rows)

    def _seqscan_on(self) -> None:
        self.conn.execute("SET LOCAL enable_seqscan = on")
        self._seqscan = True

    @contextlib.contextmanager
    def by_index(self) -> Iterator[None]:
        """The statements inside look rows up by index (``SET LOCAL enable_seqscan = off``), the others as the
        planner sees fit. Sequential scans come back only before the next statement outside such a block (not
        at each block's end): blocks one after the other, or ending the transaction, cost one ``SET``, not a
        pair each. Inside a transaction; :meth:`ended` when it is over."""
        if self._seqscan is not False:
            self.conn.execute("SET LOCAL enable_seqscan = off")
            self._seqscan = False
        self._by_index += 1
        try:
            yield
        except BaseException:
            self._seqscan = None  # a savepoint rolled back may have undone the SET: said again either way
            raise
        finally:
            self._by_index -= 1

    def ended(self) -> None:
        """The transaction is over (committed or rolled back): its ``SET LOCAL`` with it."""
        self._by_index, self._seqscan = 0, True

    @contextlib.contextmanager
    def side(self) -> Iterator[PgConn]:
        with self.pool.pool.connection() as other:
            yield PgConn(other, self.pool)


_ARRAY_HEAD = struct.Struct(">iiIii").pack  # one dimension, no NULL, the element type; its length, from 1
_LENGTH = struct.Struct(">i").pack
_INTEGERS = {21: "h", 23: "i", 20: "q"}  # int2, int4, int8: the struct code of each


class FlatListBinaryDumper(ListBinaryDumper):
    """psycopg's dumper of a list in the binary format (``%b``), with a shorter way for the lists the hub sends
    most (a batch's codes, ids and seqs: ~30 arrays of up to 200 items each): a flat list of ``str`` (UTF-8)
    or of ``int`` without NULLs is packed in one pass (about half of psycopg's CPU for a list of str, a third
    for a list of int); any other list is psycopg's. The bytes are psycopg's (``tests/test_pg_arrays.py``)."""

    def dump(self, obj: list[Any]) -> Any:
        sub = self.sub_dumper
        if obj and sub is not None:
            try:
                if sub.oid == 25 and self._tx.encoding == "utf-8":  # text
                    out = [_ARRAY_HEAD(1, 0, 25, len(obj), 1)]
                    for item in obj:
                        data = item.encode()  # None, a nested list… have no encode: psycopg's way below
                        out.append(_LENGTH(len(data)))
                        out.append(data)
                    return b"".join(out)
                code = _INTEGERS.get(sub.oid)
                if code is not None and all(type(item) is int for item in obj):
                    size = struct.calcsize(code)
                    values = [v for item in obj for v in (size, item)]
                    return struct.pack(f">iiIii{('i' + code) * len(obj)}", 1, 0, sub.oid, len(obj), 1, *values)
            except (AttributeError, TypeError, struct.error):
                pass
        return super().dump(obj)


def _configure(conn: psycopg.Connection) -> None:
    """Each new connection of the pool, as the hub's writes want it:

    - no JIT compilation. The hub's statements are short ones over a few rows found by index, but those made
      to use an index (``enable_seqscan = off`` where a batch's rows have no planner statistics yet:
      ``db.pg.board_queries.by_index``) carry estimated costs far above ``jit_above_cost``: PostgreSQL
      compiled each (with inlining and optimisation) for 0.2–0.4 s of CPU to run a few milliseconds of work;
    - the events' payloads (JSON of ~2 KB, most compressed as they are stored) compressed with lz4 rather than
      the default pglz: the same size on disk here, half the server's CPU to write them (pglz was the
      backends' first function in a push bench). Values already stored stay as they are (either is read);
      a server built without lz4 keeps pglz.
    """
    conn.adapters.register_dumper(list, FlatListBinaryDumper)  # %b
    conn.adapters.register_dumper(list, ListDumper)  # %s stays psycopg's text format (the last registered)
    conn.execute("SET jit = off")
    try:
        conn.execute("SET default_toast_compression = lz4")
    except psycopg.Error:
        pass


class PgPool:
    """The hub's pool (one per process and URL)."""

    def __init__(self, url: str, *, max_size: int = 8):
        self.url = url
        self.shown = redact(url)
        self.partitions: set[str] = set()
        """Month partitions of ``events`` known to exist (made on demand: ``db.pg.hub_queries``)."""
        self.tables: set[str] = set()
        """Tables known to exist that a query would otherwise look for each time (``db.pg.indicator_sums``)."""
        self.lock = threading.Lock()
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            # the worker process shows in pg_stat_activity (which worker holds what)
            kwargs={
                "autocommit": True,
                "connect_timeout": CONNECT_TIMEOUT_S,
                "application_name": f"motcua-hub-{os.getpid()}",
            },
            timeout=POOL_TIMEOUT_S,
            configure=_configure,
            open=False,
            name="motcua-hub",
        )

    def open(self) -> PgPool:
        """Open the pool and check one connection now (raises psycopg.OperationalError if the server is not
        there or refuses)."""
        psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT_S).close()  # the server's own words if it refuses
        self.pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        return self

    @contextlib.contextmanager
    def reading(self) -> Iterator[PgConn]:
        with self.pool.connection() as conn:
            yield PgConn(conn, self)

    @contextlib.contextmanager
    def writing(self, lock: str | None = None) -> Iterator[PgConn]:
        """One transaction; with ``lock``, taken after the advisory lock of that key (a desk id). Once it
        committed, the handle's ``after_commit`` steps."""
        with self.pool.connection() as conn:
            handle = PgConn(conn, self)
            try:
                with conn.transaction():
                    if lock is not None:
                        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (lock,))
                    yield handle
            finally:
                handle.ended()
            for then in handle.after_commit:
                try:
                    with conn.transaction():
                        then(handle)
                except psycopg.Error:
                    pass
                finally:
                    handle.ended()

    def close(self) -> None:
        self.pool.close()


def open_pool(url: str, *, max_size: int = 8) -> PgPool:
    return PgPool(url, max_size=max_size).open()
