"""A large hub on PostgreSQL for ``make bench-hub --pg``: the same desks, events and dossiers as
``bench.hub_generate`` makes in SQLite, written by COPY (text format) from two processes, the big tables'
keys and indexes dropped while they fill and built afterwards (a sort each, not ten million random inserts).

Its content: ``desks`` desks (ten per agency of ``*.H31``), each enrolled, heard from, with a recorded
import; one in ten with an open gap; ``events`` events (a valid hash chain per desk; the payload a small
marker) and ``dossiers`` dossiers spread over the year before ``END``. A database holding it carries
``meta.bench_hub`` (its size and generation): it is built once and reused while that matches.

Between runs, :func:`reset` takes out whatever is not of the generated desks (the simulated desks' pushes,
the imported bundle), so every run starts from the same hub.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import random
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import orjson

from bench.generate import FAMILY, GIVEN, MIDDLE
from bench.hub_generate import END, GAP, board_agency
from bench.pg_cluster import Cluster
from desk.ids import time_ordered_uuid
from desk.rules.canonical import GENESIS
from desk.text import fold

GENERATION = "hub-pg-v1"
BASE_AGENCIES = "%.H31"
"""The generated desks' agencies (LIKE pattern): anything else is a run's, taken out by :func:`reset`."""
CHUNK_DESKS = 4
"""Desks written per COPY (≈ 70,000 events of a 10,000,000-event hub: ~25 MB in memory)."""
BIG = ("event_ids", "events")
"""The tables whose keys and indexes are built after they are filled."""
SHARED_BUFFERS = "1GB"
RESET_TABLES = (
    "event_ids",
    "events",
    "dossiers",
    "sync_imports",
    "sync_gaps",
    "event_marks",
    "sync_desks",
    "hub_event_counts",
    "hub_latest_events",
)


def label(events: int, dossiers: int, desks: int) -> str:
    return f"{events} {dossiers} {desks} {GENERATION}"


def connect(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def marker(url: str) -> str | None:
    """The ``meta.bench_hub`` of the database (None: not a bench hub, or not migrated)."""
    with connect(url) as conn:
        if conn.execute("SELECT to_regclass('meta')").fetchone()[0] is None:
            return None
        row = conn.execute("SELECT value FROM meta WHERE key = 'bench_hub'").fetchone()
        return row[0] if row else None


def pg_hub(url: str, events: int, dossiers: int, desks: int = 600, *, seed: int = 7, processes: int = 2) -> dict:
    """Fill the (migrated, empty) database at ``url`` once; returns how long it took (0 when reused)."""
    from db.pg import migrations
    from db.pg.event_queries import LATEST_RECOUNT

    wanted = label(events, dossiers, desks)
    if marker(url) == wanted:
        return {"build_s": 0.0, "reused": True}
    t = time.perf_counter()
    with connect(url) as conn:
        migrations.migrate(conn)
        if conn.execute("SELECT EXISTS (SELECT 1 FROM event_ids)").fetchone()[0]:
            raise SystemExit(f"bench-hub: the database holds events already and is not a bench hub of {wanted!r}")
        _partitions(conn)
        dropped = _drop_keys(conn)
    chunks = [range(i, min(desks, i + CHUNK_DESKS)) for i in range(0, desks, CHUNK_DESKS)]
    from desk.catalog.formats import sample_catalog_path

    procedures = _procedures(sample_catalog_path())
    jobs = [(url, events, dossiers, desks, seed, procedures, list(c)) for c in chunks]
    if processes > 1:
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            for _ in pool.imap_unordered(_load, jobs):
                pass
    else:
        for job in jobs:
            _load(job)
    loaded = time.perf_counter() - t
    with connect(url) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        for sql in dropped:
            conn.execute(sql)
        # desk hub status's per-desk figures, as the hub keeps them when events arrive (db.pg.arrival_queries)
        conn.execute(
            "INSERT INTO hub_event_counts(desk_id, events, last_seq) SELECT desk_id, count(*), max(seq)"
            " FROM event_ids GROUP BY desk_id"
        )
        # each dossier's latest events per desk, as the hub keeps them when events arrive (db.pg.event_queries)
        conn.execute(
            f"INSERT INTO hub_latest_events(dossier_code, desk_id, seq, at, snapshot_seq, snapshot_at) {LATEST_RECOUNT}"
        )
        for table in (
            *BIG,
            "dossiers",
            "sync_desks",
            "enrolled_desks",
            "sync_gaps",
            "sync_imports",
            "hub_latest_events",
        ):
            conn.execute(f"VACUUM (FREEZE, ANALYZE) {table}")
        conn.execute("INSERT INTO meta(key, value) VALUES ('bench_hub', %s)", (wanted,))
        conn.execute("CHECKPOINT")
    return {"build_s": round(time.perf_counter() - t, 1), "load_s": round(loaded, 1), "reused": False}


def _partitions(conn) -> None:
    from db.pg.hub_queries import partition_name

    month = date(END.year - 1, END.month, 1)
    while month <= END.date():
        end = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {partition_name(month)} PARTITION OF events"
            f" FOR VALUES FROM ('{month.isoformat()}') TO ('{end.isoformat()}')"
        )
        month = end


def _drop_keys(conn) -> list[str]:
    """Drop the unique keys and indexes of the big tables; the statements that make them again."""
    again: list[str] = []
    for table in BIG:
        for name, definition in conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype IN ('p', 'u')",
            (table,),
        ).fetchall():
            conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            again.append(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        for name, definition in conn.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE i.indrelid = %s::regclass",
            (table,),
        ).fetchall():
            conn.execute(f"DROP INDEX {name}")
            # a partitioned table's index is shown "ON ONLY" (its partitions' indexes apart): made again on all
            again.append(definition.replace(" ON ONLY ", " ON ", 1))
    return again


def _line(values) -> str:
    return "\t".join("\\N" if v is None else str(v) for v in values) + "\n"


def _load(job) -> None:
    """Write the desks of ``numbers`` (a process of the pool; a connection of its own)."""
    url, events, dossiers, desks, seed, procedures, numbers = job
    people = _people(seed, max(1, dossiers // 3))
    at_end = END.isoformat(timespec="seconds")
    parts: dict[str, list[str]] = {"events": [], "event_ids": [], "dossiers": []}
    registry: list[tuple[str, tuple]] = []
    for i in numbers:
        rng = random.Random(seed * 1_000_003 + i)
        desk_id, agency, desk_no = str(uuid.UUID(int=rng.getrandbits(128))), board_agency(i), i % 10
        n_events = events // desks + (1 if i < events % desks else 0)
        n_dossiers = max(1, min(n_events, dossiers // desks + (1 if i < dossiers % desks else 0)))
        gap = GAP if i % 10 == 0 and n_events > GAP[1] else None
        registry += [
            (
                "INSERT INTO enrolled_desks(desk_id, agency_code, desk_no, agency_name, enrolled_at)"
                " VALUES (%s, %s, %s, %s, %s)",
                (desk_id, agency, desk_no, f"UBND Bench {i // 10}", "2025-11-01T08:00:00"),
            ),
            (
                "INSERT INTO sync_desks(desk_id, agency_code, desk_no, first_seen, last_seen) VALUES (%s, %s, %s, %s, %s)",
                (desk_id, agency, desk_no, "2025-11-01T08:00:00", at_end),
            ),
            (
                "INSERT INTO sync_imports(source, name, desk_id, agency_code, desk_no, first_seq, last_seq,"
                " imported_events, skipped_events, last_hash, at) VALUES ('bundle', 'bench', %s, %s, %s, 1, %s, %s, 0, '', %s)",
                (desk_id, agency, desk_no, n_events, n_events, at_end),
            ),
        ]
        if gap:
            registry.append(
                (
                    "INSERT INTO sync_gaps(desk_id, first_seq, last_seq, found_at, found_by) VALUES (%s, %s, %s, %s, %s)",
                    (desk_id, *gap, at_end, "bundle bench"),
                )
            )
        _desk_lines(parts, rng, procedures, people, desk_id, agency, desk_no, n_events, n_dossiers, gap)
    from db.queries import DOSSIER_COLUMNS

    columns = {
        "events": "desk_id, seq, event_id, dossier_code, type, at, clerk, payload, prev_hash, hash, at_day,"
        " snapshot_id, snapshot_status, has_snapshot",
        "event_ids": "event_id, desk_id, seq, at_day, prev_hash, hash",
        "dossiers": ", ".join(DOSSIER_COLUMNS),
    }
    with connect(url) as conn, conn.transaction():
        with conn.cursor() as cur:
            for table, lines in parts.items():
                with cur.copy(f"COPY {table} ({columns[table]}) FROM STDIN") as copy:
                    for k in range(0, len(lines), 5000):
                        copy.write("".join(lines[k : k + 5000]))
            for sql, params in registry:
                cur.execute(sql, params)


@functools.lru_cache(maxsize=1)
def _people(seed: int, n: int) -> list[str]:
    """The pool of ID numbers dossiers draw from (a third of the dossiers: some people come twice)."""
    rng = random.Random(seed)
    return [f"0010{rng.getrandbits(3):01d}{rng.getrandbits(23) % 10**7:07d}" for _ in range(n)]


def _procedures(path) -> list[tuple[str, str]]:
    """(code, name) of the sample catalogue's procedures (read once, without a home)."""
    import tempfile

    from desk.catalog.store import import_catalog, list_procedures
    from desk.config import Home, init_home
    from desk.context import open_desk

    with tempfile.TemporaryDirectory(prefix="bench-cat-") as tmp:
        home = Home(Path(tmp) / "h")
        init_home(home, agency_code="000.00.12.H29", agency_name="Bench", desk_no=0, clerk="Bench")
        desk = open_desk(home)
        try:
            import_catalog(desk, path)
            return [(p.code, p.name) for p in list_procedures(desk)]
        finally:
            desk.close()


