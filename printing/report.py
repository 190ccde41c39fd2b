"""The end-of-day report (báo cáo cuối ngày) as a one-page A4 PDF.

Made of the same blocks as the forms (national header, title, tables,
signature) on the same layout engine, plus two charts (:mod:`printing.charts`):
dossiers received per procedure, and results on time against late. The list of overdue dossiers takes what room the page has left;
the rest are counted ("và N hồ sơ khác") rather than spilling onto a second page.

The report object comes from ``desk.reports.day.day_report``; only its attributes
are used here, so ``printing`` still imports nothing of ``desk`` but its models and rules.
"""

from __future__ import annotations

from collections.abc import Sequence

from desk.models import PrintSettings
from printing.blocks import national_header, signatures, title_block
from printing.charts import CHART_HEIGHT, DayReport, on_time_chart, procedure_chart
from printing.fonts import FontSet, fonts_for
from printing.items import Col, Graphic, Space, para
from printing.layout import Layout
from printing.ops import Rendered
from printing.paper import MM
from printing.paper import paper as paper_named
from printing.pdf import to_pdf
from printing.wording import BLANK, decimal_vi, nfc, percent_vi, period_vi, place_date, short_datetime

TITLE_DAY = "BÁO CÁO KẾT QUẢ TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ TRONG NGÀY"
TITLE_RANGE = "BÁO CÁO KẾT QUẢ TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ"
SIGN_REPORTER = "NGƯỜI LẬP BÁO CÁO"
SIGN_HINT = "(Ký và ghi rõ họ tên)"
SOURCE_766 = "Quyết định 766/QĐ-TTg"
HOME_ONLY_VI = (
    "Lưu ý: hồ sơ của các quầy được lưu trong PostgreSQL; số liệu và chỉ số trong báo cáo này mới chỉ tính "
    "hồ sơ của chính máy chủ (chưa tổng hợp các quầy)."
)

BODY_SIZE = 9.0


def _verdict(figures, name: str) -> str:
    meets = figures.meets(name)
    return "—" if meets is None else ("Đạt" if meets else "Chưa đạt")


def _target(targets: dict, name: str) -> str:
    t = targets.get(name)
    return "—" if t is None else f"≥ {t * 100:g} %"


# ---------------------------------------------------------------- sections


def _section(text: str, lead: float):
    return para(text, style="b", before=0.5 * lead, after=0.2 * lead)


def _counts(layout: Layout, report: DayReport) -> None:
    f = report.indicators.overall
    cols = [
        Col(t, 1.0, "center")
        for t in (
            "Tiếp nhận",
            "Hướng dẫn",  # dossiers not taken in: guidance given (Mẫu 02), docs/indicators.md
            "Từ chối",
            "Rút hồ sơ",
            "Dừng xử lý",
            "Có kết quả",
            "Đã trả",
            "Đang giải quyết",
            "Quá hạn",
            "Chờ trả",
        )
    ]
    layout.table(
        cols,
        [
            [
                str(v)
                for v in (
                    f.received,
                    report.guidance,
                    f.refused,
                    f.withdrawn,
                    f.stopped,
                    f.finished,
                    f.returned,
                    f.in_progress,
                    f.overdue,
                    f.awaiting_return,
                )
            ]
        ],
    )


def _indicator_rows(report: DayReport) -> list[list[str]]:
    f = report.indicators.overall
    t = report.targets
    hours = f.avg_processing_hours
    late = percent_vi(f.late_rate) if f.late_rate is not None else "0 %"
    complaint = percent_vi(f.complaint_rate) if f.complaint_rate is not None else "0 %"
    return [
        [
            "Tỷ lệ giải quyết đúng hạn",
            f"{f.finished_on_time}/{f.finished} hồ sơ có kết quả",
            percent_vi(f.on_time_rate),
            _target(t, "on_time_rate"),
            _verdict(f, "on_time_rate"),
        ],
        [
            "Thời gian xử lý trung bình",
            f"{f.finished} hồ sơ, không tính thời gian chờ bổ sung",
            "—" if hours is None else f"{decimal_vi(hours)} giờ làm việc",
            "—",
            "—",
        ],
        [
            "Tỷ lệ số hóa hồ sơ",
            f"{f.digitised}/{f.accepted} hồ sơ tiếp nhận",
            percent_vi(f.digitisation_rate),
            _target(t, "digitisation_rate"),
            _verdict(f, "digitisation_rate"),
        ],
        [
            "Tỷ lệ tái sử dụng dữ liệu",
            f"{f.reused}/{f.accepted} hồ sơ tiếp nhận",
            percent_vi(f.reuse_rate),
            _target(t, "reuse_rate"),
            _verdict(f, "reuse_rate"),
        ],
        [
            "Mức độ hài lòng",
            "100 % − (tỷ lệ trễ hạn + tỷ lệ không hài lòng)"
            if f.satisfaction_rate is None
            else f"100 % − (trễ hạn {late} + không hài lòng {complaint})",
            percent_vi(f.satisfaction_rate),
            _target(t, "satisfaction_rate"),
            _verdict(f, "satisfaction_rate"),
        ],
        [
            "Tỷ lệ đồng bộ",
            f"{f.synced}/{f.received} hồ sơ tiếp nhận",
            percent_vi(f.sync_rate),
            _target(t, "sync_rate"),
            _verdict(f, "sync_rate"),
        ],
    ]


