"""Running sums behind the QĐ 766 figures as the portal computes them (``desk.reports.qd766``).

Two tables (migration ``m013_indicator_sums``):

- ``indicator_facts``: one narrow row per dossier, what it adds to the sums (its
  group key, the day it was received, the day it finished, its flags);
- ``indicator_sums``: per day and (agency, desk, receiving clerk, procedure),
  the counts of dossiers received that day (accepted, scanned, reused, …)
  and of dossiers finished that day (finished, on time, dissatisfied, …).

:func:`refresh` takes a dossier's old facts out of the sums and puts its new
ones in, in the caller's transaction: ``desk.dossier.events.append`` calls it
for the dossier of every event a desk writes (intake, every transition, a
result, a checklist change), and ``desk.sync.ingest.write_rows`` for the
dossiers a hub rebuilds from imported or published events. ``recount`` builds
the same sums from the dossiers for ``desk verify``.

What cannot be a running sum is counted through indexes when asked: the
dossiers still open at the report's moment (a few thousand, by the status
index; those finished since a past moment, by the finish index) and the
dossiers not yet acknowledged (``pending_events``, a short queue).

Dates are the ISO 8601 text the dossiers table stores; a day is its first 10
characters.
"""

from __future__ import annotations

from db.queries import _rows

KEY_COLUMNS = ("agency", "desk_no", "clerk", "procedure_code")
RECEIVED_COLUMNS = (
    "accepted",
    "scanned",
    "scanned_e",
    "reused",
    "data_store",
    "vneid",
    "counted_fee",
    "paid_online",
    "synced",
)
"""Counted on the day a dossier was received (refused ones are not received in the portal's sense).

``scanned``: with a signed scan of a component; ``scanned_e``: and an electronic result; ``counted_fee``:
with a fee counted at intake above 0 (``dossier_fees``); ``synced``: acknowledged by the portal (1.4,
:data:`SYNCED_MEANS`). What the catalogue says of the procedure (a paper
result, a fee) is applied when reporting (``desk.reports.qd766``): the sums are per procedure, and a new
catalogue changes no stored sum."""
FINISHED_COLUMNS = ("finished", "on_time", "dissatisfied", "results", "e_results")
"""Counted on the day a dossier finished (result recorded, else returned, else withdrawn or stopped)."""
SUM_COLUMNS = RECEIVED_COLUMNS + FINISHED_COLUMNS
FACT_COLUMNS = ("code", *KEY_COLUMNS, "rday", "fday", *RECEIVED_COLUMNS, *FINISHED_COLUMNS[1:], "supplements")
"""A dossier's facts; ``supplements`` (its supplement requests) also tells the portal record which
dossiers have a supplement history to read (``db.portal_queries``)."""

SUPPLEMENT_EVENT = "dossier.supplement_requested"
OPEN = ("received", "transferred", "supplement")
CLOSED = ("withdrawn", "stopped")
REUSE_POPULATION = ("VNeID", "CSDLQG dân cư")
"""Reuse sources that are the population database (4.5, DSKetNoiCSDL)."""
VNEID_CHANNEL = "vneid"

FINISHED = ("result_ready", "returned", *CLOSED)
_FINISH = (
    "coalesce(d.finished_at, d.returned_at, "
    f"CASE WHEN d.status IN ({', '.join(repr(s) for s in FINISHED)}) THEN d.updated_at END)"
)
"""The portal's finish time: "Đã xử lý xong", else "Đã trả", else the stop (a withdrawal counts as one);
a dossier in a finished status without those dates (an old import) takes its last change."""

RESULT_EVENT = "result.attached"
_SUPPLEMENTS_OF_ONE = f"(SELECT count(*) FROM events e WHERE e.dossier_code = d.code AND e.type = '{SUPPLEMENT_EVENT}')"
_RESULT_OF_ONE = f"EXISTS (SELECT 1 FROM events e WHERE e.dossier_code = d.code AND e.type = '{RESULT_EVENT}')"
"""An electronic result was attached: from the events, which a hub holds as the desk does (a hub keeps no
``result_files`` rows: only the desk stores the PDFs)."""

_ACKED = "EXISTS (SELECT 1 FROM portal_outbox o WHERE o.dossier_code = d.code AND o.first_acknowledged_at IS NOT NULL)"
"""The portal acknowledged the dossier's record at least once (``db.outbox_queries.acknowledged``): 1.4's
"synced" at a hub. A home migrated before the outbox existed (``m013``) has none: see :func:`build_all`."""

