"""End-of-day bundles: export at a desk, import at a hub; hostile bundles refused whole."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db import queries
from db import sync_queries as sq
from desk import keys
from desk.cli.wording import describe
from desk.context import open_desk
from desk.dossier import checklist, lifecycle
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.dossier.query import get
from desk.dossier.rows import dossier_json, fold_name
from desk.errors import DeskError, IntegrityFailure
from desk.ops.verify import verify
from desk.rules import canonical
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import FORMAT, export_bundle
from desk.sync.ingest import Cancelled
from desk.text import fold
from tests.conftest import new_cli_home, run_desk
from tests.desk_helpers import enrol_at, sign_as_its_desk
from tests.problem_helpers import raises_problem

AGENCY = "000.00.12.H29"


def intake(desk, name="Nguyễn Văn An", procedure="2.000815"):
    d, _ = receive(
        desk, IntakeRequest(procedure_code=procedure, applicant=ApplicantInput(name=name, phone="0912345678"))
    )
    return d


def table(desk, name: str, order: str) -> list[tuple]:
    return desk.db.execute(f"SELECT * FROM {name} ORDER BY {order}").fetchall()


def hub_state(desk) -> dict:
    return {
        "events": table(desk, "events", "desk_id, seq"),
        "dossiers": table(desk, "dossiers", "code"),
        "lines": desk.db.execute(
            "SELECT d.code, l.position, l.code, l.digitisation, l.file_path FROM component_lines l "
            "JOIN dossiers d ON d.id = l.dossier_id ORDER BY 1, 2"
        ).fetchall(),
        "imports": table(desk, "sync_imports", "id"),
        "gaps": table(desk, "sync_gaps", "id"),
    }


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def rewrite(src: Path, dst: Path, *, change=None, add=None, fix_manifest=False) -> Path:
    """Copy a bundle, changing members (name -> new bytes or None to drop); optionally fix the manifest's
    member list. A changed manifest is signed again by its desk's key (``sign_as_its_desk``)."""
    content = members(src)
    original = content["manifest.json"]
    for name, data in (change or {}).items():
        if data is None:
            content.pop(name)
        else:
            content[name] = data
    content.update(add or {})
    if fix_manifest:
        m = json.loads(content["manifest.json"])
        m["members"] = [
            {"name": n, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
            for n, d in sorted(content.items())
            if n not in ("manifest.json", "signature.json")
        ]
        content["manifest.json"] = json.dumps(m).encode()
    if content.get("manifest.json", original) != original:
        content = sign_as_its_desk(content)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in content.items():
            zf.writestr(n, d)
    return dst


def events_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in members(path)["events.jsonl"].decode().splitlines()]


