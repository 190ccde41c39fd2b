"""Forwarding from the hub to the national portal (issue 18 point 3, docs/forwarding.md), against the stand-in.

The portal is ``tests.portal_stand_in`` (a STAND-IN: no official spec is public) on loopback. The hub — on its
home's SQLite and on PostgreSQL (``hub_store``) — receives a desk's events by a bundle (or a push), which fills
the outbox; ``desk hub forward --once`` or a :class:`Forwarder` with an injected clock forwards them. No sleeps:
backoff and leases are moved by the injected clock, workers running at once wait on events.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from db import outbox_queries, write_transaction
from desk.config import Home, update_settings
from desk.context import open_desk
from desk.dossier import lifecycle
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.errors import DeskError
from desk.sync import hub as hubmod
from desk.sync import ingest as ingest_module
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import export_bundle
from desk.sync.forward import Forwarder, backoff_delay, portal_settings
from desk.sync.outbox import outbox_of
from desk.sync.portal_adapter import HttpPortal
from desk.sync.push import push
from desk.sync.status import sync_status
from desk.sync.store import hub_store as store_of
from desk.sync.store import pg_store
from tests.conftest import new_home, run_desk
from tests.desk_helpers import enrol_homes
from tests.portal_stand_in import STAND_IN, PortalStandIn

AGENCY = "000.00.12.H29"
PASSWORD = "s3cret-Pass!"


def intake(desk, name: str) -> str:
    dossier, _ = receive(
        desk, IntakeRequest(procedure_code="2.000815", applicant=ApplicantInput(name=name, phone="0912345678"))
    )
    return dossier.code


class World:
    """A desk and its hub (on the store ``database``: "" the home's SQLite, or a PostgreSQL URL), and what the
    tests do with them: intakes and changes at the desk, bundles carried to the hub, the hub's outbox read."""

    def __init__(self, root: Path, database: str):
        self.root = root
        self.desk_home = new_home(root / "desk", agency_code=AGENCY, desk_no=1, clerk="Nguyễn Thị Lan")
        self.hub_home = new_home(root / "hub", agency_code=AGENCY, desk_no=0, clerk="Trần Văn Hùng")
        if database:
            update_settings(self.hub_home, hub_database=database)
        token = hubmod.add_token(self.hub_home)
        update_settings(self.desk_home, sync_token=token)
        enrol_homes(self.desk_home, self.hub_home)
        self._bundles = 0

    def at(self, home: Home, work):
        d = open_desk(home)
        try:
            return work(d)
        finally:
            d.close()

    def intake(self, *names: str) -> list[str]:
        """Dossiers received at the desk."""
        return self.at(self.desk_home, lambda d: [intake(d, name) for name in names])

    def carry(self) -> None:
        """The desk's new events carried to the hub by a bundle."""
        self._bundles += 1
        out = self.root / f"out{self._bundles}"
        out.mkdir()
        bundle = self.at(self.desk_home, lambda d: export_bundle(d, out, seal_to=None).path)
        self.at(self.hub_home, lambda h: import_bundle(h, bundle))

    def received(self, *names: str) -> list[str]:
        """Dossiers received at the desk and carried to the hub."""
        codes = self.intake(*names)
        self.carry()
        return codes

    def read(self, work):
        """``work(outbox queries, handle)`` on the hub's store."""

        def reading(h):
            store = store_of(h)
            with store.reading() as db:
                return work(outbox_of(store.q), db)

        return self.at(self.hub_home, reading)

    def row(self, code: str) -> dict | None:
        return self.read(lambda q, db: q.outbox_row(db, code))

    def replies(self, code: str) -> list[dict]:
        return self.read(lambda q, db: q.replies(db, code))

    def problems(self, desk_id: str | None = None) -> list[dict]:
        return self.read(lambda q, db: q.forwarding_problems(db, desk_id))

    def count(self, table: str) -> int:
        return self.read(lambda q, db: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    @property
    def desk_id(self) -> str:
        return self.at(self.desk_home, lambda d: d.desk_id)


@pytest.fixture
def world(tmp_path, now, hub_store) -> World:
    return World(tmp_path, hub_store)


@pytest.fixture
def portal(world, tmp_path):
    """The stand-in, and the hub configured for it (the password in an owner-only file)."""
    secret = tmp_path / "portal-password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    secret.chmod(0o600)
    with PortalStandIn(password=PASSWORD, madonvi=AGENCY) as stand_in:
        update_settings(
            world.hub_home,
            portal_url=stand_in.url,
            portal_username="hub-user",
            portal_password_file=str(secret),
            portal_retry_base_s=30,
            portal_retry_max_s=600,
            portal_max_attempts=3,
            portal_lease_s=300,
            portal_timeout_s=5,
        )
        yield stand_in


class Clock:
    def __init__(self, t: float = 1_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


def forwarder(hub, clock=None, worker=None, portal=None) -> Forwarder:
    return Forwarder(
        hub, portal or HttpPortal(portal_settings(hub)), now=clock or Clock(), rand=lambda: 0.5, worker=worker
    )


def sent_once_per_change(portal: PortalStandIn, changes: dict[str, int]) -> None:
    """The stand-in got each dossier's record exactly once per change carried to the hub."""
    records = [c["data"][0]["MaHoSo"] for c in portal.calls if c.get("service") == "DongBoHoSoMC"]
    assert {code: records.count(code) for code in set(records)} == changes


# --- the outbox is filled with the events ------------------------------------------------------


def test_an_imported_bundle_fills_the_outbox_in_the_same_transaction(world, monkeypatch):
    codes = sorted(world.intake("Nguyễn Văn An", "Trần Thị Bích"))
    (world.root / "out").mkdir()
    bundle = world.at(world.desk_home, lambda d: export_bundle(d, world.root / "out", seal_to=None).path)

    # a failure after the outbox is asked for, inside the import's transaction: nothing at all is kept
    def broken(*args, **kwargs):
        raise RuntimeError("the disk said no")

    monkeypatch.setattr(ingest_module, "_rebuild", broken)
    with pytest.raises(RuntimeError):
        world.at(world.hub_home, lambda h: import_bundle(h, bundle))
    assert world.count("events") == 0 and world.count("portal_outbox") == 0
    monkeypatch.undo()

    # a bundle refused whole (at its own desk, which has not enrolled it) leaves no row either
    with pytest.raises(DeskError):
        world.at(world.desk_home, lambda d: import_bundle(d, bundle))
    assert world.at(world.desk_home, lambda d: outbox_queries.state_counts(d.db)) == dict.fromkeys(
        outbox_queries.STATES, 0
    )

    world.at(world.hub_home, lambda h: import_bundle(h, bundle))
    rows = [world.row(code) for code in codes]
    assert [(r["dossier_code"], r["state"], r["generation"]) for r in rows] == [
        (codes[0], "pending", 1),
        (codes[1], "pending", 1),
    ]


# --- forwarding ---------------------------------------------------------------------------------


def test_forward_once_inserts_then_updates_after_a_look_up_with_progress_in_chunks(world, portal):
    hub_root = str(world.hub_home.root)
    a, b = world.intake("Nguyễn Văn An", "Trần Thị Bích")

    def moves(d):
        lifecycle.transfer(d, a)
        for i in range(5):  # 1 + 1 + 10 events about a: two calls of progress lines (10 and 2)
            lifecycle.request_supplement(d, a, [("Bản sao giấy khai sinh", f"lần {i + 1}")])
            lifecycle.resume(d, a)

    world.at(world.desk_home, moves)
    world.carry()

    run = run_desk("--home", hub_root, "hub", "forward", "--once")
    assert run.returncode == 0, run.stderr
    assert "forwarded 2 records and 13 progress lines; 0 rejected, 0 failed" in run.stdout
    assert "2 acknowledged by the portal" in run.stdout

    calls = portal.calls
    assert calls[0]["service"] == "DangNhap"
    assert all(c["session"] and c["madonvi"] == AGENCY for c in calls[1:])
    about_a = [c for c in calls[1:] if c.get("MaHoSo") == a or a in json.dumps(c.get("data"))]
    assert [c["service"] for c in about_a] == [
        "TraCuuHoSo",
        "DongBoHoSoMC",
        "CapNhatTienDoHoSoMC",
        "CapNhatTienDoHoSoMC",
    ]
    assert about_a[1]["isUpdating"] is False
    assert [len(c["data"]) for c in about_a[2:]] == [10, 2]
    assert portal.records[a]["MaHoSo"] == a and portal.records[a]["TrangThaiHoSo"] == 4
    assert len(portal.progress[a]) == 12 and len(portal.progress[b]) == 1
    # the supplement history goes with the record (DanhSachHoSoBoSung), from the hub's store
    assert len(portal.records[a]["DanhSachHoSoBoSung"]) == 5

    # every reply is on the dossier's timeline, shown by `desk show` at the hub
    shown = run_desk("--home", hub_root, "show", a)
    assert "portal    : acknowledged" in shown.stdout
    for call in ("TraCuuHoSo", "DongBoHoSoMC", "CapNhatTienDoHoSoMC"):
        assert call in shown.stdout
    as_json = json.loads(run_desk("--home", hub_root, "show", a, "--json").stdout)["portal"]
    assert as_json["state"] == "done" and [r["call"] for r in as_json["replies"]][:2] == ["TraCuuHoSo", "DongBoHoSoMC"]
    replies = world.replies(a)
    assert len(replies) == 4 and all(r["ok"] for r in replies)
    assert STAND_IN in replies[0]["body"]  # the reply as received, the stand-in saying what it is
    assert world.read(lambda q, db: q.acknowledged_by_portal(db)) == 2

    # the desk moves the dossier on: the next import asks again; the look-up finds it: an update
    world.at(world.desk_home, lambda d: lifecycle.record_result(d, a))
    world.carry()
    before = len(portal.calls)
    run = run_desk("--home", hub_root, "hub", "forward", "--once", "--json")
    assert json.loads(run.stdout)["acknowledged"] == 1
    again = [c for c in portal.calls[before:] if c["service"] != "DangNhap"]
    assert [c["service"] for c in again] == ["TraCuuHoSo", "DongBoHoSoMC", "CapNhatTienDoHoSoMC"]
    assert again[1]["isUpdating"] is True and again[1]["data"][0]["TrangThaiHoSo"] == 9
    assert len(again[2]["data"]) == 1  # only the new event's line
    sent_once_per_change(portal, {a: 2, b: 1})


def test_a_transient_failure_is_retried_with_backoff_and_sent_once(world, portal):
    (code,) = world.received("Nguyễn Văn An")
    hub = open_desk(world.hub_home)
    clock = Clock()
    worker = forwarder(hub, clock=clock)

    portal.fail_next(1, status=503, service="DongBoHoSoMC")  # signed in, looked up, then no answer
    first = worker.pass_once()
    assert (first.acknowledged, first.retrying) == (0, 1)
    row = world.row(code)
    delay = backoff_delay(1, 30, 600, lambda: 0.5)
    assert row["next_try"] == clock.t + delay and row["state"] == "pending" and row["reason_code"] == "transient"
    assert 15 <= delay <= 30

    clock.t += delay - 1  # not yet due: nothing is sent
    calls = len(portal.calls)
    assert worker.pass_once().acknowledged == 0 and len(portal.calls) == calls

    clock.t += 1
    second = worker.pass_once()
    assert (second.acknowledged, second.retrying) == (1, 0)
    third = worker.pass_once()
    assert third.acknowledged == 0  # done: never sent again
    assert portal.services().count("DongBoHoSoMC") == 2  # the one that got no answer, the one that went in
    assert code in portal.records and portal.services().count("DangNhap") == 1
    timeline = [(r["call"], r["ok"], r["code"]) for r in world.replies(code)]
    assert timeline == [
        ("TraCuuHoSo", True, "0"),
        ("DongBoHoSoMC", False, "transient"),  # no answer: on the timeline too
        ("TraCuuHoSo", True, "0"),
        ("DongBoHoSoMC", True, "0"),
        ("CapNhatTienDoHoSoMC", True, "00"),
    ]
    assert world.row(code)["state"] == "done"
    hub.close()


def test_too_many_failures_set_the_record_aside_as_failed(world, portal):
    (code,) = world.received("Nguyễn Văn An")
    hub = open_desk(world.hub_home)
    clock = Clock()
    worker = forwarder(hub, clock=clock)
    portal.fail_next(100, status=500)
    for _ in range(3):  # [portal] max_attempts = 3
        worker.pass_once()
        clock.t += 10_000
    row = world.row(code)
    assert row["state"] == "failed" and row["attempts"] == 3
    assert world.problems()[0]["state"] == "failed"
    hub.close()


def test_a_rejected_record_is_set_aside_the_others_go_on_and_the_desk_hears_why(world, portal):
    hub_root, desk_root = str(world.hub_home.root), str(world.desk_home.root)
    a, b = world.received("Nguyễn Văn An", "Trần Thị Bích")
    portal.reject[a] = ("-5", "Thiếu mã lĩnh vực (MaLinhVuc)")

    run = run_desk("--home", hub_root, "hub", "forward", "--once")
    assert run.returncode == 0, run.stderr
    assert "forwarded 1 record and 1 progress line;" in run.stdout and "1 rejected" in run.stdout
    assert f"dossier {a}: refused by the national portal (-5): Thiếu mã lĩnh vực (MaLinhVuc)" in run.stdout
    assert b in portal.records and a not in portal.records
    problems = world.problems(world.desk_id)
    assert [(p["dossier_code"], p["state"], p["reason_code"]) for p in problems] == [(a, "rejected", "-5")]
    # a second pass leaves it aside (never blocks on it, never resends it)
    before = len(portal.calls)
    run_desk("--home", hub_root, "hub", "forward", "--once")
    assert len(portal.calls) == before

    # at its next push the desk hears the reason, keeps it and shows it
    d = open_desk(world.desk_home)
    c = intake(d, "Lê Văn Cường")  # something to push (not about a: a change of a would ask for it again)
    hub = open_desk(world.hub_home)
    server = hubmod.make_server(hub, port=0).start()
    try:
        result = push(d, endpoint=server.url, sleep=lambda s: None)
    finally:
        server.shutdown()
        hub.close()
    assert [r["dossier_code"] for r in result.portal_rejections] == [a]
    assert sync_status(d).portal_rejections[0]["reason"] == "Thiếu mã lĩnh vực (MaLinhVuc)"
    d.close()
    shown = run_desk("--home", desk_root, "show", a)
    assert "refused by the national portal (-5): Thiếu mã lĩnh vực" in shown.stdout
    shown = run_desk("--home", hub_root, "show", a)
    assert "refused by the national portal" in shown.stdout and "DongBoHoSoMC" in shown.stdout

    # the desk changes the dossier: the record is tried again; the portal takes it now
    del portal.reject[a]
    world.at(world.desk_home, lambda d: lifecycle.transfer(d, a))
    world.carry()
    run = run_desk("--home", hub_root, "hub", "forward", "--once")
    assert "forwarded 2 records" in run.stdout and a in portal.records  # a, and the dossier pushed meanwhile
    assert world.problems() == []
    sent_once_per_change(portal, {a: 2, b: 1, c: 1})  # a: refused once, taken after its change


@pytest.mark.parametrize("language, words", [("vi", "Cổng quốc gia từ chối 1 hồ sơ"), ("en", "refused 1 record of")])
def test_the_sync_screen_shows_the_portals_refusal(home, now, language, words):
    from db import queries
    from screens.app import DeskApp
    from tests.tui_helpers import SIZE, pilot_test

    d = open_desk(home)
    rejection = {"dossier_code": "000.00.12.H29-261123-0001", "state": "rejected", "reason_code": "-5"}
    with write_transaction(d.db):
        queries.set_meta(d.db, "sync.portal_rejections", json.dumps([{**rejection, "reason": "Thiếu MaLinhVuc"}]))
    d.close()

    @pilot_test
    async def scenario():
        app = DeskApp(home.root, language)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f5")
            await pilot.pause()
            text = str(app.screen.query_one("#sync-last-push").content)
            assert words in text and "000.00.12.H29-261123-0001" in text and "(-5): Thiếu MaLinhVuc" in text

    scenario()


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


def test_an_expired_session_is_renewed(world, portal):
    (a,) = world.received("Nguyễn Văn An")
    hub = open_desk(world.hub_home)
    worker = forwarder(hub)
    assert worker.pass_once().logins == 1
    portal.expire_sessions()
    world.at(world.desk_home, lambda d: lifecycle.transfer(d, a))
    world.carry()
    again = worker.pass_once()
    assert (again.acknowledged, again.logins) == (1, 1)
    assert portal.services().count("DangNhap") == 2
    hub.close()


def test_the_password_never_shows(world, portal):
    hub_root = str(world.hub_home.root)
    world.received("Nguyễn Văn An")
    hub = open_desk(world.hub_home)
    assert PASSWORD not in repr(portal_settings(hub)) and PASSWORD not in repr(HttpPortal(portal_settings(hub)))
    hub.close()
    outputs = []
    portal.password = "another"  # the portal refuses the sign-in: the refusal is said, the password is not
    refused = run_desk("--home", hub_root, "hub", "forward", "--once")
    assert refused.returncode != 0 and "refused to sign in" in refused.stderr
    outputs += [refused.stdout, refused.stderr]
    portal.password = PASSWORD
    for args in (("hub", "forward", "--once"), ("hub", "forward", "--once", "--json")):
        run = run_desk("--home", hub_root, *args)
        assert run.returncode == 0, run.stderr
        outputs += [run.stdout, run.stderr]
    outputs.append(world.hub_home.config.read_text(encoding="utf-8"))
    outputs += [json.dumps(r) for r in world.read(lambda q, db: db.execute("SELECT * FROM portal_replies").fetchall())]
    outputs += [json.dumps(c) for c in portal.calls]  # what the stand-in logged
    assert all(PASSWORD not in text for text in outputs)


def test_forwarding_is_refused_plainly_when_not_configured(world, tmp_path, monkeypatch):
    hub_root = str(world.hub_home.root)
    run = run_desk("--home", hub_root, "hub", "forward", "--once")
    assert run.returncode == 3 and "set url under [portal]" in run.stderr  # InvalidInput
    update_settings(world.hub_home, portal_url="https://portal.invalid/api", portal_username="u")
    monkeypatch.delenv("DESK_PORTAL_PASSWORD", raising=False)
    run = run_desk("--home", hub_root, "hub", "forward", "--once")
    assert "DESK_PORTAL_PASSWORD" in run.stderr
    loose = tmp_path / "loose"
    loose.write_text("x", encoding="utf-8")
    loose.chmod(0o644)
    update_settings(world.hub_home, portal_password_file=str(loose))
    run = run_desk("--home", hub_root, "hub", "forward", "--once")
    assert "chmod 600" in run.stderr


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


# --- the adapter against the stand-in (its contract) ------------------------------------------------


def adapter(stand_in: PortalStandIn, timeout_s: float = 5.0) -> HttpPortal:
    from desk.sync.portal_adapter import PortalSettings

    return HttpPortal(PortalSettings(stand_in.url, "hub-user", PASSWORD, AGENCY, timeout_s=timeout_s))


def test_the_adapter_speaks_the_four_calls_and_tells_failures_apart():
    from desk.sync.portal_adapter import LoginRefused, SessionExpired, Transient

    with PortalStandIn(password=PASSWORD, madonvi=AGENCY) as stand_in:
        portal = adapter(stand_in, timeout_s=0.5)
        session = portal.login()
        looked = portal.lookup(session, "X-1")
        assert looked.ok and not looked.found and '"stand_in": true' in looked.body
        record = {"MaHoSo": "X-1", "TrangThaiHoSo": 2}
        assert portal.sync_record(session, record, updating=False).ok
        assert portal.lookup(session, "X-1").found
        refused = portal.sync_record(session, record, updating=False)  # the stand-in checks isUpdating
        assert not refused.ok and refused.code == "-2" and "isUpdating" in refused.message
        assert portal.send_progress(session, [{"MaHoSo": "X-1"}]).code == "00"

        stand_in.timeout_next(1)  # no answer within the adapter's timeout
        with pytest.raises(Transient):
            portal.lookup(session, "X-1")
        stand_in.fail_next(1, status=502)
        with pytest.raises(Transient):
            portal.lookup(session, "X-1")
        stand_in.fail_next(1, status=400)  # a 4xx is an answer: a refusal, not a retry
        assert portal.lookup(session, "X-1").code == "400"
        stand_in.expire_sessions()
        with pytest.raises(SessionExpired):
            portal.lookup(session, "X-1")
        stand_in.password = "changed"
        with pytest.raises(LoginRefused) as refused_login:
            portal.login()
        assert PASSWORD not in str(refused_login.value)
    with pytest.raises(Transient):  # the portal is gone
        portal.login()
