"""A large hub for ``make bench-hub``: many desks' events and dossiers, written in bulk, cached between runs.

The hub (desk 0 of 000.00.12.H29) serves ``desks`` desks (600 by default: the board's budget), ten per
agency, each enrolled, heard from, holding its share of ``events`` events and ``dossiers`` dossiers spread
over the year before ``END``; one desk in ten has an open gap, every desk a recorded contact (clock skew,
declared seq). ID numbers are drawn from a pool a third the size of the dossiers, so some people come to
two desks within 30 days: the board's duplicates have something to find.

The events' payloads are small markers, not snapshots: what is measured against this home is the size of
its tables and indexes (continuity checks, dedupe by event id, the board), not the bytes of old payloads.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from bench.generate import FAMILY, GIVEN, MIDDLE
from db import open_db
from db.board_queries import flag_duplicates_since
from desk.catalog.formats import sample_catalog_path
from desk.catalog.store import import_catalog, list_procedures
from desk.config import Home, init_home, update_settings
from desk.context import open_desk
from desk.ids import time_ordered_uuid
from desk.rules.canonical import GENESIS, dumps
from desk.text import fold

GENERATION = "hub-v3"
END = datetime(2026, 11, 20, 17, 0)
"""The generated year ends here; the bench's clock (``DESK_NOW``) is just after."""
NOW = "2026-11-20T17:30:00"
HUB_AGENCY = "000.00.12.H29"
BATCH = 20_000
GAP = (11, 15)
"""The seqs missing at every tenth desk (an open gap)."""


def board_agency(i: int) -> str:
    """The agency of the ``i``-th generated desk (ten desks an agency)."""
    return f"000.{i // 1000:02d}.{(i // 10) % 100:02d}.H31"


