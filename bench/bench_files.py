"""Scans travel (issue 15, point 7): an export of 20,000 events with 2,000 new scans of 300 KB ≤ 15 s, its
peak memory ≤ 300 MB (nothing loaded whole).

The desk home (``size`` events, the first ``files`` dossiers each with a scan) is made once and kept in the
bench's cache (``<cache>/files-<size>-<files>``); each run exports from a copy of it in a process of its own
(``python -m bench.bench_files --export HOME OUT``), whose wall and CPU seconds and peak resident memory
(VmHWM, else ``ru_maxrss``) are reported.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_sync import _peak_rss_mb, _settle_disk, make_desk_with_events
from desk.config import Home
from desk.context import open_desk
from desk.sync.bundle_write import export_bundle

GENERATION = "1"
FILE_BYTES = 300 * 1024


def cached_home(cache: Path, size: int, files: int) -> Path:
    root = cache / f"files-{size}-{files}"
    marker = root / ".bench-files"
    if marker.exists() and marker.read_text() == GENERATION:
        return root / "desk"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    make_desk_with_events(root / "desk", size, desk_no=3, files=files, file_bytes=FILE_BYTES)
    marker.write_text(GENERATION)
    return root / "desk"


def bench(cache: Path, size: int = 20_000, files: int = 2_000, runs: int = 1) -> dict:
    """Export ``size`` events and ``files`` new scans from copies of the cached home, ``runs`` times."""
    source = cached_home(cache, size, files)
    measured = []
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        for i in range(runs):
            home = shutil.copytree(source, Path(tmp) / f"desk{i}")
            out = Path(tmp) / f"out{i}"
            out.mkdir()
            _settle_disk()
            done = subprocess.run(
                [sys.executable, "-m", "bench.bench_files", "--export", str(home), str(out)],
                capture_output=True,
                text=True,
                check=True,
                cwd=Path(__file__).resolve().parent.parent,
            )
            measured.append(json.loads(done.stdout))
            shutil.rmtree(home)
            shutil.rmtree(out)
    scale = (20_000 / size + 2_000 / files) / 2  # the budget is for 20,000 events and 2,000 files
    wall = statistics.median(m["export_s"] for m in measured)
    return {
        "files_export_events": size,
        "files_export_files": files,
        "files_export_file_kb": FILE_BYTES // 1024,
        "files_export_s": round(wall, 3),
        "files_export_cpu_s": round(statistics.median(m["export_cpu_s"] for m in measured), 3),
        "files_export_runs_s": [round(m["export_s"], 3) for m in measured],
        "files_export_bundle_mb": round(measured[-1]["bundle_bytes"] / 1024**2, 1),
        "export_20k_events_2k_files_s": round(wall * scale, 3),
        "export_files_peak_rss_mb": max(m["export_rss_mb"] for m in measured),
    }


def _export_here(home_root: Path, out: Path) -> dict:
    desk = open_desk(Home(home_root))
    try:
        t, c = time.perf_counter(), time.process_time()
        result = export_bundle(desk, out)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
    finally:
        desk.close()
    assert result.path is not None
    return {
        "export_s": wall,
        "export_cpu_s": cpu,
        "export_rss_mb": round(_peak_rss_mb(), 1),
        "bundle_bytes": result.path.stat().st_size,
        "files": result.files,
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--export"]:
        print(json.dumps(_export_here(Path(sys.argv[2]), Path(sys.argv[3]))))
        raise SystemExit(0)
    # python -m bench.bench_files CACHE [EVENTS FILES]
    cache = Path(sys.argv[1])
    args = [int(a) for a in sys.argv[2:4]] or [20_000, 2_000]
    print(json.dumps(bench(cache, *args), indent=2))
