"""The end-of-day report (báo cáo cuối ngày) as a one-page A4 PDF.

Made of the same blocks as the forms (national header, title, tables,
signature) on the same layout engine, plus two charts drawn with
``reportlab.graphics``: dossiers received per procedure, and results on time
against late. The list of overdue dossiers takes what room the page has left;
the rest are counted ("và N hồ sơ khác") rather than spilling onto a second page.

The report object comes from ``desk.reports.day.day_report``; only its attributes
are used here, so ``printing`` still imports nothing of ``desk`` but its models and rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from desk.models import PrintSettings
from printing.blocks import national_header, signatures, title_block
from printing.fonts import FontSet, fonts_for
from printing.items import Col, Graphic, Space, para
from printing.layout import Layout
from printing.ops import Rendered
from printing.paper import MM
from printing.paper import paper as paper_named
from printing.pdf import to_pdf
from printing.wording import BLANK, date_vi, nfc, place_date, short_datetime

DayReport = Any
"""A ``desk.reports.day.DayReport``: the reports layer sits above printing, which may not import it."""

TITLE_DAY = "BÁO CÁO KẾT QUẢ TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ TRONG NGÀY"
TITLE_RANGE = "BÁO CÁO KẾT QUẢ TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ"
SIGN_REPORTER = "NGƯỜI LẬP BÁO CÁO"
SIGN_HINT = "(Ký và ghi rõ họ tên)"
SOURCE_766 = "Quyết định 766/QĐ-TTg"

ON_TIME_COLOUR = (0.18, 0.49, 0.20)
LATE_COLOUR = (0.78, 0.16, 0.16)
BAR_COLOUR = (0.16, 0.36, 0.62)
BODY_SIZE = 9.0
CHART_HEIGHT = 44 * MM
MAX_PROCEDURE_BARS = 6


def pct(value: float | None) -> str:
    """ "96,5 %" with the decimal comma; "—" for a rate that is undefined (nothing to divide by)."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}".replace(".", ",") + " %"


