"""A bundle into a PostgreSQL hub (issue 17, point 5): what the fast path stores is what the server's own JSON
functions would say of each event, a mixed batch stores only its new events, and the import bench runs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from desk.context import open_desk
from desk.dossier.lifecycle import request_supplement, transfer
from desk.sync import bundle_events, publish
from desk.sync.ingest import ChainConflict
from desk.sync.store import pg_store
from tests.conftest import ROOT, run_desk
from tests.test_hub_store import export, imported_hub, intake, make_desk, make_hub

AS_THE_SERVER_READS_THEM = (
    "SELECT count(*) FROM events WHERE snapshot_id IS DISTINCT FROM payload::jsonb #>> '{dossier,id}'"
    " OR snapshot_status IS DISTINCT FROM payload::jsonb #>> '{dossier,status}'"
    " OR has_snapshot != coalesce(jsonb_typeof(payload::jsonb -> 'dossier') = 'object', false)"
    " OR at_day != left(at, 10)::date"
)


def test_the_snapshot_columns_are_the_payloads_and_known_events_are_left_out(tmp_path, now, pg_url):
    hub = make_hub(tmp_path / "hub", pg_url)
    desk = make_desk(tmp_path / "desk", 1, hub)
    intake(desk, 3)
    d = open_desk(desk)
    try:
        code = d.db.execute("SELECT code FROM dossiers ORDER BY code LIMIT 1").fetchone()[0]
        transfer(d, code)
        request_supplement(d, code, [("Bản sao giấy khai sinh", "")])
    finally:
        d.close()
    r = run_desk("import", str(export(desk, tmp_path / "u")), "--json", home=hub.root)
    assert r.returncode == 0 and json.loads(r.stdout)["imported_events"] == 5, r.stderr
    store = pg_store(pg_url)
    with store.reading() as db:
        assert db.execute(AS_THE_SERVER_READS_THEM).fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM events WHERE has_snapshot").fetchone()[0] == 5
        rows = [
            tuple(r)
            for r in db.execute(
                "SELECT desk_id, seq, event_id, dossier_code, type, at, clerk, payload, prev_hash, hash FROM events"
                " ORDER BY seq"
            )
        ]
        status = db.execute("SELECT status FROM dossiers WHERE code = %s", (code,)).fetchone()[0]
    assert status == "supplement"
    # two known events and one new one (made up: seq 99): only the new one is stored, its columns read from it
    new = (*rows[0][:1], 99, "new-event-id", *rows[0][3:])
    with store.writing(rows[0][0]) as db:
        assert store.q.insert_event_rows(db, [rows[0], new, rows[1]]) == 1
        assert db.execute("SELECT count(*) FROM events WHERE event_id = 'new-event-id'").fetchone()[0] == 1
        assert db.execute(AS_THE_SERVER_READS_THEM).fetchone()[0] == 0
        assert db.execute("SELECT count(*), count(DISTINCT event_id) FROM events").fetchone() == (6, 6)


def test_the_import_bench_runs_and_says_its_figures(pg_cluster):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.pg_import",
            "--events",
            "300",
            "--runs",
            "1",
            "--url",
            pg_cluster.url("postgres"),
            "--timeline",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout)
    assert figures["pg_import_events"] == 300 and figures["pg_import_dossiers"] == 300
    assert figures["pg_import_s"] > 0 and figures["pg_import_cpu_s"] > 0 and figures["pg_import_budget_s"] == 3.0
    # 300 events are read in the importing process itself (no second one), and the load is said beside the figures
    assert figures["pg_import_reader_cpu_s"] == 0 and len(figures["pg_import_load"]) == 1
    assert (
        figures["pg_import_server_cpu_s"] is None
    )  # a server of its own: its processes are not this machine's to read
    # the timeline: a row a tick (its time, then the CPU of each side; the server's unknown here), and when the
    # block was handed to the writer and when the import returned, from its start
    assert figures["pg_import_timeline_columns"][1:] == ["importer_main", "importer_other_threads", "reader", "server"]
    rows, stamps = figures["pg_import_timeline"], figures["pg_import_stamps"]
    assert rows and all(len(row) == 5 and row[4] is None and min(row[1:4]) >= 0 for row in rows)
    assert len(stamps) >= 2 and stamps == sorted(stamps) and stamps[0] > 0


def test_the_hubs_connections_compile_nothing_and_store_payloads_with_lz4(tmp_path, now, pg_url):
    # no JIT (statements forced onto indexes have costs of 1e10: each was compiled for 0.2-0.4 s), and the
    # events' payloads compressed with lz4 (pglz took twice the server's CPU for the same size)
    hub = make_hub(tmp_path / "hub", pg_url)
    desk = make_desk(tmp_path / "desk", 1, hub)
    intake(desk, 2)
    r = run_desk("import", str(export(desk, tmp_path / "u")), "--json", home=hub.root)
    assert r.returncode == 0, r.stderr
    store = pg_store(pg_url)
    with store.reading() as db:
        assert db.execute("SHOW jit").fetchone()[0] == "off"
        compressed = db.execute(
            "SELECT DISTINCT pg_column_compression(payload) FROM events WHERE pg_column_compression(payload) IS NOT NULL"
        ).fetchall()
    with store.writing("some-desk") as db:  # a payload of 9 KB as a hub's transaction stores it
        db.execute("CREATE TEMP TABLE payloads (payload TEXT) ON COMMIT DROP")
        db.execute(
            "INSERT INTO payloads SELECT string_agg(format('{\"n\": %s}', n), ',') FROM generate_series(1, 1000) n"
        )
        big = db.execute("SELECT pg_column_compression(payload) FROM payloads").fetchone()[0]
    assert big == "lz4"
    assert compressed in ([], [("lz4",)])


def test_a_hub_before_the_step_migrates_to_the_index_of_supplements_and_results(tmp_path, now, pg_url):
    import psycopg

    from db.pg import migrations

    hub = make_hub(tmp_path / "hub", pg_url)
    desk = make_desk(tmp_path / "desk", 1, hub)
    intake(desk, 2)
    d = open_desk(desk)
    try:
        code = d.db.execute("SELECT code FROM dossiers ORDER BY code LIMIT 1").fetchone()[0]
        request_supplement(d, code, [("Bản sao giấy khai sinh", "")])
    finally:
        d.close()
    assert run_desk("import", str(export(desk, tmp_path / "u")), home=hub.root).returncode == 0
    with psycopg.connect(pg_url, autocommit=True) as conn:  # the hub before the step, its events in a partition
        step = next(version for version, name, _ in migrations.STEPS if name == "events_supplements_results")
        conn.execute("DROP INDEX events_supplements_results")
        conn.execute("DELETE FROM schema_migrations WHERE version = %s", (step,))
        assert migrations.migrate(conn) == [step]
        indexed = conn.execute(
            "SELECT count(*) FROM pg_indexes WHERE tablename LIKE 'events_2%%' AND indexdef LIKE '%%WHERE%%type%%'"
        ).fetchone()[0]
        conn.execute("SET enable_seqscan = off")
        supplements = conn.execute("SELECT supplements FROM indicator_facts WHERE code = %s", (code,)).fetchone()[0]
        found = conn.execute(
            "SELECT count(*) FROM events WHERE dossier_code = %s AND type = 'dossier.supplement_requested'", (code,)
        ).fetchone()[0]
    assert indexed >= 1 and supplements == found == 1


@pytest.mark.parametrize("failing", ["writer", "checks"])
def test_a_bundle_failing_after_blocks_were_written_leaves_nothing_and_imports_when_sent_again(
    tmp_path, now, pg_url, monkeypatch, failing
):
    # the blocks are written by a thread of their own while the next ones are checked (desk.sync.publish):
    # a failure of either, once earlier blocks are in the tables, keeps none of them, and the bundle sent
    # again goes in whole
    hub = make_hub(tmp_path / "hub", pg_url)
    desk = make_desk(tmp_path / "desk", 1, hub)
    intake(desk, 6)
    bundle = export(desk, tmp_path / "out")
    monkeypatch.setattr(bundle_events, "EVENTS_BLOCK", 600)  # about one event a block: several blocks
    calls = {"n": 0}

    def third_fails(real):
        def call(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 3:
                raise ChainConflict("records.codes_collide", findings="x", more="")
            return real(*args, **kwargs)

        return call

    if failing == "writer":
        monkeypatch.setattr(publish, "write_rows", third_fails(publish.write_rows))
    else:
        monkeypatch.setattr(publish.RunChecks, "part", third_fails(publish.RunChecks.part))
    r = run_desk("import", str(bundle), "--json", home=hub.root)
    assert r.returncode == 5 and calls["n"] == 3, r.stderr
    tables = ("events", "event_ids", "dossiers", "component_lines", "sync_imports", "portal_outbox", "indicator_facts")
    store = pg_store(pg_url)
    with store.reading() as db:
        assert {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables} == dict.fromkeys(tables, 0)
    monkeypatch.undo()
    r = run_desk("import", str(bundle), "--json", home=hub.root)
    assert r.returncode == 0 and json.loads(r.stdout)["imported_events"] == 6, r.stderr
    with store.reading() as db:
        assert db.execute("SELECT count(*), count(DISTINCT event_id) FROM events").fetchone() == (6, 6)
        assert db.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 6


def test_lines_go_in_only_with_their_dossiers_and_verify_finds_one_whose_dossier_is_gone(tmp_path, now, pg_url):
    # component_lines has no foreign key on PostgreSQL (step 9 of db.pg.migrations: its trigger checked each
    # line by a query of its own); the lines go in only with the dossiers written with them, and desk verify
    # reports a line whose dossier is not there
    import psycopg
    from psycopg.errors import ForeignKeyViolation

    from db.pg import dossier_queries

    hub = imported_hub(tmp_path, pg_url, 2)
    store = pg_store(pg_url)
    with store.reading() as db:
        line = db.execute("SELECT * FROM component_lines ORDER BY dossier_id, position LIMIT 1").fetchone()
        lines = db.execute("SELECT count(*) FROM component_lines").fetchone()[0]
    stray = (*line[1:], "no-such-dossier")  # SNAPSHOT_LINE_COLUMNS then dossier_id, as a rebuild gives them
    with pytest.raises(ForeignKeyViolation), store.writing("x") as db:
        dossier_queries.insert_dossiers(db, [], [stray])
    with store.reading() as db:
        assert db.execute("SELECT count(*) FROM component_lines").fetchone()[0] == lines
    with psycopg.connect(pg_url, autocommit=True) as conn:  # written around the store (by hand, say)
        conn.execute(
            "INSERT INTO component_lines SELECT 'no-such-dossier', position, code, name, form, quantity, received,"
            " required, must_digitise, digitisation, reuse_source, file_path, file_sha256, file_bytes, file_pages,"
            " note FROM component_lines WHERE dossier_id = %s",
            (line[0],),
        )
        orphans = conn.execute("SELECT count(*) FROM component_lines WHERE dossier_id = 'no-such-dossier'").fetchone()
    r = run_desk("verify", home=hub.root)
    assert r.returncode != 0
    counted = f"{orphans[0]} component line refers" if orphans[0] == 1 else f"{orphans[0]} component lines refer"
    assert f"{counted} to dossier no-such-dossier, which is not stored" in r.stdout + r.stderr
