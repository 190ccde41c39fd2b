"""``make bench-hub``: a hub under the load of a province's end of day, written as JSON (issue 17, point 5).

``python -m bench.hub [--full] [--desks N] [--pg | --hub-database URL] [--workers 1,2,4] [--cache DIR] [--out FILE]``

1. A hub holding many events, built once and kept under ``--cache``: 50,000 events / 5,000 dossiers by
   default, 10,000,000 / 1,000,000 with ``--full``, over 600 desks. In the home's SQLite
   (``bench.hub_generate``) by default; with ``--pg`` in a PostgreSQL cluster of the bench's own whose data
   directory is kept under ``--cache`` (``bench.hub_pg``: COPY, then the keys built), or with
   ``--hub-database postgresql://…`` in that database.
2. ``N`` simulated desks (``bench.hub_desks``), each enrolled with its own key, push a day of 100
   dossiers (1,000 events) at once to ``desk hub serve [--workers W]`` (Granian, loopback) in a process of
   its own, once per ``--workers`` count (PostgreSQL; the hub reset between runs): every event counted in,
   lost and duplicated in the database afterwards; total time; the latency of each accepted batch; the CPU
   seconds of the hub's processes, of PostgreSQL's and of the desks' clients; what PostgreSQL waited on.
3. One bundle of 20,000 events imported into the same hub (``desk import``'s path, a process of its own).
4. The board (``desk hub board``) of the 600 desks and more, page after page.

Counts are checked by a test (``tests/test_bench_hub.py``, a small version on each store); times only
reported beside their budgets (SPEC §10).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
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

from bench.common import budgets, load, machine, machine_cpu_s, tree_cpu_s, write_report

SIZES = {"small": (50_000, 5_000), "full": (10_000_000, 1_000_000)}
BUDGETS = {"push_total_s": 60, "import_20k_events_s": 3, "board_600_desks_ms": 300}
MAX_DESKS = 1000
MAX_WORKERS = 16
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
    store = p.add_mutually_exclusive_group()
    store.add_argument(
        "--pg", action="store_true", help="the hub on a PostgreSQL cluster of the bench's own (kept under --cache)"
    )
    store.add_argument("--hub-database", default="", metavar="URL", help="the hub on this PostgreSQL database")
    p.add_argument(
        "--workers",
        default="",
        help="hub processes (desk hub serve --workers), one run per count: e.g. 1,2,4 (PostgreSQL; default 4; SQLite: 1)",
    )
    p.add_argument("--cache", default=os.environ.get("BENCH_CACHE", "bench/.cache"), help="where the hub is kept")
    p.add_argument("--out", default="bench/hub-results.json")
    args = p.parse_args(argv)
    if not 1 <= args.desks <= MAX_DESKS:
        p.error(f"--desks must be 1–{MAX_DESKS}")
    if args.hub_database and not args.hub_database.startswith(("postgresql://", "postgres://")):
        p.error("--hub-database: a postgresql:// URL (the home's SQLite is the default)")
    pg = args.pg or bool(args.hub_database)
    try:
        args.worker_counts = [int(w) for w in (args.workers or ("4" if pg else "1")).split(",")]
    except ValueError:
        p.error("--workers: counts separated by commas, e.g. 1,2,4")
    if not all(1 <= w <= MAX_WORKERS for w in args.worker_counts):
        p.error(f"--workers: from 1 to {MAX_WORKERS}")
    if not pg and args.worker_counts != [1]:
        p.error("--workers: more than one hub process needs PostgreSQL (--pg or --hub-database)")
    return args


def main(argv=None) -> int:
    args = parse(argv)
    from bench.hub_generate import NOW, hub_home

    events, dossiers = SIZES["full" if args.full else "small"]
    events, dossiers = args.hub_events or events, args.hub_dossiers or dossiers
    os.environ["DESK_NOW"] = NOW  # one clock for the hub, the desks and the board
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    print(f"bench-hub: preparing a hub of {events:,} events, {args.board_desks} desks …", file=sys.stderr)
    cluster = None
    results: dict = {}
    if args.pg or args.hub_database:
        from bench import hub_pg

        if args.pg:
            cluster, url, built = hub_pg.cached_hub(cache, events, dossiers, args.board_desks)
        else:
            url, built = args.hub_database, hub_pg.pg_hub(args.hub_database, events, dossiers, args.board_desks)
        store = "postgresql"
        # the home beside the database: its catalogue, settings, and (the board as it reads today) the registry
        # of the same number of desks in its SQLite, one event each
        cached = hub_home(cache / f"hub-home-{args.board_desks}", args.board_desks, args.board_desks, args.board_desks)
        results["build"] = {**built, **hub_pg.sizes(url)}
    else:
        url, store = "", "sqlite"
        cached = hub_home(cache / f"hub-{events}-{dossiers}-{args.board_desks}", events, dossiers, args.board_desks)
    results["generate_s"] = round(time.perf_counter() - t, 1)
    work = Path(tempfile.mkdtemp(prefix="bench-hub-", dir=cache))
    try:
        runs, hub_root, desks = [], work, make_desks(cached.root, args)
        for workers in args.worker_counts:
            hub_root = _fresh_home(cached.root, work / f"hub-{workers}", url)
            print(f"bench-hub: {args.desks} desks push to {workers} hub worker(s) …", file=sys.stderr)
            runs.append(run_pushes(hub_root, desks, args, workers, url, cluster.postmaster() if cluster else None))
            print(f"bench-hub: {json.dumps(runs[-1])}", file=sys.stderr)  # each run as it ends
        results["push_runs"] = runs
        most = max(runs, key=lambda r: r["workers"])
        results.update({k: v for k, v in most.items() if k != "pg"})  # the figures of the run of the most workers
        # the bundle and the board: on the hub as the last run left it (its desks pushed, the hub's events held)
        if args.bundle_events:
            print(f"bench-hub: import of one bundle of {args.bundle_events:,} events …", file=sys.stderr)
            results.update(run_import(hub_root, work, args.bundle_events))
        print("bench-hub: the board …", file=sys.stderr)
        results.update(run_board(hub_root, args.board_desks))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if cluster is not None:
            cluster.stop()
    report = {
        "store": store,
        "hub_events": events,
        "hub_dossiers": dossiers,
        "durable": cluster.durable if cluster else None,
        "machine": {**machine(), "load_after": load()},
        "results": results,
        "budgets": budgets(results, BUDGETS),
    }
    out = Path(args.out)
    write_report(out, report)
    print(json.dumps({k: v for k, v in results.items() if k != "push_runs"}, indent=2))
    print(f"bench-hub: written to {out}", file=sys.stderr)
    return 0


def _fresh_home(cached: Path, root: Path, url: str) -> Path:
    """A copy of the cached home for one run; on PostgreSQL, the database taken back to the generated hub."""
    from desk.config import Home, update_settings

    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(cached, root)
    if url:
        from bench import hub_pg

        hub_pg.reset(url)
        update_settings(Home(root), hub_database=url)
    return root


# --- the pushes ------------------------------------------------------------------------------


def make_desks(hub_root: Path, args) -> list:
    """The simulated desks and their day (made once: every run pushes the same days)."""
    from bench.hub_desks import SimDesk, sim_agency
    from desk.catalog.store import list_procedures
    from desk.config import Home
    from desk.context import open_desk

    hub = open_desk(Home(hub_root))
    try:
        procedures = list_procedures(hub)
    finally:
        hub.close()
    print(f"bench-hub: {args.desks} desks make their day …", file=sys.stderr)
    desks = [SimDesk(number=i, agency=sim_agency(i), desk_no=i % 10) for i in range(args.desks)]
    for d in desks:
        d.make_day(procedures, args.dossiers_per_desk, args.events_per_dossier, DAY, seed=1000 + d.number)
    return desks


def run_pushes(hub_root: Path, desks: list, args, workers: int, url: str, postmaster: int | None) -> dict:
    """One run: the desks enrolled at this hub, then every desk's day pushed at once to ``workers`` processes."""
    from bench.hub_desks import push_all
    from bench.hub_generate import NOW
    from desk.config import Home, load_settings, update_settings
    from desk.context import open_desk
    from desk.sync.enrolment import Request, enrol
    from desk.sync.hub import add_token
    from desk.sync.store import close_pools

    home = Home(hub_root)
    token = add_token(home)
    served = load_settings(home).hub_agencies
    update_settings(home, hub_agencies=(*served, *sorted({d.agency for d in desks})))
    hub = open_desk(home)
    try:
        for d in desks:
            enrol(hub, Request(d.agency, "UBND Bench", d.desk_no, d.desk_id, d.public))
    finally:
        hub.close()
        close_pools()
    for d in desks:
        d.acknowledged, d.latencies, d.retries, d.error = set(), [], 0, ""
    expected = sum(len(d.records) for d in desks)
    batches = [d.batches(args.batch, token, NOW) for d in desks]  # made and signed before the clock starts
    server = HubProcess(hub_root, workers)
    sampler = None
    try:
        print(f"bench-hub: {len(desks)} desks push {expected:,} events at once …", file=sys.stderr)
        if url:
            from bench.pg_stats import Sampler

            sampler = Sampler(url).__enter__()
        cpu = _cpu_now(server, postmaster)
        t = time.perf_counter()
        try:
            asyncio.run(push_all(desks, batches, "127.0.0.1", server.port, args.time_limit))
            timed_out = False
        except TimeoutError:
            timed_out = True
        total = time.perf_counter() - t
        cpu = {
            k: round(v - cpu[k], 2) if v is not None and cpu[k] is not None else None
            for k, v in _cpu_now(server, postmaster).items()
        }
        if sampler is not None:
            sampler.__exit__(None, None, None)
    finally:
        server.stop()
    if url:
        from bench.hub_pg import count_in as pg_count_in

        counts = pg_count_in(url, desks)
    else:
        counts = count_in(hub_root, desks)
    latencies = sorted(x for d in desks for x in d.latencies)
    per_1k = 1000 / max(1, counts["events_in"])
    others = None
    if cpu["machine"] is not None:
        ours = sum(cpu[k] or 0 for k in ("hub", "postgresql", "clients"))
        others = round(max(0.0, cpu["machine"] - ours), 1)
    return {
        "workers": workers,
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
        "hub_server_cpu_s": cpu["hub"],
        "postgresql_cpu_s": cpu["postgresql"],
        "clients_cpu_s": cpu["clients"],
        "machine_cpu_s": cpu["machine"],
        "others_cpu_s": others,
        "machine_cores_busy": round(cpu["machine"] / total, 2) if cpu["machine"] is not None and total else None,
        "hub_cpu_s_per_1k_events": round(cpu["hub"] * per_1k, 3) if cpu["hub"] is not None else None,
        "postgresql_cpu_s_per_1k_events": round(cpu["postgresql"] * per_1k, 3)
        if cpu["postgresql"] is not None
        else None,
        "load_after": load(),
        **({"pg": sampler.summary(counts["events_in"])} if sampler is not None else {}),
    }


