"""Printed documents: text layer, QR round trip, layout, paper sizes, fonts, print dispatch."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import stat
import subprocess
import sys
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pypdf
import pytest

from desk.models import (
    Agency,
    Applicant,
    ApplicantKind,
    ComponentLine,
    Delivery,
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
from desk.rules.receipt_qr import Verdict, build_payload, verify_payload
from printing import dispatch
from printing.errors import FontError, PrintOptionError
from printing.fonts import load_fonts
from printing.letters import (
    build_apology,
    build_refusal,
    build_supplement,
    render_apology,
    render_refusal,
    render_supplement,
)
from printing.ops import Rendered
from printing.paper import MM
from printing.qr import qr_matrix, runs
from printing.receipt import build_receipt, render_receipt
from printing.register import build_register, render_register
from printing.wording import date_vi, datetime_vi, money_vi, time_vi

KEY = bytes(range(32))
CODE = "000.00.12.H29-261122-1007"
CLERK = "Trần Thị Bích Ngọc"
APPLICANT = "Nguyễn Thị Phương Thảo"
LONG_NAME = (
    "Công ty trách nhiệm hữu hạn một thành viên thương mại dịch vụ xuất nhập khẩu "
    "Đông Nam Á Thái Bình Dương Việt Nam chi nhánh thành phố Hà Nội"
)


# ---------------------------------------------------------------- fixtures


def make_settings(**kw) -> PrintSettings:
    agency = Agency(
        code="000.00.12.H29",
        name="Ủy ban nhân dân phường Hoàn Kiếm",
        desk_no=1,
        desk_id="desk-1",
        place="Hà Nội",
        parent_name="UBND thành phố Hà Nội",
    )
    return PrintSettings(agency=agency, clerk="Người Khác", **kw)


def make_procedure(**kw) -> Procedure:
    base = Procedure(
        code="2.000635",
        name="Cấp bản sao trích lục hộ tịch",
        field="Hộ tịch",
        processing=ProcessingTime(TimeUnit.WORKING_DAYS, 3),
        fees=(Fee("Lệ phí cấp bản sao trích lục", 8000, unit="bản"),),
    )
    return dataclasses.replace(base, **kw)


def make_dossier(**kw) -> Dossier:
    base = Dossier(
        id="11111111-2222-4333-8444-555555555555",
        code=CODE,
        procedure_code="2.000635",
        procedure_name="Cấp bản sao trích lục hộ tịch",
        applicant=Applicant(
            name=APPLICANT,
            id_number="001099012345",
            id_kind=IdKind.PERSONAL_ID,
            sex="Nữ",
            phone="0912345678",
            email="thao.nguyen@example.vn",
            address="Số 1 Phố Huế, phường Hàng Bài, quận Hoàn Kiếm, Hà Nội",
        ),
        received_at=datetime(2026, 11, 22, 9, 30),
        due_at=datetime(2026, 11, 25, 16, 30),
        register_book="01",
        register_line=123,
        clerk=CLERK,
        components=[
            ComponentLine(code="TK", name="Tờ khai cấp bản sao trích lục hộ tịch", form=Form.ORIGINAL),
            ComponentLine(code="UQ", name="Văn bản ủy quyền chưa mang theo", received=False),
            ComponentLine(code="CC", name="Căn cước công dân của người yêu cầu", form=Form.CERTIFIED_COPY, quantity=2),
        ],
    )
    return dataclasses.replace(base, **kw)


def long_dossier() -> Dossier:
    address = (
        "Tầng 25, tòa nhà Trung tâm Thương mại và Văn phòng Quốc tế, số 123 đường Nguyễn Chí Thanh, "
        "phường Láng Thượng, quận Đống Đa, thành phố Hà Nội, Việt Nam; văn phòng giao dịch: "
        "số 456 đường Trần Duy Hưng, phường Trung Hòa, quận Cầu Giấy, thành phố Hà Nội"
    )
    components = [
        ComponentLine(
            code=f"C{i}",
            name=(
                "Bản sao có chứng thực giấy chứng nhận đăng ký doanh nghiệp kèm theo danh sách thành viên "
                f"góp vốn và điều lệ công ty đã được sửa đổi, bổ sung lần thứ {i}"
            ),
            form=Form.CERTIFIED_COPY,
            quantity=i,
        )
        for i in range(1, 36)
    ]
    components.append(ComponentLine(code="W", name="X" * 300, form=Form.PHOTOCOPY))  # one unbreakable word
    return make_dossier(
        applicant=Applicant(
            name=LONG_NAME,
            kind=ApplicantKind.BUSINESS,
            id_number="0101234567-001",
            id_kind=IdKind.TAX_CODE,
            phone="+84912345678",
            email="phong.hanh.chinh.nhan.su.va.phap.che@congty-xuat-nhap-khau-dong-nam-a.example.vn",
            address=address,
        ),
        components=components,
        delivery=Delivery.POST,
        sets=3,
    )


def pdf_pages(data: bytes) -> list[pypdf.PageObject]:
    return list(pypdf.PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    """Extracted text with every run of whitespace as one space (lines wrap differently per paper)."""
    return re.sub(r"\s+", " ", text).strip()


def page_text(data: bytes, n: int = 0) -> str:
    return flat(pdf_pages(data)[n].extract_text())


def all_text(data: bytes) -> str:
    return flat(" ".join(p.extract_text() for p in pdf_pages(data)))


def assert_in_order(text: str, parts: list[str]) -> None:
    at = 0
    for part in parts:
        i = text.find(part, at)
        assert i >= 0, f"{part!r} missing (or out of order) after position {at} in:\n{text}"
        at = i + len(part)


# ---------------------------------------------------------------- wording


def test_date_time_money_wording():
    assert date_vi(date(2026, 11, 22)) == "ngày 22 tháng 11 năm 2026"
    assert date_vi(date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"  # Nghị định 30/2020: 0 before day < 10, month 1-2
    assert date_vi(date(2026, 3, 9)) == "ngày 09 tháng 3 năm 2026"
    assert time_vi(datetime(2026, 11, 22, 9, 5)) == "09 giờ 05 phút"
    assert datetime_vi(datetime(2026, 11, 22, 16, 30)) == "16 giờ 30 phút, ngày 22 tháng 11 năm 2026"
    assert money_vi(8000) == "8.000 đ"
    assert money_vi(200000) == "200.000 đ"
    assert money_vi(0) == "0 đ"
    assert money_vi(1234567) == "1.234.567 đ"


# ---------------------------------------------------------------- Mẫu 01


def test_receipt_has_every_field_in_order():
    pdf = render_receipt(make_dossier(), make_procedure(), make_settings(), KEY)
    text = page_text(pdf, 0)
    assert_in_order(
        text,
        [
            "ỦY BAN NHÂN DÂN PHƯỜNG HOÀN KIẾM",
            "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Hà Nội, ngày 22 tháng 11 năm 2026",
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            f"Mã hồ sơ: {CODE}",
            "(Liên 1",
            f"Tiếp nhận hồ sơ của: {APPLICANT}",
            "Số định danh cá nhân: 001099012345",
            "Địa chỉ: Số 1 Phố Huế, phường Hàng Bài, quận Hoàn Kiếm, Hà Nội",
            "Số điện thoại: 0912345678",
            "Email: thao.nguyen@example.vn",
            "Nội dung yêu cầu giải quyết: Cấp bản sao trích lục hộ tịch",
            "1. Thành phần hồ sơ nộp gồm:",
            "Tên loại giấy tờ",
            "Hình thức",
            "Số lượng",
            "Tờ khai cấp bản sao trích lục hộ tịch",
            "Bản chính",
            "01",
            "Căn cước công dân của người yêu cầu",
            "Bản sao chứng thực",
            "02",
            "2. Số lượng hồ sơ: 01 (bộ)",
            "3. Thời gian giải quyết hồ sơ theo quy định là: 3 ngày làm việc",
            "4. Thời gian nhận hồ sơ: 09 giờ 30 phút, ngày 22 tháng 11 năm 2026",
            "5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 25 tháng 11 năm 2026",
            "6. Đăng ký nhận kết quả tại: Trung tâm Phục vụ hành chính công",
            "7. Phí, lệ phí: Lệ phí cấp bản sao trích lục: 8.000 đ/bản",
            "Vào Sổ theo dõi hồ sơ, Quyển số: 01 Số thứ tự: 123",
            "NGƯỜI NỘP HỒ SƠ",
            "(Ký và ghi rõ họ tên)",
            APPLICANT,
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
            "(Ký và ghi rõ họ tên)",
            CLERK,
        ],
    )
    assert "Văn bản ủy quyền chưa mang theo" not in text  # not received: not on the receipt
    assert "Người Khác" not in text  # the dossier's clerk wins over the desk's default


def test_receipt_copies_are_marked_lien_1_and_2():
    pdf = render_receipt(make_dossier(), make_procedure(), make_settings(), KEY)
    pages = pdf_pages(pdf)
    assert len(pages) == 2
    first, second = flat(pages[0].extract_text()), flat(pages[1].extract_text())
    assert "(Liên 1: giao người nộp hồ sơ)" in first and "Liên 2" not in first
    assert "(Liên 2: lưu kèm hồ sơ)" in second and "Liên 1" not in second
    for t in (first, second):
        assert f"Mã hồ sơ: {CODE}" in t and "16 giờ 30 phút, ngày 25 tháng 11 năm 2026" in t


@pytest.mark.parametrize("copies", [1, 3])
def test_receipt_n_copies(copies):
    pdf = render_receipt(make_dossier(), make_procedure(), make_settings(), KEY, copies=copies)
    pages = pdf_pages(pdf)
    assert len(pages) == copies
    for n, page in enumerate(pages, 1):
        assert f"(Liên {n}" in flat(page.extract_text())


def test_receipt_refuses_zero_copies():
    with pytest.raises(PrintOptionError) as caught:
        render_receipt(make_dossier(), make_procedure(), make_settings(), KEY, copies=0)
    problem = caught.value.problem
    assert (problem.code, problem.field, dict(problem.params)) == ("print.copies_too_few", "copies", {"copies": 0})


@pytest.mark.parametrize(
    "paper,width_mm,height_mm",
    [("a4", 210, 297), ("a5", 148, 210), ("80mm", 80, None)],
)
def test_receipt_paper_sizes(paper, width_mm, height_mm):
    pdf = render_receipt(make_dossier(), make_procedure(), make_settings(), KEY, paper=paper)
    pages = pdf_pages(pdf)
    assert len(pages) == 2  # one page per copy on every paper, the roll included
    for page in pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert w == pytest.approx(width_mm * MM, abs=0.5)
        if height_mm:
            assert h == pytest.approx(height_mm * MM, abs=0.5)
        else:
            assert 150 * MM < h < 600 * MM  # one long narrow page, as long as its content
        text = flat(page.extract_text())
        assert f"Mã hồ sơ: {CODE}" in text
        assert "5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 25 tháng 11 năm 2026" in text
        assert "8.000 đ/bản" in text and CLERK in text


def test_receipt_paper_name_is_checked():
    with pytest.raises(PrintOptionError) as caught:
        render_receipt(make_dossier(), make_procedure(), make_settings(), KEY, paper="letter")
    problem = caught.value.problem
    assert (problem.code, problem.field) == ("print.paper_unknown", "paper")
    assert dict(problem.params) == {"paper": "letter", "choices": ("a4", "a5", "80mm")}


def test_receipt_same_day_free_no_due_and_falls_back_to_settings_clerk():
    proc = make_procedure(processing=ProcessingTime(TimeUnit.SAME_DAY), fees=())
    d = make_dossier(clerk="", register_line=0, due_at=None, delivery=Delivery.POST)
    text = page_text(render_receipt(d, proc, make_settings(), KEY, copies=1))
    assert "3. Thời gian giải quyết hồ sơ theo quy định là: trong ngày" in text
    assert "7. Phí, lệ phí: Không" in text
    assert "Số thứ tự: ……" in text
    assert "Đăng ký nhận kết quả tại: Qua dịch vụ bưu chính công ích" in text
    assert "Người Khác" in text


def test_receipt_several_fees_are_listed():
    proc = make_procedure(fees=(Fee("Phí chứng thực", 2000, unit="trang"), Fee("Lệ phí cấp bản sao", 8000, unit="bản")))
    text = page_text(render_receipt(make_dossier(), proc, make_settings(), KEY, copies=1))
    assert_in_order(text, ["7. Phí, lệ phí:", "Phí chứng thực: 2.000 đ/trang", "Lệ phí cấp bản sao: 8.000 đ/bản"])


def test_text_is_nfc_even_from_nfd_input():
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn Đức")
    d = make_dossier(applicant=Applicant(name=nfd, address=unicodedata.normalize("NFD", "Thừa Thiên Huế")))
    text = page_text(render_receipt(d, make_procedure(), make_settings(), KEY, copies=1))
    assert unicodedata.is_normalized("NFC", text)
    assert "Tiếp nhận hồ sơ của: Nguyễn Văn Đức" in text and "Địa chỉ: Thừa Thiên Huế" in text


def test_fonts_are_embedded_subsets():
    pdf = render_receipt(make_dossier(), make_procedure(), make_settings(), KEY)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"].get_object()
    names = []
    for ref in fonts.values():
        font = ref.get_object()
        names.append(str(font["/BaseFont"]))
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
        assert "/ToUnicode" in font  # so the text layer extracts
    assert names and all("+" in n for n in names)  # subset-tagged
    assert not any("Helvetica" in n for n in names)


def test_same_input_same_bytes():
    a = render_receipt(make_dossier(), make_procedure(), make_settings(), KEY)
    b = render_receipt(make_dossier(), make_procedure(), make_settings(), KEY)
    assert a == b


def test_qr_is_vector_merged_runs():
    pdf = render_receipt(make_dossier(), make_procedure(), make_settings(), KEY, copies=1)
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    assert "/XObject" not in page["/Resources"]  # no raster image
    m = qr_matrix(build_payload(make_dossier(), KEY))
    dark = sum(sum(row) for row in m)
    r = runs(m)
    assert sum(length for _, _, length in r) == dark
    assert len(r) < dark  # runs merged
    content = page.get_contents().get_data().decode("latin-1")
    assert content.count(" re") == len(r)


# ---------------------------------------------------------------- QR round trip


def decode_qr(pdf: bytes, page: int = 0, dpi: int = 200) -> list[str]:
    pdfium = pytest.importorskip("pypdfium2")
    zxingcpp = pytest.importorskip("zxingcpp")
    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[page].render(scale=dpi / 72).to_pil()
    finally:
        doc.close()
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


@pytest.mark.parametrize("paper", ["a4", "a5", "80mm"])
def test_qr_round_trip_verifies(paper):
    d = make_dossier()
    settings = make_settings(lookup_url="https://dichvucong.example.gov.vn/tra-cuu")
    pdf = render_receipt(d, make_procedure(), settings, KEY, paper=paper)
    for page in (0, 1):
        texts = decode_qr(pdf, page)
        assert texts == [build_payload(d, KEY, settings.lookup_url)]
        v = verify_payload(texts[0], KEY, {d.code: d}.get)
        assert v.verdict is Verdict.GENUINE and v.code == CODE


def test_qr_sits_in_the_top_left_corner():
    r = build_receipt(make_dossier(), make_procedure(), make_settings(), KEY, copies=1)
    qr = [b for b in r.boxes() if b.kind == "qr"]
    assert len(qr) == 1
    page = r.pages[0]
    assert qr[0].x0 < page.width * 0.2 and qr[0].y0 < page.height * 0.1
    assert all(b.y0 >= qr[0].y0 - 1 for b in r.boxes() if b.kind == "text")  # nothing above it


def test_printed_receipt_signed_by_another_agency_is_forged():
    d = make_dossier()
    pdf = render_receipt(d, make_procedure(), make_settings(), bytes(range(50, 82)), copies=1)
    (text,) = decode_qr(pdf)
    assert verify_payload(text, KEY, {d.code: d}.get).verdict is Verdict.FORGED


def test_printed_receipt_with_a_moved_due_date_is_altered():
    d = make_dossier()
    pdf = render_receipt(d, make_procedure(), make_settings(), KEY, copies=1)
    (text,) = decode_qr(pdf)
    moved = make_dossier(due_at=datetime(2026, 12, 1, 10, 0))
    v = verify_payload(text, KEY, {d.code: moved}.get)
    assert v.verdict is Verdict.ALTERED and v.mismatched == ("hen",)


def test_hand_edited_qr_text_is_forged():
    d = make_dossier()
    (text,) = decode_qr(render_receipt(d, make_procedure(), make_settings(), KEY, copies=1))
    edited = text.replace("hen=202611251630", "hen=202612251630")
    assert edited != text
    assert verify_payload(edited, KEY, {d.code: d}.get).verdict is Verdict.FORGED


# ---------------------------------------------------------------- layout


def check_layout(r: Rendered, *, margin_slack: float = 0.5) -> None:
    """Nothing outside its page; no two pieces of text (or text and the QR) on top of each other."""
    boxes = r.boxes()
    assert boxes
    for b in boxes:
        page = r.pages[b.page]
        assert -margin_slack <= b.x0 <= b.x1 <= page.width + margin_slack, b
        assert -margin_slack <= b.y0 <= b.y1 <= page.height + margin_slack, b
        if b.kind == "text":
            assert b.x0 >= 2 * MM and b.x1 <= page.width - 2 * MM, b  # inside the printable area
    solid = [b for b in boxes if b.kind in ("text", "qr")]
    by_page: dict[int, list] = {}
    for b in solid:
        by_page.setdefault(b.page, []).append(b)
    for page_boxes in by_page.values():
        page_boxes.sort(key=lambda b: b.y0)
        for i, a in enumerate(page_boxes):
            for b in page_boxes[i + 1 :]:
                if b.y0 >= a.y1:
                    break
                assert not a.overlaps(b), f"{a} overlaps {b}"


def check_pdf_positions(pdf: bytes) -> None:
    """The PDF's own text positions (as pypdf reads them) are on the page too."""
    for page in pdf_pages(pdf):
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        seen = []

        def visit(text, cm, tm, font_dict, font_size, seen=seen):
            if text.strip():
                x, y = tm[4], tm[5]
                seen.append((x, y))

        page.extract_text(visitor_text=visit)
        assert seen
        for x, y in seen:
            assert 0 <= x <= w and 0 <= y <= h, (x, y, w, h)


