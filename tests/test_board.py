"""The hub's board of desks (issue 17, point 3): ``desk hub board [--json]`` over three desks pushing and
exporting to one hub: last contact, what has not arrived, gaps, chain, clock skew, duplicates, paging. The
hub keeps what desks send in its home's SQLite or in PostgreSQL (``hub_store``): every board test runs on both,
but those of SQLite's own plans and migration."""

from __future__ import annotations

import json
import re
from datetime import datetime
from types import SimpleNamespace

import pytest

from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.sync import hub as hubmod
from desk.sync import push as push_module
from desk.sync.bundle_write import export_bundle
from desk.sync.ingest import Cancelled, cancelled
from desk.sync.push import push
from tests.conftest import run_desk
from tests.test_sync import raw_post

PERSON = "001095001234"


def take_in(desk, n: int, *, id_number: str = "", procedure: str = "2.000815") -> None:
    for i in range(n):
        applicant = ApplicantInput(name=f"Nguyễn Văn Số {i}", phone="0912345678", id_number=id_number)
        if id_number:
            applicant.birth_date = "1995-02-03"
        receive(desk, IntakeRequest(procedure_code=procedure, applicant=applicant))


@pytest.fixture
def hub_and_desks(make_desk, out, monkeypatch, hub_store):
    """A hub (desk 0) serving on loopback and three desks: desk 1 pushed part of its events, with its clock
    7 minutes ahead of the hub's; desk 2 exported a bundle the hub never got, then pushed the rest; desk 3
    sent nothing. Desks 1 and 2 each took in the same person's dossier for the same procedure."""
    hub = make_desk("hub", 0, hub_database=hub_store)
    d1, d2, d3 = make_desk("d1", 1), make_desk("d2", 2), make_desk("d3", 3)
    token = hubmod.add_token(hub.home)
    server = hubmod.make_server(hub, port=0).start()
    try:
        take_in(d1, 1, id_number=PERSON)
        take_in(d1, 3)
        take_in(d2, 2)
        export_bundle(d2, out)  # seq 1–2 on a USB stick that never reaches the hub
        take_in(d2, 1, id_number=PERSON)

        def stop_after_first(done: int, total: int) -> None:
            raise cancelled()

        # the desks' clocks are 7 minutes ahead of the hub's (all read DESK_NOW in this process)
        with monkeypatch.context() as m:
            m.setattr(push_module, "clock", fixed_clock("2026-11-23T09:07:00"))
            with pytest.raises(Cancelled):
                push(d1, server.url, token, batch_size=1, progress=stop_after_first)
            push(d2, server.url, token)
    finally:
        server.shutdown()
    return hub, d1, d2, d3


def fixed_clock(at: str) -> SimpleNamespace:
    """A clock for one module alone."""
    return SimpleNamespace(now=lambda: datetime.fromisoformat(at))


def board(hub, *args: str) -> dict:
    r = run_desk("hub", "board", "--json", *args, home=hub.home.root)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_board_shows_each_desk(hub_and_desks):
    hub, d1, d2, d3 = hub_and_desks
    page = board(hub)
    by_id = {d["desk_id"]: d for d in page["desks"]}
    assert [d["desk_no"] for d in page["desks"]] == [1, 2, 3]
    assert page["next"] is None and page["total_desks"] == 3

    one = by_id[d1.desk_id]
    # one event of four arrived; the desk declared holding four
    assert (one["hub_seq"], one["declared_seq"], one["pending"], one["not_arrived"]) == (1, 4, 3, 0)
    assert one["chain"] == "ok" and one["gaps"] == 0
    assert one["last_contact"] == "2026-11-23T09:00:00" and one["last_contact_by"] == "push"
    assert one["clock_skew_seconds"] == 420 and one["clock_wrong"] is True

    two = by_id[d2.desk_id]
    # the bundle of seq 1–2 never came: a gap, two events not arrived
    assert (two["hub_seq"], two["declared_seq"], two["pending"], two["not_arrived"]) == (3, 3, 0, 2)
    assert two["chain"] == "gaps" and two["gaps"] == 1
    assert two["clock_skew_seconds"] == 420

    three = by_id[d3.desk_id]
    assert three["chain"] == "none" and three["last_contact"] is None and three["clock_skew_seconds"] is None
    assert (three["hub_seq"], three["pending"]) == (0, 0)

    # no dossier references a file, and nothing is ever quarantined: where these come from is said beside them
    assert all(d["files_missing"] == 0 and d["quarantined"] == 0 for d in page["desks"])
    assert set(page["sources"]) == {"files_missing", "quarantined"}


def test_duplicate_across_desks_is_flagged(hub_and_desks):
    hub, d1, d2, d3 = hub_and_desks
    page = board(hub)
    by_id = {d["desk_id"]: d for d in page["desks"]}
    # desk 1's dossier of that person reached the hub (its first event); desk 2's too
    assert by_id[d1.desk_id]["duplicates"] == 1
    assert by_id[d2.desk_id]["duplicates"] == 1
    assert by_id[d3.desk_id]["duplicates"] == 0
    pairs = {(p["desk_id"], p["other_desk_id"]) for p in page["duplicates"]}
    assert pairs == {(d1.desk_id, d2.desk_id), (d2.desk_id, d1.desk_id)}
    assert all(p["id_number"] == PERSON for p in page["duplicates"])


