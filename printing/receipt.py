"""Mẫu 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả: the receipt the citizen takes home, with the signed QR code."""

from __future__ import annotations

import functools

from desk.models import Dossier, FeeDue, Form, IdKind, PrintSettings, Procedure, TimeUnit
from desk.rules.receipt_qr import build_payload
from printing.blocks import (
    clerk_name,
    continued,
    finish,
    keep_with_signatures,
    labelled,
    national_header,
    page_marks,
    procedure_name,
    title_block,
)
from printing.errors import PrintOptionError
from printing.fonts import FontSet, fonts_for
from printing.items import Col, keep_together, para
from printing.layout import Layout
from printing.ops import Rendered
from printing.paper import Paper
from printing.paper import paper as paper_named
from printing.qr import Matrix, qr_matrix
from printing.wording import (
    APPLICANT_KINDS,
    BLANK,
    ID_LABELS,
    SIGN_APPLICANT,
    SIGN_CLERK,
    SIGN_HINT,
    TITLE_RECEIPT,
    copy_label,
    count_vi,
    datetime_vi,
    delivery_vi,
    money_vi,
    nfc,
    place_date,
)


def _processing_vi(procedure: Procedure | None) -> str:
    if procedure is None:
        return BLANK
    if procedure.processing.unit is TimeUnit.SAME_DAY:
        return "trong ngày"
    return procedure.processing.label_vi()


def _fees(procedure: Procedure | None, before: float, due: FeeDue | None = None) -> list:
    label = "7. Phí, lệ phí: "
    if procedure is None:  # not in the catalogue any more: leave it to be filled in
        return [para(label, BLANK, before=before)]
    if procedure.fee_by_province and not procedure.fees:  # the province sets it: the clerk writes it in
        return [para(label, BLANK, before=before)]
    fees = procedure.fees
    if not fees:
        return [para(label, ("Không", "b"), before=before)]

    def one(fee) -> str:
        amount = keep_together(money_vi(fee.amount) + (f"/{nfc(fee.unit)}" if fee.unit else ""))
        return f"{nfc(fee.name)}: {amount}"

    if len(fees) == 1:
        lines = [para(label, (one(fees[0]), "b"), before=before)]
    else:
        lines = [para(label, before=before)] + [para("- ", (one(f), "b"), indent=8) for f in fees]
    if procedure.tariff is not None:  # counted from the pages or copies: the amount due, or a blank for it
        lines.append(_due(due))
    return lines


def _due(due: FeeDue | None):
    """ "Số tiền phải nộp: 28.000 đ (2 bản × 12 trang; mỗi bản 14.000 đ)"; blank when nothing was counted."""
    label = "Số tiền phải nộp: "
    if due is None:
        return para(label, BLANK, indent=8)
    if due.pages:
        basis = f"{due.copies} bản × {due.pages} trang; mỗi bản {money_vi(due.per_copy)}"
        basis += ", đã áp mức tối đa" if due.capped else ""
    else:
        basis = f"{due.copies} bản" + ("; đã áp mức tối đa" if due.capped else "")
    return para(label, (keep_together(money_vi(due.amount)), "b"), f" ({basis})", indent=8)


def build_receipt(
    dossier: Dossier,
    procedure: Procedure | None,
    settings: PrintSettings,
    key: bytes,
    *,
    paper: str = "a4",
    copies: int = 2,
) -> Rendered:
    """Mẫu 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả: ``copies`` copies (liên), each on its own pages."""
    if copies < 1:
        raise PrintOptionError("print.copies_too_few", field="copies", copies=copies)
    pp = paper_named(paper)
    fonts = fonts_for(settings)
    matrix = qr_matrix(build_payload(dossier, key, settings.lookup_url))
    layouts = []
    for n in range(1, copies + 1):
        layout = _fitted_copy(pp, fonts, dossier, procedure, settings, matrix, n)
        page_marks(layout, functools.partial(_receipt_mark, dossier.code, n))
        layouts.append(layout)
    return finish(layouts, title=f"Giấy tiếp nhận hồ sơ và hẹn trả kết quả {dossier.code}", settings=settings)


FIT_SCALES = (1.0, 0.94, 0.88)
"""A copy that runs a little over its page is set again a little smaller, to keep it on one sheet."""


def _fitted_copy(
    pp: Paper,
    fonts: FontSet,
    dossier: Dossier,
    procedure: Procedure | None,
    settings: PrintSettings,
    matrix: Matrix,
    n: int,
) -> Layout:
    """One copy (liên) on one page when a slightly smaller type makes it fit; else at full size over pages."""
    first = None
    for scale in FIT_SCALES if not pp.roll else (1.0,):
        layout = Layout(pp, fonts, size=pp.size * scale)
        layout.on_new_page = continued(dossier.code, f"(Liên {n})")
        _receipt_copy(layout, dossier, procedure, settings, matrix, n)
        if len(layout.pages) == 1:
            return layout
        first = first or layout
    assert first is not None
    return first


