"""Run the benchmarks and write JSON: ``python -m bench [--size small|full] [--out FILE]``.

Each figure is reported beside its budget from SPEC §10; nothing here fails a build. ``--size smoke`` runs every
step at its least (the suite's check that the bench runs and reports every figure; its figures mean nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

SIZES = {"smoke": 500, "small": 5_000, "full": 1_000_000}

# per size: runs of each timed step, events exported and imported, (events, scans) exported with files, lines of
# the hostile bundle, intakes, starts of `desk catalog list`, steady signatures per signer (soft, token)
STEPS = {
    "smoke": {
        "runs": 1,
        "sync_events": 200,
        "files": (200, 20),
        "hostile_lines": 100_000,
        "intakes": 20,
        "cli_starts": 1,
        "signatures": 1,
    },
    "small": {
        "runs": 1,
        "sync_events": 2_000,
        "files": (2_000, 200),
        "hostile_lines": 8_000_000,
        "intakes": 200,
        "cli_starts": 5,
        "signatures": 5,
    },
    "full": {
        "runs": 3,
        "sync_events": 20_000,
        "files": (20_000, 2_000),
        "hostile_lines": 8_000_000,
        "intakes": 200,
        "cli_starts": 5,
        "signatures": 30,
    },
}

# SPEC §10; "max" budgets, in the unit of the key
BUDGETS = {
    "intake_commit_p95_ms": 15,
    "intake_vs_bare_ratio": 3,
    "search_p95_ms": 30,
    "cli_start_median_ms": 300,
    "tui_first_screen_ms": 1000,
    "tui_rss_mb": 200,
    "receipt_first_process_ms": 400,
    "receipt_steady_ms": 20,
    "export_20k_events_s": 2,
    "import_20k_events_s": 3,
    "import_peak_rss_mb": 300,
    "sign_scan_soft_ms": 150,
    "report_766_year_s": 1,
    "export_20k_events_2k_files_s": 15,
    "export_files_peak_rss_mb": 300,
}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--size", choices=sorted(SIZES), default=os.environ.get("BENCH_SIZE", "full"))
    p.add_argument("--out", default="bench/results.json")
    p.add_argument(
        "--cache",
        default=os.environ.get("BENCH_CACHE", "bench/.cache"),
        help="where the generated home is kept between runs",
    )
    args = p.parse_args(argv)

    from bench.common import budgets, machine, write_report
    from bench.generate import bench_home

    compile_sources()
    dossiers = SIZES[args.size]
    t = time.perf_counter()
    print(f"bench: preparing a home with {dossiers:,} dossiers …", file=sys.stderr)
    home = bench_home(Path(args.cache) / f"home-{args.size}", dossiers)
    results: dict = {"generate_s": round(time.perf_counter() - t, 1)}
    for name, run in bench_steps(home.root, args.size):
        print(f"bench: {name} …", file=sys.stderr)
        results.update(run())
    report = {
        "size": args.size,
        "dossiers": dossiers,
        "machine": machine(),
        "results": results,
        "budgets": budgets(results, BUDGETS),
    }
    out = Path(args.out)
    write_report(out, report)
    print(json.dumps(report["budgets"], indent=2))
    print(f"bench: written to {out}", file=sys.stderr)
    return 0


def compile_sources() -> None:
    """Byte-compile the app's packages, as an installation has them (pip compiles on install, Python on the
    first import): where PYTHONDONTWRITEBYTECODE is set (the shared development machine), each process the
    bench starts would otherwise compile every module of the app again, a cost no clerk's PC pays."""
    import compileall

    root = Path(__file__).resolve().parent.parent
    for package in ("desk", "db", "screens", "printing"):
        compileall.compile_dir(root / package, quiet=1)


def bench_steps(home_root: Path, size: str = "full"):
    from bench import bench_core, bench_files, bench_indicators, bench_receipt, bench_signing, bench_sync, bench_tui

    small, steps = size != "full", STEPS[size]
    runs = steps["runs"]
    return [
        ("search", lambda: bench_core.bench_search(_home(home_root))),
        ("766 report over a year", lambda: bench_indicators.bench(home_root, runs=runs)),
        ("cli start", lambda: bench_core.bench_cli_start(_home(home_root), runs=steps["cli_starts"])),
        ("tui first screen", lambda: bench_tui.bench(home_root, runs=runs)),
        ("receipt", lambda: bench_receipt.bench(small=small)),
        ("signing a scan", lambda: bench_signing.bench(runs=steps["signatures"])),
        # 20,000 events whatever the home's size, imported into copies of the home; the median of three runs
        (
            "export and import",
            lambda: bench_sync.bench(
                steps["sync_events"], runs=runs, hub=home_root, hostile_lines=steps["hostile_lines"]
            ),
        ),
        # issue 15: 20,000 events and 2,000 new scans of 300 KB, from a home of their own kept beside the big one
        ("export with files", lambda: bench_files.bench(home_root.parent, *steps["files"], runs=runs)),
        # last: it adds dossiers to the home
        ("intake", lambda: bench_core.bench_intake(_home(home_root), n=steps["intakes"])),
    ]


def _home(root: Path):
    from desk.config import Home

    return Home(root)


if __name__ == "__main__":
    raise SystemExit(main())
