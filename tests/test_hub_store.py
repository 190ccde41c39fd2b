"""The hub's store (issue 17): the same hub on its home's SQLite and on PostgreSQL.

Imports, gaps, status and verify on both stores; on PostgreSQL the month partitions, the global event-id
dedupe, the per-desk advisory lock, a worker process killed mid-batch, a connection failure that never
shows the password, and ``desk hub migrate`` from SQLite. A real PostgreSQL 15 (``tests/pg_helpers.py``).
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from db.pg import migrations
from desk.config import Home, load_settings, update_settings
from desk.context import open_desk
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.sync import hub as hubmod
from desk.sync.bundle_write import export_bundle
from desk.sync.push import push
from desk.sync.store import hub_store as hub_store_of
from desk.sync.store import pg_store
from tests.conftest import DEFAULT_NOW, ROOT, new_home, run_desk
from tests.desk_helpers import PATIENCE, enrol_homes

AGENCY = "000.00.12.H29"


def fill(desk, n: int, name: str = "Nguyễn Văn Số") -> None:
    for i in range(n):
        receive(desk, IntakeRequest(procedure_code="2.000815", applicant=ApplicantInput(name=f"{name} {i}")))


def make_hub(root: Path, database: str) -> Home:
    hub = new_home(root, agency_code=AGENCY, desk_no=0)
    if database:
        update_settings(hub, hub_database=database)
    return hub


def make_desk(root: Path, desk_no: int, hub: Home) -> Home:
    home = new_home(root, agency_code=AGENCY, desk_no=desk_no)
    enrol_homes(home, hub)
    return home


def export(home: Home, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    d = open_desk(home)
    try:
        path = export_bundle(d, folder).path
        assert path is not None
        return path
    finally:
        d.close()


def intake(home: Home, n: int, name: str = "Nguyễn Văn Số") -> None:
    d = open_desk(home)
    try:
        fill(d, n, name)
    finally:
        d.close()


def hub_answers(hub: Home) -> dict:
    """What the hub says of what it holds: status, registry, board, the dossiers and every desk's events."""
    status = run_desk("hub", "status", "--json", home=hub.root)
    desks = run_desk("hub", "desks", "--json", home=hub.root)
    board = run_desk("hub", "board", "--json", home=hub.root)
    assert status.returncode == 0 and desks.returncode == 0 and board.returncode == 0, status.stderr + desks.stderr
    h = open_desk(hub)
    try:
        store = hub_store_of(h)
        with store.reading() as db:
            dossiers = db.execute(
                "SELECT code, desk_id, applicant_name, status FROM dossiers WHERE desk_id != '"
                + h.desk_id
                + "' ORDER BY code"
            ).fetchall()
            events = {d: [r["event_id"] for r in store.q.event_rows(db, d, limit=10**6)] for d in store.q.desk_ids(db)}
    finally:
        h.close()
    events.pop(h.desk_id, None)
    return {
        "status": json.loads(status.stdout),
        "desks": json.loads(desks.stdout),
        "board": json.loads(board.stdout),
        "dossiers": [tuple(r) for r in dossiers],
        "events": events,
    }


