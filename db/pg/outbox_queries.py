"""Forwarding to the portal on a PostgreSQL hub: :mod:`db.outbox_queries`'s functions, same names, arguments and
answers, on the tables of migration 2 (``db.pg.migrations``, the same tables and columns as SQLite's).

``db`` is a :class:`db.pg.PgConn`; the writes run inside the caller's transaction (``PgPool.writing``).
Workers on many connections claim with ``FOR UPDATE SKIP LOCKED`` (:data:`db.outbox_queries.PG_CLAIM`): none
waits for another's rows, and a row is never taken by two workers while a lease holds it.
"""

from __future__ import annotations

from typing import Any

from db.outbox_queries import PG_CLAIM, PG_ENQUEUE, SET_ASIDE, STATES

_CLAIMED = ("dossier_code", "desk_id", "generation", "attempts", "sent_generation")


def enqueue(db, desk_id: str, codes: list[str], at: str) -> None:
    """As :func:`db.outbox_queries.enqueue`: in the transaction that imported the dossiers' events (one
    statement for them all)."""
    if codes:
        db.execute(PG_ENQUEUE, (desk_id, at, sorted(set(codes))))


def claim(db, worker: str, now: float, lease_s: float, limit: int) -> list[dict]:
    rows = db.execute(PG_CLAIM, {"worker": worker, "now": now, "lease_until": now + lease_s, "limit": limit}).fetchall()
    return [dict(zip(_CLAIMED, row)) for row in rows]


def renew(db, code: str, worker: str, lease_until: float) -> bool:
    cur = db.execute(
        "UPDATE portal_outbox SET lease_until = %s WHERE dossier_code = %s AND claimed_by = %s",
        (lease_until, code, worker),
    )
    return cur.rowcount == 1


def acknowledged(db, code: str, worker: str, generation: int, at: str) -> bool:
    cur = db.execute(
        """
        UPDATE portal_outbox SET
            state = CASE WHEN generation = %s THEN 'done' ELSE 'pending' END,
            sent_generation = %s, attempts = 0, next_try = 0, claimed_by = NULL, lease_until = NULL,
            acknowledged_at = %s, first_acknowledged_at = coalesce(first_acknowledged_at, %s),
            reason_code = '', reason = '', set_aside_at = NULL
        WHERE dossier_code = %s AND claimed_by = %s""",
        (generation, generation, at, at, code, worker),
    )
    return cur.rowcount == 1


def retry_later(db, code: str, worker: str, next_try: float, reason_code: str, reason: str) -> bool:
    cur = db.execute(
        """
        UPDATE portal_outbox SET next_try = %s, claimed_by = NULL, lease_until = NULL, reason_code = %s, reason = %s
        WHERE dossier_code = %s AND claimed_by = %s""",
        (next_try, reason_code, reason, code, worker),
    )
    return cur.rowcount == 1


def set_aside(db, code: str, worker: str, state: str, reason_code: str, reason: str, at: str) -> bool:
    assert state in SET_ASIDE
    cur = db.execute(
        """
        UPDATE portal_outbox SET state = %s, claimed_by = NULL, lease_until = NULL, reason_code = %s, reason = %s,
            set_aside_at = %s
        WHERE dossier_code = %s AND claimed_by = %s""",
        (state, reason_code, reason, at, code, worker),
    )
    return cur.rowcount == 1


def add_reply(db, code: str, *, at: str, call: str, ok: bool, reply_code: str, message: str, body: str, worker: str):
    db.execute(
        "INSERT INTO portal_replies(dossier_code, at, call, ok, code, message, body, worker)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (code, at, call, 1 if ok else 0, reply_code, message, body, worker),
    )


_REPLY = ("at", "call", "ok", "code", "message", "body", "worker")


def replies(db, code: str, limit: int = 200) -> list[dict]:
    rows = db.execute(
        "SELECT at, call, ok, code, message, body, worker FROM portal_replies WHERE dossier_code = %s"
        " ORDER BY id DESC LIMIT %s",
        (code, limit),
    ).fetchall()
    return [dict(zip(_REPLY, row)) for row in reversed(rows)]


def outbox_row(db, code: str) -> dict | None:
    cur = db.execute("SELECT * FROM portal_outbox WHERE dossier_code = %s", (code,))
    row = cur.fetchone()
    return dict(zip([c.name for c in cur.description], row)) if row else None


def latest_snapshot(db, code: str) -> bytes | None:
    """The payload of the latest event about ``code`` carrying the dossier's state (``has_snapshot``, read as
    the event went in)."""
    row = db.execute(
        """
        SELECT payload FROM events WHERE dossier_code = %s AND has_snapshot
        ORDER BY at DESC, seq DESC, desk_id DESC LIMIT 1""",
        (code,),
    ).fetchone()
    return None if row is None else row[0].encode("utf-8")


