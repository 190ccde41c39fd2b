"""``make bench-hub``: a hub under the load of a province's end of day, written as JSON (issue 17, point 5).

``python -m bench.hub [--full] [--desks N] [--hub-database URL] [--cache DIR] [--out FILE]``

1. A hub holding many events (``bench.hub_generate``; built once and kept under ``--cache``): 50,000
   events / 5,000 dossiers by default, 10,000,000 / 1,000,000 with ``--full``, over 600 desks.
2. ``N`` simulated desks (``bench.hub_desks``), each enrolled with its own key, push a day of 100
   dossiers (1,000 events) at once to ``desk hub serve`` (Granian, loopback) in a process of its own:
   every event counted in, lost and duplicated; total time; the latency of each accepted batch.
3. One bundle of 20,000 events imported into the same hub (``desk import``'s path, a process of its own).
4. The board (``desk hub board``) of the 600 desks and more, page after page.

Counts are checked by a test (``tests/test_bench_hub.py``, a small version); times only reported
beside their budgets (SPEC §10). ``--hub-database`` picks the hub's store; this version runs its
home's SQLite only and says so for anything else.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

SIZES = {"small": (50_000, 5_000), "full": (10_000_000, 1_000_000)}
BUDGETS = {"push_total_s": 60, "import_20k_events_s": 3, "board_600_desks_ms": 300}
MAX_DESKS = 1000
ROOT = Path(__file__).resolve().parent.parent
DAY = datetime(2026, 11, 20, 7, 30)


def parse(argv) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.hub", description=__doc__.split("\n\n")[0])
    p.add_argument("--full", action="store_true", help="a hub of 10,000,000 events and 1,000,000 dossiers")
    p.add_argument("--hub-events", type=int, help="events held by the hub before the run (overrides the size)")
    p.add_argument("--hub-dossiers", type=int, help="dossiers held by the hub before the run")
    p.add_argument("--board-desks", type=int, default=600, help="desks the hub knows before the run (600)")
    p.add_argument("--desks", type=int, default=40, help=f"simulated desks pushing at once (40; at most {MAX_DESKS})")
    p.add_argument("--dossiers-per-desk", type=int, default=100)
    p.add_argument("--events-per-dossier", type=int, default=10)
    p.add_argument("--batch", type=int, default=200, help="events per pushed batch (desk sync's default, 200)")
    p.add_argument("--bundle-events", type=int, default=20_000, help="events of the imported bundle (0: none)")
    p.add_argument("--time-limit", type=float, default=600.0, help="seconds the pushes may take in all")
    p.add_argument("--hub-database", default="", metavar="URL", help="the hub's store (default: its home's SQLite)")
    p.add_argument("--cache", default=os.environ.get("BENCH_CACHE", "bench/.cache"), help="where the hub is kept")
    p.add_argument("--out", default="bench/hub-results.json")
    args = p.parse_args(argv)
    if not 1 <= args.desks <= MAX_DESKS:
        p.error(f"--desks must be 1–{MAX_DESKS}")
    return args


def main(argv=None) -> int:
    args = parse(argv)
    from bench.hub_generate import NOW, hub_home

    events, dossiers = SIZES["full" if args.full else "small"]
    events, dossiers = args.hub_events or events, args.hub_dossiers or dossiers
    store = args.hub_database or "sqlite"
    if store != "sqlite" and not store.startswith("sqlite:"):
        print(
            f"bench-hub: --hub-database {store!r}: this version's hub runs on its home's SQLite only "
            "(the PostgreSQL store of issue 17 is not here yet)",
            file=sys.stderr,
        )
        return 2
    os.environ["DESK_NOW"] = NOW  # one clock for the hub, the desks and the board
    cache = Path(args.cache)
    t = time.perf_counter()
    print(f"bench-hub: preparing a hub of {events:,} events, {args.board_desks} desks …", file=sys.stderr)
    cached = hub_home(cache / f"hub-{events}-{dossiers}-{args.board_desks}", events, dossiers, args.board_desks)
    results: dict = {"generate_s": round(time.perf_counter() - t, 1)}
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-hub-", dir=cache))
    try:
        hub_root = Path(shutil.copytree(cached.root, work / "hub"))
        results.update(run_pushes(hub_root, args))
        if args.bundle_events:
            print(f"bench-hub: import of one bundle of {args.bundle_events:,} events …", file=sys.stderr)
            results.update(run_import(hub_root, work, args.bundle_events))
        print("bench-hub: the board …", file=sys.stderr)
        results.update(run_board(hub_root, args.board_desks))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = {
        "store": store,
        "hub_events": events,
        "hub_dossiers": dossiers,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "results": results,
        "budgets": {
            k: {"budget": v, "value": results.get(k), "ok": results.get(k) is not None and results[k] <= v}
            for k, v in BUDGETS.items()
        },
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(report["results"], indent=2))
    print(f"bench-hub: written to {out}", file=sys.stderr)
    return 0


# --- the pushes ------------------------------------------------------------------------------


def run_pushes(hub_root: Path, args) -> dict:
    from bench.hub_desks import SimDesk, push_all, sim_agency
    from bench.hub_generate import NOW
    from desk.catalog.store import list_procedures
    from desk.config import Home, load_settings, update_settings
    from desk.context import open_desk
    from desk.sync.enrolment import Request, enrol
    from desk.sync.hub import add_token

    home = Home(hub_root)
    token = add_token(home)
    desks = [SimDesk(number=i, agency=sim_agency(i), desk_no=i % 10) for i in range(args.desks)]
    served = load_settings(home).hub_agencies
    update_settings(home, hub_agencies=(*served, *sorted({d.agency for d in desks})))
    hub = open_desk(home)
    try:
        for d in desks:
            enrol(hub, Request(d.agency, "UBND Bench", d.desk_no, d.desk_id, d.public))
        procedures = list_procedures(hub)
    finally:
        hub.close()
    print(f"bench-hub: {len(desks)} desks make their day …", file=sys.stderr)
    for d in desks:
        d.make_day(procedures, args.dossiers_per_desk, args.events_per_dossier, DAY, seed=1000 + d.number)
    expected = sum(len(d.records) for d in desks)
    batches = [d.batches(args.batch, token, NOW) for d in desks]  # made and signed before the clock starts
    server = HubProcess(hub_root)
    try:
        print(f"bench-hub: {len(desks)} desks push {expected:,} events at once …", file=sys.stderr)
        t = time.perf_counter()
        try:
            asyncio.run(push_all(desks, batches, "127.0.0.1", server.port, args.time_limit))
            timed_out = False
        except TimeoutError:
            timed_out = True
        total = time.perf_counter() - t
    finally:
        server.stop()
    counts = count_in(hub_root, desks)
    latencies = sorted(x for d in desks for x in d.latencies)
    return {
        "push_desks": len(desks),
        "push_batch_events": args.batch,
        "events_expected": expected,
        **counts,
        "acknowledged": sum(len(d.acknowledged) for d in desks),
        "desks_failed": sum(1 for d in desks if d.error),
        "desk_errors": sorted({d.error for d in desks if d.error})[:5],
        "push_timed_out": timed_out,
        "push_retries": sum(d.retries for d in desks),
        "push_batches": len(latencies),
        "push_total_s": round(total, 3),
        "push_events_per_s": round(counts["events_in"] / total, 1) if total else None,
        "batch_latency_p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "batch_latency_p95_ms": round(_p95(latencies) * 1000, 1) if latencies else None,
        "batch_latency_max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
        "hub_server_cpu_s": server.cpu_s,
    }


def _p95(values: list[float]) -> float:
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def count_in(hub_root: Path, desks) -> dict:
    """What the hub holds of the simulated desks: in, lost (sent, not there), duplicated (there twice)."""
    from db import open_db

    db = open_db(hub_root / "desk.sqlite3")
    try:
        events_in = lost = duplicated = unexpected = 0
        for d in desks:
            ids = [r[0] for r in db.execute("SELECT event_id FROM events WHERE desk_id = ?", (d.desk_id,))]
            held = set(ids)
            sent = {r["event_id"] for r in d.records}
            events_in += len(held & sent)
            lost += len(sent - held)
            duplicated += len(ids) - len(held)
            unexpected += len(held - sent)
        return {"events_in": events_in, "lost": lost, "duplicated": duplicated, "unexpected": unexpected}
    finally:
        db.close()


class HubProcess:
    """``desk hub serve --port 0`` on loopback in a process of its own; its port read from its first line."""

    def __init__(self, hub_root: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desk", "--home", str(hub_root), "hub", "serve", "--port", "0", "--quiet"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            env=dict(os.environ),
        )
        self.cpu_s: float | None = None
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], 60)
        line = self.proc.stdout.readline().decode() if ready else ""
        if "listening on" not in line:
            self.stop()
            raise RuntimeError(f"the hub did not start: {line!r}")
        self.port = int(line.split("listening on ", 1)[1].split()[0].rsplit(":", 1)[1])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.cpu_s = _cpu_seconds(self.proc.pid)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _cpu_seconds(pid: int) -> float | None:
    """User and system CPU seconds of a running process so far (Linux; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)
    except (OSError, ValueError, IndexError):
        return None


