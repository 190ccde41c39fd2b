"""The supervisor's QĐ 766 report per desk as a one-page A4 PDF (``desk report 766 --out FILE.pdf``).

National header and title; I. the figures of every indicator against the province's targets; II. a chart
of on-time (2.1) and digitisation (4.2) per desk, each against its target (a dashed line); III. one line
per desk with its unsynced dossiers and its missing events; IV. the dossiers 2.1 counts late, each with
the rule that made it late. It stays on one page: when the desks do not all fit, those with the lowest
on-time rate are shown and the rest counted ("… quầy khác: xem tệp CSV"); then as many late dossiers as
fit, the rest counted.

The report object comes from ``desk.reports.report766.supervisor_report``; only its attributes are used,
so ``printing`` imports nothing of ``desk`` but its models and rules.
"""

from __future__ import annotations

from typing import Any

from desk.models import PrintSettings
from printing.blocks import national_header, signatures, title_block
from printing.fonts import FontSet, fonts_for
from printing.items import Col, Graphic, para
from printing.layout import Layout
from printing.ops import Rendered
from printing.paper import MM
from printing.paper import paper as paper_named
from printing.pdf import to_pdf
from printing.wording import nfc, period_vi, place_date, short_datetime

SupervisorReport = Any
"""A ``desk.reports.report766.SupervisorReport`` (the reports layer sits above printing)."""

TITLE = "BÁO CÁO CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP THEO QUẦY"
SOURCE = "Quyết định 766/QĐ-TTg"
SIGN = ("NGƯỜI LẬP BÁO CÁO", "(Ký và ghi rõ họ tên)")
BODY = 8.5
SMALL = 7.5
CHART_H = 40 * MM
MAX_BARS = 24
"""Desks drawn in the chart at most (the first of the table's order)."""
LATE_MIN = 5
"""Late dossiers the page keeps room for before fitting more desks."""

NAMES_VI = {
    "1.4": "1.4 Đồng bộ lên Cổng DVCQG",
    "2.1": "2.1 Giải quyết đúng hạn",
    "3.6": "3.6 Thanh toán trực tuyến",
    "4.1": "4.1 Kết quả điện tử",
    "4.2": "4.2 Số hóa hồ sơ",
    "4.3": "4.3 Tái sử dụng dữ liệu",
    "4.4": "4.4 Lấy từ kho dữ liệu",
    "4.5": "4.5 Dữ liệu dân cư / VNeID",
    "5.4": "5.4 Mức độ hài lòng",
}
DESK_SYNC_VI = "1.4 Đã gửi lên hub"
"""1.4 at a desk, which cannot know the portal: what it has sent to its hub."""
REASONS_VI = {"past_due": "quá hạn", "supplements": "bổ sung quá 1 lần"}
ON_TIME_COLOUR = (0.18, 0.49, 0.20)
DIGITISED_COLOUR = (0.16, 0.36, 0.62)


def pct(value: float | None) -> str:
    """ "60,00 %" (as the portal shows it), "—" when there is nothing to divide by."""
    return "—" if value is None else f"{value * 100:.2f}".replace(".", ",") + " %"


def _part(c, indicator: str) -> str:
    whole, part = {
        "1.4": (c.accepted, c.accepted - c.unsynced),
        "2.1": (c.population, c.on_time + c.open_within),
        "3.6": (c.fee_bearing, c.paid_online),
        "4.1": (c.results, c.e_results),
        "4.2": (c.accepted, c.digitised),
        "4.3": (c.accepted, c.reused),
        "4.4": (c.accepted, c.data_store),
        "4.5": (c.accepted, c.vneid),
        "5.4": (c.population, None),
    }[indicator]
    if part is None:
        return f"100 % − (trễ hạn {c.late} + không hài lòng {c.dissatisfied}) / {whole}"
    return f"{part}/{whole}"


def _target(report: SupervisorReport, indicator: str) -> str:
    t = report.figures.targets.get(indicator)
    if t is None:
        return "—"
    return f"{'>' if indicator == '2.1' else '≥'} {t * 100:g} %"


def _verdict(report: SupervisorReport, indicator: str, counts=None) -> str:
    meets = report.figures.meets(indicator, counts)
    return "—" if meets is None else ("Đạt" if meets else "Chưa đạt")


