"""Regenerate the document previews in docs/images/ (needs pdftoppm from poppler-utils).

.venv/bin/python docs/make_images.py
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desk.models import (  # noqa: E402
    Agency,
    Applicant,
    ComponentLine,
    Dossier,
    Fee,
    Form,
    IdKind,
    PrintSettings,
    Procedure,
    ProcessingTime,
    Status,
    TimeUnit,
)
from printing.letters import render_apology, render_refusal, render_supplement  # noqa: E402
from printing.receipt import render_receipt  # noqa: E402
from printing.register import render_register  # noqa: E402
from printing.report import render_day_report  # noqa: E402

OUT = ROOT / "docs" / "images"
COLOUR = {"report-day"}
KEY = bytes(range(32))  # a demo key; a real desk's key never leaves its home

SETTINGS = PrintSettings(
    agency=Agency(
        code="000.00.12.H29",
        name="Ủy ban nhân dân phường Hoàn Kiếm",
        desk_no=1,
        desk_id="demo",
        place="Hà Nội",
        parent_name="UBND thành phố Hà Nội",
    ),
    clerk="Trần Thị Bích Ngọc",
    lookup_url="https://dichvucong.example.gov.vn/tra-cuu",
)
PROCEDURE = Procedure(
    code="2.000815.000.00.00.H29",
    name="Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp",
    field="Chứng thực",
    processing=ProcessingTime(TimeUnit.WORKING_DAYS, 2),
    fees=(Fee("Phí chứng thực bản sao từ bản chính", 2000, unit="trang"),),
)
DOSSIER = Dossier(
    id="demo-1",
    code="000.00.12.H29-261122-1007",
    procedure_code=PROCEDURE.code,
    procedure_name=PROCEDURE.name,
    applicant=Applicant(
        name="Nguyễn Văn Đức",
        id_number="001099012345",
        id_kind=IdKind.PERSONAL_ID,
        sex="Nam",
        phone="0912345678",
        email="duc.nguyen@example.vn",
        address="Số 1 Phố Huế, phường Hàng Bài, quận Hoàn Kiếm, Hà Nội",
    ),
    received_at=datetime(2026, 11, 22, 9, 30),
    due_at=datetime(2026, 11, 24, 9, 30),
    register_book="01",
    register_line=123,
    clerk="Trần Thị Bích Ngọc",
    components=[
        ComponentLine(code="BC", name="Bằng tốt nghiệp đại học (bản chính để đối chiếu)", form=Form.ORIGINAL),
        ComponentLine(code="BS", name="Bản sao bằng tốt nghiệp đại học cần chứng thực", form=Form.COPY, quantity=3),
        ComponentLine(code="HK", name="Giấy khai sinh", form=Form.CERTIFIED_COPY),
    ],
)


def register_dossiers() -> list[Dossier]:
    people = ["Nguyễn Văn Đức", "Lê Thị Hồng Nhung", "Phạm Quốc Việt", "Đỗ Minh Châu", "Hoàng Thị Lan", "Vũ Đức Thắng"]
    procedures = [
        "Đăng ký khai sinh",
        "Cấp bản sao trích lục hộ tịch",
        "Chứng thực bản sao từ bản chính",
        "Chứng thực chữ ký",
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        "Đăng ký kết hôn",
    ]
    out = []
    for i, (who, proc) in enumerate(zip(people, procedures, strict=True)):
        d = dataclasses.replace(
            DOSSIER,
            code=f"000.00.12.H29-261122-{1001 + i:04d}",
            procedure_name=proc,
            applicant=dataclasses.replace(DOSSIER.applicant, name=who, phone=f"09123456{i:02d}"),
            received_at=datetime(2026, 11, 22, 8 + i, 10 * i % 60),
            due_at=datetime(2026, 11, 22 + (i % 3), 16, 30),
            register_line=120 + i,
        )
        if i == 2:
            d = dataclasses.replace(d, status=Status.REFUSED, notes="Thiếu bản chính")
        if i == 3:
            d = dataclasses.replace(
                d,
                status=Status.RETURNED,
                finished_at=datetime(2026, 11, 22, 14, 0),
                returned_at=datetime(2026, 11, 22, 15, 45),
                collected_by=who,
            )
        out.append(d)
    return out


def sample_day_report():
    """A believable day at one desk for the end-of-day report (figures made up, consistent)."""
    from desk.reports.day import DayReport
    from desk.reports.indicators import Figures, Group, Indicators, OverdueDossier

    def figures(received, finished, on_time, digitised, reused, **kw) -> Figures:
        return Figures(
            received=received,
            finished=finished,
            finished_on_time=on_time,
            digitised=digitised,
            reused=reused,
            synced=received,
            processing_minutes=finished * 370,
            returned=finished,
            **kw,
        )

    procedures = [
        (
            "2.000815",
            "Chứng thực bản sao từ bản chính",
            figures(9, 9, 9, 8, 7, answered=6, very_satisfied=4, satisfied=2),
        ),
        ("1.001193", "Đăng ký khai sinh", figures(5, 4, 4, 5, 5, answered=3, very_satisfied=2, satisfied=1)),
        ("2.000635", "Cấp bản sao trích lục hộ tịch", figures(3, 3, 3, 3, 3)),
        ("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", figures(3, 1, 0, 2, 1, answered=1, dissatisfied=1)),
        ("2.000884", "Chứng thực chữ ký", figures(2, 2, 2, 1, 1, answered=1, satisfied=1)),
        ("1.001776", "Trợ cấp xã hội hằng tháng", figures(1, 0, 0, 0, 0)),
    ]
    overall = Figures()
    groups = []
    for code, name, f in procedures:
        overall.add(f)
        groups.append(Group(code, name, f))
    overall.refused, overall.synced = 1, overall.received - 2
    overall.in_progress, overall.overdue, overall.awaiting_return = 14, 3, 2
    day = date(2026, 11, 23)
    ind = Indicators(
        day,
        day,
        datetime(2026, 11, 23),
        datetime(2026, 11, 24),
        datetime(2026, 11, 23, 17, 5),
        overall,
        [Group("000.00.12.H29/1", "Quầy 1", overall, desk_no=1)],
        [Group(SETTINGS.clerk, SETTINGS.clerk, overall)],
        groups,
    )
    late = [
        OverdueDossier(
            "000.00.12.H29-261117-1004",
            "1.004873",
            "Cấp Giấy xác nhận tình trạng hôn nhân",
            "Lê Thị Hồng Nhung",
            SETTINGS.clerk,
            1,
            datetime(2026, 11, 17, 9, 10),
            datetime(2026, 11, 20, 9, 10),
            1180,
        ),
        OverdueDossier(
            "000.00.12.H29-261118-1002",
            "1.004873",
            "Cấp Giấy xác nhận tình trạng hôn nhân",
            "Phạm Quốc Việt",
            SETTINGS.clerk,
            1,
            datetime(2026, 11, 18, 8, 40),
            datetime(2026, 11, 21, 8, 40),
            700,
        ),
        OverdueDossier(
            "000.00.12.H29-261120-1009",
            "2.000815",
            "Chứng thực bản sao từ bản chính",
            "Đỗ Minh Châu",
            SETTINGS.clerk,
            1,
            datetime(2026, 11, 20, 15, 20),
            datetime(2026, 11, 23, 17, 0),
            5,
        ),
    ]
    return DayReport(SETTINGS.agency, SETTINGS.clerk, datetime(2026, 11, 23, 17, 5), ind, late)


def documents() -> dict[str, bytes]:
    return {
        "receipt-a4": render_receipt(DOSSIER, PROCEDURE, SETTINGS, KEY, paper="a4", copies=1),
        "receipt-a5": render_receipt(DOSSIER, PROCEDURE, SETTINGS, KEY, paper="a5", copies=1),
        "receipt-80mm": render_receipt(DOSSIER, PROCEDURE, SETTINGS, KEY, paper="80mm", copies=1),
        "mau02-supplement": render_supplement(
            DOSSIER,
            PROCEDURE,
            SETTINGS,
            [
                ("Bản chính bằng tốt nghiệp đại học", "Bản đã nộp là bản sao, không đối chiếu được"),
                ("Giấy ủy quyền có chứng thực", "Người nộp hồ sơ không phải người yêu cầu chứng thực"),
            ],
            "Khi nộp bổ sung, xin mang theo phiếu này.",
            issued=datetime(2026, 11, 22, 10, 5),
        ),
        "mau03-refusal": render_refusal(
            DOSSIER,
            PROCEDURE,
            SETTINGS,
            "Bản chính giấy tờ bị tẩy xóa, sửa chữa nội dung (Điều 22 Nghị định 23/2015/NĐ-CP).",
            issued=datetime(2026, 11, 22, 9, 40),
        ),
        "mau04-apology": render_apology(
            DOSSIER,
            PROCEDURE,
            SETTINGS,
            datetime(2026, 11, 26, 9, 30),
            "Cần xác minh tính hợp pháp của văn bằng với cơ sở đào tạo.",
            issued=date(2026, 11, 24),
        ),
        "mau07-register": render_register(register_dossiers(), SETTINGS, date(2026, 11, 22)),
        "report-day": render_day_report(sample_day_report(), SETTINGS),
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, pdf in documents().items():
            src = Path(tmp) / f"{name}.pdf"
            src.write_bytes(pdf)
            dpi = "110" if name == "receipt-80mm" else "80"
            colour = [] if name in COLOUR else ["-gray"]  # the report's charts are coloured
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    dpi,
                    *colour,
                    "-png",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(src),
                    str(OUT / name),
                ],
                check=True,
            )
            print(OUT / f"{name}.png", (OUT / f"{name}.png").stat().st_size // 1024, "KB")


if __name__ == "__main__":
    main()
