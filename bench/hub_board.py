"""The board of a hub's 600 desks on both stores (issue 17: ≤ 300 ms), with files missing to count.

``python -m bench.hub_board [--hub-events N] [--hub-dossiers N] [--board-desks 600] [--missing 20] [--url URL]``

The hub of ``bench.hub`` (``bench.hub_generate``: ``--board-desks`` desks, their events, dossiers, gaps,
contacts and duplicates), each desk given ``--missing`` files its dossiers reference that never arrived
(``hub_missing_files``), is read by ``bench.hub``'s board part (every page until all desks were shown) on its
home's SQLite, then moved by ``desk hub migrate`` into PostgreSQL (a throw-away cluster, or ``--url``: an
empty database) and read again. Reported per store, the median of 3: wall and this process's CPU
milliseconds, and on the throw-away cluster the server's CPU milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

BUDGET_MS = 300
RUNS = 3


def parse(argv) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.hub_board", description=__doc__.split("\n\n")[0])
    p.add_argument("--hub-events", type=int, default=50_000)
    p.add_argument("--hub-dossiers", type=int, default=5_000)
    p.add_argument("--board-desks", type=int, default=600)
    p.add_argument("--missing", type=int, default=20, help="files missing per desk (20)")
    p.add_argument("--url", default="", help="an empty PostgreSQL database (default: a throw-away cluster)")
    p.add_argument("--cache", default=os.environ.get("BENCH_CACHE", "bench/.cache"))
    return p.parse_args(argv)


def add_missing(hub_root: Path, per_desk: int) -> None:
    """``per_desk`` files missing for each desk, referenced by its dossiers (in the home's SQLite)."""
    import hashlib

    from db import open_db
    from desk.config import Home

    db = open_db(Home(hub_root).db)
    try:
        desks = [r[0] for r in db.execute("SELECT desk_id FROM sync_desks")]
        rows = []
        for desk_id in desks:
            codes = [
                r[0] for r in db.execute("SELECT code FROM dossiers WHERE desk_id = ? LIMIT ?", (desk_id, per_desk))
            ]
            for i, code in enumerate(codes):
                rows.append((code, f"giay_{i}", hashlib.sha256(f"{code} {i}".encode()).hexdigest(), desk_id))
        db.conn.execute("BEGIN")
        db.conn.executemany("INSERT OR IGNORE INTO hub_missing_files VALUES (?, ?, ?, ?)", rows)
        db.conn.execute("COMMIT")
    finally:
        db.close()


def measure(hub_root: Path, desks: int, postmaster: int | None = None) -> dict:
    from bench.hub import run_board
    from bench.pg_import import server_cpu_s

    walls, cpus, servers = [], [], []
    last: dict = {}
    for _ in range(RUNS):
        cpu, server = time.process_time(), server_cpu_s(postmaster)
        last = run_board(hub_root, desks)
        cpus.append((time.process_time() - cpu) * 1000)
        if server is not None:
            servers.append(((server_cpu_s(postmaster) or 0) - server) * 1000)
        walls.append(last["board_600_desks_ms"])
    return {
        "board_600_desks_ms": round(statistics.median(walls), 1),
        "board_600_desks_ms_runs": walls,
        "process_cpu_ms": round(statistics.median(cpus), 1),
        "server_cpu_ms": round(statistics.median(servers), 1) if servers else None,
        "board_pages": last["board_pages"],
        "board_desks_shown": last["board_desks_shown"],
        "board_first_page_ms": last["board_first_page_ms"],
        "ok": statistics.median(walls) <= BUDGET_MS,
    }


def files_missing_shown(hub_root: Path) -> int:
    from desk.config import Home
    from desk.context import open_desk
    from desk.reports.board import board

    hub = open_desk(Home(hub_root))
    try:
        return sum(d.files_missing for d in board(hub).desks)
    finally:
        hub.close()


def main(argv=None) -> int:
    args = parse(argv)
    from bench.hub_generate import hub_copy

    events, dossiers, desks = args.hub_events, args.hub_dossiers, args.board_desks
    report: dict = {"hub_events": events, "hub_dossiers": dossiers, "desks": desks, "missing_per_desk": args.missing}
    with hub_copy(Path(args.cache), events, dossiers, desks, prefix="bench-board-") as hub:
        add_missing(hub.root, args.missing)
        report["sqlite"] = measure(hub.root, desks)
        report["sqlite"]["files_missing_first_page"] = files_missing_shown(hub.root)
        report["migrate_s"] = hub.into_postgresql("board", args.url)
        report["postgresql"] = measure(hub.root, desks, hub.postmaster())
        report["postgresql"]["files_missing_first_page"] = files_missing_shown(hub.root)
    print(json.dumps(report, indent=2))
    return 0 if report["sqlite"]["ok"] and report["postgresql"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