def test_duplicates_more_than_30_days_apart_are_not_flagged(make_desk, now, out, hub_store):
    hub = make_desk("hub", 0, hub_database=hub_store)
    d1, d2 = make_desk("d1", 1), make_desk("d2", 2)
    take_in(d1, 1, id_number=PERSON)
    now("2026-12-28T09:00:00")  # 35 days later
    take_in(d2, 1, id_number=PERSON)
    for d in (d1, d2):
        bundle = export_bundle(d, out)
        r = run_desk("import", str(bundle.path), home=hub.home.root)
        assert r.returncode == 0, r.stderr
    page = board(hub)
    assert [d["duplicates"] for d in page["desks"]] == [0, 0]
    assert page["duplicates"] == []


def test_board_pages_by_desk(hub_and_desks):
    hub, d1, d2, d3 = hub_and_desks
    first = board(hub, "--limit", "2")
    assert [d["desk_id"] for d in first["desks"]] == [d1.desk_id, d2.desk_id]
    assert first["next"] == d2.desk_id
    second = board(hub, "--limit", "2", "--after", first["next"])
    assert [d["desk_id"] for d in second["desks"]] == [d3.desk_id]
    assert second["next"] is None


def test_board_in_words(hub_and_desks):
    hub, d1, d2, d3 = hub_and_desks
    r = run_desk("hub", "board", "--limit", "2", home=hub.home.root)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith(f"desk 1 of 000.00.12.H29 ({d1.desk_id}): last contact 2026-11-23T09:00:00 (push)")
    assert "3 pending, 0 not arrived, 0 gaps; chain ok; clock +420 s (WRONG)" in lines[0]
    assert "1 duplicate at other desks" in lines[0]
    assert "0 pending, 2 not arrived, 1 gap; chain gaps" in lines[1]
    assert lines[-1] == f"more: desk hub board --after {d2.desk_id}"


def test_board_refuses_an_unknown_desk_and_a_bad_page(hub_and_desks):
    hub = hub_and_desks[0]
    r = run_desk("hub", "board", "--after", "nobody", home=hub.home.root)
    assert r.returncode == 4 and "no desk nobody at this hub" in r.stderr
    r = run_desk("hub", "board", "--limit", "0", home=hub.home.root)
    assert r.returncode == 3 and "page size 0: must be 1–500" in r.stderr


def test_a_refused_batch_shows_on_the_board(make_desk, now, hub_store):
    """A batch whose signature checked but whose events were refused (a fork here): chain ``refused``."""
    hub = make_desk("hub", 0, hub_database=hub_store)
    d1 = make_desk("d1", 1)
    take_in(d1, 2)
    token = hubmod.add_token(hub.home)
    server = hubmod.make_server(hub, port=0).start()
    try:
        from tests.test_sync import batch

        body = batch(d1)
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "k1", "Content-Type": "application/json"}
        status, _ = raw_post(server, body, headers)
        assert status == 200
        # the same seqs again with an event altered: a fork
        doc = json.loads(body)
        doc["events"][1]["clerk"] = "Someone Else"
        status, answer = raw_post(server, json.dumps(doc).encode(), {**headers, "Idempotency-Key": "k2"})
        assert status == 422, answer
    finally:
        server.shutdown()
    (line,) = board(hub)["desks"]
    assert line["chain"] == "refused" and line["refused_code"]
    assert line["hub_seq"] == 2


def test_the_skew_is_of_the_last_push(make_desk, now, monkeypatch, hub_store):
    hub = make_desk("hub", 0, hub_database=hub_store)
    d1 = make_desk("d1", 1)
    token = hubmod.add_token(hub.home)
    server = hubmod.make_server(hub, port=0).start()
    try:
        take_in(d1, 1)
        with monkeypatch.context() as m:
            m.setattr(push_module, "clock", fixed_clock("2026-11-23T09:10:00"))
            push(d1, server.url, token)
        take_in(d1, 1)
        push(d1, server.url, token)
    finally:
        server.shutdown()
    (line,) = board(hub)["desks"]
    assert line["clock_skew_seconds"] == 0 and line["clock_wrong"] is False
    assert (line["hub_seq"], line["declared_seq"]) == (2, 2)