def _receipt_mark(code: str, copy: int, page: int, pages: int) -> str:
    return f"Mã hồ sơ {code} - Liên {copy} - Trang {page}/{pages}"


def render_receipt(
    dossier: Dossier,
    procedure: Procedure | None,
    settings: PrintSettings,
    key: bytes,
    *,
    paper: str = "a4",
    copies: int = 2,
) -> bytes:
    """The receipt (Mẫu 01) as PDF bytes, on a4, a5 or 80mm paper."""
    return build_receipt(dossier, procedure, settings, key, paper=paper, copies=copies).pdf


def _receipt_copy(
    layout: Layout,
    dossier: Dossier,
    procedure: Procedure | None,
    settings: PrintSettings,
    matrix: Matrix,
    n: int,
) -> None:
    a = dossier.applicant
    agency = settings.agency
    lead = layout.leading(layout.size)
    national_header(layout, agency, place_date(agency.place, dossier.received_at), qr=matrix)
    title_block(
        layout,
        TITLE_RECEIPT,
        para("Mã hồ sơ: ", (dossier.code, "b"), align="center"),
        para(copy_label(n), style="i", align="center"),
    )
    step = 0.15 * lead
    lines = [labelled("Tiếp nhận hồ sơ của", a.name)]
    if a.kind in APPLICANT_KINDS and a.name.strip():
        # an organisation or a foreigner: the kind after the name (the portal record carries it as LoaiDoiTuong)
        lines = [para("Tiếp nhận hồ sơ của: ", (nfc(a.name).strip(), "b"), f" ({APPLICANT_KINDS[a.kind]})")]
    if a.id_number.strip():
        lines.append(labelled(ID_LABELS[a.id_kind or IdKind.PERSONAL_ID], a.id_number, before=step))
    lines += [
        labelled("Địa chỉ", a.address, before=step),
        para(
            "Số điện thoại: ",
            (nfc(a.phone).strip() or BLANK, "b" if a.phone.strip() else ""),
            "   Email: ",
            (nfc(a.email).strip() or BLANK, "b" if a.email.strip() else ""),
            before=step,
        ),
        labelled("Nội dung yêu cầu giải quyết", procedure_name(dossier, procedure), before=step),
        para("1. Thành phần hồ sơ nộp gồm:", before=step, after=step),
    ]
    layout.flow(*lines)
    # papers only shown (xuất trình) were checked and handed back: never listed as handed in
    received = [c for c in dossier.components if c.received and c.form is not Form.PRESENTED]
    narrow = layout.paper.narrow
    cols = [
        Col("TT", 0.7, "center"),
        Col("Tên loại giấy tờ", 5.6),
        Col("Hình thức", 2.4 if narrow else 2.6, "center"),
        Col("SL" if narrow else "Số lượng", 0.9 if narrow else 1.3, "center"),
    ]
    rows = [[str(i), c.name, c.form.label_vi, count_vi(c.quantity)] for i, c in enumerate(received, 1)]
    if not rows:
        rows = [["", "(không có thành phần hồ sơ nào)", "", ""]]
    layout.table(cols, rows)
    clerk = clerk_name(dossier, settings)
    book = nfc(dossier.register_book or settings.register_book).strip()
    tail = [
        para("2. Số lượng hồ sơ: ", (count_vi(dossier.sets), "b"), " (bộ)", before=2 * step),
        para("3. Thời gian giải quyết hồ sơ theo quy định là: ", (_processing_vi(procedure), "b"), before=step),
        para("4. Thời gian nhận hồ sơ: ", (datetime_vi(dossier.received_at), "b"), before=step),
        para(
            "5. Thời gian trả kết quả giải quyết hồ sơ: ",
            (datetime_vi(dossier.due_at), "b"),
            before=step,
        ),
        para(
            "6. Đăng ký nhận kết quả tại: ",
            (delivery_vi(dossier.delivery, agency, a.address), "b"),
            before=step,
        ),
        *_fees(procedure, step, dossier.fee_due),
        para(
            "Vào Sổ theo dõi hồ sơ, Quyển số: ",
            (book or BLANK, "b" if book else ""),
            "   Số thứ tự: ",
            (str(dossier.register_line) if dossier.register_line else BLANK, "b" if dossier.register_line else ""),
            before=step,
        ),
    ]
    # the signatures never stand alone on a page: items 2–6 and the register line go with them
    keep_with_signatures(layout, tail, [(SIGN_APPLICANT, SIGN_HINT, a.name), (SIGN_CLERK, SIGN_HINT, clerk)])
