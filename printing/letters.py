"""Mẫu 02, 03 and 04: the supplement request, the refusal and the apology with a new date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from desk.models import Dossier, GuidanceDocument, PrintSettings, Procedure
from printing.blocks import clerk_name, labelled, procedure_name, signatures
from printing.forms import addressed, close_form, missing_table, open_form, step_of
from printing.items import para
from printing.ops import Rendered
from printing.wording import (
    BLANK,
    SIGN_APPLICANT,
    SIGN_CLERK,
    SIGN_GUIDE,
    SIGN_HEAD,
    SIGN_HEAD_HINT,
    SIGN_HINT,
    TITLE_APOLOGY,
    TITLE_REFUSAL,
    TITLE_SUPPLEMENT,
    date_vi,
    datetime_vi,
    nfc,
    unit_of,
)


def build_supplement(
    dossier: Dossier,
    procedure: Procedure | None,
    settings: PrintSettings,
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
    you = addressed(dossier)
    layout = open_form(settings, paper, TITLE_SUPPLEMENT, issued, dossier)
    step = step_of(layout)
    layout.flow(
        labelled("Hồ sơ của", a.name),
        labelled("Nội dung yêu cầu giải quyết", procedure_name(dossier, procedure), before=step),
        para("Thời gian nhận hồ sơ: ", (datetime_vi(dossier.received_at), "b"), before=step),
        para("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:", before=step, after=step),
    )
    missing_table(layout, missing)
    if nfc(note).strip():
        layout.flow(labelled("Ghi chú", note, before=2 * step))
    clerk = clerk_name(dossier, settings)
    contact = f"{clerk}, " if clerk else ""
    layout.flow(
        para(
            f"Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, {you.lower()} "
            f"liên hệ với {contact}{unit_of(settings.agency)} để được hướng dẫn./.",
            before=2 * step,
        )
    )
    signatures(layout, [(SIGN_APPLICANT, SIGN_HINT, a.name), (SIGN_GUIDE, SIGN_HINT, clerk)])
    return close_form(layout, settings, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", dossier)


def render_supplement(
    dossier: Dossier,
    procedure: Procedure | None,
    settings: PrintSettings,
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
    settings: PrintSettings,
    reason: str,
    *,
    issued: datetime | date | None = None,
    paper: str = "a4",
) -> Rendered:
    """Mẫu 03, Phiếu từ chối tiếp nhận giải quyết hồ sơ, with the reason."""
    issued = issued or dossier.updated_at or dossier.received_at
    a = dossier.applicant
    you = addressed(dossier)
    layout = open_form(settings, paper, TITLE_REFUSAL, issued, dossier)
    step = step_of(layout)
    you_lower = you.lower()
    layout.flow(
        labelled("Tiếp nhận hồ sơ của", a.name),
        labelled("Nội dung yêu cầu giải quyết", procedure_name(dossier, procedure), before=step),
        para("Thời gian nhận hồ sơ: ", (datetime_vi(dossier.received_at), "b"), before=step),
        para(
            f"Qua xem xét, {unit_of(settings.agency)} thông báo không tiếp nhận, "
            "giải quyết hồ sơ này với lý do cụ thể như sau:",
            before=2 * step,
        ),
        para((nfc(reason).strip() or BLANK, "b"), indent=12, before=step),
        para(f"Xin thông báo để {you_lower} được biết và thực hiện./.", before=2 * step),
    )
    signatures(layout, [(SIGN_APPLICANT, SIGN_HINT, a.name), (SIGN_CLERK, SIGN_HINT, clerk_name(dossier, settings))])
    return close_form(layout, settings, "Phiếu từ chối tiếp nhận giải quyết hồ sơ", dossier)


def render_refusal(
    dossier: Dossier,
    procedure: Procedure | None,
    settings: PrintSettings,
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
    settings: PrintSettings,
    new_due: datetime | None,
    reason: str,
    *,
    issued: datetime | date | None = None,
    paper: str = "a4",
) -> Rendered:
    """Mẫu 04, Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết: why late, and the new date.

    Without ``new_due`` the date is left blank, to be written by hand.
    """
    issued = issued or dossier.updated_at or dossier.received_at
    a = dossier.applicant
    you = addressed(dossier)
    you_lower = you.lower()
    to = nfc(a.name) if a.kind.is_organisation else f"{you} {nfc(a.name)}"
    agency = nfc(settings.agency.name)
    layout = open_form(settings, paper, TITLE_APOLOGY, issued, dossier, code_line=False)
    step = step_of(layout)
    layout.flow(
        para("Kính gửi: ", (to, "b"), align="center", after=2 * step),
        para(
            f"{date_vi(dossier.received_at).capitalize()}, {unit_of(settings.agency)} tiếp nhận hồ sơ của ",
            (to, "b"),
            ".",
        ),
        labelled("Mã hồ sơ", dossier.code, before=step),
        labelled("Nội dung yêu cầu giải quyết", procedure_name(dossier, procedure), before=step),
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
    return close_form(layout, settings, "Văn bản xin lỗi", dossier)


def render_apology(
    dossier: Dossier,
    procedure: Procedure | None,
    settings: PrintSettings,
    new_due: datetime | None,
    reason: str,
    *,
    issued: datetime | date | None = None,
    paper: str = "a4",
) -> bytes:
    """Mẫu 04 as PDF bytes."""
    return build_apology(dossier, procedure, settings, new_due, reason, issued=issued, paper=paper).pdf


def build_guidance(doc: GuidanceDocument, settings: PrintSettings, *, paper: str = "a4") -> Rendered:
    """Mẫu 02 for a dossier that was not taken in: no receipt, no dossier code, what to complete and why."""
    layout = open_form(settings, paper, TITLE_SUPPLEMENT, doc.issued)
    step = step_of(layout)
    layout.flow(
        labelled("Hồ sơ của", doc.name),
        labelled("Nội dung yêu cầu giải quyết", doc.procedure.name, before=step),
        para(
            "Hồ sơ chưa đủ thành phần theo quy định nên chưa được tiếp nhận. "
            "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:",
            before=step,
            after=step,
        ),
    )
    missing_table(layout, doc.missing)
    clerk = nfc(doc.clerk or settings.clerk).strip()
    contact = f"{clerk}, " if clerk else ""
    layout.flow(
        para(
            "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà "
            f"liên hệ với {contact}{unit_of(settings.agency)} để được hướng dẫn./.",
            before=2 * step,
        )
    )
    signatures(layout, [(SIGN_APPLICANT, SIGN_HINT, doc.name), (SIGN_GUIDE, SIGN_HINT, clerk)])
    return close_form(layout, settings, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")


def render_guidance(doc: GuidanceDocument, settings: PrintSettings, *, paper: str = "a4") -> bytes:
    """Mẫu 02 of a dossier not taken in, as PDF bytes."""
    return build_guidance(doc, settings, paper=paper).pdf
