"""The QĐ 766 running sums of a hub on PostgreSQL: ``db.indicator_sums`` and ``db.indicator_late`` for the
store of ``[hub] database`` (the same tables, columns, functions and answers; step 2 of ``db.pg.migrations``).

:func:`refresh` runs in the transaction that rebuilds the dossiers of an import (``desk.sync.ingest.write_rows``
through the store: ``refresh_indicator_sums`` of ``db.pg.hub_queries``), and must run in the transaction that
records the portal's acknowledgement of a dossier (1.4). The reads are those of ``desk.reports.qd766``.

Differences from SQLite, each said where it is: the hub's PostgreSQL keeps no fees counted at intake
(``dossier_fees``), so ``counted_fee`` is 0 there and 3.6's denominator is the procedures the catalogue gives a
fee; the outbox (``portal_outbox``) may not be in the database yet: 1.4's ``synced`` is then 0 (:func:`_acked`).
Booleans are cast to integers (the columns are INTEGER, as on SQLite).
"""

from __future__ import annotations

from db.indicator_sums import (
    _AGENCY,
    _FINISH,
    CLOSED,
    FACT_COLUMNS,
    FINISHED_COLUMNS,
    KEY_COLUMNS,
    OPEN,
    RECEIVED_COLUMNS,
    RESULT_EVENT,
    REUSE_POPULATION,
    SUM_COLUMNS,
    SUPPLEMENT_EVENT,
    VNEID_CHANNEL,
    filters,
)
from db.pg.connection import PgConn
from db.pg.dossier_queries import LINES_OF_NOTE

_SUP = f"(SELECT count(*) FROM events e WHERE e.dossier_code = d.code AND e.type = '{SUPPLEMENT_EVENT}')"
_BITS = (
    "(SELECT coalesce(bool_or(l.digitisation = 'digitised' AND l.file_path <> '')::int"
    " + 2 * bool_or(l.digitisation IN ('reused_store', 'reused_dossier'))::int"
    " + 4 * bool_or(l.digitisation = 'reused_store')::int"
    f" + 8 * bool_or(l.digitisation = 'reused_store' AND l.reuse_source IN ('{REUSE_POPULATION[0]}',"
    f" '{REUSE_POPULATION[1]}'))::int, 0) FROM component_lines l WHERE l.dossier_id = d.id AND ({LINES_OF_NOTE}))"
)
"""The scan and reuse bits of a dossier's lines; only lines of note can set one, and those are read by a partial
index of their own (``db.pg.dossier_queries.LINES_OF_NOTE``), not every line of the dossier by the primary key."""
_ACKED = "EXISTS (SELECT 1 FROM portal_outbox o WHERE o.dossier_code = d.code AND o.first_acknowledged_at IS NOT NULL)"


def _acked(db: PgConn) -> str:
    """1.4's "acknowledged by the portal", or FALSE where the outbox is not in this database (yet). Once seen
    there, the pool remembers it (no step takes it out): a batch does not ask again."""
    known = db.pool.tables
    if "portal_outbox" not in known:
        if not db.execute("SELECT to_regclass('portal_outbox') IS NOT NULL").fetchone()[0]:
            return "FALSE"
        known.add("portal_outbox")
    return _ACKED


