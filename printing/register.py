"""Mẫu 07, Sổ theo dõi hồ sơ: the register book of the dossiers received in a day or a range."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from desk.models import Dossier, PrintSettings, Status
from printing.blocks import finish, national_header, page_marks, title_block
from printing.fonts import fonts_for
from printing.items import Align, Col, Space, para
from printing.layout import Layout
from printing.ops import Rendered
from printing.paper import A4_LANDSCAPE
from printing.wording import BLANK, REGISTER_COLUMNS, TITLE_REGISTER, count_vi, nfc, period_vi, short_datetime

STATUS_NOTES_VI = {
    Status.SUPPLEMENT: "Yêu cầu bổ sung hồ sơ",
    Status.REFUSED: "Từ chối tiếp nhận",
    Status.WITHDRAWN: "Rút hồ sơ",
    Status.STOPPED: "Dừng xử lý",
}


def _as_date(d: date | datetime) -> date:
    return d.date() if isinstance(d, datetime) else d


def catch_up_mark(entered: datetime, reason: str) -> str:
    """The note of a dossier entered after it was received (a catch-up): when, and why."""
    return f"Nhập bù lúc {short_datetime(entered)}: {nfc(reason).strip()}"


def register_rows(
    dossiers: Iterable[Dossier],
    settings: PrintSettings,
    date_from: date,
    date_to: date,
    catch_ups: Mapping[str, tuple[datetime, str]] | None = None,
) -> list[list[str]]:
    """One row per dossier received in [date_from, date_to], in register order; a catch-up is marked in its note."""
    catch_ups = catch_ups or {}
    lo, hi = _as_date(date_from), _as_date(date_to)
    chosen = [d for d in dossiers if lo <= d.received_at.date() <= hi]
    chosen.sort(key=lambda d: (d.register_book, d.register_line or 10**9, d.received_at, d.code))
    lead_agency = nfc(settings.agency.name)
    rows = []
    for i, d in enumerate(chosen, 1):
        a = d.applicant
        contact = "\n".join(x for x in (nfc(a.address).strip(), nfc(a.phone).strip()) if x)
        returned = "\n".join(x for x in (short_datetime(d.returned_at), nfc(d.collected_by).strip()) if x)
        caught_up = catch_up_mark(*catch_ups[d.code]) if d.code in catch_ups else ""
        note = "\n".join(x for x in (caught_up, STATUS_NOTES_VI.get(d.status, ""), nfc(d.notes).strip()) if x)
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
REGISTER_ALIGN: tuple[Align, ...] = (
    "center",
    "left",
    "left",
    "center",
    "left",
    "left",
    "left",
    "center",
    "center",
    "center",
    "center",
    "center",
    "left",
)


def build_register(
    dossiers: Iterable[Dossier],
    settings: PrintSettings,
    date_from: date,
    date_to: date | None = None,
    *,
    catch_ups: Mapping[str, tuple[datetime, str]] | None = None,
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
        para(period_vi(_as_date(date_from), _as_date(date_to)), style="i", align="center"),
    )
    rows = register_rows(dossiers, settings, date_from, date_to, catch_ups)
    cols = [Col(t, w, al) for t, w, al in zip(REGISTER_COLUMNS, REGISTER_WEIGHTS, REGISTER_ALIGN, strict=True)]
    layout.table(cols, rows)
    if not rows:
        layout.flow(Space(4), para("Không có hồ sơ nào trong thời gian này.", style="i", align="center"))
    page_marks(layout, lambda i, t: f"Sổ theo dõi hồ sơ - Trang {i}/{t}", always=True)
    return finish(
        [layout], title=f"Sổ theo dõi hồ sơ {period_vi(_as_date(date_from), _as_date(date_to))}", settings=settings
    )


def render_register(
    dossiers: Iterable[Dossier],
    settings: PrintSettings,
    date_from: date,
    date_to: date | None = None,
    *,
    catch_ups: Mapping[str, tuple[datetime, str]] | None = None,
) -> bytes:
    """Mẫu 07 as PDF bytes."""
    return build_register(dossiers, settings, date_from, date_to, catch_ups=catch_ups).pdf
