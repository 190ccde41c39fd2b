"""TUI budgets (SPEC §10): time to the first screen and resident memory, on a large home.

Each run starts a fresh interpreter, as a clerk starting ``desk`` would: from
the moment the process is spawned until the today screen has drawn its counts
and its first page of dossiers. The child also opens the intake screen (F2)
and reports how long that took, and its peak RSS.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BUDGETS = {"tui_first_screen_ms": 1000, "tui_rss_mb": 200}

CHILD = r"""
import asyncio, json, resource, sys, time

from screens.app import DeskApp
from screens.today import TodayScreen


async def main():
    app = DeskApp(sys.argv[1], "vi")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        first = time.time()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = usage.ru_utime + usage.ru_stime
        rows = app.screen.query_one("#today-table").row_count + app.screen.query_one("#overdue-table").row_count
        # the intake screen is imported when it first opens (or in the background once the first screen is up),
        # as `desk` does: not before the first screen, where the clerk's start never imports it
        from screens.intake import IntakeScreen

        t = time.perf_counter()
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen)
        intake = time.perf_counter() - t
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"first": first, "cpu_s": cpu, "rows": rows, "intake_s": intake, "rss_kb": rss_kb}))


asyncio.run(main())
"""


def one_run(home: Path, env: dict[str, str]) -> dict:
    spawned = time.time()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(home)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        raise RuntimeError(f"the TUI bench run failed:\n{done.stderr}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["first_screen_s"] = report["first"] - spawned
    return report


def bench(home: str | os.PathLike, runs: int = 3) -> dict:
    """Median time to the first screen, time to open the intake, peak RSS; ``home`` must exist."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # the generated homes end on 2026-11-20: "today" has dossiers received and due
    env.setdefault("DESK_NOW", "2026-11-20T16:00:00")
    reports = [one_run(Path(home), env) for _ in range(runs)]
    return {
        "tui_first_screen_ms": round(statistics.median(r["first_screen_s"] for r in reports) * 1000, 1),
        # CPU time to the first screen: what a busy machine cannot inflate
        "tui_first_screen_cpu_ms": round(statistics.median(r["cpu_s"] for r in reports) * 1000, 1),
        "tui_intake_open_ms": round(statistics.median(r["intake_s"] for r in reports) * 1000, 1),
        "tui_rss_mb": round(max(r["rss_kb"] for r in reports) / 1024, 1),
        "tui_rows_on_first_screen": reports[0]["rows"],
    }


if __name__ == "__main__":
    print(json.dumps(bench(sys.argv[1]), indent=2))
