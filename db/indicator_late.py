"""The dossiers QĐ 766's 2.1 counts late in a period, each with why (the supervisor's drill-down list).

Exactly the dossiers behind ``late`` of ``desk.reports.qd766.Counts`` (population − on time − within time):

- finished in the period and not on time: their facts (``db.indicator_sums``) say so (``on_time = 0`` on
  the day they finished), found through the partial index ``indicator_facts_late`` (migration ``m016``);
- in progress at the period's moment and not within their time: the sets of ``indicator_sums.open_at``,
  without ``indicator_sums.WITHIN``.

Each row says which rule made it late: ``past_due`` (finished after its due time, or still open past it)
and ``supplements`` (more than one supplement request). ``db.pg.indicator_sums.late_dossiers`` is the
same on PostgreSQL.
"""

from __future__ import annotations

from db import indicator_sums as sums
from db.queries import _rows

COLUMNS = (
    "code",
    "agency",
    "desk_no",
    "procedure_code",
    "procedure_name",
    "received_at",
    "due_at",
    "finished_at",
    "supplements",
    "past_due",
)
"""A late dossier; ``finished_at`` is its finish time (the portal's), None when still in progress."""


def late_dossiers(
    db, first_day: str, end_day: str, as_of: str | None, *, desk=None, limit: int | None = None
) -> list[dict]:
    """The late dossiers of the days [first_day, end_day) and of the moment ``as_of`` (None: the period has
    not begun, nothing is open in it), by desk, then due time; at most ``limit``."""
    extra_f, params_f = sums.filters("f.", desk, None, None)
    parts = [
        f"""
        SELECT f.code, f.agency, f.desk_no, f.procedure_code, d.procedure_name, d.received_at, d.due_at,
          {sums._FINISH} AS finished_at, f.supplements,
          d.due_at IS NOT NULL AND {sums._FINISH} > d.due_at AS past_due
        FROM indicator_facts f JOIN dossiers d ON d.code = f.code
        WHERE f.on_time = 0 AND f.fday >= ? AND f.fday < ?{extra_f}"""
    ]
    params: list = [first_day, end_day, *params_f]
    if as_of is not None:
        extra_o, params_o = sums.filters("", desk, None, None)
        parts.append(
            f"""
            SELECT code, agency, desk_no, procedure_code, procedure_name, received_at, due_at, NULL, sup,
              NOT (due_at IS NULL OR due_at >= ? OR (paused_at IS NOT NULL AND paused_at <= due_at))
            FROM ({sums.open_at(", d.code, d.procedure_name, d.received_at")})
            WHERE NOT {sums.WITHIN}{extra_o}"""
        )
        params += [as_of, *sums.open_at_params(as_of), as_of, *params_o]
    sql = " UNION ALL ".join(parts) + " ORDER BY agency, desk_no, due_at, code"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return _rows(db, sql, tuple(params))


def create_index(db) -> None:
    """The partial index of the finished-late facts (for the migration)."""
    db.execute("CREATE INDEX indicator_facts_late ON indicator_facts(fday) WHERE on_time = 0 AND fday IS NOT NULL")
