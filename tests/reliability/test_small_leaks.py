"""Point 10: small leaks: killed backups and exports, file modes, CSV formulas, doubled QR fields, hub gaps."""

from __future__ import annotations

import csv
import io
import os
import signal
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from db import write_transaction
from desk.context import open_desk
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.ops.backup import backup_home
from desk.reports.day import day_report, report_csv
from desk.rules.receipt_qr import Verdict, build_payload, verify_payload
from desk.rules.spreadsheet import safe_cell
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import export_bundle
from tests.conftest import DEFAULT_NOW, ROOT, new_home, run_desk
from tests.desk_helpers import enrol_homes

posix_only = pytest.mark.skipif(os.name != "posix", reason="kill -9 and file modes are POSIX")


def intake(desk, name: str = "Nguyễn Văn An", **applicant):
    d, _ = receive(desk, IntakeRequest(procedure_code="2.000815", applicant=ApplicantInput(name=name, **applicant)))
    return d


def killed_midway(home: Path, code: str, tmpdir: Path) -> int:
    """Run ``code`` (a desk in ``desk``) in a process that kills itself (-9) at the cue; its exit status."""
    script = (
        "import os, signal, zipfile\n"
        "from desk.context import open_desk\n"
        "def die(*a, **k):\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        f"desk = open_desk({str(home)!r})\n" + code
    )
    env = {**os.environ, "DESK_NOW": DEFAULT_NOW, "TMPDIR": str(tmpdir), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, timeout=120, check=False).returncode


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@posix_only
def test_a_killed_backup_leaves_no_database_copy_behind(tmp_path, now, umask022):
    home = new_home(tmp_path / "home")
    d = open_desk(home)
    intake(d)
    d.close()
    out, systmp = tmp_path / "usb", tmp_path / "systmp"
    out.mkdir()
    systmp.mkdir()
    # killed while zipping, once the database has been copied
    status = killed_midway(
        home.root,
        "zipfile.ZipFile.write = die\n"
        "zipfile.ZipFile.open = die\n"
        "from desk.ops.backup import backup_home\n"
        f"backup_home(desk, {str(out)!r})\n",
        systmp,
    )
    assert status == -signal.SIGKILL
    assert [p for p in systmp.rglob("*") if p.is_file()] == []  # nothing in the system's temporary folder
    leftovers = [p for p in out.iterdir()]
    assert all(mode(p) & 0o077 == 0 for p in leftovers), [oct(mode(p)) for p in leftovers]
    # the next backup removes what the killed one left
    d = open_desk(home)
    try:
        result = backup_home(d, out)
    finally:
        d.close()
    assert list(out.iterdir()) == [result.path]
    assert mode(result.path) == 0o600
    with zipfile.ZipFile(result.path) as zf:
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in zf.infolist()}
    assert modes["desk.sqlite3"] == 0o600 and set(modes.values()) == {0o600}


@posix_only
def test_a_bundle_is_owner_only(desk, tmp_path, umask022):
    intake(desk)
    result = export_bundle(desk, tmp_path)
    assert mode(result.path) == 0o600


@posix_only
def test_the_part_file_of_a_killed_export_is_removed_by_the_next_export(tmp_path, now):
    home = new_home(tmp_path / "home")
    d = open_desk(home)
    intake(d)
    d.close()
    out = tmp_path / "usb"
    out.mkdir()
    status = killed_midway(
        home.root,
        f"import desk.sync.bundle_write as bw\nbw.os.replace = die\nbw.export_bundle(desk, {str(out)!r})\n",
        tmp_path,
    )
    assert status == -signal.SIGKILL
    assert [p.name for p in out.iterdir() if p.name.endswith(".part")], "the kill left no part file to clean"
    d = open_desk(home)
    try:
        intake(d)  # a new event: the next bundle has another name than the killed one
        result = export_bundle(d, out)
    finally:
        d.close()
    assert list(out.iterdir()) == [result.path]


FORMULAS = ['=HYPERLINK("http://x.invalid","bấm vào")', "+84912345678", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def test_csv_cells_that_look_like_formulas_are_quoted():
    assert [safe_cell(v) for v in FORMULAS] == ["'" + v for v in FORMULAS]
    assert safe_cell(-5) == -5 and safe_cell(1.5) == 1.5  # numbers the desk writes stay numbers
    assert safe_cell("Nguyễn Văn An") == "Nguyễn Văn An" and safe_cell("") == ""


def test_the_register_csv_of_a_bundle_runs_no_formula(desk, tmp_path):
    intake(desk, name='=HYPERLINK("http://x.invalid","Nguyễn")', address="@SUM(1+1)")
    result = export_bundle(desk, tmp_path)
    with zipfile.ZipFile(result.path) as zf:
        text = zf.read("register.csv").decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert '\'=HYPERLINK("http://x.invalid","Nguyễn")' in cells and "'@SUM(1+1)" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_the_report_csv_runs_no_formula(now, tmp_path):
    from desk.config import update_settings

    home = new_home(tmp_path / "home")
    update_settings(home, clerk="=cmd|' /C calc'!A0")
    d = open_desk(home)
    try:
        intake(d)
        text = report_csv(day_report(d)).decode("utf-8-sig")
    finally:
        d.close()
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_a_receipt_qr_with_a_repeated_field_is_not_genuine(desk):
    from desk.config import read_agency_key
    from desk.dossier.query import find

    dossier = intake(desk, id_number="001099012345")
    key = read_agency_key(desk.home)
    payload = build_payload(dossier, key)
    assert verify_payload(payload, key, lambda code: find(desk, code)).verdict is Verdict.GENUINE
    for doubled in (
        payload.replace("&sig=", "&dd=079199012345&sig="),  # a second dd after the signed one
        payload.replace("?mhs=", "?dd=079199012345&mhs=", 1),  # one before the fields
        payload + "&dd=001099012345",  # even the same value twice
    ):
        verdict = verify_payload(doubled, key, lambda code: find(desk, code))
        assert not verdict.genuine and verdict.verdict is Verdict.FORGED, doubled
    r = run_desk("verify-receipt", payload.replace("&sig=", "&dd=079199012345&sig="), home=desk.home.root)
    assert r.returncode != 0


def test_verify_at_a_hub_tells_a_bundle_on_its_way_from_corruption(tmp_path, now):
    desk_home = new_home(tmp_path / "desk", desk_no=1)
    hub_home = new_home(tmp_path / "hub", desk_no=0)
    enrol_homes(desk_home, hub_home)
    d = open_desk(desk_home)
    try:
        intake(d)
        intake(d)
        first = tmp_path / "first"
        first.mkdir()
        export_bundle(d, first)  # events 1–2: this stick has not reached the hub yet
        intake(d)
        intake(d)
        second = export_bundle(d, tmp_path).path  # events 3–4
    finally:
        d.close()
    h = open_desk(hub_home)
    try:
        import_bundle(h, second)
    finally:
        h.close()
    r = run_desk("verify", home=hub_home.root)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "have not arrived yet" in r.stderr
    # an event deleted at the hub is corruption, gap recorded or not
    h = open_desk(hub_home)
    try:
        with write_transaction(h.db):
            h.db.execute("DELETE FROM events WHERE seq = 3 AND desk_id != ?", (h.desk_id,))
    finally:
        h.close()
    r = run_desk("verify", home=hub_home.root)
    assert r.returncode == 5, r.stdout + r.stderr