def _desk_lines(parts, rng, procedures, people, desk_id, agency, desk_no, n_events, n_dossiers, gap) -> None:
    """One desk's dossiers (spread over the year) and events (a valid chain; one ``dossier.received`` per
    dossier, then prints of them), as COPY text lines."""
    start = END - timedelta(days=365)
    step = timedelta(days=365) / n_dossiers
    codes: list[tuple[str, str]] = []
    returned_before = END - timedelta(days=30)
    for j in range(n_dossiers):
        received = (start + step * j).replace(microsecond=0)
        code = f"{agency}-{received:%y%m%d}-{desk_no}{j:06d}"
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        p_code, p_name = procedures[rng.randrange(len(procedures))]
        at = received.isoformat(timespec="seconds")
        did = str(time_ordered_uuid(int(received.timestamp() * 1000), rng.getrandbits(80)))
        due = (received + timedelta(days=3)).isoformat(timespec="seconds")
        status = "returned" if received < returned_before else "received"
        parts["dossiers"].append(
            _line(
                (did, code, desk_id, desk_no, p_code, p_name, "citizen", name, fold(name), rng.choice(people))
                + ("cccd", None, "", f"09{rng.randrange(10**8):08d}", "", "Xã Bench", "counter", "counter", 1, at)
                + (due, status, "01", j + 1, "Bench Clerk", "", None, None, None, "", "", at)
            )
        )
        codes.append((code, at))
    prev = GENESIS
    payload = '{"bench":true}'
    for seq in range(1, n_events + 1):
        code, at = codes[(seq - 1) % n_dossiers]
        kind = "dossier.received" if seq <= n_dossiers else "document.printed"
        event_id = str(uuid.UUID(int=rng.getrandbits(128)))
        record = {
            "seq": seq,
            "event_id": event_id,
            "desk_id": desk_id,
            "dossier_code": code,
            "type": kind,
            "at": at,
            "clerk": "Bench Clerk",
            "payload": {"bench": True},
            "prev_hash": prev,
        }
        digest = hashlib.sha256(orjson.dumps(record, option=orjson.OPT_SORT_KEYS)).hexdigest()  # canonical JSON
        if gap is None or not gap[0] <= seq <= gap[1]:
            day = at[:10]
            parts["events"].append(
                f"{desk_id}\t{seq}\t{event_id}\t{code}\t{kind}\t{at}\tBench Clerk\t{payload}\t{prev}\t{digest}"
                f"\t{day}\t\\N\t\\N\tf\n"
            )
            parts["event_ids"].append(f"{event_id}\t{desk_id}\t{seq}\t{day}\t{prev}\t{digest}\n")
        prev = digest


