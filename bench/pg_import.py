"""Import of one bundle into a hub on PostgreSQL (issue 17, point 5: 20,000 events ≤ 3 s), as JSON.

``python -m bench.pg_import [--events N] [--runs R] [--url URL] [--fsync] [--statements N]``

A desk of ``N`` events (each the intake of one dossier with its snapshot, as ``bench.bench_sync`` makes them)
exports one sealed bundle; each run imports it, in a process of its own as ``desk import`` does, into a hub
home whose ``[hub] database`` is a new, empty database. Without ``--url`` a throw-away PostgreSQL cluster
is made in a temporary folder (a Unix socket, no TCP port; as root it runs as the ``postgres`` user) and
removed afterwards; ``--fsync`` keeps its fsync and synchronous commit on (off by default: the figures are
of the hub's work, not of this machine's disk). With ``--url`` (a database the user may ``CREATE DATABASE``
from) the runs' databases are made beside it and dropped.

Reported: the median and every run's wall seconds of ``import_bundle`` (the pool already open, the schema
already migrated: a serving hub's case), the importing process's CPU seconds, its second reading process's
(``pg_import_reader_cpu_s``), and, on the throw-away cluster, the server's CPU seconds (its processes' user +
system time, from /proc) — on a shared machine CPU seconds are steadier than wall time; the load average
as each run began (``pg_import_load``). ``import_20k_events_s`` scales the median linearly to 20,000 events. With
``--statements N``, the ``N`` statements of the last run's import that took the most time (``pg_stat_statements``:
calls, rows, milliseconds, buffers, WAL bytes), to see where the server's time goes. With ``--timeline``, the
last run's timeline (``pg_import_timeline``): every 100 ms from the import's start, the CPU seconds each side
used in it — the importing process's main thread (reading the blocks, checking them), its other threads (the
writer of the blocks; the pool's), the reading process, the server (on the throw-away cluster) — and
``pg_import_stamps``: when each block was checked and handed to the writer, and when the import returned (what
runs after the last block: the writer's last blocks, the import's record, the commit, the duplicates' second
pass), to see which parts run side by side and which alone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import export
from bench.pg_cluster import STATEMENTS, Cluster, server_cpu_s, top_statements

BUDGET_S = 3.0
ROOT = Path(__file__).resolve().parent.parent


def _database(admin_url: str, name: str, *, drop: bool = False, statements: bool = False) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}" if drop else f"CREATE DATABASE {name}")
    if statements and not drop:
        with psycopg.connect(_url_of(admin_url, name), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION pg_stat_statements")


def _url_of(admin_url: str, name: str) -> str:
    """``admin_url`` naming database ``name`` instead (its query string kept)."""
    import urllib.parse

    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def run_once(
    root: Path, source: Path, bundle_of, url: str, postmaster: int | None, statements: int = 0, timeline: bool = False
) -> dict:
    """One import of the source desk's bundle into a new hub home on ``url``, in a process of its own."""
    from bench.bench_sync import _home
    from bench.common import enrol
    from desk.config import Home, update_settings
    from desk.sync.seal import ensure_hub_identity

    hub_home = _home(root / "hub", 0)
    update_settings(hub_home, hub_database=url)
    desk_home = Home(shutil.copytree(source, root / "desk"))
    enrol(hub_home, desk_home)
    bundle = bundle_of(desk_home, str(ensure_hub_identity(hub_home).to_public()), root / "out")
    command = [sys.executable, "-m", "bench.pg_import", "--child", str(hub_home.root), str(bundle)]
    command += [str(postmaster or 0), str(statements), str(int(timeline))]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT) as child_p:
        sampler = _Sampler(child_p.pid, postmaster) if timeline else None
        try:
            out, err = child_p.communicate(timeout=600)
        finally:
            if sampler is not None:
                sampler.stop()
    if child_p.returncode != 0:
        raise SystemExit(f"the import failed ({child_p.returncode}):\n{err[-3000:]}")
    result = json.loads(out)
    if sampler is not None:
        result["timeline"] = sampler.timeline(result.pop("started_at"))
    return result