def hub_home(root: Path, events: int, dossiers: int, desks: int = 600, *, seed: int = 7) -> Home:
    """Create once (reused while its marker matches) a hub at ``root``; returns its home."""
    home = Home(root)
    marker = root / ".bench-hub"
    label = f"{events} {dossiers} {desks} {GENERATION}"
    if marker.exists() and marker.read_text() == label:
        return home
    if root.exists():
        shutil.rmtree(root)
    init_home(home, agency_code=HUB_AGENCY, agency_name="Trung tâm Bench", desk_no=0, clerk="Bench Hub")
    agencies = sorted({board_agency(i) for i in range(desks)})
    update_settings(home, hub_agencies=(HUB_AGENCY, *agencies))
    desk = open_desk(home)
    import_catalog(desk, sample_catalog_path())
    procedures = [(p.code, p.name) for p in list_procedures(desk)]
    desk.close()
    db = open_db(home.db)
    conn = db.conn
    rng = random.Random(seed)
    people = [f"0010{rng.randrange(10):01d}{rng.randrange(10**7):07d}" for _ in range(max(1, dossiers // 3))]
    at_end = END.isoformat(timespec="seconds")
    pending: dict[str, list[tuple]] = {"events": [], "dossiers": []}

    def flush(force: bool = False) -> None:
        if not force and len(pending["events"]) + len(pending["dossiers"]) < BATCH:
            return
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO events VALUES ({','.join('?' * 10)})", pending["events"])
        conn.executemany(f"INSERT INTO dossiers VALUES ({','.join('?' * 32)})", pending["dossiers"])
        conn.execute("COMMIT")
        pending["events"].clear()
        pending["dossiers"].clear()

    conn.execute("BEGIN")
    for i in range(desks):
        desk_id, agency, desk_no = str(uuid.UUID(int=rng.getrandbits(128))), board_agency(i), i % 10
        n_events = events // desks + (1 if i < events % desks else 0)
        n_dossiers = max(1, min(n_events, dossiers // desks + (1 if i < dossiers % desks else 0)))
        conn.execute(
            "INSERT INTO enrolled_desks(desk_id, agency_code, desk_no, agency_name, enrolled_at) VALUES (?, ?, ?, ?, ?)",
            (desk_id, agency, desk_no, f"UBND Bench {i // 10}", "2025-11-01T08:00:00"),
        )
        conn.execute(
            "INSERT INTO sync_desks(desk_id, agency_code, desk_no, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)",
            (desk_id, agency, desk_no, "2025-11-01T08:00:00", at_end),
        )
        gap = GAP if i % 10 == 0 and n_events > GAP[1] else None
        if gap:
            conn.execute(
                "INSERT INTO sync_gaps(desk_id, first_seq, last_seq, found_at, found_by) VALUES (?, ?, ?, ?, ?)",
                (desk_id, *gap, at_end, "bundle bench"),
            )
        conn.execute(
            "INSERT INTO sync_imports(source, name, desk_id, agency_code, desk_no, first_seq, last_seq,"
            " imported_events, skipped_events, last_hash, at) VALUES ('bundle', 'bench', ?, ?, ?, 1, ?, ?, 0, '', ?)",
            (desk_id, agency, desk_no, n_events, n_events, at_end),
        )
        skew = (i % 7 - 3) * 60
        conn.execute(
            "INSERT INTO hub_desk_contacts(desk_id, contact_at, desk_clock, skew_seconds, declared_seq)"
            " VALUES (?, ?, ?, ?, ?)",
            (desk_id, at_end, (END + timedelta(seconds=skew)).isoformat(), skew, n_events + i % 5),
        )
        conn.execute("COMMIT")
        _desk_rows(pending, flush, rng, procedures, people, desk_id, agency, desk_no, n_events, n_dossiers, gap)
        conn.execute("BEGIN")
    conn.execute("COMMIT")
    flush(force=True)
    conn.execute("BEGIN")
    flag_duplicates_since(db, days=60)  # as the hub flags them when dossiers arrive
    # desk hub status's per-desk figures, as the hub keeps them when events arrive (db.sync_queries)
    conn.execute(
        "INSERT INTO hub_event_counts(desk_id, events, last_seq) SELECT desk_id, count(*), max(seq) FROM events"
        " WHERE desk_id IN (SELECT desk_id FROM sync_desks) GROUP BY desk_id"
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    marker.write_text(label)
    return home


def _desk_rows(pending, flush, rng, procedures, people, desk_id, agency, desk_no, n_events, n_dossiers, gap) -> None:
    """One desk's dossiers (spread over the year) and events (a valid chain; one ``dossier.received`` per
    dossier, then prints of them)."""
    start = END - timedelta(days=365)
    step = timedelta(days=365) / n_dossiers
    codes: list[tuple[str, str]] = []
    for j in range(n_dossiers):
        received = (start + step * j).replace(microsecond=0)
        code = f"{agency}-{received:%y%m%d}-{desk_no}{j:06d}"
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        p_code, p_name = procedures[rng.randrange(len(procedures))]
        at = received.isoformat(timespec="seconds")
        did = str(time_ordered_uuid(int(received.timestamp() * 1000), rng.getrandbits(80)))
        pending["dossiers"].append(
            (
                did,
                code,
                desk_id,
                desk_no,
                p_code,
                p_name,
                "citizen",
                name,
                fold(name),
                rng.choice(people),
                "cccd",
                None,
                "",
                f"09{rng.randrange(10**8):08d}",
                "",
                "Xã Bench",
                "counter",
                "counter",
                1,
                at,
                (received + timedelta(days=3)).isoformat(timespec="seconds"),
                "returned" if received < END - timedelta(days=30) else "received",
                "01",
                j + 1,
                "Bench Clerk",
                "",
                None,
                None,
                None,
                "",
                "",
                at,
            )
        )
        codes.append((code, at))
        flush()
    prev = GENESIS
    for seq in range(1, n_events + 1):
        code, at = codes[(seq - 1) % n_dossiers]
        kind = "dossier.received" if seq <= n_dossiers else "document.printed"
        record = {
            "seq": seq,
            "event_id": str(uuid.UUID(int=rng.getrandbits(128))),
            "desk_id": desk_id,
            "dossier_code": code,
            "type": kind,
            "at": at,
            "clerk": "Bench Clerk",
            "payload": {"bench": True},
            "prev_hash": prev,
        }
        digest = hashlib.sha256(dumps(record)).hexdigest()
        if gap is None or not gap[0] <= seq <= gap[1]:
            pending["events"].append(
                (
                    desk_id,
                    seq,
                    record["event_id"],
                    code,
                    kind,
                    at,
                    "Bench Clerk",
                    json.dumps(record["payload"]),
                    prev,
                    digest,
                )
            )
        prev = digest
        flush()


class HubCopy:
    """A working copy of the cached generated hub for one bench (:func:`hub_copy`); :meth:`into_postgresql`
    moves it into a PostgreSQL database as `desk hub migrate` does."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cluster = None

    def into_postgresql(self, name: str, url: str | None = None) -> float:
        """Move the copy into ``url``, or into the database ``name`` of a throw-away cluster of its own (stopped
        when the copy is done with); seconds the move took."""
        import time

        from desk.sync.hub_migrate import migrate_hub

        if not url:
            import psycopg

            from bench.pg_cluster import Cluster

            self.cluster = Cluster(durable=False)
            with psycopg.connect(self.cluster.url("postgres"), autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {name}")
            url = self.cluster.url(name)
        t = time.perf_counter()
        hub = open_desk(Home(self.root))
        try:
            migrate_hub(hub, url)
        finally:
            hub.close()
        return round(time.perf_counter() - t, 1)

    def postmaster(self) -> int | None:
        """The throw-away cluster's postmaster (its CPU is the server's), if the copy made one."""
        return self.cluster.postmaster() if self.cluster else None


@contextlib.contextmanager
def hub_copy(cache: Path, events: int, dossiers: int, desks: int, *, prefix: str) -> Iterator[HubCopy]:
    """A copy of the generated hub of that size (made under ``cache`` first if it is not there), at the hub's
    day (``DESK_NOW``); removed after, with its cluster stopped and the store's pools closed."""
    os.environ["DESK_NOW"] = NOW
    cached = hub_home(cache / f"hub-{events}-{dossiers}-{desks}", events, dossiers, desks)
    work = Path(tempfile.mkdtemp(prefix=prefix, dir=cache))
    copy = None
    try:
        copy = HubCopy(Path(shutil.copytree(cached.root, work / "hub")))
        yield copy
    finally:
        from desk.sync.store import close_pools

        close_pools()
        if copy is not None and copy.cluster is not None:
            copy.cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
