"""Who is at the desk (issue 16, point 6): operator accounts, signing in, lockout, tokens, supervisor-only acts,
the operator on every event and on the receipt — through the CLI in-process, and the core."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader

from desk.context import open_desk
from desk.dossier import operators
from desk.dossier import query as dossiers
from tests.conftest import new_cli_home, run_desk
from tests.operator_helpers import CLERK, SUPERVISOR, staff
from tests.operator_helpers import add_operator as add

pytestmark = pytest.mark.usefixtures("quick_kdf")


@pytest.fixture
def home(tmp_path):
    return new_cli_home(tmp_path / "h", desk_no=1, place="Minh Khai")


@pytest.fixture
def staffed(home, typed):
    """A supervisor (PIN 9999) and a clerk (PIN 1234)."""
    return staff(home, typed)


def intake(home, *extra, who=CLERK):
    return run_desk("--operator", who, "intake", "--procedure", "2.000815", "--name", "Lê Thị Hoa", *extra, home=home)


def test_a_desk_without_accounts_works_as_before(home):
    r = run_desk("intake", "--procedure", "1.001193", "--name", "Lê Thị Hoa", home=home)
    assert r.returncode == 0, r.stderr
    r = run_desk("operator", "list", home=home)
    assert "no operator accounts" in r.stdout
    r = run_desk("--operator", "Ai Đó", "search", "Hoa", home=home)
    assert r.returncode == 3 and "no operator accounts" in r.stderr


def test_the_first_account_is_a_supervisor_and_the_secret_is_a_memory_hard_hash(home, monkeypatch):
    monkeypatch.setattr(operators, "SCRYPT_N", 2**17)  # the real cost
    r = add(home, CLERK, "clerk", "1234")
    assert r.returncode == 3 and "first operator account must be a supervisor" in r.stderr
    assert add(home, SUPERVISOR, "supervisor", "9999").returncode == 0
    desk = open_desk(home)
    try:
        (stored,) = [r[0] for r in desk.db.execute("SELECT secret FROM operators")]
    finally:
        desk.close()
    assert stored.startswith("scrypt$131072$8$1$") and "9999" not in stored


def test_the_password_is_asked_twice(home, typed, monkeypatch):
    typed.extend(["abcd", "abce"])
    r = run_desk("operator", "add", SUPERVISOR, "--role", "supervisor", home=home)
    assert r.returncode == 3 and "differ" in r.stderr
    typed.extend(["abcd", "abcd"])
    assert run_desk("operator", "add", SUPERVISOR, "--role", "supervisor", home=home).returncode == 0
    typed.append("abcd")  # signing in; the new PIN is too short
    env = {"DESK_OPERATOR_PASSWORD": "12"}
    r = run_desk("--operator", SUPERVISOR, "operator", "passwd", SUPERVISOR, home=home, env=env)
    assert r.returncode == 3 and "4 to 128 characters" in r.stderr


def test_without_a_terminal_or_the_variable_the_password_is_refused_clearly(home):
    """A script with no terminal and no DESK_OPERATOR_PASSWORD: a usage error naming the variables, no traceback."""
    r = run_desk("operator", "add", SUPERVISOR, "--role", "supervisor", home=home)
    assert r.returncode == 3 and "no terminal to ask the password or PIN" in r.stderr, r.stderr
    assert "DESK_OPERATOR_PASSWORD" in r.stderr and "unexpected" not in r.stderr
    assert add(home, SUPERVISOR, "supervisor", "9999").returncode == 0
    r = run_desk("--operator", SUPERVISOR, "search", "Hoa", home=home)
    assert r.returncode == 3 and "DESK_OPERATOR_TOKEN" in r.stderr, r.stderr


def test_with_accounts_a_command_says_who_is_acting(staffed, typed):
    r = run_desk("search", "Hoa", home=staffed)
    assert r.returncode == 3 and "desk --operator NAME" in r.stderr
    typed.append("1234")
    r = run_desk("--operator", "pham thi mai", "operator", "list", home=staffed)  # accents and case optional
    assert r.returncode == 0, r.stderr
    assert f"supervisor  {SUPERVISOR}" in r.stdout and f"clerk       {CLERK}" in r.stdout


def test_events_and_the_receipt_name_the_operator(staffed, typed, tmp_path):
    typed.append("1234")
    r = intake(staffed, "--pages", "3", "--json")
    assert r.returncode == 0, r.stderr
    code = json.loads(r.stdout)["code"]
    desk = open_desk(staffed)
    try:
        (event,) = dossiers.timeline(desk, code)
        assert event.clerk == CLERK and event.payload["operator"] == "pham thi mai"
    finally:
        desk.close()
    typed.append("9999")  # another operator prints it: the receipt names who received it
    out = tmp_path / "r.pdf"
    r = run_desk("--operator", SUPERVISOR, "print", "receipt", code, "--out", str(out), home=staffed)
    assert r.returncode == 0, r.stderr
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert CLERK in text and "Nguyễn Thị Lan" not in text  # not the clerk on duty of desk.toml
    assert "Số tiền phải nộp: 5.000 đ" in text
    typed.append("1234")
    assert run_desk("--operator", CLERK, "verify", home=staffed).returncode == 0


def test_only_a_supervisor_refuses_stops_withdraws_catches_up_or_changes_settings(staffed, typed):
    typed.append("1234")
    code = json.loads(intake(staffed, "--json").stdout)["code"]
    for move in (["--reason", "Thiếu giấy tờ"], []):
        action = "refuse" if move else "withdraw"
        typed.append("1234")
        r = run_desk("--operator", CLERK, "advance", code, action, *move, "--json", home=staffed)
        assert r.returncode == 3, r.stderr
        error = json.loads(r.stdout)["error"]
        assert (error["code"], error["params"]) == ("operator.supervisor_only", {"action": action, "name": CLERK})
    typed.append("1234")
    r = intake(staffed, "--received-at", "2026-11-20T09:00", "--catch-up", "--reason", "Mất điện")
    assert r.returncode == 3 and "only a supervisor may do this (catch_up)" in r.stderr
    typed.append("1234")
    r = run_desk("--operator", CLERK, "clerk", "Người Khác", home=staffed)
    assert r.returncode == 3 and "(settings)" in r.stderr
    typed.append("9999")
    r = run_desk("--operator", SUPERVISOR, "advance", code, "refuse", "--reason", "Thiếu giấy tờ", home=staffed)
    assert r.returncode == 0, r.stderr


def test_repeated_failures_lock_the_account_for_the_setting_s_minutes(staffed, typed, now):
    for left in (4, 3, 2, 1):
        typed.append("0000")
        r = run_desk("--operator", CLERK, "search", "x", home=staffed)
        assert r.returncode == 3 and f"{left} {'try' if left == 1 else 'tries'} left" in r.stderr
    typed.append("0000")
    r = run_desk("--operator", CLERK, "search", "x", home=staffed)
    assert "locked after repeated wrong passwords until 09:15" in r.stderr
    typed.append("1234")  # the right PIN, still locked
    assert "locked" in run_desk("--operator", CLERK, "search", "x", home=staffed).stderr
    now("2026-11-23T09:15:01")
    typed.append("1234")
    assert run_desk("--operator", CLERK, "search", "x", home=staffed).returncode == 0
    typed.append("0000")  # a success starts the count again
    assert "4 tries left" in run_desk("--operator", CLERK, "search", "x", home=staffed).stderr


def test_a_supervisor_s_token_for_scripts_with_an_expiry(staffed, typed, now):
    typed.append("1234")
    r = run_desk("--operator", CLERK, "operator", "token", CLERK, home=staffed)
    assert r.returncode == 3 and "supervisor" in r.stderr
    typed.append("9999")
    r = run_desk("--operator", SUPERVISOR, "operator", "token", CLERK, "--days", "2", "--json", home=staffed)
    assert r.returncode == 0, r.stderr
    token = json.loads(r.stdout)["token"]
    desk = open_desk(staffed)
    try:
        (stored,) = [r[0] for r in desk.db.execute("SELECT digest FROM operator_tokens")]
    finally:
        desk.close()
    assert token not in stored and len(stored) == 64
    env = {"DESK_OPERATOR_TOKEN": token}
    r = run_desk("--operator", CLERK, "intake", "--procedure", "1.001193", "--name", "A B", home=staffed, env=env)
    assert r.returncode == 0, r.stderr  # no password asked
    r = run_desk("--operator", SUPERVISOR, "search", "x", home=staffed, env=env)
    assert r.returncode == 3 and "not issued to" in r.stderr
    now("2026-11-25T09:00:01")
    r = run_desk("--operator", CLERK, "search", "x", home=staffed, env=env)
    assert r.returncode == 3 and "expired on 2026-11-25" in r.stderr


def test_remove_and_passwd(staffed, typed):
    typed.append("1234")
    r = run_desk("--operator", CLERK, "operator", "remove", SUPERVISOR, home=staffed)
    assert r.returncode == 3
    typed.append("9999")
    r = run_desk("--operator", SUPERVISOR, "operator", "remove", SUPERVISOR, home=staffed)
    assert r.returncode == 3 and "last supervisor" in r.stderr
    typed.append("1234")  # a clerk changes their own PIN
    env = {"DESK_OPERATOR_PASSWORD": "5678"}
    assert run_desk("--operator", CLERK, "operator", "passwd", CLERK, home=staffed, env=env).returncode == 0
    typed.append("5678")
    r = run_desk("--operator", CLERK, "operator", "passwd", SUPERVISOR, home=staffed, env=env)
    assert r.returncode == 3  # not someone else's
    typed.append("9999")
    assert run_desk("--operator", SUPERVISOR, "operator", "remove", CLERK, home=staffed).returncode == 0
    typed.append("5678")
    r = run_desk("--operator", CLERK, "search", "x", home=staffed)
    assert r.returncode == 3 and "wrong name or password" in r.stderr


def test_a_hub_takes_the_events_of_a_desk_with_operators_and_fees(make_desk, out):
    """The optional ``operator`` of every event and the received event's ``fee`` keep the bundle valid."""
    from desk.dossier import lifecycle
    from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
    from desk.sync.bundle_read import import_bundle
    from desk.sync.bundle_write import export_bundle

    a, hub = make_desk("a", 1), make_desk("hub", 0)
    receive(a, IntakeRequest("1.001193", ApplicantInput(name="Trước Khi Có Tài Khoản")))  # an old event: none
    operators.add_operator(a, SUPERVISOR, "supervisor", "9999")
    operators.sign_in(a, SUPERVISOR, "9999")
    d, _ = receive(a, IntakeRequest("2.000815", ApplicantInput(name="Lê Thị Hoa"), pages=3, copies=2))
    lifecycle.refuse(a, d.code, "Không thuộc thẩm quyền")
    result = import_bundle(hub, export_bundle(a, out).path)
    assert (result.imported_events, result.gaps) == (3, [])
    events = dossiers.timeline(hub, d.code)
    assert [e.payload.get("operator") for e in events] == ["tran van binh", "tran van binh"]
    assert events[0].payload["fee"] == {"amount": 10000, "pages": 3, "copies": 2, "per_copy": 5000, "capped": False}


