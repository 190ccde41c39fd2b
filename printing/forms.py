"""The frame the numbered forms share (Mẫu 02–06): header, title, how the applicant is addressed, page marks.

Each form of ``printing.letters`` and ``printing.notices`` opens with :func:`open_form`,
flows its own body, and ends with :func:`close_form`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from desk.models import Dossier, PrintSettings
from printing.blocks import continued, finish, national_header, page_marks, title_block
from printing.fonts import fonts_for
from printing.items import Col, P, para
from printing.layout import Layout
from printing.ops import Rendered
from printing.paper import paper as paper_named
from printing.wording import BLANK, place_date


def addressed(dossier: Dossier) -> str:
    """How a form addresses the applicant in running text: Ông, Bà, Ông/Bà, or Quý cơ quan, tổ chức."""
    a = dossier.applicant
    if a.kind.is_organisation:
        return "Quý cơ quan, tổ chức"
    return {"Nam": "Ông", "Nữ": "Bà"}.get(a.sex, "Ông/Bà")


def open_form(
    settings: PrintSettings,
    paper: str,
    title: str,
    issued: datetime | date,
    dossier: Dossier | None = None,
    *,
    code_line: bool = True,
) -> Layout:
    """A new page with the national header dated ``issued`` and the title.

    With a dossier, continuation pages name it, and ``code_line`` puts "Mã hồ sơ: …" under the title.
    """
    layout = Layout(paper_named(paper), fonts_for(settings))
    if dossier is not None:
        layout.on_new_page = continued(dossier.code)
    national_header(layout, settings.agency, place_date(settings.agency.place, issued))
    lines: list[P] = []
    if dossier is not None and code_line:
        lines.append(para("Mã hồ sơ: ", (dossier.code, "b"), align="center"))
    title_block(layout, title, *lines)
    return layout


def step_of(layout: Layout) -> float:
    """The small vertical gap the forms put between their paragraphs."""
    return 0.15 * layout.leading(layout.size)


def missing_table(layout: Layout, missing: Sequence[tuple[str, str]]) -> None:
    """The table of what to supplement or complete, and why (Mẫu 02); one blank row when nothing is listed."""
    rows = [[str(i), name, reason] for i, (name, reason) in enumerate(missing, 1)] or [["", BLANK, ""]]
    layout.table(
        [Col("TT", 0.7, "center"), Col("Giấy tờ, nội dung cần bổ sung, hoàn thiện", 5.0), Col("Lý do", 4.3)], rows
    )


def close_form(layout: Layout, settings: PrintSettings, title: str, dossier: Dossier | None = None) -> Rendered:
    """Page marks ("Mã hồ sơ … - Trang i/n", or "Trang i/n" without a dossier) and the PDF titled ``title``."""
    if dossier is not None:
        code = dossier.code
        page_marks(layout, lambda i, t: f"Mã hồ sơ {code} - Trang {i}/{t}")
        title = f"{title} {code}"
    else:
        page_marks(layout, lambda i, t: f"Trang {i}/{t}")
    return finish([layout], title=title, settings=settings)
