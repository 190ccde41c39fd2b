"""Set-based checks of a hub's register: dossier identities against a staged batch, and what ``verify`` asks.

Each check is one statement over the batch (passed as one JSON array) or over
the tables, using the indexes on ``dossiers(id)``, ``dossiers(code)`` and
``events(dossier_code)``: no query per event.
"""

from __future__ import annotations

import json

from db.queries import _rows

LIMIT = 100  # findings returned at most


def identity_conflicts(db, identities: list[tuple[str, str, str]]) -> list[dict]:
    """Stored dossiers that disagree with a batch's ``(id, code, desk_id)`` triples.

    A stored dossier disagrees when it has the id with another code or desk,
    or the code with another id. Each finding: ``id``, ``code``, ``desk_id``
    (the batch's) and ``other_id``, ``other_code``, ``other_desk_id`` (stored).
    """
    if not identities:
        return []
    return _rows(
        db,
        "WITH s(id, code, desk_id) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
        "  json_extract(value, '$[2]') FROM json_each(?)) "
        "SELECT s.id, s.code, s.desk_id, d.id AS other_id, d.code AS other_code, d.desk_id AS other_desk_id "
        "FROM s JOIN dossiers d ON d.id = s.id WHERE d.code != s.code OR d.desk_id != s.desk_id "
        "UNION ALL "
        "SELECT s.id, s.code, s.desk_id, d.id, d.code, d.desk_id "
        "FROM s JOIN dossiers d ON d.code = s.code WHERE d.id != s.id "
        f"LIMIT {LIMIT}",
        (json.dumps(identities),),
    )


def events_without_dossier(db, limit: int = LIMIT) -> list[dict]:
    """Events about a dossier code no dossier of this home has: ``desk_id``, ``seq``, ``dossier_code``."""
    return _rows(
        db,
        "SELECT e.desk_id, e.seq, e.dossier_code FROM events e WHERE e.dossier_code != '' "
        "AND NOT EXISTS (SELECT 1 FROM dossiers d WHERE d.code = e.dossier_code) ORDER BY e.desk_id, e.seq LIMIT ?",
        (limit,),
    )


def events_of_another_dossier(db, limit: int = LIMIT) -> list[dict]:
    """Events whose snapshot is of another dossier (another id) than the one stored under their code:
    ``desk_id``, ``seq``, ``dossier_code``, ``snapshot_id``, ``dossier_id``."""
    return _rows(
        db,
        "SELECT desk_id, seq, dossier_code, snapshot_id, dossier_id FROM ("
        "  SELECT e.desk_id, e.seq, e.dossier_code, d.id AS dossier_id,"
        "   json_extract(e.payload, '$.dossier.id') AS snapshot_id"
        "  FROM events e JOIN dossiers d ON d.code = e.dossier_code WHERE e.dossier_code != ''"
        ") WHERE snapshot_id IS NOT NULL AND snapshot_id != dossier_id ORDER BY desk_id, seq LIMIT ?",
        (limit,),
    )


def dossiers_without_their_desk(db, limit: int = LIMIT) -> list[dict]:
    """Dossiers with events at this home, none of them of the dossier's own desk: ``id``, ``code``, ``desk_id``."""
    return _rows(
        db,
        "SELECT d.id, d.code, d.desk_id FROM dossiers d"
        " WHERE EXISTS (SELECT 1 FROM events e WHERE e.dossier_code = d.code)"
        " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.dossier_code = d.code AND e.desk_id = d.desk_id)"
        " ORDER BY d.code LIMIT ?",
        (limit,),
    )


def chain_complete_below(db, desk_id: str, seq: int) -> bool:
    """Whether this home holds every event of the desk before ``seq`` (by its first and last seq and its open
    gaps) and none from ``seq`` on."""
    first, last, gaps = db.execute(
        "SELECT (SELECT min(seq) FROM events WHERE desk_id = ?), (SELECT max(seq) FROM events WHERE desk_id = ?),"
        " (SELECT count(*) FROM sync_gaps WHERE desk_id = ? AND closed_at IS NULL)",
        (desk_id, desk_id, desk_id),
    ).fetchone()
    return (last or 0) == seq - 1 and first in (None, 1) and gaps == 0


def status_mismatches(db, desk_id: str, entries: list[tuple[str, str]]) -> list[dict]:
    """For (dossier code, status the run expects it to be in), the codes whose latest snapshot of this desk here
    says otherwise (``status`` None for none): ``code``, ``expected``, ``status``."""
    if not entries:
        return []
    return _rows(
        db,
        "WITH c(code, expected) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)),"
        " last(code, expected, seq) AS (SELECT c.code, c.expected, (SELECT max(e.seq) FROM events e"
        "   WHERE e.dossier_code = c.code AND e.desk_id = ? AND json_type(e.payload, '$.dossier') = 'object') FROM c) "
        "SELECT code, expected, status FROM (SELECT last.code, last.expected,"
        "  (SELECT json_extract(e.payload, '$.dossier.status') FROM events e WHERE e.desk_id = ? AND e.seq = last.seq)"
        "  AS status FROM last) WHERE status IS NOT expected "
        f"LIMIT {LIMIT}",
        (json.dumps(entries), desk_id, desk_id),
    )