@pytest.mark.parametrize("paper", ["a4", "a5", "80mm"])
def test_receipt_layout_plain(paper):
    r = build_receipt(make_dossier(), make_procedure(), make_settings(), KEY, paper=paper)
    check_layout(r)
    assert len(r.pages) == 2


@pytest.mark.parametrize("paper", ["a4", "a5", "80mm"])
def test_long_receipt_wraps_and_flows_without_overlap(paper):
    d = long_dossier()
    r = build_receipt(d, make_procedure(), make_settings(), KEY, paper=paper)
    check_layout(r)
    check_pdf_positions(r.pdf)
    text = all_text(r.pdf)
    if paper != "80mm":
        assert len(r.pages) > 2  # each copy flowed onto more pages
        assert "(tiếp theo)" in text and "Trang 2/" in text
    else:
        assert len(r.pages) == 2  # a roll copy is one long page
    for i in (1, 17, 35):
        assert f"sửa đổi, bổ sung lần thứ {i}" in text
    assert "X" * 40 in text.replace(" ", "")  # the unbreakable word was broken, not clipped
    assert "Mã số thuế: 0101234567-001" in text
    assert "Qua dịch vụ bưu chính công ích" in text
    assert "2. Số lượng hồ sơ: 03 (bộ)" in text
    # Liên 2 starts on its own page
    liens = [flat(p.extract_text()) for p in pdf_pages(r.pdf)]
    starts = [i for i, t in enumerate(liens) if "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in t]
    assert len(starts) == 2 and "(Liên 2" in liens[starts[1]]


@pytest.mark.parametrize(
    "build",
    [
        lambda d, p, s: build_supplement(d, p, s, [("Giấy tờ " * 30, "Lý do " * 40)] * 25, "Ghi chú " * 80),
        lambda d, p, s: build_refusal(d, p, s, "Lý do từ chối rất dài " * 200),
        lambda d, p, s: build_apology(d, p, s, datetime(2026, 12, 1, 8, 0), "Lý do chậm " * 300),
    ],
    ids=["mau02", "mau03", "mau04"],
)
def test_long_letters_layout(build):
    r = build(long_dossier(), make_procedure(), make_settings())
    check_layout(r)
    check_pdf_positions(r.pdf)
    assert len(r.pages) > 1


def test_long_register_layout():
    dossiers = [dataclasses.replace(long_dossier(), code=f"{CODE[:-4]}{i:04d}", register_line=i) for i in range(1, 30)]
    r = build_register(dossiers, make_settings(), date(2026, 11, 22))
    check_layout(r)
    assert len(r.pages) > 2
    for n, page in enumerate(pdf_pages(r.pdf), 1):
        t = flat(page.extract_text())
        assert "STT" in t and "Mã hồ sơ" in t  # the header repeats on every page
        assert f"Trang {n}/{len(r.pages)}" in t


# ---------------------------------------------------------------- Mẫu 02, 03, 04


def test_supplement_request():
    missing = [
        ("Văn bản ủy quyền có chứng thực", "Người nộp không phải chủ hồ sơ"),
        ("Bản sao giấy khai sinh", "Bản chụp không rõ nét"),
    ]
    pdf = render_supplement(
        make_dossier(),
        make_procedure(),
        make_settings(),
        missing,
        "Nộp bổ sung trong 05 ngày làm việc",
        issued=datetime(2026, 11, 23, 8, 15),
    )
    text = all_text(pdf)
    assert_in_order(
        text,
        [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Hà Nội, ngày 23 tháng 11 năm 2026",
            "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            f"Mã hồ sơ: {CODE}",
            f"Hồ sơ của: {APPLICANT}",
            "Nội dung yêu cầu giải quyết: Cấp bản sao trích lục hộ tịch",
            "Thời gian nhận hồ sơ: 09 giờ 30 phút, ngày 22 tháng 11 năm 2026",
            "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:",
            "Văn bản ủy quyền có chứng thực",
            "Người nộp không phải chủ hồ sơ",
            "Bản sao giấy khai sinh",
            "Bản chụp không rõ nét",
            "Ghi chú: Nộp bổ sung trong 05 ngày làm việc",
            "NGƯỜI HƯỚNG DẪN",
            CLERK,
        ],
    )


def test_refusal():
    reason = "Hồ sơ không thuộc thẩm quyền giải quyết của Ủy ban nhân dân phường."
    text = all_text(render_refusal(make_dossier(), make_procedure(), make_settings(), reason))
    assert_in_order(
        text,
        [
            "Hà Nội, ngày 22 tháng 11 năm 2026",
            "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            f"Mã hồ sơ: {CODE}",
            f"Tiếp nhận hồ sơ của: {APPLICANT}",
            "thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
            reason,
            "Xin thông báo để bà được biết và thực hiện./.",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
            CLERK,
        ],
    )


def test_apology_with_new_date():
    text = all_text(
        render_apology(
            make_dossier(),
            make_procedure(),
            make_settings(),
            datetime(2026, 11, 30, 10, 0),
            "Cần xác minh thông tin hộ tịch tại nơi đăng ký trước đây.",
            issued=date(2026, 11, 26),
        )
    )
    assert_in_order(
        text,
        [
            "Hà Nội, ngày 26 tháng 11 năm 2026",
            "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
            f"Kính gửi: Bà {APPLICANT}",
            "Ngày 22 tháng 11 năm 2026",
            f"Mã hồ sơ: {CODE}",
            "Thời hẹn trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 25 tháng 11 năm 2026",
            "Lý do: Cần xác minh thông tin hộ tịch tại nơi đăng ký trước đây.",
            "hẹn trả kết quả vào: 10 giờ 00 phút, ngày 30 tháng 11 năm 2026",
            "THỦ TRƯỞNG CƠ QUAN",
        ],
    )


# ---------------------------------------------------------------- Mẫu 07


def test_register_day():
    s = make_settings()
    inside = [
        make_dossier(code=f"{CODE[:-4]}100{i}", register_line=200 + i, received_at=datetime(2026, 11, 22, 8 + i, 0))
        for i in range(3)
    ]
    inside[1] = dataclasses.replace(inside[1], status=Status.REFUSED)
    inside[2] = dataclasses.replace(
        inside[2],
        status=Status.RETURNED,
        finished_at=datetime(2026, 11, 24, 15, 0),
        returned_at=datetime(2026, 11, 25, 9, 15),
        collected_by="Nguyễn Văn A",
    )
    outside = make_dossier(code=f"{CODE[:-11]}261121-0001", received_at=datetime(2026, 11, 21, 9, 0))
    r = build_register([*inside, outside], s, date(2026, 11, 22))
    pages = pdf_pages(r.pdf)
    assert float(pages[0].mediabox.width) > float(pages[0].mediabox.height)  # landscape
    text = all_text(r.pdf)
    # table cells wrap anywhere (a dossier code breaks after a dash): compare without spaces
    assert_in_order(
        text.replace(" ", ""),
        [
            part.replace(" ", "")
            for part in [
                "SỔ THEO DÕI HỒ SƠ",
                "Quyển số: 01",
                "Ngày 22 tháng 11 năm 2026",
                "STT",
                "Mã hồ sơ",
                "Tên TTHC",
                "Số lượng hồ sơ (bộ)",
                "Tên tổ chức, cá nhân",
                "Địa chỉ, số điện thoại",
                "Cơ quan chủ trì giải quyết",
                "Ngày nhận",
                "Hẹn trả",
                "Chuyển hồ sơ",
                "Ngày có kết quả",
                "Trả kết quả",
                "Ghi chú",
                "200",
                f"{CODE[:-4]}1000",
                "201",
                "Từ chối tiếp nhận",
                "202",
                "24/11/2026 15:00",
                "25/11/2026 09:15",
                "Nguyễn Văn A",
                "Trang 1/1",
            ]
        ],
    )
    assert "261121-0001" not in text.replace(" ", "")
    check_layout(r)


def test_register_range_and_empty():
    s = make_settings()
    text = all_text(render_register([], s, date(2026, 11, 1), date(2026, 11, 30)))
    assert "Từ ngày 01 tháng 11 năm 2026 đến ngày 30 tháng 11 năm 2026" in text
    assert "Không có hồ sơ nào trong thời gian này." in text


# ---------------------------------------------------------------- fonts


def test_font_override_missing_file(tmp_path):
    with pytest.raises(FontError) as caught:
        load_fonts(str(tmp_path / "times.ttf"))
    problem = caught.value.problem
    assert (problem.code, problem.field) == ("print.font_missing", "printing.font_regular")
    assert dict(problem.params) == {"path": str(tmp_path / "times.ttf"), "setting": "font_regular"}


def test_font_override_not_a_ttf(tmp_path):
    bad = tmp_path / "fake.ttf"
    bad.write_bytes(b"this is not a font at all" * 10)
    with pytest.raises(FontError) as caught:
        load_fonts(str(bad))
    problem = caught.value.problem
    assert (problem.code, problem.field) == ("print.font_unusable", "printing.font_regular")
    assert problem.params["path"] == str(bad) and problem.params["detail"]


def test_font_override_without_vietnamese(tmp_path):
    import reportlab

    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    if not vera.is_file():
        pytest.skip("reportlab's Vera.ttf is not installed")
    with pytest.raises(FontError) as caught:
        load_fonts(str(vera))
    problem = caught.value.problem
    assert problem.code == "print.font_lacks_vietnamese" and problem.params["letters"].startswith("Ă")


def test_font_override_is_used():
    import fontpkg

    semibold = str(fontpkg.path("be-vietnam-pro", weight=600))
    s = make_settings(font_regular=semibold)
    pdf = render_receipt(make_dossier(), make_procedure(), s, KEY, copies=1)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"].get_object()
    names = {str(f.get_object()["/BaseFont"]) for f in fonts.values()}
    assert any("SemiBold" in n for n in names), names
    assert f"Tiếp nhận hồ sơ của: {APPLICANT}" in page_text(pdf)


def test_fonts_are_registered_once():
    assert load_fonts() is load_fonts()


# ---------------------------------------------------------------- dispatch


def fake_lp(tmp_path: Path, body: str) -> Path:
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    lp = bindir / "lp"
    lp.write_text("#!/bin/sh\n" + body)
    lp.chmod(lp.stat().st_mode | stat.S_IEXEC)
    return bindir


@pytest.fixture
def pdf_file(tmp_path) -> Path:
    p = tmp_path / "receipt.pdf"
    p.write_bytes(render_receipt(make_dossier(), make_procedure(), make_settings(), KEY, copies=1))
    return p


@pytest.mark.skipif(sys.platform == "win32", reason="a shell-script lp")
def test_dispatch_lp_ok(tmp_path, pdf_file, monkeypatch):
    log = tmp_path / "args.txt"
    bindir = fake_lp(tmp_path, f'echo "$@" > {log}\necho "request id is Counter-42 (1 file(s))"\n')
    monkeypatch.setenv("PATH", str(bindir))
    out = dispatch.send_to_printer(pdf_file, printer="Counter", copies=2)
    assert out.ok and out.method == "lp" and out.job == "Counter-42"
    args = log.read_text()
    assert "-d Counter" in args and "-n 2" in args and str(pdf_file) in args
    assert "Counter-42" in out.describe("en")


@pytest.mark.skipif(sys.platform == "win32", reason="a shell-script lp")
def test_dispatch_lp_failure_is_reported_not_raised(tmp_path, pdf_file, monkeypatch):
    bindir = fake_lp(tmp_path, 'echo "lp: The printer or class does not exist." >&2\nexit 1\n')
    monkeypatch.setenv("PATH", str(bindir))
    out = dispatch.send_to_printer(pdf_file, printer="Nope")
    assert not out.ok and out.reason == "unknown_printer" and out.detail == "lp: The printer or class does not exist."
    # in Vietnamese: what is wrong and where the PDF is, without lp's English
    assert out.message == f"Không tìm thấy máy in “Nope” (xem lại tên máy in trong Cài đặt). Tệp PDF: {pdf_file}"
    assert "Nope" in out.describe("en") and str(pdf_file) in out.describe("en")


@pytest.mark.skipif(sys.platform == "win32", reason="a shell-script lp")
@pytest.mark.parametrize(
    ("said", "reason"),
    [
        ("lp: Error - No default destination.", "no_default"),
        ("lp: Error - scheduler not responding.", "failed"),
    ],
)
def test_dispatch_lp_words_become_vietnamese(tmp_path, pdf_file, monkeypatch, said, reason):
    bindir = fake_lp(tmp_path, f'echo "{said}" >&2\nexit 1\n')
    monkeypatch.setenv("PATH", str(bindir))
    out = dispatch.send_to_printer(pdf_file)
    assert not out.ok and out.reason == reason and out.detail == said
    assert str(pdf_file) in out.message and "lp:" not in out.message and "destination" not in out.message
    assert said in out.describe("en") or reason == "no_default"


@pytest.mark.skipif(sys.platform == "win32", reason="a shell-script lp")
def test_dispatch_lp_timeout(tmp_path, pdf_file, monkeypatch):
    import shutil

    bindir = fake_lp(tmp_path, f"exec {shutil.which('sleep')} 30\n")
    monkeypatch.setenv("PATH", str(bindir))
    monkeypatch.setattr(dispatch, "LP_TIMEOUT", 0.5)
    out = dispatch.send_to_printer(pdf_file)
    assert not out.ok and out.reason == "timeout" and str(pdf_file) in out.message


def test_dispatch_without_any_printer(tmp_path, pdf_file, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(dispatch.sys, "platform", "linux")
    out = dispatch.send_to_printer(pdf_file)
    assert not out.ok and out.reason == "no_printer" and out.method == "none"
    assert str(pdf_file) in out.message and str(pdf_file) in out.describe("en")


def test_dispatch_missing_file(tmp_path):
    out = dispatch.send_to_printer(tmp_path / "nope.pdf")
    assert not out.ok and out.reason == "no_file"


def test_dispatch_windows_default_handler(pdf_file, monkeypatch):
    calls = []
    monkeypatch.setattr(dispatch.shutil, "which", lambda name: None)
    monkeypatch.setattr(dispatch.sys, "platform", "win32")
    monkeypatch.setattr(dispatch.os, "startfile", lambda path, op: calls.append((path, op)), raising=False)
    out = dispatch.send_to_printer(pdf_file, copies=2)
    assert out.ok and out.method == "windows" and calls == [(str(pdf_file), "print")] * 2


# ---------------------------------------------------------------- dependency rule


def test_printing_imports_only_desk_models_and_rules():
    code = (
        "import sys\n"
        "import printing\n"
        "assert not [m for m in sys.modules if m.startswith('printing.')], 'the package loads its modules lazily'\n"
        "import printing.documents, printing.receipt, printing.letters, printing.register, printing.report\n"
        "import printing.dispatch, printing.fonts, printing.qr, printing.pdf, printing.errors\n"
        "allowed = {'desk', 'desk.models', 'desk.rules'}\n"
        "desk = {m for m in sys.modules if m == 'desk' or m.startswith('desk.')}\n"
        "bad = {m for m in desk - allowed if not m.startswith('desk.rules.')}\n"
        "assert not bad, bad\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('db', 'screens', 'textual', 'rich')]\n"
        "assert not bad, bad\n"
        "assert 'reportlab' not in sys.modules, 'reportlab must load lazily'\n"
        "assert 'qrcode' not in sys.modules, 'qrcode must load lazily'\n"
    )
    subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1], env={**os.environ}
    )