_BITS = (
    "max(l.digitisation = 'digitised' AND l.file_path <> '')"
    " + 2 * max(l.digitisation IN ('reused_store', 'reused_dossier'))"
    " + 4 * max(l.digitisation = 'reused_store')"
    f" + 8 * max(l.digitisation = 'reused_store' AND l.reuse_source IN ('{REUSE_POPULATION[0]}', '{REUSE_POPULATION[1]}'))"
)
_LINE_BITS = f"(SELECT {_BITS} FROM component_lines l WHERE l.dossier_id = d.id)"
"""Bits of a dossier's components (handed in, or reused instead): 1 a signed scan (``digitised``; ``digitised_unsigned`` is not),
2 reused, 4 reused from a data store, 8 reused from the population database."""


def _facts_select(
    where: str,
    supplements: str = _SUPPLEMENTS_OF_ONE,
    bits: str = _LINE_BITS,
    attached: str = _RESULT_OF_ONE,
    acked: str = _ACKED,
) -> str:
    """SELECT of the facts (FACT_COLUMNS, in order) of the dossiers ``d`` that ``where`` keeps."""
    # OFFSET keeps SQLite from flattening the inner SELECT into the outer one: flattened, the correlated
    # sub-queries (bits, sup, e_results) ran once per use (bits five times a dossier); 2.5 times faster
    return f"""
        SELECT code, agency, desk_no, clerk, procedure_code, rday,
          CASE WHEN accepted THEN substr(finish, 1, 10) END AS fday,
          accepted,
          accepted AND (bits & 1) > 0 AS scanned,
          accepted AND (bits & 1) > 0 AND e_results AS scanned_e,
          accepted AND (bits & 2) > 0 AS reused,
          accepted AND (bits & 4) > 0 AS data_store,
          accepted AND (channel = '{VNEID_CHANNEL}' OR (bits & 8) > 0) AS vneid,
          accepted AND counted_fee AS counted_fee,
          0 AS paid_online,
          accepted AND acked AS synced,
          accepted AND finish IS NOT NULL AND (due_at IS NULL OR finish <= due_at) AND sup <= 1 AS on_time,
          accepted AND finish IS NOT NULL AND satisfaction = 'Không hài lòng' AS dissatisfied,
          accepted AND finished_at IS NOT NULL AS results,
          accepted AND finished_at IS NOT NULL AND e_results AS e_results,
          sup AS supplements
        FROM (
          SELECT d.code, substr(d.code, 1, length(d.code) - 12) AS agency, d.desk_no, d.clerk,
            d.procedure_code, substr(d.received_at, 1, 10) AS rday, d.status <> 'refused' AS accepted,
            {_FINISH} AS finish, d.due_at, d.finished_at, d.satisfaction, d.channel,
            coalesce({bits}, 0) AS bits,
            {supplements} AS sup,
            {attached} AS e_results,
            EXISTS (SELECT 1 FROM dossier_fees f WHERE f.dossier_id = d.id AND f.amount > 0) AS counted_fee,
            {acked} AS acked
          FROM dossiers d WHERE {where}
          LIMIT -1 OFFSET 0
        )"""


def _expanded(facts: str) -> str:
    """The sums' rows (day, key, SUM_COLUMNS) a set of facts adds: one by received day, one by finish day."""
    keys = ", ".join(KEY_COLUMNS)
    zeros_f = ", ".join(f"0 AS {c}" for c in FINISHED_COLUMNS)
    zeros_r = ", ".join("0" for _ in RECEIVED_COLUMNS)
    return f"""
        SELECT rday AS day, {keys}, {", ".join(RECEIVED_COLUMNS)}, {zeros_f} FROM {facts} WHERE accepted
        UNION ALL
        SELECT fday, {keys}, {zeros_r}, 1, {", ".join(FINISHED_COLUMNS[1:])} FROM {facts} WHERE fday IS NOT NULL"""


def _add(db, facts: str, params: tuple, sign: int) -> None:
    keys = ", ".join(KEY_COLUMNS)
    sums = ", ".join(f"{sign} * sum({c})" for c in SUM_COLUMNS)
    sets = ", ".join(f"{c} = {c} + excluded.{c}" for c in SUM_COLUMNS)
    db.execute(
        f"""
        INSERT INTO indicator_sums(day, {keys}, {", ".join(SUM_COLUMNS)})
        SELECT day, {keys}, {sums} FROM ({_expanded(facts)}) WHERE true GROUP BY day, {keys}
        ON CONFLICT(day, {keys}) DO UPDATE SET {sets}""",
        params * 2,
    )