INDICATOR_COLS = [
    Col("Chỉ số", 2.3),
    Col("Cách tính", 3.9),
    Col("Kết quả", 1.6, "center"),
    Col("Chỉ tiêu", 1.0, "center"),
    Col("Đánh giá", 1.0, "center"),
]

DESK_COLS = [
    Col("Quầy", 1.4),
    Col("Tiếp nhận", 0.9, "center"),
    Col("Có kết quả", 0.9, "center"),
    Col("Đúng hạn", 1.0, "center"),
    Col("Quá hạn", 0.8, "center"),
    Col("Sự kiện đã nhận", 1.0, "center"),
    Col("Seq cao nhất", 0.9, "center"),
    Col("Seq còn thiếu", 1.5, "center"),
]

OVERDUE_COLS = [
    Col("TT", 0.35, "center"),
    Col("Mã hồ sơ", 2.45),
    Col("Thủ tục", 2.6),
    Col("Người nộp", 1.7),
    Col("Hẹn trả", 1.65, "center"),
    Col("Quá hạn", 0.95, "center"),
]
OVERDUE_SIZE = 8.0


def _desk_rows(report: DayReport) -> list[list[str]]:
    rows = []
    for d in report.desks:
        f, s = d.figures, d.sync
        rows.append(
            [
                d.label,
                str(f.received),
                str(f.finished),
                percent_vi(f.on_time_rate),
                str(f.overdue),
                str(s.events) if s else "—",
                str(s.last_seq) if s and s.last_seq is not None else "—",
                (s.missing_ranges() or "không") if s else "—",
            ]
        )
    return rows


def _gap_lines(report: DayReport) -> list:
    lines = []
    for d in report.desks:
        s = d.sync
        if s is None or not s.gaps:
            continue
        ranges = s.missing_ranges()
        lines.append(
            para(
                f"{d.label}: đã phát sinh đến sự kiện số {s.last_seq}, đã nhận {s.events}; ",
                (f"còn thiếu sự kiện số {ranges} ({s.missing} sự kiện)", "b"),
                " — chưa nhận được gói dữ liệu hoặc đợt đồng bộ tương ứng.",
                indent=6,
            )
        )
    if not lines:
        lines.append(para("Đã nhận đủ dữ liệu của các quầy, không thiếu sự kiện nào.", style="i", indent=6))
    return lines


def _overdue_text(minutes: int, day_minutes: int) -> str:
    """How long past due, in working time: "40 phút", "2,5 giờ", "1,9 ngày"."""
    if minutes < 60:
        return f"{minutes} phút"
    if minutes < day_minutes:
        return f"{decimal_vi(minutes / 60)} giờ"
    return f"{decimal_vi(minutes / day_minutes)} ngày"


