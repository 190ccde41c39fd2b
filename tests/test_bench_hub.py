"""``make bench-hub`` stays runnable (issue 17, point 5): a small run of the harness on loopback, on each
store, its JSON counts checked (a few desks × 20 events: all in, none lost, none duplicated, in the
database afterwards), never its times."""

import json
import subprocess
import sys

import psycopg
import pytest

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


def test_small_hub_bench_on_postgresql_with_workers_counts_every_event(tmp_path, pg_url):
    """The same harness against a PostgreSQL hub (the test cluster's database), once with one hub process and
    once with two (``desk hub serve --workers 2``), the hub taken back to its generated state between."""
    out = tmp_path / "hub.json"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.hub",
            *("--hub-database", pg_url, "--workers", "1,2"),
            *("--desks", "4", "--dossiers-per-desk", "2", "--events-per-dossier", "10", "--batch", "7"),
            *("--hub-events", "3000", "--hub-dossiers", "300", "--board-desks", "20", "--bundle-events", "200"),
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
    assert report["store"] == "postgresql" and report["hub_events"] == 3000
    assert results["build"]["reused"] is False and results["build"]["event_ids_estimate"] > 0
    assert [run["workers"] for run in results["push_runs"]] == [1, 2]
    for run in results["push_runs"]:
        assert run["events_expected"] == 4 * 20
        assert (run["events_in"], run["lost"], run["duplicated"], run["unexpected"]) == (80, 0, 0, 0)
        assert run["acknowledged"] == 80 and run["desks_failed"] == 0 and not run["push_timed_out"]
        assert run["push_batches"] == 4 * 3
        assert run["pg"]["pg_deadlocks"] == 0 and run["pg"]["pg_samples"] >= 0
    assert results["bundle_imported_events"] == 200
    with psycopg.connect(pg_url) as conn:  # the generated hub, the last run's desks, the bundle
        held = conn.execute("SELECT count(*), count(DISTINCT event_id) FROM event_ids").fetchone()
        stored = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        # the keys and indexes dropped while it filled are all back, on every month partition of events
        valid = conn.execute(
            "SELECT count(*), bool_and(indisvalid) FROM pg_index WHERE indrelid IN ('events'::regclass, 'event_ids'::regclass)"
        ).fetchone()
        partitions = conn.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = 'events'::regclass").fetchone()[0]
        partition_indexes = conn.execute(
            "SELECT count(*) FROM pg_index i JOIN pg_inherits p ON p.inhrelid = i.indrelid"
            " WHERE p.inhparent = 'events'::regclass AND i.indisvalid"
        ).fetchone()[0]
    # events: by desk and seq, by dossier, supplements and results by dossier (step 7); event_ids: its two keys
    assert valid == (5, True) and partitions >= 12 and partition_indexes == 3 * partitions
    generated = 3000 - 2 * 5  # two of the 20 desks with an open gap of 5 events
    assert held == (generated + 80 + 200, generated + 80 + 200) and stored == held[0]
    for key in BUDGETED:
        assert isinstance(report["budgets"][key]["value"], (int, float)), key


def test_workers_need_postgresql_and_a_url_must_be_postgresql(tmp_path, capsys):
    """Refused as ``python -m bench.hub`` refuses them (its ``main``, in this process: the two tests above run
    the command itself): exit status 2, the reason said, nothing built."""
    from bench.hub import main

    for args, said in (
        (("--workers", "2"), "needs PostgreSQL"),
        (("--hub-database", "sqlite:///hub.db"), "a postgresql:// URL"),
    ):
        with pytest.raises(SystemExit) as exited:
            main([*args, "--cache", str(tmp_path)])
        assert exited.value.code == 2 and said in capsys.readouterr().err
    assert not any(tmp_path.iterdir())  # nothing was built
