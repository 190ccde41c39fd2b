"""Issue 17's last correctness items at a hub, on either store (``hub_store``: SQLite, PostgreSQL): `desk verify`
recounts the QĐ 766 sums of the store; `desk hub status` reads kept per-desk figures that stay exact; the
duplicates' second pass on PostgreSQL survives a worker dying after its commit; the file records an older
PostgreSQL hub kept in its home are copied into the store once."""

from __future__ import annotations

import json

import psycopg

from desk.sync.store import POSTGRESQL
from desk.sync.store import hub_store as hub_store_of
from tests.conftest import run_desk
from tests.test_hub_store import export, intake, make_desk, make_hub


def at_hub(hub, sql: str, *params, write: bool = False) -> list[tuple]:
    """Rows of ``sql`` (``?`` for its parameters) in the hub's store, SQLite or PostgreSQL."""
    from desk.context import open_desk

    d = open_desk(hub)
    try:
        store = hub_store_of(d)
        if store.kind == POSTGRESQL:
            sql = sql.replace("?", "%s")
        with store.writing() if write else store.reading() as db:
            cur = db.execute(sql, params)
            return [tuple(r) for r in cur.fetchall()] if cur.description else []
    finally:
        d.close()


def test_verify_recounts_the_qd766_sums_of_the_store(tmp_path, now, hub_store):
    hub = make_hub(tmp_path / "hub", hub_store)
    desk = make_desk(tmp_path / "desk", 1, hub)
    intake(desk, 3)
    assert run_desk("import", str(export(desk, tmp_path / "u")), home=hub.root).returncode == 0
    r = run_desk("verify", home=hub.root)
    assert r.returncode == 0, r.stdout + r.stderr
    assert at_hub(hub, "SELECT count(*) FROM indicator_sums WHERE accepted > 0") != [(0,)]
    at_hub(hub, "UPDATE indicator_sums SET accepted = accepted + 1 WHERE accepted > 0", write=True)
    r = run_desk("verify", "--json", home=hub.root)
    assert r.returncode == 5, r.stdout + r.stderr
    found = [p for p in json.loads(r.stdout)["problems"] if "QĐ 766 running sums" in p]
    assert found and all("of 2026-11-23 (desk 1, clerk Nguyễn Thị Lan, procedure 2.000815)" in p for p in found), found
    assert {p.split("(")[-1] for p in found} == {
        "stored side): run `desk verify` again after the next change, or report it",
        "recount side): run `desk verify` again after the next change, or report it",
    }


def _statements_of_hub_status(hub, monkeypatch) -> tuple[dict, list[str]]:
    """`desk hub status`'s answer (in-process) and every SQL statement it ran, on either store."""
    from db.pg.connection import PgConn
    from desk.context import open_desk
    from desk.sync.status import hub_status

    seen: list[str] = []
    real = PgConn.execute

    def recording(self, sql, params=None):
        seen.append(str(sql))
        return real(self, sql, params)

    monkeypatch.setattr(PgConn, "execute", recording)
    d = open_desk(hub)
    try:
        hub_store_of(d)  # opened (and migrated) before the statements are recorded
        seen.clear()
        d.db.conn.set_trace_callback(seen.append)
        status = hub_status(d).to_json()
        d.db.conn.set_trace_callback(None)
    finally:
        d.close()
        monkeypatch.setattr(PgConn, "execute", real)
    return status, seen