def test_import_gaps_status_and_verify_on_either_store(tmp_path, now, hub_store):
    hub = make_hub(tmp_path / "hub", hub_store)
    desk = make_desk(tmp_path / "desk", 1, hub)
    intake(desk, 3)
    first = export(desk, tmp_path / "u1")
    intake(desk, 2)
    middle = export(desk, tmp_path / "u2")
    intake(desk, 2)
    last = export(desk, tmp_path / "u3")
    r = run_desk("import", str(first), "--json", home=hub.root)
    assert r.returncode == 0, r.stderr
    assert (json.loads(r.stdout)["imported_events"], json.loads(r.stdout)["skipped_events"]) == (3, 0)
    again = run_desk("import", str(first), "--json", home=hub.root)
    assert (json.loads(again.stdout)["imported_events"], json.loads(again.stdout)["skipped_events"]) == (0, 3)
    r = run_desk("import", str(last), home=hub.root)
    assert r.returncode == 0 and "events 4–5" in r.stderr, r.stderr  # the bundle in between has not come
    status = json.loads(run_desk("hub", "status", "--json", home=hub.root).stdout)
    assert [(g["first_seq"], g["last_seq"]) for g in status["gaps"]] == [(4, 5)]
    assert [(d["events"], d["last_seq"]) for d in status["desks"]] == [(5, 7)]
    assert run_desk("verify", home=hub.root).returncode == 0  # a gap an import recorded is expected
    assert run_desk("import", str(middle), home=hub.root).returncode == 0
    status = json.loads(run_desk("hub", "status", "--json", home=hub.root).stdout)
    assert status["gaps"] == [] and [d["events"] for d in status["desks"]] == [7]
    assert len(status["recent_imports"]) == 3
    answers = hub_answers(hub)
    assert [name for _, _, name, _ in answers["dossiers"]] == [f"Nguyễn Văn Số {i}" for i in (0, 1, 2, 0, 1, 0, 1)]
    d = open_desk(desk)
    try:
        own = [r[0] for r in d.db.execute("SELECT event_id FROM events ORDER BY seq")]
    finally:
        d.close()
    assert answers["events"] == {d.desk_id: own}
    assert run_desk("verify", home=hub.root).returncode == 0


def test_events_go_into_month_partitions_and_an_event_id_is_stored_once(tmp_path, now, pg_url):
    hub = make_hub(tmp_path / "hub", pg_url)
    desk = make_desk(tmp_path / "desk", 1, hub)
    intake(desk, 2)
    now("2026-12-01T09:00:00")
    intake(desk, 1)
    assert run_desk("import", str(export(desk, tmp_path / "u")), home=hub.root).returncode == 0
    store = pg_store(pg_url)
    with store.reading() as db:
        parts = [
            r[0]
            for r in db.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " WHERE i.inhparent = 'events'::regclass ORDER BY 1"
            )
        ]
        per_part = db.execute("SELECT tableoid::regclass::text, count(*) FROM events GROUP BY 1 ORDER BY 1").fetchall()
        rows = db.execute(
            "SELECT desk_id, seq, event_id, dossier_code, type, at, clerk, payload, prev_hash, hash FROM events"
        ).fetchall()
    assert parts == ["events_202611", "events_202612"]
    assert per_part == [("events_202611", 2), ("events_202612", 1)]
    with store.writing(rows[0][0]) as db:  # the same events again: ON CONFLICT DO NOTHING, none stored twice
        assert store.q.insert_event_rows(db, [tuple(r) for r in rows]) == 0
    with store.reading() as db:
        assert db.execute("SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM event_ids)").fetchone() == (
            3,
            3,
        )
        versions = db.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert versions == [(version, name) for version, name, _ in migrations.STEPS]  # every step, once


def imported_hub(tmp_path: Path, database: str, dossiers: int) -> Home:
    """A hub (on ``database``) that imported the bundle of one desk's ``dossiers`` intakes; verify finds nothing."""
    hub = make_hub(tmp_path / "hub", database)
    desk = make_desk(tmp_path / "desk", 1, hub)
    intake(desk, dossiers)
    assert run_desk("import", str(export(desk, tmp_path / "u")), home=hub.root).returncode == 0
    assert run_desk("verify", home=hub.root).returncode == 0
    return hub


def test_verify_at_a_postgresql_hub_finds_an_altered_event(tmp_path, now, pg_url):
    hub = imported_hub(tmp_path, pg_url, 3)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE events SET clerk = 'Kẻ giả mạo' WHERE seq = 2")
    r = run_desk("verify", "--json", home=hub.root)
    assert r.returncode == 5, r.stdout + r.stderr
    assert not json.loads(r.stdout)["ok"]


@pytest.mark.parametrize(
    "url, shown",
    [
        (
            "postgresql://hub:s3cr3t-pw@/nodb?host=/nonexistent-desk-pg",
            "postgresql://hub@/nodb?host=/nonexistent-desk-pg",
        ),
        (
            "postgresql:///nodb?host=/nonexistent-desk-pg&password=s3cr3t-pw",
            "postgresql:///nodb?host=/nonexistent-desk-pg&password=***",
        ),
    ],
)
def test_an_unreachable_database_says_where_and_what_never_the_password(tmp_path, now, url, shown):
    hub = make_hub(tmp_path / "hub", url)
    r = run_desk("hub", "status", home=hub.root)
    assert r.returncode == 4, (r.returncode, r.stderr)
    assert shown in r.stderr and "Traceback" not in r.stderr
    assert "s3cr3t-pw" not in r.stdout + r.stderr
    r = run_desk("--lang", "vi", "hub", "status", "--json", home=hub.root)
    assert r.returncode == 4 and "s3cr3t-pw" not in r.stdout + r.stderr


