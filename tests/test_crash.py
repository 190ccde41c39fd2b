"""kill -9 at any moment loses nothing committed: an intake loop killed mid-flight leaves `desk verify` green."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time

from desk.context import open_desk
from desk.rules.codes import parse_code
from tests.conftest import DEFAULT_NOW, ROOT, run_desk
from tests.desk_helpers import PATIENCE

INTAKE_LOOP = """
import sys
from desk.context import open_desk
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive

desk = open_desk(sys.argv[1])
for i in range(int(sys.argv[2])):
    receive(desk, IntakeRequest(procedure_code="2.000815",
                                applicant=ApplicantInput(name=f"Vòng lặp {i}", phone="0912345678")))
    print(i + 1, flush=True)
"""


def run_until_killed(home, committed_before_kill: int, extra_delay: float) -> int:
    """Start an intake loop, wait for some commits, kill -9 it; returns the last commit it reported."""
    env = {**os.environ, "DESK_NOW": DEFAULT_NOW, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", INTAKE_LOOP, str(home.root), "900"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env=env,
    )
    last = 0
    deadline = time.monotonic() + PATIENCE
    try:
        while last < committed_before_kill and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 1)
            if ready:
                line = proc.stdout.readline()
                if not line:
                    break
                last = int(line)
        time.sleep(extra_delay)  # land somewhere inside a later transaction
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        proc.stdout.close()
    assert last >= committed_before_kill, "the intake loop did not get going"
    return last


def test_kill_9_of_an_intake_loop_leaves_verify_green_and_codes_gapless(home):
    run_desk("catalog", "import", "--sample", home=home.root)
    reported = 0
    for round_, delay in enumerate((0.0, 0.013, 0.031)):
        reported += run_until_killed(home, 15, delay)
        r = run_desk("verify", "--json", home=home.root)
        assert r.returncode == 0, r.stdout + r.stderr
        assert json.loads(r.stdout)["ok"]
    desk = open_desk(home)
    try:
        codes = [r[0] for r in desk.db.execute("SELECT code FROM dossiers ORDER BY code")]
        seqs = [parse_code(c).seq for c in codes]
        assert seqs == list(range(1001, 1001 + len(codes)))  # desk 1's partition, no code skipped
        assert len(codes) >= reported  # everything reported committed is there
        events = desk.db.execute("SELECT count(*), min(seq), max(seq) FROM events").fetchone()
        assert events == (len(codes), 1, len(codes))
        lines = desk.db.execute("SELECT count(DISTINCT dossier_id) FROM component_lines").fetchone()[0]
        assert lines == len(codes)
    finally:
        desk.close()
    # the next intake continues the sequence
    r = run_desk("intake", "--procedure", "2.000815", "--name", "Sau sự cố", "--json", home=home.root)
    assert r.returncode == 0, r.stderr
    assert parse_code(json.loads(r.stdout)["code"]).seq == 1001 + len(codes)
