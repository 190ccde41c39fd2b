"""A PostgreSQL hub keeps each dossier's latest events per desk (``hub_latest_events``, step 8 of
``db.pg.migrations``) as events arrive, in any order; a hub from before the step migrates to it filled from its
events; `desk verify` finds a kept row that differs from the events."""

from __future__ import annotations

import psycopg

from db.pg.event_queries import LATEST_RECOUNT
from desk.context import open_desk
from desk.dossier import events, lifecycle
from tests.conftest import run_desk
from tests.test_hub_store import export, intake, make_desk, make_hub


def kept_and_counted(url: str) -> tuple[list[tuple], list[tuple]]:
    with psycopg.connect(url) as conn:
        columns = "dossier_code, desk_id, seq, at, snapshot_seq, snapshot_at"
        kept = conn.execute(f"SELECT {columns} FROM hub_latest_events ORDER BY 1, 2").fetchall()
        counted = conn.execute(f"SELECT {columns} FROM ({LATEST_RECOUNT}) c ORDER BY 1, 2").fetchall()
    return kept, counted


def _print_of(home, code: str) -> None:
    """A later event of the dossier that carries no snapshot (a print recorded by an older desk)."""
    from datetime import datetime

    from db import write_transaction

    d = open_desk(home)
    try:
        at = datetime.fromisoformat(
            d.db.execute("SELECT updated_at FROM dossiers WHERE code = ?", (code,)).fetchone()[0]
        )
        printed = {"kind": "receipt", "copies": 1, "paper": "a5", "ok": True, "message": "", "details": {}}
        with write_transaction(d.db):
            events.append(
                d.db,
                desk_id=d.desk_id,
                dossier_code=code,
                type="document.printed",
                clerk="x",
                at=at,
                payload={"print": printed},
            )
    finally:
        d.close()


def _a_hub_of_two_desks(tmp_path, pg_url):
    """A hub whose desk 1 sent three bundles, the last before the middle one (a gap filled later), the middle
    one ending with an event without a snapshot; desk 2 took in a dossier of its own."""
    hub = make_hub(tmp_path / "hub", pg_url)
    one, two = make_desk(tmp_path / "d1", 1, hub), make_desk(tmp_path / "d2", 2, hub)
    intake(one, 2)
    first = export(one, tmp_path / "u1")
    d = open_desk(one)
    try:
        code = d.db.execute("SELECT code FROM dossiers ORDER BY code LIMIT 1").fetchone()[0]
        lifecycle.transfer(d, code)
    finally:
        d.close()
    _print_of(one, code)
    middle = export(one, tmp_path / "u2")
    intake(one, 1)
    last = export(one, tmp_path / "u3")
    intake(two, 2)
    other = export(two, tmp_path / "v1")
    for bundle in (first, last, other, middle):
        assert run_desk("import", str(bundle), home=hub.root).returncode == 0
    return hub, code


def test_the_latest_events_are_kept_as_events_arrive_in_any_order(tmp_path, now, pg_url):
    hub, code = _a_hub_of_two_desks(tmp_path, pg_url)
    kept, counted = kept_and_counted(pg_url)
    assert kept == counted and len(kept) == 5  # 3 dossiers of desk 1, 2 of desk 2
    transferred = [row for row in kept if row[0] == code]
    assert len(transferred) == 1 and transferred[0][2] > transferred[0][4]  # the print is later than its snapshot
    with psycopg.connect(pg_url) as conn:  # rebuilt from the snapshot before the print, not blanked by it
        assert conn.execute("SELECT status FROM dossiers WHERE code = %s", (code,)).fetchone() == ("transferred",)
    r = run_desk("verify", home=hub.root)
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_hub_before_the_step_migrates_to_its_latest_events(tmp_path, now, pg_url):
    from db.pg import migrations

    _a_hub_of_two_desks(tmp_path, pg_url)
    before, _ = kept_and_counted(pg_url)
    step = next(version for version, name, _ in migrations.STEPS if name == "latest_events")
    with psycopg.connect(pg_url, autocommit=True) as conn:  # the hub as it was before the step
        conn.execute("DROP TABLE hub_latest_events")
        conn.execute("DELETE FROM schema_migrations WHERE version = %s", (step,))
        assert migrations.migrate(conn) == [step]
    kept, counted = kept_and_counted(pg_url)
    assert kept == counted == before and len(kept) == 5


def test_verify_finds_a_kept_latest_event_that_differs_from_the_events(tmp_path, now, pg_url):
    hub, code = _a_hub_of_two_desks(tmp_path, pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        desk_id, seq, snapshot_seq = conn.execute(
            "SELECT desk_id, seq, snapshot_seq FROM hub_latest_events WHERE dossier_code = %s", (code,)
        ).fetchone()
        conn.execute("UPDATE hub_latest_events SET seq = seq - 1 WHERE dossier_code = %s", (code,))
    r = run_desk("verify", home=hub.root)
    assert r.returncode == 5, r.stdout + r.stderr
    said = (
        f"dossier {code}, desk {desk_id}: the hub keeps seq {seq - 1} as its latest event (with a snapshot:"
        f" {snapshot_seq}), but its events say {seq} ({snapshot_seq}); report it"
    )
    assert said in r.stdout + r.stderr
