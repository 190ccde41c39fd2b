"""The indicators over a year of the bench home: the QĐ 766 view (running sums) and the desk view."""

from __future__ import annotations

import os
import statistics
import time
from datetime import date
from pathlib import Path

YEAR = (date(2025, 11, 21), date(2026, 11, 20))
"""The bench home's last year (``bench.generate`` ends on 20/11/2026)."""


def bench(home_root: Path, runs: int = 3) -> dict:
    from desk.config import Home
    from desk.context import open_desk
    from desk.reports import indicators, qd766

    os.environ["DESK_NOW"] = "2026-11-23T09:00:00"
    desk = open_desk(Home(home_root))
    try:
        year_766, year_desk, all_766 = [], [], []
        report = None
        for _ in range(runs):
            t = time.perf_counter()
            report = qd766.compute(desk, *YEAR)
            year_766.append(time.perf_counter() - t)
            t = time.perf_counter()
            qd766.compute(desk, date(2000, 1, 1), YEAR[1])
            all_766.append(time.perf_counter() - t)
        t = time.perf_counter()
        indicators.compute(desk, *YEAR)
        year_desk.append(time.perf_counter() - t)
        assert report is not None
        return {
            "report_766_year_s": round(statistics.median(year_766), 3),
            "report_766_all_s": round(statistics.median(all_766), 3),
            "report_desk_view_year_s": round(year_desk[0], 3),
            "report_766_year_population": report.overall.population,
        }
    finally:
        desk.close()