def test_receipt_without_catalogue_procedure():
    text = page_text(render_receipt(make_dossier(), None, make_settings(), KEY, copies=1))
    assert "Nội dung yêu cầu giải quyết: Cấp bản sao trích lục hộ tịch" in text
    assert "3. Thời gian giải quyết hồ sơ theo quy định là: ……" in text
    assert "7. Phí, lệ phí: ……" in text


# ---------------------------------------------------------------- the one print path of the core


def _received(desk):
    from desk.dossier.intake import ApplicantInput, IntakeRequest, receive

    d, _ = receive(desk, IntakeRequest(procedure_code="1.004873", applicant=ApplicantInput(name=APPLICANT)))
    return d


class FakePrinter:
    """A sender that records what it was given and answers like ``lp``."""

    def __init__(self, ok: bool = True) -> None:
        self.ok = ok
        self.calls: list[tuple[Path, str, int]] = []

    def __call__(self, pdf_path, *, printer: str = "", copies: int = 1) -> dispatch.PrintOutcome:
        self.calls.append((Path(pdf_path), printer, copies))
        reason = "sent" if self.ok else "failed"
        return dispatch.PrintOutcome(self.ok, reason, Path(pdf_path), "lp", printer, copies, detail="jammed")


def _printed(desk, code: str = ""):
    """The newest event of the dossier, or of the desk."""
    from db import queries
    from desk.dossier.events import record_to_event, row_to_record
    from desk.dossier.query import timeline

    if code:
        return timeline(desk, code)[-1]
    return record_to_event(row_to_record(queries.last_event(desk.db, desk.desk_id)))


