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
