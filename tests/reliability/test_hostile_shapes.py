"""Issue 12, point 6: limits and shapes. Nesting deeper than a desk writes is refused (exit 5, HTTP 400), never a
crash; every event type has its schema (known type, known fields, bounded sizes); the status machine holds."""

from __future__ import annotations

import http.client
import io
import json
from datetime import datetime

import pytest

from desk.dossier import checklist, lifecycle, print_log
from desk.dossier.guidance import gather_guidance, guidance_record
from desk.sync import hub as hubmod
from desk.sync.push import PROTOCOL
from desk.sync.schema import KNOWN_TYPES, MAX_PAYLOAD_BYTES
from tests.conftest import run_desk
from tests.reliability.hostile_helpers import Homes, events_of, forged, intake, members, write_bundle


@pytest.fixture
def homes(tmp_path, now):
    h = Homes(tmp_path)
    yield h
    h.close()


def pdf(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(595, 842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def refused(hub, path, *words: str) -> str:
    r = run_desk("import", str(path), home=hub.home.root)
    assert r.returncode == 5, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "unexpected" not in r.stderr
    for w in words:
        assert w in r.stderr, (w, r.stderr)
    assert hub.db.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    return r.stderr


@pytest.fixture
def day(homes):
    """A desk's bundle of an intake and a transfer, and an empty hub."""
    a, hub = homes.desk("a", 1), homes.desk("hub", 0)
    d = intake(a, "Lê Văn Tám")
    lifecycle.transfer(a, d.code)
    return homes.export(a, "a"), hub


def test_every_event_type_a_desk_writes_is_imported(homes, now, tmp_path, clerk_p12, monkeypatch):
    """The schemas refuse nothing a desk writes: every event type, through export and import."""
    from desk.dossier import results
    from desk.dossier.signer import set_pkcs12
    from tests.signing_helpers import PASSPHRASE

    a, hub = homes.desk("a", 1), homes.desk("hub", 0)
    # a clerk who signs: the signed scan's details and the results carried by later snapshots travel too
    monkeypatch.setenv("DESK_SIGNER_PIN", PASSPHRASE)
    set_pkcs12(a.home, clerk_p12, PASSPHRASE)
    a.reload_settings()
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf(2))
    d = intake(a, "Phạm Thị Hương", "1.001193")
    first, second = d.components[0].code, d.components[1].code
    checklist.attach_file(a, d.code, first, scan, note="bản scan")
    checklist.undo(a, d.code, first)
    checklist.mark_not_required(a, d.code, second, note="bản sao đã có")
    checklist.mark_reused(a, d.code, first, "VNeID")
    lifecycle.request_supplement(a, d.code, [(first, "thiếu trang 2")])
    now("2026-11-24T09:00:00")
    lifecycle.resume(a, d.code)
    lifecycle.extend(a, d.code, datetime(2026, 12, 31, 17, 0), "chờ xác minh")
    lifecycle.record_result(a, d.code)
    results.attach(a, d.code, scan, name="Giấy khai sinh")
    lifecycle.return_result(a, d.code, collected_by="Phạm Thị Hương", satisfaction="hai_long")
    print_log.record_print(a, d.code, "receipt", 2, "a5", True, "đã in")
    print_log.record_print(a, "", "register", 1, "a4", False, "hết giấy", details={"date_from": "2026-11-23"})
    guided = guidance_record(gather_guidance(a, "1.001193", [(first, "chưa có"), ("Chữ ký", "")], name="Lý Văn Sơn"))
    print_log.record_print(a, "", "guidance", 1, "a4", True, "đã in", guidance=guided)
    for action, reason in (("refuse", "thiếu giấy tờ"), ("withdraw", None), ("stop", "không đủ điều kiện")):
        other = intake(a, f"Người {action}")
        if action == "stop":
            lifecycle.transfer(a, other.code)
        if reason is None:
            getattr(lifecycle, action)(a, other.code)
        else:
            getattr(lifecycle, action)(a, other.code, reason)
    types = {r[0] for r in a.db.execute("SELECT DISTINCT type FROM events")}
    assert types == KNOWN_TYPES, types ^ KNOWN_TYPES
    r = run_desk("import", str(homes.export(a, "a")), home=hub.home.root)
    assert r.returncode == 0, r.stderr
    assert run_desk("verify", home=hub.home.root).returncode == 0


def test_a_deeply_nested_event_is_refused(day, tmp_path):
    src, hub = day
    records = events_of(src)
    deep: list = []
    for _ in range(300):  # orjson reads 1024 levels and writes 254: the codec crashed in between
        deep = [deep]
    records[1]["payload"]["details"]["from_status"] = deep
    refused(hub, forged(src, tmp_path / "deep.deskbundle", records), "line 2", "depth")


def test_a_deeply_nested_manifest_is_refused(day, tmp_path):
    src, hub = day
    path = write_bundle(
        tmp_path / "deep-manifest.deskbundle", members(src), manifest_tail=b', "x": ' + b"[" * 100_000 + b"]" * 100_000
    )
    refused(hub, path, "manifest.json", "deeper")


def test_a_deeply_nested_push_body_is_a_400(homes):
    hub = homes.desk("hub", 0)
    token = hubmod.add_token(hub.home)
    srv = hubmod.make_server(hub, port=0, max_body=2_000_000, request_timeout=5.0).start()
    try:
        body = b'{"protocol": "' + PROTOCOL.encode() + b'", "events": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        conn = http.client.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=10)
        try:
            conn.request("POST", "/v1/events", body, {"Authorization": f"Bearer {token}", "Idempotency-Key": "deep-1"})
            resp = conn.getresponse()
            status, answer = resp.status, json.loads(resp.read())
        finally:
            conn.close()
    finally:
        srv.shutdown()
        srv.server_close()
    assert (status, answer["code"]) == (400, "hub.body_too_deep")
    assert run_desk("verify", home=hub.home.root).returncode == 0


def test_an_event_type_no_desk_writes_is_refused(day, tmp_path):
    src, hub = day
    records = events_of(src)
    records[1]["type"] = "dossier.teleported"
    refused(hub, forged(src, tmp_path / "t.deskbundle", records), "event 2", "dossier.teleported")


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda p: p.update(script="<script>"), ("event 2", "script")),
        (lambda p: p.pop("action"), ("event 2", "action")),
        (lambda p: p["details"].update(extra=1), ("event 2", "details.extra")),
        (lambda p: p.update(action="return"), ("event 2", "action")),
        (lambda p: p.update(note=["x"]), ("event 2", "note")),
        (lambda p: p.update(note="x" * 6000), ("event 2", "note")),
        # electronic results ride in snapshots: a list of flat records of known fields only
        (lambda p: p.update(results={"code": "x"}), ("event 2", "results")),
        (lambda p: p.update(results=[{"code": "x"}]), ("event 2", "results")),
    ],
)
def test_fields_no_desk_writes_are_refused(day, tmp_path, change, words):
    src, hub = day
    records = events_of(src)
    change(records[1]["payload"])
    refused(hub, forged(src, tmp_path / "t.deskbundle", records), *words)


