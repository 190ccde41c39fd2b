"""A PostgreSQL cluster of the bench's own: throw-away (a temporary folder) or kept (a data directory cached
between runs), on a Unix socket only (no TCP port); as root, made and run by the ``postgres`` user
(``runuser``: PostgreSQL refuses to run as root), as ``tests/pg_helpers.py`` does.

Durability is PostgreSQL's default (fsync, full-page writes, synchronous commit) unless ``durable=False``:
the figures that count are measured durable; a cluster being filled in bulk (its data rebuilt from scratch
if it crashed) or a comparison may run without.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

MEASURING = (
    "-c track_io_timing=on -c track_wal_io_timing=on -c max_wal_size=4GB -c checkpoint_timeout=15min"
    " -c max_connections=200"
)
"""Timings of reads and of WAL writes/fsyncs in pg_stat_database / pg_stat_wal; checkpoints not forced by size
during a run."""
NOT_DURABLE = "-F -c full_page_writes=off -c synchronous_commit=off"
STATEMENTS = "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
"""Per-statement figures (calls, time, rows) in the view ``pg_stat_statements`` (:func:`top_statements`)."""


def pg_bin() -> Path:
    """The folder of the newest PostgreSQL's programs (initdb, pg_ctl)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql; .ci/run does it)")
    return Path(found[-1]).parent


class Cluster:
    """initdb (once) + pg_ctl start in ``root`` (a new temporary folder without it); :meth:`stop` stops it,
    and removes it if it was temporary."""

    def __init__(
        self, root: Path | None = None, *, durable: bool = True, shared_buffers: str = "128MB", extra: str = ""
    ) -> None:
        self.bin = pg_bin()
        self.kept = root is not None
        self.root = Path(root) if root is not None else Path(tempfile.mkdtemp(prefix="desk-pgb-"))
        self.data = self.root / "data"
        self.as_root = os.geteuid() == 0
        self.root.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        os.chmod(self.root, 0o700)
        self.created = not (self.data / "PG_VERSION").exists()
        if self.created:
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
        self.start(durable=durable, shared_buffers=shared_buffers, extra=extra)

    def start(self, *, durable: bool = True, shared_buffers: str = "128MB", extra: str = "") -> None:
        extra = f"{extra} {os.environ.get('BENCH_PG_OPTIONS', '')}"  # e.g. STATEMENTS, for a cluster made elsewhere
        options = f"-k {self.root} -c listen_addresses='' -c shared_buffers={shared_buffers} {MEASURING} {extra}"
        if not durable:
            options += " " + NOT_DURABLE
        self.durable = durable
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-w", "-t", "300", "-o", options, "start")

    def restart(self, **options) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "300", "stop")
        self.start(**options)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=self.root)
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise SystemExit(f"{program} failed ({done.returncode}): {done.stderr or done.stdout}\n{tail}")

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.root}"

    def postmaster(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "300", "stop")
        if not self.kept:
            shutil.rmtree(self.root, ignore_errors=True)

    def disk_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.data.rglob("*") if p.is_file())


def server_cpu_s(postmaster: int | None) -> float | None:
    """User + system seconds of the postmaster and its live children (the backends, the WAL writer…)."""
    if postmaster is None:
        return None
    from bench.common import process_cpu

    return sum(cpu for pid, ppid, cpu in process_cpu() if pid == postmaster or ppid == postmaster)


def top_statements(conn, limit: int = 25) -> list[dict]:
    """The statements of this database that took the most time since ``pg_stat_statements_reset()`` (the
    cluster started with :data:`STATEMENTS`, the extension created in the database): calls, rows, total and
    mean milliseconds, shared blocks hit and read, WAL bytes, and the text cut to 160 characters."""
    rows = conn.execute(
        "SELECT calls, rows, round(total_exec_time::numeric, 1), round(mean_exec_time::numeric, 3),"
        " shared_blks_hit, shared_blks_read, wal_bytes, left(regexp_replace(query, '\\s+', ' ', 'g'), 160)"
        " FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
        " ORDER BY total_exec_time DESC LIMIT %s",
        (limit,),
    ).fetchall()
    names = ("calls", "rows", "total_ms", "mean_ms", "hit", "read", "wal_bytes", "query")
    return [
        dict(zip(names, (float(v) if k in ("total_ms", "mean_ms", "wal_bytes") else v for k, v in zip(names, r))))
        for r in rows
    ]