def facts_select(where: str, acked: str, events_where: str = "true") -> str:
    """SELECT of the facts (FACT_COLUMNS, in order) of the dossiers ``d`` that ``where`` keeps; ``events_where``
    narrows the events ``e`` read for their supplements and results to those dossiers' (one grouped read,
    not two look-ups per dossier in every month partition)."""
    return f"""
        SELECT code, agency, desk_no, clerk, procedure_code, rday,
          CASE WHEN accepted THEN substr(finish, 1, 10) END AS fday,
          accepted::int,
          (accepted AND (bits & 1) > 0)::int,
          (accepted AND (bits & 1) > 0 AND e_results)::int,
          (accepted AND (bits & 2) > 0)::int,
          (accepted AND (bits & 4) > 0)::int,
          (accepted AND (channel = '{VNEID_CHANNEL}' OR (bits & 8) > 0))::int,
          0, 0,
          (accepted AND acked)::int,
          (accepted AND finish IS NOT NULL AND (due_at IS NULL OR finish <= due_at) AND sup <= 1)::int,
          (accepted AND finish IS NOT NULL AND satisfaction = 'Không hài lòng')::int,
          (accepted AND finished_at IS NOT NULL)::int,
          (accepted AND finished_at IS NOT NULL AND e_results)::int,
          sup
        FROM (
          SELECT d.code, {_AGENCY} AS agency, d.desk_no, d.clerk, d.procedure_code,
            substr(d.received_at, 1, 10) AS rday, d.status <> 'refused' AS accepted,
            {_FINISH} AS finish, d.due_at, d.finished_at, d.satisfaction, d.channel,
            {_BITS} AS bits, coalesce(ev.sup, 0) AS sup, coalesce(ev.e_results, FALSE) AS e_results,
            {acked} AS acked
          FROM dossiers d
          LEFT JOIN (
            SELECT e.dossier_code, count(*) FILTER (WHERE e.type = '{SUPPLEMENT_EVENT}') AS sup,
              bool_or(e.type = '{RESULT_EVENT}') AS e_results
            FROM events e WHERE e.type IN ('{SUPPLEMENT_EVENT}', '{RESULT_EVENT}') AND {events_where}
            GROUP BY e.dossier_code
          ) ev ON ev.dossier_code = d.code
          WHERE {where} OFFSET 0
        ) f"""


# the columns in facts_select's order: 0 counted_fee (no dossier_fees here), 0 paid_online
assert FACT_COLUMNS[7:17] == (*RECEIVED_COLUMNS, *FINISHED_COLUMNS[1:2]), FACT_COLUMNS


def _expanded(facts: str) -> str:
    keys = ", ".join(KEY_COLUMNS)
    zeros_f = ", ".join(f"0 AS {c}" for c in FINISHED_COLUMNS)
    zeros_r = ", ".join("0" for _ in RECEIVED_COLUMNS)
    return f"""
        SELECT rday AS day, {keys}, {", ".join(RECEIVED_COLUMNS)}, {zeros_f} FROM {facts} x WHERE accepted = 1
        UNION ALL
        SELECT fday, {keys}, {zeros_r}, 1, {", ".join(FINISHED_COLUMNS[1:])} FROM {facts} y WHERE fday IS NOT NULL"""


def _add(db: PgConn, facts: str, params: tuple, sign: int) -> None:
    """Add ``sign`` times the facts that the statement ``facts`` returns (a DELETE or INSERT of
    ``indicator_facts`` … RETURNING *: the facts are written and summed in one statement) to the sums."""
    keys = ", ".join(KEY_COLUMNS)
    sums = ", ".join(f"{sign} * sum({c})" for c in SUM_COLUMNS)
    sets = ", ".join(f"{c} = indicator_sums.{c} + excluded.{c}" for c in SUM_COLUMNS)
    # in key order: two imports adding to the same rows take their locks in one order
    db.execute(
        f"""
        WITH f AS ({facts})
        INSERT INTO indicator_sums(day, {keys}, {", ".join(SUM_COLUMNS)})
        SELECT day, {keys}, {sums} FROM ({_expanded("f")}) z GROUP BY day, {keys} ORDER BY day, {keys}
        ON CONFLICT (day, {keys}) DO UPDATE SET {sets}""",
        params,
    )


def refresh(db: PgConn, codes: list[str]) -> None:
    """Take the old facts of these dossiers out of the sums and put their current facts in (in the caller's
    write transaction, after the dossiers' rows are written): two statements, the old facts deleted and
    subtracted, the new ones written and added."""
    if not codes:
        return
    chosen = sorted(set(codes))
    # by the indexes (dossiers' code, events' dossier_code, component_lines' dossier_id): rows written in this
    # very transaction have no planner statistics yet, and a plan made without them scanned whole month
    # partitions per chunk (a 20,000-event bundle: 11 s of server CPU instead of well under 1 s)
    with db.by_index():
        _add(db, "DELETE FROM indicator_facts WHERE code = ANY(%b) RETURNING *", (chosen,), -1)
        facts = facts_select("d.code = ANY(%b)", _acked(db), "e.dossier_code = ANY(%b)")
        _add(db, f"INSERT INTO indicator_facts({', '.join(FACT_COLUMNS)}) {facts} RETURNING *", (chosen, chosen), 1)