def _indicator_rows(report: SupervisorReport) -> list[list[str]]:
    c = report.figures.overall
    rows = []
    for i in report.names:
        name = DESK_SYNC_VI if i == "1.4" and report.figures.synced_means != "portal" else NAMES_VI[i]
        rows.append([name, _part(c, i), pct(c.rate(i)), _target(report, i), _verdict(report, i)])
    return rows


INDICATOR_COLS = [
    Col("Chỉ số", 2.6),
    Col("Cách tính (hồ sơ)", 3.4),
    Col("Kết quả", 1.2, "center"),
    Col("Chỉ tiêu", 1.0, "center"),
    Col("Đánh giá", 1.0, "center"),
]
DESK_COLS = [
    Col("Quầy", 1.5),
    Col("Tiếp nhận", 0.9, "center"),
    Col("Xong", 0.7, "center"),
    Col("Đang giải quyết", 0.9, "center"),
    Col("Trễ hạn", 0.8, "center"),
    Col("2.1", 1.0, "center"),
    Col("4.2", 1.0, "center"),
    Col("5.4", 1.0, "center"),
    Col("1.4", 1.0, "center"),
    Col("Chưa đồng bộ", 0.9, "center"),
    Col("Sự kiện còn thiếu", 1.3, "center"),
]
LATE_COLS = [
    Col("TT", 0.35, "center"),
    Col("Mã hồ sơ", 3.1),
    Col("Quầy", 0.8),
    Col("Thủ tục", 2.2),
    Col("Hạn trả", 1.7, "center"),
    Col("Tình trạng", 1.9, "center"),
    Col("Lý do trễ hạn", 2.0),
]


def _worst_first(desks: list) -> list:
    """Desks with the lowest on-time rate first (those with nothing to count last), then by number."""
    return sorted(desks, key=lambda d: (d.counts.rate("2.1") is None, d.counts.rate("2.1") or 0.0, d.key))


def _desk_rows(desks: list) -> list[list[str]]:
    rows = []
    for d in desks:
        c, s = d.counts, d.sync
        missing = "—" if s is None else (f"{s.missing}: {s.missing_ranges()}" if s.gaps else "0")
        rows.append(
            [
                nfc(d.label),
                str(c.accepted),
                str(c.finished),
                str(c.open),
                str(c.late),
                pct(c.rate("2.1")),
                pct(c.rate("4.2")),
                pct(c.rate("5.4")),
                pct(c.rate("1.4")),
                str(c.unsynced),
                missing,
            ]
        )
    return rows


def _cut(layout: Layout, text: str, width: float, size: float) -> str:
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


def _late_rows(layout: Layout, late: list) -> list[list[str]]:
    pad = layout.table_pad(SMALL)
    room = [w - 2 * pad - 0.5 for w in layout.column_widths(LATE_COLS, size=SMALL)]
    rows = []
    for n, x in enumerate(late, 1):
        state = f"xong {short_datetime(x.finished_at)}" if x.finished_at else "đang giải quyết"
        why = "; ".join(
            f"{REASONS_VI[r]} ({x.supplements} lần)" if r == "supplements" else REASONS_VI[r] for r in x.reasons
        )
        cells = [str(n), x.code, x.desk, x.procedure_name, short_datetime(x.due_at), state, why]
        rows.append([_cut(layout, c, w, SMALL) if j in (2, 3) else c for j, (c, w) in enumerate(zip(cells, room))])
    return rows


