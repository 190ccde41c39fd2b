"""The files a hub received, on PostgreSQL: ``hub_files``, the files still missing (``hub_missing_files``)
and the dossiers' results (``result_files``); ``db.file_queries``' twins for a hub."""

from __future__ import annotations

from collections.abc import Iterable

from db.file_queries import _sha
from db.pg.board_queries import by_index
from db.pg.connection import PgConn
from db.pg.event_queries import _keys_cte
from db.result_queries import RESULT_COLUMNS


def hub_file_states(db: PgConn, hashes: Iterable[str]) -> dict[str, str]:
    return dict(
        db.execute(
            "SELECT sha256, state FROM hub_files WHERE sha256 = ANY(%s::text[])", (sorted(set(hashes)),)
        ).fetchall()
    )


def record_hub_file(db: PgConn, row: dict) -> None:
    db.execute(
        "INSERT INTO hub_files (sha256, bytes, state, signer, source, received_at)"
        " VALUES (%(sha256)s, %(bytes)s, %(state)s, %(signer)s, %(source)s, %(received_at)s)"
        " ON CONFLICT (sha256) DO UPDATE SET bytes = excluded.bytes, state = excluded.state,"
        " signer = excluded.signer, source = excluded.source, received_at = excluded.received_at",
        row,
    )
    db.execute("DELETE FROM hub_missing_files WHERE sha256 = %s", (row["sha256"],))


_MISSING_REFS = (
    "WITH d AS MATERIALIZED (SELECT id, code, desk_id FROM dossiers WHERE code = ANY(%b::text[]))"
    " INSERT INTO hub_missing_files (dossier_code, line_code, sha256, desk_id) SELECT * FROM ("
    f" SELECT d.code AS dossier_code, c.code AS line_code, {_sha('c')} AS sha256, d.desk_id FROM d"
    f" JOIN component_lines c ON c.dossier_id = d.id WHERE c.file_path <> ''"
    f" UNION SELECT d.code, r.code, {_sha('r')}, d.desk_id FROM d JOIN result_files r ON r.dossier_id = d.id"
    ") f WHERE NOT EXISTS (SELECT 1 FROM hub_files h WHERE h.sha256 = f.sha256) ON CONFLICT DO NOTHING"
)
"""``db.file_queries.missing_refs`` of the dossiers of some codes, inserted: the dossiers looked up once (not once
for their lines and again for their results), their lines with a file through the partial index of the lines
of note (a line with a file is one: ``db.pg.dossier_queries.LINES_OF_NOTE``)."""


def note_missing_files(db: PgConn, codes: list[str]) -> None:
    if not codes:
        return
    codes = list(codes)
    with by_index(db):
        db.execute("DELETE FROM hub_missing_files WHERE dossier_code = ANY(%b::text[])", (codes,))
        db.execute(_MISSING_REFS, (codes,))


def files_of_other_desks(db: PgConn, own_desk_id: str) -> list[tuple[str, str, str, str]]:
    rows = db.execute(
        "SELECT d.code, c.code, c.file_path, c.file_sha256 FROM component_lines c JOIN dossiers d ON d.id = c.dossier_id"
        " WHERE d.desk_id != %s AND c.file_path != ''"
        " UNION ALL"
        " SELECT d.code, r.code, r.file_path, r.file_sha256 FROM result_files r JOIN dossiers d ON d.id = r.dossier_id"
        " WHERE d.desk_id != %s"
        " ORDER BY 1, 2",
        (own_desk_id, own_desk_id),
    ).fetchall()
    return [tuple(r) for r in rows]


def payloads_with_results(db: PgConn, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    keys = list(keys)
    if not keys:
        return {}
    cte, params = _keys_cte(keys)
    with by_index(db):  # each event by its keys: never every payload of a month read to find a few
        return {
            (r[0], r[1]): r[2]
            for r in db.execute(
                f"WITH {cte} SELECT e.desk_id, e.seq, e.payload FROM k JOIN event_ids i USING (desk_id, seq)"
                " JOIN events e ON e.desk_id = i.desk_id AND e.seq = i.seq AND e.at_day = i.at_day"
                " WHERE strpos(e.payload, '\"results\":') > 0",
                params,
            )
        }


def result_rows(db: PgConn, dossier_id: str) -> list[dict]:
    """``db.result_queries.result_rows``: a dossier's results, first attached first."""
    cols = ", ".join(RESULT_COLUMNS)
    cur = db.execute(f"SELECT {cols} FROM result_files WHERE dossier_id = %s ORDER BY n", (dossier_id,))
    return [dict(zip(RESULT_COLUMNS, r)) for r in cur.fetchall()]


def replace_results(db: PgConn, dossier_id: str, rows: list[dict]) -> None:
    db.execute("DELETE FROM result_files WHERE dossier_id = %s", (dossier_id,))
    if rows:
        db.executemany(
            f"INSERT INTO result_files (dossier_id, {', '.join(RESULT_COLUMNS)})"
            f" VALUES (%s{', %s' * len(RESULT_COLUMNS)})",
            [
                (
                    dossier_id,
                    *(r.get(c, "" if c not in ("n", "file_bytes", "file_pages") else 0) for c in RESULT_COLUMNS),
                )
                for r in rows
            ],
        )