def test_printing_implements_the_renderer_of_the_core():
    import printing
    from desk.dossier.documents import Renderer

    assert isinstance(printing.RENDERER, Renderer)


def test_a_receipt_goes_through_the_one_path(desk):
    import printing
    from desk.dossier.documents import print_document

    d = _received(desk)
    sender = FakePrinter()
    result = print_document(desk, "receipt", d.code, renderer=printing.RENDERER, sender=sender, printer="Quay1")
    assert result.ok and result.sent and result.path.parent == desk.home.printed
    assert sender.calls == [(result.path, "Quay1", 1)]  # every copy (liên) is a page of the one PDF
    text = all_text(result.path.read_bytes())
    assert "(Liên 1: giao người nộp hồ sơ)" in text and "(Liên 2: lưu kèm hồ sơ)" in text and d.code in text
    event = _printed(desk, d.code)
    assert event.type == "document.printed"
    assert event.payload["print"] == {
        "kind": "receipt",
        "copies": 2,
        "paper": "a4",
        "ok": True,
        "message": result.message,
        "details": {
            "form": "Mẫu 01",
            "document": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
            "method": "lp",
            "path": str(result.path),
            "printer": "Quay1",
            "outcome": "sent",
        },
    }


def test_a_letter_written_to_a_file_names_its_form(desk, tmp_path):
    import printing
    from desk.dossier import lifecycle
    from desk.dossier.documents import print_document

    d = _received(desk)
    lifecycle.refuse(desk, d.code, reason="Hồ sơ không thuộc thẩm quyền")
    out = tmp_path / "m03.pdf"
    sender = FakePrinter()
    result = print_document(desk, "refusal", d.code, renderer=printing.RENDERER, sender=sender, out=out, paper="a5")
    assert result.ok and not result.sent and result.path == out and sender.calls == []
    assert "Hồ sơ không thuộc thẩm quyền" in all_text(out.read_bytes())
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    printed = _printed(desk, d.code).payload["print"]
    assert (printed["kind"], printed["copies"], printed["paper"]) == ("refusal", 1, "a5")
    assert printed["details"] == {
        "form": "Mẫu 03",
        "document": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        "reason": "Hồ sơ không thuộc thẩm quyền",
        "method": "file",
        "path": str(out),
    }


