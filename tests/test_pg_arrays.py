"""The hub's dumper of lists in the binary format (``db.pg.connection.FlatListBinaryDumper``): the bytes psycopg's
own makes, for the lists it packs itself and for those it leaves to psycopg; ``%s`` keeps the text format; and
such arrays read back by a PostgreSQL server as the same values."""

from __future__ import annotations

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg.adapt import AdaptersMap, PyFormat, Transformer
from psycopg.types.array import ListBinaryDumper, ListDumper

from db.pg.connection import FlatListBinaryDumper


def _ours() -> Transformer:
    """A transformer with our dumper, on adapters of its own (psycopg's global ones untouched)."""
    adapters = AdaptersMap(psycopg.adapters)
    adapters.register_dumper(list, FlatListBinaryDumper)
    return Transformer(adapters)


def _ours_and_psycopgs(values: list) -> tuple[bytes, bytes]:
    dumper = _ours().get_dumper(values, PyFormat.BINARY)
    reference = Transformer().get_dumper(values, PyFormat.BINARY)
    # ours where psycopg's is its binary list dumper (a list of NULLs only is psycopg's dumper of unknowns)
    assert type(dumper) is (FlatListBinaryDumper if type(reference) is ListBinaryDumper else type(reference))
    assert dumper.oid == reference.oid
    return bytes(dumper.dump(values)), bytes(reference.dump(values))


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.lists(st.text(), min_size=1, max_size=50),
        st.lists(st.one_of(st.none(), st.text(max_size=5)), min_size=1, max_size=20),
        st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), min_size=1, max_size=50),
        st.lists(st.integers(min_value=-(2**15), max_value=2**15 - 1), min_size=1, max_size=50),
        st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=2**40)), min_size=1, max_size=20),
        st.lists(st.booleans(), min_size=1, max_size=10),
        st.lists(st.lists(st.text(max_size=3), min_size=2, max_size=2), min_size=1, max_size=5),
    )
)
def test_the_same_bytes_as_psycopg(values):
    ours, theirs = _ours_and_psycopgs(values)
    assert ours == theirs


@pytest.mark.parametrize("values", [["a"], ["", "Nguyễn Văn A", "x" * 300], [0], [2**31], [-(2**63)], [None], [True]])
def test_the_same_bytes_at_the_edges(values):
    ours, theirs = _ours_and_psycopgs(values)
    assert ours == theirs


def test_percent_s_keeps_the_text_format(pg_url):
    from db.pg.connection import open_pool

    pool = open_pool(pg_url, max_size=1)
    try:
        with pool.reading() as db:
            assert db.conn.adapters.get_dumper(list, PyFormat.AUTO) is ListDumper
            assert db.conn.adapters.get_dumper(list, PyFormat.BINARY) is FlatListBinaryDumper
            texts = ["Nguyễn", "a,b", 'q"uote', "", "NULL", None]
            assert db.execute("SELECT %b::text[], %s::text[]", (texts, texts)).fetchone() == (texts, texts)
            numbers = [1, -5, 2**40, None]
            assert db.execute("SELECT %b::bigint[]", (numbers,)).fetchone()[0] == numbers
            assert db.execute("SELECT %b::bigint[]", ([3, 2**62],)).fetchone()[0] == [3, 2**62]
            assert db.execute("SELECT %b::int[]", ([7, -7],)).fetchone()[0] == [7, -7]
    finally:
        pool.close()