def reference_json(value) -> bytes:
    """The canonical JSON as docs/bundle-format.md defines it: how a forger, or another implementation, writes it."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def forged_hash(record: dict) -> str:
    return hashlib.sha256(reference_json({k: v for k, v in record.items() if k != "hash"})).hexdigest()


def jsonl(records: list[dict]) -> bytes:
    return b"".join(reference_json(r) + b"\n" for r in records)


# --- export -------------------------------------------------------------------------


def test_export_writes_the_bundle_of_spec_7(make_desk, out):
    a = make_desk("a", 1)
    d1 = intake(a, "Nguyễn Văn An")
    intake(a, "Trần Thị Bích")
    lifecycle.transfer(a, d1.code)
    r = export_bundle(a, out)
    assert r.path.name == f"{AGENCY}_1_20261123_1-3.deskbundle"
    assert (r.events, r.dossiers, r.first_seq, r.last_seq) == (3, 2, 1, 3)
    assert sorted(os.listdir(out)) == [r.path.name]  # no temporary file left behind
    content = members(r.path)
    assert set(content) == {"manifest.json", "signature.json", "events.jsonl", "dossiers.json", "register.csv"}
    # the desk's key signs the manifest's exact bytes (docs/keys.md)
    signed = json.loads(content["signature.json"])
    assert signed["desk_id"] == a.desk_id and signed["key"] == keys.public_text(keys.desk_public_key(a.home))
    assert keys.verify(keys.desk_public_key(a.home), keys.unb64(signed["signature"]), content["manifest.json"])
    m = json.loads(content["manifest.json"])
    assert m["format"] == FORMAT and m["agency"] == AGENCY and m["desk_no"] == 1 and m["desk_id"] == a.desk_id
    assert m["seq"] == {"first": 1, "last": 3} and m["counts"]["events"] == 3 and m["counts"]["dossiers"] == 2
    assert m["created_at"] == "2026-11-23T09:00:00"
    for entry in m["members"]:
        data = content[entry["name"]]
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["size"] == len(data)
    lines = content["events.jsonl"].decode().splitlines()
    records = [json.loads(x) for x in lines]
    assert [r["seq"] for r in records] == [1, 2, 3]
    assert all(line.encode() == canonical.dumps(rec) for line, rec in zip(lines, records))
    assert m["last_hash"] == records[-1]["hash"]
    portal = json.loads(content["dossiers.json"])
    by_code = {p["MaHoSo"]: p for p in portal}
    assert by_code[d1.code]["TrangThaiHoSo"] == 4  # transferred
    assert by_code[d1.code]["NgayTiepNhan"] == "20261123090000" and by_code[d1.code]["KenhThucHien"] == 1
    csv_text = content["register.csv"]
    assert csv_text.startswith(b"\xef\xbb\xbf") and "Trần Thị Bích".encode() in csv_text
    # exported events are marked, and nothing is left to export
    assert set(queries.sync_marks(a.db, a.desk_id).values()) == {f"bundle:{r.path.name}"}
    assert queries.count_unsynced(a.db, a.desk_id) == 0
    assert export_bundle(a, out).path is None


def test_reexport_of_the_same_range_gives_byte_identical_members(make_desk, out, tmp_path, now):
    a = make_desk("a", 1)
    for i in range(3):
        intake(a, f"Người {i}")
    first = export_bundle(a, out)
    now("2026-11-24T10:00:00")
    other = tmp_path / "other"
    other.mkdir()
    again = export_bundle(a, other, day=date(2026, 11, 23))
    assert again.path.name == first.path.name
    m1, m2 = members(first.path), members(again.path)
    assert set(m1) == set(m2)
    for name in m1:
        if name not in ("manifest.json", "signature.json"):  # the signature signs the manifest
            assert m1[name] == m2[name], name
    j1, j2 = json.loads(m1["manifest.json"]), json.loads(m2["manifest.json"])
    assert j1["created_at"] != j2["created_at"]
    for key in ("created_at", "day"):
        j1.pop(key), j2.pop(key)
    assert j1 == j2
    # the zip entries carry fixed timestamps
    with zipfile.ZipFile(again.path) as zf:
        assert {zi.date_time for zi in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_dossiers_json_is_the_portal_records_of_the_latest_snapshots(make_desk, out):
    from desk.catalog.store import get_procedure
    from desk.rules.portal import record_from_row

    a = make_desk("a", 1)
    d1 = intake(a, 'Tên có "ngoặc" và \\ gạch')
    intake(a, "Trần Thị Bích", procedure="1.000894")
    lifecycle.transfer(a, d1.code)
    content = members(export_bundle(a, out).path)
    latest = {}
    for line in content["events.jsonl"].decode().splitlines():
        record = json.loads(line)
        latest[record["dossier_code"]] = record["payload"]
    agency = a.settings.agency
    expected = (
        "[\n"
        + ",\n".join(
            json.dumps(
                record_from_row(
                    latest[code]["dossier"],
                    latest[code]["components"],
                    procedure=get_procedure(a, latest[code]["dossier"]["procedure_code"]),
                    agency_name=agency.name,
                    agency_code=agency.code,
                ),
                ensure_ascii=False,
                separators=(",", ":"),
            )
            for code in sorted(latest)
        )
        + "\n]\n"
    )
    assert content["dossiers.json"].decode() == expected
    first = json.loads(content["dossiers.json"])[0]
    assert list(first)[:3] == ["MaHoSo", "MaTTHC", "TenTTHC"]  # DOMAIN.md's order, not sorted


def test_date_reexport_takes_one_day_and_later_changes_do_not_alter_it(make_desk, out, tmp_path, now):
    a = make_desk("a", 1)
    d = intake(a)
    now("2026-11-24T09:30:00")
    intake(a, "Hôm sau")
    lifecycle.transfer(a, d.code)  # a later change to a dossier of the first day
    r = export_bundle(a, out, day=date(2026, 11, 23))
    assert (r.first_seq, r.last_seq, r.events) == (1, 1, 1)
    portal = json.loads(members(r.path)["dossiers.json"])
    assert [p["TrangThaiHoSo"] for p in portal] == [2]  # as of the end of that day's range


def test_unwritable_destination_is_a_clear_message_and_marks_nothing(make_desk, out, monkeypatch):
    a = make_desk("a", 1)
    intake(a)

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("desk.sync.bundle_write.os.fsync", full)
    with pytest.raises(DeskError) as exc:
        export_bundle(a, out)
    words = describe(exc.value.problem)
    assert "No space left on device" in words and "Nothing was marked" in words
    assert os.listdir(out) == []
    assert queries.count_unsynced(a.db, a.desk_id) == 1
    assert set(queries.sync_marks(a.db, a.desk_id).values()) == {""}


def test_stick_filling_up_while_the_events_are_written(make_desk, out, monkeypatch):
    # the file is written on a background thread: its error must still reach the clerk, and stop the export
    a = make_desk("a", 1)
    for i in range(3):
        intake(a, f"Người thứ {i}")
    monkeypatch.setattr("desk.sync.bundle_write.EVENTS_CHUNK", 1)  # one write per event
    real_write = zipfile._ZipWriteFile.write
    calls = []

    def fills_up(self, data):
        calls.append(len(data))
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(zipfile._ZipWriteFile, "write", fills_up)
    with pytest.raises(DeskError) as exc:
        export_bundle(a, out)
    words = describe(exc.value.problem)
    assert "No space left on device" in words and "Nothing was marked" in words
    assert len(calls) == 2  # nothing more was written after the error
    assert os.listdir(out) == []
    assert queries.count_unsynced(a.db, a.desk_id) == 3


def test_read_only_usb_stick(make_desk, out, monkeypatch):
    # a stick whose write-protect switch is on: the kernel answers EROFS (root included)
    a = make_desk("a", 1)
    intake(a)
    real_open = open

    def read_only(file, mode="r", *args, **kwargs):
        if str(file).startswith(str(out)) and any(m in mode for m in "wax+"):
            raise OSError(errno.EROFS, "Read-only file system", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", read_only)
    with pytest.raises(DeskError) as exc:
        export_bundle(a, out)
    monkeypatch.undo()
    assert "cannot write the bundle" in describe(exc.value.problem)
    assert "Read-only file system" in describe(exc.value.problem)
    assert os.listdir(out) == []
    assert queries.count_unsynced(a.db, a.desk_id) == 1
    assert set(queries.sync_marks(a.db, a.desk_id).values()) == {""}


def test_missing_destination_via_cli(tmp_path):
    home = new_cli_home(tmp_path / "h", agency_code=AGENCY, agency_name="X", desk_no=1, clerk="")
    assert run_desk("intake", "--procedure", "2.000815", "--name", "Lê Văn Tám", home=home).returncode == 0
    r = run_desk("export", "--out", str(tmp_path / "no-usb"), home=home)
    assert r.returncode == 3 and "does not exist" in r.stderr and "Traceback" not in r.stderr


def test_cancelled_export_keeps_nothing(make_desk, out):
    a = make_desk("a", 1)
    intake(a)

    def cancel(done, total):
        raise Cancelled("stopped")

    with pytest.raises(Cancelled):
        export_bundle(a, out, progress=cancel)
    assert os.listdir(out) == []
    assert queries.count_unsynced(a.db, a.desk_id) == 1
    assert set(queries.sync_marks(a.db, a.desk_id).values()) == {""}


# --- import ------------------------------------------------------------------------


def test_round_trip_between_two_homes_via_cli(make_desk, tmp_path, out):
    a = make_desk("a", 1)
    hub = make_desk("hub", 0)
    d1 = intake(a, "Nguyễn Văn An")
    d2 = intake(a, "Phạm Thị Hương", "1.001193")
    lifecycle.transfer(a, d1.code)
    checklist.mark_reused(a, d2.code, "giay_chung_sinh", "VNeID")
    r = run_desk("export", "--out", str(out), "--json", home=a.home.root)
    assert r.returncode == 0, r.stderr
    exported = json.loads(r.stdout)
    assert set(exported) >= {"path", "events", "dossiers"} and exported["events"] == 4
    r = run_desk("import", exported["path"], "--json", home=hub.home.root)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert (result["imported_events"], result["skipped_events"], result["gaps"]) == (4, 0, [])
    for code in (d1.code, d2.code):
        assert dossier_json(get(hub, code)) == dossier_json(get(a, code))
    mine = table(a, "events", "seq")
    theirs = table(hub, "events", "seq")
    assert theirs == mine
    r = run_desk("verify", "--json", home=hub.home.root)
    assert r.returncode == 0 and json.loads(r.stdout)["ok"]
    r = run_desk("search", "nguyen van an", "--json", home=hub.home.root)
    assert [x["code"] for x in json.loads(r.stdout)] == [d1.code]


def test_import_twice_changes_nothing(make_desk, out):
    a, hub = make_desk("a", 1), make_desk("hub", 0)
    for i in range(3):
        intake(a, f"Người {i}")
    path = export_bundle(a, out).path
    first = import_bundle(hub, path)
    assert (first.imported_events, first.skipped_events) == (3, 0)
    before = hub_state(hub)
    again = import_bundle(hub, path)
    assert (again.imported_events, again.skipped_events, again.gaps) == (0, 3, [])
    assert hub_state(hub) == before


def test_two_desks_of_one_agency_merge_into_one_register(make_desk, out):
    a, b, hub = make_desk("a", 1), make_desk("b", 2), make_desk("hub", 0)
    ca = [intake(a, f"Bàn một {i}").code for i in range(3)]
    cb = [intake(b, f"Bàn hai {i}").code for i in range(2)]
    assert not set(ca) & set(cb)
    for desk in (a, b):
        import_bundle(hub, export_bundle(desk, out).path)
    codes = [r[0] for r in hub.db.execute("SELECT code FROM dossiers ORDER BY code")]
    assert codes == sorted(ca + cb)
    assert codes[0].endswith("-1001") and codes[-1].endswith("-2002")
    assert verify(hub).ok
    rows = hub.db.execute("SELECT desk_no, count(*) FROM dossiers GROUP BY desk_no").fetchall()
    assert rows == [(1, 3), (2, 2)]


def test_missing_middle_bundle_is_recorded_as_a_gap_then_closed(make_desk, out):
    a, hub = make_desk("a", 1), make_desk("hub", 0)
    paths = []
    for batch in range(3):
        for i in range(2):
            intake(a, f"Đợt {batch} người {i}")
        paths.append(export_bundle(a, out).path)
    assert [p.name.rsplit("_", 1)[1] for p in paths] == ["1-2.deskbundle", "3-4.deskbundle", "5-6.deskbundle"]
    import_bundle(hub, paths[0])
    late = import_bundle(hub, paths[2])
    assert late.imported_events == 2
    assert [(g.first_seq, g.last_seq, g.desk_no) for g in late.gaps] == [(3, 4, 1)]
    assert "events 3–4" in describe(late.gaps[0].problem())
    r = run_desk("hub", "status", "--json", home=hub.home.root)
    assert r.returncode == 0, r.stderr
    status = json.loads(r.stdout)
    assert [(g["first_seq"], g["last_seq"]) for g in status["gaps"]] == [(3, 4)]
    r = run_desk("import", str(paths[2]), home=hub.home.root)
    assert r.returncode == 0 and "events 3–4 have not arrived" in r.stderr
    filled = import_bundle(hub, paths[1])
    assert filled.imported_events == 2 and filled.gaps == []
    gaps = hub.db.execute("SELECT first_seq, last_seq, closed_at IS NOT NULL FROM sync_gaps").fetchall()
    assert gaps == [(3, 4, 1)]
    assert verify(hub).ok


def test_scans_travel_with_files(make_desk, out):
    from pypdf import PdfWriter

    a, hub = make_desk("a", 1), make_desk("hub", 0)
    w = PdfWriter()
    w.add_blank_page(595, 842)
    buf = io.BytesIO()
    w.write(buf)
    scan = a.home.inbox / "scan.pdf"
    scan.write_bytes(buf.getvalue())
    d = intake(a, "Phạm Thị Hương", "1.001193")
    d = checklist.attach_file(a, d.code, "giay_chung_sinh", scan)
    line = next(c for c in d.components if c.file_path)
    r = export_bundle(a, out, with_files=True)
    assert r.files == 1 and f"files/{line.file_path}" in members(r.path)
    result = import_bundle(hub, r.path)
    assert result.files == 1
    stored = hub.home.files / line.file_path
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == line.file_sha256
    assert import_bundle(hub, r.path).imported_events == 0  # the file is already there, same content


def test_an_exported_line_is_read_back_by_the_codec_as_stored(make_desk, out):
    a = make_desk("a", 1)
    intake(a, 'Tên có "ngoặc" và \\ gạch')
    lines = members(export_bundle(a, out).path)["events.jsonl"].split(b"\n")[:-1]
    stored = a.db.execute("SELECT payload, hash FROM events ORDER BY seq").fetchall()
    for line, (payload, digest) in zip(lines, stored, strict=True):
        event = canonical.read_event_line(line)
        assert event.digest == digest == event.record["hash"]
        assert event.payload_json.decode() == payload


# --- hostile bundles: exit 5, nothing imported ----------------------------------------


@pytest.fixture
def bundle(make_desk, out):
    a = make_desk("a", 1)
    for i in range(3):
        intake(a, f"Người {i}")
    return export_bundle(a, out).path


@pytest.fixture
def hub(make_desk):
    return make_desk("hub", 0)


@pytest.fixture
def refused():
    """``refused(hub, path, *words, code=None, **params)``: the import is refused with exit 5 through the CLI
    and in this process, with ``words`` in the message, or the problem ``code`` with ``params``; nothing is
    stored."""

    def check(hub, path: Path, *words: str, code: str | None = None, **params) -> None:
        r = run_desk("import", str(path), home=hub.home.root)
        assert r.returncode == 5, (r.returncode, r.stderr)
        assert "Traceback" not in r.stderr
        with pytest.raises(IntegrityFailure) as exc:
            import_bundle(hub, path)
        for w in words:
            words = describe(exc.value.problem)
            assert w in words and w in r.stderr, (w, words, r.stderr)
        if code is not None:
            assert exc.value.problem.code == code, exc.value.problem
            assert {k: exc.value.problem.params.get(k) for k in params} == params, exc.value.problem
        assert hub.db.execute("SELECT count(*) FROM events").fetchone()[0] == 0
        assert hub.db.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0

    return check


def test_tampered_member_is_refused(bundle, hub, tmp_path, refused):
    data = members(bundle)["events.jsonl"].replace("Người 1".encode(), "Người 9".encode())
    refused(hub, rewrite(bundle, tmp_path / "t.deskbundle", change={"events.jsonl": data}), "events.jsonl", "checksum")


def test_tampered_event_with_a_fixed_checksum_is_refused(bundle, hub, tmp_path, refused):
    data = members(bundle)["events.jsonl"].replace("Người 1".encode(), "Người 9".encode())
    refused(
        hub,
        rewrite(bundle, tmp_path / "t.deskbundle", change={"events.jsonl": data}, fix_manifest=True),
        "seq 2",
        "altered",
    )


def test_broken_chain_is_refused(bundle, hub, tmp_path, refused):
    records = events_of(bundle)
    records[1]["prev_hash"] = "f" * 64  # re-linked: each event's own hash is valid, the chain is not
    for r in records[1:]:
        r["hash"] = forged_hash(r)
    manifest = json.loads(members(bundle)["manifest.json"])
    manifest["last_hash"] = records[-1]["hash"]
    path = rewrite(
        bundle,
        tmp_path / "t.deskbundle",
        change={"events.jsonl": jsonl(records), "manifest.json": json.dumps(manifest).encode()},
        fix_manifest=True,
    )
    refused(hub, path, "chain broken")


def test_truncated_zip_is_refused(bundle, hub, tmp_path, refused):
    data = bundle.read_bytes()
    path = tmp_path / "cut.deskbundle"
    path.write_bytes(data[: len(data) // 2])
    refused(hub, path, "cut.deskbundle", "truncated")


def test_zip_slip_names_are_refused(bundle, hub, tmp_path, refused):
    for evil in ("../escape.txt", "/etc/motcua-evil", "files/../../escape.txt"):
        path = rewrite(bundle, tmp_path / "slip.deskbundle", add={evil: b"pwned"}, fix_manifest=True)
        refused(hub, path, "refused")
    assert not (tmp_path / "escape.txt").exists() and not Path("/etc/motcua-evil").exists()


def test_zip_bomb_is_refused(bundle, hub, tmp_path, refused):
    bomb = b"\0" * (40 * 1024 * 1024)
    path = rewrite(bundle, tmp_path / "bomb.deskbundle", add={"files/aa/bomb.pdf": bomb}, fix_manifest=True)
    assert path.stat().st_size < 1024 * 1024
    refused(hub, path, "zip bomb")


def test_too_many_members_are_refused(bundle, hub, tmp_path, monkeypatch):
    monkeypatch.setattr("desk.sync.bundle_open.MAX_MEMBERS", 5)
    path = rewrite(
        bundle, tmp_path / "many.deskbundle", add={f"files/aa/{i}.pdf": b"x" for i in range(5)}, fix_manifest=True
    )
    with pytest.raises(IntegrityFailure) as exc:
        import_bundle(hub, path)
    assert describe(exc.value.problem) == (
        "many.deskbundle: the zip declares 10 members, more than the 5 a bundle may hold; refused"
    )


def test_wrong_format_version_is_refused(bundle, hub, tmp_path, refused):
    manifest = json.loads(members(bundle)["manifest.json"])
    manifest["format"] = "motcua-desk-bundle/2"
    path = rewrite(bundle, tmp_path / "v2.deskbundle", change={"manifest.json": json.dumps(manifest).encode()})
    refused(hub, path, "motcua-desk-bundle/2", "update motcua-desk")


def _rehashed(bundle: Path, dst: Path, records: list[dict]) -> Path:
    """A bundle of ``records`` after a change, hashes and chain recomputed as a forger would."""
    prev = records[0]["prev_hash"]
    for r in records:
        r["prev_hash"] = prev
        r["hash"] = prev = forged_hash(r)
    manifest = json.loads(members(bundle)["manifest.json"])
    manifest["last_hash"] = records[-1]["hash"]
    return rewrite(
        bundle,
        dst,
        change={"events.jsonl": jsonl(records), "manifest.json": json.dumps(manifest).encode()},
        fix_manifest=True,
    )


def test_hostile_text_is_refused(bundle, hub, tmp_path, refused):
    records = events_of(bundle)
    records[0]["payload"]["dossier"]["applicant_name"] = "Người \x1b]0;pwned\x07"
    refused(hub, _rehashed(bundle, tmp_path / "t.deskbundle", records), "control or invisible characters")


@pytest.mark.parametrize(
    "where, value",
    [
        ("register_line", 2**63),
        ("register_line", -(2**63) - 1),
        ("quantity", 10**30),
        ("quantity", 1.5),
        ("quantity", 1e-05),
        ("quantity", 1.0),
    ],
)
def test_numbers_no_desk_writes_are_refused(bundle, hub, tmp_path, refused, where, value):
    # too large for SQLite, beyond what the codec reads as an integer, or not whole: a refusal, never a crash
    records = events_of(bundle)
    if where == "quantity":
        records[1]["payload"]["components"][0]["quantity"] = value
    else:
        records[1]["payload"]["dossier"][where] = value
    path = _rehashed(bundle, tmp_path / "t.deskbundle", records)
    if value == 2**63:  # a 64-bit integer, read as one: the records check finds it out of range
        refused(hub, path, "event #2", "Nothing was imported")
    else:
        refused(hub, path, code="bundle.line_not_canonical", line=2, reason="number")


@pytest.mark.parametrize(
    "where, field, value",
    [
        ("dossier", "status", ["received"]),
        ("dossier", "channel", {"a": 1}),
        ("dossier", "birth_date", 5),
        ("dossier", "received_at", "hôm qua"),
        ("dossier", "sets", "1"),
        ("dossier", "code", "000.00.12.H29-261123-9999"),
        ("line", "form", ["ban_chinh"]),
        ("line", "received", [1]),
        ("line", "quantity", "1"),
        ("line", "file_path", "../../etc/passwd"),
        ("line", "received", 2),
    ],
)
def test_a_snapshot_no_desk_writes_is_refused(bundle, hub, tmp_path, refused, where, field, value):
    # values of another type or shape, even unhashable ones: a refusal naming the event, never a crash
    records = events_of(bundle)
    target = records[1]["payload"]["dossier"] if where == "dossier" else records[1]["payload"]["components"][0]
    target[field] = value
    refused(hub, _rehashed(bundle, tmp_path / "t.deskbundle", records), "event #2", "Nothing was imported")


@pytest.mark.parametrize(
    "change",
    [
        lambda line: line.replace(b'","', b'", "', 1),  # a space
        lambda line: json.dumps(json.loads(line), sort_keys=True, separators=(",", ":")).encode(),  # \u escapes
        lambda line: json.dumps(
            dict(reversed(json.loads(line).items())), ensure_ascii=False, separators=(",", ":")
        ).encode(),  # key order
        lambda line: line.replace(b'{"at":', b'{"at":"x","at":', 1),  # a key twice
        lambda line: line.replace(b'"sets":1', b'"sets":1.0'),
        lambda line: line.replace(b'"type":"dossier.received"', b'"type":"dossier\\/received"'),
        lambda line: b"\xef\xbb\xbf" + line,  # a byte-order mark
        lambda line: line + b" ",
        lambda line: line[:-1],
        lambda line: line.replace("Người 1".encode(), "Người 1".encode("utf-16-le")),  # not UTF-8
    ],
)
def test_a_line_that_is_not_canonical_json_is_refused(bundle, hub, tmp_path, refused, change):
    """Even when it holds the same event: only the canonical line is hashed, so only it is read."""
    lines = members(bundle)["events.jsonl"].split(b"\n")
    lines[1] = change(lines[1])
    path = rewrite(bundle, tmp_path / "t.deskbundle", change={"events.jsonl": b"\n".join(lines)}, fix_manifest=True)
    refused(hub, path, code="bundle.line_not_canonical", line=2)


def test_an_invisible_character_written_raw_is_refused(bundle, hub, tmp_path, refused):
    records = events_of(bundle)
    records[1]["payload"]["dossier"]["notes"] = "a\u202eb"  # raw in canonical JSON, unlike a control character
    refused(hub, _rehashed(bundle, tmp_path / "t.deskbundle", records), "seq 2", "control or invisible")


def test_an_altered_event_is_refused_before_anything_is_written(bundle, hub, tmp_path, monkeypatch):
    # an event altered with its hash left as it was, its checksum fixed
    records = events_of(bundle)
    records[1]["clerk"] = "Kẻ giả mạo"
    path = rewrite(bundle, tmp_path / "t.deskbundle", change={"events.jsonl": jsonl(records)}, fix_manifest=True)
    written = []

    def writer(desk, runs, **kw):  # what the importer would be given to write
        written.extend(row for run in runs for row in run.rows)

    monkeypatch.setattr("desk.sync.bundle_read.stage_and_publish", writer)
    with raises_problem(IntegrityFailure, "records.refused", says="altered"):
        import_bundle(hub, path)
    assert written == []


def test_a_fork_of_known_events_is_refused(make_desk, out, tmp_path):
    """A bundle whose events differ from those of the same desk already at the hub (a restored old backup)."""
    a, hub = make_desk("a", 1), make_desk("hub", 0)
    intake(a, "Một")
    import_bundle(hub, export_bundle(a, out).path)
    records = events_of(export_bundle(a, tmp_path, day=date(2026, 11, 23)).path)
    records[0]["clerk"] = "Someone else"
    records[0]["hash"] = forged_hash(records[0])
    src = next(tmp_path.glob("*.deskbundle"))
    manifest = json.loads(members(src)["manifest.json"])
    manifest["last_hash"] = records[-1]["hash"]
    path = rewrite(
        src,
        tmp_path / "fork.deskbundle",
        change={"events.jsonl": jsonl(records), "manifest.json": json.dumps(manifest).encode()},
        fix_manifest=True,
    )
    before = hub_state(hub)
    with raises_problem(IntegrityFailure, "records.conflict", says="differs from the event this home already has"):
        import_bundle(hub, path)
    assert hub_state(hub) == before


def test_cancelled_import_imports_nothing(bundle, hub):
    def cancel(done, total):
        raise Cancelled("stopped")

    with pytest.raises(Cancelled):
        import_bundle(hub, bundle, progress=cancel)
    assert hub.db.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    assert sq.open_gaps(hub.db) == []


def test_a_large_import_fills_the_search_index_and_keeps_its_trigger(make_desk, tmp_path, out):
    from bench.bench_sync import make_desk_with_events

    source = open_desk(make_desk_with_events(tmp_path / "big", 250))
    hub = make_desk("hub", 0)
    enrol_at(hub, source)
    try:
        result = import_bundle(hub, export_bundle(source, out).path)
    finally:
        source.close()
    assert result.imported_events == 250 and result.dossiers == 250
    hub.db.execute("INSERT INTO dossiers_fts(dossiers_fts) VALUES ('integrity-check')")
    name = hub.db.execute("SELECT applicant_name FROM dossiers ORDER BY code DESC LIMIT 1").fetchone()[0]
    from desk.dossier.query import search

    assert any(d.applicant.name == name for d in search(hub, name, limit=250))
    assert hub.db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'dossiers_fts_ai'").fetchone()[0] == 1
    d = intake(hub, "Người Mới Sau Nhập")  # the per-row trigger works again
    assert [x.code for x in search(hub, "nguoi moi sau nhap")] == [d.code]
    assert verify(hub).ok


def test_a_large_import_changes_no_schema_and_leaves_the_search_triggers_on(make_desk, tmp_path, out):
    # the bulk fill of the search indexes once dropped and re-created their triggers at every part: a change
    # of the schema, which every connection then read again (and prepared each of its statements again)
    from bench.bench_sync import make_desk_with_events

    source = open_desk(make_desk_with_events(tmp_path / "big", 250))
    hub = make_desk("hub", 0)
    enrol_at(hub, source)
    (version,) = hub.db.execute("PRAGMA schema_version").fetchone()
    try:
        result = import_bundle(hub, export_bundle(source, out).path)
    finally:
        source.close()
    assert result.dossiers == 250
    assert hub.db.execute("PRAGMA schema_version").fetchone()[0] == version
    assert hub.db.execute("SELECT count(*) FROM search_deferred").fetchone()[0] == 0
    assert hub.db.execute("SELECT count(*) FROM dossiers_fts").fetchone()[0] == 250
    hub.db.execute("INSERT INTO dossiers_fts(dossiers_fts) VALUES ('integrity-check')")
    hub.db.execute("INSERT INTO dossiers_digits(dossiers_digits) VALUES ('integrity-check')")
    d = intake(hub, "Đặng Văn Sau Nhập")  # the per-row triggers fire again
    from desk.dossier.query import search

    assert [x.code for x in search(hub, "dang van sau nhap")] == [d.code]


def test_gaps_shrink_as_bundles_arrive_in_any_order(make_desk, out):
    a, hub = make_desk("a", 1), make_desk("hub", 0)
    paths = []
    for batch in range(3):
        intake(a, f"Đợt {batch} A")
        intake(a, f"Đợt {batch} B")
        paths.append(export_bundle(a, out).path)
    spans = [[(g.first_seq, g.last_seq) for g in import_bundle(hub, paths[i]).gaps] for i in (2, 0, 1)]
    assert spans == [[(1, 4)], [(3, 4)], []]
    rows = hub.db.execute("SELECT first_seq, last_seq, closed_at IS NULL FROM sync_gaps ORDER BY id").fetchall()
    assert rows == [(1, 4, 0), (3, 4, 0)]
    assert verify(hub).ok


def test_events_without_a_snapshot_do_not_blank_the_dossier(make_desk, out):
    a, hub = make_desk("a", 1), make_desk("hub", 0)
    d = intake(a)
    lifecycle.transfer(a, d.code)
    import_bundle(hub, export_bundle(a, out).path)
    # a later event of the dossier that carries no snapshot (hand-made: a print recorded by an older desk);
    # event types a desk never writes are refused (tests/reliability/test_hostile_shapes.py)
    from db import write_transaction
    from desk.dossier import events

    printed = {"kind": "receipt", "copies": 1, "paper": "a5", "ok": True, "message": "", "details": {}}
    with write_transaction(a.db):
        events.append(
            a.db,
            desk_id=a.desk_id,
            dossier_code=d.code,
            type="document.printed",
            clerk="x",
            at=get(a, d.code).received_at,
            payload={"print": printed},
        )
    result = import_bundle(hub, export_bundle(a, out).path)
    assert result.imported_events == 1
    assert get(hub, d.code).status.value == "transferred"
    assert dossier_json(get(hub, d.code)) == dossier_json(get(a, d.code))


def test_a_problem_is_named_by_its_line_and_event(bundle, hub, tmp_path):
    lines = members(bundle)["events.jsonl"].split(b"\n")
    lines[2] = lines[2].replace(b'","', b'", "', 1)
    path = rewrite(bundle, tmp_path / "t.deskbundle", change={"events.jsonl": b"\n".join(lines)}, fix_manifest=True)
    with pytest.raises(IntegrityFailure) as exc:
        import_bundle(hub, path)
    assert exc.value.problem.code == "bundle.line_not_canonical" and exc.value.problem.params["line"] == 3
    records = events_of(bundle)
    records[2]["clerk"] = "Kẻ giả mạo"  # the last event altered, its hash left as it was
    path = rewrite(bundle, tmp_path / "u.deskbundle", change={"events.jsonl": jsonl(records)}, fix_manifest=True)
    with raises_problem(IntegrityFailure, "records.refused", says=r"event #3 \(seq 3\): altered"):
        import_bundle(hub, path)
    assert hub.db.execute("SELECT count(*) FROM events").fetchone()[0] == 0


# --- the names a rebuild folds (desk.dossier.rows.fold_name: fold, word by word with the words remembered) ----


@pytest.mark.parametrize(
    "text",
    [
        "Nguyễn  Văn Đức",
        " đầu cuối ",
        "İstanbul ǅ ß ﬁ",
        "a\u200bb c\u00a0d",
        "\u0301 x \u0301",
        "\u2000a\u2001b\u3000",
        "Ωμέγα ǈ",
        "\x1c\x1dx\x1e\x1fy",
        "a \u200b b",
        "",
    ],
)
def test_fold_name_is_fold(text):
    assert fold_name(text) == fold(text)


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_fold_name_is_fold_for_any_text(text):
    assert fold_name(text) == fold(text)


def test_fold_works_character_by_character_and_keeps_whitespace():
    """What makes folding word by word exact: no character folds into whitespace, whitespace stays whitespace."""
    for cp in list(range(0, 0x3400)) + list(range(0xA000, 0x10000)):
        ch = chr(cp)
        if unicodedata.category(ch) == "Cs":
            continue
        folded = fold(f"a{ch}b")
        if ch.isspace():
            assert folded == "a b", hex(cp)
        else:
            assert not any(c.isspace() for c in folded), hex(cp)


def test_a_dossier_a_hub_acts_on_stays_its_desks(make_desk, out, tmp_path):
    # the hub's clerk moves a desk's dossier on; the dossier keeps its desk, and that desk's next bundle,
    # which names the same dossier, is still taken in
    a, hub = make_desk("a", 1), make_desk("hub", 0)
    d = intake(a, "Nguyễn Văn An")
    import_bundle(hub, export_bundle(a, out).path)
    lifecycle.transfer(hub, d.code)
    row = hub.db.execute("SELECT desk_id FROM dossiers WHERE code = ?", (d.code,)).fetchone()
    assert row[0] == a.desk_id
    # and so says the hub's own event, which a provincial hub will read
    moved = hub.db.execute("SELECT payload FROM events WHERE desk_id = ? ORDER BY seq DESC", (hub.desk_id,)).fetchone()
    assert json.loads(moved[0])["dossier"]["desk_id"] == a.desk_id
    later = tmp_path / "later"
    later.mkdir()
    lifecycle.transfer(a, d.code)  # the desk moves it on too (it did not know)
    assert import_bundle(hub, export_bundle(a, later).path).imported_events == 1
    assert verify(hub).ok