def _cpu_now(server: HubProcess, postmaster: int | None) -> dict:
    from bench.pg_cluster import server_cpu_s

    return {
        "hub": tree_cpu_s(server.proc.pid),
        "postgresql": server_cpu_s(postmaster),
        "clients": time.process_time(),
        "machine": machine_cpu_s() or None,
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
    """``desk hub serve --port 0 [--workers N]`` on loopback in a process of its own; its port read from its
    first line."""

    def __init__(self, hub_root: Path, workers: int = 1):
        command = [sys.executable, "-m", "desk", "--home", str(hub_root), "hub", "serve", "--port", "0", "--quiet"]
        if workers > 1:
            command += ["--workers", str(workers)]
        self.proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT, env=dict(os.environ)
        )
        self.cpu_s: float | None = None
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], 120)
        line = self.proc.stdout.readline().decode() if ready else ""
        if "listening on" not in line:
            self.stop()
            raise RuntimeError(f"the hub did not start: {line!r}")
        self.port = int(line.split("listening on ", 1)[1].split()[0].rsplit(":", 1)[1])
        if workers > 1:
            _wait_for_workers(self.port, workers)
        _settled(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.cpu_s = round(tree_cpu_s(self.proc.pid), 2)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _wait_for_workers(port: int, workers: int) -> None:
    """The port answers once the first worker listens; the others may still be importing: a few requests
    until each answered (bounded), so their start is not counted in the pushes."""
    import http.client

    for _ in range(workers * 10):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/v1/health")
            conn.getresponse().read()
            conn.close()
        except OSError:
            time.sleep(0.2)


def _settled(pid: int, limit: float = 60.0) -> None:
    """Wait (bounded) until the server's processes stop using CPU: their start is not the pushes' cost."""
    end = time.monotonic() + limit
    before = tree_cpu_s(pid)
    while time.monotonic() < end:
        time.sleep(0.5)
        now = tree_cpu_s(pid)
        if now - before < 0.05:
            return
        before = now


# --- the bundle and the board ------------------------------------------------------------------


def run_import(hub_root: Path, work: Path, size: int) -> dict:
    from bench.bench_sync import make_desk_with_events
    from bench.common import enrol, export
    from desk.config import Home
    from desk.sync.seal import ensure_hub_identity

    hub_home = Home(hub_root)
    source = make_desk_with_events(work / "bundle-desk", size, desk_no=2)
    enrol(hub_home, source)
    seal_to = str(ensure_hub_identity(hub_home).to_public())
    bundle = export(source, work / "out", seal_to).path
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
        "import_cpu_s": round(imported["import_cpu_s"], 3),  # the importing process's (not PostgreSQL's)
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
