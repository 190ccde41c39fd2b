"""Every query of the hub's board of desks (``desk.reports.board``), and the contacts it reads.

Plain SQL that runs on SQLite and PostgreSQL alike (row values, ``ON CONFLICT … DO UPDATE``, correlated
sub-queries), so that a PostgreSQL store can take this module almost as it is. Two pieces are
SQLite-specific: :func:`_days_from` (date arithmetic on the ISO text of ``received_at``), which PostgreSQL
writes ``(received_at::timestamp + interval 'N days')``, and :data:`BY_PERSON` (SQLite's planner, like
intake's same-day check in ``db.queries``, is told to look a person up by ID number rather than take a
range of every desk's dossiers by date), which PostgreSQL leaves out.

Duplicates across desks are flagged as dossiers arrive (:func:`flag_duplicates`, in the transaction that
writes them), so that the board reads a page of desks' flags by index and never looks for them.

Pages are keyset pages on (agency_code, desk_no, desk_id): a page is found through the order of the
desks, never by counting past the ones before it, and no query reads every desk's events.
"""

from __future__ import annotations

from db.queries import _rows

DESKS = (
    # every desk the hub knows: enrolled, or heard from (a hub taking unenrolled desks in a transition)
    "SELECT desk_id, agency_code, desk_no FROM enrolled_desks"
    " UNION ALL SELECT s.desk_id, s.agency_code, s.desk_no FROM sync_desks s"
    " WHERE NOT EXISTS (SELECT 1 FROM enrolled_desks e WHERE e.desk_id = s.desk_id)"
)

BY_PERSON = "INDEXED BY dossiers_id_number"
"""SQLite-specific: a person's few dossiers by ID number, never a range of every desk's dossiers by date."""

FIRST = ("", -1, "")
"""The keyset position before every desk."""


def _days_from(column: str, days: int) -> str:
    """SQL for ``column`` (ISO text, local time) moved by ``days`` days, as ISO text again. SQLite-specific."""
    return f"strftime('%Y-%m-%dT%H:%M:%S', {column}, '{days:+d} days')"


# --- what the hub records at each push (desk.sync.hub_app) -------------------------------------


def record_contact(
    db, desk_id: str, at: str, desk_clock: str | None, skew_seconds: int | None, declared_seq: int | None
) -> None:
    """A push of the desk was taken at ``at`` (the hub's clock): what it declared of its clock and its seq."""
    db.execute(
        "INSERT INTO hub_desk_contacts(desk_id, contact_at, desk_clock, skew_seconds, declared_seq)"
        " VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT(desk_id) DO UPDATE SET contact_at = excluded.contact_at, desk_clock = excluded.desk_clock,"
        " skew_seconds = excluded.skew_seconds,"
        " declared_seq = CASE WHEN excluded.declared_seq IS NULL THEN hub_desk_contacts.declared_seq"
        "  WHEN hub_desk_contacts.declared_seq IS NULL OR excluded.declared_seq > hub_desk_contacts.declared_seq"
        "  THEN excluded.declared_seq ELSE hub_desk_contacts.declared_seq END",
        (desk_id, at, desk_clock, skew_seconds, declared_seq),
    )


def record_refusal(db, desk_id: str, at: str, code: str, events: int) -> None:
    """A batch of the desk (its signature checked) was refused at ``at`` with ``code``."""
    db.execute(
        "INSERT INTO hub_desk_contacts(desk_id, contact_at, refused_at, refused_code, refused_events)"
        " VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT(desk_id) DO UPDATE SET refused_at = excluded.refused_at, refused_code = excluded.refused_code,"
        " refused_events = excluded.refused_events",
        (desk_id, at, at, code, events),
    )


# --- the board -------------------------------------------------------------------------------


def desk_position(db, desk_id: str) -> tuple[str, int, str] | None:
    """The keyset position of a desk (its agency, number and id), or None for a desk the hub does not know."""
    row = db.execute(f"SELECT agency_code, desk_no, desk_id FROM ({DESKS}) d WHERE desk_id = ?", (desk_id,)).fetchone()
    return (row[0], row[1], row[2]) if row else None


