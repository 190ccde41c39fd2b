"""Issue 12, point 4: the scans a bundle carries are checked like fresh scans before anything is written.

Each file member is named by the SHA-256 of its bytes, is the scan of an event of the bundle, is a PDF a desk
would attach (nothing in it that runs), and the whole stays under a size limit; a file the hub already holds
under that name is shared, and a file planted under a real scan's name never blocks the real desk.
"""

from __future__ import annotations

import hashlib
import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from desk.dossier import checklist
from desk.sync.bundle_write import export_bundle
from tests.conftest import run_desk
from tests.reliability.hostile_helpers import Homes, events_of, forged, intake

COMPONENT = "giay_chung_sinh"


@pytest.fixture
def homes(tmp_path, now):
    h = Homes(tmp_path)
    yield h
    h.close()


def pdf(*, javascript: bool = False, launch: bool = False, note: str = "") -> bytes:
    w = PdfWriter()
    w.add_blank_page(595, 842)
    if note:
        w.add_metadata({"/Title": note})
    if javascript:
        w._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
        )
    if launch:
        action = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("x")})
        w.pages[0][NameObject("/Annots")] = ArrayObject([w._add_object(DictionaryObject({NameObject("/A"): action}))])
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def stored_name(data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    return f"{sha[:2]}/{sha}.pdf"


def scanned_bundle(homes, name: str, desk_no: int, scan: bytes):
    """A desk that received a dossier and attached ``scan``; its bundle with the file."""
    desk = homes.desk(name, desk_no)
    src = homes.root / f"{name}-scan.pdf"
    src.write_bytes(scan)
    d = intake(desk, f"Người {name}", "1.001193")
    checklist.attach_file(desk, d.code, COMPONENT, src)
    out = homes.root / f"out-{name}"
    out.mkdir()
    return desk, export_bundle(desk, out, with_files=True).path


def hub_files(hub) -> list[str]:
    return sorted(str(p.relative_to(hub.home.files)) for p in hub.home.files.rglob("*") if p.is_file())


def refused(hub, path, *words: str) -> str:
    before = hub_files(hub)
    r = run_desk("import", str(path), home=hub.home.root)
    assert r.returncode == 5, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "unexpected" not in r.stderr
    for w in words:
        assert w in r.stderr, (w, r.stderr)
    assert hub_files(hub) == before  # nothing written into files/
    return r.stderr


def with_file(src, dst, data: bytes, *, referenced: bool = True, name: str | None = None):
    """``src`` re-forged: the last event's scan replaced by ``data`` (under ``name``, its stored name by default);
    not ``referenced``: the real scan kept, ``data`` riding along."""
    name = name or stored_name(data)
    records = events_of(src)
    if referenced:
        line = next(c for c in records[-1]["payload"]["components"] if c["file_path"])
        line["file_path"], line["file_sha256"], line["file_bytes"] = name, hashlib.sha256(data).hexdigest(), len(data)
    return forged(src, dst, records, add={f"files/{name}": data}, keep_files=not referenced)


def test_an_unreferenced_file_is_refused(homes, tmp_path):
    _, src = scanned_bundle(homes, "a", 1, pdf())
    hub = homes.desk("hub", 0)
    extra = pdf(note="không thuộc hồ sơ nào")
    path = with_file(src, tmp_path / "extra.deskbundle", extra, referenced=False)
    refused(hub, path, "files/" + stored_name(extra), "not the scan of any event")


def test_html_under_a_real_scans_name_is_refused_and_never_blocks_the_real_desk(homes, tmp_path):
    scan = pdf()
    _, src = scanned_bundle(homes, "a", 1, scan)
    hub = homes.desk("hub", 0)
    _, other = scanned_bundle(homes, "b", 2, pdf(note="b"))
    planted = with_file(
        other, tmp_path / "plant.deskbundle", b"<html><script>alert(1)</script></html>", name=stored_name(scan)
    )
    refused(hub, planted, "does not hold the file its name says")
    r = run_desk("import", str(src), home=hub.home.root)
    assert r.returncode == 0, r.stderr
    assert (hub.home.files / stored_name(scan)).read_bytes() == scan


def test_a_file_an_older_hub_let_in_under_a_scans_name_is_replaced_by_the_real_scan(homes):
    scan = pdf()
    _, src = scanned_bundle(homes, "a", 1, scan)
    hub = homes.desk("hub", 0)
    target = hub.home.files / stored_name(scan)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"<html>planted</html>")
    r = run_desk("import", str(src), home=hub.home.root)
    assert r.returncode == 0, r.stderr
    assert target.read_bytes() == scan


@pytest.mark.parametrize(
    "data, words",
    [
        (b"<html><body>not a scan</body></html>", ("file.not_pdf",)),
        (pdf(javascript=True), ("file.active_content",)),
        (pdf(launch=True), ("file.active_content",)),
        (pdf().replace(b"%%EOF", b"%%EOX"), ("file.cut_short",)),
    ],
    ids=["html", "javascript", "launch", "cut-short"],
)
def test_a_file_a_desk_would_not_attach_is_refused(homes, tmp_path, data, words):
    _, src = scanned_bundle(homes, "a", 1, pdf())
    hub = homes.desk("hub", 0)
    refused(hub, with_file(src, tmp_path / "bad.deskbundle", data), "is not a scan a desk would accept", *words)


def test_digitise_refuses_a_pdf_that_runs_something(homes, tmp_path):
    desk = homes.desk("a", 1)
    d = intake(desk, "Người A", "1.001193")
    for i, data in enumerate((pdf(javascript=True), pdf(launch=True))):
        bad = tmp_path / f"bad{i}.pdf"
        bad.write_bytes(data)
        r = run_desk("digitise", d.code, COMPONENT, "--file", str(bad), home=desk.home.root)
        assert r.returncode == 3 and "acts when opened" in r.stderr, (r.returncode, r.stderr)


def test_file_member_names_and_sizes_are_checked_before_anything_is_read(homes, tmp_path, monkeypatch):
    _, src = scanned_bundle(homes, "a", 1, pdf())
    hub = homes.desk("hub", 0)
    refused(hub, with_file(src, tmp_path / "name.deskbundle", pdf(), name="zz/scan.pdf"), "files/zz/scan.pdf")
    monkeypatch.setattr("desk.sync.bundle_files.MAX_FILES_BYTES", 100)
    refused(hub, src, "one bundle may carry")
    monkeypatch.setattr("desk.sync.bundle_files.MAX_FILE_BYTES", 100)
    refused(hub, src, "a scan may be")


def test_a_scan_already_at_the_hub_is_shared(homes):
    scan = pdf()
    _, first = scanned_bundle(homes, "a", 1, scan)
    _, second = scanned_bundle(homes, "b", 2, scan)  # the same paper scanned at two desks
    hub = homes.desk("hub", 0)
    for path in (first, second):
        r = run_desk("import", str(path), home=hub.home.root)
        assert r.returncode == 0, r.stderr
    assert hub_files(hub) == [stored_name(scan)]
