"""Forwarding with many workers and leases (issue 18 point 3, docs/forwarding.md), on both stores.

Workers running at once wait on events, never on the clock; leases expire by the injected clock. On
PostgreSQL the claim is ``FOR UPDATE SKIP LOCKED``; on SQLite one writer. The hub's own counter's dossiers
reach the outbox in their intake's transaction and are forwarded like the desks'.
"""

from __future__ import annotations

import json
import threading

import pytest

from db import outbox_queries
from desk.config import update_settings
from desk.context import open_desk
from desk.dossier import lifecycle
from desk.sync.forward import portal_settings
from desk.sync.outbox import outbox_of
from desk.sync.portal_adapter import HttpPortal
from desk.sync.store import hub_store as store_of
from desk.sync.store import pg_store
from tests.conftest import run_desk
from tests.forward_world import Clock, World, forwarder, intake, sent_once_per_change


def test_a_killed_workers_lease_expires_and_another_takes_the_row(world, portal):
    (code,) = world.received("Nguyễn Văn An")
    hub = open_desk(world.hub_home)
    store = store_of(hub)
    q = outbox_of(store.q)
    clock = Clock()
    with store.writing() as db:
        taken = q.claim(db, "killed", clock.t, 300, 10)  # then the process dies
    assert [r["dossier_code"] for r in taken] == [code]

    alive = forwarder(hub, clock=clock, worker="alive")
    assert alive.pass_once().acknowledged == 0 and portal.calls == []  # the lease holds
    clock.t += 301
    assert alive.pass_once().acknowledged == 1
    assert world.row(code)["state"] == "done"
    with store.writing() as db:  # the killed worker, were it to come back, can no longer finish it
        assert not q.acknowledged(db, code, "killed", 1, "2026-11-23T09:00:00")
    sent_once_per_change(portal, {code: 1})
    hub.close()


# --- many workers ---------------------------------------------------------------------------------


def test_several_workers_forward_each_record_once_per_change(world, portal):
    hub_root = str(world.hub_home.root)
    codes = world.received(*(f"Nguyễn Văn Số {i}" for i in range(6)))
    run = run_desk("--home", hub_root, "hub", "forward", "--once", "--workers", "3", "--json")
    assert json.loads(run.stdout)["acknowledged"] == 6
    assert sorted(portal.records) == sorted(codes)
    world.at(world.desk_home, lambda d: [lifecycle.transfer(d, code) for code in codes[:2]])
    world.carry()
    run = run_desk("--home", hub_root, "hub", "forward", "--once", "--workers", "3", "--json")
    assert json.loads(run.stdout)["acknowledged"] == 2
    sent_once_per_change(portal, {code: 2 if code in codes[:2] else 1 for code in codes})


class Held:
    """The portal as a worker sees it, held at its first look-up until told to go on."""

    def __init__(self, inner: HttpPortal):
        self.inner = inner
        self.holding, self.go_on = threading.Event(), threading.Event()

    def login(self) -> str:
        return self.inner.login()

    def lookup(self, session, code):
        if not self.holding.is_set():
            self.holding.set()
            assert self.go_on.wait(60)
        return self.inner.lookup(session, code)

    def sync_record(self, session, record, *, updating):
        return self.inner.sync_record(session, record, updating=updating)

    def send_progress(self, session, lines):
        return self.inner.send_progress(session, lines)


def test_two_workers_at_once_never_send_one_record_twice(world, portal):
    """Worker a takes a batch and is held at its first record; worker b, meanwhile, takes only the others."""
    codes = world.received(*(f"Nguyễn Văn Số {i}" for i in range(25)))  # more than one batch (20)
    clock = Clock()
    hub_a, hub_b = open_desk(world.hub_home), open_desk(world.hub_home)  # a connection each
    held = Held(HttpPortal(portal_settings(hub_a)))
    results: dict = {}

    def run_a() -> None:
        results["a"] = forwarder(hub_a, clock=clock, worker="a", portal=held).pass_once()

    a = threading.Thread(target=run_a)
    a.start()
    try:
        assert held.holding.wait(60)  # a holds its batch under a lease
        results["b"] = forwarder(hub_b, clock=clock, worker="b").pass_once()
    finally:
        held.go_on.set()
        a.join(60)
    assert (results["a"].acknowledged, results["b"].acknowledged) == (20, 5)
    sent_once_per_change(portal, dict.fromkeys(codes, 1))
    assert world.read(lambda q, db: q.state_counts(db))["done"] == 25
    hub_a.close()
    hub_b.close()


