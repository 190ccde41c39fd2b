"""What PostgreSQL did during a run of ``make bench-hub``: its counters before and after (pg_stat_database,
pg_stat_wal, pg_stat_bgwriter), and, sampled every ``interval`` seconds from a thread of its own, what the
hub's backends were doing (pg_stat_activity: running, or waiting and on what) and the locks waited for
(pg_locks). The hub's connections are those named ``motcua-hub-<pid>`` (``db.pg.connection``).
"""

from __future__ import annotations

import threading
from collections import Counter

DATABASE = (
    "xact_commit",
    "xact_rollback",
    "blks_read",
    "blks_hit",
    "tup_inserted",
    "tup_updated",
    "tup_deleted",
    "deadlocks",
    "blk_read_time",
    "blk_write_time",
)
WAL = (
    "wal_records",
    "wal_fpi",
    "wal_bytes",
    "wal_buffers_full",
    "wal_write",
    "wal_sync",
    "wal_write_time",
    "wal_sync_time",
)
HUB = "motcua-hub-%"


def counters(conn) -> dict:
    row = conn.execute(
        f"SELECT {', '.join(DATABASE)} FROM pg_stat_database WHERE datname = current_database()"
    ).fetchone()
    out = dict(zip(DATABASE, (float(v or 0) for v in row)))
    wal = conn.execute(f"SELECT {', '.join(WAL)} FROM pg_stat_wal").fetchone()
    out.update(zip(WAL, (float(v or 0) for v in wal)))
    bg = conn.execute("SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter").fetchone()
    out["checkpoints"] = float(bg[0])
    return out


def difference(before: dict, after: dict, events: int) -> dict:
    d = {k: after[k] - before[k] for k in before}
    commits = d["xact_commit"] or 1
    return {
        "pg_commits": int(d["xact_commit"]),
        "pg_rollbacks": int(d["xact_rollback"]),
        "pg_deadlocks": int(d["deadlocks"]),
        "pg_rows_inserted": int(d["tup_inserted"]),
        "pg_blocks_read": int(d["blks_read"]),
        "pg_block_hit_ratio": round(d["blks_hit"] / max(1.0, d["blks_hit"] + d["blks_read"]), 4),
        "pg_read_time_s": round(d["blk_read_time"] / 1000, 2),
        "wal_mb": round(d["wal_bytes"] / 2**20, 1),
        "wal_bytes_per_event": round(d["wal_bytes"] / max(1, events)),
        "wal_full_page_images": int(d["wal_fpi"]),
        "wal_writes": int(d["wal_write"]),
        "wal_fsyncs": int(d["wal_sync"]),
        "wal_fsync_s": round(d["wal_sync_time"] / 1000, 2),
        "wal_write_s": round(d["wal_write_time"] / 1000, 2),
        "wal_fsync_ms_mean": round(d["wal_sync_time"] / max(1.0, d["wal_sync"]), 2),
        "wal_buffers_full": int(d["wal_buffers_full"]),
        "checkpoints": int(d["checkpoints"]),
        "commits_per_fsync": round(commits / max(1.0, d["wal_sync"]), 2),
    }


class Sampler:
    """Samples the hub's backends until :meth:`stop`; :meth:`summary` says where their time went."""

    def __init__(self, url: str, interval: float = 0.2):
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True, application_name="bench-sampler")
        self.interval = interval
        self.states: Counter[str] = Counter()
        self.samples = 0
        self.lock_waits: list[int] = []
        self.active: list[int] = []
        self.connections: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pg-sampler", daemon=True)

    def __enter__(self) -> Sampler:
        self.before = counters(self.conn)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(10)
        self.after = counters(self.conn)
        self.conn.close()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                rows = self.conn.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity WHERE application_name LIKE %s",
                    (HUB,),
                ).fetchall()
                waiting = self.conn.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()[0]
            except Exception:  # the server going away at the end: the samples so far stand
                return
            self.samples += 1
            self.connections.append(len(rows))
            busy = 0
            for state, kind, event in rows:
                if state == "active":
                    busy += 1
                    self.states["running" if kind is None else f"{kind}:{event}"] += 1
                elif state == "idle in transaction":
                    self.states["idle in transaction (the worker's Python)"] += 1
            self.active.append(busy)
            self.lock_waits.append(waiting)

    def summary(self, events: int) -> dict:
        seen = sum(self.states.values()) or 1
        return {
            **difference(self.before, self.after, events),
            "pg_samples": self.samples,
            "pg_hub_connections_max": max(self.connections, default=0),
            "pg_backends_busy_mean": round(sum(self.active) / max(1, len(self.active)), 2),
            "pg_lock_waits_mean": round(sum(self.lock_waits) / max(1, len(self.lock_waits)), 2),
            "pg_lock_waits_max": max(self.lock_waits, default=0),
            "pg_backend_time_share": {k: round(v / seen, 3) for k, v in self.states.most_common(8)},
        }