_EVENT = ("event_id", "desk_id", "seq", "type", "at", "clerk", "payload")


def unsent_progress(db, code: str) -> list[dict]:
    rows = db.execute(
        """
        SELECT e.event_id, e.desk_id, e.seq, e.type, e.at, e.clerk, e.payload FROM events e
        WHERE e.dossier_code = %s
          AND NOT EXISTS (SELECT 1 FROM portal_progress_sent p WHERE p.event_id = e.event_id)
        ORDER BY e.at, e.desk_id, e.seq""",
        (code,),
    ).fetchall()
    return [dict(zip(_EVENT, row)) for row in rows]


def progress_sent(db, code: str, event_ids: list[str], at: str) -> None:
    db.executemany(
        "INSERT INTO portal_progress_sent(event_id, dossier_code, sent_at) VALUES (%s, %s, %s)"
        " ON CONFLICT (event_id) DO NOTHING",
        [(event_id, code, at) for event_id in event_ids],
    )


def desk_agency(db, desk_id: str) -> str:
    row = db.execute("SELECT agency_code FROM sync_desks WHERE desk_id = %s", (desk_id,)).fetchone()
    return row[0] if row else ""


SUPPLEMENT_STEPS = ("dossier.supplement_requested", "dossier.resumed")


def supplement_steps(db, desk_id: str, codes: list[str], last_seq: int) -> dict[str, list[dict]]:
    """As :func:`db.portal_queries.supplement_steps` (per dossier code, its supplement requests and resumes
    written by ``desk_id`` up to ``last_seq``, in order), from the events themselves."""
    if not codes:
        return {}
    rows = db.execute(
        """
        SELECT dossier_code, type, at, (payload::jsonb) -> 'dossier' ->> 'due_at' FROM events
        WHERE dossier_code = ANY(%s) AND desk_id = %s AND seq <= %s AND type = ANY(%s)
        ORDER BY dossier_code, seq""",
        (list(codes), desk_id, last_seq, list(SUPPLEMENT_STEPS)),
    ).fetchall()
    out: dict[str, list[dict]] = {}
    for code, type_, at, due_at in rows:
        out.setdefault(code, []).append({"type": type_, "at": at, "due_at": due_at})
    return out


_PROBLEM = ("dossier_code", "desk_id", "state", "reason_code", "reason", "since", "attempts")


def forwarding_problems(db, desk_id: str | None = None, limit: int = 100) -> list[dict]:
    where, args = (
        ("state IN ('rejected', 'failed')", [])
        if desk_id is None
        else ("desk_id = %s AND state IN ('rejected', 'failed')", [desk_id])
    )
    rows = db.execute(
        f"SELECT dossier_code, desk_id, state, reason_code, reason, set_aside_at, attempts FROM portal_outbox"
        f" WHERE {where} ORDER BY set_aside_at DESC NULLS LAST, dossier_code LIMIT %s",
        (*args, limit),
    ).fetchall()
    return [dict(zip(_PROBLEM, row)) for row in rows]


def set_aside_counts(db, desk_ids: list[str]) -> dict[str, int]:
    if not desk_ids:
        return {}
    rows = db.execute(
        "SELECT desk_id, count(*) FROM portal_outbox WHERE desk_id = ANY(%s) AND state IN ('rejected', 'failed')"
        " GROUP BY desk_id",
        (list(desk_ids),),
    ).fetchall()
    return {desk_id: n for desk_id, n in rows}


def acknowledged_by_portal(
    db, desk_id: str | None = None, received_from: str | None = None, received_to: str | None = None
) -> int:
    sql = (
        "SELECT count(*) FROM portal_outbox o JOIN dossiers d ON d.code = o.dossier_code"
        " WHERE o.first_acknowledged_at IS NOT NULL"
    )
    args: list[Any] = []
    if desk_id is not None:
        sql += " AND d.desk_id = %s"
        args.append(desk_id)
    if received_from is not None:
        sql += " AND d.received_at >= %s"
        args.append(received_from)
    if received_to is not None:
        sql += " AND d.received_at < %s"
        args.append(received_to)
    return db.execute(sql, args).fetchone()[0]


def state_counts(db) -> dict[str, int]:
    counts = dict.fromkeys(STATES, 0)
    counts.update(dict(db.execute("SELECT state, count(*) FROM portal_outbox GROUP BY state").fetchall()))
    return counts