def test_postgresql_claims_skip_the_rows_another_transaction_holds(tmp_path, now, pg_url):
    """FOR UPDATE SKIP LOCKED: a claim while another worker's claim is not yet committed takes the other rows at
    once (never waits for them, never takes them)."""
    world = World(tmp_path, pg_url)
    codes = world.received(*(f"Nguyễn Văn Số {i}" for i in range(5)))
    store = pg_store(pg_url)
    q = outbox_of(store.q)
    locked, release = threading.Event(), threading.Event()
    first: list[dict] = []

    def claim_and_hold() -> None:
        with store.writing() as db:
            first.extend(q.claim(db, "a", 1000.0, 300, 2))
            locked.set()
            assert release.wait(60)

    holder = threading.Thread(target=claim_and_hold)
    holder.start()
    try:
        assert locked.wait(60)
        with store.writing() as db:
            db.execute("SET LOCAL lock_timeout = '10s'")  # waiting on a's rows would fail here, not hang
            second = q.claim(db, "b", 1000.0, 300, 10)
    finally:
        release.set()
        holder.join(60)
    a_codes, b_codes = {r["dossier_code"] for r in first}, {r["dossier_code"] for r in second}
    assert len(a_codes) == 2 and len(b_codes) == 3 and a_codes | b_codes == set(codes)
    with store.writing() as db:  # both leases hold: nothing more is due
        assert q.claim(db, "c", 1000.0, 300, 10) == []


# --- the hub's own counter ------------------------------------------------------------------------


def test_the_hubs_own_intakes_reach_the_outbox_and_are_forwarded(world, portal, monkeypatch):
    hub_root = str(world.hub_home.root)
    url = portal.url
    update_settings(world.hub_home, portal_url="")  # a dossier received before forwarding was set up
    (early,) = world.at(world.hub_home, lambda h: [intake(h, "Phạm Thị Sớm")])
    update_settings(world.hub_home, portal_url=url)

    def home_row(code):
        return world.at(world.hub_home, lambda h: outbox_queries.outbox_row(h.db, code))

    assert home_row(early) is None

    # asked for in the intake's own transaction: when asking fails, nothing of the intake is kept
    def broken(*args, **kwargs):
        raise RuntimeError("the disk said no")

    monkeypatch.setattr(outbox_queries, "enqueue", broken)
    with pytest.raises(RuntimeError):
        world.at(world.hub_home, lambda h: intake(h, "Lỗi Văn Ghi"))
    monkeypatch.undo()
    assert "Lỗi Văn Ghi" not in run_desk("--home", hub_root, "search", "Lỗi Văn Ghi").stdout

    (own,) = world.at(world.hub_home, lambda h: [intake(h, "Hoàng Văn Tại Chỗ")])
    row = home_row(own)  # in the home's SQLite at either store: the hub's own counter keeps its dossiers there
    assert row["state"] == "pending" and row["desk_id"] == world.at(world.hub_home, lambda h: h.desk_id)
    (theirs,) = world.received("Nguyễn Văn An")  # and a desk's, in the hub's store

    run = run_desk("--home", hub_root, "hub", "forward", "--once")
    assert run.returncode == 0, run.stderr
    assert "forwarded 3 records" in run.stdout and "3 acknowledged by the portal" in run.stdout
    assert {early, own, theirs} <= set(portal.records)
    assert "portal    : acknowledged" in run_desk("--home", hub_root, "show", own).stdout

    # a change at the hub's counter is forwarded again, once
    world.at(world.hub_home, lambda h: lifecycle.transfer(h, own))
    run = run_desk("--home", hub_root, "hub", "forward", "--once", "--json")
    assert json.loads(run.stdout)["acknowledged"] == 1
    sent_once_per_change(portal, {early: 1, own: 2, theirs: 1})
    # a desk (no [portal] url) keeps no outbox of its own
    assert world.at(world.desk_home, lambda d: outbox_queries.state_counts(d.db))["pending"] == 0


def test_a_worker_beside_the_hub_forwards_until_stopped(world, portal):
    from desk.sync.forward import start_background

    codes = world.received(*(f"Nguyễn Văn Số {i}" for i in range(3)))
    hub = open_desk(world.hub_home)
    stop = start_background(hub, idle_s=0.05, workers=2)
    try:
        for _ in range(400):  # bounded: at most 20 s, usually a fraction of a second
            if world.read(lambda q, db: q.state_counts(db))["done"] == 3:
                break
            threading.Event().wait(0.05)
    finally:
        stop()
    assert world.read(lambda q, db: q.state_counts(db))["done"] == 3 and sorted(portal.records) == sorted(codes)
    sent_once_per_change(portal, dict.fromkeys(codes, 1))
    hub.close()
