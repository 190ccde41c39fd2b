"""Races a PostgreSQL hub's checks cannot see before they write (issue 17, docs/hub.md "One transaction per
batch, many workers"): a batch's event ids went in elsewhere between its checks and its insert. PostgreSQL's
unique key on ``event_ids`` ends the batch's transaction (``sync.events_raced``): nothing of it is kept, and
sent again it is checked again — taken, or refused by the checks. And two desks' batches bringing one person's
dossiers at once flag each other as duplicates all the same. A real PostgreSQL (``tests/pg_helpers.py``).
"""

from __future__ import annotations

import threading

import psycopg
import pytest

from db.pg import hub_queries
from desk.context import open_desk
from desk.dossier import lifecycle
from desk.sync.bundle_read import import_bundle, read_bundle
from desk.sync.ingest import Busy, ChainConflict
from desk.sync.store import pg_store
from tests.race_helpers import bring_side_by_side, same_person_at_two_desks
from tests.test_hub_store import export, intake, make_desk, make_hub


def racing(monkeypatch, url: str, racer) -> list[bool]:
    """Have ``racer(db)`` run and commit in a transaction of its own (another worker's batch) right after the
    next batch's checks read which of its event ids the hub holds, before that batch inserts them."""
    store = pg_store(url)
    real = hub_queries.event_ids_present
    ran: list[bool] = []

    def present(db, event_ids):
        found = real(db, event_ids)
        if not ran:
            ran.append(True)
            with store.writing("another-worker") as other:
                racer(other)
        return found

    monkeypatch.setattr(hub_queries, "event_ids_present", present)
    return ran


def counts(url: str, desk_id: str) -> tuple[int, int, int, int]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM events WHERE desk_id = %s), (SELECT count(*) FROM event_ids),"
            " (SELECT count(*) FROM dossiers), (SELECT count(*) FROM sync_imports)",
            (desk_id,),
        ).fetchone()


@pytest.fixture
def desk_bundle(tmp_path, now, pg_url):
    """A PostgreSQL hub and desk 1's bundle of two events about one dossier (received, then transferred)."""
    hub = make_hub(tmp_path / "hub", pg_url)
    desk = make_desk(tmp_path / "desk", 1, hub)
    intake(desk, 1)
    d = open_desk(desk)
    try:
        code = d.db.execute("SELECT code FROM dossiers").fetchone()[0]
        lifecycle.transfer(d, code)
        desk_id = d.desk_id
    finally:
        d.close()
    path = export(desk, tmp_path / "u")
    _, rows = read_bundle(path, hub)
    assert [r[1] for r in rows] == [1, 2]
    return hub, path, rows, desk_id


def test_a_batch_losing_an_event_id_to_another_desk_keeps_nothing_and_is_refused_when_sent_again(
    desk_bundle, pg_url, monkeypatch
):
    hub, path, rows, desk_id = desk_bundle
    # desk 2's batch brings desk 1's first event id (a home copied from desk 1's) and commits first
    stolen = ("desk-2-copied", *rows[0][1:])
    ran = racing(monkeypatch, pg_url, lambda db: hub_queries.insert_event_rows(db, [stolen]))
    h = open_desk(hub)
    try:
        with pytest.raises(Busy) as lost:
            import_bundle(h, path)
        assert ran and lost.value.problem.code == "sync.events_raced"
        assert counts(pg_url, desk_id) == (0, 1, 0, 0)  # nothing of desk 1's batch: only desk 2's event
        with pytest.raises(ChainConflict) as refused:  # sent again, the checks see the event id taken
            import_bundle(h, path)
        assert "records.id_taken" in str(refused.value.problem.params)
        assert counts(pg_url, desk_id) == (0, 1, 0, 0)
    finally:
        h.close()


def test_a_batch_losing_the_race_to_its_own_event_keeps_nothing_and_its_retry_gets_in(desk_bundle, pg_url, monkeypatch):
    hub, path, rows, desk_id = desk_bundle
    # the desk's first event went in by another way between this batch's checks and its insert
    ran = racing(monkeypatch, pg_url, lambda db: hub_queries.insert_event_rows(db, [rows[0]]))
    h = open_desk(hub)
    try:
        with pytest.raises(Busy) as lost:
            import_bundle(h, path)
        assert ran and lost.value.problem.code == "sync.events_raced"
        assert counts(pg_url, desk_id) == (1, 1, 0, 0)  # the other way's event only; no dossier, no import
        again = import_bundle(h, path)  # sent again: that event is known, the rest goes in, once
        assert (again.imported_events, again.skipped_events, again.dossiers) == (1, 1, 1)
        assert counts(pg_url, desk_id) == (2, 2, 1, 1)
    finally:
        h.close()


def test_two_desks_bringing_one_person_at_once_flag_each_other(tmp_path, now, pg_url, monkeypatch):
    """Desks 1 and 2 each bring a dossier of one person for one procedure, their transactions side by side:
    the first flags (seeing no other dossier yet) and waits before committing; the second flags (not seeing
    the first's uncommitted dossier) and commits. Once the first commits it flags again, and sees the
    second's: the pair is flagged both ways. No lock per person is taken (a big bundle would need thousands)."""
    hub, bundles = same_person_at_two_desks(tmp_path, pg_url)
    real = hub_queries.flag_duplicates
    first_flagged, release = threading.Event(), threading.Event()

    def flag(db, codes):
        real(db, codes)
        if threading.current_thread().name == "desk-1":
            first_flagged.set()
            assert release.wait(30)  # the first batch has flagged and not committed yet

    monkeypatch.setattr(hub_queries, "flag_duplicates", flag)

    def pairs() -> list[tuple]:
        with psycopg.connect(pg_url) as conn:
            return conn.execute("SELECT desk_id, other_desk_id FROM hub_duplicates ORDER BY desk_id").fetchall()

    def neither_saw_the_other() -> None:
        assert pairs() == []

    assert bring_side_by_side(hub, bundles, first_flagged, release, neither_saw_the_other) == []
    found = pairs()
    assert len(found) == 2 and found[1] == found[0][::-1] and found[0][0] != found[0][1]