def create_tables(db) -> None:
    """The two tables (for the migration)."""
    keys = "agency TEXT NOT NULL, desk_no INTEGER NOT NULL, clerk TEXT NOT NULL, procedure_code TEXT NOT NULL"
    ints = ", ".join(f"{c} INTEGER NOT NULL DEFAULT 0" for c in SUM_COLUMNS)
    db.execute(
        f"CREATE TABLE indicator_sums (day TEXT NOT NULL, {keys}, {ints}, "
        f"PRIMARY KEY (day, {', '.join(KEY_COLUMNS)})) WITHOUT ROWID"
    )
    flags = ", ".join(f"{c} INTEGER NOT NULL" for c in (*RECEIVED_COLUMNS, *FINISHED_COLUMNS[1:], "supplements"))
    db.execute(
        f"CREATE TABLE indicator_facts (code TEXT PRIMARY KEY, {keys}, rday TEXT NOT NULL, fday TEXT, {flags})"
        " WITHOUT ROWID"
    )


def _bulk_parts(db) -> tuple[str, str, str]:
    """Temporary tables for a pass over every dossier: each dossier's supplement requests and whether an
    electronic result was attached (one pass over the events) and its components' bits (one pass over the lines, in the index's order); returns the
    expressions that read them in :func:`_facts_select`. A look-up per dossier would read every event row.
    """
    _drop_bulk_parts(db)
    db.execute(
        "CREATE TEMP TABLE indicator_supplements (code TEXT PRIMARY KEY, n INTEGER NOT NULL, results INTEGER NOT NULL)"
        " WITHOUT ROWID"
    )
    db.execute(
        f"INSERT INTO temp.indicator_supplements SELECT dossier_code, sum(type = '{SUPPLEMENT_EVENT}'), "
        f"max(type = '{RESULT_EVENT}') FROM events WHERE type IN ('{SUPPLEMENT_EVENT}', '{RESULT_EVENT}') "
        "GROUP BY dossier_code"
    )
    db.execute("CREATE TEMP TABLE indicator_lines (id TEXT PRIMARY KEY, bits INTEGER NOT NULL) WITHOUT ROWID")
    db.execute(
        f"INSERT INTO temp.indicator_lines SELECT dossier_id, {_BITS} FROM component_lines l GROUP BY dossier_id"
    )
    return (
        "coalesce((SELECT s.n FROM temp.indicator_supplements s WHERE s.code = d.code), 0)",
        "(SELECT b.bits FROM temp.indicator_lines b WHERE b.id = d.id)",
        "coalesce((SELECT s.results FROM temp.indicator_supplements s WHERE s.code = d.code), 0)",
    )


def _drop_bulk_parts(db) -> None:
    for name in ("indicator_supplements", "indicator_lines", "indicator_recount"):
        db.execute(f"DROP TABLE IF EXISTS temp.{name}")


def build_all(db) -> None:
    """Facts and sums of every dossier, from scratch (the migration; tables empty)."""
    parts = _bulk_parts(db)
    outbox = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'portal_outbox'").fetchone()
    acked = _ACKED if outbox else "0"  # m013 runs before m015 made the outbox; m016 counts the acknowledged
    db.execute(f"INSERT INTO indicator_facts({', '.join(FACT_COLUMNS)}) {_facts_select('true', *parts, acked)}")
    _add(db, "indicator_facts", (), 1)
    _drop_bulk_parts(db)


def refresh(db, codes: list[str]) -> None:
    """Take the old facts of these dossiers out of the sums and put their current facts in.

    Inside the caller's write transaction, after the dossiers' rows are written.
    """
    if not codes:
        return
    import json

    arg = json.dumps(sorted(set(codes)))
    chosen = "code IN (SELECT value FROM json_each(?))"
    old = f"(SELECT * FROM indicator_facts WHERE {chosen})"
    _add(db, old, (arg,), -1)
    db.execute(f"DELETE FROM indicator_facts WHERE {chosen}", (arg,))
    db.execute(
        f"INSERT INTO indicator_facts({', '.join(FACT_COLUMNS)}) {_facts_select('d.' + chosen)}",
        (arg,),
    )
    _add(db, old, (arg,), 1)


