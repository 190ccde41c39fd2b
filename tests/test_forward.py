"""Forwarding from the hub to the national portal (issue 18 point 3, docs/forwarding.md), against the stand-in.

The portal is ``tests.portal_stand_in`` (a STAND-IN: no official spec is public) on loopback. The hub
receives a desk's events by a bundle (or a push), which fills the outbox; ``desk hub forward --once``
or a :class:`Forwarder` with an injected clock forwards them. No sleeps: backoff and leases are moved
by the injected clock.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from db import outbox_queries as oq
from db import write_transaction
from desk.config import update_settings
from desk.context import open_desk
from desk.dossier import lifecycle
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.errors import DeskError
from desk.sync import hub as hubmod
from desk.sync import ingest as ingest_module
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import export_bundle
from desk.sync.forward import Forwarder, backoff_delay, portal_settings
from desk.sync.portal_adapter import HttpPortal
from desk.sync.push import push
from desk.sync.status import sync_status
from tests.conftest import new_home, run_desk
from tests.desk_helpers import enrol_homes
from tests.portal_stand_in import STAND_IN, PortalStandIn

AGENCY = "000.00.12.H29"
PASSWORD = "s3cret-Pass!"


@pytest.fixture
def homes(tmp_path, now):
    desk_home = new_home(tmp_path / "desk", agency_code=AGENCY, desk_no=1, clerk="Nguyễn Thị Lan")
    hub_home = new_home(tmp_path / "hub", agency_code=AGENCY, desk_no=0, clerk="Trần Văn Hùng")
    token = hubmod.add_token(hub_home)
    update_settings(desk_home, sync_token=token)
    enrol_homes(desk_home, hub_home)
    return desk_home, hub_home


@pytest.fixture
def portal(homes, tmp_path):
    """The stand-in, and the hub configured for it (the password in an owner-only file)."""
    secret = tmp_path / "portal-password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    secret.chmod(0o600)
    with PortalStandIn(password=PASSWORD, madonvi=AGENCY) as stand_in:
        update_settings(
            homes[1],
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


def intake(desk, name: str) -> str:
    dossier, _ = receive(
        desk, IntakeRequest(procedure_code="2.000815", applicant=ApplicantInput(name=name, phone="0912345678"))
    )
    return dossier.code


def to_hub(desk_home, hub_home, out: Path) -> None:
    """The desk's new events carried to the hub by a bundle."""
    out.mkdir()
    d = open_desk(desk_home)
    try:
        bundle = export_bundle(d, out, seal_to=None).path
    finally:
        d.close()
    h = open_desk(hub_home)
    try:
        import_bundle(h, bundle)
    finally:
        h.close()


