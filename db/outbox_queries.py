"""Every SQL statement of forwarding to the portal (the hub's outbox, ``desk.sync.forward``), in one place.

The tables are made by ``m015_portal_forwarding`` (``db.migrations``). Each function is one small
statement or two; a PostgreSQL hub's version of this module is ``db.pg.outbox_queries`` (the same names,
arguments and answers, on the same tables made by step 2 of ``db.pg.migrations``; ``desk.sync.outbox`` chooses),
and the statements that differ most are beside the SQLite ones here (``PG_*``). Times that decide (``next_try``,
``lease_until``) are epoch seconds from the caller's clock (tests inject it); times people read are
ISO 8601 text.

Claiming: on SQLite one ``UPDATE … RETURNING`` inside the caller's write transaction (SQLite has one
writer: two workers never take the same row). On PostgreSQL :data:`PG_CLAIM` picks the rows with
``FOR UPDATE SKIP LOCKED``, so that workers on many connections never wait on each other. A row is
due when it is pending, its ``next_try`` has come and no live lease holds it: a worker killed mid-way
leaves a lease that expires, and another takes the row.
"""

from __future__ import annotations

import json
from typing import Any

# the record's supplement history, read beside the outbox (as ``db.pg.outbox_queries.supplement_steps``)
from db.portal_queries import supplement_steps as supplement_steps

STATES = ("pending", "done", "rejected", "failed")
SET_ASIDE = ("rejected", "failed")
"""States of a record forwarding has put aside: the portal refused it, or it failed too many times."""

_ENQUEUE = """
    INSERT INTO portal_outbox(dossier_code, desk_id, enqueued_at) SELECT value, ?, ? FROM json_each(?) WHERE true
    ON CONFLICT(dossier_code) DO UPDATE SET
        generation = generation + 1, desk_id = excluded.desk_id, state = 'pending', attempts = 0,
        next_try = 0, enqueued_at = excluded.enqueued_at
"""
"""The SQLite enqueue: one statement for the codes (a JSON array; ``WHERE true`` tells SQLite's parser the
upsert's ON from a join's), four times cheaper than a statement per code (a bundle's part: thousands)."""
PG_ENQUEUE = """
    INSERT INTO portal_outbox(dossier_code, desk_id, enqueued_at)
    SELECT code, %s, %s FROM unnest(%b::text[]) AS c(code) ORDER BY code
    ON CONFLICT (dossier_code) DO UPDATE SET
        generation = portal_outbox.generation + 1, desk_id = excluded.desk_id, state = 'pending', attempts = 0,
        next_try = 0, enqueued_at = excluded.enqueued_at
"""
"""The PostgreSQL enqueue: one statement for the codes of a batch (distinct: a row is not updated twice by one
statement), in code order (two batches take their row locks in one order)."""


def enqueue(db, desk_id: str, codes: list[str], at: str) -> None:
    """Ask for the dossiers ``codes`` (of ``desk_id``) to be forwarded: in the transaction that imported
    their events. A dossier already waiting is asked for again (its generation moves on), one set aside
    (rejected) is tried again: its desk changed it."""
    if codes:
        db.execute(_ENQUEUE, (desk_id, at, json.dumps(codes)))


def enqueue_missing(db, desk_id: str, at: str) -> int:
    """Ask for every dossier of ``desk_id`` (the home's own counter) the outbox has never held: those received
    before ``[portal] url`` was set. Inside a write transaction; returns how many."""
    cur = db.execute(
        """
        INSERT INTO portal_outbox(dossier_code, desk_id, enqueued_at)
        SELECT d.code, d.desk_id, ? FROM dossiers d
        WHERE d.desk_id = ? AND NOT EXISTS (SELECT 1 FROM portal_outbox o WHERE o.dossier_code = d.code)""",
        (at, desk_id),
    )
    return cur.rowcount


_CLAIM = """
    UPDATE portal_outbox
    SET claimed_by = ?, lease_until = ?, claimed_generation = generation, attempts = attempts + 1
    WHERE dossier_code IN (
        SELECT dossier_code FROM portal_outbox
        WHERE state = 'pending' AND next_try <= ? AND (lease_until IS NULL OR lease_until <= ?)
        ORDER BY next_try, enqueued_at LIMIT ?
    )
    RETURNING dossier_code, desk_id, claimed_generation, attempts, sent_generation
"""

