"""The benchmark stays runnable: a run of every step at its least (``--size smoke``) writes JSON with every
budgeted figure (no timing asserted; ``make bench`` runs the sizes the budgets are for)."""

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_small_bench_writes_every_figure(tmp_path):
    out = tmp_path / "results.json"
    r = subprocess.run(
        [sys.executable, "-m", "bench", "--size", "smoke", "--out", str(out), "--cache", str(tmp_path / "cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    report = json.loads(out.read_text())
    assert (report["size"], report["dossiers"]) == ("smoke", 500)
    for key, entry in report["budgets"].items():
        assert isinstance(entry["value"], (int, float)), key
