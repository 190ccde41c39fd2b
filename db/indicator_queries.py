"""Aggregate queries behind the service-quality indicators (``desk.reports.indicators``).

Every query is grouped by the same key — (agency code, desk number, receiving
clerk, procedure code) — and reads only what an index leads to: dossiers
received, finished or returned in a period, dossiers currently open, and those
that changed state after a moment. No query loads every dossier; the core adds
the groups up into the overall, per-desk, per-clerk and per-procedure figures.

Dates are the ISO 8601 text the dossiers table stores (``2026-11-23T09:00:00``),
so comparing the text compares the moments.
"""

from __future__ import annotations

from db.queries import _rows

# the agency code is what precedes "-YYMMDD-XXXX" (12 characters) in a dossier code
_AGENCY = "substr(d.code, 1, length(d.code) - 12)"
_KEY = f"{_AGENCY} AS agency, d.desk_no AS desk_no, d.clerk AS clerk, d.procedure_code AS procedure_code"
_GROUP = "GROUP BY agency, desk_no, clerk, procedure_code"

OPEN = ("received", "transferred", "supplement")
"""Statuses of a dossier still being processed (its result not recorded yet)."""
CLOSED_UNFINISHED = ("refused", "withdrawn", "stopped")
"""Final statuses reached without a result."""
DIGITAL = ("digitised", "reused_store", "reused_dossier")
REUSED = ("reused_store", "reused_dossier")

SATISFACTION_ANSWERS = ("Rất hài lòng", "Hài lòng", "Không hài lòng")


def _marks(values) -> str:
    return ", ".join("?" for _ in values)


def received_groups(db, start: str, end: str) -> list[dict]:
    """Dossiers received in [start, end): counts, refused, digitised, reused, synced (no pending event).

    One look at a dossier's lines gives both flags: 2 when a line is reused,
    1 when one is digitised, 0 otherwise.
    """
    return _rows(
        db,
        f"""
        SELECT {_KEY}, max(d.procedure_name) AS procedure_name,
          count(*) AS received,
          sum(d.status = 'refused') AS refused,
          sum(d.status <> 'refused' AND d.digital >= 1) AS digitised,
          sum(d.status <> 'refused' AND d.digital = 2) AS reused,
          sum(d.synced) AS synced
        FROM (
          SELECT d.code, d.desk_no, d.clerk, d.procedure_code, d.procedure_name, d.status,
            (SELECT max(CASE WHEN l.digitisation IN ({_marks(REUSED)}) THEN 2
                             WHEN l.digitisation IN ({_marks(DIGITAL)}) THEN 1 ELSE 0 END)
               FROM component_lines l WHERE l.dossier_id = d.id) AS digital,
            d.code NOT IN (SELECT dossier_code FROM pending_events) AS synced
          FROM dossiers d
          WHERE d.received_at >= ? AND d.received_at < ?
        ) d
        {_GROUP}""",
        (*REUSED, *DIGITAL, start, end),
    )


def finished_rows(db, start: str, end: str) -> list[tuple]:
    """One tuple per dossier whose result was recorded in [start, end).

    (agency, desk_no, clerk, procedure_code, procedure_name, received_at,
    finished_at, due_at, paused working minutes from its resume events).
    Tuples rather than dicts: a year of a busy hub is many rows.
    """
    return db.execute(
        f"""
        SELECT {_AGENCY}, d.desk_no, d.clerk, d.procedure_code, d.procedure_name,
          d.received_at, d.finished_at, d.due_at,
          (SELECT coalesce(sum(json_extract(e.payload, '$.details.waited_minutes')), 0)
             FROM events e WHERE e.dossier_code = d.code AND e.type = 'dossier.resumed') AS paused
        FROM dossiers d
        WHERE d.finished_at >= ? AND d.finished_at < ?""",
        (start, end),
    ).fetchall()


def returned_groups(db, start: str, end: str) -> list[dict]:
    """Results returned in [start, end), with the citizens' answers."""
    very, fine, unhappy = SATISFACTION_ANSWERS
    return _rows(
        db,
        f"""
        SELECT {_KEY}, max(d.procedure_name) AS procedure_name,
          count(*) AS returned,
          sum(d.satisfaction <> '') AS answered,
          sum(d.satisfaction = ?) AS very_satisfied,
          sum(d.satisfaction = ?) AS satisfied,
          sum(d.satisfaction = ?) AS dissatisfied
        FROM dossiers d
        WHERE d.returned_at >= ? AND d.returned_at < ?
        {_GROUP}""",
        (very, fine, unhappy, start, end),
    )