def test_a_payload_larger_than_any_desk_writes_is_refused(day, tmp_path):
    """Scaled down from the 45 MB field a hub stored: anything over the bound is refused, its size named."""
    src, hub = day
    records = events_of(src)
    records[1]["payload"]["details"]["from_status"] = "x" * (MAX_PAYLOAD_BYTES + 1)
    refused(
        hub, forged(src, tmp_path / "big.deskbundle", records), "event 2", f"{MAX_PAYLOAD_BYTES:,}".replace(",", "")
    )


@pytest.mark.parametrize(
    "type_, status, from_status, words",
    [
        # straight from received to returned: no such move
        ("dossier.returned", "returned", "received", ("received", "returned")),
        # a move the machine allows, but not from the status the dossier is in
        ("dossier.result_ready", "result_ready", "transferred", ("transferred", "result_ready")),
        # the transfer event landing in another status than a transfer's
        ("dossier.transferred", "returned", "received", ("returned",)),
    ],
)
def test_a_status_jump_the_machine_does_not_allow_is_refused(day, tmp_path, type_, status, from_status, words):
    src, hub = day
    records = events_of(src)
    payload = records[1]["payload"]
    records[1]["type"] = type_
    payload["dossier"]["status"] = status
    payload["action"] = {"dossier.returned": "return", "dossier.result_ready": "result"}.get(type_, "transfer")
    payload["details"] = {
        "dossier.returned": {"returned_at": "2026-11-23T09:00:00", "collected_by": "", "satisfaction": ""},
        "dossier.result_ready": {"finished_at": "2026-11-23T09:00:00", "on_time": True},
    }.get(type_, {})
    payload["details"]["from_status"] = from_status
    refused(hub, forged(src, tmp_path / "jump.deskbundle", records), "event 2", *words)


def test_a_checklist_event_cannot_change_the_status(homes, tmp_path):
    a, hub = homes.desk("a", 1), homes.desk("hub", 0)
    d = intake(a, "Lê Văn Tám", "1.001193")
    checklist.mark_reused(a, d.code, d.components[0].code, "VNeID")
    src = homes.export(a, "a")
    records = events_of(src)
    records[1]["payload"]["dossier"]["status"] = "returned"
    refused(hub, forged(src, tmp_path / "t.deskbundle", records), "event 2", "returned")


def test_a_bundle_cannot_jump_a_status_the_hub_already_holds(homes, tmp_path):
    """The first event of a dossier in a bundle starts from the status the desk's earlier bundle left at the hub."""
    a, hub = homes.desk("a", 1), homes.desk("hub", 0)
    d = intake(a, "Lê Văn Tám")
    lifecycle.transfer(a, d.code)
    assert run_desk("import", str(homes.export(a, "day1")), home=hub.home.root).returncode == 0
    lifecycle.record_result(a, d.code)
    src = homes.export(a, "day2")
    records = events_of(src)
    assert [r["type"] for r in records] == ["dossier.result_ready"]
    # returned straight from transferred: a move the machine allows from result_ready, which the hub never saw
    payload = records[0]["payload"]
    records[0]["type"], payload["action"], payload["dossier"]["status"] = "dossier.returned", "return", "returned"
    payload["details"] = {
        "from_status": "result_ready",
        "returned_at": "2026-11-23T09:00:00",
        "collected_by": "",
        "satisfaction": "",
    }
    before = hub.db.execute("SELECT count(*) FROM events").fetchone()[0]
    r = run_desk("import", str(forged(src, tmp_path / "jump.deskbundle", records)), home=hub.home.root)
    assert r.returncode == 5, (r.returncode, r.stdout, r.stderr)
    assert d.code in r.stderr and "transferred" in r.stderr and "result_ready" in r.stderr
    assert hub.db.execute("SELECT count(*) FROM events").fetchone()[0] == before
    shown = run_desk("show", d.code, home=hub.home.root)
    assert "transferred" in shown.stdout
    # the genuine next bundle goes in
    assert run_desk("import", str(src), home=hub.home.root).returncode == 0
