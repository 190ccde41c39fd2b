"""Forwarding from the hub to the national portal (issue 18 point 3, docs/forwarding.md), against the stand-in.

The portal is ``tests.portal_stand_in`` (a STAND-IN: no official spec is public) on loopback. The hub — on its
home's SQLite and on PostgreSQL (``hub_store``) — receives a desk's events by a bundle (or a push), which fills
the outbox; ``desk hub forward --once`` or a :class:`Forwarder` with an injected clock forwards them. No sleeps:
backoff and leases are moved by the injected clock, workers running at once wait on events.
"""

from __future__ import annotations

import json

import pytest

from db import outbox_queries, write_transaction
from desk.config import update_settings
from desk.context import open_desk
from desk.dossier import lifecycle
from desk.errors import DeskError
from desk.reports.board import board
from desk.sync import hub as hubmod
from desk.sync import ingest as ingest_module
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import export_bundle
from desk.sync.forward import backoff_delay, portal_settings
from desk.sync.portal_adapter import HttpPortal
from desk.sync.push import push
from desk.sync.status import sync_status
from tests.conftest import run_desk
from tests.forward_world import AGENCY, PASSWORD, Clock, World, forwarder, intake, sent_once_per_change
from tests.portal_stand_in import STAND_IN, PortalStandIn

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
    # the hub's board shows it beside the desk, with the portal's reason
    page = world.at(world.hub_home, lambda h: board(h))
    assert [line.portal_set_aside for line in page.desks if line.desk_id == world.desk_id] == [1]
    assert [(p["dossier_code"], p["reason"]) for p in page.set_aside] == [(a, "Thiếu mã lĩnh vực (MaLinhVuc)")]
    shown = run_desk("--home", hub_root, "hub", "board")
    assert "1 record set aside by forwarding" in shown.stdout
    assert (
        f"set aside: {a} ({world.desk_id}): refused by the national portal (-5): Thiếu mã lĩnh vực (MaLinhVuc)"
        in shown.stdout
    )
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
    assert world.at(world.hub_home, lambda h: board(h)).set_aside == []
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


def test_moving_a_sqlite_hub_to_postgresql_moves_its_outbox(tmp_path, now, pg_url):
    world = World(tmp_path, "")
    with PortalStandIn(password=PASSWORD, madonvi=AGENCY) as portal:
        secret = tmp_path / "portal-password"
        secret.write_text(PASSWORD, encoding="utf-8")
        secret.chmod(0o600)
        update_settings(
            world.hub_home, portal_url=portal.url, portal_username="hub-user", portal_password_file=str(secret)
        )
        hub_root = str(world.hub_home.root)
        a, b = world.received("Nguyễn Văn An", "Trần Thị Bích")
        portal.reject[a] = ("-5", "Thiếu mã lĩnh vực (MaLinhVuc)")
        assert run_desk("--home", hub_root, "hub", "forward", "--once").returncode == 0
        (c,) = world.received("Lê Văn Cường")  # waiting when the hub moves

        moved = run_desk("--home", hub_root, "hub", "migrate", "--to", pg_url, "--json")
        assert moved.returncode == 0, moved.stderr
        rows = json.loads(moved.stdout)["rows"]
        assert (rows["portal_outbox"], rows["portal_replies"]) == (3, 5)  # a: look-up, refusal; b: + progress
        home = world.at(world.hub_home, lambda h: outbox_queries.state_counts(h.db))
        assert home == dict.fromkeys(outbox_queries.STATES, 0)  # left the home's outbox: forwarded once only
        assert {r["dossier_code"]: r["state"] for r in map(world.row, (a, b, c))} == {
            a: "rejected",
            b: "done",
            c: "pending",
        }
        shown = run_desk("--home", hub_root, "show", a)
        assert "refused by the national portal (-5)" in shown.stdout and "DongBoHoSoMC" in shown.stdout

        run = run_desk("--home", hub_root, "hub", "forward", "--once", "--json")
        assert json.loads(run.stdout)["acknowledged"] == 1 and c in portal.records
        sent_once_per_change(portal, {a: 1, b: 1, c: 1})


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
