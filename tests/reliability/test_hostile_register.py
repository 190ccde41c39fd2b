"""Issue 12, points 1 and 2: a hub's dossiers are never silently replaced, its own chain never hijacked.

A dossier's (id, code, desk) never changes once a hub has seen it: a bundle that disagrees, in any order of
arrival, is refused whole (exit 5) naming both dossiers, and ``desk verify`` finds what an older hub let in.
Every test runs with the hub on its SQLite and on PostgreSQL (``hub_store``): one set of rules.
"""

from __future__ import annotations

import json

import pytest

from desk.config import update_settings
from desk.sync.store import POSTGRESQL
from desk.sync.store import hub_store as hub_store_of
from tests.conftest import run_desk
from tests.reliability.hostile_helpers import Homes, events_of, forged, intake


@pytest.fixture
def homes(tmp_path, now, hub_store):
    h = Homes(tmp_path, hub_database=hub_store)
    yield h
    h.close()


def register(hub) -> list[tuple]:
    store = hub_store_of(hub)
    with store.reading() as db:
        rows = db.execute("SELECT id, code, desk_id, applicant_name FROM dossiers ORDER BY code").fetchall()
    return [tuple(r) for r in rows]


def write(hub, sql: str, params=()) -> None:
    """A statement run on the hub's store as it is (``?`` marks; PostgreSQL's ``%s`` there)."""
    store = hub_store_of(hub)
    with store.writing() as db:
        db.execute(sql.replace("?", "%s") if store.kind == POSTGRESQL else sql, params)


def found_at_hub(hub, code: str) -> str:
    """What ``desk hub search CODE`` says of a dossier (its applicant's name), on either store."""
    r = run_desk("hub", "search", code, "--json", home=hub.home.root)
    assert r.returncode == 0, r.stderr
    return " ".join(d["applicant"]["name"] for d in json.loads(r.stdout) if d["code"] == code)


def imported(hub, path) -> None:
    r = run_desk("import", str(path), home=hub.home.root)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("b_first", [False, True], ids=["A-then-B", "B-then-A"])
@pytest.mark.parametrize("b_time", ["2026-11-23T08:00:00", "2026-11-23T10:00:00"], ids=["B-earlier", "B-later"])
def test_two_desks_with_one_desk_number_are_refused_in_any_order(homes, now, b_first, b_time):
    # a hub in transition (``hub.accept_unenrolled``), neither desk enrolled: the register is the wall
    a, b = homes.desk("a", 1, enrol=False), homes.desk("b", 1, enrol=False)
    hub = homes.desk("hub", 0, enrol=False)
    update_settings(hub.home, hub_accept_unenrolled=True)
    mine = [intake(a, f"Người A {i}") for i in range(5)]
    now(b_time)
    theirs = [intake(b, f"Người B {i}") for i in range(5)]
    assert [d.code for d in mine] == [d.code for d in theirs]  # the same desk number issues the same codes
    first, second = (homes.export(b, "b"), homes.export(a, "a"))[:: 1 if b_first else -1]
    imported(hub, first)
    before = register(hub)
    r = run_desk("import", str(second), home=hub.home.root)
    assert r.returncode == 5, (r.returncode, r.stdout, r.stderr)
    kept, refused = (theirs, mine) if b_first else (mine, theirs)
    assert kept[0].code in r.stderr and kept[0].id in r.stderr and refused[0].id in r.stderr
    assert "Nothing was imported".lower() in r.stderr.lower()
    assert register(hub) == before  # nothing replaced
    for d in kept:
        assert found_at_hub(hub, d.code) == d.applicant.name
    assert run_desk("verify", home=hub.home.root).returncode == 0


@pytest.mark.parametrize("b_first", [False, True], ids=["A-then-B", "B-then-A"])
def test_a_second_desk_under_an_enrolled_number_is_refused_before_its_events_are_read(homes, b_first):
    a, hub = homes.desk("a", 1), homes.desk("hub", 0)  # desk 1 enrolled at the hub: a
    b = homes.desk("b", 1, enrol=False)
    intake(a, "Người A")
    intake(b, "Người B")
    ours, theirs = homes.export(a, "a"), homes.export(b, "b")
    if not b_first:
        imported(hub, ours)
    before = register(hub)
    r = run_desk("import", str(theirs), home=hub.home.root)
    assert r.returncode == 5, (r.returncode, r.stdout, r.stderr)
    assert "desk 1 of 000.00.12.H29 is enrolled under another desk" in r.stderr and a.desk_id in r.stderr
    assert register(hub) == before
    if b_first:
        imported(hub, ours)