PG_CLAIM = """
    WITH due AS (
        SELECT dossier_code FROM portal_outbox
        WHERE state = 'pending' AND next_try <= %(now)s AND (lease_until IS NULL OR lease_until <= %(now)s)
        ORDER BY next_try, enqueued_at LIMIT %(limit)s
        FOR UPDATE SKIP LOCKED
    )
    UPDATE portal_outbox o
    SET claimed_by = %(worker)s, lease_until = %(lease_until)s, claimed_generation = o.generation,
        attempts = o.attempts + 1
    FROM due WHERE o.dossier_code = due.dossier_code
    RETURNING o.dossier_code, o.desk_id, o.claimed_generation, o.attempts, o.sent_generation
"""
"""The PostgreSQL claim (``db.pg.outbox_queries``): ``FOR UPDATE SKIP LOCKED`` lets workers on
many connections claim at once, none waiting for another's rows."""

_CLAIMED = ("dossier_code", "desk_id", "generation", "attempts", "sent_generation")


def claim(db, worker: str, now: float, lease_s: float, limit: int) -> list[dict]:
    """Take up to ``limit`` due rows for ``worker`` until ``now + lease_s``; inside a write transaction."""
    rows = db.execute(_CLAIM, (worker, now + lease_s, now, now, limit)).fetchall()
    return [dict(zip(_CLAIMED, row)) for row in rows]


def renew(db, code: str, worker: str, lease_until: float) -> bool:
    """Extend the lease of a row ``worker`` holds; False when it lost it (it expired, another took it)."""
    cur = db.execute(
        "UPDATE portal_outbox SET lease_until = ? WHERE dossier_code = ? AND claimed_by = ?",
        (lease_until, code, worker),
    )
    return cur.rowcount == 1


def acknowledged(db, code: str, worker: str, generation: int, at: str) -> bool:
    """The portal took the record of ``generation``: done, unless the dossier changed meanwhile (then
    pending again, for the newer state). False when ``worker`` no longer held the row."""
    cur = db.execute(
        """
        UPDATE portal_outbox SET
            state = CASE WHEN generation = ? THEN 'done' ELSE 'pending' END,
            sent_generation = ?, attempts = 0, next_try = 0, claimed_by = NULL, lease_until = NULL,
            acknowledged_at = ?, first_acknowledged_at = coalesce(first_acknowledged_at, ?),
            reason_code = '', reason = '', set_aside_at = NULL
        WHERE dossier_code = ? AND claimed_by = ?""",
        (generation, generation, at, at, code, worker),
    )
    return cur.rowcount == 1


def retry_later(db, code: str, worker: str, next_try: float, reason_code: str, reason: str) -> bool:
    """A transient failure: the row waits until ``next_try`` (backoff), its lease given up."""
    cur = db.execute(
        """
        UPDATE portal_outbox SET next_try = ?, claimed_by = NULL, lease_until = NULL, reason_code = ?, reason = ?
        WHERE dossier_code = ? AND claimed_by = ?""",
        (next_try, reason_code, reason, code, worker),
    )
    return cur.rowcount == 1


def set_aside(db, code: str, worker: str, state: str, reason_code: str, reason: str, at: str) -> bool:
    """Put the row aside (``rejected`` by the portal, or ``failed`` too often): nobody takes it again until
    its desk changes the dossier (:func:`enqueue`)."""
    assert state in SET_ASIDE
    cur = db.execute(
        """
        UPDATE portal_outbox SET state = ?, claimed_by = NULL, lease_until = NULL, reason_code = ?, reason = ?,
            set_aside_at = ?
        WHERE dossier_code = ? AND claimed_by = ?""",
        (state, reason_code, reason, at, code, worker),
    )
    return cur.rowcount == 1


def add_reply(db, code: str, *, at: str, call: str, ok: bool, reply_code: str, message: str, body: str, worker: str):
    """One reply of the portal (or a failure to get one) on the dossier's forwarding timeline."""
    db.execute(
        "INSERT INTO portal_replies(dossier_code, at, call, ok, code, message, body, worker)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (code, at, call, 1 if ok else 0, reply_code, message, body, worker),
    )


_REPLY = ("at", "call", "ok", "code", "message", "body", "worker")


def replies(db, code: str, limit: int = 200) -> list[dict]:
    """The dossier's forwarding timeline, oldest first (the last ``limit``)."""
    rows = db.execute(
        "SELECT at, call, ok, code, message, body, worker FROM portal_replies WHERE dossier_code = ?"
        " ORDER BY id DESC LIMIT ?",
        (code, limit),
    ).fetchall()
    return [dict(zip(_REPLY, row)) for row in reversed(rows)]


def outbox_row(db, code: str) -> dict | None:
    cur = db.execute("SELECT * FROM portal_outbox WHERE dossier_code = ?", (code,))
    row = cur.fetchone()
    return dict(zip([c[0] for c in cur.description], row)) if row else None


