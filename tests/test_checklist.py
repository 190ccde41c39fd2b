"""The digitisation checklist: states, progress, events with snapshots."""

import io

import pytest

from desk.dossier import checklist, lifecycle
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.dossier.query import get, timeline
from desk.dossier.rows import dossier_to_row, from_snapshot, line_to_row
from desk.errors import InvalidInput, NotFound
from desk.models import Digitisation
from desk.ops.verify import verify
from tests.problem_helpers import raises_problem

D = Digitisation


def _pdf(pages=1) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(595, 842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def _receive(desk, procedure="1.001193", not_received=frozenset(), received=frozenset()):
    d, _ = receive(
        desk,
        IntakeRequest(
            procedure_code=procedure,
            applicant=ApplicantInput(name="Phạm Thị Hương"),
            not_received=not_received,
            received=received,
        ),
    )
    return d


def _line(d, code):
    return next(c for c in d.components if c.code == code)


def _snapshot_matches(desk, code):
    d = get(desk, code)
    row, lines = from_snapshot(timeline(desk, code)[-1].payload)
    assert row == dossier_to_row(d, desk.desk_id)
    assert lines == [line_to_row(c, i) for i, c in enumerate(d.components, 1)]


def test_progress_counts_must_digitise_lines(desk):
    d = _receive(desk)  # khai sinh: giay_chung_sinh must be digitised
    assert checklist.progress(d) == (0, 1) and not checklist.is_complete(d)
    d = checklist.mark_reused(desk, d.code, "giay_chung_sinh", "VNeID")
    assert checklist.progress(d) == (1, 1) and checklist.is_complete(d)


def test_optional_must_digitise_papers_not_handed_in_do_not_count(desk, signer):
    # kết hôn: two optional must-digitise components
    d = _receive(desk, "1.000894", received=frozenset({"xac_nhan_tinh_trang_hon_nhan"}))
    assert checklist.progress(d) == (0, 1)
    d = checklist.mark_reused(desk, d.code, "trich_luc_ghi_chu_ly_hon", "CSDL hộ tịch")
    assert checklist.progress(d) == (1, 2)  # resolved anyway: it counts
    d = checklist.attach_file(desk, d.code, "xac_nhan_tinh_trang_hon_nhan", _write(desk, "xn.pdf", _pdf(2)))
    assert checklist.progress(d) == (2, 2) and checklist.is_complete(d)


def test_no_must_digitise_line_is_complete(desk):
    d = _receive(desk, "2.000815")
    assert checklist.progress(d) == (0, 0) and checklist.is_complete(d)


def _write(desk, name, data):
    path = desk.home.inbox / name
    path.write_bytes(data)
    return path


def test_attach_file_records_the_stored_file_and_an_event(desk, now):
    d = _receive(desk)
    src = _write(desk, "giay chung sinh.pdf", _pdf(2))
    now("2026-11-23T09:10:00")
    d = checklist.attach_file(desk, d.code, "giay_chung_sinh", src, note="bản scan màu")
    line = _line(d, "giay_chung_sinh")
    # no signer: kept as it was scanned, unsigned (tests/test_signing.py signs)
    assert line.digitisation is D.DIGITISED_UNSIGNED and line.file_pages == 2 and line.file_bytes == src.stat().st_size
    assert (desk.home.files / line.file_path).read_bytes() == src.read_bytes()
    assert line.note == "bản scan màu" and src.exists()
    stored = _line(get(desk, d.code), "giay_chung_sinh")
    assert (stored.file_path, stored.file_sha256, stored.file_pages) == (line.file_path, line.file_sha256, 2)
    e = timeline(desk, d.code)[-1]
    assert e.type == "component.digitised" and e.clerk == "Nguyễn Thị Lan" and e.at.isoformat() == "2026-11-23T09:10:00"
    det = e.payload["details"]
    assert det["component"] == "giay_chung_sinh" and det["file"] == line.file_path and det["pages"] == 2
    assert det["source_name"] == "giay chung sinh.pdf" and det["before"]["digitisation"] == "pending"
    assert e.payload["note"] == "bản scan màu"
    _snapshot_matches(desk, d.code)


def test_attaching_the_same_file_again_writes_nothing(desk):
    d = _receive(desk)
    src = _write(desk, "a.pdf", _pdf())
    checklist.attach_file(desk, d.code, "giay_chung_sinh", src)
    n = len(timeline(desk, d.code))
    checklist.attach_file(desk, d.code, "giay_chung_sinh", src)
    assert len(timeline(desk, d.code)) == n


def test_replacing_a_file_and_undo(desk):
    d = _receive(desk)
    checklist.attach_file(desk, d.code, "giay_chung_sinh", _write(desk, "a.pdf", _pdf(1)))
    first = _line(get(desk, d.code), "giay_chung_sinh").file_sha256
    d = checklist.attach_file(desk, d.code, "giay_chung_sinh", _write(desk, "b.pdf", _pdf(3)))
    assert _line(d, "giay_chung_sinh").file_pages == 3
    assert timeline(desk, d.code)[-1].payload["details"]["before"]["sha256"] == first
    d = checklist.undo(desk, d.code, "giay_chung_sinh")
    line = _line(d, "giay_chung_sinh")
    assert line.digitisation is D.PENDING and line.file_path == "" and line.file_sha256 == "" and line.file_pages == 0
    assert timeline(desk, d.code)[-1].type == "component.undone"
    assert len(list(desk.home.files.rglob("*.pdf"))) == 2  # stored files are kept
    with raises_problem(InvalidInput, "component.already_pending", says="already pending"):
        checklist.undo(desk, d.code, "giay_chung_sinh")
    _snapshot_matches(desk, d.code)


@pytest.mark.parametrize(
    "typed,state,recorded",
    [
        ("VNeID", D.REUSED_STORE, "VNeID"),
        ("vneid", D.REUSED_STORE, "VNeID"),
        ("csdlqg dan cu", D.REUSED_STORE, "CSDLQG dân cư"),
        ("Kho dữ liệu", D.REUSED_STORE, "Kho dữ liệu"),
        ("another dossier, typed in lower case", D.REUSED_DOSSIER, ""),
    ],
)
def test_mark_reused(desk, typed, state, recorded):
    if state is D.REUSED_DOSSIER:
        other = _receive(desk)
        typed, recorded = other.code.lower(), other.code
    d = _receive(desk)
    checklist.attach_file(desk, d.code, "giay_chung_sinh", _write(desk, "a.pdf", _pdf()))
    d = checklist.mark_reused(desk, d.code, "giay_chung_sinh", typed)
    line = _line(d, "giay_chung_sinh")
    assert (line.digitisation, line.reuse_source, line.file_path) == (state, recorded, "")
    e = timeline(desk, d.code)[-1]
    assert e.type == "component.reused" and e.payload["details"]["source"] == recorded
    assert checklist.checklist_json(d)["components"][1]["portal_code"] == (2 if state is D.REUSED_STORE else 3)


def test_reuse_from_a_dossier_needs_one_that_exists_and_links_it(desk):
    d = _receive(desk)
    with raises_problem(NotFound, "reuse.unknown_dossier", says="000.00.12.H29-261120-1003"):
        checklist.mark_reused(desk, d.code, "giay_chung_sinh", "000.00.12.H29-261120-1003")
    assert _line(get(desk, d.code), "giay_chung_sinh").digitisation is D.PENDING
    other = _receive(desk)
    checklist.mark_reused(desk, d.code, "giay_chung_sinh", other.code)
    linked = timeline(desk, d.code)[-1].payload["details"]["linked"]
    assert linked == {"code": other.code, "procedure_code": other.procedure_code, "status": "received"}


def test_reuse_source_must_be_known_and_not_this_dossier(desk):
    d = _receive(desk)
    with raises_problem(InvalidInput, "reuse.unknown_source", says="VNeID, CSDLQG dân cư"):
        checklist.mark_reused(desk, d.code, "giay_chung_sinh", "Google Drive")
    with raises_problem(InvalidInput, "reuse.own_dossier", says="is this dossier"):
        checklist.mark_reused(desk, d.code, "giay_chung_sinh", d.code)
    with raises_problem(InvalidInput, "text.required", says="required"):
        checklist.mark_reused(desk, d.code, "giay_chung_sinh", "  ")


def test_not_required_needs_a_note_for_a_must_digitise_paper_handed_in(desk):
    d = _receive(desk)
    with raises_problem(InvalidInput, "component.must_digitise", says="must be digitised"):
        checklist.mark_not_required(desk, d.code, "giay_chung_sinh")
    d = checklist.mark_not_required(desk, d.code, "giay_chung_sinh", note="bản giấy không đọc được")
    assert _line(d, "giay_chung_sinh").digitisation is D.NOT_REQUIRED and checklist.is_complete(d)
    d = checklist.mark_not_required(desk, d.code, "to_khai")  # not a must-digitise line: no note needed
    assert _line(d, "to_khai").digitisation is D.NOT_REQUIRED
    assert timeline(desk, d.code)[-1].type == "component.not_required"


def test_lines_by_code_case_or_position(desk):
    d = _receive(desk)
    assert checklist.find_line(d, "GIAY_CHUNG_SINH").code == "giay_chung_sinh"
    assert checklist.find_line(d, "2").code == "giay_chung_sinh"
    with raises_problem(NotFound, "component.unknown", says="its components are to_khai, giay_chung_sinh"):
        checklist.find_line(d, "so_ho_khau")
    with pytest.raises(NotFound):
        checklist.mark_reused(desk, d.code, "9", "VNeID")


def test_closed_dossiers_keep_their_checklist(desk):
    d = _receive(desk)
    lifecycle.refuse(desk, d.code, "Không thuộc thẩm quyền")
    src = _write(desk, "a.pdf", _pdf())
    with raises_problem(InvalidInput, "checklist.closed", says="refused; its checklist can no longer change"):
        checklist.attach_file(desk, d.code, "giay_chung_sinh", src)
    assert list(desk.home.files.rglob("*.pdf")) == []  # refused before copying
    with raises_problem(InvalidInput, "checklist.closed", says="refused"):
        checklist.mark_reused(desk, d.code, "giay_chung_sinh", "VNeID")


def test_a_bad_file_changes_nothing(desk):
    d = _receive(desk)
    n = len(timeline(desk, d.code))
    with pytest.raises(InvalidInput) as info:
        checklist.attach_file(desk, d.code, "giay_chung_sinh", _write(desk, "x.pdf", b"not a pdf at all"))
    assert info.value.problem.code == "file.unsupported"  # only PDF, JPEG and PNG
    assert len(timeline(desk, d.code)) == n
    assert _line(get(desk, d.code), "giay_chung_sinh").digitisation is D.PENDING


def test_file_size_limit_comes_from_the_settings(desk):
    from dataclasses import replace

    desk.settings = replace(desk.settings, max_file_mb=1)
    d = _receive(desk)
    with pytest.raises(InvalidInput) as info:
        checklist.attach_file(
            desk, d.code, "giay_chung_sinh", _write(desk, "big.pdf", b"%PDF-1.4\n" + b"0" * 1_100_000)
        )
    assert info.value.problem.code == "file.too_large" and info.value.problem.params["max_mb"] == 1


def test_checklist_json_and_the_chain(desk, signer):
    d = _receive(desk)
    checklist.attach_file(desk, d.code, "giay_chung_sinh", _write(desk, "a.pdf", _pdf()))
    checklist.mark_not_required(desk, d.code, "van_ban_uy_quyen")
    out = checklist.checklist_json(get(desk, d.code))
    assert (out["code"], out["done"], out["total"], out["complete"]) == (d.code, 1, 1, True)
    gcs = out["components"][1]
    assert gcs["code"] == "giay_chung_sinh" and gcs["digitisation"] == "digitised" and gcs["portal_code"] == 1
    assert gcs["file"] and gcs["pages"] == 1 and gcs["counts"] is True
    assert gcs["signed"] is True and gcs["digitisation_code"] == f"{d.code}-SH2"
    assert out["components"][4]["portal_code"] == 0
    assert verify(desk).ok


def test_attach_newest_scan_from_the_inbox(desk):
    import os

    d = _receive(desk)
    with raises_problem(NotFound, "inbox.empty", says="no scan"):
        checklist.attach_newest(desk, d.code, "giay_chung_sinh")
    old = _write(desk, "old.pdf", _pdf(1))
    new = _write(desk, "new.pdf", _pdf(3))
    os.utime(old, (1_000_000, 1_000_000))
    d = checklist.attach_newest(desk, d.code, "giay_chung_sinh")
    assert _line(d, "giay_chung_sinh").file_pages == 3 and new.exists() and old.exists()


def test_one_scan_on_two_papers_of_a_dossier_is_refused_unless_confirmed(desk):
    d = _receive(desk)
    scan = _write(desk, "a.pdf", _pdf())
    checklist.attach_file(desk, d.code, "giay_chung_sinh", scan)
    with raises_problem(InvalidInput, "component.same_scan", says="already attached"):
        checklist.attach_file(desk, d.code, "to_khai", scan)
    assert _line(get(desk, d.code), "to_khai").digitisation is D.PENDING
    d = checklist.attach_file(desk, d.code, "to_khai", scan, same_scan_ok=True)
    assert _line(d, "to_khai").file_sha256 == _line(d, "giay_chung_sinh").file_sha256


def test_an_attached_inbox_scan_is_filed_away_so_the_next_is_the_newest(desk):
    import os

    d = _receive(desk)
    inbox = desk.home.inbox
    (inbox / "scan_1.pdf").write_bytes(_pdf(1))
    (inbox / "scan_2.pdf").write_bytes(_pdf(2))
    os.utime(inbox / "scan_1.pdf", (1_000_000, 1_000_000))
    checklist.attach_file(desk, d.code, "giay_chung_sinh", inbox / "scan_2.pdf", file_away=True)
    assert not (inbox / "scan_2.pdf").exists() and (inbox / "done" / "scan_2.pdf").is_file()
    assert checklist.newest_in_inbox(desk.home) == inbox / "scan_1.pdf"
    # a second scan_2.pdf never overwrites the first one filed
    (inbox / "scan_2.pdf").write_bytes(_pdf(3))
    checklist.attach_file(desk, d.code, "giay_to_tuy_than", inbox / "scan_2.pdf", file_away=True)
    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["scan_2-1.pdf", "scan_2.pdf"]
    # a file chosen outside the inbox stays where it is; so does anything the CLI attaches
    outside = desk.home.root / "b.pdf"
    outside.write_bytes(_pdf(4))
    checklist.attach_file(desk, d.code, "van_ban_uy_quyen", outside, file_away=True)
    assert outside.is_file()