def rebuild_all(db: PgConn) -> None:
    """Facts and sums of every dossier again, from scratch (``desk hub migrate``, once its dossiers, events and
    outbox are in: they came in bulk, without :func:`refresh`)."""
    keys = ", ".join(KEY_COLUMNS)
    db.execute("DELETE FROM indicator_sums")
    db.execute("DELETE FROM indicator_facts")
    db.execute(f"INSERT INTO indicator_facts({', '.join(FACT_COLUMNS)}) {facts_select('true', _acked(db))}")
    db.execute(
        f"INSERT INTO indicator_sums(day, {keys}, {', '.join(SUM_COLUMNS)})"
        f" SELECT day, {keys}, {', '.join(f'sum({c})' for c in SUM_COLUMNS)}"
        f" FROM ({_expanded('indicator_facts')}) z GROUP BY day, {keys}"
    )


def recount_differences(db: PgConn, limit: int = 20) -> list[dict]:
    """``db.indicator_sums.recount_differences`` on PostgreSQL: days and groups where the stored sums differ
    from a recount of every dossier (``desk verify`` at a hub; one read of the dossiers, lines and events)."""
    keys = ", ".join(KEY_COLUMNS)
    cols = ", ".join(SUM_COLUMNS)
    recount = (
        f"SELECT day, {keys}, {', '.join(f'sum({c})::int AS {c}' for c in SUM_COLUMNS)}"
        f" FROM ({_expanded('fresh')}) z GROUP BY day, {keys}"
    )
    stored = f"SELECT day, {keys}, {cols} FROM indicator_sums WHERE {' OR '.join(f'{c} <> 0' for c in SUM_COLUMNS)}"
    return _rows(
        db,
        f"""
        WITH fresh({", ".join(FACT_COLUMNS)}) AS MATERIALIZED ({facts_select("true", _acked(db))}),
          recounted AS MATERIALIZED ({recount}), kept AS MATERIALIZED ({stored})
        SELECT * FROM (
          SELECT 'stored' AS side, * FROM (SELECT * FROM kept EXCEPT SELECT * FROM recounted) a
          UNION ALL SELECT 'recount', * FROM (SELECT * FROM recounted EXCEPT SELECT * FROM kept) b) x
        ORDER BY day, {keys}, side LIMIT %s""",
        (limit,),
    )


def schema() -> str:
    """The tables, their indexes and the facts and sums of the dossiers already there (migration step)."""
    keys = "agency TEXT NOT NULL, desk_no INTEGER NOT NULL, clerk TEXT NOT NULL, procedure_code TEXT NOT NULL"
    ints = ", ".join(f"{c} INTEGER NOT NULL DEFAULT 0" for c in SUM_COLUMNS)
    flags = ", ".join(f"{c} INTEGER NOT NULL" for c in (*RECEIVED_COLUMNS, *FINISHED_COLUMNS[1:], "supplements"))
    k = ", ".join(KEY_COLUMNS)
    return f"""
CREATE TABLE indicator_sums (day TEXT NOT NULL, {keys}, {ints}, PRIMARY KEY (day, {k}));
CREATE TABLE indicator_facts (code TEXT PRIMARY KEY, {keys}, rday TEXT NOT NULL, fday TEXT, {flags});
CREATE INDEX indicator_facts_late ON indicator_facts(fday) WHERE on_time = 0 AND fday IS NOT NULL;
CREATE INDEX dossiers_status ON dossiers(status);
CREATE INDEX dossiers_finished_received ON dossiers(finished_at, received_at) WHERE finished_at IS NOT NULL;
INSERT INTO indicator_facts({", ".join(FACT_COLUMNS)}) {facts_select("true", "FALSE")};
INSERT INTO indicator_sums(day, {k}, {", ".join(SUM_COLUMNS)})
  SELECT day, {k}, {", ".join(f"sum({c})" for c in SUM_COLUMNS)} FROM ({_expanded("indicator_facts")}) z
  GROUP BY day, {k};
"""


# --- reads (``desk.reports.qd766``, ``desk.reports.report766``) ------------------------------------------


def _rows(db: PgConn, sql: str, params=()) -> list[dict]:
    cur = db.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _filters(alias: str, desk, clerk, procedure) -> tuple[str, list]:
    return filters(alias, desk, clerk, procedure, mark="%s")  # the same conditions, psycopg's placeholder


