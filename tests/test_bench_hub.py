"""``make bench-hub`` stays runnable (issue 17, point 5): a small run of the harness on loopback, its JSON
counts checked (5 desks × 20 events: all in, none lost, none duplicated), never its times."""

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_small_hub_bench_counts_every_event(tmp_path):
    out = tmp_path / "hub.json"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.hub",
            *("--desks", "5", "--dossiers-per-desk", "2", "--events-per-dossier", "10", "--batch", "7"),
            *("--hub-events", "2000", "--hub-dossiers", "200", "--board-desks", "20", "--bundle-events", "200"),
            *("--time-limit", "120", "--cache", str(tmp_path / "cache"), "--out", str(out)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    report = json.loads(out.read_text())
    results = report["results"]
    assert report["store"] == "sqlite" and report["hub_events"] == 2000
    assert results["events_expected"] == 5 * 20
    assert (results["events_in"], results["lost"], results["duplicated"], results["unexpected"]) == (100, 0, 0, 0)
    assert results["acknowledged"] == 100 and results["desks_failed"] == 0 and not results["push_timed_out"]
    assert results["push_batches"] == 5 * 3  # 20 events in batches of 7
    assert results["bundle_imported_events"] == 200
    # the board saw the 20 generated desks, the 5 that pushed, the bundle's desk
    assert results["board_total_desks"] == 26 and results["board_desks_shown"] == 26
    for key in BUDGETED:
        assert isinstance(report["budgets"][key]["value"], (int, float)), key


BUDGETED = ("push_total_s", "import_20k_events_s", "board_600_desks_ms")


def test_another_store_is_said_not_to_be_here_yet(tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.hub",
            "--hub-database",
            "postgresql://hub@localhost/hub",
            "--cache",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and "SQLite only" in r.stderr
    assert not any(tmp_path.iterdir())  # nothing was built