def count_desks(db) -> int:
    return db.execute(f"SELECT count(*) FROM ({DESKS}) d").fetchone()[0]


def desk_page(db, after: tuple[str, int, str], limit: int) -> list[dict]:
    """Up to ``limit`` desks after the position ``after``, in order, each with what the board shows of it.

    Per desk: ``agency_name``, ``revoked_at``; ``last_seen`` (its last import or push that brought events),
    ``last_source`` and ``last_import_at`` (the latest of those); the contact of its last push
    (``contact_at``, ``desk_clock``, ``skew_seconds``, ``declared_seq``) and of its last refused batch
    (``refused_at``, ``refused_code``, ``refused_events``); ``hub_seq`` (the highest seq held here);
    ``gaps`` and ``gap_events`` (open gaps and the events missing in them).
    """
    return _rows(
        db,
        "SELECT p.desk_id, p.agency_code, p.desk_no, e.agency_name, e.revoked_at, s.last_seen,"
        " c.contact_at, c.desk_clock, c.skew_seconds, c.declared_seq, c.refused_at, c.refused_code,"
        " c.refused_events,"
        " (SELECT max(v.seq) FROM events v WHERE v.desk_id = p.desk_id) AS hub_seq,"
        " (SELECT count(*) FROM sync_gaps g WHERE g.desk_id = p.desk_id AND g.closed_at IS NULL) AS gaps,"
        " (SELECT coalesce(sum(g.last_seq - g.first_seq + 1), 0) FROM sync_gaps g"
        "   WHERE g.desk_id = p.desk_id AND g.closed_at IS NULL) AS gap_events,"
        " (SELECT i.source FROM sync_imports i WHERE i.desk_id = p.desk_id ORDER BY i.id DESC LIMIT 1)"
        "   AS last_source,"
        " (SELECT i.at FROM sync_imports i WHERE i.desk_id = p.desk_id ORDER BY i.id DESC LIMIT 1)"
        "   AS last_import_at"
        f" FROM (SELECT desk_id, agency_code, desk_no FROM ({DESKS}) d"
        "   WHERE (agency_code, desk_no, desk_id) > (?, ?, ?)"
        "   ORDER BY agency_code, desk_no, desk_id LIMIT ?) p"
        " LEFT JOIN enrolled_desks e ON e.desk_id = p.desk_id"
        " LEFT JOIN sync_desks s ON s.desk_id = p.desk_id"
        " LEFT JOIN hub_desk_contacts c ON c.desk_id = p.desk_id"
        " ORDER BY p.agency_code, p.desk_no, p.desk_id",
        (*after, limit),
    )


def _marks(values: list) -> str:
    return ", ".join("?" for _ in values)


DUPLICATE_DAYS = 30
"""Two dossiers of one ID number and procedure at two desks received within this many days are duplicates."""
CHUNK = 500

_FLAG_COLUMNS = (
    "code, desk_id, desk_no, received_at, procedure_code, id_number,"
    " other_code, other_desk_id, other_desk_no, other_received_at"
)


def _duplicate_of(a: str, window_days: int) -> str:
    """The condition that a dossier ``b`` of another desk is a duplicate of ``a``: one ID number and procedure,
    received within ``window_days`` of it."""
    return (
        f"b.id_number = {a}.id_number AND b.procedure_code = {a}.procedure_code AND b.desk_id != {a}.desk_id"
        f" AND b.received_at BETWEEN {_days_from(f'{a}.received_at', -window_days)}"
        f" AND {_days_from(f'{a}.received_at', window_days)}"
    )


