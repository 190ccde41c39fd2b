"""``db.pg.connection.PgConn.by_index``: the statements inside a block run with sequential scans off, every
statement outside one with them on (blocks one after the other share one ``SET``), and a transaction starts
with them on whatever the one before left."""

from __future__ import annotations

import psycopg
import pytest

from db.pg.connection import open_pool


def _seqscan(db) -> str:
    return db.execute("SHOW enable_seqscan").fetchone()[0]


def _counting(db) -> list[str]:
    """The SETs the handle sends from now on."""
    sent: list[str] = []
    execute = db.conn.execute

    def counted(sql, params=None, **kw):
        if str(sql).startswith("SET"):
            sent.append(str(sql))
        return execute(sql, params, **kw)

    db.conn.execute = counted
    return sent


def test_inside_off_outside_on_one_set_for_blocks_in_a_row(pg_url):
    pool = open_pool(pg_url, max_size=1)
    try:
        with pool.writing() as db:
            sent = _counting(db)
            assert _seqscan(db) == "on"
            with db.by_index():
                assert _seqscan(db) == "off"
                with db.by_index():  # nested: still off, and still off after it
                    assert _seqscan(db) == "off"
                assert _seqscan(db) == "off"
            with db.by_index():  # right after another: no SET of its own
                assert _seqscan(db) == "off"
            assert sent == ["SET LOCAL enable_seqscan = off"]
            assert _seqscan(db) == "on"  # the first statement outside turns them back on
            assert sent == ["SET LOCAL enable_seqscan = off", "SET LOCAL enable_seqscan = on"]
            with db.by_index():
                pass
        # the transaction ended inside the block's setting: the next one starts with sequential scans on
        with pool.writing() as db:
            assert _seqscan(db) == "on"
            with db.by_index():
                assert _seqscan(db) == "off"
    finally:
        pool.close()


def test_a_block_undone_by_a_savepoint_is_said_again(pg_url):
    pool = open_pool(pg_url, max_size=1)
    try:
        with pool.writing() as db:
            with pytest.raises(psycopg.errors.DivisionByZero), db.conn.transaction():
                with db.by_index():
                    db.execute("SELECT 1 / 0")
            # the savepoint's rollback undid the SET: the next block says it again, a statement outside is on
            assert _seqscan(db) == "on"
            with db.by_index():
                assert _seqscan(db) == "off"
            assert _seqscan(db) == "on"
    finally:
        pool.close()
