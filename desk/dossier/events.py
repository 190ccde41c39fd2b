"""The event log: the desk's gapless sequence, SHA-256 hash chain over canonical JSON.

Every change to a dossier appends one event in the same transaction. The
chain makes a tampered, reordered or missing event detectable by ``desk
verify`` and by the hub on import. The canonical JSON and the hash come from
the one codec, :mod:`desk.rules.canonical`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import orjson

from db import indicator_sums, outbox_queries, queries
from desk.errors import DeskError, IntegrityFailure
from desk.ids import new_id
from desk.models import Event
from desk.rules import canonical
from desk.rules.canonical import GENESIS, HASHED_FIELDS, event_hash
from desk.rules.problems import Problem, problem

RESTORED_KEY = "restore.backup"
"""Meta key set only in the database copy inside a backup: a home holding it was restored from one
(``desk.ops.backup``), and issues nothing until ``desk recover`` (``desk.ops.recover``) clears it."""
RECOVERED_KEY = "chain.recovered"
"""Meta key of the chain head ``desk recover`` adopted from the hub or a bundle: the desk's next event
follows it (the events between the backup and that head are at the hub)."""

__all__ = ["GENESIS", "HASHED_FIELDS", "append", "chain_problems", "event_hash", "record_to_event", "row_to_record"]


def append(
    db,
    *,
    desk_id: str,
    dossier_code: str,
    type: str,
    clerk: str,
    at: datetime,
    payload: dict,
    warnings: list[Problem] | None = None,
    operator: str = "",
    forward: bool = False,
) -> Event:
    """Append an event; the caller holds the write transaction, and read ``at`` after taking it.

    When ``at`` is before the last event's time (the PC's clock went back), the
    event still follows it in the log, the home remembers it for ``desk verify``,
    and ``clock.behind_last_event`` goes into ``warnings`` for the clerk at once.

    A payload holding a value no desk writes (a float, say) is refused with
    InvalidInput ``canonical.value_unsupported`` before anything is stored.

    ``operator``: the login of the operator signed in (``desk.operator_login``), kept in the payload's
    ``operator``; a desk without accounts gives "" and its events carry none, as before.

    ``forward``: this home forwards its own dossiers to the portal (:func:`forwards`): the dossier is asked
    for in the outbox in this transaction, as an import at the hub asks for the desks' (docs/forwarding.md).
    """
    if operator:
        payload = {**payload, "operator": operator}
    restored = queries.get_meta(db, RESTORED_KEY)
    if restored is not None:
        # the hub may hold later events of this desk: a new event here would fork its chain
        backup = orjson.loads(restored)
        raise IntegrityFailure("desk.restored", taken_at=backup.get("taken_at", ""), last_seq=backup.get("last_seq", 0))
    last = queries.last_event(db, desk_id)
    adopted = queries.get_meta(db, RECOVERED_KEY)
    if adopted is not None:
        head = orjson.loads(adopted)
        if head.get("desk_id") == desk_id and (last is None or head["seq"] > last["seq"]):
            last = {"seq": head["seq"], "hash": head["hash"], "at": head.get("at") or ""}
    record = {
        "seq": (last["seq"] + 1) if last else 1,
        "event_id": new_id(),
        "desk_id": desk_id,
        "dossier_code": dossier_code,
        "type": type,
        "at": at.isoformat(timespec="seconds"),
        "clerk": clerk,
        "payload": payload,
        "prev_hash": last["hash"] if last else GENESIS,
    }
    if last and last["at"] > record["at"]:
        # offline PCs drift: keep the order of the log, and say so where a person looks
        queries.set_meta(db, "clock_backwards", f"{last['at']} > {record['at']}")
        if warnings is not None:
            warnings.append(problem("clock.behind_last_event", at=record["at"], last=last["at"]))
    payload_json = canonical.dumps(payload)
    record["hash"] = event_hash(record)
    queries.insert_event(db, {**record, "payload": payload_json.decode("utf-8")})
    if dossier_code:
        # the QĐ 766 running sums follow the dossier's change, in the same transaction
        indicator_sums.refresh(db, [dossier_code])
    if forward and dossier_code:
        outbox_queries.enqueue(db, desk_id, [dossier_code], at.isoformat(timespec="seconds"))
    return record_to_event(record)


def forwards(desk) -> bool:
    """Whether this home forwards its own counter's dossiers to the portal: ``[portal] url`` is set (a hub's
    home; docs/forwarding.md). A desk's is empty: its dossiers are forwarded by the hub that imports them."""
    return bool(desk.settings.portal_url.strip())


def row_to_record(row: dict) -> dict:
    """A stored row as the bundle/hash record (payload parsed)."""
    return {
        **{k: row[k] for k in HASHED_FIELDS if k != "payload"},
        "payload": orjson.loads(row["payload"]),
        "hash": row["hash"],
    }


def record_to_event(record: dict, synced: str = "") -> Event:
    return Event(
        seq=record["seq"],
        event_id=record["event_id"],
        desk_id=record["desk_id"],
        dossier_code=record["dossier_code"],
        type=record["type"],
        at=datetime.fromisoformat(record["at"]),
        clerk=record["clerk"],
        payload=record["payload"],
        prev_hash=record["prev_hash"],
        hash=record["hash"],
        synced=synced,
    )


def chain_problems(records: Iterable[dict], *, expect_seq: int = 1, prev_hash: str = GENESIS) -> list[Problem]:
    """Problems in a run of one desk's records: gaps, broken links, altered content."""
    problems = []
    for r in records:
        desk, seq = r["desk_id"], r["seq"]
        if seq != expect_seq:
            if seq > expect_seq:
                problems.append(problem("chain.missing", desk=desk, first=expect_seq, last=seq - 1))
            else:
                problems.append(problem("chain.out_of_order", desk=desk, seq=seq, expected=expect_seq))
        elif r["prev_hash"] != prev_hash:
            problems.append(problem("chain.broken", desk=desk, seq=seq, previous=seq - 1))
        try:
            altered = event_hash(r) != r["hash"]
        except DeskError:  # a value the codec refuses: no desk wrote it
            altered = True
        if altered:
            problems.append(problem("chain.altered", desk=desk, seq=seq))
        expect_seq = r["seq"] + 1
        prev_hash = r["hash"]
    return problems