def _one_line(layout: Layout, text: str, width: float, size: float) -> str:
    """``text`` cut (with "…") to fit on one line of ``width`` points."""
    text = nfc(text).strip()
    if layout.text_width(text, "", size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if layout.text_width(text[:mid].rstrip() + "…", "", size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def _overdue_rows(layout: Layout, report: DayReport, n: int, day_minutes: int) -> list[list[str]]:
    """One line per dossier (long names are cut), so that as many as possible fit on the page."""
    size = OVERDUE_SIZE
    pad = layout.table_pad(size)
    room = [w - 2 * pad - 0.5 for w in layout.column_widths(OVERDUE_COLS, size=size)]
    rows = []
    for i, o in enumerate(report.overdue[:n], 1):
        cells = [
            str(i),
            o.code,
            o.procedure_name,
            o.applicant,
            short_datetime(o.due_at),
            _overdue_text(o.overdue_minutes, day_minutes),
        ]
        rows.append(
            [
                _one_line(layout, c, w, size) if j in (2, 3) else c
                for j, (c, w) in enumerate(zip(cells, room, strict=True))
            ]
        )
    return rows


# ---------------------------------------------------------------- the page


def _lay_out(report: DayReport, settings: PrintSettings, fonts: FontSet, listed: int, day_minutes: int) -> Layout:
    ind = report.indicators
    layout = Layout(paper_named("a4"), fonts, size=BODY_SIZE)
    lead = layout.leading(layout.size)
    agency = settings.agency
    national_header(layout, agency, place_date(agency.place, report.made_at))
    who = f"Tổng hợp {len(report.desks)} quầy" if report.hub else f"Quầy {agency.desk_no}"
    title_block(
        layout,
        TITLE_DAY if ind.single_day else TITLE_RANGE,
        para(period_vi(ind.date_from, ind.date_to), style="i", align="center"),
        para(
            f"{who} - Người lập báo cáo: ",
            (nfc(report.clerk).strip() or BLANK, "b"),
            f" - Số liệu tính đến {short_datetime(ind.as_of)}",
            align="center",
            scale=0.95,
        ),
    )
    layout.flow(_section("I. SỐ LIỆU HỒ SƠ", lead))
    _counts(layout, report)
    if report.catch_ups:  # received earlier, entered later: both times, so that no figure is read as on time unseen
        marks = "; ".join(
            f"{c.code} nhận {short_datetime(c.claimed_at)}, nhập {short_datetime(c.entered_at)} ({nfc(c.reason).strip()})"
            for c in report.catch_ups[:5]
        )
        more = f"; và {len(report.catch_ups) - 5} hồ sơ khác" if len(report.catch_ups) > 5 else ""
        layout.flow(
            para(f"Hồ sơ nhập bù ({len(report.catch_ups)}): {marks}{more}.", style="i", indent=6, before=0.2 * lead)
        )
    if any(w.code == "report.home_only" for w in report.warnings):  # a hub on PostgreSQL
        layout.flow(para(HOME_ONLY_VI, style="b", indent=6, before=0.2 * lead))
    layout.flow(_section(f"II. CHỈ SỐ CHẤT LƯỢNG PHỤC VỤ ({SOURCE_766})", lead))
    layout.table(INDICATOR_COLS, _indicator_rows(report))

    layout.flow(_section("III. BIỂU ĐỒ", lead))
    w = layout.width
    gap = 6 * MM
    left_w = (w - gap) * 0.6
    right_w = w - gap - left_w
    caption = lambda text: para(text, style="i", align="center", scale=0.9)  # noqa: E731
    layout.columns(
        [
            (
                0.0,
                left_w,
                [
                    caption("Hồ sơ tiếp nhận theo thủ tục"),
                    Graphic(procedure_chart(report, fonts, left_w, CHART_HEIGHT), left_w, CHART_HEIGHT),
                ],
            ),
            (
                left_w + gap,
                right_w,
                [
                    caption("Hồ sơ có kết quả: đúng hạn và trễ hạn"),
                    Graphic(on_time_chart(report, fonts, right_w, CHART_HEIGHT), right_w, CHART_HEIGHT),
                ],
            ),
        ]
    )

    n = 4
    if report.hub:
        layout.flow(_section("IV. THEO QUẦY VÀ ĐỐI SOÁT DỮ LIỆU ĐỒNG BỘ", lead))
        layout.table(DESK_COLS, _desk_rows(report))
        layout.flow(Space(0.2 * lead), *_gap_lines(report))
        n = 5
    roman = {4: "IV", 5: "V"}[n]
    total = ind.overall.overdue
    layout.flow(_section(f"{roman}. HỒ SƠ QUÁ HẠN ({total} hồ sơ, tính đến {short_datetime(ind.as_of)})", lead))
    if total == 0:
        layout.flow(para("Không có hồ sơ quá hạn.", style="i", indent=6))
    elif listed:
        layout.table(OVERDUE_COLS, _overdue_rows(layout, report, listed, day_minutes), size=OVERDUE_SIZE)
    rest = total - min(listed, len(report.overdue))
    if total and rest:
        text = f"và {rest} hồ sơ khác." if listed else f"{rest} hồ sơ quá hạn (xem danh sách trên màn hình báo cáo)."
        layout.flow(para(text, style="i", indent=6, before=0.2 * lead))
    signatures(layout, [(SIGN_REPORTER, SIGN_HINT, report.clerk)], before=0.4 * lead)
    return layout


def build_day_report(report: DayReport, settings: PrintSettings) -> Rendered:
    """The report on one A4 page: as many overdue dossiers listed as fit, the rest counted."""
    fonts = fonts_for(settings)
    day_minutes = settings.day_hours * 60
    # the most overdue rows that keep the report on one page (found by halving; layout is cheap)
    lo, hi = 0, len(report.overdue)
    layout = _lay_out(report, settings, fonts, hi, day_minutes)
    if len(layout.finish()) > 1:
        best = _lay_out(report, settings, fonts, 0, day_minutes)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            trial = _lay_out(report, settings, fonts, mid, day_minutes)
            if len(trial.finish()) == 1:
                lo, best = mid, trial
            else:
                hi = mid - 1
        layout = best
    pages = layout.finish()
    ind = report.indicators
    title = f"Báo cáo kết quả tiếp nhận và giải quyết hồ sơ {period_vi(ind.date_from, ind.date_to).lower()}"
    return Rendered(pages, to_pdf(pages, title=title, author=settings.agency.name, subject=SOURCE_766))


def render_day_report(report: DayReport, settings: PrintSettings) -> bytes:
    """The end-of-day report as PDF bytes."""
    return build_day_report(report, settings).pdf


__all__: Sequence[str] = ("build_day_report", "render_day_report")