def closed_groups(db, start: str, end: str) -> list[dict]:
    """Dossiers withdrawn or stopped in [start, end) (a final status is their last change)."""
    return _rows(
        db,
        f"""
        SELECT {_KEY}, max(d.procedure_name) AS procedure_name,
          sum(d.status = 'withdrawn') AS withdrawn,
          sum(d.status = 'stopped') AS stopped
        FROM dossiers d
        WHERE d.status IN ('withdrawn', 'stopped') AND d.updated_at >= ? AND d.updated_at < ?
        {_GROUP}""",
        (start, end),
    )


def _in_progress_sources(as_of: str) -> tuple[str, list]:
    """Dossiers being processed at ``as_of``: three disjoint sets, each found through an index.

    Open now (status index); result recorded after ``as_of`` (finished_at
    index); closed without a result after ``as_of`` (status index). Each row
    says whether its clock was stopped by a supplement request at ``as_of``.
    """
    open_marks = _marks(OPEN)
    closed_marks = _marks(CLOSED_UNFINISHED)
    sql = f"""
        SELECT d.rowid AS rid, d.due_at AS due_at,
          (d.status = 'supplement' AND d.paused_at IS NOT NULL AND d.paused_at <= ?) AS paused
          FROM dossiers d WHERE d.status IN ({open_marks}) AND d.received_at <= ?
        UNION ALL
        SELECT d.rowid, d.due_at, 0 FROM dossiers d WHERE d.finished_at > ? AND d.received_at <= ?
        UNION ALL
        SELECT d.rowid, d.due_at, 0 FROM dossiers d
          WHERE d.status IN ({closed_marks}) AND d.updated_at > ? AND d.received_at <= ?"""
    params = [as_of, *OPEN, as_of, as_of, as_of, *CLOSED_UNFINISHED, as_of, as_of]
    return sql, params


def in_progress_groups(db, as_of: str) -> list[dict]:
    """Dossiers being processed at ``as_of``, and those of them past due with their clock running."""
    sql, params = _in_progress_sources(as_of)
    return _rows(
        db,
        f"""
        SELECT {_KEY}, max(d.procedure_name) AS procedure_name,
          count(*) AS in_progress,
          sum(NOT s.paused AND s.due_at IS NOT NULL AND s.due_at < ?) AS overdue
        FROM ({sql}) s JOIN dossiers d ON d.rowid = s.rid
        {_GROUP}""",
        (as_of, *params),  # placeholders count in text order: the overdue moment comes first
    )


def overdue_rows(db, as_of: str, limit: int) -> list[dict]:
    """The dossiers overdue at ``as_of``, longest overdue first (at most ``limit``)."""
    sql, params = _in_progress_sources(as_of)
    return _rows(
        db,
        f"""
        SELECT d.code, d.procedure_code, d.procedure_name, d.applicant_name, d.clerk, d.desk_no,
          d.received_at, d.due_at, d.status
        FROM ({sql}) s JOIN dossiers d ON d.rowid = s.rid
        WHERE NOT s.paused AND s.due_at IS NOT NULL AND s.due_at < ?
        ORDER BY s.due_at, d.code LIMIT ?""",
        (*params, as_of, limit),
    )


def awaiting_return_groups(db, as_of: str) -> list[dict]:
    """Results ready at ``as_of`` and not yet collected."""
    return _rows(
        db,
        f"""
        SELECT {_KEY}, max(d.procedure_name) AS procedure_name, count(*) AS awaiting_return
        FROM dossiers d WHERE d.rowid IN (
          SELECT rowid FROM dossiers WHERE status = 'result_ready' AND finished_at <= ?
          UNION ALL
          SELECT rowid FROM dossiers WHERE returned_at > ? AND finished_at <= ?)
        {_GROUP}""",
        (as_of, as_of, as_of),
    )


def guidance_count(db, start: str, end: str) -> int:
    """Guidance given for dossiers not taken in (``guidance.issued`` events, of no dossier) in [start, end)."""
    row = db.execute(
        "SELECT count(*) FROM events WHERE type = 'guidance.issued' AND at >= ? AND at < ?", (start, end)
    ).fetchone()
    return int(row[0])
