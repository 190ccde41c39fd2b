"""Mẫu 05 and 06: the notice that processing stopped, and the control slip that travels with the dossier."""

from __future__ import annotations

from datetime import date, datetime

from desk.models import Dossier, PrintSettings, Procedure
from printing.blocks import (
    clerk_name,
    continued,
    finish,
    labelled,
    national_header,
    page_marks,
    procedure_name,
    signatures,
    title_block,
)
from printing.fonts import fonts_for
from printing.items import Col, para
from printing.layout import Layout
from printing.ops import Rendered
from printing.paper import paper as paper_named
from printing.wording import (
    BLANK,
    SIGN_HEAD,
    SIGN_HEAD_HINT,
    TITLE_CONTROL,
    TITLE_STOP,
    datetime_vi,
    nfc,
    place_date,
    short_datetime,
    unit_of,
)


def _start(settings: PrintSettings, paper: str, dossier: Dossier, title: str, issued: datetime | date) -> Layout:
    layout = Layout(paper_named(paper), fonts_for(settings))
    layout.on_new_page = continued(dossier.code)
    national_header(layout, settings.agency, place_date(settings.agency.place, issued))
    title_block(layout, title, para("Mã hồ sơ: ", (dossier.code, "b"), align="center"))
    return layout


def build_stop(
    dossier: Dossier,
    procedure: Procedure | None,
    settings: PrintSettings,
    reason: str,
    *,
    issued: datetime | date | None = None,
    paper: str = "a4",
) -> Rendered:
    """Mẫu 05, Thông báo dừng giải quyết hồ sơ: which dossier, since when, and why processing stopped."""
    issued = issued or dossier.updated_at or dossier.received_at
    a = dossier.applicant
    you = "Quý cơ quan, tổ chức" if a.kind.is_organisation else {"Nam": "Ông", "Nữ": "Bà"}.get(a.sex, "Ông/Bà")
    layout = _start(settings, paper, dossier, TITLE_STOP, issued)
    step = 0.15 * layout.leading(layout.size)
    layout.flow(
        para("Kính gửi: ", (nfc(a.name), "b"), align="center", after=2 * step),
        labelled("Nội dung yêu cầu giải quyết", procedure_name(dossier, procedure)),
        para("Thời gian nhận hồ sơ: ", (datetime_vi(dossier.received_at), "b"), before=step),
        para(
            f"{unit_of(settings.agency)} thông báo dừng giải quyết hồ sơ nêu trên kể từ ",
            (datetime_vi(issued if isinstance(issued, datetime) else None), "b"),
            ". Lý do:",
            before=2 * step,
        ),
        para((nfc(reason).strip() or BLANK, "b"), indent=12, before=step),
        para(f"Xin thông báo để {you.lower()} được biết./.", before=2 * step),
    )
    signatures(layout, [(SIGN_HEAD, SIGN_HEAD_HINT, "")])
    page_marks(layout, lambda i, t: f"Mã hồ sơ {dossier.code} - Trang {i}/{t}")
    return finish([layout], title=f"Thông báo dừng giải quyết hồ sơ {dossier.code}", settings=settings)


def build_control(
    dossier: Dossier,
    procedure: Procedure | None,
    settings: PrintSettings,
    steps: list[tuple[str, datetime, str]],
    *,
    issued: datetime | date | None = None,
    paper: str = "a4",
) -> Rendered:
    """Mẫu 06, Phiếu kiểm soát quá trình giải quyết hồ sơ: each hand-over so far, with room to sign.

    Rows beyond the recorded ones are left blank for the processing office to fill by hand.
    """
    issued = issued or dossier.updated_at or dossier.received_at
    layout = _start(settings, paper, dossier, TITLE_CONTROL, issued)
    step = 0.15 * layout.leading(layout.size)
    layout.flow(
        labelled("Chủ hồ sơ", dossier.applicant.name),
        labelled("Nội dung yêu cầu giải quyết", procedure_name(dossier, procedure), before=step),
        para("Thời gian nhận hồ sơ: ", (datetime_vi(dossier.received_at), "b"), before=step),
        para("Thời gian trả kết quả: ", (datetime_vi(dossier.due_at), "b"), before=step, after=2 * step),
    )
    rows = [[str(i), nfc(what), short_datetime(when), nfc(who), ""] for i, (what, when, who) in enumerate(steps, 1)]
    rows += [[str(len(rows) + i), "", "", "", ""] for i in range(1, 4)]
    layout.table(
        [
            Col("TT", 0.6, "center"),
            Col("Nội dung giao, nhận hồ sơ", 3.6),
            Col("Thời gian", 1.9, "center"),
            Col("Người thực hiện", 2.3),
            Col("Ký nhận, ghi chú", 1.6),
        ],
        rows,
    )
    layout.flow(
        para(f"Đơn vị tiếp nhận: {unit_of(settings.agency)}", style="i", before=2 * step),
        para(f"Người tiếp nhận: {clerk_name(dossier, settings) or BLANK}", style="i", before=step),
    )
    page_marks(layout, lambda i, t: f"Mã hồ sơ {dossier.code} - Trang {i}/{t}")
    return finish([layout], title=f"Phiếu kiểm soát quá trình giải quyết hồ sơ {dossier.code}", settings=settings)
