"""The forms of Phụ lục I (Thông tư 03/2025/TT-VPCP) as PDFs: Mẫu 01, 02, 03, 04 and 07.

Every document is assembled from the blocks of ``printing.blocks`` on the layout
engine of ``printing.layout``. ``build_*`` return the laid-out pages with the PDF
(tests inspect the boxes); ``render_*`` return the PDF bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from desk.config import Settings
from desk.models import ApplicantKind, Dossier, IdKind, Procedure, Status, TimeUnit
from desk.rules.receipt_qr import build_payload
from printing.blocks import labelled, national_header, page_marks, signatures, title_block
from printing.fonts import fonts_for
from printing.layout import A4_LANDSCAPE, Col, Layout, Page, PrintOptionError, Rendered, Space, keep_together, para, to_pdf
from printing.layout import paper as paper_named
from printing.qr import qr_matrix
from printing.wording import (
    BLANK,
    DESK_UNIT_PROSE,
    ID_LABELS,
    REGISTER_COLUMNS,
    SIGN_APPLICANT,
    SIGN_CLERK,
    SIGN_GUIDE,
    SIGN_HEAD,
    SIGN_HEAD_HINT,
    SIGN_HINT,
    TITLE_APOLOGY,
    TITLE_RECEIPT,
    TITLE_REFUSAL,
    TITLE_REGISTER,
    TITLE_SUPPLEMENT,
    copy_label,
    count_vi,
    date_vi,
    datetime_vi,
    delivery_vi,
    money_vi,
    nfc,
    place_date,
    short_datetime,
)

STATUS_NOTES_VI = {
    Status.SUPPLEMENT: "Yêu cầu bổ sung hồ sơ",
    Status.REFUSED: "Từ chối tiếp nhận",
    Status.WITHDRAWN: "Rút hồ sơ",
    Status.STOPPED: "Dừng xử lý",
}


def _clerk(dossier: Dossier, settings: Settings) -> str:
    return nfc(dossier.clerk or settings.clerk).strip()


def _procedure_name(dossier: Dossier, procedure: Procedure | None) -> str:
    return nfc(procedure.name if procedure else dossier.procedure_name)


def _processing_vi(procedure: Procedure | None) -> str:
    if procedure is None:
        return BLANK
    if procedure.processing.unit is TimeUnit.SAME_DAY:
        return "trong ngày"
    return procedure.processing.label_vi()


def _fees(procedure: Procedure | None, before: float) -> list:
    label = "7. Phí, lệ phí: "
    if procedure is None:  # not in the catalogue any more: leave it to be filled in
        return [para(label, BLANK, before=before)]
    fees = procedure.fees
    if not fees:
        return [para(label, ("Không", "b"), before=before)]

    def one(fee) -> str:
        amount = keep_together(money_vi(fee.amount) + (f"/{nfc(fee.unit)}" if fee.unit else ""))
        return f"{nfc(fee.name)}: {amount}"

    if len(fees) == 1:
        return [para(label, (one(fees[0]), "b"), before=before)]
    return [para(label, before=before)] + [para("- ", (one(f), "b"), indent=8) for f in fees]


def _you(dossier: Dossier) -> str:
    """How the letters address the applicant in running text."""
    a = dossier.applicant
    if a.kind is not ApplicantKind.CITIZEN:
        return "Quý cơ quan, tổ chức"
    return {"Nam": "Ông", "Nữ": "Bà"}.get(a.sex, "Ông/Bà")


def _finish(layouts: Iterable[Layout], *, title: str, settings: Settings, subject: str = "") -> Rendered:
    pages: list[Page] = []
    for layout in layouts:
        pages += layout.finish()
    return Rendered(pages, to_pdf(pages, title=title, author=settings.agency.name, subject=subject))


def _continued(code: str, mark: str = ""):
    """Header of a continuation page: which dossier (and copy) this page belongs to."""

    def head(layout: Layout) -> None:
        text = f"Mã hồ sơ: {code}" + (f" {mark}" if mark else "") + " (tiếp theo)"
        layout.flow(para(text, style="i", align="right", scale=0.85, after=0.3 * layout.size))

    return head


# ---------------------------------------------------------------- Mẫu 01


def build_receipt(
    dossier: Dossier,
    procedure: Procedure | None,
    settings: Settings,
    key: bytes,
    *,
    paper: str = "a4",
    copies: int = 2,
) -> Rendered:
    """Mẫu 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả: ``copies`` copies (liên), each on its own pages."""
    if copies < 1:
        raise PrintOptionError(f"copies {copies}: print at least one copy (liên)", field="copies")
    pp = paper_named(paper)
    fonts = fonts_for(settings)
    matrix = qr_matrix(build_payload(dossier, key, settings.lookup_url))
    layouts = []
    for n in range(1, copies + 1):
        layout = Layout(pp, fonts)
        layout.on_new_page = _continued(dossier.code, f"(Liên {n})")
        _receipt_copy(layout, dossier, procedure, settings, matrix, n)
        page_marks(layout, lambda i, total, n=n: f"Mã hồ sơ {dossier.code} - Liên {n} - Trang {i}/{total}")
        layouts.append(layout)
    return _finish(layouts, title=f"Giấy tiếp nhận hồ sơ và hẹn trả kết quả {dossier.code}", settings=settings)


def render_receipt(
    dossier: Dossier,
    procedure: Procedure | None,
    settings: Settings,
    key: bytes,
    *,
    paper: str = "a4",
    copies: int = 2,
) -> bytes:
    """The receipt (Mẫu 01) as PDF bytes, on a4, a5 or 80mm paper."""
    return build_receipt(dossier, procedure, settings, key, paper=paper, copies=copies).pdf


def _receipt_copy(layout, dossier, procedure, settings, matrix, n: int) -> None:
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
        labelled("Nội dung yêu cầu giải quyết", _procedure_name(dossier, procedure), before=step),
        para("1. Thành phần hồ sơ nộp gồm:", before=step, after=step),
    ]
    layout.flow(*lines)
    received = [c for c in dossier.components if c.received]
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
    clerk = _clerk(dossier, settings)
    book = nfc(dossier.register_book or settings.register_book).strip()
    layout.flow(
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
            (delivery_vi(dossier.delivery, agency.name, a.address), "b"),
            before=step,
        ),
    )
    layout.flow(*_fees(procedure, step))
    layout.flow(
        para(
            "Vào Sổ theo dõi hồ sơ, Quyển số: ",
            (book or BLANK, "b" if book else ""),
            "   Số thứ tự: ",
            (str(dossier.register_line) if dossier.register_line else BLANK, "b" if dossier.register_line else ""),
            before=step,
        )
    )
    signatures(layout, [(SIGN_APPLICANT, SIGN_HINT, a.name), (SIGN_CLERK, SIGN_HINT, clerk)])


# ---------------------------------------------------------------- Mẫu 02, 03, 04


def _letter(settings: Settings, paper_name: str, dossier: Dossier, title: str, issued: datetime | date, *lines):
    layout = Layout(paper_named(paper_name), fonts_for(settings))
    layout.on_new_page = _continued(dossier.code)
    agency = settings.agency
    national_header(layout, agency, place_date(agency.place, issued))
    title_block(layout, title, *lines)
    return layout


def build_supplement(
    dossier: Dossier,
    procedure: Procedure | None,
    settings: Settings,
    missing: Sequence[tuple[str, str]],
    note: str = "",
    *,
    issued: datetime | date | None = None,
    paper: str = "a4",
) -> Rendered:
    """Mẫu 02, Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: what is missing and why.

    ``missing`` holds (component or content, reason) pairs; ``issued`` is the date
    printed in the header (the caller passes the desk clock's now; it defaults to
    the dossier's last change).
    """
    issued = issued or dossier.updated_at or dossier.received_at
    a = dossier.applicant
    you = _you(dossier)
    layout = _letter(
        settings, paper, dossier, TITLE_SUPPLEMENT, issued, para("Mã hồ sơ: ", (dossier.code, "b"), align="center")
    )
    step = 0.15 * layout.leading(layout.size)
    layout.flow(
        labelled("Hồ sơ của", a.name),
        labelled("Nội dung yêu cầu giải quyết", _procedure_name(dossier, procedure), before=step),
        para("Thời gian nhận hồ sơ: ", (datetime_vi(dossier.received_at), "b"), before=step),
        para("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:", before=step, after=step),
    )
    rows = [[str(i), name, reason] for i, (name, reason) in enumerate(missing, 1)] or [["", BLANK, ""]]
    layout.table([Col("TT", 0.7, "center"), Col("Giấy tờ, nội dung cần bổ sung, hoàn thiện", 5.0), Col("Lý do", 4.3)], rows)
    if nfc(note).strip():
        layout.flow(labelled("Ghi chú", note, before=2 * step))
    clerk = _clerk(dossier, settings)
    contact = f"{clerk}, " if clerk else ""
    layout.flow(
        para(
            f"Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, {you.lower()} "
            f"liên hệ với {contact}{DESK_UNIT_PROSE}, {nfc(settings.agency.name)} để được hướng dẫn./.",
            before=2 * step,
        )
    )
    signatures(layout, [(SIGN_APPLICANT, SIGN_HINT, a.name), (SIGN_GUIDE, SIGN_HINT, clerk)])
    page_marks(layout, lambda i, t: f"Mã hồ sơ {dossier.code} - Trang {i}/{t}")
    return _finish([layout], title=f"Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ {dossier.code}", settings=settings)


def render_supplement(
    dossier: Dossier,
    procedure: Procedure | None,
    settings: Settings,
    missing: Sequence[tuple[str, str]],
    note: str = "",
    *,
    issued: datetime | date | None = None,
    paper: str = "a4",
) -> bytes:
    """Mẫu 02 as PDF bytes."""
    return build_supplement(dossier, procedure, settings, missing, note, issued=issued, paper=paper).pdf


def build_refusal(
    dossier: Dossier,
    procedure: Procedure | None,
    settings: Settings,
    reason: str,
    *,
    issued: datetime | date | None = None,
    paper: str = "a4",
) -> Rendered:
    """Mẫu 03, Phiếu từ chối tiếp nhận giải quyết hồ sơ, with the reason."""
    issued = issued or dossier.updated_at or dossier.received_at
    a = dossier.applicant
    you = _you(dossier)
    layout = _letter(
        settings, paper, dossier, TITLE_REFUSAL, issued, para("Mã hồ sơ: ", (dossier.code, "b"), align="center")
    )
    step = 0.15 * layout.leading(layout.size)
    you_lower = you.lower()
    layout.flow(
        labelled("Tiếp nhận hồ sơ của", a.name),
        labelled("Nội dung yêu cầu giải quyết", _procedure_name(dossier, procedure), before=step),
        para("Thời gian nhận hồ sơ: ", (datetime_vi(dossier.received_at), "b"), before=step),
        para(
            f"Qua xem xét, {DESK_UNIT_PROSE}, {nfc(settings.agency.name)} thông báo không tiếp nhận, "
            "giải quyết hồ sơ này với lý do cụ thể như sau:",
            before=2 * step,
        ),
        para((nfc(reason).strip() or BLANK, "b"), indent=12, before=step),
        para(f"Xin thông báo để {you_lower} được biết và thực hiện./.", before=2 * step),
    )
    signatures(layout, [(SIGN_APPLICANT, SIGN_HINT, a.name), (SIGN_CLERK, SIGN_HINT, _clerk(dossier, settings))])
    page_marks(layout, lambda i, t: f"Mã hồ sơ {dossier.code} - Trang {i}/{t}")
    return _finish([layout], title=f"Phiếu từ chối tiếp nhận giải quyết hồ sơ {dossier.code}", settings=settings)


def render_refusal(
    dossier: Dossier,
    procedure: Procedure | None,
    settings: Settings,
    reason: str,
    *,
    issued: datetime | date | None = None,
    paper: str = "a4",
) -> bytes:
    """Mẫu 03 as PDF bytes."""
    return build_refusal(dossier, procedure, settings, reason, issued=issued, paper=paper).pdf


def build_apology(
    dossier: Dossier,
    procedure: Procedure | None,
    settings: Settings,
    new_due: datetime,
    reason: str,
    *,
    issued: datetime | date | None = None,
    paper: str = "a4",
) -> Rendered:
    """Mẫu 04, Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết: why late, and the new date."""
    issued = issued or dossier.updated_at or dossier.received_at
    a = dossier.applicant
    you = _you(dossier)
    you_lower = you.lower()
    to = nfc(a.name) if a.kind is not ApplicantKind.CITIZEN else f"{you} {nfc(a.name)}"
    agency = nfc(settings.agency.name)
    layout = _letter(settings, paper, dossier, TITLE_APOLOGY, issued)
    step = 0.15 * layout.leading(layout.size)
    layout.flow(
        para("Kính gửi: ", (to, "b"), align="center", after=2 * step),
        para(
            f"{date_vi(dossier.received_at).capitalize()}, {DESK_UNIT_PROSE}, {agency} tiếp nhận hồ sơ của ",
            (to, "b"),
            ".",
        ),
        labelled("Mã hồ sơ", dossier.code, before=step),
        labelled("Nội dung yêu cầu giải quyết", _procedure_name(dossier, procedure), before=step),
        para("Thời hẹn trả kết quả giải quyết hồ sơ: ", (datetime_vi(dossier.due_at), "b"), before=step),
        para(
            f"Tuy nhiên đến nay, {agency} chưa trả kết quả giải quyết hồ sơ của {you_lower} đúng thời hạn "
            "ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả. Lý do: ",
            (nfc(reason).strip() or BLANK, "b"),
            before=2 * step,
        ),
        para(
            f"Sự chậm trễ này đã gây phiền hà cho {you_lower}. {agency} xin lỗi {you_lower} "
            "và đề nghị gia hạn thời gian giải quyết, hẹn trả kết quả vào: ",
            (datetime_vi(new_due), "b"),
            ".",
            before=step,
        ),
        para(f"Rất mong nhận được sự thông cảm của {you_lower} vì sự chậm trễ này./.", before=step),
    )
    signatures(layout, [(SIGN_HEAD, SIGN_HEAD_HINT, "")])
    page_marks(layout, lambda i, t: f"Mã hồ sơ {dossier.code} - Trang {i}/{t}")
    return _finish([layout], title=f"Văn bản xin lỗi {dossier.code}", settings=settings)


def render_apology(
    dossier: Dossier,
    procedure: Procedure | None,
    settings: Settings,
    new_due: datetime,
    reason: str,
    *,
    issued: datetime | date | None = None,
    paper: str = "a4",
) -> bytes:
    """Mẫu 04 as PDF bytes."""
    return build_apology(dossier, procedure, settings, new_due, reason, issued=issued, paper=paper).pdf


# ---------------------------------------------------------------- Mẫu 07


def _period_vi(date_from: date, date_to: date) -> str:
    if date_from == date_to:
        return date_vi(date_from).capitalize()
    return f"Từ {date_vi(date_from)} đến {date_vi(date_to)}"


def _as_date(d: date | datetime) -> date:
    return d.date() if isinstance(d, datetime) else d


def register_rows(dossiers: Iterable[Dossier], settings: Settings, date_from: date, date_to: date) -> list[list[str]]:
    """One row per dossier received in [date_from, date_to], in register order."""
    lo, hi = _as_date(date_from), _as_date(date_to)
    chosen = [d for d in dossiers if lo <= d.received_at.date() <= hi]
    chosen.sort(key=lambda d: (d.register_book, d.register_line or 10**9, d.received_at, d.code))
    lead_agency = nfc(settings.agency.name)
    rows = []
    for i, d in enumerate(chosen, 1):
        a = d.applicant
        contact = "\n".join(x for x in (nfc(a.address).strip(), nfc(a.phone).strip()) if x)
        returned = "\n".join(x for x in (short_datetime(d.returned_at), nfc(d.collected_by).strip()) if x)
        note = "\n".join(x for x in (STATUS_NOTES_VI.get(d.status, ""), nfc(d.notes).strip()) if x)
        rows.append(
            [
                str(d.register_line or i),
                d.code,
                d.procedure_name,
                count_vi(d.sets),
                a.name,
                contact,
                lead_agency,
                short_datetime(d.received_at),
                short_datetime(d.due_at),
                "",  # handed to the processing office: signed by hand in the book
                short_datetime(d.finished_at),
                returned,
                note,
            ]
        )
    return rows


REGISTER_WEIGHTS = (0.5, 2.6, 1.8, 0.7, 1.5, 1.6, 1.2, 1.2, 1.2, 1.0, 1.2, 1.1, 1.2)
REGISTER_ALIGN = ("center", "left", "left", "center", "left", "left", "left", "center", "center", "center", "center", "center", "left")


def build_register(
    dossiers: Iterable[Dossier],
    settings: Settings,
    date_from: date,
    date_to: date | None = None,
) -> Rendered:
    """Mẫu 07, Sổ theo dõi hồ sơ, for a day or a range: landscape A4, one line per dossier."""
    date_to = date_to or date_from
    layout = Layout(A4_LANDSCAPE, fonts_for(settings))
    national_header(layout, settings.agency, None)
    book = nfc(settings.register_book).strip()
    title_block(
        layout,
        TITLE_REGISTER,
        para(f"Quyển số: {book or BLANK}", align="center"),
        para(_period_vi(_as_date(date_from), _as_date(date_to)), style="i", align="center"),
    )
    rows = register_rows(dossiers, settings, date_from, date_to)
    cols = [Col(t, w, al) for t, w, al in zip(REGISTER_COLUMNS, REGISTER_WEIGHTS, REGISTER_ALIGN, strict=True)]
    layout.table(cols, rows)
    if not rows:
        layout.flow(Space(4), para("Không có hồ sơ nào trong thời gian này.", style="i", align="center"))
    page_marks(layout, lambda i, t: f"Sổ theo dõi hồ sơ - Trang {i}/{t}", always=True)
    return _finish([layout], title=f"Sổ theo dõi hồ sơ {_period_vi(_as_date(date_from), _as_date(date_to))}", settings=settings)


def render_register(
    dossiers: Iterable[Dossier],
    settings: Settings,
    date_from: date,
    date_to: date | None = None,
) -> bytes:
    """Mẫu 07 as PDF bytes."""
    return build_register(dossiers, settings, date_from, date_to).pdf


def render_dossier_document(doc, settings: Settings, *, paper: str = "a4", copies: int = 1) -> bytes:
    """The PDF of a dossier document gathered by ``desk.dossier.documents.gather`` (receipt, Mẫu 02/03/04).

    ``doc`` carries ``kind``, ``dossier``, ``procedure``, ``issued`` and the kind's own
    facts (``key``; ``missing``/``note``; ``reason``; ``new_due``). The CLI and the
    screens both print through here, so a document looks the same from either.
    """
    d, p = doc.dossier, doc.procedure
    if doc.kind == "receipt":
        return render_receipt(d, p, settings, doc.key, paper=paper, copies=copies)
    if doc.kind == "supplement":
        return render_supplement(d, p, settings, doc.missing, doc.note, issued=doc.issued, paper=paper)
    if doc.kind == "refusal":
        return render_refusal(d, p, settings, doc.reason, issued=doc.issued, paper=paper)
    if doc.kind == "apology":
        return render_apology(d, p, settings, doc.new_due, doc.reason, issued=doc.issued, paper=paper)
    raise PrintOptionError(f"document {doc.kind!r} is not a dossier document", field="kind")