def test_a_database_setting_that_is_not_postgresql_is_refused(tmp_path, now):
    hub = make_hub(tmp_path / "hub", "mysql://hub@db/hub")
    r = run_desk("hub", "status", home=hub.root)
    assert r.returncode == 3 and "is not a PostgreSQL URL" in r.stderr, r.stderr


def test_batches_of_one_desk_take_turns_and_other_desks_do_not_wait(pg_url):
    store = pg_store(pg_url)
    order: list[str] = []
    held, release = threading.Event(), threading.Event()

    def first() -> None:
        with store.writing("desk-A"):
            order.append("A1 in")
            held.set()
            release.wait(30)
            order.append("A1 out")

    def second() -> None:
        with store.writing("desk-A"):
            order.append("A2 in")

    t1 = threading.Thread(target=first)
    t1.start()
    assert held.wait(PATIENCE)
    t2 = threading.Thread(target=second)
    t2.start()
    with store.reading() as db:  # the second batch of desk A waits on its advisory lock
        deadline = time.monotonic() + PATIENCE
        while (
            time.monotonic() < deadline
            and not db.execute("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").fetchone()
        ):
            time.sleep(0.01)
        assert db.execute("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").fetchone()
    with store.writing("desk-B"):  # another desk goes in meanwhile
        order.append("B in")
    release.set()
    t1.join(PATIENCE)
    t2.join(PATIENCE)
    assert order == ["A1 in", "B in", "A1 out", "A2 in"]


def test_more_workers_need_postgresql(tmp_path, now):
    hub = make_hub(tmp_path / "hub", "")
    hubmod.add_token(hub)
    r = run_desk("hub", "serve", "--workers", "2", "--port", "0", home=hub.root)
    assert r.returncode == 3 and "more than one worker needs the hub on PostgreSQL" in r.stderr, r.stderr
    assert run_desk("hub", "serve", "--workers", "0", home=hub.root).returncode == 3


def test_a_worker_killed_mid_batch_loses_nothing_and_the_retry_brings_it_once(tmp_path, now, pg_url):
    hub = make_hub(tmp_path / "hub", pg_url)
    desk_home = make_desk(tmp_path / "desk", 1, hub)
    update_settings(desk_home, sync_token=hubmod.add_token(hub))
    intake(desk_home, 12)
    log = open(tmp_path / "hub.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "desk", "--home", str(hub.root), "hub", "serve", "--port", "0", "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=log,
        cwd=ROOT,
        env={**os.environ, "DESK_NOW": DEFAULT_NOW},
    )
    blocker = psycopg.connect(pg_url)
    d = open_desk(desk_home)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], PATIENCE)
        assert ready, "the hub did not start"
        line = proc.stdout.readline().decode()
        assert "listening on" in line and "2 workers" in line, line
        url = line.split("listening on ", 1)[1].split()[0]
        # the batch's transaction writes its events and dossiers, then records the desk: that waits here
        blocker.execute("LOCK TABLE sync_desks IN EXCLUSIVE MODE")
        outcome: dict = {}

        def pushing() -> None:
            try:
                outcome["result"] = push(d, url, sleep=lambda s: None, max_attempts=20, timeout=60)
            except Exception as exc:  # the assertion below says what
                outcome["error"] = exc

        pusher = threading.Thread(target=pushing)
        pusher.start()
        waiting = None
        deadline = time.monotonic() + PATIENCE
        with psycopg.connect(pg_url, autocommit=True) as watch:
            while waiting is None and time.monotonic() < deadline:
                waiting = watch.execute(
                    "SELECT application_name FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    " AND application_name LIKE 'motcua-hub-%'"
                ).fetchone()
                time.sleep(0.02)
            assert waiting is not None, "no worker got to the middle of the batch"
            worker = int(waiting[0].rsplit("-", 1)[1])
            assert worker != proc.pid
            os.kill(worker, signal.SIGKILL)  # the worker dies with the batch half-written
            blocker.rollback()
            pusher.join(120)
            assert not pusher.is_alive()
            assert "error" not in outcome, outcome
            result = outcome["result"]
            assert result.pushed == 12 and result.pending == 0 and result.retries >= 1
            own = [r[0] for r in d.db.execute("SELECT event_id FROM events ORDER BY seq")]
            held = [r[0] for r in watch.execute("SELECT event_id FROM events ORDER BY seq")]
            assert held == own  # every event, in order, exactly once
            assert watch.execute("SELECT count(*) FROM event_ids").fetchone()[0] == 12
            assert watch.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 12
    finally:
        blocker.close()
        d.close()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        proc.stdout.close()
        log.close()
    assert run_desk("verify", home=hub.root).returncode == 0


