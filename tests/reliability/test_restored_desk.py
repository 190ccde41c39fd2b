"""Point 3: a desk restored from an older backup never re-issues codes; `desk recover` puts it back in line."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from desk.config import update_settings
from desk.context import open_desk
from desk.ops.backup import backup_home
from desk.sync import hub as hubmod
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import export_bundle
from desk.sync.push import push
from tests.conftest import new_home, run_desk
from tests.desk_helpers import enrol_homes

INTAKE = ("intake", "--procedure", "2.000815", "--name", "Trần Thị Bình", "--json")


def intake_code(home) -> tuple[int, str]:
    r = run_desk(*INTAKE, home=home.root)
    return r.returncode, (json.loads(r.stdout)["code"] if r.returncode == 0 else r.stderr)


@pytest.fixture
def world(tmp_path, now):
    """A desk with one dossier backed up, then two more dossiers that left it (bundle or push)."""
    desk_home = new_home(tmp_path / "desk", desk_no=1)
    hub_home = new_home(tmp_path / "hub", desk_no=0)
    token = hubmod.add_token(hub_home)
    update_settings(desk_home, sync_token=token)
    enrol_homes(desk_home, hub_home)  # enrolled at the hub, the hub's key pinned (in desk.toml: the backup keeps it)
    assert intake_code(desk_home)[1].endswith("-1001")
    d = open_desk(desk_home)
    try:
        backup = backup_home(d, tmp_path).path
    finally:
        d.close()
    assert intake_code(desk_home)[1].endswith("-1002")
    assert intake_code(desk_home)[1].endswith("-1003")
    return desk_home, hub_home, backup, tmp_path


def restore(home, backup: Path) -> None:
    """What a supervisor does after a disk failure: the home made again from the backup zip."""
    shutil.rmtree(home.root)
    home.root.mkdir()
    with zipfile.ZipFile(backup) as zf:
        zf.extractall(home.root)
    assert not (home.root / "desk-key.pem").exists()  # the desk's key never leaves its PC, not even in a backup


def new_key(desk_home, hub_home, tmp_path, *, replace: bool = True) -> None:
    """A restored desk makes a new key and enrols it; the hub takes it in place of the lost one
    (``--replace``), or as a new desk."""
    assert run_desk("keys", "init", home=desk_home.root).returncode == 0
    request = tmp_path / "request.json"
    r = run_desk("enrol", "--out", str(request), home=desk_home.root)
    assert r.returncode == 0, r.stderr
    r = run_desk("hub", "enrol", str(request), "--yes", *(["--replace"] if replace else []), home=hub_home.root)
    assert r.returncode == 0, r.stderr


def test_the_backup_records_the_chain_head(world):
    desk_home, _, backup, _ = world
    with zipfile.ZipFile(backup) as zf:
        record = json.loads(zf.read("backup.json"))
    assert record["last_seq"] == 1 and len(record["last_hash"]) == 64
    assert run_desk("recover", home=desk_home.root).stdout.startswith("this home was not restored")


def test_a_restored_desk_issues_no_code_until_recovered_from_the_hub(world):
    desk_home, hub_home, backup, _ = world
    h = open_desk(hub_home)
    server = hubmod.make_server(h, port=0).start()
    try:
        d = open_desk(desk_home)
        try:
            push(d, server.url, sleep=lambda s: None)  # the hub holds seq 1–3, codes 1001–1003
        finally:
            d.close()
        restore(desk_home, backup)
        status, said = intake_code(desk_home)
        assert status == 5 and "restored from the backup" in said  # never 1002 a second time
        assert "restored from the backup" in run_desk("recover", home=desk_home.root).stdout
        r = run_desk("recover", "--hub", "--endpoint", server.url, home=desk_home.root)
        assert r.returncode == 0 and "goes on after seq 3" in r.stdout, r.stdout + r.stderr
        assert intake_code(desk_home)[1].endswith("-1004")
        new_key(desk_home, hub_home, desk_home.root.parent)
        d = open_desk(desk_home)
        try:
            assert push(d, server.url, sleep=lambda s: None).pushed == 1  # seq 4 follows the hub's seq 3: no fork
        finally:
            d.close()
    finally:
        server.shutdown()
        h.close()
    r = run_desk("verify", home=desk_home.root)
    assert r.returncode == 0 and "are at the hub, not here" in r.stderr, r.stdout + r.stderr
    assert run_desk("verify", home=hub_home.root).returncode == 0


def test_a_restored_desk_recovers_from_its_newest_bundle(world):
    desk_home, hub_home, backup, tmp_path = world
    d = open_desk(desk_home)
    try:
        first = export_bundle(d, tmp_path).path  # seq 1–3 on the USB stick
    finally:
        d.close()
    restore(desk_home, backup)
    assert intake_code(desk_home)[0] == 5
    r = run_desk("recover", "--bundle", str(first), home=desk_home.root)
    assert r.returncode == 0 and "goes on after seq 3" in r.stdout, r.stdout + r.stderr
    assert intake_code(desk_home)[1].endswith("-1004")
    new_key(desk_home, hub_home, tmp_path)  # the old key signed up to seq 3 (the request says the desk is at 4)
    out = tmp_path / "second"
    out.mkdir()
    d = open_desk(desk_home)
    try:
        second = export_bundle(d, out).path
    finally:
        d.close()
    h = open_desk(hub_home)
    try:
        import_bundle(h, first)
        assert import_bundle(h, second).imported_events >= 1  # continues the chain the hub has
    finally:
        h.close()
    assert run_desk("verify", home=hub_home.root).returncode == 0


def test_the_supervisor_can_give_a_restored_desk_a_new_identity(world):
    desk_home, hub_home, backup, tmp_path = world
    d = open_desk(desk_home)
    try:
        old_id = d.desk_id
        first = export_bundle(d, tmp_path).path
    finally:
        d.close()
    restore(desk_home, backup)
    r = run_desk("recover", "--new-identity", "--bundle", str(first), "--json", home=desk_home.root)
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert answer["action"] == "new_identity" and answer["desk_id"] != old_id
    assert intake_code(desk_home)[1].endswith("-1004")  # after the highest code known, under the same number
    h = open_desk(hub_home)
    try:
        import_bundle(h, first)  # the old identity's last bundle, then its number goes to the new one
    finally:
        h.close()
    assert run_desk("hub", "revoke", old_id, "--yes", home=hub_home.root).returncode == 0
    new_key(desk_home, hub_home, tmp_path, replace=False)
    out = tmp_path / "new"
    out.mkdir()
    d = open_desk(desk_home)
    try:
        assert d.desk_id == answer["desk_id"]
        new = export_bundle(d, out).path
    finally:
        d.close()
    h = open_desk(hub_home)
    try:
        import_bundle(h, new)
    finally:
        h.close()
    assert run_desk("verify", home=hub_home.root).returncode == 0


def test_recover_refuses_another_desks_bundle(world, tmp_path):
    desk_home, _, backup, _ = world
    other = new_home(tmp_path / "other", desk_no=2)
    assert intake_code(other)[0] == 0
    out = tmp_path / "other-usb"
    out.mkdir()
    d = open_desk(other)
    try:
        bundle = export_bundle(d, out).path
    finally:
        d.close()
    restore(desk_home, backup)
    r = run_desk("recover", "--bundle", str(bundle), home=desk_home.root)
    assert r.returncode == 3 and "not of this desk" in r.stderr
    assert intake_code(desk_home)[0] == 5  # still restored