def recount_differences(db, limit: int = 20) -> list[dict]:
    """Days and groups where the stored sums differ from a recount of the dossiers (for ``desk verify``).

    The recount reads every dossier, line and event once: ``desk verify`` only.
    """
    keys = ", ".join(KEY_COLUMNS)
    cols = ", ".join(SUM_COLUMNS)
    fresh = f"({_facts_select('true', *_bulk_parts(db))})"
    recount = f"SELECT day, {keys}, {', '.join(f'sum({c}) AS {c}' for c in SUM_COLUMNS)} FROM ({_expanded(fresh)}) GROUP BY day, {keys}"
    stored = f"SELECT day, {keys}, {cols} FROM indicator_sums WHERE {' OR '.join(f'{c} <> 0' for c in SUM_COLUMNS)}"
    try:
        db.execute(f"CREATE TEMP TABLE indicator_recount AS {recount}")
        recounted = f"SELECT day, {keys}, {cols} FROM temp.indicator_recount"
        return _rows(
            db,
            f"""
            SELECT * FROM (SELECT 'stored' AS side, * FROM ({stored} EXCEPT {recounted})
                           UNION ALL SELECT 'recount', * FROM ({recounted} EXCEPT {stored}))
            ORDER BY day, {keys}, side LIMIT ?""",
            (limit,),
        )
    finally:
        _drop_bulk_parts(db)


def filters(
    alias: str, desk: tuple[str, int] | None, clerk: str | None, procedure: str | None, *, mark: str = "?"
) -> tuple[str, list]:
    """The ``AND …`` conditions of a sums or facts query and their parameters (``mark``: the driver's
    placeholder, ``%s`` on PostgreSQL: ``db.pg.indicator_sums``)."""
    where: list[str] = []
    params: list[object] = []
    if desk is not None:
        agency, desk_no = desk
        if agency:
            where.append(f"{alias}agency = {mark}")
            params.append(agency)
        where.append(f"{alias}desk_no = {mark}")
        params.append(desk_no)
    if clerk is not None:
        where.append(f"{alias}clerk = {mark}")
        params.append(clerk)
    if procedure is not None:
        where.append(f"{alias}procedure_code = {mark}")
        params.append(procedure)
    return "".join(f" AND {w}" for w in where), params


def sum_groups(db, first_day: str, end_day: str, *, desk=None, clerk=None, procedure=None) -> list[dict]:
    """The sums of the days [first_day, end_day) per group (a year: a few thousand index-ordered rows)."""
    keys = ", ".join(KEY_COLUMNS)
    extra, params = filters("", desk, clerk, procedure)
    return _rows(
        db,
        f"SELECT {keys}, {', '.join(f'sum({c}) AS {c}' for c in SUM_COLUMNS)} FROM indicator_sums "
        f"WHERE day >= ? AND day < ?{extra} GROUP BY {keys}",
        (first_day, end_day, *params),
    )


def open_groups(db, as_of: str, *, desk=None, clerk=None, procedure=None) -> list[dict]:
    """Accepted dossiers still in progress at ``as_of`` per group, and those of them within their time.

    Within time (:data:`WITHIN`): at most one supplement request, and either the clock stopped by it before
    the due time (the dossier counts at the request time) or the due time not passed. Three disjoint sets,
    each through an index (:func:`open_at`).
    """
    extra, params = filters("", desk, clerk, procedure)
    return _rows(
        db,
        f"""
        SELECT agency, desk_no, clerk, procedure_code, count(*) AS open, sum({WITHIN}) AS open_within
        FROM ({open_at()}) WHERE true{extra}
        GROUP BY agency, desk_no, clerk, procedure_code""",
        (as_of, *open_at_params(as_of), *params),
    )


WITHIN = "(sup <= 1 AND (due_at IS NULL OR due_at >= ? OR (paused_at IS NOT NULL AND paused_at <= due_at)))"
"""An open dossier of :func:`open_at` within its time at the moment (the one parameter); the late list
(``db.indicator_late``) takes the others, so that it names exactly the dossiers 2.1 counts late."""


