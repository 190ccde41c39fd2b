"""The benchmark stays runnable: a small run writes JSON with every budgeted figure (no timing asserted)."""

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_small_bench_writes_every_figure(tmp_path):
    out = tmp_path / "results.json"
    r = subprocess.run(
        [sys.executable, "-m", "bench", "--size", "small", "--out", str(out), "--cache", str(tmp_path / "cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    report = json.loads(out.read_text())
    assert report["dossiers"] == 5000
    for key, entry in report["budgets"].items():
        assert isinstance(entry["value"], (int, float)), key