def test_a_failed_print_is_recorded_and_keeps_the_pdf(desk):
    import printing
    from desk.dossier.documents import print_document

    d = _received(desk)
    result = print_document(
        desk, "receipt", d.code, renderer=printing.RENDERER, sender=FakePrinter(ok=False), language="en"
    )
    assert not result.ok and not result.sent and result.path.is_file()
    assert "jammed" in result.message and str(result.path) in result.message
    event = _printed(desk, d.code)
    assert event.type == "document.print_failed"
    # the spooler's own (English) words are kept for IT in the event, not in the clerk's Vietnamese
    assert (event.payload["print"]["details"]["outcome"], event.payload["print"]["details"]["spooler"]) == (
        "failed",
        "jammed",
    )
    vi = print_document(desk, "receipt", d.code, renderer=printing.RENDERER, sender=FakePrinter(ok=False))
    assert vi.not_printed and "jammed" not in vi.message and str(vi.path) in vi.message
    assert vi.message.startswith("Máy in báo lỗi, chưa in được.")


def test_what_the_renderer_cannot_make_is_an_invalid_input_and_prints_nothing(desk):
    import printing
    from desk.dossier.documents import print_document
    from desk.errors import InvalidInput

    d = _received(desk)
    before = _printed(desk, d.code).seq
    sender = FakePrinter()
    with pytest.raises(InvalidInput) as caught:
        print_document(desk, "receipt", d.code, renderer=printing.RENDERER, sender=sender, paper="letter")
    assert caught.value.problem.code == "print.paper_unknown" and caught.value.exit_code == 3
    with pytest.raises(InvalidInput) as caught:
        print_document(desk, "supplement", d.code, renderer=printing.RENDERER, sender=sender)
    assert caught.value.problem.code == "print.no_supplement_request"
    assert caught.value.problem.params == {"code": d.code}
    assert sender.calls == [] and _printed(desk, d.code).seq == before


def test_the_register_and_the_day_report_go_through_the_same_path(desk, now):
    import printing
    from desk.dossier.documents import print_register, print_report
    from desk.reports.day import day_report

    d = _received(desk)
    day = d.received_at.date()
    sender = FakePrinter()
    result = print_register(desk, day, day, renderer=printing.RENDERER, sender=sender)
    assert result.ok and d.code in all_text(result.path.read_bytes())
    event = _printed(desk)
    assert event.dossier_code == "" and event.payload["print"]["kind"] == "register"
    assert event.payload["print"]["details"]["form"] == "Mẫu 07"
    assert event.payload["print"]["details"]["document"] == "Sổ theo dõi hồ sơ"
    result = print_report(desk, day_report(desk, day, day), renderer=printing.RENDERER, sender=sender)
    assert result.ok and "BÁO CÁO KẾT QUẢ" in all_text(result.path.read_bytes())
    printed = _printed(desk).payload["print"]
    assert printed["kind"] == "report" and "form" not in printed["details"]
    assert printed["details"]["document"] == "Báo cáo kết quả tiếp nhận và giải quyết hồ sơ"
    assert [path.name.split("_")[0] for path, _, _ in sender.calls] == ["register", "report"]
