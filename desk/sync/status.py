"""Where sync stands, for the screens and ``desk hub status``: a desk's queue, and what a hub received."""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from db import file_queries, queries
from db import sync_queries as sq
from desk.sync.ingest import Gap, desk_gaps
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


def sync_status(desk) -> SyncStatus:
    """Pending events and dossiers, the last export and push (as recorded), the configured targets."""

    def meta(key: str) -> dict | None:
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
    )


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
