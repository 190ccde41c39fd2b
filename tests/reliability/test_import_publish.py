"""Point 8: clerks are never blocked by an import; an import is still all or nothing, and a killed one is completed.

A bundle is checked whole and staged, then published in short transactions
(``desk.sync.publish``); a clerk whose write finds the lock held says so, and
the publisher lets it in between two parts. The parts are made small here
(``PUBLISH_ROWS``, ``PUBLISH_MAX_ROWS``) so that a bundle of a few events has several of them.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import desk.sync.publish as publish
from db.connection import waiting_marker
from desk.context import open_desk
from desk.errors import IntegrityFailure
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import export_bundle
from tests.conftest import DEFAULT_NOW, ROOT, run_desk
from tests.reliability.hostile_helpers import events_of, intake
from tests.test_bundle import rewrite

posix_only = pytest.mark.skipif(os.name != "posix", reason="kill -9 is POSIX")
WAIT = 60  # seconds: only an upper bound for a thread that never comes (the test fails then)


def hub_tables(hub) -> dict:
    db = hub.db
    return {
        "events": db.execute("SELECT count(*), count(DISTINCT event_id) FROM events").fetchone(),
        "dossiers": db.execute("SELECT count(*) FROM dossiers").fetchone()[0],
        "lines": db.execute("SELECT count(*) FROM component_lines").fetchone()[0],
        "imports": db.execute("SELECT count(*) FROM sync_imports").fetchone()[0],
        "publishing": db.execute("SELECT count(*) FROM sync_publishing").fetchone()[0],
    }


@pytest.fixture
def desk_bundle(make_desk, out):
    """A bundle of 6 intakes at desk 1, and a hub (desk 0)."""
    a, hub = make_desk("a", 1), make_desk("hub", 0)
    for i in range(6):
        intake(a, f"Người số {i}")
    return export_bundle(a, out).path, hub


def until(condition, what: str) -> None:
    """Wait for ``condition()`` (another thread's doing), looking every few milliseconds."""
    pause = threading.Event()
    for _ in range(WAIT * 200):
        if condition():
            return
        pause.wait(0.005)
    raise AssertionError(f"never happened: {what}")


def test_a_clerks_intake_gets_in_between_two_parts_of_an_import(desk_bundle, monkeypatch):
    path, hub = desk_bundle
    monkeypatch.setattr(publish, "PUBLISH_ROWS", 2)  # 3 parts
    monkeypatch.setattr(publish, "PUBLISH_MAX_ROWS", 2)
    clerk = open_desk(hub.home)  # the TUI at the hub: a connection of its own
    marker = waiting_marker(hub.db.conn)
    taken: list = []
    parts: list[int] = []
    intake_done_at: list[int] = []

    def clerks_intake() -> None:
        taken.append(intake(clerk, "Khách tại quầy"))
        intake_done_at.append(len(parts))

    clerk_thread = threading.Thread(target=clerks_intake)
    write_rows = publish.write_rows

    def writing_a_part(db, desk_id, rows, *staged):
        if not parts:  # inside the first part's transaction: the clerk comes and finds the lock held
            clerk_thread.start()
            until(lambda: Path(marker).exists(), "the clerk says it waits")
        return write_rows(db, desk_id, rows, *staged)

    monkeypatch.setattr(publish, "write_rows", writing_a_part)
    try:
        result = import_bundle(hub, path, on_chunk=lambda done, total: parts.append(done))
        clerk_thread.join(WAIT)
    finally:
        clerk.close()
    # the clerk went in right after the first part, not after the whole import
    assert intake_done_at == [1] or (intake_done_at and intake_done_at[0] < len(parts))
    assert len(parts) == 3 and result.imported_events == 6
    assert not Path(marker).exists()
    state = hub_tables(hub)
    assert state["events"] == (7, 7) and state["dossiers"] == 7 and state["publishing"] == 0
    assert hub.db.execute("SELECT count(*) FROM dossiers WHERE code = ?", (taken[0].code,)).fetchone()[0] == 1
    assert run_desk("verify", home=hub.home.root).returncode == 0


def test_a_refused_bundle_publishes_nothing_and_leaves_no_staging_file(desk_bundle, tmp_path):
    path, hub = desk_bundle
    records = events_of(path)
    # the last event altered (its hash kept): refused when the reader gets there, after the first blocks
    records[-1]["clerk"] = "Kẻ giả mạo"
    lines = b"".join(
        json.dumps(r, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() + b"\n" for r in records
    )
    bad = rewrite(path, tmp_path / "bad.deskbundle", change={"events.jsonl": lines}, fix_manifest=True)
    before = hub_tables(hub)
    with pytest.raises(IntegrityFailure):
        import_bundle(hub, bad)
    assert hub_tables(hub) == before
    assert list((hub.home.root / publish.STAGING).glob("*")) == []
    assert import_bundle(hub, path).imported_events == 6  # the genuine bundle goes in whole afterwards


@pytest.mark.parametrize(
    ("part_s", "parts"),
    [
        (3600.0, [2, 6]),  # parts publish quickly: the next ones are as large as allowed
        (1e-9, [2, 3, 4, 5, 6]),  # the lock was held longer than aimed at: the next ones are as small as allowed
    ],
)
def test_the_next_part_is_sized_from_how_long_the_last_held_the_lock(desk_bundle, monkeypatch, part_s, parts):
    path, hub = desk_bundle
    monkeypatch.setattr(publish, "PUBLISH_ROWS", 2)
    monkeypatch.setattr(publish, "PUBLISH_MIN_ROWS", 1)
    monkeypatch.setattr(publish, "PUBLISH_MAX_ROWS", 4)
    monkeypatch.setattr(publish, "PART_S", part_s)
    done: list[int] = []
    result = import_bundle(hub, path, on_chunk=lambda published, total: done.append(published))
    assert done == parts and result.imported_events == 6
    state = hub_tables(hub)
    assert state["events"] == (6, 6) and state["dossiers"] == 6 and state["publishing"] == 0


KILLED_IMPORT = """
import os, signal, sys
import desk.sync.publish as publish
from desk.context import open_desk
from desk.sync.bundle_read import import_bundle
publish.PUBLISH_ROWS = publish.PUBLISH_MAX_ROWS = 2

def after_part(done, total):
    print(done, flush=True)
    if done >= 2:
        os.kill(os.getpid(), signal.SIGKILL)  # killed between two parts, one published

import_bundle(open_desk(sys.argv[1]), sys.argv[2], on_chunk=after_part)
"""


@posix_only
@pytest.mark.parametrize("states_file", ["kept", "gone"])
def test_an_import_killed_half_way_is_completed_by_the_next_verify(desk_bundle, states_file):
    """The staged dossiers' states are published from their file; without it (staged by an earlier version,
    which kept them elsewhere) from the events' own snapshots, to the same dossiers."""
    path, hub = desk_bundle
    env = {**os.environ, "DESK_NOW": DEFAULT_NOW, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_IMPORT, str(hub.home.root), str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env=env,
    )
    try:
        ready, _, _ = select.select([proc.stdout], [], [], WAIT)
        assert ready, "the import did not get going"
        assert proc.wait(WAIT) == -signal.SIGKILL
        printed = proc.stdout.read().split()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
    assert printed == [b"2"]
    # seen from outside: part of the bundle, consistent, and the publication recorded
    half = hub_tables(hub)
    assert half["events"] == (2, 2) and half["dossiers"] == 2 and half["publishing"] == 1
    assert half["imports"] == 0
    staged = sorted(p.name for p in (hub.home.root / publish.STAGING).glob("*"))
    assert len(staged) == 2 and staged[0].endswith(".sqlite3") and staged[1].endswith(".states")
    if states_file == "gone":
        (hub.home.root / publish.STAGING / staged[1]).unlink()
    result = run_desk("verify", home=hub.home.root)
    assert result.returncode == 0, result.stdout
    assert "completed" in result.stdout
    state = hub_tables(hub)
    assert state["events"] == (6, 6) and state["dossiers"] == 6 and state["imports"] == 1
    assert state["publishing"] == 0 and list((hub.home.root / publish.STAGING).glob("*")) == []
    names = hub.db.execute("SELECT applicant_name, applicant_folded FROM dossiers ORDER BY applicant_name").fetchall()
    assert names == [(f"Người số {i}", f"nguoi so {i}") for i in range(6)]
    # the bundle imported again: nothing new, nothing doubled
    again = import_bundle(hub, path)
    assert (again.imported_events, again.skipped_events) == (0, 6)
    assert hub_tables(hub) == state


def test_a_pushed_batch_waits_while_a_bundle_is_published_then_goes_in(make_desk, tmp_path):
    """The hub answers 503 (the desk tries again) while another process publishes; nothing is mixed."""
    from db import sync_queries as sq
    from db import write_transaction
    from desk.cli.wording import describe
    from desk.config import update_settings
    from desk.errors import DeskError
    from desk.sync import hub as hubmod
    from desk.sync.push import push

    a, hub = make_desk("a", 1), make_desk("hub", 0)
    intake(a, "Người đẩy lên")
    update_settings(a.home, sync_token=hubmod.add_token(hub.home))
    a.reload_settings()
    # another importer is publishing: its staging file locked, its publication recorded
    stage = publish.Stage(hub.home.root / publish.STAGING / "other.sqlite3", create=True)
    with write_transaction(hub.db):
        pub_id = sq.start_publishing(
            hub.db,
            {"stage": "other.sqlite3", "source": "bundle", "name": "other.deskbundle", "desk_id": "d",
             "agency_code": "000.00.12.H29", "desk_no": 2, "first_seq": 1, "last_seq": 1, "last_hash": "",
             "staged": 1, "skipped": 0, "at": "2026-11-23T10:00:00"},
        )  # fmt: skip
    server = hubmod.make_server(open_desk(hub.home), port=0, describe=describe).start()
    try:
        sleeps: list[float] = []
        with pytest.raises(DeskError) as gave_up:
            push(a, server.url, sleep=sleeps.append, max_attempts=2)
        assert gave_up.value.problem.params["reason"].params["code"] == "sync.hub_publishing"
        assert sleeps and sleeps[0] >= 5  # told to come back (Retry-After)
        assert hub.db.execute("SELECT count(*) FROM events").fetchone()[0] == 0
        with write_transaction(hub.db):  # that publication ends
            sq.end_publishing(hub.db, pub_id)
        stage.remove()
        result = push(a, server.url, sleep=sleeps.append)
        assert result.pushed == 1 and hub.db.execute("SELECT count(*) FROM events").fetchone()[0] == 1
    finally:
        server.shutdown()
        server.app.desk.close()
