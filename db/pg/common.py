"""What the PostgreSQL query modules of the hub share: rows as dicts, COPY, the default limit of a check."""

from __future__ import annotations

from collections.abc import Iterable

from db.pg.connection import PgConn
from db.queries import DOSSIER_COLUMNS, EVENT_COLUMNS, LINE_COLUMNS  # the same columns as SQLite

LIMIT = 100
"""How many findings a check reports at most."""

SNAPSHOT_DOSSIER_COLUMNS = tuple(c for c in DOSSIER_COLUMNS if c != "applicant_folded")
SNAPSHOT_LINE_COLUMNS = tuple(c for c in LINE_COLUMNS if c != "dossier_id")

__all__ = [
    "DOSSIER_COLUMNS",
    "EVENT_COLUMNS",
    "LIMIT",
    "LINE_COLUMNS",
    "SNAPSHOT_DOSSIER_COLUMNS",
    "SNAPSHOT_LINE_COLUMNS",
    "copy_rows",
    "one",
    "rows_of",
]


def rows_of(db: PgConn, sql: str, params=()) -> list[dict]:
    cur = db.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def one(db: PgConn, sql: str, params=()) -> dict | None:
    rows = rows_of(db, sql, params)
    return rows[0] if rows else None


def copy_rows(db: PgConn, table: str, columns, rows: Iterable[tuple], types: tuple[str, ...] | None = None) -> None:
    """COPY ``rows`` into ``table``; with ``types`` (one PostgreSQL type name a column, which its values must
    be: ``text`` a str, ``int4``/``int8`` an int, ``date`` a date, ``bytea`` bytes going into a text column as
    they are: the server checks they are UTF-8) in the binary format, which neither end has to escape or parse:
    a 20,000-event bundle's rows cost the server and this process about half of what the text format does."""
    if types is None:
        with db.conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
    with db.conn.cursor() as cur, cur.copy(sql) as copy:
        copy.set_types(list(types))
        for row in rows:
            copy.write_row(row)
