"""Scans travel (issue 15 point 5): exports and pushes carry the files the hub lacks, each once; the hub stores
them by hash, checks hash and signature, and `desk verify` at the hub lists those that have not arrived, as the
board counts them per desk. The hub keeps its records in its home's SQLite or in PostgreSQL (``hub_store``)."""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import zipfile

import pytest

from db import file_queries
from desk.dossier import checklist
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.errors import DeskError, IntegrityFailure
from desk.sync import hub as hubmod
from desk.sync import hub_files
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import export_bundle
from desk.sync.push import push
from desk.sync.store import POSTGRESQL
from desk.sync.store import hub_store as hub_store_of
from tests.conftest import run_desk
from tests.desk_helpers import sign_as_its_desk
from tests.signing_helpers import PASSPHRASE
from tests.tui_helpers import SIZE, pilot_test


def _pdf(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(595, 842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


@pytest.fixture
def desks(make_desk, clerk_p12, monkeypatch, hub_store):
    """Desk 1 whose clerk signs with a PKCS#12 made in the run, and its hub (desk 0) on either store."""
    from desk.dossier import signer as signer_mod

    a, hub = make_desk("a", 1), make_desk("hub", 0, hub_database=hub_store)
    monkeypatch.setenv("DESK_SIGNER_PIN", PASSPHRASE)
    signer_mod.set_pkcs12(a.home, clerk_p12, PASSPHRASE)
    a.reload_settings()
    return a, hub


def scanned(desk, tmp_path, name="Phạm Thị Hương", pages=1):
    """A new dossier with its birth certificate scanned and signed; returns (dossier code, stored line)."""
    d, _ = receive(
        desk, IntakeRequest(procedure_code="1.001193", applicant=ApplicantInput(name=name, phone="0912345678"))
    )
    scan = tmp_path / f"scan-{d.code}.pdf"
    scan.write_bytes(_pdf(pages))
    d = checklist.attach_file(desk, d.code, "giay_chung_sinh", scan, pages=pages)
    return d.code, next(c for c in d.components if c.file_path)


def file_members(path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return [n for n in zf.namelist() if n.startswith("files/")]


def hub_verify(hub):
    return run_desk("verify", home=hub.home.root)


def at_hub(hub, sql: str, *params) -> list[tuple]:
    """Rows of ``sql`` (``?`` for its parameters) from the hub's store, SQLite or PostgreSQL."""
    store = hub_store_of(hub)
    if store.kind == POSTGRESQL:
        sql = sql.replace("?", "%s")
    with store.reading() as db:
        return [tuple(r) for r in db.execute(sql, params).fetchall()]


def files_missing_on_board(hub) -> dict[str, int]:
    r = run_desk("hub", "board", "--json", home=hub.home.root)
    assert r.returncode == 0, r.stderr
    return {d["desk_id"]: d["files_missing"] for d in json.loads(r.stdout)["desks"]}


def test_an_export_carries_a_new_signed_scan_once_and_the_hub_stores_it(desks, out, tmp_path):
    a, hub = desks
    code, line = scanned(a, tmp_path)
    first = export_bundle(a, out)
    assert first.files == 1 and file_members(first.path) == [f"files/{line.file_path}"]
    receive(a, IntakeRequest(procedure_code="2.000815", applicant=ApplicantInput(name="Lê Văn Bình")))
    second = export_bundle(a, out)
    assert second.files == 0 and file_members(second.path) == []  # gone already: not carried again

    assert import_bundle(hub, first.path).files == 1
    import_bundle(hub, second.path)
    stored = hub.home.files / line.file_path
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == line.file_sha256
    assert at_hub(hub, "SELECT state, signer FROM hub_files WHERE sha256 = ?", line.file_sha256) == [
        ("signed", "Nguyễn Thị Số Hoá")
    ]
    assert files_missing_on_board(hub) == {a.desk_id: 0}
    r = hub_verify(hub)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "has not arrived" not in r.stdout + r.stderr


def test_a_re_export_of_the_same_day_works_and_with_files_carries_every_file(desks, out, tmp_path):
    a, _ = desks
    _, line = scanned(a, tmp_path)
    first = export_bundle(a, out)
    day = a.db.execute("SELECT substr(max(at), 1, 10) FROM events").fetchone()[0]
    from datetime import date

    again = export_bundle(a, out, day=date.fromisoformat(day))
    # the same range under the same name: the bundle is written again whole, its files with it
    assert again.path == first.path and again.files == 1
    with_files = run_desk("export", "--out", str(out), "--date", day, "--with-files", home=a.home.root)
    assert with_files.returncode == 0, with_files.stderr
    assert f"files/{line.file_path}" in file_members(first.path)


def test_a_bundle_without_the_file_leaves_it_listed_missing_at_the_hub(desks, out, tmp_path):
    a, hub = desks
    code, line = scanned(a, tmp_path)
    with a.db.conn:  # the file went some other way (a push to another hub, say): this bundle does not carry it
        file_queries.mark_sent(a.db, [(line.file_sha256, line.file_bytes)], "push:elsewhere", "2026-11-23T09:00:00")
    r = export_bundle(a, out)
    assert r.files == 0
    import_bundle(hub, r.path)
    v = hub_verify(hub)
    text = v.stdout + v.stderr
    assert f"dossier {code}, giay_chung_sinh: file {line.file_sha256} has not arrived" in text
    assert files_missing_on_board(hub) == {a.desk_id: 1}  # the board counts it for its desk
    # the file comes in a later bundle (`--with-files` carries every file the range references): clean again
    for p in out.iterdir():
        p.unlink()
    r2 = run_desk("export", "--out", str(out), "--date", "2026-11-23", "--with-files", home=a.home.root)
    assert r2.returncode == 0, r2.stderr
    bundle = next(p for p in out.iterdir() if p.suffix == ".deskbundle")
    assert file_members(bundle) == [f"files/{line.file_path}"]
    import_bundle(hub, bundle)
    v = hub_verify(hub)
    assert v.returncode == 0 and "has not arrived" not in v.stdout + v.stderr
    assert files_missing_on_board(hub) == {a.desk_id: 0}


def test_a_tampered_file_member_is_refused_and_nothing_is_published(desks, out, tmp_path):
    a, hub = desks
    _, line = scanned(a, tmp_path)
    r = export_bundle(a, out)
    with zipfile.ZipFile(r.path) as zf:
        content = {n: zf.read(n) for n in zf.namelist()}
    name = f"files/{line.file_path}"
    content[name] = content[name].replace(b"/MediaBox", b"/MediaBoX", 1)
    # the manifest made to agree and signed again by the desk's key: the file's name (its hash) still differs
    m = json.loads(content["manifest.json"])
    for e in m["members"]:
        if e["name"] == name:
            e["sha256"] = hashlib.sha256(content[name]).hexdigest()
    content["manifest.json"] = json.dumps(m).encode()
    content = sign_as_its_desk(content)
    bad = tmp_path / r.path.name
    with zipfile.ZipFile(bad, "w") as zf:
        for n, d in content.items():
            zf.writestr(n, d)
    with pytest.raises(IntegrityFailure) as exc:
        import_bundle(hub, bad)
    assert exc.value.problem.code == "bundle.file_hash"
    assert at_hub(hub, "SELECT count(*) FROM events") == [(0,)]
    assert not (hub.home.files / line.file_path).exists()


# --- pushes ---------------------------------------------------------------------------------------------


@pytest.fixture
def served(desks, monkeypatch):
    a, hub = desks
    token = hubmod.add_token(hub.home)
    srv = hubmod.make_server(hub, port=0, max_body=200_000, request_timeout=5.0).start()
    from desk.config import update_settings

    update_settings(a.home, sync_endpoint=f"http://127.0.0.1:{srv.server_address[1]}", sync_token=token)
    a.reload_settings()
    yield a, hub, srv, token
    srv.shutdown()
    srv.server_close()


def test_a_push_uploads_files_before_events_and_an_interrupted_upload_continues(served, tmp_path, monkeypatch):
    from desk.sync import hub_uploads

    a, hub, _, _ = served
    _, line = scanned(a, tmp_path)
    size = (a.home.files / line.file_path).stat().st_size
    offsets: list[int] = []
    real = hub_uploads.receive_piece

    def cut_after_two(desk, sha, offset, total, data, source):
        offsets.append(offset)
        if len(offsets) == 3:
            raise RuntimeError("the line went down")  # the hub answers 500: the push retries, then gives up
        return real(desk, sha, offset, total, data, source)

    monkeypatch.setattr(hub_uploads, "receive_piece", cut_after_two)
    with pytest.raises(DeskError) as stopped:
        push(a, file_piece=1000, max_attempts=1, sleep=lambda s: None)
    assert stopped.value.problem.code == "sync.gave_up"
    assert offsets == [0, 1000, 2000]
    assert at_hub(hub, "SELECT count(*) FROM events") == [(0,)]  # no event before its file
    monkeypatch.setattr(hub_uploads, "receive_piece", lambda *args: (offsets.append(args[2]), real(*args))[1])
    result = push(a, file_piece=1000, sleep=lambda s: None)
    assert offsets[3] == 2000  # continued where the hub was, not from the start
    assert offsets[-1] == (size - 1) // 1000 * 1000
    assert result.files == 1 and result.pending == 0
    stored = hub.home.files / line.file_path
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == line.file_sha256
    assert file_queries.sent_via(a.db, [line.file_sha256]) == {line.file_sha256: f"push:{result.endpoint}"}
    assert hub_verify(hub).returncode == 0


def _put(srv, token, path, body) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=10)
    try:
        conn.request("PUT", path, body, {"Authorization": f"Bearer {token}", "Content-Length": str(len(body))})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"{}")
    finally:
        conn.close()


def test_the_hub_refuses_a_file_whose_bytes_do_not_match_its_hash(served):
    _, hub, srv, token = served
    data = _pdf()
    wrong = hashlib.sha256(b"something else").hexdigest()
    status, answer = _put(srv, token, f"/v1/files/{wrong}?offset=0&total={len(data)}", data)
    assert status == 422 and answer["code"] == "file.hash_mismatch"
    assert not hub_files.store_of(hub).has(wrong)
    # and a piece without the token is refused
    status, answer = _put(srv, "nope", f"/v1/files/{wrong}?offset=0&total={len(data)}", data)
    assert status == 401


def test_the_hub_stores_an_unsigned_scan_marked(served):
    _, hub, srv, token = served
    data = _pdf()
    sha = hashlib.sha256(data).hexdigest()
    status, answer = _put(srv, token, f"/v1/files/{sha}?offset=0&total={len(data)}", data)
    assert status == 200 and answer["stored"] is True and answer["state"] == "unsigned"
    assert at_hub(hub, "SELECT state FROM hub_files WHERE sha256 = ?", sha) == [("unsigned",)]


# --- the sync screen (F5) -------------------------------------------------------------------------------


@pilot_test
async def test_f5_shows_how_many_files_and_megabytes_wait(desk, tmp_path):
    from screens.app import DeskApp

    for i in range(2):  # two different scans (the same bytes would be one file)
        scanned(desk, tmp_path, name=f"Người Số {i}", pages=i + 1)
    sizes = [r[0] for r in desk.db.execute("SELECT DISTINCT file_bytes FROM component_lines WHERE file_path != ''")]
    mb = f"{sum(sizes) / 1024**2:.1f}"
    app = DeskApp(desk.home.root, "vi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        assert str(app.screen.query_one("#sync-pending-files").content).startswith("2\nTệp chờ gửi")
        assert str(app.screen.query_one("#sync-pending-size").content) == (
            f"2 tệp ({mb.replace('.', ',')} MB) đang chờ gửi lên máy chủ"
        )
    export_bundle(desk, tmp_path)
    app = DeskApp(desk.home.root, "en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        assert str(app.screen.query_one("#sync-pending-files").content).startswith("0\nFiles to send")
        assert str(app.screen.query_one("#sync-pending-size").content) == ""


def test_the_hub_rebuilds_result_files_from_the_snapshots_and_checks_their_files(desks, out, tmp_path):
    from desk.dossier import results

    a, hub = desks
    code, _ = scanned(a, tmp_path)
    pdf = tmp_path / "ket-qua.pdf"
    pdf.write_bytes(_pdf(2))
    attached = results.attach(a, code, pdf, name="Giấy khai sinh")
    r = export_bundle(a, out)
    assert f"files/{attached.file_path}" in file_members(r.path)
    import_bundle(hub, r.path)
    rows = at_hub(hub, "SELECT code, name, file_sha256, origin FROM result_files")
    assert rows == [(attached.code, "Giấy khai sinh", attached.sha256, "desk")]
    v = hub_verify(hub)
    assert v.returncode == 0 and "has not arrived" not in v.stdout + v.stderr


def test_desk_show_at_the_hub_lists_the_results_it_holds(desks, out, tmp_path):
    """`desk show CODE` at the hub lists the dossier's results from where the hub keeps them (its store's
    ``result_files`` on PostgreSQL, not only its home's), intact as signed at the desk."""
    from desk.dossier import results

    a, hub = desks
    code, _ = scanned(a, tmp_path)
    pdf = tmp_path / "ket-qua.pdf"
    pdf.write_bytes(_pdf(2))
    attached = results.attach(a, code, pdf, name="Giấy khai sinh")
    import_bundle(hub, export_bundle(a, out).path)
    r = run_desk("show", code, home=hub.home.root)
    assert r.returncode == 0, r.stderr
    (line,) = [x for x in r.stdout.splitlines() if attached.code in x]
    assert line.split()[0] == attached.code
    assert "Giấy khai sinh — signed by Nguyễn Thị Số Hoá" in line and line.endswith("INTACT")
    r = run_desk("show", code, "--json", home=hub.home.root)
    shown = json.loads(r.stdout)["results"]
    assert [(x["code"], x["name"], x["file"], x["file_state"]) for x in shown] == [
        (attached.code, "Giấy khai sinh", attached.file_path, "intact")
    ]


def test_a_sealed_bundle_carries_the_scan_too(desks, out, tmp_path):
    from desk.sync.seal import ensure_hub_identity

    a, hub = desks
    _, line = scanned(a, tmp_path)
    r = export_bundle(a, out, seal_to=str(ensure_hub_identity(hub.home).to_public()))
    assert r.sealed and r.files == 1
    assert import_bundle(hub, r.path).files == 1
    stored = hub.home.files / line.file_path
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == line.file_sha256


def test_the_hub_refuses_a_scan_edited_after_it_was_signed(served, tmp_path):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    a, hub, srv, token = served
    _, line = scanned(a, tmp_path)
    w = IncrementalPdfFileWriter(io.BytesIO((a.home.files / line.file_path).read_bytes()))
    page = w.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    w.update_container(page)
    buf = io.BytesIO()
    w.write(buf)
    data = buf.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    status, answer = _put(srv, token, f"/v1/files/{sha}?offset=0&total={len(data)}", data)
    assert status == 400 and answer["code"] == "file.signature_altered"
    assert not hub_files.store_of(hub).has(sha)
