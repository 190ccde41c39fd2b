"""The ``desk`` command (in-process, see tests/desk_helpers.py) with a temporary home: output, JSON and exit codes."""

import json
import os
import stat

import pytest

from tests.conftest import new_cli_home, run_desk

SCAN = "001099012345|123456789|Nguyễn Văn An|01011999|Nam|Số 1 Phố Huế, Hai Bà Trưng, Hà Nội|15082021"


@pytest.fixture
def cli_home(tmp_path):
    """A home as `desk init --desk-no 2 …` and `desk catalog import --sample` make it (a copy of a template)."""
    return new_cli_home(tmp_path / "h", desk_no=2)


@pytest.fixture
def initialised_home(tmp_path):
    """A home really made by `desk init` and `desk catalog import --sample` in this test."""
    home = tmp_path / "h"
    r = run_desk(
        "init",
        "--agency-code",
        "000.00.12.H29",
        "--agency-name",
        "UBND xã Minh Khai",
        "--desk-no",
        "2",
        "--clerk",
        "Nguyễn Thị Lan",
        home=home,
    )
    assert r.returncode == 0, r.stderr
    r = run_desk("catalog", "import", "--sample", home=home)
    assert r.returncode == 0, r.stderr
    return home


def test_init_makes_an_owner_only_home_and_refuses_to_overwrite(initialised_home):
    cli_home = initialised_home
    assert stat.S_IMODE(os.stat(cli_home).st_mode) == 0o700
    for name in ("desk.toml", "agency.key", "desk.sqlite3"):
        assert stat.S_IMODE(os.stat(cli_home / name).st_mode) == 0o600, name
    for sub in ("files", "outbox", "inbox"):
        assert (cli_home / sub).is_dir()
    r = run_desk("init", "--agency-code", "X1", "--agency-name", "Other", home=cli_home)
    assert r.returncode == 3 and "refusing to overwrite" in r.stderr
    assert "UBND xã Minh Khai" in (cli_home / "desk.toml").read_text(encoding="utf-8")


def test_init_rejects_bad_agency_code(tmp_path):
    r = run_desk("init", "--agency-code", "bad code!", "--agency-name", "X", home=tmp_path / "h")
    assert r.returncode == 3 and "agency code" in r.stderr
    assert not (tmp_path / "h" / "desk.toml").exists()


