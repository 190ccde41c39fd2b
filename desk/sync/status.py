"""Where sync stands, for the screens and ``desk hub status``: a desk's queue, and what a hub received."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from db import file_queries, queries, write_transaction
from db import sync_queries as sq
from desk.config import update_settings
from desk.rules.problems import Problem, problem
from desk.sync.ingest import Gap, desk_gaps
from desk.sync.outbox import outbox_of, outboxes
from desk.sync.store import hub_store


@dataclass
class SyncStatus:
    """For the sync screen and the today screen."""

    pending_events: int
    pending_dossiers: int
    last_export: dict | None
    last_push: dict | None
    endpoint: str
    export_dir: str
    pending_files: int = 0
    """Stored files of this desk's dossiers not yet sent in a bundle or a push."""
    pending_bytes: int = 0
    portal_rejections: list[dict] = field(default_factory=list)
    """This desk's records the portal refused, as the hub said at the last push (docs/forwarding.md)."""


def sync_status(desk) -> SyncStatus:
    """Pending events and dossiers, the last export and push (as recorded), the configured targets."""

    def meta(key: str) -> Any:
        raw = queries.get_meta(desk.db, key)
        return orjson.loads(raw) if raw else None

    files, size = file_queries.waiting_files(desk.db, desk.desk_id)
    return SyncStatus(
        pending_files=files,
        pending_bytes=size,
        pending_events=queries.count_unsynced(desk.db, desk.desk_id),
        pending_dossiers=sq.count_pending_dossiers(desk.db, desk.desk_id),
        last_export=meta("sync.last_export"),
        last_push=meta("sync.last_push"),
        endpoint=desk.settings.sync_endpoint,
        export_dir=desk.settings.export_dir,
        portal_rejections=meta("sync.portal_rejections") or [],
    )


EXPORT_DIR_OF = "sync.export_dir:"
"""The meta key (followed by the operator's login) of the folder an operator's last export worked into."""


def export_folder(desk) -> str:
    """Where an export goes unless told: on a desk with operator accounts, the folder the last export of the one
    signed in worked into (each their own: a USB stick mounts under each one's name); else ``[sync] export_dir``,
    else the home's ``outbox/``."""
    if desk.operator is not None:
        kept = queries.get_meta(desk.db, EXPORT_DIR_OF + desk.operator.login)
        if kept:
            return kept
    return desk.settings.export_dir or str(desk.home.outbox)


def keep_export_folder(desk, folder: str) -> None:
    """An export into ``folder`` worked: make it the next default. On a desk with accounts, for the one signed in
    only (a clerk changes no setting, and the next shift keeps its own); on a desk without, as ``[sync]
    export_dir`` in desk.toml."""
    if folder == export_folder(desk):
        return
    if desk.operator is None:
        update_settings(desk.home, export_dir=folder)
        return
    with write_transaction(desk.db):
        queries.set_meta(desk.db, EXPORT_DIR_OF + desk.operator.login, folder)


@dataclass
class HubDesk:
    """A desk whose events reached this home."""

    desk_id: str
    agency_code: str
    desk_no: int
    events: int
    last_seq: int | None
    last_seen: str


@dataclass
class HubStatus:
    desks: list[HubDesk]
    gaps: list[Gap]
    recent: list[dict]

    def to_json(self) -> dict:
        return {
            "desks": [d.__dict__ for d in self.desks],
            "gaps": [g.to_json() for g in self.gaps],
            "recent_imports": self.recent,
        }


def hub_status(desk, recent: int = 20) -> HubStatus:
    """What this hub has received from other desks: per desk, the open gaps, the latest imports (from its
    store: ``desk.sync.store``)."""
    store = hub_store(desk)
    with store.reading() as db:
        rows = store.q.hub_desk_rows(db)
        gaps = desk_gaps(db, q=store.q)
        imports = store.q.recent_imports(db, recent)
    desks = [
        HubDesk(r["desk_id"], r["agency_code"], r["desk_no"], r["events"], r["last_seq"], r["last_seen"]) for r in rows
    ]
    return HubStatus(desks, gaps, imports)


def rejection_problem(row: dict) -> Problem:
    """A record forwarding set aside (a row of ``db.outbox_queries.forwarding_problems``, at the hub or as
    the push reply carried it to the desk) as a problem, for the words of the CLI, the screens, the board."""
    if row.get("state") == "failed":
        return problem("portal.record_failed", code=row["dossier_code"], reason=row.get("reason") or "")
    return problem(
        "portal.record_rejected",
        code=row["dossier_code"],
        reason_code=row.get("reason_code") or "",
        reason=row.get("reason") or "",
    )


def portal_timeline(desk, code: str) -> dict:
    """A dossier's forwarding to the portal, for ``desk show``: at a hub its outbox row (``state``…) and
    every reply of the portal (from the outbox that holds it: the hub's store, else the home's); at a desk, the
    portal's refusal the hub reported at the last push."""
    row, replies = None, []
    for store in outboxes(desk):
        q = outbox_of(store.q)
        with store.reading() as db:
            row = q.outbox_row(db, code)
            if row is not None:
                replies = q.replies(db, code)
                break
    raw = queries.get_meta(desk.db, "sync.portal_rejections")
    told = next((r for r in (orjson.loads(raw) if raw else []) if r.get("dossier_code") == code), None)
    out: dict = {"state": None, "reason_code": "", "reason": "", "replies": [], "reported_by_hub": told}
    if row is not None:
        out.update(
            state=row["state"],
            reason_code=row["reason_code"],
            reason=row["reason"],
            acknowledged_at=row["acknowledged_at"],
            replies=replies,
        )
    return out