class _Sampler:
    """Every :data:`TICK_S`, the CPU seconds (``/proc``) of the importing process's threads (its main one apart),
    of its children (the reading process) and of the server's processes (the postmaster's children)."""

    def __init__(self, importer: int, postmaster: int | None) -> None:
        import threading

        self.importer, self.postmaster = importer, postmaster
        self.samples: list[tuple[float, tuple[float, float, float, float | None]]] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.is_set():
            self.samples.append((time.time(), self._sample()))
            self._done.wait(TICK_S)

    def _sample(self) -> tuple[float, float, float, float | None]:
        from bench.common import process_cpu

        main = other = reader = server = 0.0
        for task in Path(f"/proc/{self.importer}/task").glob("*/stat"):
            cpu = _stat_cpu_s(task)
            if task.parent.name == str(self.importer):
                main = cpu
            else:
                other += cpu
        for pid, ppid, cpu in process_cpu():
            if ppid == self.importer:
                reader += cpu
            elif self.postmaster is not None and (pid == self.postmaster or ppid == self.postmaster):
                server += cpu
        return main, other, reader, server if self.postmaster is not None else None

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def timeline(self, started_at: float) -> list[list[float | None]]:
        """[seconds from the import's start, then the CPU seconds of the importing process's main thread, its
        other threads, the reading process, the server (None: a server not of this bench) in the tick before],
        from the tick before the start.

        A process or thread that ended within a tick (the reading process at the end) counts nothing there."""
        rows: list[list[float | None]] = []
        for (_, before), (at, after) in zip(self.samples, self.samples[1:]):
            if at >= started_at - TICK_S:
                used = [None if a is None or b is None else round(max(0.0, a - b), 2) for a, b in zip(after, before)]
                rows.append([round(at - started_at, 2), *used])
        return rows


TICK_S = 0.1
"""The timeline's tick."""


def _stat_cpu_s(path: Path) -> float:
    """User + system seconds of a ``/proc/…/stat`` (0 when it is gone)."""
    try:
        fields = path.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _export(desk_home, seal_to: str, out: Path) -> Path:
    path = export(desk_home, out, seal_to).path
    assert path is not None
    return path


def child(hub_root: Path, bundle: Path, postmaster: int | None, statements: int = 0, timeline: bool = False) -> dict:
    """In the importing process: the store opened (pool, schema), then the import measured."""
    from desk.config import Home
    from desk.context import open_desk
    from desk.sync.bundle_read import import_bundle
    from desk.sync.store import close_pools, hub_store

    hub = open_desk(Home(hub_root))
    try:
        store = hub_store(hub)  # opened as a serving hub has it: the pool open, the schema migrated
        with store.reading() as db:
            db.execute("SELECT 1")
            if statements:
                db.execute("SELECT pg_stat_statements_reset()")
        server_before = server_cpu_s(postmaster)
        children = _children_cpu_s()
        load = os.getloadavg()[0]
        stamps: list[float] = []
        started_at = time.time()
        t, c = time.perf_counter(), time.process_time()
        result = import_bundle(
            hub, bundle, progress=(lambda done, total: stamps.append(time.time())) if timeline else None
        )
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        stamps.append(time.time())
        server_after = server_cpu_s(postmaster)
        reader = _children_cpu_s() - children
        with store.reading() as db:
            events = db.execute("SELECT count(*) FROM event_ids").fetchone()[0]
            dossiers = db.execute("SELECT count(*) FROM dossiers").fetchone()[0]
            top = top_statements(db, statements) if statements else None
    finally:
        close_pools()
        hub.close()
    return {
        "import_s": wall,
        "import_cpu_s": cpu,
        "server_cpu_s": None if server_before is None or server_after is None else server_after - server_before,
        "reader_cpu_s": reader,
        "load": load,
        "imported_events": result.imported_events,
        "events_in_database": events,
        "dossiers_in_database": dossiers,
        **({"statements": top} if top is not None else {}),
        **({"started_at": started_at, "stamps": [round(at - started_at, 3) for at in stamps]} if timeline else {}),
    }