def test_init_where_no_home_can_be_made(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    r = run_desk("init", "--agency-code", "X1", "--agency-name", "A", home=blocker / "home")
    assert r.returncode == 3 and "cannot create the home" in r.stderr and "Traceback" not in r.stderr


def test_desk_home_env_is_honoured(cli_home):
    r = run_desk("catalog", "list", env={"DESK_HOME": str(cli_home)})
    assert r.returncode == 0 and "1.001193" in r.stdout


def test_intake_with_scan_json_and_show(cli_home):
    r = run_desk(
        "intake", "--procedure", "1.001193", "--scan", SCAN, "--phone", "0912 345 678", "--json", home=cli_home
    )
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["code"] == "000.00.12.H29-261123-2001"
    assert d["procedure_code"] == "1.001193" and d["status"] == "received"
    assert d["received_at"] == "2026-11-23T09:00:00" and d["due_at"] == "2026-11-23T17:00:00"
    assert d["applicant"] == {
        "kind": "citizen",
        "name": "Nguyễn Văn An",
        "id_number": "001099012345",
        "id_kind": "cccd",
        "birth_date": "1999-01-01",
        "sex": "Nam",
        "phone": "0912345678",
        "email": "",
        "address": "Số 1 Phố Huế, Hai Bà Trưng, Hà Nội",
    }
    assert d["components"] and all({"code", "name", "received", "digitisation"} <= set(c) for c in d["components"])
    r = run_desk("show", d["code"], "--json", home=cli_home)
    shown = json.loads(r.stdout)
    assert shown["code"] == d["code"] and shown["events"][0]["type"] == "dossier.received"
    r = run_desk("show", d["code"], home=cli_home)
    assert "Nguyễn Văn An" in r.stdout and "dossier.received" in r.stdout


def test_intake_received_at_after_cutoff(cli_home):
    r = run_desk(
        "intake",
        "--procedure",
        "1.001193",
        "--name",
        "Trần Thị Bình",
        "--received-at",
        "2026-11-23T15:30",
        "--json",
        home=cli_home,
        env={"DESK_NOW": "2026-11-23T16:00:00"},
    )
    d = json.loads(r.stdout)
    # after the 15:00 cut-off: next working day (24/11/2026 is Ngày Văn hóa Việt Nam) → Wed 25/11
    assert d["due_at"] == "2026-11-25T17:00:00"


def test_search_json_folded(cli_home):
    run_desk("intake", "--procedure", "2.000815", "--name", "Nguyễn Văn Đức", home=cli_home)
    run_desk("intake", "--procedure", "2.000815", "--name", "Lê Thị Hoa", home=cli_home)
    r = run_desk("search", "nguyen van duc", "--json", home=cli_home)
    found = json.loads(r.stdout)
    assert [x["applicant"]["name"] for x in found] == ["Nguyễn Văn Đức"]
    r = run_desk("search", "nobody", "--json", home=cli_home)
    assert json.loads(r.stdout) == []


@pytest.mark.parametrize(
    "args, code, text",
    [
        (["intake", "--procedure", "1.001193", "--name", "An", "--id-number", "12345"], 3, "id_number"),
        (["intake", "--procedure", "1.001193", "--name", "An", "--birth-date", "31/02/1990"], 3, "birth date"),
        (["intake", "--procedure", "1.001193", "--name", "An", "--phone", "12"], 3, "phone"),
        (["intake", "--procedure", "9.999", "--name", "An"], 4, "not in this desk's catalogue"),
        (["intake", "--procedure", "1.001193", "--scan", "garbage"], 3, "not a chip ID card"),
        (["intake", "--procedure", "1.001193", "--name", "An", "--received-at", "yesterday"], 3, "ISO 8601"),
        (["intake", "--procedure", "1.001193"], 2, "required"),
        (["show", "000.00.12.H29-261123-9999"], 4, "no dossier"),
        (["frobnicate"], 2, "invalid choice"),
        (["catalog", "import", "/nonexistent.json"], 4, "no such file"),
    ],
)
def test_bad_input_gives_a_message_and_the_exit_code(cli_home, args, code, text):
    r = run_desk(*args, home=cli_home)
    assert r.returncode == code, (r.returncode, r.stderr)
    assert text in r.stderr
    assert "Traceback" not in r.stderr
    # nothing was written
    r = run_desk("verify", "--json", home=cli_home)
    assert json.loads(r.stdout)["ok"] is True
    assert json.loads(run_desk("search", "an", "--json", home=cli_home).stdout) == []


def test_an_error_with_json_is_a_problem_a_script_can_read(cli_home):
    r = run_desk(
        "intake",
        "--procedure",
        "1.001193",
        "--name",
        "An",
        "--id-number",
        "001099012345",
        "--birth-date",
        "1998-01-01",
        "--json",
        home=cli_home,
    )
    assert r.returncode == 3
    assert r.stderr == (
        "desk: error (id_number): The ID number 001099012345 does not match the applicant: its 5th–6th digits 99 "
        "mean born in 1999, but the birth date is in 1998.\n"
    )
    error = json.loads(r.stdout)["error"]
    assert error["code"] == "id_number.year" and error["field"] == "id_number"
    assert error["params"] == {"number": "001099012345", "year_digits": "99", "encoded_year": 1999, "year": 1998}
    assert error["message"] in r.stderr
    # a warning is worded too: the old 9-digit ID is accepted
    r = run_desk("intake", "--procedure", "1.001193", "--name", "An", "--id-number", "123456789", home=cli_home)
    assert r.returncode == 0 and "desk: warning: This is a 9-digit old ID card number (CMND)" in r.stderr


def test_uninitialised_home_is_explained(tmp_path):
    r = run_desk("catalog", "list", home=tmp_path / "nothing")
    assert r.returncode == 3 and "desk init" in r.stderr and "Traceback" not in r.stderr


def test_verify_json_and_tamper_exit_5(cli_home):
    run_desk("intake", "--procedure", "2.000815", "--name", "A An", home=cli_home)
    r = run_desk("verify", "--json", home=cli_home)
    assert r.returncode == 0 and json.loads(r.stdout) == {"ok": True, "problems": [], "warnings": [], "notes": []}
    import sqlite3

    con = sqlite3.connect(cli_home / "desk.sqlite3")
    con.execute("UPDATE events SET clerk = 'Mallory'")
    con.commit()
    con.close()
    r = run_desk("verify", "--json", home=cli_home)
    assert r.returncode == 5
    assert any("altered" in p for p in json.loads(r.stdout)["problems"])


def test_clerk_is_changeable_and_recorded(cli_home):
    r = run_desk("clerk", "Phạm Văn Minh", home=cli_home)
    assert r.returncode == 0
    r = run_desk("intake", "--procedure", "2.000815", "--name", "A An", "--json", home=cli_home)
    code = json.loads(r.stdout)["code"]
    shown = json.loads(run_desk("show", code, "--json", home=cli_home).stdout)
    assert shown["clerk"] == "Phạm Văn Minh" and shown["events"][0]["clerk"] == "Phạm Văn Minh"


def test_key_export_and_second_desk_shares_it(cli_home, tmp_path):
    out = tmp_path / "usb" / "agency.key"
    out.parent.mkdir()
    r = run_desk("key", "export", "--out", str(out), home=cli_home)
    assert r.returncode == 0 and stat.S_IMODE(os.stat(out).st_mode) == 0o600
    key_hex = (cli_home / "agency.key").read_text().strip()
    assert key_hex not in r.stdout + r.stderr  # never printed
    other = tmp_path / "desk3"
    r = run_desk(
        "init",
        "--agency-code",
        "000.00.12.H29",
        "--agency-name",
        "UBND xã Minh Khai",
        "--desk-no",
        "3",
        "--agency-key",
        str(out),
        home=other,
    )
    assert r.returncode == 0, r.stderr
    assert (other / "agency.key").read_text().strip() == key_hex


def test_backup_holds_a_consistent_home(cli_home, tmp_path):
    import sqlite3
    import zipfile

    run_desk("intake", "--procedure", "2.000815", "--name", "Nguyễn Văn Đức", home=cli_home)
    out = tmp_path / "usb"
    out.mkdir()
    r = run_desk("backup", str(out), "--json", home=cli_home)
    assert r.returncode == 0, r.stderr
    path = json.loads(r.stdout)["path"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with zipfile.ZipFile(path) as zf:
        assert {"desk.sqlite3", "desk.toml", "agency.key"} <= set(zf.namelist())
        zf.extractall(tmp_path / "restored")
    con = sqlite3.connect(tmp_path / "restored" / "desk.sqlite3")
    assert con.execute("SELECT applicant_name FROM dossiers").fetchall() == [("Nguyễn Văn Đức",)]
    con.close()
    # the restored home is a working desk
    r = run_desk("verify", "--json", home=tmp_path / "restored")
    assert json.loads(r.stdout)["ok"] is True
    r = run_desk("backup", path, home=cli_home)
    assert r.returncode == 3 and "refusing to overwrite" in r.stderr
    r = run_desk("backup", str(tmp_path / "no-stick" / "b.zip"), home=cli_home)
    assert r.returncode == 3 and "does not exist" in r.stderr
