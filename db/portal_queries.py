"""What the national-portal record needs beyond a dossier's snapshot (``desk.rules.portal``)."""

from __future__ import annotations

import json

SUPPLEMENT_STEPS = ("dossier.supplement_requested", "dossier.resumed")


def supplement_steps(db, desk_id: str, codes: list[str], last_seq: int) -> dict[str, list[dict]]:
    """Per dossier code, its supplement requests and resumes written by ``desk_id`` up to ``last_seq``, in order.

    Only the dossiers whose facts (``indicator_facts``) count a request are looked at: most have none.
    Each step: ``{"type", "at", "due_at"}`` (the due time in that event's snapshot).
    """
    if not codes:
        return {}
    marks = ", ".join("?" for _ in SUPPLEMENT_STEPS)
    rows = db.execute(
        f"""
        SELECT e.dossier_code, e.type, e.at, json_extract(e.payload, '$.dossier.due_at')
        FROM events e
        WHERE e.dossier_code IN (
            SELECT code FROM indicator_facts WHERE code IN (SELECT value FROM json_each(?)) AND supplements > 0)
          AND e.desk_id = ? AND e.seq <= ? AND e.type IN ({marks})
        ORDER BY e.dossier_code, e.seq""",
        (json.dumps(codes), desk_id, last_seq, *SUPPLEMENT_STEPS),
    ).fetchall()
    out: dict[str, list[dict]] = {}
    for code, type_, at, due_at in rows:
        out.setdefault(code, []).append({"type": type_, "at": at, "due_at": due_at})
    return out