class Clock:
    def __init__(self, t: float = 1_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


def forwarder(hub, stand_in_settings=None, clock=None, worker=None) -> Forwarder:
    return Forwarder(hub, HttpPortal(portal_settings(hub)), now=clock or Clock(), rand=lambda: 0.5, worker=worker)


# --- the outbox is filled with the events ------------------------------------------------------


def test_an_imported_bundle_fills_the_outbox_in_the_same_transaction(homes, tmp_path, monkeypatch):
    desk_home, hub_home = homes
    d = open_desk(desk_home)
    codes = sorted([intake(d, "Nguyễn Văn An"), intake(d, "Trần Thị Bích")])
    (tmp_path / "out").mkdir()
    bundle = export_bundle(d, tmp_path / "out", seal_to=None).path
    d.close()

    hub = open_desk(hub_home)

    # a failure after the outbox is asked for, inside the import's transaction: nothing at all is kept
    def broken(*args, **kwargs):
        raise RuntimeError("the disk said no")

    monkeypatch.setattr(ingest_module, "_rebuild", broken)
    with pytest.raises(RuntimeError):
        import_bundle(hub, bundle)
    assert hub.db.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    assert hub.db.execute("SELECT count(*) FROM portal_outbox").fetchone()[0] == 0
    monkeypatch.undo()

    # a bundle refused whole (at its own desk, which has not enrolled it) leaves no row either
    mine = open_desk(desk_home)
    with pytest.raises(DeskError):
        import_bundle(mine, bundle)
    assert mine.db.execute("SELECT count(*) FROM portal_outbox").fetchone()[0] == 0
    mine.close()

    import_bundle(hub, bundle)
    rows = hub.db.execute("SELECT dossier_code, state, generation FROM portal_outbox ORDER BY 1").fetchall()
    assert rows == [(codes[0], "pending", 1), (codes[1], "pending", 1)]
    hub.close()


# --- forwarding ---------------------------------------------------------------------------------


def test_forward_once_inserts_then_updates_after_a_look_up_with_progress_in_chunks(homes, portal, tmp_path):
    desk_home, hub_home = homes
    d = open_desk(desk_home)
    a, b = intake(d, "Nguyễn Văn An"), intake(d, "Trần Thị Bích")
    lifecycle.transfer(d, a)
    for i in range(5):  # 1 + 1 + 10 events about a: two calls of progress lines (10 and 2)
        lifecycle.request_supplement(d, a, [("Bản sao giấy khai sinh", f"lần {i + 1}")])
        lifecycle.resume(d, a)
    d.close()
    to_hub(desk_home, hub_home, tmp_path / "out1")

    run = run_desk("--home", str(hub_home.root), "hub", "forward", "--once")
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

    # every reply is on the dossier's timeline, shown by `desk show` at the hub
    shown = run_desk("--home", str(hub_home.root), "show", a)
    assert "portal    : acknowledged" in shown.stdout
    for call in ("TraCuuHoSo", "DongBoHoSoMC", "CapNhatTienDoHoSoMC"):
        assert call in shown.stdout
    hub = open_desk(hub_home)
    assert len(oq.replies(hub.db, a)) == 4 and all(r["ok"] for r in oq.replies(hub.db, a))
    assert STAND_IN in oq.replies(hub.db, a)[0]["body"]  # the reply as received, the stand-in saying what it is
    assert oq.acknowledged_by_portal(hub.db) == 2
    hub.close()

    # the desk moves the dossier on: the next import asks again; the look-up finds it: an update
    d = open_desk(desk_home)
    lifecycle.record_result(d, a)
    d.close()
    to_hub(desk_home, hub_home, tmp_path / "out2")
    before = len(portal.calls)
    run = run_desk("--home", str(hub_home.root), "hub", "forward", "--once", "--json")
    assert json.loads(run.stdout)["acknowledged"] == 1
    again = [c for c in portal.calls[before:] if c["service"] != "DangNhap"]
    assert [c["service"] for c in again] == ["TraCuuHoSo", "DongBoHoSoMC", "CapNhatTienDoHoSoMC"]
    assert again[1]["isUpdating"] is True and again[1]["data"][0]["TrangThaiHoSo"] == 9
    assert len(again[2]["data"]) == 1  # only the new event's line


def test_a_transient_failure_is_retried_with_backoff_and_sent_once(homes, portal, tmp_path):
    desk_home, hub_home = homes
    d = open_desk(desk_home)
    code = intake(d, "Nguyễn Văn An")
    d.close()
    to_hub(desk_home, hub_home, tmp_path / "out")
    hub = open_desk(hub_home)
    clock = Clock()
    worker = forwarder(hub, clock=clock)

    portal.fail_next(1, status=503, service="DongBoHoSoMC")  # signed in, looked up, then no answer
    first = worker.pass_once()
    assert (first.acknowledged, first.retrying) == (0, 1)
    row = oq.outbox_row(hub.db, code)
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
    timeline = [(r["call"], r["ok"], r["code"]) for r in oq.replies(hub.db, code)]
    assert timeline == [
        ("TraCuuHoSo", True, "0"),
        ("DongBoHoSoMC", False, "transient"),  # no answer: on the timeline too
        ("TraCuuHoSo", True, "0"),
        ("DongBoHoSoMC", True, "0"),
        ("CapNhatTienDoHoSoMC", True, "00"),
    ]
    assert oq.outbox_row(hub.db, code)["state"] == "done"
    hub.close()


def test_too_many_failures_set_the_record_aside_as_failed(homes, portal, tmp_path):
    desk_home, hub_home = homes
    d = open_desk(desk_home)
    code = intake(d, "Nguyễn Văn An")
    d.close()
    to_hub(desk_home, hub_home, tmp_path / "out")
    hub = open_desk(hub_home)
    clock = Clock()
    worker = forwarder(hub, clock=clock)
    portal.fail_next(100, status=500)
    for _ in range(3):  # [portal] max_attempts = 3
        worker.pass_once()
        clock.t += 10_000
    row = oq.outbox_row(hub.db, code)
    assert row["state"] == "failed" and row["attempts"] == 3
    assert oq.forwarding_problems(hub.db)[0]["state"] == "failed"
    hub.close()


def test_a_rejected_record_is_set_aside_the_others_go_on_and_the_desk_hears_why(homes, portal, tmp_path):
    desk_home, hub_home = homes
    d = open_desk(desk_home)
    a, b = intake(d, "Nguyễn Văn An"), intake(d, "Trần Thị Bích")
    d.close()
    to_hub(desk_home, hub_home, tmp_path / "out")
    portal.reject[a] = ("-5", "Thiếu mã lĩnh vực (MaLinhVuc)")

    run = run_desk("--home", str(hub_home.root), "hub", "forward", "--once")
    assert run.returncode == 0, run.stderr
    assert "forwarded 1 record and 1 progress line;" in run.stdout and "1 rejected" in run.stdout
    assert f"dossier {a}: refused by the national portal (-5): Thiếu mã lĩnh vực (MaLinhVuc)" in run.stdout
    assert b in portal.records and a not in portal.records
    hub = open_desk(hub_home)
    problems = oq.forwarding_problems(hub.db, open_desk(desk_home).desk_id)
    assert [(p["dossier_code"], p["state"], p["reason_code"]) for p in problems] == [(a, "rejected", "-5")]
    hub.close()
    # a second pass leaves it aside (never blocks on it, never resends it)
    before = len(portal.calls)
    run_desk("--home", str(hub_home.root), "hub", "forward", "--once")
    assert len(portal.calls) == before

    # at its next push the desk hears the reason, keeps it and shows it
    d = open_desk(desk_home)
    intake(d, "Lê Văn Cường")  # something to push (not about a: a change of a would ask for it again)
    hub = open_desk(hub_home)
    server = hubmod.make_server(hub, port=0).start()
    try:
        result = push(d, endpoint=server.url, sleep=lambda s: None)
    finally:
        server.shutdown()
        hub.close()
    assert [r["dossier_code"] for r in result.portal_rejections] == [a]
    assert sync_status(d).portal_rejections[0]["reason"] == "Thiếu mã lĩnh vực (MaLinhVuc)"
    d.close()
    shown = run_desk("--home", str(desk_home.root), "show", a)
    assert "refused by the national portal (-5): Thiếu mã lĩnh vực" in shown.stdout
    shown = run_desk("--home", str(hub_home.root), "show", a)
    assert "refused by the national portal" in shown.stdout and "DongBoHoSoMC" in shown.stdout

    # the desk changes the dossier: the record is tried again; the portal takes it now
    del portal.reject[a]
    d = open_desk(desk_home)
    lifecycle.transfer(d, a)
    d.close()
    to_hub(desk_home, hub_home, tmp_path / "out2")
    run = run_desk("--home", str(hub_home.root), "hub", "forward", "--once")
    assert "forwarded 2 records" in run.stdout and a in portal.records  # a, and the dossier pushed meanwhile
    assert oq.forwarding_problems(open_desk(hub_home).db) == []


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


def test_a_killed_workers_lease_expires_and_another_takes_the_row(homes, portal, tmp_path):
    desk_home, hub_home = homes
    d = open_desk(desk_home)
    code = intake(d, "Nguyễn Văn An")
    d.close()
    to_hub(desk_home, hub_home, tmp_path / "out")
    hub = open_desk(hub_home)
    clock = Clock()
    with write_transaction(hub.db):
        taken = oq.claim(hub.db, "killed", clock.t, 300, 10)  # then the process dies
    assert [r["dossier_code"] for r in taken] == [code]

    alive = forwarder(hub, clock=clock, worker="alive")
    assert alive.pass_once().acknowledged == 0 and portal.calls == []  # the lease holds
    clock.t += 301
    assert alive.pass_once().acknowledged == 1
    assert oq.outbox_row(hub.db, code)["state"] == "done"
    with write_transaction(hub.db):  # the killed worker, were it to come back, can no longer finish it
        assert not oq.acknowledged(hub.db, code, "killed", 1, "2026-11-23T09:00:00")
    hub.close()


def test_an_expired_session_is_renewed(homes, portal, tmp_path):
    desk_home, hub_home = homes
    d = open_desk(desk_home)
    a = intake(d, "Nguyễn Văn An")
    d.close()
    to_hub(desk_home, hub_home, tmp_path / "out1")
    hub = open_desk(hub_home)
    worker = forwarder(hub)
    assert worker.pass_once().logins == 1
    portal.expire_sessions()
    d = open_desk(desk_home)
    lifecycle.transfer(d, a)
    d.close()
    to_hub(desk_home, hub_home, tmp_path / "out2")
    again = worker.pass_once()
    assert (again.acknowledged, again.logins) == (1, 1)
    assert portal.services().count("DangNhap") == 2
    hub.close()


def test_the_password_never_shows(homes, portal, tmp_path):
    desk_home, hub_home = homes
    d = open_desk(desk_home)
    intake(d, "Nguyễn Văn An")
    d.close()
    to_hub(desk_home, hub_home, tmp_path / "out")
    hub = open_desk(hub_home)
    assert PASSWORD not in repr(portal_settings(hub)) and PASSWORD not in repr(HttpPortal(portal_settings(hub)))
    hub.close()
    outputs = []
    portal.password = "another"  # the portal refuses the sign-in: the refusal is said, the password is not
    refused = run_desk("--home", str(hub_home.root), "hub", "forward", "--once")
    assert refused.returncode != 0 and "refused to sign in" in refused.stderr
    outputs += [refused.stdout, refused.stderr]
    portal.password = PASSWORD
    for args in (("hub", "forward", "--once"), ("hub", "forward", "--once", "--json")):
        run = run_desk("--home", str(hub_home.root), *args)
        assert run.returncode == 0, run.stderr
        outputs += [run.stdout, run.stderr]
    outputs.append(hub_home.config.read_text(encoding="utf-8"))
    hub = open_desk(hub_home)
    outputs += [json.dumps(r) for r in hub.db.execute("SELECT * FROM portal_replies").fetchall()]
    hub.close()
    outputs += [json.dumps(c) for c in portal.calls]  # what the stand-in logged
    assert all(PASSWORD not in text for text in outputs)


def test_forwarding_is_refused_plainly_when_not_configured(homes, tmp_path, monkeypatch):
    run = run_desk("--home", str(homes[1].root), "hub", "forward", "--once")
    assert run.returncode == 3 and "set url under [portal]" in run.stderr  # InvalidInput
    update_settings(homes[1], portal_url="https://portal.invalid/api", portal_username="u")
    monkeypatch.delenv("DESK_PORTAL_PASSWORD", raising=False)
    run = run_desk("--home", str(homes[1].root), "hub", "forward", "--once")
    assert "DESK_PORTAL_PASSWORD" in run.stderr
    loose = tmp_path / "loose"
    loose.write_text("x", encoding="utf-8")
    loose.chmod(0o644)
    update_settings(homes[1], portal_password_file=str(loose))
    run = run_desk("--home", str(homes[1].root), "hub", "forward", "--once")
    assert "chmod 600" in run.stderr


def test_several_workers_forward_each_record_once(homes, portal, tmp_path):
    desk_home, hub_home = homes
    d = open_desk(desk_home)
    codes = [intake(d, f"Nguyễn Văn Số {i}") for i in range(6)]
    d.close()
    to_hub(desk_home, hub_home, tmp_path / "out")
    run = run_desk("--home", str(hub_home.root), "hub", "forward", "--once", "--workers", "3", "--json")
    assert json.loads(run.stdout)["acknowledged"] == 6
    assert sorted(portal.records) == sorted(codes)
    assert portal.services().count("DongBoHoSoMC") == 6


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


def test_a_worker_beside_the_hub_forwards_until_stopped(homes, portal, tmp_path):
    from desk.sync.forward import start_background

    desk_home, hub_home = homes
    d = open_desk(desk_home)
    codes = [intake(d, f"Nguyễn Văn Số {i}") for i in range(3)]
    d.close()
    to_hub(desk_home, hub_home, tmp_path / "out")
    hub = open_desk(hub_home)
    stop = start_background(hub, idle_s=0.05, workers=2)
    try:
        for _ in range(400):  # bounded: at most 20 s, usually a fraction of a second
            if oq.state_counts(hub.db)["done"] == 3:
                break
            threading.Event().wait(0.05)
    finally:
        stop()
    assert oq.state_counts(hub.db)["done"] == 3 and sorted(portal.records) == sorted(codes)
    hub.close()