@pytest.mark.parametrize(
    ("operator", "refused"), [("tran van binh", False), ("", True), (7, True), (["x"], True), ("x" * 201, True)]
)
def test_an_event_s_operator_is_a_login_or_the_bundle_is_refused(operator, refused):
    from desk.rules.canonical import EventLine, dumps
    from desk.sync.schema import SchemaCheck

    payload = {"print": {"kind": "register", "copies": 1, "paper": "a4", "ok": True, "message": "", "details": {}}}
    payload["operator"] = operator
    record = {"seq": 1, "type": "document.printed", "dossier_code": "", "payload": payload}
    check = SchemaCheck("b.zip")
    check.add([EventLine(record, dumps(payload), None)])
    assert (check.problem is not None) is refused
    if refused:
        assert (check.problem.code, check.problem.params["name"]) == ("event.value", "operator")


def test_only_a_supervisor_adds_a_hub_token(staffed, typed):
    from desk.config import Home, load_settings

    typed.append("1234")
    r = run_desk("--operator", CLERK, "hub", "token", "add", "--json", home=staffed)
    assert r.returncode == 3, r.stdout
    error = json.loads(r.stdout)["error"]
    assert (error["code"], error["params"]) == ("operator.supervisor_only", {"action": "hub_token", "name": CLERK})
    r = run_desk("hub", "token", "add", home=staffed)  # nobody signed in
    assert r.returncode == 3 and "desk --operator NAME" in r.stderr
    assert load_settings(Home(staffed)).hub_tokens == ()
    typed.append("9999")
    r = run_desk("--operator", SUPERVISOR, "hub", "token", "add", home=staffed)
    assert r.returncode == 0, r.stderr
    assert len(load_settings(Home(staffed)).hub_tokens) == 1


def test_only_a_supervisor_recovers_a_restored_desk(staffed, typed, tmp_path):
    import shutil
    import zipfile

    from desk.ops.backup import backup_home

    desk = open_desk(staffed)
    try:
        old_id = desk.desk_id
        backup = backup_home(desk, tmp_path).path
    finally:
        desk.close()
    shutil.rmtree(staffed)  # the disk failed: the home made again from the backup
    staffed.mkdir()
    with zipfile.ZipFile(backup) as zf:
        zf.extractall(staffed)
    typed.append("1234")
    r = run_desk("--operator", CLERK, "recover", home=staffed)  # what happened may be read by anyone
    assert r.returncode == 0 and "restored from the backup" in r.stdout, r.stderr
    typed.append("1234")
    r = run_desk("--operator", CLERK, "recover", "--new-identity", "--json", home=staffed)
    assert r.returncode == 3, r.stdout
    error = json.loads(r.stdout)["error"]
    assert (error["code"], error["params"]) == ("operator.supervisor_only", {"action": "recover", "name": CLERK})
    typed.append("9999")
    r = run_desk("--operator", SUPERVISOR, "recover", "--new-identity", "--json", home=staffed)
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert answer["action"] == "new_identity" and answer["desk_id"] != old_id