def test_migrate_moves_a_sqlite_hub_and_a_second_run_adds_nothing(tmp_path, now, pg_url):
    hub = make_hub(tmp_path / "hub", "")
    a = make_desk(tmp_path / "a", 1, hub)
    b = make_desk(tmp_path / "b", 2, hub)
    intake(a, 3, "Trần Thị")
    intake(b, 2, "Lê Văn")
    assert run_desk("import", str(export(a, tmp_path / "a1")), home=hub.root).returncode == 0
    intake(a, 1, "Trần Thị Mới")
    skipped = export(a, tmp_path / "a2")  # not brought: a gap
    intake(a, 1, "Trần Thị Sau")
    assert run_desk("import", str(export(a, tmp_path / "a3")), home=hub.root).returncode == 0
    assert run_desk("import", str(export(b, tmp_path / "b1")), home=hub.root).returncode == 0
    intake(hub, 1, "Người Ở Hub")  # the hub's own clerk's work stays in its home
    before = hub_answers(hub)
    assert before["status"]["gaps"] and len(before["events"]) == 2

    r = run_desk("hub", "migrate", "--to", pg_url, "--json", home=hub.root)
    assert r.returncode == 0, r.stderr
    moved = json.loads(r.stdout)
    assert (moved["events"], moved["dossiers"]) == (6, 6)  # desk 1: seq 1–3 and 5; desk 2: seq 1–2
    assert moved["rows"]["sync_imports"] == 3 and moved["rows"]["enrolled_desks"] == 2
    assert load_settings(hub).hub_database == pg_url
    assert hub_answers(hub) == before  # the same questions, the same answers, now from PostgreSQL
    assert run_desk("verify", home=hub.root).returncode == 0

    again = json.loads(run_desk("hub", "migrate", "--to", pg_url, "--json", home=hub.root).stdout)
    assert (again["events"], again["dossiers"]) == (0, 0) and not any(again["rows"].values())
    assert hub_answers(hub) == before
    # the hub goes on on PostgreSQL: the missing bundle closes the gap
    r = run_desk("import", str(skipped), "--json", home=hub.root)
    assert r.returncode == 0 and json.loads(r.stdout)["imported_events"] == 1, r.stderr
    status = json.loads(run_desk("hub", "status", "--json", home=hub.root).stdout)
    assert status["gaps"] == [] and status["recent_imports"][0]["id"] == 4


def test_migrate_refuses_a_database_holding_another_hubs_events(tmp_path, now, pg_url):
    other = make_hub(tmp_path / "other", pg_url)
    desk = make_desk(tmp_path / "desk", 1, other)
    intake(desk, 1)
    assert run_desk("import", str(export(desk, tmp_path / "u")), home=other.root).returncode == 0
    hub = make_hub(tmp_path / "hub", "")
    r = run_desk("hub", "migrate", "--to", pg_url, home=hub.root)
    assert r.returncode == 3 and "already holds events that did not come from this hub" in r.stderr, r.stderr
    assert load_settings(hub).hub_database == ""