def test_hub_status_reads_kept_figures_that_stay_exact(tmp_path, now, hub_store, monkeypatch):
    import re

    from desk.context import open_desk

    hub = make_hub(tmp_path / "hub", hub_store)
    one, two = make_desk(tmp_path / "d1", 1, hub), make_desk(tmp_path / "d2", 2, hub)
    ids = []
    for home in (one, two):
        d = open_desk(home)
        ids.append(d.desk_id)
        d.close()
    intake(one, 3)
    first = export(one, tmp_path / "u1")
    intake(one, 2)
    middle = export(one, tmp_path / "u2")
    intake(one, 2)
    last = export(one, tmp_path / "u3")
    intake(two, 4)
    other = export(two, tmp_path / "v1")
    for bundle in (first, last, other, first):  # a gap, another desk, a bundle again (nothing new)
        assert run_desk("import", str(bundle), home=hub.root).returncode == 0

    def recount() -> dict:
        rows = at_hub(hub, "SELECT desk_id, count(*), max(seq) FROM events GROUP BY desk_id")
        return {desk_id: (n, top) for desk_id, n, top in rows if desk_id in ids}

    status, statements = _statements_of_hub_status(hub, monkeypatch)
    assert {d["desk_id"]: (d["events"], d["last_seq"]) for d in status["desks"]} == recount()
    assert recount() == {ids[0]: (5, 7), ids[1]: (4, 4)}
    assert statements  # what it read: never the events themselves
    assert not [s for s in statements if re.search(r"(?i)\b(FROM|JOIN)\s+(events|event_ids)\b", s)], statements
    assert run_desk("import", str(middle), home=hub.root).returncode == 0
    status, _ = _statements_of_hub_status(hub, monkeypatch)
    assert (
        {d["desk_id"]: (d["events"], d["last_seq"]) for d in status["desks"]}
        == recount()
        == {
            ids[0]: (7, 7),
            ids[1]: (4, 4),
        }
    )
    r = run_desk("verify", home=hub.root)
    assert r.returncode == 0, r.stdout + r.stderr
    # verify holds the kept figures against a recount
    at_hub(hub, "UPDATE hub_event_counts SET events = events - 1 WHERE desk_id = ?", ids[1], write=True)
    r = run_desk("verify", home=hub.root)
    assert r.returncode == 5
    assert f"desk {ids[1]}: `desk hub status` keeps 3 events up to seq 4, but 4 events are here up to seq 4" in (
        r.stdout + r.stderr
    )


class WorkerDied(BaseException):
    """The worker's process ends here (killed, power cut): nothing after this line of it runs."""


def _pass_dies_after_commit(tmp_path, pg_url, monkeypatch):
    """Desks 1 and 2 bring one person's dossier at once (as in tests/test_hub_races.py): the second commits
    while the first is still open, so neither's in-transaction pass sees the other; then the first commits and
    its worker dies before its second pass, the one that would have seen the pair. Returns the hub, its other
    desk, and a function listing the pairs flagged and the re-checks left."""
    import threading

    from db.pg import board_queries, hub_queries
    from tests.race_helpers import bring_side_by_side, same_person_at_two_desks

    hub, bundles = same_person_at_two_desks(tmp_path, pg_url)
    real_flag, real_recheck = hub_queries.flag_duplicates, board_queries._recheck
    first_flagged, release = threading.Event(), threading.Event()

    def flag(db, codes):
        real_flag(db, codes)
        if threading.current_thread().name == "desk-1":
            first_flagged.set()
            assert release.wait(30)

    def recheck(db, codes):
        if threading.current_thread().name == "desk-1":
            raise WorkerDied  # committed; the second pass never runs
        real_recheck(db, codes)

    monkeypatch.setattr(hub_queries, "flag_duplicates", flag)
    monkeypatch.setattr(board_queries, "_recheck", recheck)
    ended = bring_side_by_side(hub, bundles, first_flagged, release, lambda: None)
    assert [type(e) for e in ended] == [WorkerDied]
    monkeypatch.setattr(hub_queries, "flag_duplicates", real_flag)
    monkeypatch.setattr(board_queries, "_recheck", real_recheck)

    def state() -> tuple[int, int]:
        with psycopg.connect(pg_url) as conn:
            return conn.execute(
                "SELECT (SELECT count(*) FROM hub_duplicates), (SELECT count(*) FROM hub_duplicate_rechecks)"
            ).fetchone()

    return hub, state


