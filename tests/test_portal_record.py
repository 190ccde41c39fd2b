"""The full national-portal record (desk.rules.portal, the one encoder) of realistic dossiers, as the bundle's
dossiers.json carries it: a scan is not reuse, supplements, the VNeID channel, progress lines in Vietnamese."""

from __future__ import annotations

import io
import json
import zipfile

from desk.dossier import checklist, lifecycle
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.models import Channel
from desk.rules import portal
from desk.sync.bundle_write import export_bundle
from tests.desk_helpers import run_desk


def _pdf() -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(595, 842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def records(desk, out) -> dict[str, dict]:
    with zipfile.ZipFile(export_bundle(desk, out).path) as z:
        return {r["MaHoSo"]: r for r in json.loads(z.read("dossiers.json"))}


def take_in(desk, now, at: str, procedure: str, name: str, **extra) -> str:
    now(at)
    d, _ = receive(desk, IntakeRequest(procedure_code=procedure, applicant=ApplicantInput(name=name), **extra))
    return d.code


def test_a_signed_scan_is_digitised_not_reuse(desk, now, tmp_path, signer, out):
    code = take_in(desk, now, "2026-11-23T08:00", "1.001193", "Nguyễn Văn Quét")
    scan = tmp_path / "gcs.pdf"
    scan.write_bytes(_pdf())
    checklist.attach_file(desk, code, "giay_chung_sinh", scan)
    r = records(desk, out)[code]
    assert r["HoSoCoThanhPhanSoHoa"] == 0  # the portal reads 1 as reuse: a plain scan does not set it
    [doc] = [d for d in r["TaiLieuNop"] if d["MaThanhPhanHoSo"] == "giay_chung_sinh"]
    assert (doc["DuocSoHoa"], doc["DuocTaiSuDung"], doc["DuocLayTuKhoDMQG"]) == (1, 0, 0)
    assert r["DSKetNoiCSDL"] == [] and r["TaiKhoanDuocXacThucVoiVNeID"] == 0
    assert r["NoiNopHoSo"] == "1" and r["KenhThucHien"] == 1  # a short code, not the agency's identifier
    assert r["DuocThanhToanTrucTuyen"] == 0 and r["MaKetQuaThayThe"] == "" and r["DanhSachHoSoBoSung"] == []
    assert r["MaLinhVuc"] == "" and r["TenLinhVuc"] == "Hộ tịch"  # the sample catalogue has no field codes


def test_reuse_at_intake_is_listed_and_flagged(desk, now, out):
    code = take_in(
        desk, now, "2026-11-23T08:00", "1.001193", "Trần Thị Dùng", reused={"giay_to_tuy_than": "CSDLQG dân cư"}
    )
    r = records(desk, out)[code]
    assert r["HoSoCoThanhPhanSoHoa"] == 1
    [doc] = [d for d in r["TaiLieuNop"] if d["MaThanhPhanHoSo"] == "giay_to_tuy_than"]
    assert (doc["DuocSoHoa"], doc["DuocTaiSuDung"], doc["DuocLayTuKhoDMQG"]) == (0, 1, 1)
    assert r["DSKetNoiCSDL"] == [{"MaCSDL": "CSDLQGDC"}]


def test_vneid_channel_from_the_cli(desk, now, home, out):
    r = run_desk(
        "intake", "--procedure", "1.001193", "--name", "Lê Văn Định", "--channel", "vneid", "--json", home=home.root
    )
    assert r.returncode == 0, r.stderr
    code = json.loads(r.stdout)["code"]
    rec = records(desk, out)[code]
    assert rec["TaiKhoanDuocXacThucVoiVNeID"] == 1 and rec["NoiNopHoSo"] == "4" and rec["KenhThucHien"] == 2
    from desk.reports import qd766

    assert qd766.compute(desk, desk_today()).overall.vneid == 1  # 4.5 counts it


def desk_today():
    from desk import clock

    return clock.now().date()


def test_supplement_history_from_the_events(desk, now, out):
    from desk.dossier.query import get

    code = take_in(desk, now, "2026-11-23T08:00", "1.001776", "Phạm Văn Bổ", channel=Channel.COUNTER)
    due = get(desk, code).due_at
    now("2026-11-23T09:00")
    lifecycle.request_supplement(desk, code, [("to_khai", "Thiếu chữ ký")])
    now("2026-11-24T09:00")
    lifecycle.resume(desk, code)
    now("2026-11-24T10:00")
    lifecycle.request_supplement(desk, code, [("to_khai", "Thiếu ngày")])
    r = records(desk, out)[code]
    first, second = r["DanhSachHoSoBoSung"]
    assert first["NgayYeuCauBoSung"] == "20261123090000" and first["NgayTiepNhanBoSung"] == "20261124090000"
    assert first["NgayHenTraTruoc"] == f"{due:%Y%m%d%H%M%S}"  # the due time when the request was made
    assert first["NgayHenTraMoi"] > first["NgayHenTraTruoc"]  # moved by the day it waited
    assert second["NgayYeuCauBoSung"] == "20261124100000" and second["NgayTiepNhanBoSung"] is None
    assert r["TrangThaiHoSo"] == 5


def test_progress_lines_read_in_vietnamese():
    line = portal.progress_record(
        {
            "dossier_code": "000.00.12.H29-261123-0001",
            "type": "dossier.transferred",
            "at": "2026-11-23T09:00:00",
            "clerk": "Nguyễn Thị Mai",
            "status": "transferred",
        },
        due_at="2026-11-24T09:00:00",
    )
    assert line["NoiDungXuLy"] == "Chuyển hồ sơ đến cơ quan giải quyết"
    assert "dossier." not in json.dumps(line, ensure_ascii=False)
    assert (line["TrangThai"], line["ThoiDiemXuLy"], line["NgayKetThucTheoQuyDinh"]) == (
        4,
        "20261123090000",
        "20261124090000",
    )


def test_an_export_counts_the_records_without_a_field_code(desk, now, home, out):
    take_in(desk, now, "2026-11-23T08:00", "1.001193", "Hồ Văn Mã")
    r = run_desk("export", "--out", str(out), "--plain", home=home.root)
    assert r.returncode == 0, r.stderr
    assert "1 record of dossiers.json has no MaLinhVuc" in r.stderr