def _num(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _period_vi(date_from: date, date_to: date) -> str:
    if date_from == date_to:
        return date_vi(date_from).capitalize()
    return f"Từ {date_vi(date_from)} đến {date_vi(date_to)}"


def _cut(text: str, n: int) -> str:
    text = nfc(text).strip()
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _verdict(figures, name: str) -> str:
    meets = figures.meets(name)
    return "—" if meets is None else ("Đạt" if meets else "Chưa đạt")


def _target(targets: dict, name: str) -> str:
    t = targets.get(name)
    return "—" if t is None else f"≥ {t * 100:g} %"


# ---------------------------------------------------------------- charts


def _procedure_chart(report: DayReport, fonts: FontSet, width: float, height: float):
    """Horizontal bars: dossiers received per procedure (the largest, the rest as "Thủ tục khác")."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib.colors import Color

    d = Drawing(width, height)
    groups = [g for g in report.indicators.by_procedure if g.figures.received]
    size = 7.5
    if not groups:
        d.add(
            String(
                width / 2,
                height / 2,
                "Không có hồ sơ tiếp nhận trong kỳ",
                fontName=fonts.italic,
                fontSize=size,
                textAnchor="middle",
            )
        )
        return d
    shown = groups[:MAX_PROCEDURE_BARS]
    rest = sum(g.figures.received for g in groups[MAX_PROCEDURE_BARS:])
    names = [_cut(g.label, 34) for g in shown]
    values = [g.figures.received for g in shown]
    if rest:
        names.append(f"Thủ tục khác ({len(groups) - MAX_PROCEDURE_BARS})")
        values.append(rest)
    # the chart draws its first category at the bottom: list them largest at the top
    names.reverse()
    values.reverse()
    from reportlab.pdfbase.pdfmetrics import stringWidth

    label_w = max(stringWidth(n, fonts.regular, size) for n in names) + 4
    c = HorizontalBarChart()
    c.x = label_w
    # bars of a readable thickness, hung from the top, however few the procedures
    c.height = min(height - 8, 16 * len(values))
    c.y = height - 4 - c.height
    c.width = width - label_w - 16
    c.data = [values]
    c.categoryAxis.categoryNames = names
    c.categoryAxis.labels.fontName = fonts.regular
    c.categoryAxis.labels.fontSize = size
    c.categoryAxis.labels.boxAnchor = "e"
    c.categoryAxis.labels.dx = -3
    c.categoryAxis.strokeWidth = 0.5
    c.valueAxis.visible = False
    c.valueAxis.valueMin = 0
    c.valueAxis.valueMax = max(values) * 1.12
    c.bars[0].fillColor = Color(*BAR_COLOUR)
    c.bars[0].strokeColor = None
    c.barLabelFormat = "%d"
    c.barLabels.fontName = fonts.bold
    c.barLabels.fontSize = size
    c.barLabels.boxAnchor = "w"
    c.barLabels.dx = 2
    c.barWidth = 6
    c.groupSpacing = 4
    d.add(c)
    return d


def _on_time_chart(report: DayReport, fonts: FontSet, width: float, height: float):
    """Two vertical bars: results recorded on time and late in the period, with counts and shares."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib.colors import Color

    f = report.indicators.overall
    d = Drawing(width, height)
    size = 7.5
    if not f.finished:
        d.add(
            String(
                width / 2,
                height / 2,
                "Chưa có hồ sơ có kết quả trong kỳ",
                fontName=fonts.italic,
                fontSize=size,
                textAnchor="middle",
            )
        )
        return d
    c = VerticalBarChart()
    c.x = 6
    c.y = 2 * size + 4
    c.width = width - 12
    c.height = height - c.y - size - 6
    c.data = [[f.finished_on_time, f.finished_late]]
    c.categoryAxis.categoryNames = [f"Đúng hạn: {pct(f.on_time_rate)}", f"Trễ hạn: {pct(f.late_rate)}"]
    c.categoryAxis.labels.fontName = fonts.regular
    c.categoryAxis.labels.fontSize = size
    c.categoryAxis.labels.dy = -3
    c.categoryAxis.strokeWidth = 0.5
    c.valueAxis.visible = False
    c.valueAxis.valueMin = 0
    c.valueAxis.valueMax = max(f.finished_on_time, f.finished_late) * 1.15
    c.bars[0].strokeColor = None
    c.bars[(0, 0)].fillColor = Color(*ON_TIME_COLOUR)
    c.bars[(0, 1)].fillColor = Color(*LATE_COLOUR)
    c.barLabelFormat = "%d"
    c.barLabels.fontName = fonts.bold
    c.barLabels.fontSize = size
    c.barLabels.boxAnchor = "s"
    c.barLabels.dy = 2
    c.groupSpacing = 18
    d.add(c)
    return d


# ---------------------------------------------------------------- sections


def _section(text: str, lead: float):
    return para(text, style="b", before=0.5 * lead, after=0.2 * lead)


def _counts(layout: Layout, report: DayReport) -> None:
    f = report.indicators.overall
    cols = [
        Col(t, 1.0, "center")
        for t in (
            "Tiếp nhận",
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
    late = pct(f.late_rate) if f.late_rate is not None else "0 %"
    complaint = pct(f.complaint_rate) if f.complaint_rate is not None else "0 %"
    return [
        [
            "Tỷ lệ giải quyết đúng hạn",
            f"{f.finished_on_time}/{f.finished} hồ sơ có kết quả",
            pct(f.on_time_rate),
            _target(t, "on_time_rate"),
            _verdict(f, "on_time_rate"),
        ],
        [
            "Thời gian xử lý trung bình",
            f"{f.finished} hồ sơ, không tính thời gian chờ bổ sung",
            "—" if hours is None else f"{_num(hours)} giờ làm việc",
            "—",
            "—",
        ],
        [
            "Tỷ lệ số hóa hồ sơ",
            f"{f.digitised}/{f.accepted} hồ sơ tiếp nhận",
            pct(f.digitisation_rate),
            _target(t, "digitisation_rate"),
            _verdict(f, "digitisation_rate"),
        ],
        [
            "Tỷ lệ tái sử dụng dữ liệu",
            f"{f.reused}/{f.accepted} hồ sơ tiếp nhận",
            pct(f.reuse_rate),
            _target(t, "reuse_rate"),
            _verdict(f, "reuse_rate"),
        ],
        [
            "Mức độ hài lòng",
            "100 % − (tỷ lệ trễ hạn + tỷ lệ không hài lòng)"
            if f.satisfaction_rate is None
            else f"100 % − (trễ hạn {late} + không hài lòng {complaint})",
            pct(f.satisfaction_rate),
            _target(t, "satisfaction_rate"),
            _verdict(f, "satisfaction_rate"),
        ],
        [
            "Tỷ lệ đồng bộ",
            f"{f.synced}/{f.received} hồ sơ tiếp nhận",
            pct(f.sync_rate),
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
                pct(f.on_time_rate),
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
        return f"{_num(minutes / 60)} giờ"
    return f"{_num(minutes / day_minutes)} ngày"


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
        para(_period_vi(ind.date_from, ind.date_to), style="i", align="center"),
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
                    Graphic(_procedure_chart(report, fonts, left_w, CHART_HEIGHT), left_w, CHART_HEIGHT),
                ],
            ),
            (
                left_w + gap,
                right_w,
                [
                    caption("Hồ sơ có kết quả: đúng hạn và trễ hạn"),
                    Graphic(_on_time_chart(report, fonts, right_w, CHART_HEIGHT), right_w, CHART_HEIGHT),
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
    title = f"Báo cáo kết quả tiếp nhận và giải quyết hồ sơ {_period_vi(ind.date_from, ind.date_to).lower()}"
    return Rendered(pages, to_pdf(pages, title=title, author=settings.agency.name, subject=SOURCE_766))


def render_day_report(report: DayReport, settings: PrintSettings) -> bytes:
    """The end-of-day report as PDF bytes."""
    return build_day_report(report, settings).pdf


__all__: Sequence[str] = ("build_day_report", "pct", "render_day_report")
