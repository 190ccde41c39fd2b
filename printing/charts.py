"""The day report's two charts, drawn with ``reportlab.graphics``: dossiers received per
procedure, and results on time against late."""

from __future__ import annotations

from typing import Any

from printing.fonts import FontSet
from printing.paper import MM
from printing.wording import nfc, percent_vi

DayReport = Any
"""A ``desk.reports.day.DayReport``: the reports layer sits above printing, which may not import it."""

ON_TIME_COLOUR = (0.18, 0.49, 0.20)
LATE_COLOUR = (0.78, 0.16, 0.16)
BAR_COLOUR = (0.16, 0.36, 0.62)
CHART_HEIGHT = 44 * MM
MAX_PROCEDURE_BARS = 6


def _cut(text: str, n: int) -> str:
    text = nfc(text).strip()
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def procedure_chart(report: DayReport, fonts: FontSet, width: float, height: float):
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


def on_time_chart(report: DayReport, fonts: FontSet, width: float, height: float):
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
    c.categoryAxis.categoryNames = [f"Đúng hạn: {percent_vi(f.on_time_rate)}", f"Trễ hạn: {percent_vi(f.late_rate)}"]
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