def _children_cpu_s() -> float:
    """User + system seconds of this process's ended children: the bundle's second reading process."""
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def bench(
    events: int = 20_000,
    runs: int = 3,
    url: str | None = None,
    *,
    fsync: bool = False,
    statements: int = 0,
    timeline: bool = False,
) -> dict:
    from bench.bench_sync import make_desk_with_events

    cluster = None if url else Cluster(durable=fsync, extra=STATEMENTS if statements else "")
    admin = url or (cluster.url("postgres") if cluster else "")
    postmaster = cluster.postmaster() if cluster else None
    measured: list[dict] = []
    try:
        with tempfile.TemporaryDirectory(prefix="desk-pgb-") as tmp:
            root = Path(tmp)
            source = make_desk_with_events(root / "source", events, desk_no=2).root
            for i in range(runs):
                name = f"bench_import_{os.getpid()}_{i}"
                _database(admin, name, statements=bool(statements))
                try:
                    url_i = _url_of(admin, name)
                    measured.append(
                        run_once(root / f"run{i}", source, _export, url_i, postmaster, statements, timeline)
                    )
                finally:
                    from desk.sync.store import close_pools

                    close_pools()
                    _database(admin, name, drop=True)
                shutil.rmtree(root / f"run{i}")
    finally:
        if cluster is not None:
            cluster.stop()
    wall = [m["import_s"] for m in measured]
    server = [m["server_cpu_s"] for m in measured if m["server_cpu_s"] is not None]
    for m in measured:
        if m["imported_events"] != events or m["events_in_database"] != events:
            raise SystemExit(f"a run did not import every event once: {m}")
    return {
        "pg_import_events": events,
        "pg_import_runs": runs,
        "pg_import_s": round(statistics.median(wall), 3),
        "pg_import_runs_s": [round(t, 3) for t in wall],
        "pg_import_cpu_s": round(statistics.median(m["import_cpu_s"] for m in measured), 3),
        "pg_import_server_cpu_s": round(statistics.median(server), 3) if server else None,
        "pg_import_reader_cpu_s": round(statistics.median(m["reader_cpu_s"] for m in measured), 3),
        "pg_import_load": [round(m["load"], 2) for m in measured],
        "pg_import_20k_events_s": round(statistics.median(wall) * 20_000 / events, 3),
        "pg_import_budget_s": BUDGET_S,
        "pg_import_fsync": None if url else fsync,  # a server of its own: as it is configured
        "pg_import_dossiers": measured[-1]["dossiers_in_database"],
        **({"pg_import_statements": measured[-1]["statements"]} if statements else {}),
        **(
            {
                "pg_import_timeline_columns": ["s", "importer_main", "importer_other_threads", "reader", "server"],
                "pg_import_timeline": measured[-1]["timeline"],
                "pg_import_stamps": measured[-1]["stamps"],
            }
            if timeline
            else {}
        ),
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        postmaster = int(argv[3]) or None
        print(json.dumps(child(Path(argv[1]), Path(argv[2]), postmaster, int(argv[4]), argv[5] == "1")))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.pg_import", description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--url", help="a PostgreSQL database to make the runs' databases from (default: a throw-away cluster)"
    )
    parser.add_argument("--fsync", action="store_true", help="the throw-away cluster with fsync and synchronous commit")
    parser.add_argument(
        "--statements",
        type=int,
        default=0,
        metavar="N",
        help="also the N statements of the last run's import that took the most time (pg_stat_statements; "
        "the extension must be loadable: on the throw-away cluster it is)",
    )
    parser.add_argument(
        "--timeline",
        action="store_true",
        help="also the last run's CPU seconds every 100 ms: the importing process's main thread and other threads, "
        "the reading process, the server (on the throw-away cluster), and when each block was handed to the writer",
    )
    args = parser.parse_args(argv)
    measured = bench(
        args.events, args.runs, args.url, fsync=args.fsync, statements=args.statements, timeline=args.timeline
    )
    print(json.dumps(measured, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
