"""What a hub's supervisor reads about the desks' dossiers, on either store (issue 17): ``desk show CODE`` of a
desk's dossier, the hub's own counter's still shown, and the day report saying at a PostgreSQL hub that its
figures are this home's only (not silently wrong figures)."""

from __future__ import annotations

import json

from desk.context import open_desk
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.dossier.lifecycle import request_supplement, transfer
from tests.conftest import run_desk
from tests.test_hub_store import export, make_desk, make_hub
from tests.tui_helpers import SIZE, pilot_test, settle, visible_text


def a_dossier_in_supplement(home) -> str:
    d = open_desk(home)
    try:
        dossier, _ = receive(
            d,
            IntakeRequest(
                procedure_code="2.000815",
                applicant=ApplicantInput(name="Trần Thị Lan", phone="0912345678", id_number="001190012345"),
            ),
        )
        transfer(d, dossier.code)
        request_supplement(d, dossier.code, [("Bản sao giấy khai sinh", "chứng thực")], note="thiếu giấy tờ")
        return dossier.code
    finally:
        d.close()


def shown(r) -> dict:
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    return {
        "code": out["code"],
        "status": out["status"],
        "applicant": out["applicant"]["name"],
        "components": [(c["name"], c["received"]) for c in out["components"]],
        "events": [(e["seq"], e["type"], e["at"], e["clerk"]) for e in out["events"]],
    }


def test_desk_show_at_a_hub_shows_a_desks_dossier_and_its_own_on_either_store(tmp_path, now, hub_store):
    hub = make_hub(tmp_path / "hub", hub_store)
    a = make_desk(tmp_path / "a", 1, hub)
    code = a_dossier_in_supplement(a)
    assert run_desk("import", str(export(a, tmp_path / "usb")), home=hub.root).returncode == 0
    at_desk, at_hub = (
        shown(run_desk("show", code, "--json", home=a.root)),
        shown(run_desk("show", code, "--json", home=hub.root)),
    )
    assert at_hub == at_desk and at_hub["status"] == "supplement"
    assert [e[1] for e in at_hub["events"]] == [
        "dossier.received",
        "dossier.transferred",
        "dossier.supplement_requested",
    ]
    r = run_desk("show", code, home=hub.root)
    assert r.returncode == 0, r.stderr
    assert f"{code}  [supplement]" in r.stdout and "Trần Thị Lan" in r.stdout
    assert "dossier.supplement_requested" in r.stdout
    # the hub's own counter: its dossiers stay in its home, and show there as before
    h = open_desk(hub)
    try:
        own, _ = receive(h, IntakeRequest(procedure_code="2.000815", applicant=ApplicantInput(name="Lê Văn Hùng")))
    finally:
        h.close()
    r = run_desk("show", own.code, home=hub.root)
    assert r.returncode == 0 and "Lê Văn Hùng" in r.stdout and "dossier.received" in r.stdout
    r = run_desk("show", code[:-4] + "9999", home=hub.root)
    assert r.returncode == 4 and "no dossier" in r.stderr


def test_the_day_report_at_a_postgresql_hub_says_its_figures_are_the_homes_only(tmp_path, now, hub_store):
    from pypdf import PdfReader

    hub = make_hub(tmp_path / "hub", hub_store)
    a = make_desk(tmp_path / "a", 1, hub)
    a_dossier_in_supplement(a)
    assert run_desk("import", str(export(a, tmp_path / "usb")), home=hub.root).returncode == 0
    r = run_desk("report", "day", "--out", str(tmp_path / "day.csv"), "--json", home=hub.root)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)["report"]
    [desk_line] = report["desks"]
    assert (desk_line["sync"]["events"], desk_line["sync"]["missing_events"]) == (3, 0)  # the store's, either way
    warned = "count this home's own dossiers only"
    if not hub_store:  # the home holds every desk's dossiers: its figures count them, nothing to warn of
        assert report["warnings"] == [] and report["indicators"]["overall"]["received"] == 1
        assert warned not in run_desk("report", "day", "--out", str(tmp_path / "d.pdf"), home=hub.root).stderr
        return
    [warning] = report["warnings"]
    assert warning["code"] == "report.home_only" and warned in warning["text"]
    assert "password" not in json.dumps(warning) and "postgresql://postgres@/" in warning["text"]
    r = run_desk("report", "day", "--out", str(tmp_path / "day.pdf"), home=hub.root)
    assert r.returncode == 0 and warned in r.stderr, r.stderr
    text = " ".join((p.extract_text() or "") for p in PdfReader(tmp_path / "day.pdf").pages)
    assert "chưa tổng hợp các quầy" in " ".join(text.split())


@pilot_test
async def test_the_reports_screen_at_a_postgresql_hub_says_whose_figures_they_are(desk):
    from desk.config import update_settings
    from screens.app import DeskApp

    update_settings(desk.home, hub_database="postgresql://motcua:bí-mật@db.example.vn/hub")  # read, not dialled
    app = DeskApp(desk.home.root, "vi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        text = " ".join(visible_text(app).split())
        assert "mới chỉ tính hồ sơ của chính máy này" in text and "postgresql://motcua@db.example.vn/hub" in text
        assert "bí-mật" not in text