def test_hub_search_finds_dossiers_of_every_desk_on_either_store(tmp_path, now, hub_store):
    hub = make_hub(tmp_path / "hub", hub_store)
    a = make_desk(tmp_path / "a", 1, hub)
    b = make_desk(tmp_path / "b", 2, hub)
    intake(a, 1, "Nguyễn Văn Đức")
    d = open_desk(b)
    try:
        receive(
            d,
            IntakeRequest(
                procedure_code="2.000815",
                applicant=ApplicantInput(name="Trần Thị Lan", phone="0912345678", id_number="001190012345"),
            ),
        )
        code_b = d.db.execute("SELECT code FROM dossiers").fetchone()[0]
    finally:
        d.close()
    for desk in (a, b):
        assert run_desk("import", str(export(desk, tmp_path / desk.root.name)), home=hub.root).returncode == 0

    def names(text: str) -> list[str]:
        r = run_desk("hub", "search", text, "--json", home=hub.root)
        assert r.returncode == 0, r.stderr
        return [found["applicant"]["name"] for found in json.loads(r.stdout)]

    assert names("nguyen van duc") == ["Nguyễn Văn Đức 0"]  # case, diacritics and đ folded
    assert names("Trần Thị") == ["Trần Thị Lan"]
    assert names("0912345678") == ["Trần Thị Lan"]
    assert names("+84 912 345 678") == ["Trần Thị Lan"]
    assert names("001190012345") == ["Trần Thị Lan"]
    assert names(code_b) == ["Trần Thị Lan"]
    assert names("không có ai") == []
    r = run_desk("hub", "search", "nguyen", home=hub.root)
    assert r.returncode == 0 and "Nguyễn Văn Đức 0" in r.stdout


def test_a_bundle_stopped_before_its_transaction_commits_leaves_nothing_on_postgresql(tmp_path, now, pg_url):
    from desk.sync.bundle_read import import_bundle
    from desk.sync.ingest import Cancelled, cancelled

    hub = make_hub(tmp_path / "hub", pg_url)
    desk = make_desk(tmp_path / "desk", 1, hub)
    intake(desk, 5)
    path = export(desk, tmp_path / "u")
    seen: list[int] = []

    def stop_at_the_end(done: int, total: int) -> None:
        seen.append(done)
        if done == total:  # every event written, inside the one transaction: then the import is stopped
            raise cancelled()

    h = open_desk(hub)
    try:
        with pytest.raises(Cancelled):
            import_bundle(h, path, progress=stop_at_the_end)
        assert seen and seen[-1] == 5
        with psycopg.connect(pg_url) as conn:
            counts = conn.execute(
                "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM event_ids),"
                " (SELECT count(*) FROM dossiers), (SELECT count(*) FROM sync_imports)"
            ).fetchone()
        assert counts == (0, 0, 0, 0)
        assert import_bundle(h, path).imported_events == 5  # again: all of it, once
    finally:
        h.close()


def test_two_desks_batches_about_one_dossier_rebuild_it_one_after_the_other(tmp_path, now, pg_url):
    hub = make_hub(tmp_path / "hub", pg_url)
    desk = make_desk(tmp_path / "desk", 1, hub)
    intake(desk, 1)
    assert run_desk("import", str(export(desk, tmp_path / "u")), home=hub.root).returncode == 0
    store = pg_store(pg_url)
    with store.reading() as db:
        (code,) = db.execute("SELECT code FROM dossiers").fetchone()
    order: list[str] = []
    held, release = threading.Event(), threading.Event()

    def first() -> None:
        with store.writing("desk-A") as db:
            store.q.lock_dossiers(db, [code])
            order.append("A locked")
            held.set()
            release.wait(30)
            order.append("A done")

    def second() -> None:
        with store.writing("desk-B") as db:  # another desk: its advisory lock is free, the dossier is not
            store.q.lock_dossiers(db, [code])
            order.append("B locked")

    t1 = threading.Thread(target=first)
    t1.start()
    assert held.wait(PATIENCE)
    t2 = threading.Thread(target=second)
    t2.start()
    with store.reading() as db:
        deadline = time.monotonic() + PATIENCE
        while (
            time.monotonic() < deadline
            and not db.execute(
                "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE%'"
            ).fetchone()
        ):
            time.sleep(0.01)
    release.set()
    t1.join(PATIENCE)
    t2.join(PATIENCE)
    assert order == ["A locked", "A done", "B locked"]
