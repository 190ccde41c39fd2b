"""Admin acts of a home with operator accounts are a supervisor's (issue 17's leftovers): pinning the hub's key
(`desk hub-key set`, `desk seal-key set`), setting or clearing the signer (`desk signer set/clear`) and moving
the hub into PostgreSQL (`desk hub migrate`), enrolling or revoking a desk (`desk hub enrol/revoke`) are
refused to a clerk and to nobody signed in, with the code and exit of `desk hub token add`; a supervisor
passes."""

from __future__ import annotations

import json

import pytest

from desk.config import Home, load_settings
from tests.conftest import new_cli_home, run_desk
from tests.operator_helpers import CLERK, SUPERVISOR, staff

pytestmark = pytest.mark.usefixtures("quick_kdf")


@pytest.fixture
def staffed(tmp_path, typed):
    """A desk with a supervisor (PIN 9999) and a clerk (PIN 1234)."""
    return staff(new_cli_home(tmp_path / "h", desk_no=1, place="Minh Khai"), typed)


@pytest.fixture
def hub_key_file(tmp_path):
    hub = new_cli_home(tmp_path / "hub", desk_no=9, place="Trung tâm")
    out = tmp_path / "hub-key.json"
    r = run_desk("hub", "key", "--out", str(out), home=hub)
    assert r.returncode == 0, r.stderr
    return out


def refused(r, action: str, name: str | None) -> None:
    """The refusal of `desk hub token add`: exit 3, operator.supervisor_only naming the act and the clerk."""
    assert r.returncode == 3, (r.stdout, r.stderr)
    if name is None:
        assert "desk --operator NAME" in r.stderr  # nobody signed in: say who is acting
        return
    error = json.loads(r.stdout)["error"]
    assert (error["code"], error["params"]) == ("operator.supervisor_only", {"action": action, "name": name})


def test_only_a_supervisor_pins_the_hubs_key(staffed, typed, hub_key_file):
    typed.append("1234")
    refused(
        run_desk("--operator", CLERK, "hub-key", "set", str(hub_key_file), "--yes", "--json", home=staffed),
        "hub_key",
        CLERK,
    )
    refused(run_desk("hub-key", "set", str(hub_key_file), "--yes", home=staffed), "hub_key", None)
    typed.append("1234")
    refused(
        run_desk("--operator", CLERK, "seal-key", "set", str(hub_key_file), "--json", home=staffed), "hub_key", CLERK
    )
    assert (
        "no hub key"
        in run_desk("hub-key", "show", home=staffed).stdout + run_desk("hub-key", "show", home=staffed).stderr
    )
    typed.append("9999")
    r = run_desk("--operator", SUPERVISOR, "hub-key", "set", str(hub_key_file), "--yes", home=staffed)
    assert r.returncode == 0, r.stderr
    assert "pinned" in r.stdout


def test_only_a_supervisor_sets_or_clears_the_signer(staffed, typed, tmp_path):
    typed.append("1234")
    r = run_desk("--operator", CLERK, "signer", "set", "--pkcs12", str(tmp_path / "x.p12"), "--json", home=staffed)
    refused(r, "signer", CLERK)
    typed.append("1234")
    r = run_desk("--operator", CLERK, "signer", "clear", home=staffed)
    assert r.returncode == 3 and "only a supervisor may do this (signer)" in r.stderr and CLERK in r.stderr
    refused(run_desk("signer", "clear", home=staffed), "signer", None)
    typed.append("9999")
    r = run_desk("--operator", SUPERVISOR, "signer", "clear", home=staffed)
    assert r.returncode == 0 and "no signer any more" in r.stdout, r.stderr
    assert load_settings(Home(staffed)).signer_kind == ""


def test_only_a_supervisor_moves_the_hub(staffed, typed):
    typed.append("1234")
    r = run_desk("--operator", CLERK, "hub", "migrate", "--to", "postgresql://nowhere/db", "--json", home=staffed)
    refused(r, "hub_migrate", CLERK)
    refused(run_desk("hub", "migrate", "--to", "postgresql://nowhere/db", home=staffed), "hub_migrate", None)
    assert load_settings(Home(staffed)).hub_database == ""
    typed.append("9999")
    r = run_desk("--operator", SUPERVISOR, "hub", "migrate", "--to", "mysql://nowhere/db", "--json", home=staffed)
    # past the role check: the URL is what is refused now
    assert json.loads(r.stdout)["error"]["code"] == "hub.database_url", r.stdout


def registry(home, typed) -> list[dict]:
    typed.append("9999")
    r = run_desk("--operator", SUPERVISOR, "hub", "desks", "--json", home=home)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["desks"]


def test_only_a_supervisor_enrols_or_revokes_a_desk(staffed, typed, tmp_path):
    """The hub's registry of desks is a supervisor's: a clerk (or nobody signed in) enrols no desk and revokes
    none; the supervisor does both."""
    desk = new_cli_home(tmp_path / "desk", desk_no=3, place="Minh Khai")
    request = tmp_path / "request.json"
    assert run_desk("enrol", "--out", str(request), home=desk).returncode == 0
    typed.append("1234")
    refused(
        run_desk("--operator", CLERK, "hub", "enrol", str(request), "--yes", "--json", home=staffed), "hub_desks", CLERK
    )
    refused(run_desk("hub", "enrol", str(request), "--yes", home=staffed), "hub_desks", None)
    assert registry(staffed, typed) == []
    typed.append("9999")
    r = run_desk("--operator", SUPERVISOR, "hub", "enrol", str(request), "--yes", "--json", home=staffed)
    assert r.returncode == 0, r.stderr
    desk_id = json.loads(r.stdout)["desk_id"]
    typed.append("1234")
    refused(
        run_desk("--operator", CLERK, "hub", "revoke", desk_id, "--yes", "--json", home=staffed), "hub_desks", CLERK
    )
    [row] = registry(staffed, typed)
    assert row["revoked_at"] is None
    typed.append("9999")
    r = run_desk("--operator", SUPERVISOR, "hub", "revoke", desk_id, "--yes", home=staffed)
    assert r.returncode == 0 and "revoked at" in r.stdout, r.stderr