def latest_snapshot(db, code: str) -> bytes | None:
    """The payload of the latest event about ``code`` that carries the dossier's state (its snapshot).

    (PostgreSQL reads its ``has_snapshot`` column instead: ``db.pg.outbox_queries``.)"""
    row = db.execute(
        """
        SELECT payload FROM events WHERE dossier_code = ? AND instr(payload, '"dossier":{') > 0
        ORDER BY at DESC, seq DESC, desk_id DESC LIMIT 1""",
        (code,),
    ).fetchone()
    return None if row is None else (row[0].encode("utf-8") if isinstance(row[0], str) else row[0])


_EVENT = ("event_id", "desk_id", "seq", "type", "at", "clerk", "payload")


def unsent_progress(db, code: str) -> list[dict]:
    """The events about ``code`` not yet sent as progress lines, in the order they happened."""
    rows = db.execute(
        """
        SELECT e.event_id, e.desk_id, e.seq, e.type, e.at, e.clerk, e.payload FROM events e
        WHERE e.dossier_code = ?
          AND NOT EXISTS (SELECT 1 FROM portal_progress_sent p WHERE p.event_id = e.event_id)
        ORDER BY e.at, e.desk_id, e.seq""",
        (code,),
    ).fetchall()
    return [dict(zip(_EVENT, row)) for row in rows]


def progress_sent(db, code: str, event_ids: list[str], at: str) -> None:
    db.conn.executemany(
        "INSERT OR IGNORE INTO portal_progress_sent(event_id, dossier_code, sent_at) VALUES (?, ?, ?)",
        [(event_id, code, at) for event_id in event_ids],
    )


def desk_agency(db, desk_id: str) -> str:
    """The agency code of a desk heard from (its events' sender), "" when unknown."""
    row = db.execute("SELECT agency_code FROM sync_desks WHERE desk_id = ?", (desk_id,)).fetchone()
    return row[0] if row else ""


_PROBLEM = ("dossier_code", "desk_id", "state", "reason_code", "reason", "since", "attempts")


def forwarding_problems(db, desk_id: str | None = None, limit: int = 100) -> list[dict]:
    """The records of a desk (or of every desk) that forwarding has set aside, newest first: each one's
    dossier code, state (``rejected`` by the portal, or ``failed`` after too many attempts), the
    portal's reason (``reason_code``, ``reason``), since when, and attempts. For the push reply and the
    hub's board."""
    where, args = (
        ("state IN ('rejected', 'failed')", [])
        if desk_id is None
        else (
            "desk_id = ? AND state IN ('rejected', 'failed')",
            [desk_id],
        )
    )
    rows = db.execute(
        f"SELECT dossier_code, desk_id, state, reason_code, reason, set_aside_at, attempts FROM portal_outbox"
        f" WHERE {where} ORDER BY set_aside_at DESC, dossier_code LIMIT ?",
        (*args, limit),
    ).fetchall()
    return [dict(zip(_PROBLEM, row)) for row in rows]


def set_aside_counts(db, desk_ids: list[str]) -> dict[str, int]:
    """desk id → how many of its records forwarding has set aside (rejected by the portal, or failed), for the
    hub's board (by the index on (desk_id, state))."""
    if not desk_ids:
        return {}
    marks = ",".join("?" * len(desk_ids))
    rows = db.execute(
        f"SELECT desk_id, count(*) FROM portal_outbox WHERE desk_id IN ({marks}) AND state IN ('rejected', 'failed')"
        " GROUP BY desk_id",
        list(desk_ids),
    ).fetchall()
    return {desk_id: n for desk_id, n in rows}


def acknowledged_by_portal(
    db, desk_id: str | None = None, received_from: str | None = None, received_to: str | None = None
) -> int:
    """How many dossiers the portal has acknowledged at least once (766 indicator 1.4's numerator),
    of a desk or all, received in ``[received_from, received_to)`` (ISO 8601 text) when given."""
    sql = (
        "SELECT count(*) FROM portal_outbox o JOIN dossiers d ON d.code = o.dossier_code"
        " WHERE o.first_acknowledged_at IS NOT NULL"
    )
    args: list[Any] = []
    if desk_id is not None:
        sql += " AND d.desk_id = ?"
        args.append(desk_id)
    if received_from is not None:
        sql += " AND d.received_at >= ?"
        args.append(received_from)
    if received_to is not None:
        sql += " AND d.received_at < ?"
        args.append(received_to)
    return db.execute(sql, args).fetchone()[0]


def state_counts(db) -> dict[str, int]:
    """Rows of the outbox per state (every state named, 0 when none)."""
    counts = dict.fromkeys(STATES, 0)
    counts.update(dict(db.execute("SELECT state, count(*) FROM portal_outbox GROUP BY state").fetchall()))
    return counts