# --- the bundle and the board ------------------------------------------------------------------


def run_import(hub_root: Path, work: Path, size: int) -> dict:
    from bench.bench_sync import enrol, make_desk_with_events
    from desk.config import Home
    from desk.context import open_desk
    from desk.sync.bundle_write import export_bundle
    from desk.sync.seal import ensure_hub_identity

    hub_home = Home(hub_root)
    source = make_desk_with_events(work / "bundle-desk", size, desk_no=2)
    enrol(hub_home, source)
    seal_to = str(ensure_hub_identity(hub_home).to_public())
    out = work / "out"
    out.mkdir()
    desk = open_desk(source)
    try:
        bundle = export_bundle(desk, out, seal_to=seal_to).path
    finally:
        desk.close()
    measured = subprocess.run(
        [sys.executable, "-m", "bench.bench_sync", "--import", str(hub_root), str(bundle)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    imported = json.loads(measured.stdout)
    return {
        "bundle_events": size,
        "bundle_imported_events": imported["imported_events"],
        "import_s": round(imported["import_s"], 3),
        "import_20k_events_s": round(imported["import_s"] * 20_000 / size, 3),
        "import_peak_rss_mb": round(imported["import_rss_mb"] + imported["import_reader_rss_mb"], 1),
    }


def run_board(hub_root: Path, desks: int) -> dict:
    """The board's first page, and every page until ``desks`` desks were shown; milliseconds."""
    from desk.config import Home
    from desk.context import open_desk
    from desk.reports.board import PAGE_SIZE, board

    hub = open_desk(Home(hub_root))
    try:
        board(hub)  # the first query of a process opens the tables: not what a board costs
        t = time.perf_counter()
        page = board(hub)
        first = time.perf_counter() - t
        shown, pages = len(page.desks), 1
        while page.next and shown < desks:
            page = board(hub, after=page.next)
            shown, pages = shown + len(page.desks), pages + 1
        every = time.perf_counter() - t
        flagged = sum(d.duplicates for d in page.desks)
        return {
            "board_page_desks": PAGE_SIZE,
            "board_first_page_ms": round(first * 1000, 1),
            "board_600_desks_ms": round(every * 1000, 1),
            "board_desks_shown": shown,
            "board_pages": pages,
            "board_total_desks": page.total_desks,
            "board_last_page_duplicates": flagged,
        }
    finally:
        hub.close()


if __name__ == "__main__":
    raise SystemExit(main())