def open_at(columns: str = "") -> str:
    """The accepted dossiers in progress at a moment (parameters: :func:`open_at_params`), with their group
    key, ``due_at``, ``paused_at`` (the supplement pause they wait in at the moment) and ``sup`` (their
    supplement requests), and ``columns`` (more columns of ``d``). Three disjoint sets, each through an
    index: open now (status), result recorded after the moment (finish index), withdrawn or stopped after
    it; for the last two the supplement pause at the moment is not known and not used."""
    keys = f"{_AGENCY} AS agency, d.desk_no, d.clerk, d.procedure_code{columns}"
    return f"""
          SELECT {keys}, d.due_at, CASE WHEN d.status = 'supplement' AND d.paused_at <= ? THEN d.paused_at END
            AS paused_at, {_SUPPLEMENTS_OF_ONE} AS sup
          FROM dossiers d WHERE d.status IN ({_marks(OPEN)}) AND d.received_at < ?
          UNION ALL
          SELECT {keys}, d.due_at, NULL, {_SUPPLEMENTS_OF_ONE}
          FROM dossiers d WHERE d.finished_at >= ? AND d.received_at < ? AND d.status <> 'refused'
          UNION ALL
          SELECT {keys}, d.due_at, NULL, {_SUPPLEMENTS_OF_ONE}
          FROM dossiers d WHERE d.status IN ({_marks(CLOSED)}) AND d.finished_at IS NULL
            AND d.updated_at >= ? AND d.received_at < ?"""


def open_at_params(as_of: str) -> tuple:
    return (as_of, *OPEN, as_of, as_of, as_of, *CLOSED, as_of, as_of)


# --- 1.4 "synced": the one place that says what synced means --------------------------------------------

SYNCED_MEANS = "portal"
"""What 1.4 counts as synced at a hub: "portal", the portal acknowledged the dossier's record at least once
(``portal_outbox.first_acknowledged_at``, set by the forwarder: ``desk.sync.forward``). A running sum: the
``synced`` column of the sums, by the day the dossier was received; the forwarder refreshes a dossier's facts
in the transaction that records its acknowledgement. ``desk.reports.qd766`` reads it at a hub."""

DESK_SYNCED_MEANS = "hub"
"""What 1.4 counts as synced at a desk, which cannot know the portal: "hub", no event of the dossier waits
to be exported or pushed from this home (:func:`unsynced_groups`): "đã gửi hub"."""


def heard_from_others(db, desk_id: str) -> bool:
    """Whether events of a desk other than ``desk_id`` were imported here (this home acts as a hub)."""
    return db.execute("SELECT 1 FROM sync_desks WHERE desk_id <> ? LIMIT 1", (desk_id,)).fetchone() is not None


def add_synced_column(db) -> None:
    """The ``synced`` column for a home whose sums were made before it (migration ``m016``), filled from the
    outbox: the dossiers the portal acknowledged, added to the sums of the day they were received."""
    for table in ("indicator_facts", "indicator_sums"):
        names = [r[1] for r in db.execute(f"PRAGMA table_info({table})").fetchall()]
        if "synced" not in names:
            db.execute(f"ALTER TABLE {table} ADD COLUMN synced INTEGER NOT NULL DEFAULT 0")
    db.execute(
        "UPDATE indicator_facts SET synced = 1 WHERE accepted AND synced = 0 AND code IN "
        "(SELECT dossier_code FROM portal_outbox WHERE first_acknowledged_at IS NOT NULL)"
    )
    keys = ", ".join(KEY_COLUMNS)
    db.execute(
        f"""
        INSERT INTO indicator_sums(day, {keys}, synced)
        SELECT rday, {keys}, count(*) FROM indicator_facts WHERE synced GROUP BY rday, {keys} ORDER BY 1
        ON CONFLICT(day, {keys}) DO UPDATE SET synced = excluded.synced"""
    )


def unsynced_groups(db, start: str, end: str, *, desk=None, clerk=None, procedure=None) -> list[dict]:
    """Accepted dossiers received in [start, end) not sent to the hub yet, per group (:data:`DESK_SYNCED_MEANS`).

    Through the short queue of pending events, not the dossiers: a desk that exports daily holds a day's.
    """
    extra, params = filters("", desk, clerk, procedure)
    return _rows(
        db,
        f"""
        SELECT agency, desk_no, clerk, procedure_code, count(*) AS unsynced FROM (
          SELECT {_AGENCY} AS agency, d.desk_no, d.clerk, d.procedure_code FROM dossiers d
          WHERE d.code IN (SELECT DISTINCT dossier_code FROM pending_events)
            AND d.received_at >= ? AND d.received_at < ? AND d.status <> 'refused'
        ) WHERE true{extra}
        GROUP BY agency, desk_no, clerk, procedure_code""",
        (start, end, *params),
    )


_AGENCY = "substr(d.code, 1, length(d.code) - 12)"


def _marks(values) -> str:
    return ", ".join("?" for _ in values)
