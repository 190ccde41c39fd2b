"""The national-portal record shape (DOMAIN.md "Dossier sync record"): the one mapping module.

Every Vietnamese field name of the portal sync record and every enumeration
code lives here and nowhere else. The field names and codes come from vendor
sync code seen in provincial systems, not from a published standard: where a
value is our assumption rather than something DOMAIN.md states, the docstring
or comment says **assumption** so that an integrator can find it and change it
in this one place.

Dates are local time formatted ``yyyyMMddHHmmss``; a missing date is ``null``
(**assumption**: some systems expect an empty string instead).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from json.encoder import encode_basestring

from desk.models import (
    ApplicantKind,
    Channel,
    ComponentLine,
    Delivery,
    Digitisation,
    Dossier,
    Event,
    IdKind,
    Procedure,
    Status,
)
from desk.dossier.rows import dossier_to_row, line_to_row

PORTAL_DATE_FORMAT = "%Y%m%d%H%M%S"

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

CHANNEL_CODES: Mapping[Channel, int] = {Channel.COUNTER: 1, Channel.ONLINE: 2, Channel.POST: 3}
"""KenhThucHien: 1 trực tiếp, 2 trực tuyến, 3 qua bưu chính công ích."""

DELIVERY_CODES: Mapping[Delivery, int] = {Delivery.COUNTER: 0, Delivery.POST: 1}
"""HinhThuc (how the result is handed over): 0 trực tiếp, 1 qua bưu chính công ích."""

APPLICANT_KIND_CODES: Mapping[ApplicantKind, int] = {
    ApplicantKind.CITIZEN: 1,
    ApplicantKind.BUSINESS: 2,
    ApplicantKind.STATE_AGENCY: 3,
    ApplicantKind.OTHER_ORG: 4,
}
"""LoaiDoiTuong: not uniform across systems (DOMAIN.md), so every function takes an override."""

ID_KIND_CODES: Mapping[IdKind, int] = {IdKind.PERSONAL_ID: 1, IdKind.OLD_ID: 2}
"""LoaiDinhDanh: 1 the 12-digit personal ID, 2 the 9-digit old ID card. Tax codes and
passports have no code we could verify, so they are not listed in DinhDanhCHS
(they still appear as SoGiayToChuHoSo)."""

DIGITISATION_CODES: Mapping[Digitisation, int] = {
    Digitisation.PENDING: 0,
    Digitisation.DIGITISED: 1,
    Digitisation.REUSED_STORE: 2,
    Digitisation.REUSED_DOSSIER: 3,
    Digitisation.NOT_REQUIRED: 0,  # assumption: "not required" is reported as not digitised
}
"""Digitisation state of a component as DOMAIN.md numbers it (0–3)."""

_DIGITISED, _REUSED_STORE, _REUSED_DOSSIER = Digitisation.DIGITISED, Digitisation.REUSED_STORE, Digitisation.REUSED_DOSSIER
_COUNTS_AS_DIGITISED = frozenset({_DIGITISED, _REUSED_STORE, _REUSED_DOSSIER})

SUMMARY_MAX = 1000  # TrichYeuHoSo is at most 1000 characters


_DROP_SEPARATORS = str.maketrans("", "", "-T:")


def portal_date(value: datetime | None) -> str | None:
    """``yyyyMMddHHmmss`` in local time, or None (``strftime(PORTAL_DATE_FORMAT)``, faster)."""
    return value.replace(tzinfo=None).isoformat(timespec="seconds").translate(_DROP_SEPARATORS) if value else None


def parse_portal_date(text: str | None) -> datetime | None:
    """The inverse of :func:`portal_date`."""
    return datetime.strptime(text, PORTAL_DATE_FORMAT) if text else None


def status_code(status: Status) -> int:
    """TrangThaiHoSo of a desk status."""
    return STATUS_CODES[status]


def digitisation_code(state: Digitisation) -> int:
    return DIGITISATION_CODES[state]


def _row_date(value: str | None) -> str | None:
    """``yyyyMMddHHmmss`` from a stored ISO 8601 local date-time (``2026-11-23T09:00:00``)."""
    if not value:
        return None
    if len(value) == 19:
        return value.translate(_DROP_SEPARATORS)
    return portal_date(datetime.fromisoformat(value))


def document_record(line: ComponentLine | dict) -> dict:
    """One TaiLieuNop entry for a received component (a ComponentLine or its stored row).

    **Assumptions** (vendor practice): TepDinhKemId is the file's SHA-256 (a
    stable id without a server); DuongDanTaiTepTin is the path inside the
    bundle (``files/...``) or empty; a component reused from the data store
    sets both DuocTaiSuDung and DuocLayTuKhoDMQG, one reused from another
    dossier's result sets DuocTaiSuDung only.
    """
    if not isinstance(line, dict):
        line = line_to_row(line, 0)
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


def dossier_record(
    d: Dossier,
    *,
    procedure: Procedure | None = None,
    agency_name: str = "",
    agency_code: str = "",
    applicant_kinds: Mapping[ApplicantKind, int] = APPLICANT_KIND_CODES,
) -> dict:
    """The portal sync record of one dossier; see :func:`record_from_row`."""
    return record_from_row(
        dossier_to_row(d, ""),
        [line_to_row(c, i) for i, c in enumerate(d.components, 1)],
        procedure=procedure,
        agency_name=agency_name,
        agency_code=agency_code,
        applicant_kinds=applicant_kinds,
    )


def record_from_row(
    row: dict,
    lines: list[dict],
    *,
    procedure: Procedure | None = None,
    agency_name: str = "",
    agency_code: str = "",
    applicant_kinds: Mapping[ApplicantKind, int] = APPLICANT_KIND_CODES,
) -> dict:
    """The portal sync record of one dossier from its stored row and lines (as in an event's snapshot).

    Keys in the order DOMAIN.md lists them. ``procedure`` (from the
    catalogue, when the desk still has it) adds the field (lĩnh vực), fees and
    result name. **Assumptions**: TrichYeuHoSo is "<procedure> - <applicant>";
    NoiNopHoSo is the agency's electronic identifier; DonViXuLy is the agency's
    name; NgayTuChoi is the moment of the refusal (the dossier's finish time,
    else its last update); ThongTinTra names who collected the result;
    MaDoiTuong and Fax are left empty.
    """
    status = row["status"]
    refused_at = (row["finished_at"] or row["updated_at"]) if status == Status.REFUSED else None
    received = [c for c in lines if c["received"]]
    digitised = any(c["digitisation"] in _COUNTS_AS_DIGITISED for c in received)
    results = []
    if procedure is not None and procedure.result_name and status in (Status.RESULT_READY, Status.RETURNED):
        results.append({"TenGiayTo": procedure.result_name, "MaGiayToKetQua": "", "DuongDanTepTinKetQua": ""})
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
        "LoaiDoiTuong": applicant_kinds[row["applicant_kind"]],
        "MaDoiTuong": "",
        "ThongTinKhac": "",
        "Email": row["email"],
        "Fax": "",
        "SoDienThoai": row["phone"],
        "TrichYeuHoSo": f"{row['procedure_name']} - {row['applicant_name']}"[:SUMMARY_MAX],
        "NgayTiepNhan": _row_date(row["received_at"]),
        "NgayHenTra": _row_date(row["due_at"]),
        "TrangThaiHoSo": STATUS_CODES[status],
        "NgayTra": _row_date(row["returned_at"]),
        "ThongTinTra": row["collected_by"],
        "HinhThuc": DELIVERY_CODES[row["delivery"]],
        "NgayKetThucXuLy": _row_date(row["finished_at"]),
        "DonViXuLy": agency_name,
        "GhiChu": row["notes"],
        "NoiNopHoSo": agency_code,
        "HoSoCoThanhPhanSoHoa": 1 if digitised else 0,
        "NgayTuChoi": _row_date(refused_at),
        "NgayNopHoSo": _row_date(row["received_at"]),
        "TaiLieuNop": [document_record(c) for c in received],
        "DanhSachLePhi": fee_records(procedure),
        "DanhSachGiayToKetQua": results,
        "DinhDanhCHS": identities,
    }


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _js(value) -> str:
    """``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``, quickly for text and integers."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    return _encode(value)


def _jdate(value: str | None) -> str:
    """``_js(_row_date(value))``."""
    if not value:
        return "null"
    return encode_basestring(value.translate(_DROP_SEPARATORS) if len(value) == 19 else _row_date(value))


class RecordWriter:
    """The JSON text of portal records for many dossiers (a bundle's dossiers.json).

    ``writer.text(row, lines, procedure)`` is exactly ``json.dumps(record_from_row(row, lines,
    procedure=procedure, ...), ensure_ascii=False, separators=(",", ":"))`` (tests/test_bundle_fastpaths.py
    holds them together), built without the intermediate dicts: the documents of a component
    list object and the fees of a procedure object are encoded once (the caller must not change
    them meanwhile; the writer keeps them alive so that their ids stay theirs).
    """

    def __init__(self, *, agency_name: str = "", agency_code: str = "",
                 applicant_kinds: Mapping[ApplicantKind, int] = APPLICANT_KIND_CODES):
        self.applicant_kinds = applicant_kinds
        self._agency_name, self._agency_code = agency_name, agency_code
        self._agency = f',"DonViXuLy":{_js(agency_name)},"GhiChu":'
        self._submitted = f',"NoiNopHoSo":{_js(agency_code)},"HoSoCoThanhPhanSoHoa":'
        self._documents: dict[int, tuple[list, int, str]] = {}
        self._procedures: dict[int, tuple[Procedure | None, str, str, str]] = {}

    def _documents_of(self, lines: list) -> tuple[list, int, str]:
        known = self._documents.get(id(lines))
        if known is None:
            received = [c for c in lines if c["received"]]
            digitised = 1 if any(c["digitisation"] in _COUNTS_AS_DIGITISED for c in received) else 0
            known = self._documents[id(lines)] = (lines, digitised, _encode([document_record(c) for c in received]))
        return known

    def _procedure_of(self, procedure: Procedure | None) -> tuple[Procedure | None, str, str, str]:
        known = self._procedures.get(id(procedure))
        if known is None:
            known = self._procedures[id(procedure)] = (
                procedure,
                _js(procedure.field_code if procedure else ""),
                _js(procedure.field if procedure else ""),
                _encode(fee_records(procedure)),
            )
        return known

    def text(self, row: dict, lines: list, procedure: Procedure | None = None) -> str:
        try:
            return self._text(row, lines, procedure)
        except TypeError:  # a value of a type no desk writes (a text that is not text): the plain way
            return _encode(record_from_row(row, lines, procedure=procedure, agency_name=self._agency_name,
                                           agency_code=self._agency_code, applicant_kinds=self.applicant_kinds))

    def _text(self, row: dict, lines: list, procedure: Procedure | None) -> str:
        q = encode_basestring  # raises TypeError for anything but text
        status = row["status"]
        _, digitised, documents = self._documents_of(lines)
        _, field_code, field, fees = self._procedure_of(procedure)
        refused_at = (row["finished_at"] or row["updated_at"]) if status == Status.REFUSED else None
        if procedure is not None and procedure.result_name and status in (Status.RESULT_READY, Status.RETURNED):
            results = _encode([{"TenGiayTo": procedure.result_name, "MaGiayToKetQua": "", "DuongDanTepTinKetQua": ""}])
        else:
            results = "[]"
        id_kind = row["id_kind"]
        id_number = row["id_number"]
        if id_number and id_kind in ID_KIND_CODES:
            identities = f'[{{"LoaiDinhDanh":{ID_KIND_CODES[id_kind]},"SoDinhDanh":{q(id_number)}}}]'
        else:
            identities = "[]"
        procedure_name, applicant_name = row["procedure_name"], row["applicant_name"]
        summary = f"{procedure_name} - {applicant_name}"[:SUMMARY_MAX]
        received_at = _jdate(row["received_at"])
        return (
            f'{{"MaHoSo":{q(row["code"])},"MaTTHC":{q(row["procedure_code"])},"TenTTHC":{q(procedure_name)},'
            f'"MaLinhVuc":{field_code},"TenLinhVuc":{field},"KenhThucHien":{CHANNEL_CODES[row["channel"]]},'
            f'"SoGiayToChuHoSo":{q(id_number)},"ChuHoSo":{q(applicant_name)},'
            f'"LoaiDoiTuong":{_js(self.applicant_kinds[row["applicant_kind"]])},"MaDoiTuong":"","ThongTinKhac":"",'
            f'"Email":{q(row["email"])},"Fax":"","SoDienThoai":{q(row["phone"])},"TrichYeuHoSo":{q(summary)},'
            f'"NgayTiepNhan":{received_at},"NgayHenTra":{_jdate(row["due_at"])},'
            f'"TrangThaiHoSo":{STATUS_CODES[status]},"NgayTra":{_jdate(row["returned_at"])},'
            f'"ThongTinTra":{q(row["collected_by"])},"HinhThuc":{DELIVERY_CODES[row["delivery"]]},'
            f'"NgayKetThucXuLy":{_jdate(row["finished_at"])}{self._agency}{q(row["notes"])}'
            f'{self._submitted}{digitised},"NgayTuChoi":{_jdate(refused_at)},'
            f'"NgayNopHoSo":{received_at},"TaiLieuNop":{documents},"DanhSachLePhi":{fees},'
            f'"DanhSachGiayToKetQua":{results},"DinhDanhCHS":{identities}}}'
        )


def progress_record(event: Event, d: Dossier, *, department: str = "") -> dict:
    """A progress record (one step of processing) from one event of the dossier.

    **Assumptions**: ChucDanh is empty (the desk does not know the clerk's
    title); NoiDungXuLy is the event type; TrangThai is the dossier's status
    code after the step.
    """
    return {
        "MaHoSo": d.code,
        "NguoiXuLy": event.clerk,
        "ChucDanh": "",
        "ThoiDiemXuLy": portal_date(event.at),
        "PhongBanXuLy": department,
        "NoiDungXuLy": event.type,
        "TrangThai": status_code(d.status),
        "NgayBatDau": portal_date(d.received_at),
        "NgayKetThucTheoQuyDinh": portal_date(d.due_at),
    }