def _flag(db, where: str, params: tuple) -> None:
    """Record both ways the duplicates of the dossiers ``a`` that ``where`` picks (each looked up by ID number)."""
    pairs = (
        f"SELECT a.code AS x, a.desk_id, a.desk_no, a.received_at, a.procedure_code, a.id_number,"
        " b.code AS y, b.desk_id AS b_desk_id, b.desk_no AS b_desk_no, b.received_at AS b_received_at"
        f" FROM dossiers a JOIN dossiers b {BY_PERSON} ON {_duplicate_of('a', DUPLICATE_DAYS)}"
        f" WHERE a.id_number != '' AND {where}"
    )
    # the pairs looked up once (MATERIALIZED), then written both ways: a look-up per dossier instead of two
    db.execute(
        f"WITH p AS MATERIALIZED ({pairs}) INSERT INTO hub_duplicates({_FLAG_COLUMNS})"
        " SELECT x, desk_id, desk_no, received_at, procedure_code, id_number, y, b_desk_id, b_desk_no, b_received_at"
        " FROM p"
        " UNION ALL SELECT y, b_desk_id, b_desk_no, b_received_at, procedure_code, id_number, x, desk_id, desk_no,"
        " received_at FROM p"
        " WHERE true ON CONFLICT (code, other_code) DO NOTHING",
        params,
    )


def flag_duplicates(db, codes: list[str]) -> None:
    """The dossiers ``codes`` were written at this hub (new, or rebuilt from a newer snapshot): record which
    dossiers of other desks they duplicate (and the other way), forgetting what they duplicated before.
    Inside the transaction that wrote them."""
    for i in range(0, len(codes), CHUNK):
        part = codes[i : i + CHUNK]
        marks = _marks(part)
        db.execute(f"DELETE FROM hub_duplicates WHERE code IN ({marks}) OR other_code IN ({marks})", (*part, *part))
        _flag(db, f"a.code IN ({marks})", tuple(part))


def flag_duplicates_since(db, days: int) -> None:
    """Record the duplicates of the dossiers received in the ``days`` days before the latest one here (a
    hub's dossiers when the board first came)."""
    _flag(
        db,
        f"a.received_at >= {_days_from('(SELECT max(received_at) FROM dossiers)', -days)}",
        (),
    )


def duplicate_counts(db, desk_ids: list[str], since: str) -> dict[str, int]:
    """Per desk, its dossiers received from ``since`` on that have a duplicate at another desk."""
    if not desk_ids:
        return {}
    rows = db.execute(
        f"SELECT desk_id, count(DISTINCT code) FROM hub_duplicates WHERE desk_id IN ({_marks(desk_ids)})"
        " AND received_at >= ? GROUP BY desk_id",
        (*desk_ids, since),
    )
    return {desk_id: n for desk_id, n in rows}


def duplicate_pairs(db, desk_ids: list[str], since: str, limit: int) -> list[dict]:
    """Dossiers of these desks received from ``since`` on, each with a duplicate at another desk: ``code``,
    ``desk_id``, ``desk_no``, ``procedure_code``, ``id_number``, ``received_at``, ``other_code``,
    ``other_desk_id``, ``other_desk_no``, ``other_received_at``; newest first, at most ``limit``."""
    if not desk_ids:
        return []
    return _rows(
        db,
        f"SELECT {_FLAG_COLUMNS} FROM hub_duplicates WHERE desk_id IN ({_marks(desk_ids)}) AND received_at >= ?"
        " ORDER BY received_at DESC, code, other_code LIMIT ?",
        (*desk_ids, since, limit),
    )


def files_missing(db, desk_ids: list[str]) -> dict[str, int]:
    """Per desk, the files its dossiers reference that have not reached this hub (its rows of
    ``hub_missing_files``, written as dossiers arrive, that ``hub_files`` does not hold yet); desks without
    any are left out."""
    if not desk_ids:
        return {}
    rows = db.execute(
        f"SELECT m.desk_id, count(DISTINCT m.sha256) FROM hub_missing_files m WHERE m.desk_id IN ({_marks(desk_ids)})"
        " AND NOT EXISTS (SELECT 1 FROM hub_files h WHERE h.sha256 = m.sha256) GROUP BY m.desk_id",
        desk_ids,
    )
    return {desk_id: n for desk_id, n in rows}