@pytest.mark.parametrize("hub_store", [""])  # SQLite's plans; PostgreSQL's: test_board_reads_postgresql_by_index
def test_duplicates_are_flagged_and_read_through_indexes_never_a_scan(hub_and_desks):
    """Duplicates are flagged as dossiers arrive, each person looked up by ID number; the board reads a page
    of desks' flags by desk and date: never every desk's dossiers (issue 17: index-backed)."""
    from db import board_queries as bq

    hub, d1, d2, d3 = hub_and_desks
    ids = [d1.desk_id, d2.desk_id, d3.desk_id]
    codes = [r[0] for r in hub.db.execute("SELECT code FROM dossiers")]
    conn = hub.db.conn
    for call, uses in (
        (lambda: bq.flag_duplicates(hub.db, codes), "USING INDEX dossiers_id_number (id_number=?)"),
        (lambda: bq.duplicate_counts(hub.db, ids, "2026-10-24T09:00:00"), "USING INDEX hub_duplicates_desk"),
        (lambda: bq.duplicate_pairs(hub.db, ids, "2026-10-24T09:00:00", 10), "USING INDEX hub_duplicates_desk"),
    ):
        traced: list[str] = []
        conn.set_trace_callback(traced.append)
        try:
            call()
        finally:
            conn.set_trace_callback(None)
        sql = [q for q in traced if "hub_duplicates" in q and not q.startswith("DELETE")][-1]
        plan = " | ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert uses in plan, plan
        assert "SCAN a" not in plan and "SCAN b" not in plan and "SCAN hub_duplicates" not in plan, plan
    # flagging again changes nothing
    assert bq.duplicate_counts(hub.db, ids, "2026-10-24T09:00:00") == {d1.desk_id: 1, d2.desk_id: 1}
    # the files missing: a page of desks' rows by desk
    traced = []
    conn.set_trace_callback(traced.append)
    try:
        assert bq.files_missing(hub.db, ids) == {}
    finally:
        conn.set_trace_callback(None)
    plan = " | ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {traced[-1]}"))
    assert "USING INDEX hub_missing_files_desk" in plan and "SCAN m" not in plan, plan


@pytest.mark.parametrize("hub_store", [""])  # the SQLite migration that brought the board
def test_a_hub_s_dossiers_already_here_are_flagged_when_the_board_comes(hub_and_desks):
    """The migration looks at the dossiers of the last 60 days a hub already holds."""
    from db import board_queries as bq

    hub, d1, d2, d3 = hub_and_desks
    hub.db.execute("DELETE FROM hub_duplicates")
    assert bq.duplicate_counts(hub.db, [d1.desk_id, d2.desk_id], "2026-10-24T09:00:00") == {}
    bq.flag_duplicates_since(hub.db, days=60)
    assert bq.duplicate_counts(hub.db, [d1.desk_id, d2.desk_id], "2026-10-24T09:00:00") == {
        d1.desk_id: 1,
        d2.desk_id: 1,
    }


class Tracing:
    """A store's handle that notes each statement run through it (its SQL and parameters)."""

    def __init__(self, db):
        self.db, self.seen = db, []
        self.after_commit = db.after_commit

    def execute(self, sql, params=None):
        self.seen.append((sql, params))
        return self.db.execute(sql, params)

    def by_index(self):  # PostgreSQL's blocks of statements by index (db.pg.connection.PgConn.by_index)
        return self.db.by_index()


@pytest.mark.parametrize("hub_store", ["postgresql"], indirect=True)
def test_board_reads_postgresql_by_index(hub_and_desks):
    """On PostgreSQL too the board reads a page of desks' rows by index (issue 17: index-backed), and
    duplicates are flagged looking each person up by ID number: with sequential scans made the last resort,
    no plan of the board's statements scans a table whose rows grow with dossiers, events or files."""
    from db.board_queries import FIRST
    from desk.sync.store import hub_store as store_of

    hub, d1, d2, d3 = hub_and_desks
    ids = [d1.desk_id, d2.desk_id, d3.desk_id]
    store = store_of(hub)
    q = store.q
    with store.reading() as db:
        codes = [r[0] for r in db.execute("SELECT code FROM dossiers")]
        traced = Tracing(db)
        q.desk_page(traced, FIRST, 50)
        q.duplicate_counts(traced, ids, "2026-10-24T09:00:00")
        q.duplicate_pairs(traced, ids, "2026-10-24T09:00:00", 10)
        q.files_missing(traced, ids)
        q.flag_duplicates(traced, codes)
        q.note_missing_files(traced, codes)
        db.execute("SET enable_seqscan = off")
        grown = "dossiers|events|event_ids|hub_duplicates|hub_missing_files|sync_imports|sync_gaps"
        wanted = {  # a person's dossiers by ID number; a page of desks' flags and missing files by desk
            "WITH a AS": "using dossiers_id_number on dossiers",
            "SELECT desk_id, count(DISTINCT code)": "using hub_duplicates_desk",
            "SELECT m.desk_id": "on hub_missing_files_desk",
        }
        for sql, params in traced.seen:
            if sql.startswith("SET LOCAL"):  # the planner told to look rows up by index (db.pg.board_queries)
                continue
            plan = "\n".join(r[0] for r in db.execute(f"EXPLAIN {sql}", params))
            assert not re.search(rf"Seq Scan on ({grown})(_\d+)? ", plan), f"{sql}\n{plan}"
            for start, index in wanted.items():
                assert not sql.startswith(start) or index in plan, f"{sql}\n{plan}"
        assert {s[:9] for s, _ in traced.seen} >= {w[:9] for w in wanted}
        assert q.duplicate_counts(db, ids, "2026-10-24T09:00:00") == {d1.desk_id: 1, d2.desk_id: 1}
