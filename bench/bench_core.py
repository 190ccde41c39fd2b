"""Core budgets: intake commit p95 (and its ratio to a bare insert+commit), search p95, CLI start."""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from desk.config import Home


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def _free_day(home: Home, n: int) -> str:
    """The first weekday from 2026-11-23 with room for ``n`` more codes of this desk's partition."""
    import sqlite3
    from datetime import date, timedelta

    day = date(2026, 11, 23)
    with contextlib.closing(sqlite3.connect(home.db)) as conn:
        while True:
            if day.isoweekday() <= 5:
                (used,) = conn.execute(
                    "SELECT count(*) FROM dossiers WHERE received_at >= ? AND received_at < ? AND code NOT LIKE '%B'",
                    (day.isoformat(), (day + timedelta(days=1)).isoformat()),
                ).fetchone()
                if used + n <= 900:
                    return day.isoformat()
            day += timedelta(days=1)


def bench_intake(home: Home, n: int = 200) -> dict:
    from db import queries, write_transaction
    from desk.context import open_desk
    from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
    from desk.dossier.rows import dossier_to_row, line_to_row

    # the cached home keeps what each run adds (n intakes and n bare rows): each run takes a working day
    # from 2026-11-23 on whose codes are not used up yet, so the 1001…1999 partition never runs out
    day = _free_day(home, n)
    os.environ["DESK_NOW"] = f"{day}T09:00:00"
    desk = open_desk(home)
    try:
        commit_ms, bare_ms = [], []
        for i in range(n):
            req = IntakeRequest(
                "2.000815",
                ApplicantInput(
                    name=f"Nguyễn Văn Bench {i}",
                    # one citizen each (a CCCD of 1999: province 001, then the day and i), as at a counter:
                    # with one number for every run, each intake's same-day check read the 400 dossiers every
                    # earlier run had left under it (2,055 after five runs: intake p95 8.4 → 14.3 ms)
                    id_number=f"001099{day[8:10]}{i:04d}",
                    birth_date="1999-01-01",
                    phone="0912345678",
                    address="Xã Bench",
                ),
            )
            t = time.perf_counter()
            dossier, _ = receive(desk, req)
            commit_ms.append((time.perf_counter() - t) * 1000)
            # the same rows, inserted bare: no validation, no code/sequence logic, no hash
            row = dossier_to_row(dossier, desk.desk_id)
            row.update(id=str(uuid.uuid4()), code=dossier.code + "B")
            lines = [line_to_row(c, k) for k, c in enumerate(dossier.components, 1)]
            t = time.perf_counter()
            with write_transaction(desk.db):
                queries.insert_dossier(desk.db, row, lines)
                queries.insert_event(
                    desk.db,
                    {
                        "desk_id": "bare",
                        "seq": i + 1,
                        "event_id": str(uuid.uuid4()),
                        "dossier_code": row["code"],
                        "type": "bare",
                        "at": row["received_at"],
                        "clerk": "",
                        "payload": "{}",
                        "prev_hash": "",
                        "hash": "",
                    },
                )
            bare_ms.append((time.perf_counter() - t) * 1000)
        return {
            "intake_commit_p95_ms": round(p95(commit_ms), 2),
            "bare_insert_commit_p95_ms": round(p95(bare_ms), 2),
            "intake_vs_bare_ratio": round(p95(commit_ms) / p95(bare_ms), 2),
        }
    finally:
        desk.db.execute("DELETE FROM events WHERE desk_id = 'bare'")
        desk.db.execute("DELETE FROM pending_events WHERE desk_id = 'bare'")
        desk.close()


QUERIES = [
    "nguyen van duc",
    "tran thi",
    "le",
    "0912",
    "001099",
    "Phạm Thị Hoa",
    "ĐỖ",
    "hoang quan",
    "000.00.12.H29-261112-1022",
    "vo minh",
    "bui",
    "ngo thanh tam",
    "0987",
    "dang xuan",
]


def bench_search(home: Home, rounds: int = 10) -> dict:
    from desk.context import open_desk
    from desk.dossier.query import search

    desk = open_desk(home)
    try:
        samples = []
        for _ in range(rounds):
            for q in QUERIES:
                t = time.perf_counter()
                search(desk, q, limit=50)
                samples.append((time.perf_counter() - t) * 1000)
        return {"search_p95_ms": round(p95(samples), 2)}
    finally:
        desk.close()


def bench_cli_start(home: Home, runs: int = 5) -> dict:
    """A non-UI command from process start to exit (`desk catalog list`)."""
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "desk", "--home", str(home.root), "catalog", "list"], check=True, capture_output=True
        )
        samples.append((time.perf_counter() - t) * 1000)
    return {"cli_start_median_ms": round(statistics.median(samples), 1)}


def bench(home_root: Path) -> dict:
    home = Home(home_root)
    out = {}
    out.update(bench_search(home))
    out.update(bench_cli_start(home))
    out.update(bench_intake(home))
    return out
