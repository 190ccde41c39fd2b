"""Where forwarding's outbox lives (docs/forwarding.md): in the hub's store, beside the events it forwards.

The SQL is written twice with the same names, arguments and answers: ``db.outbox_queries`` (SQLite) and
``db.pg.outbox_queries`` (PostgreSQL); :func:`outbox_of` gives the one of a store's queries, and mypy checks that
both modules have every function of :class:`OutboxQueries`. At a PostgreSQL hub the hub's own counter keeps its
dossiers in the home's SQLite (docs/hub.md), so its own records wait in the home's outbox: :func:`outboxes` lists
both, and the workers go through each.
"""

from __future__ import annotations

from typing import Any, Protocol

from db import outbox_queries, write_transaction
from desk import clock
from desk.sync.store import SQLITE, SQLITE_QUERIES, HubQueries, HubStore, SqliteStore, hub_store


class OutboxQueries(Protocol):
    """The outbox's queries; ``db`` is a handle of the store's ``reading()`` / ``writing()``."""

    def enqueue(self, db: Any, desk_id: str, codes: list[str], at: str) -> None: ...
    def claim(self, db: Any, worker: str, now: float, lease_s: float, limit: int) -> list[dict]: ...
    def renew(self, db: Any, code: str, worker: str, lease_until: float) -> bool: ...
    def acknowledged(self, db: Any, code: str, worker: str, generation: int, at: str) -> bool: ...
    def retry_later(self, db: Any, code: str, worker: str, next_try: float, reason_code: str, reason: str) -> bool: ...
    def set_aside(
        self, db: Any, code: str, worker: str, state: str, reason_code: str, reason: str, at: str
    ) -> bool: ...
    def add_reply(
        self, db: Any, code: str, *, at: str, call: str, ok: bool, reply_code: str, message: str, body: str, worker: str
    ) -> Any: ...
    def replies(self, db: Any, code: str, limit: int = ...) -> list[dict]: ...
    def outbox_row(self, db: Any, code: str) -> dict | None: ...
    def latest_snapshot(self, db: Any, code: str) -> bytes | None: ...
    def unsent_progress(self, db: Any, code: str) -> list[dict]: ...
    def progress_sent(self, db: Any, code: str, event_ids: list[str], at: str) -> None: ...
    def desk_agency(self, db: Any, desk_id: str) -> str: ...
    def supplement_steps(self, db: Any, desk_id: str, codes: list[str], last_seq: int) -> dict[str, list[dict]]: ...
    def forwarding_problems(self, db: Any, desk_id: str | None = ..., limit: int = ...) -> list[dict]: ...
    def set_aside_counts(self, db: Any, desk_ids: list[str]) -> dict[str, int]: ...
    def acknowledged_by_portal(
        self, db: Any, desk_id: str | None = ..., received_from: str | None = ..., received_to: str | None = ...
    ) -> int: ...
    def state_counts(self, db: Any) -> dict[str, int]: ...


SQLITE_OUTBOX: OutboxQueries = outbox_queries


def outbox_of(q: HubQueries) -> OutboxQueries:
    """The outbox's queries beside a store's queries ``q`` (``store.q``)."""
    if q is SQLITE_QUERIES:
        return SQLITE_OUTBOX
    from db.pg import outbox_queries as pg_outbox  # psycopg only where PostgreSQL is used

    pg: OutboxQueries = pg_outbox
    return pg


def outboxes(desk) -> list[HubStore]:
    """The stores whose outbox the workers go through: the hub's; at a PostgreSQL hub also the home's SQLite,
    where the hub's own counter's dossiers (and their records) are."""
    store = hub_store(desk)
    return [store] if store.kind == SQLITE else [store, SqliteStore(desk.db)]


def ask_for_own(desk) -> int:
    """Ask for the home's own counter's dossiers the outbox has never held (received before ``[portal] url``
    was set; those received since are asked for by their intake's transaction: ``desk.dossier.events``).
    They are in the home's SQLite at either kind of hub. Returns how many."""
    with write_transaction(desk.db):
        return outbox_queries.enqueue_missing(desk.db, desk.desk_id, clock.now().isoformat(timespec="seconds"))


def outbox_summary(desk, limit: int = 100) -> tuple[dict[str, int], list[dict]]:
    """The outbox's rows per state and the records set aside (newest first), over every outbox of the hub
    (:func:`desk.sync.outbox.outboxes`): for ``desk hub forward --once``."""
    counts: dict[str, int] = dict.fromkeys(outbox_queries.STATES, 0)
    problems: list[dict] = []
    for store in outboxes(desk):
        q = outbox_of(store.q)
        with store.reading() as db:
            for state, n in q.state_counts(db).items():
                counts[state] += n
            problems += q.forwarding_problems(db, None, limit)
    problems.sort(key=lambda p: p["dossier_code"])
    problems.sort(key=lambda p: p["since"] or "", reverse=True)  # newest first, then by code (as each store)
    return counts, problems[:limit]
