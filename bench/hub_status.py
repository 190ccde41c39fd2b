"""``desk hub status`` of a large hub on both stores (issue 17's leftovers, point 1): the per-desk figures are
kept as events arrive (``hub_event_counts``), so the status reads one row per desk; beside it, the recount
``desk verify`` holds them against (what every status did before: count each desk's events).

``python -m bench.hub_status [--hub-events N] [--hub-dossiers N] [--desks 600]``

The hub of ``bench.hub_generate`` is read on its home's SQLite, then moved by ``desk hub migrate`` into a
throw-away PostgreSQL cluster and read again. Reported per store, the median of 3: wall and this process's
CPU milliseconds, and on PostgreSQL the server's CPU milliseconds. Not a budget: a measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

RUNS = 3


def parse(argv) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.hub_status", description=__doc__.split("\n\n")[0])
    p.add_argument("--hub-events", type=int, default=1_000_000)
    p.add_argument("--hub-dossiers", type=int, default=100_000)
    p.add_argument("--desks", type=int, default=600)
    p.add_argument("--cache", default=os.environ.get("BENCH_CACHE", "bench/.cache"))
    return p.parse_args(argv)


def _timed(action, postmaster: int | None) -> dict:
    from bench.pg_cluster import server_cpu_s

    walls, cpus, servers = [], [], []
    for _ in range(RUNS):
        cpu, server, t = time.process_time(), server_cpu_s(postmaster), time.perf_counter()
        action()
        walls.append((time.perf_counter() - t) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        if server is not None:
            servers.append(((server_cpu_s(postmaster) or 0) - server) * 1000)
    return {
        "wall_ms": round(statistics.median(walls), 1),
        "process_cpu_ms": round(statistics.median(cpus), 1),
        "server_cpu_ms": round(statistics.median(servers), 1) if servers else None,
    }


def measure(hub_root: Path, postmaster: int | None = None) -> dict:
    from desk.config import Home
    from desk.context import open_desk
    from desk.sync.status import hub_status
    from desk.sync.store import hub_store

    hub = open_desk(Home(hub_root))
    try:
        store = hub_store(hub)

        def recount() -> None:
            with store.reading() as db:
                store.q.recount_events(db)

        status = hub_status(hub)
        with store.reading() as db:
            counted = {r["desk_id"]: (r["events"], r["last_seq"]) for r in store.q.recount_events(db)}
        return {
            "desks": len(status.desks),
            "events": sum(d.events for d in status.desks),
            "exact": {d.desk_id: (d.events, d.last_seq) for d in status.desks} == counted,
            "hub_status": _timed(lambda: hub_status(hub), postmaster),
            "recount_every_desk": _timed(recount, postmaster),
        }
    finally:
        hub.close()


def main(argv=None) -> int:
    args = parse(argv)
    from bench.hub_generate import hub_copy

    events, dossiers, desks = args.hub_events, args.hub_dossiers, args.desks
    report: dict = {"hub_events": events, "hub_dossiers": dossiers, "desks": desks, "load": os.getloadavg()}
    with hub_copy(Path(args.cache), events, dossiers, desks, prefix="bench-status-") as hub:
        report["sqlite"] = measure(hub.root)
        report["migrate_s"] = hub.into_postgresql("status")
        report["postgresql"] = measure(hub.root, hub.postmaster())
        report["load_after"] = os.getloadavg()
    print(json.dumps(report, indent=2))
    return 0 if report["sqlite"]["exact"] and report["postgresql"]["exact"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
