"""`desk demo` (what `make run` opens): a demo agency with dossiers in every status, a sound home."""

import json

import pytest

from desk.models import Status
from tests.conftest import run_desk


def test_demo_home_has_every_status_and_verifies(tmp_path):
    home = tmp_path / ".demo-home"
    r = run_desk("demo", home=home)
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / ".demo-home.partial").exists()
    import sqlite3

    con = sqlite3.connect(home / "desk.sqlite3")
    statuses = {row[0] for row in con.execute("SELECT DISTINCT status FROM dossiers")}
    con.close()
    assert statuses == {s.value for s in Status}
    assert json.loads(run_desk("verify", "--json", home=home).stdout)["ok"] is True
    # whatever today is, the demo shows an overdue dossier
    from desk.config import Home
    from desk.context import open_desk
    from desk.dossier.query import today_counts

    desk = open_desk(Home(home))
    try:
        assert today_counts(desk)["overdue"] >= 1
    finally:
        desk.close()
    # a second `make run` leaves the existing demo alone
    r = run_desk("demo", "--quiet", home=home)
    assert r.returncode == 0 and r.stdout == ""


@pytest.mark.parametrize(
    "at",
    [
        "2026-11-30T00:43:00",  # a Monday just after midnight (when `make run` first failed: 08:00 "in the future")
        "2026-11-30T07:30:00",  # before the office opens
        "2026-11-29T10:00:00",  # a Sunday
    ],
)
def test_demo_home_is_made_at_any_hour(tmp_path, now, at):
    now(at)
    r = run_desk("demo", "--quiet", home=tmp_path / ".demo-home")
    assert r.returncode == 0, r.stderr
    assert json.loads(run_desk("verify", "--json", home=tmp_path / ".demo-home").stdout)["ok"] is True
