"""The national-portal record shape (DOMAIN.md "Dossier sync record"): the one mapping module.

Every Vietnamese field name of the portal sync record and every enumeration
code lives here and nowhere else. The field names and codes come from vendor
sync code seen in provincial systems, not from a published standard: where a
value is our assumption rather than something DOMAIN.md states, the docstring
or comment says **assumption** so that an integrator can find it and change it
in this one place.

Dates are local time formatted ``yyyyMMddHHmmss``; a missing date is ``null``
(**assumption**: some systems expect an empty string instead).

The records are built from stored rows (plain dicts, as a dossier's row and
its lines are stored and as an event's snapshot carries them), and written
as JSON by the one codec (``desk.rules.canonical.record_json``, which keeps
DOMAIN.md's order of fields).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from desk.models import ApplicantKind, Channel, Delivery, Digitisation, IdKind, Procedure, Status

STATUS_CODES: Mapping[Status, int] = {
    Status.RECEIVED: 2,  # Được tiếp nhận
    Status.TRANSFERRED: 4,  # Đang xử lý
    Status.SUPPLEMENT: 5,  # Yêu cầu bổ sung giấy tờ
    Status.RESULT_READY: 9,  # Đã xử lý xong
    Status.RETURNED: 10,  # Đã trả kết quả
    Status.REFUSED: 3,  # Không được tiếp nhận
    Status.WITHDRAWN: 7,  # Công dân yêu cầu rút hồ sơ
    Status.STOPPED: 8,  # Dừng xử lý
}
"""TrangThaiHoSo for each status of the desk (codes 1 and 6 are never produced at the counter)."""

CHANNEL_CODES: Mapping[Channel, int] = {Channel.COUNTER: 1, Channel.ONLINE: 2, Channel.POST: 3, Channel.VNEID: 2}
"""KenhThucHien: 1 trực tiếp, 2 trực tuyến, 3 qua bưu chính công ích. **Assumption**: a dossier sent through
the VNeID application (NĐ 367/2025) is online (2); TaiKhoanDuocXacThucVoiVNeID and NoiNopHoSo tell it apart."""

SUBMISSION_PLACE_CODES: Mapping[Channel, str] = {
    Channel.COUNTER: "1",
    Channel.ONLINE: "2",
    Channel.POST: "3",
    Channel.VNEID: "4",
}
"""NoiNopHoSo: DOMAIN.md says "a short enum code, not the agency text" without the values. **Assumption**:
"1" the one-stop counter (Bộ phận Một cửa), "2" the public-service portal, "3" public postal service,
"4" the VNeID application; a province whose system numbers them otherwise changes this table."""

DATABASE_CODES: Mapping[str, str] = {
    "VNeID": "CSDLQGDC",
    "CSDLQG dân cư": "CSDLQGDC",
    "CSDL hộ tịch điện tử": "CSDLHTDT",
}
"""DSKetNoiCSDL[].MaCSDL of the national databases a component is reused from (desk.rules.vocabulary's
REUSE_SOURCES; "Kho dữ liệu", the citizen's personal data store, is no database connection).
**Assumption**: the codes are ours (no published list): CSDLQGDC the population database, CSDLHTDT
the electronic civil-status database."""

POPULATION_DATABASE = "CSDLQGDC"

STEP_TEXTS: Mapping[str, str] = {
    "dossier.received": "Tiếp nhận hồ sơ",
    "dossier.transferred": "Chuyển hồ sơ đến cơ quan giải quyết",
    "dossier.supplement_requested": "Yêu cầu bổ sung, hoàn thiện hồ sơ",
    "dossier.resumed": "Nhận hồ sơ đã bổ sung",
    "dossier.result_ready": "Có kết quả giải quyết",
    "dossier.returned": "Trả kết quả",
    "dossier.refused": "Từ chối tiếp nhận",
    "dossier.withdrawn": "Công dân rút hồ sơ",
    "dossier.stopped": "Dừng giải quyết hồ sơ",
    "dossier.extended": "Gia hạn thời gian giải quyết",
}
"""How each move of a dossier reads, in Vietnamese: the progress lines' NoiDungXuLy and Mẫu 06."""

CHECKLIST_STEP_TEXT = "Cập nhật thành phần hồ sơ"
"""NoiDungXuLy of any other change of a dossier (its checklist, a scan, a result file)."""

DELIVERY_CODES: Mapping[Delivery, int] = {Delivery.COUNTER: 0, Delivery.POST: 1}
"""HinhThuc (how the result is handed over): 0 trực tiếp, 1 qua bưu chính công ích."""

APPLICANT_KIND_CODES: Mapping[ApplicantKind, int] = {
    ApplicantKind.CITIZEN: 1,
    ApplicantKind.BUSINESS: 2,
    ApplicantKind.STATE_AGENCY: 3,
    ApplicantKind.OTHER_ORG: 4,
    # assumption: DOMAIN.md's LoaiDoiTuong has no code for a foreigner (1 công dân, 2 doanh nghiệp,
    # 3 cơ quan nhà nước, 4 tổ chức khác); a foreigner is a person, reported as 1
    ApplicantKind.FOREIGNER: 1,
}
"""LoaiDoiTuong: not uniform across systems (DOMAIN.md), so every function takes an override.
A record of no kind (a snapshot older than the kinds) is a citizen's."""

ID_KIND_CODES: Mapping[IdKind, int] = {IdKind.PERSONAL_ID: 1, IdKind.OLD_ID: 2}
"""LoaiDinhDanh: 1 the 12-digit personal ID, 2 the 9-digit old ID card. Tax codes and
passports have no code in DOMAIN.md, so they are not listed in DinhDanhCHS
(they still appear as SoGiayToChuHoSo, beside LoaiDoiTuong)."""

DIGITISATION_CODES: Mapping[Digitisation, int] = {
    Digitisation.PENDING: 0,
    Digitisation.DIGITISED: 1,
    Digitisation.DIGITISED_UNSIGNED: 0,  # TT 01/2023 Điều 8: an unsigned scan is not digitised
    Digitisation.REUSED_STORE: 2,
    Digitisation.REUSED_DOSSIER: 3,
    Digitisation.NOT_REQUIRED: 0,  # assumption: "not required" is reported as not digitised
}
"""Digitisation state of a component as DOMAIN.md numbers it (0–3)."""

_DIGITISED, _REUSED_STORE, _REUSED_DOSSIER = (
    Digitisation.DIGITISED,
    Digitisation.REUSED_STORE,
    Digitisation.REUSED_DOSSIER,
)
_REUSED = frozenset({_REUSED_STORE, _REUSED_DOSSIER})

SUMMARY_MAX = 1000  # TrichYeuHoSo is at most 1000 characters


_DROP_SEPARATORS = str.maketrans("", "", "-T:")


def digitisation_code(state: Digitisation) -> int:
    return DIGITISATION_CODES[state]


def _row_date(value: str | None) -> str | None:
    """``yyyyMMddHHmmss`` from a stored ISO 8601 local date-time (``2026-11-23T09:00:00``), or None."""
    if not value:
        return None
    if len(value) == 19:
        return value.translate(_DROP_SEPARATORS)
    # seconds missing or an offset given: local time as written, to the second
    return datetime.fromisoformat(value).replace(tzinfo=None).isoformat(timespec="seconds").translate(_DROP_SEPARATORS)


def document_record(line: Mapping[str, Any]) -> dict:
    """One TaiLieuNop entry for a received component, from its stored row.

    **Assumptions** (vendor practice): TepDinhKemId is the file's SHA-256 (a
    stable id without a server); DuongDanTaiTepTin is the path inside the
    bundle (``files/...``) or empty; a component reused from the data store
    sets both DuocTaiSuDung and DuocLayTuKhoDMQG, one reused from another
    dossier's result sets DuocTaiSuDung only.
    """
    state = line["digitisation"]
    path = line["file_path"]
    return {
        "TepDinhKemId": line["file_sha256"] or "",
        "TenTepDinhKem": path.rsplit("/", 1)[-1] if path else line["name"],
        "MaThanhPhanHoSo": line["code"],
        "DuongDanTaiTepTin": f"files/{path}" if path else "",
        "DuocSoHoa": 1 if state == _DIGITISED else 0,
        "DuocTaiSuDung": 1 if state == _REUSED_STORE or state == _REUSED_DOSSIER else 0,
        "DuocLayTuKhoDMQG": 1 if state == _REUSED_STORE else 0,
    }


def result_record(result: Mapping[str, Any]) -> dict:
    """One DanhSachGiayToKetQua entry for an electronic result (as the snapshot's ``"results"`` carry it).

    **Assumption** (as for TaiLieuNop): DuongDanTepTinKetQua is the path inside the bundle.
    """
    return {
        "TenGiayTo": result["name"],
        "MaGiayToKetQua": result["code"],
        "DuongDanTepTinKetQua": f"files/{result['file_path']}",
    }


def fee_records(procedure: Procedure | None) -> list[dict]:
    """DanhSachLePhi from the procedure's fees.

    **Assumptions**: HinhThucThu 1 = collected at the counter; LoaiPhiLePhi 2
    for a "lệ phí" (charge), 1 for a "phí" (fee), judged from the name.
    """
    if procedure is None:
        return []
    return [
        {
            "TenPhiLePhi": f.name,
            "MaPhiLePhi": f.code,
            "HinhThucThu": 1,
            "Gia": f.amount,
            "LoaiPhiLePhi": 2 if f.name.strip().lower().startswith("lệ phí") else 1,
        }
        for f in procedure.fees
    ]


def supplement_history(steps: Sequence[Mapping[str, Any]]) -> list[dict]:
    """DanhSachHoSoBoSung from a dossier's supplement events in order.

    ``steps``: ``{"type", "at", "due_at"}`` of each ``dossier.supplement_requested`` and
    ``dossier.resumed`` event (``due_at``: the dossier's due time in that event's snapshot). A request
    gives NgayYeuCauBoSung and NgayHenTraTruoc; the resume that follows gives NgayTiepNhanBoSung and
    NgayHenTraMoi (null while the citizen has not come back).
    """
    out: list[dict] = []
    for step in steps:
        if step["type"] == "dossier.supplement_requested":
            out.append(
                {
                    "NgayYeuCauBoSung": _row_date(step["at"]),
                    "NgayTiepNhanBoSung": None,
                    "NgayHenTraTruoc": _row_date(step["due_at"]),
                    "NgayHenTraMoi": None,
                }
            )
        elif step["type"] == "dossier.resumed" and out and out[-1]["NgayTiepNhanBoSung"] is None:
            out[-1]["NgayTiepNhanBoSung"] = _row_date(step["at"])
            out[-1]["NgayHenTraMoi"] = _row_date(step["due_at"])
    return out


def database_links(lines: Sequence[Mapping[str, Any]]) -> list[dict]:
    """DSKetNoiCSDL: the national databases the received components were reused from, each once."""
    codes = []
    for c in lines:
        code = DATABASE_CODES.get(c.get("reuse_source") or "")
        if c["digitisation"] == _REUSED_STORE and code and code not in codes:
            codes.append(code)
    return [{"MaCSDL": code} for code in codes]


def progress_record(
    event: Mapping[str, Any], *, due_at: str | None = None, clerk_title: str = "", unit_name: str = ""
) -> dict:
    """One progress line (CapNhatTienDoHoSoMC) of an event about a dossier, its content in Vietnamese.

    ``event``: ``{"dossier_code", "type", "at", "clerk", "status"}`` (status: the dossier's after the
    event). **Assumptions**: NgayBatDau is the event's time, NgayKetThucTheoQuyDinh the due time then.
    """
    status = event.get("status")
    return {
        "MaHoSo": event["dossier_code"],
        "NguoiXuLy": event["clerk"],
        "ChucDanh": clerk_title,
        "ThoiDiemXuLy": _row_date(event["at"]),
        "PhongBanXuLy": unit_name,
        "NoiDungXuLy": STEP_TEXTS.get(event["type"], CHECKLIST_STEP_TEXT),
        "TrangThai": STATUS_CODES[Status(status)] if status else None,
        "NgayBatDau": _row_date(event["at"]),
        "NgayKetThucTheoQuyDinh": _row_date(due_at),
    }


def record_from_row(
    row: Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]],
    *,
    procedure: Procedure | None = None,
    agency_name: str = "",
    agency_code: str = "",
    applicant_kinds: Mapping[ApplicantKind, int] = APPLICANT_KIND_CODES,
    results: Sequence[Mapping[str, Any]] = (),
    supplements: Sequence[Mapping[str, Any]] = (),
) -> dict:
    """The portal sync record of one dossier from its stored row and lines (as in an event's snapshot).

    Keys in the order DOMAIN.md lists them. ``procedure`` (from the
    catalogue, when the desk still has it) adds the field (lĩnh vực: MaLinhVuc,
    empty when the catalogue has no code), fees and result name; ``supplements``
    the supplement events (:func:`supplement_history`). **Assumptions**:
    TrichYeuHoSo is "<procedure> - <applicant>"; NoiNopHoSo is
    :data:`SUBMISSION_PLACE_CODES`; DonViXuLy is the agency's name (``agency_code``
    is kept for callers and no longer written); NgayTuChoi is the moment of the
    refusal (the dossier's finish time, else its last update); ThongTinTra names
    who collected the result; MaDoiTuong and Fax are left empty;
    DuocThanhToanTrucTuyen is 0 (fees are paid at the counter: the desk has no
    online payment); TaiKhoanDuocXacThucVoiVNeID is 1 for a dossier received
    through VNeID; MaKetQuaThayThe is empty (the desk issues no result replacing
    an earlier one).
    HoSoCoThanhPhanSoHoa is 1 only when a component is **reused** (the portal
    reads it as reuse, DOMAIN.md): a plain scan does not set it.
    """
    status = row["status"]
    refused_at = (row["finished_at"] or row["updated_at"]) if status == Status.REFUSED else None
    received = [c for c in lines if c["received"] or c["digitisation"] in _REUSED]
    reused = not _REUSED.isdisjoint([c["digitisation"] for c in received])
    channel = Channel(row["channel"])
    received_at = _row_date(row["received_at"])
    papers = [result_record(r) for r in results]
    if (
        not papers
        and procedure is not None
        and procedure.result_name
        and status in (Status.RESULT_READY, Status.RETURNED)
    ):
        papers.append({"TenGiayTo": procedure.result_name, "MaGiayToKetQua": "", "DuongDanTepTinKetQua": ""})
    identities = []
    id_kind = row["id_kind"]
    if row["id_number"] and id_kind in ID_KIND_CODES:
        identities.append({"LoaiDinhDanh": ID_KIND_CODES[id_kind], "SoDinhDanh": row["id_number"]})
    return {
        "MaHoSo": row["code"],
        "MaTTHC": row["procedure_code"],
        "TenTTHC": row["procedure_name"],
        "MaLinhVuc": procedure.field_code if procedure else "",
        "TenLinhVuc": procedure.field if procedure else "",
        "KenhThucHien": CHANNEL_CODES[row["channel"]],
        "SoGiayToChuHoSo": row["id_number"],
        "ChuHoSo": row["applicant_name"],
        "LoaiDoiTuong": applicant_kinds[row.get("applicant_kind") or ApplicantKind.CITIZEN],
        "MaDoiTuong": "",
        "ThongTinKhac": "",
        "Email": row["email"],
        "Fax": "",
        "SoDienThoai": row["phone"],
        "TrichYeuHoSo": f"{row['procedure_name']} - {row['applicant_name']}"[:SUMMARY_MAX],
        "NgayTiepNhan": received_at,
        "NgayHenTra": _row_date(row["due_at"]),
        "TrangThaiHoSo": STATUS_CODES[status],
        "NgayTra": _row_date(row["returned_at"]),
        "ThongTinTra": row["collected_by"],
        "HinhThuc": DELIVERY_CODES[row["delivery"]],
        "NgayKetThucXuLy": _row_date(row["finished_at"]),
        "DonViXuLy": agency_name,
        "GhiChu": row["notes"],
        "NoiNopHoSo": SUBMISSION_PLACE_CODES[channel],
        "HoSoCoThanhPhanSoHoa": 1 if reused else 0,
        "NgayTuChoi": _row_date(refused_at),
        "NgayNopHoSo": received_at,
        "TaiLieuNop": [document_record(c) for c in received],
        "DanhSachLePhi": fee_records(procedure),
        "DanhSachGiayToKetQua": papers,
        "DinhDanhCHS": identities,
        "DanhSachHoSoBoSung": supplement_history(supplements),
        "DuocThanhToanTrucTuyen": 0,
        "TaiKhoanDuocXacThucVoiVNeID": 1 if channel == Channel.VNEID else 0,
        "DSKetNoiCSDL": database_links(received),
        "MaKetQuaThayThe": "",
    }