def test_a_new_code_over_another_desks_dossier_id_is_refused(homes, tmp_path):
    a, b, hub = homes.desk("a", 1), homes.desk("b", 2), homes.desk("hub", 0)
    victim = intake(a, "Trần Thị Bị Hại")
    imported(hub, homes.export(a, "a"))
    intake(b, "Kẻ Mạo Danh")
    src = homes.export(b, "b")
    records = events_of(src)
    records[0]["payload"]["dossier"]["id"] = victim.id  # a new code of desk 2, the id of desk 1's dossier
    path = forged(src, tmp_path / "takeover.deskbundle", records)
    before = register(hub)
    r = run_desk("import", str(path), home=hub.home.root)
    assert r.returncode == 5, (r.returncode, r.stdout, r.stderr)
    assert victim.code in r.stderr and records[0]["dossier_code"] in r.stderr
    assert register(hub) == before
    assert found_at_hub(hub, victim.code) == "Trần Thị Bị Hại"


def test_one_dossier_id_under_two_codes_in_one_bundle_is_refused(homes, tmp_path):
    b, hub = homes.desk("b", 2), homes.desk("hub", 0)
    first = intake(b, "Một")
    intake(b, "Hai")
    src = homes.export(b, "b")
    records = events_of(src)
    records[1]["payload"]["dossier"]["id"] = first.id
    r = run_desk("import", str(forged(src, tmp_path / "twice.deskbundle", records)), home=hub.home.root)
    assert r.returncode == 5, (r.returncode, r.stdout, r.stderr)
    assert first.code in r.stderr and records[1]["dossier_code"] in r.stderr
    assert register(hub) == []


def test_verify_at_a_hub_finds_events_without_their_dossier_and_dossiers_without_their_desk(homes):
    """What a hub that let such bundles in holds (made here by hand): verify is no longer green."""
    a, b, hub = homes.desk("a", 1), homes.desk("b", 1), homes.desk("hub", 0)
    mine = intake(a, "Người A")
    intake(b, "Người B")
    imported(hub, homes.export(a, "a"))
    assert run_desk("verify", home=hub.home.root).returncode == 0
    # desk B's events under desk A's code, stored as the old rebuild stored them
    store = hub_store_of(hub)
    with store.reading() as db:
        rows = db.execute(
            "SELECT desk_id, seq, event_id, dossier_code, type, at, clerk, payload, prev_hash, hash FROM events"
        ).fetchall()
    b_rows = b.db.execute(
        "SELECT desk_id, seq, event_id, dossier_code, type, at, clerk, payload, prev_hash, hash FROM events"
    ).fetchall()
    with store.writing() as db:
        store.q.insert_event_rows(db, [tuple(r) for r in b_rows])
    r = run_desk("verify", home=hub.home.root)
    assert r.returncode == 5, (r.stdout, r.stderr)
    assert "event 1 is about dossier " + mine.code in r.stdout + r.stderr
    # a dossier whose code moved away from its events, and one whose desk has no event about it
    write(hub, "DELETE FROM events WHERE desk_id = ?", (b.desk_id,))
    if store.kind == POSTGRESQL:
        write(hub, "DELETE FROM event_ids WHERE desk_id = ?", (b.desk_id,))
    write(hub, "UPDATE dossiers SET code = code || '-X' WHERE id = ?", (mine.id,))
    r = run_desk("verify", home=hub.home.root)
    assert r.returncode == 5 and "which this home does not hold" in r.stdout + r.stderr
    write(hub, "UPDATE dossiers SET code = ?, desk_id = ? WHERE id = ?", (mine.code, b.desk_id, mine.id))
    r = run_desk("verify", home=hub.home.root)
    assert r.returncode == 5 and f"belongs to desk {b.desk_id}" in r.stdout + r.stderr
    assert len(rows) == 1


def test_events_under_the_hubs_own_desk_id_are_refused(homes):
    hub = homes.desk("hub", 0)
    clone = homes.desk("clone", 3, desk_id=hub.desk_id)  # a home copied from the hub's, or a forger
    intake(clone, "Người Lạ")
    r = run_desk("import", str(homes.export(clone, "clone")), home=hub.home.root)
    assert r.returncode == 5, (r.returncode, r.stdout, r.stderr)
    assert hub.desk_id in r.stderr and "own" in r.stderr
    assert hub.db.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    with hub_store_of(hub).reading() as db:
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    # the hub's own chain is its own: an intake there starts it, and its export works
    intake(hub, "Người Nhà")
    assert hub.db.execute("SELECT seq, prev_hash FROM events").fetchall() == [(1, "0" * 64)]