def test_a_worker_dying_before_the_second_duplicates_pass_leaves_it_to_its_next_start(
    tmp_path, now, pg_url, monkeypatch
):
    from desk.sync.store import close_pools

    hub, state = _pass_dies_after_commit(tmp_path, pg_url, monkeypatch)
    assert state() == (0, 1)  # the pair missed, the dossier still to re-check
    close_pools()  # a worker starts (again)
    r = run_desk("hub", "board", "--json", home=hub.root)
    assert r.returncode == 0, r.stderr
    assert state() == (2, 0)  # flagged both ways
    assert {d["desk_no"]: d["duplicates"] for d in json.loads(r.stdout)["desks"]} == {1: 1, 2: 1}


def test_a_later_batch_finishes_a_second_duplicates_pass_left_long_enough(tmp_path, now, pg_url, monkeypatch):
    hub, state = _pass_dies_after_commit(tmp_path, pg_url, monkeypatch)
    three = make_desk(tmp_path / "desk3", 3, hub)
    intake(three, 1, "Lê Thị Ba")
    assert run_desk("import", str(export(three, tmp_path / "u3")), home=hub.root).returncode == 0
    assert state() == (0, 1)  # younger than the grace: the dying batch's own pass may still be about to run
    with psycopg.connect(pg_url) as conn:  # the grace is over (instead of waiting it out)
        conn.execute("UPDATE hub_duplicate_rechecks SET queued_at = queued_at - interval '1 hour'")
    intake(three, 1, "Lê Thị Bốn")
    assert run_desk("import", str(export(three, tmp_path / "u4")), home=hub.root).returncode == 0
    assert state() == (2, 0)


def test_the_file_records_an_older_postgresql_hub_kept_in_its_home_are_copied_once(tmp_path, now, pg_url):
    """A hub on PostgreSQL from before its file records moved there kept ``hub_files`` in its home's SQLite: the
    store, as it opens, copies them in once (the file no longer counts as missing) and a later opening adds
    nothing nor overwrites what the store has."""
    from desk.context import open_desk
    from desk.sync.store import close_pools

    sha = "ab" * 32
    hub = make_hub(tmp_path / "hub", "")  # the home's tables only: nothing opens the store yet
    d = open_desk(hub)
    try:
        with d.db.conn:
            d.db.execute(
                "INSERT INTO hub_files (sha256, bytes, state, signer, source, received_at)"
                " VALUES (?, 2048, 'signed', 'Nguyễn Thị Số Hoá', 'push:desk-1', '2026-11-20T10:00:00')",
                (sha,),
            )
    finally:
        d.close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        from db.pg import migrations

        migrations.migrate(conn)
        conn.execute(
            "INSERT INTO hub_missing_files (dossier_code, line_code, sha256, desk_id) VALUES ('C-1', 'L-1', %s, 'x')",
            (sha,),
        )
    from desk.config import update_settings

    update_settings(hub, hub_database=pg_url)
    close_pools()
    assert run_desk("hub", "board", "--json", home=hub.root).returncode == 0

    def in_store() -> tuple[list[tuple], int]:
        with psycopg.connect(pg_url) as conn:
            rows = conn.execute("SELECT sha256, bytes, state, signer, source FROM hub_files").fetchall()
            return rows, conn.execute("SELECT count(*) FROM hub_missing_files").fetchone()[0]

    assert in_store() == ([(sha, 2048, "signed", "Nguyễn Thị Số Hoá", "push:desk-1")], 0)
    with psycopg.connect(pg_url, autocommit=True) as conn:  # the store's own record changes later
        conn.execute("UPDATE hub_files SET source = 'bundle:later'")
    close_pools()  # another process opens it
    assert run_desk("hub", "status", home=hub.root).returncode == 0
    assert in_store() == ([(sha, 2048, "signed", "Nguyễn Thị Số Hoá", "bundle:later")], 0)
    d = open_desk(hub)
    try:
        noted = d.db.execute("SELECT key FROM meta WHERE key LIKE 'hub_files.adopted:%'").fetchall()
    finally:
        d.close()
    assert len(noted) == 1
