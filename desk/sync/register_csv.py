"""The register book lines of a bundle (``register.csv``, Mẫu 07 columns; UTF-8 with BOM), from stored rows."""

from __future__ import annotations

import csv
import io

from desk.models import Status
from desk.rules.spreadsheet import safe_row

REGISTER_HEADER = [
    "Quyển số",
    "Số thứ tự",
    "Mã hồ sơ",
    "Mã thủ tục",
    "Tên thủ tục",
    "Người nộp",
    "Số giấy tờ",
    "Địa chỉ",
    "Số điện thoại",
    "Ngày nhận",
    "Hẹn trả",
    "Trạng thái",
    "Ngày có kết quả",
    "Ngày trả",
    "Người nhận kết quả",
    "Người tiếp nhận",
    "Ghi chú",
    "Nhập bù",
]


def fmt(value: str | None) -> str:
    """``dd/mm/yyyy HH:MM`` from a stored ISO 8601 local date-time (Excel reads it as a date)."""
    if not value:
        return ""
    return f"{value[8:10]}/{value[5:7]}/{value[0:4]} {value[11:16]}"


# the register is read by people: statuses in words (the portal's names of the codes in desk.rules.portal)
STATUS_WORDS_VI = {
    Status.RECEIVED: "Được tiếp nhận",
    Status.TRANSFERRED: "Đang xử lý",
    Status.SUPPLEMENT: "Yêu cầu bổ sung giấy tờ",
    Status.RESULT_READY: "Đã xử lý xong",
    Status.RETURNED: "Đã trả kết quả",
    Status.REFUSED: "Không được tiếp nhận",
    Status.WITHDRAWN: "Công dân yêu cầu rút hồ sơ",
    Status.STOPPED: "Dừng xử lý",
}


def catch_up_note(record: dict | None) -> str:
    """The register's mark of a dossier entered after it was received: when it was entered, and why."""
    if not record:
        return ""
    return f"Nhập lúc {fmt(record['entered_at'])}: {record['reason']}"


def register_csv(rows: list[dict], catch_ups: dict[str, dict] | None = None) -> bytes:
    """The register book lines (Mẫu 07 columns) of the dossiers, from their stored rows; a catch-up is marked."""
    catch_ups = catch_ups or {}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(REGISTER_HEADER)
    w.writerows(
        safe_row(line)
        for line in [
            (
                r["register_book"],
                r["register_line"],
                r["code"],
                r["procedure_code"],
                r["procedure_name"],
                r["applicant_name"],
                r["id_number"],
                r["address"],
                r["phone"],
                fmt(r["received_at"]),
                fmt(r["due_at"]),
                STATUS_WORDS_VI[r["status"]],
                fmt(r["finished_at"]),
                fmt(r["returned_at"]),
                r["collected_by"],
                r["clerk"],
                r["notes"],
                catch_up_note(catch_ups.get(r["code"])),
            )
            for r in rows
        ]
    )
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")