def sum_groups(db: PgConn, first_day: str, end_day: str, *, desk=None, clerk=None, procedure=None) -> list[dict]:
    keys = ", ".join(KEY_COLUMNS)
    extra, params = _filters("", desk, clerk, procedure)
    return _rows(
        db,
        f"SELECT {keys}, {', '.join(f'sum({c}) AS {c}' for c in SUM_COLUMNS)} FROM indicator_sums "
        f"WHERE day >= %s AND day < %s{extra} GROUP BY {keys}",
        (first_day, end_day, *params),
    )


WITHIN = "(sup <= 1 AND (due_at IS NULL OR due_at >= %s OR (paused_at IS NOT NULL AND paused_at <= due_at)))"


def _marks(values) -> str:
    return ", ".join("%s" for _ in values)


def open_at(columns: str = "") -> str:
    """``db.indicator_sums.open_at`` (the same three sets, through the indexes of step 2)."""
    keys = f"{_AGENCY} AS agency, d.desk_no, d.clerk, d.procedure_code{columns}"
    return f"""
          SELECT {keys}, d.due_at, CASE WHEN d.status = 'supplement' AND d.paused_at <= %s THEN d.paused_at END
            AS paused_at, {_SUP} AS sup
          FROM dossiers d WHERE d.status IN ({_marks(OPEN)}) AND d.received_at < %s
          UNION ALL
          SELECT {keys}, d.due_at, NULL, {_SUP}
          FROM dossiers d WHERE d.finished_at >= %s AND d.received_at < %s AND d.status <> 'refused'
          UNION ALL
          SELECT {keys}, d.due_at, NULL, {_SUP}
          FROM dossiers d WHERE d.status IN ({_marks(CLOSED)}) AND d.finished_at IS NULL
            AND d.updated_at >= %s AND d.received_at < %s"""


def open_at_params(as_of: str) -> tuple:
    return (as_of, *OPEN, as_of, as_of, as_of, *CLOSED, as_of, as_of)


def open_groups(db: PgConn, as_of: str, *, desk=None, clerk=None, procedure=None) -> list[dict]:
    extra, params = _filters("", desk, clerk, procedure)
    return _rows(
        db,
        f"""
        SELECT agency, desk_no, clerk, procedure_code, count(*) AS open, count(*) FILTER (WHERE {WITHIN})
          AS open_within
        FROM ({open_at()}) o WHERE true{extra}
        GROUP BY agency, desk_no, clerk, procedure_code""",
        (as_of, *open_at_params(as_of), *params),
    )


def unsynced_groups(db: PgConn, start: str, end: str, *, desk=None, clerk=None, procedure=None) -> list[dict]:
    """A hub reads 1.4 from the sums (``synced``); nothing waits here to be sent to a hub."""
    return []


def late_dossiers(
    db: PgConn, first_day: str, end_day: str, as_of: str | None, *, desk=None, limit: int | None = None
) -> list[dict]:
    """``db.indicator_late.late_dossiers`` on PostgreSQL."""
    extra_f, params_f = _filters("f.", desk, None, None)
    parts = [
        f"""
        SELECT f.code, f.agency, f.desk_no, f.procedure_code, d.procedure_name, d.received_at, d.due_at,
          {_FINISH} AS finished_at, f.supplements,
          d.due_at IS NOT NULL AND {_FINISH} > d.due_at AS past_due
        FROM indicator_facts f JOIN dossiers d ON d.code = f.code
        WHERE f.on_time = 0 AND f.fday >= %s AND f.fday < %s{extra_f}"""
    ]
    params: list = [first_day, end_day, *params_f]
    if as_of is not None:
        extra_o, params_o = _filters("", desk, None, None)
        parts.append(
            f"""
            SELECT code, agency, desk_no, procedure_code, procedure_name, received_at, due_at, NULL, sup,
              NOT (due_at IS NULL OR due_at >= %s OR (paused_at IS NOT NULL AND paused_at <= due_at))
            FROM ({open_at(", d.code, d.procedure_name, d.received_at")}) o
            WHERE NOT {WITHIN}{extra_o}"""
        )
        params += [as_of, *open_at_params(as_of), as_of, *params_o]
    sql = " UNION ALL ".join(parts) + " ORDER BY agency, desk_no, due_at, code"
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    return _rows(db, sql, tuple(params))