def cached_hub(cache: Path, events: int, dossiers: int, desks: int) -> tuple[Cluster, str, dict]:
    """The cluster kept under ``cache`` holding the hub of that size, started (durable); built first if it is
    not there (without fsync while it fills: a build cut short is built again). (cluster, URL, build figures)"""
    root = cache.resolve() / f"pg-hub-{events}-{dossiers}-{desks}"
    done = root.parent / f"{root.name}.built"
    wanted = label(events, dossiers, desks)
    built = done.exists() and done.read_text() == wanted
    cluster = Cluster(root, durable=built, shared_buffers=SHARED_BUFFERS)
    url = cluster.url("hub")
    if built:
        return cluster, url, {"build_s": 0.0, "reused": True}
    try:
        with connect(cluster.url("postgres")) as conn:
            conn.execute("DROP DATABASE IF EXISTS hub")
            conn.execute("CREATE DATABASE hub")
        figures = pg_hub(url, events, dossiers, desks)
        cluster.restart(durable=True, shared_buffers=SHARED_BUFFERS)
    except BaseException:
        cluster.stop()
        raise
    figures["disk_mb"] = round(cluster.disk_bytes() / 2**20)
    done.write_text(wanted)
    return cluster, url, figures


def reset(url: str) -> dict:
    """Take out of the hub what is not of the generated desks (a run's pushes and bundle); rows removed. A hub
    cached by an older version is first brought to the current schema, as a hub's start would (its steps' time
    is not the run's)."""
    from db.pg import migrations

    with connect(url) as conn:
        migrations.migrate(conn)
        conn.execute(
            "CREATE TEMP TABLE gone AS SELECT desk_id FROM sync_desks WHERE agency_code NOT LIKE %s"
            " UNION SELECT desk_id FROM enrolled_desks WHERE agency_code NOT LIKE %s"
            " UNION SELECT DISTINCT desk_id FROM sync_imports WHERE agency_code NOT LIKE %s"
            # and events of no known desk (a run cut short, e.g. by Ctrl+C): else their ids refuse the next run's
            " UNION (SELECT DISTINCT desk_id FROM event_ids EXCEPT SELECT desk_id FROM sync_desks WHERE agency_code LIKE %s)"
            # and the latest events of no known desk (a run's, reset by a version that did not keep them)
            " UNION (SELECT DISTINCT desk_id FROM hub_latest_events"
            "  EXCEPT SELECT desk_id FROM sync_desks WHERE agency_code LIKE %s)",
            (BASE_AGENCIES,) * 5,
        )
        removed = 0
        with conn.transaction():
            # their dossiers' lines first: component_lines has no foreign key to cascade from (step 9 of
            # db.pg.migrations); left, they would refuse the next run's lines of the same dossiers
            removed += conn.execute(
                "DELETE FROM component_lines WHERE dossier_id IN"
                " (SELECT id FROM dossiers WHERE desk_id IN (SELECT desk_id FROM gone))"
            ).rowcount
            for table in RESET_TABLES:
                removed += conn.execute(f"DELETE FROM {table} WHERE desk_id IN (SELECT desk_id FROM gone)").rowcount
            conn.execute("DELETE FROM desk_keys WHERE desk_id IN (SELECT desk_id FROM gone)")
            conn.execute("DELETE FROM enrolled_desks WHERE desk_id IN (SELECT desk_id FROM gone)")
            conn.execute("DELETE FROM sync_requests")
        # no VACUUM: a run's 300,000 rows are 3 % of a large hub's, under autovacuum's thresholds (20 %), and a
        # VACUUM of the large tables costs minutes; their dead rows are left to autovacuum
        conn.execute("CHECKPOINT")  # the next run does not pay for this one's dirty pages
    return {"reset_rows": removed}


def count_in(url: str, desks) -> dict:
    """What the hub holds of the simulated desks, checked in the database: events in (``event_ids`` and the
    ``events`` partitions, each by event id), lost (sent, not there), duplicated (there twice), unexpected."""
    with connect(url) as conn:
        events_in = lost = duplicated = unexpected = 0
        for d in desks:
            ids = [r[0] for r in conn.execute("SELECT event_id FROM event_ids WHERE desk_id = %s", (d.desk_id,))]
            stored = [r[0] for r in conn.execute("SELECT event_id FROM events WHERE desk_id = %s", (d.desk_id,))]
            held = set(ids) & set(stored)
            sent = {r["event_id"] for r in d.records}
            events_in += len(held & sent)
            lost += len(sent - held)
            duplicated += len(ids) - len(set(ids)) + len(stored) - len(set(stored))
            unexpected += len((set(ids) | set(stored)) - sent)
    return {"events_in": events_in, "lost": lost, "duplicated": duplicated, "unexpected": unexpected}


def sizes(url: str) -> dict:
    with connect(url) as conn:
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        events = conn.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'event_ids'").fetchone()[0]
    return {"database_mb": round(size / 2**20), "event_ids_estimate": events}