def desk_chart(desks: list, targets: dict, fonts: FontSet, width: float, height: float):
    """Grouped bars per desk: 2.1 on time and 4.2 digitised (percent), each target a dashed line."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib.colors import Color

    d = Drawing(width, height)
    size = 6.5
    shown = [x for x in desks if x.counts.population or x.counts.accepted][:MAX_BARS]
    if not shown:
        d.add(
            String(
                width / 2,
                height / 2,
                "Không có hồ sơ trong kỳ",
                fontName=fonts.italic,
                fontSize=size + 1,
                textAnchor="middle",
            )
        )
        return d
    colours = {"2.1": Color(*ON_TIME_COLOUR), "4.2": Color(*DIGITISED_COLOUR)}
    c = VerticalBarChart()
    c.x, c.y = 22, 2 * size + 6
    c.width, c.height = width - c.x - 4, height - c.y - size - 10
    c.data = [[round((x.counts.rate(i) or 0.0) * 100, 2) for x in shown] for i in ("2.1", "4.2")]
    c.categoryAxis.categoryNames = [nfc(x.label).replace("Quầy ", "Q") for x in shown]
    c.categoryAxis.labels.fontName = fonts.regular
    c.categoryAxis.labels.fontSize = size
    c.categoryAxis.labels.dy = -2
    if len(shown) > 8:  # many desks: slanted labels, so that they do not run into each other
        c.y = 5 * size + 6
        c.height = height - c.y - size - 10
        c.categoryAxis.labels.angle = 35
        c.categoryAxis.labels.boxAnchor = "ne"
    c.categoryAxis.strokeWidth = 0.5
    c.valueAxis.valueMin, c.valueAxis.valueMax, c.valueAxis.valueStep = 0, 100, 20
    c.valueAxis.labels.fontName = fonts.regular
    c.valueAxis.labels.fontSize = size
    c.valueAxis.labelTextFormat = "%d %%"
    c.valueAxis.strokeWidth = 0.5
    c.valueAxis.visibleGrid = True
    c.valueAxis.gridStrokeColor = Color(0.85, 0.85, 0.85)
    c.valueAxis.gridStrokeWidth = 0.3
    for n, i in enumerate(("2.1", "4.2")):
        c.bars[n].fillColor = colours[i]
        c.bars[n].strokeColor = None
    c.barSpacing = 0.5
    c.groupSpacing = 4 if len(shown) > 12 else 8
    d.add(c)
    legend_x = c.x
    for i in ("2.1", "4.2"):
        t = targets.get(i)
        label = f"{NAMES_VI[i]}"
        if t is not None:
            y = c.y + c.height * min(t, 1.0)
            d.add(Line(c.x, y, c.x + c.width, y, strokeColor=colours[i], strokeWidth=0.9, strokeDashArray=[3, 2]))
            label += f" (chỉ tiêu {'>' if i == '2.1' else '≥'} {t * 100:g} %, nét đứt)"
        top = height - size - 2
        d.add(Rect(legend_x, top, size, size, fillColor=colours[i], strokeColor=None))
        d.add(String(legend_x + size + 2, top + 1, label, fontName=fonts.regular, fontSize=size))
        legend_x += size + 8 + _width(label, fonts.regular, size)
    return d


def _width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, font, size)


def _section(text: str, lead: float):
    return para(text, style="b", before=0.45 * lead, after=0.15 * lead)


def _lay_out(
    report: SupervisorReport, settings: PrintSettings, fonts: FontSet, desks: list, n_late: int, charted: list
) -> Layout:
    f = report.figures
    layout = Layout(paper_named("a4"), fonts, size=BODY)
    lead = layout.leading(layout.size)
    agency = settings.agency
    national_header(layout, agency, place_date(agency.place, report.made_at))
    synced = (
        "1.4 tính hồ sơ đã được Cổng Dịch vụ công quốc gia tiếp nhận"
        if f.synced_means == "portal"
        else "1.4 tính hồ sơ đã gửi lên hub (quầy không biết Cổng đã tiếp nhận hay chưa)"
    )
    title_block(
        layout,
        TITLE,
        para(
            f"({SOURCE}, tính như Cổng Dịch vụ công quốc gia) - {period_vi(f.date_from, f.date_to)}",
            style="i",
            align="center",
        ),
        para(
            f"{len(report.desks)} quầy - Số liệu tính đến {short_datetime(f.as_of)} - {synced}",
            align="center",
            scale=0.95,
        ),
    )
    c = f.overall
    layout.flow(
        _section(
            f"I. CHỈ SỐ CHUNG ({c.accepted} hồ sơ tiếp nhận; {c.population} hồ sơ đã xử lý xong hoặc đang giải quyết; {c.late} trễ hạn)",
            lead,
        )
    )
    layout.table(INDICATOR_COLS, _indicator_rows(report), size=SMALL)
    layout.flow(_section("II. BIỂU ĐỒ THEO QUẦY: GIẢI QUYẾT ĐÚNG HẠN (2.1) VÀ SỐ HÓA (4.2)", lead))
    w = layout.width
    bars = len([x for x in charted if x.counts.population or x.counts.accepted][:MAX_BARS])
    cw = min(w, 60 * MM + bars * 18 * MM)  # a few desks: bars of a sensible width, not the page's
    layout.flow(Graphic(desk_chart(charted, f.targets, fonts, cw, CHART_H), cw, CHART_H))
    if len(report.desks) > bars:
        which = "có tỷ lệ giải quyết đúng hạn thấp nhất" if charted is not report.desks else "đầu tiên có hồ sơ"
        layout.flow(para(f"Biểu đồ vẽ {bars} quầy {which}.", style="i", scale=0.9))
    layout.flow(_section(f"III. THEO QUẦY ({len(report.desks)} quầy)", lead))
    layout.table(DESK_COLS, _desk_rows(desks), size=SMALL)
    rest = len(report.desks) - len(desks)
    if rest:
        layout.flow(
            para(
                f"Bảng trên là {len(desks)} quầy có tỷ lệ giải quyết đúng hạn thấp nhất; còn {rest} quầy khác: "
                "xem tệp CSV (desk report 766 --out TỆP.csv), mỗi quầy một dòng.",
                style="i",
                scale=0.9,
                before=0.15 * lead,
            )
        )
    layout.flow(
        para(
            "Chưa đồng bộ: hồ sơ tiếp nhận chưa được tính ở chỉ số 1.4. Sự kiện còn thiếu: số sự kiện quầy đã "
            "phát sinh nhưng hub chưa nhận được (số thứ tự).",
            style="i",
            scale=0.85,
            before=0.1 * lead,
        )
    )
    total = report.late_total
    layout.flow(_section(f"IV. HỒ SƠ TRỄ HẠN THEO CHỈ SỐ 2.1 ({total} hồ sơ)", lead))
    if total == 0:
        layout.flow(para("Không có hồ sơ trễ hạn.", style="i", indent=6))
    elif n_late:
        layout.table(LATE_COLS, _late_rows(layout, report.late[:n_late]), size=SMALL)
    unlisted = total - min(n_late, len(report.late))
    if total and unlisted:
        layout.flow(
            para(
                f"và {unlisted} hồ sơ trễ hạn khác: danh sách đầy đủ trong tệp CSV (desk report 766 --late-out TỆP.csv).",
                style="i",
                indent=6,
                before=0.15 * lead,
            )
        )
    signatures(layout, [(*SIGN, report.clerk)], before=0.3 * lead)
    return layout


def _fits(layout: Layout) -> bool:
    return len(layout.finish()) == 1


def _most(lo: int, hi: int, fits) -> int:
    """The largest n in [lo, hi] with ``fits(n)`` (``fits(lo)`` assumed), by halving."""
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def build_report766(report: SupervisorReport, settings: PrintSettings) -> Rendered:
    """The report on one A4 page: every desk if they fit (else the lowest on time), then the late dossiers."""
    fonts = fonts_for(settings)
    desks = charted = report.desks
    late = len(report.late)
    keep = min(late, LATE_MIN)
    if not _fits(_lay_out(report, settings, fonts, desks, keep, charted)):
        worst = charted = _worst_first(desks)
        n = _most(0, len(worst), lambda k: _fits(_lay_out(report, settings, fonts, worst[:k], keep, worst)))
        desks = worst[:n]
    n_late = _most(0, late, lambda k: _fits(_lay_out(report, settings, fonts, desks, k, charted)))
    layout = _lay_out(report, settings, fonts, desks, n_late, charted)
    pages = layout.finish()
    f = report.figures
    title = f"Báo cáo chỉ số QĐ 766 theo quầy {period_vi(f.date_from, f.date_to).lower()}"
    return Rendered(pages, to_pdf(pages, title=title, author=settings.agency.name, subject=SOURCE))


def render_report766(report: SupervisorReport, settings: PrintSettings) -> bytes:
    return build_report766(report, settings).pdf
