"""Báo cáo (F6): the service-quality indicators (QĐ 766/QĐ-TTg) of today, this week or this month.

Two views, switched with V: the desk view (``desk.reports.indicators.compute``: the desk's own
formulas, each rate a bar coloured against its target) and the QĐ 766 table as the national portal
computes it (``desk.reports.qd766.compute``: each indicator, its figure, the province's target and
whether it is met). Both are computed in a worker. P prints the end-of-day report of the period
shown, S the register book (Mẫu 07).
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Header, Label, Static
from textual.worker import Worker

from desk.errors import DeskError
from desk.reports import indicators, qd766
from desk.reports.indicators import TARGETS, Figures, Indicators
from desk.reports.scope import home_only
from screens.base import DeskScreen
from screens.format import clip
from screens.messages import IndicatorsReady, ReportPrinted
from screens.printjob import print_day_report, print_register
from screens.widgets.counter import Counter
from screens.widgets.footer import DeskFooter
from screens.widgets.indicator_bar import IndicatorBar

PERIODS = indicators.PERIODS
"""("day", "week", "month"), switched with 1, 2, 3 (or ← →)."""

RATES = ("on_time_rate", "digitisation_rate", "reuse_rate", "satisfaction_rate", "sync_rate")
"""The rates drawn as bars, those with a provincial target first."""

COUNTS = ("received", "finished", "returned", "in_progress", "overdue")
"""The counts above the bars."""


def pct(t, value: float | None, digits: int = 1) -> str:
    """ "96,5 %" in Vietnamese, "96.5 %" in English; "—" when undefined."""
    text = indicators.percent(value, digits=digits, none=t("none"))
    return text.replace(",", ".") if t.language == "en" else text


class ReportsScreen(DeskScreen):
    BINDINGS = [
        Binding("1", "period('day')", "key.reports.day", id="reports.day"),
        Binding("2", "period('week')", "key.reports.week", id="reports.week"),
        Binding("3", "period('month')", "key.reports.month", id="reports.month"),
        Binding("right", "next_period(1)", "key.reports.next", id="reports.next", show=False),
        Binding("left", "next_period(-1)", "key.reports.previous", id="reports.previous", show=False),
        Binding("p", "print_report", "key.reports.print", id="reports.print"),
        Binding("s", "print_register", "key.reports.register", id="reports.register"),
        Binding("v", "switch_view", "key.reports.view", id="reports.view"),
        Binding("f6", "refresh", "key.refresh", id="reports.refresh"),
        Binding("escape", "app.switch_mode('today')", "key.back", id="reports.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.period = "day"
        self.figures: Indicators | None = None
        self.qd766: qd766.Report766 | None = None
        self.view = "desk"
        """"desk" (the desk view) or "766" (the portal's table)."""
        self.printing = False
        self._width = 0

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        with Vertical(id="reports"):
            with Horizontal(id="report-periods"):
                for n, kind in enumerate(PERIODS, 1):
                    yield Static(
                        f" {n} {t(f'reports.period.{kind}')} ", id=f"period-{kind}", classes="period", markup=False
                    )
                yield Static(id="report-title", markup=False)
            with Horizontal(id="report-counts"):
                for key in COUNTS:
                    yield Counter(t(f"reports.count.{key}"), id=f"report-{key}")
            yield Label(t("reports.qd766"), classes="section qd766")
            yield DataTable(id="report-766", cursor_type="row", zebra_stripes=True, classes="qd766")
            yield Label(t("reports.indicators"), classes="section desk-view")
            with Vertical(id="report-rates", classes="desk-view"):
                for name in RATES:
                    with Horizontal(id=f"rate-{name}", classes="indicator-row"):
                        yield Static(t(f"reports.rate.{name}"), classes="indicator-name", markup=False)
                        yield IndicatorBar(id=f"bar-{name}")
                        yield Static(classes="indicator-value", markup=False)
                        yield Static(classes="indicator-target", markup=False)
            yield Static(id="report-extra", markup=False, classes="desk-view")
            yield Label(t("reports.by_procedure"), classes="section")
            yield DataTable(id="report-procedures", cursor_type="row", zebra_stripes=True)
            yield Static(id="report-status", markup=False)
        yield DeskFooter(compact=True)

    @property
    def procedures(self) -> DataTable:
        return self.query_one("#report-procedures", DataTable)

    def on_mount(self) -> None:
        self._columns()
        t = self.t
        table = self.query_one("#report-766", DataTable)
        for key, width in (("code", 5), ("name", 28), ("value", 9), ("target", 9), ("meets", 10)):
            table.add_column(t(f"reports.qd766.col.{key}"), width=width, key=key)
        self._show_view()
        self._width = self.app.size.width

    def on_resize(self) -> None:
        if self._width != self.app.size.width:
            self._width = self.app.size.width
            self._columns()
            if self.figures is not None:
                self._show(self.figures)

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def _columns(self) -> None:
        t = self.t
        table = self.procedures
        table.clear(columns=True)
        numbers = {key: max(5, len(t(f"reports.col.{key}"))) for key in ("received", "finished", "on_time", "overdue")}
        name = max(20, self.app.size.width - 2 - sum(numbers.values()) - 2 * (len(numbers) + 1) - 3)
        table.add_column(t("col.procedure"), width=name, key="name")
        for key, width in numbers.items():
            table.add_column(t(f"reports.col.{key}"), width=width, key=key)

    # the period ----------------------------------------------------------------------

    def action_period(self, kind: str) -> None:
        if kind != self.period:
            self.period = kind
            self.action_refresh()

    def action_next_period(self, step: int) -> None:
        self.action_period(PERIODS[(PERIODS.index(self.period) + step) % len(PERIODS)])

    def action_switch_view(self) -> None:
        self.view = "766" if self.view == "desk" else "desk"
        self._show_view()

    def _show_view(self) -> None:
        self.set_class(self.view == "766", "-qd766")

    def action_refresh(self) -> None:
        for kind in PERIODS:
            self.query_one(f"#period-{kind}").set_class(kind == self.period, "-active")
        self.query_one("#report-title", Static).update(self._title(*indicators.period(self.period)))
        self._loading(True)
        self.compute_worker(self.period)

    def _loading(self, loading: bool) -> None:
        # on the figures that dim, not the screen: a class on the screen restyles every widget of it
        for box in self.query("#report-counts, #report-rates"):
            box.set_class(loading, "-loading")

    def _title(self, first: date, last: date) -> str:
        t = self.t
        if self.period == "day":
            return t("reports.title.day", date=first.strftime("%d/%m/%Y"))
        if self.period == "week":
            return t("reports.title.week", first=first.strftime("%d/%m"), last=last.strftime("%d/%m/%Y"))
        return t("reports.title.month", month=first.strftime("%m/%Y"))

    @work(thread=True, exclusive=True, group="reports", exit_on_error=False)
    def compute_worker(self, period: str) -> None:
        with self.app.thread_desk() as desk:
            first, last = indicators.period(period)
            result = indicators.compute(desk, first, last)
            try:  # at a PostgreSQL hub the 766 figures are read from its store
                portal = qd766.compute(desk, first, last)
            except DeskError:  # the store unreachable: the desk view still shows (its own warning says whose)
                portal = None
        self.post_message(IndicatorsReady(period, result, portal))

    # showing -------------------------------------------------------------------------

    @on(IndicatorsReady)
    def _ready(self, event: IndicatorsReady) -> None:
        if event.period != self.period:
            return  # the clerk switched meanwhile; the newer figures are on their way
        self._loading(False)
        self.figures = event.indicators
        self.qd766 = event.qd766
        self._show(event.indicators)
        if event.qd766 is not None:
            self._show_766(event.qd766)

    def _show(self, result: Indicators) -> None:
        t = self.t
        f = result.overall
        for key in COUNTS:
            self.query_one(f"#report-{key}", Counter).show(getattr(f, key), alert=key == "overdue")
        for name in RATES:
            self._rate(name, f)
        hours = f.avg_processing_hours
        hours_text = t("none") if hours is None else f"{hours:.1f}".replace(".", "," if t.language == "vi" else ".")
        scope = home_only(self.app.desk)  # a hub on PostgreSQL: these figures are its own counter's only
        self.query_one("#report-extra", Static).update(
            ("" if scope is None else t.problem(scope) + "\n")
            + t(
                "reports.extra",
                hours=hours_text,
                on_time=f.finished_on_time,
                late=f.finished_late,
                refused=f.refused,
                withdrawn=f.withdrawn,
                stopped=f.stopped,
                awaiting=f.awaiting_return,
            )
        )
        table = self.procedures
        table.clear()
        width = table.columns[next(iter(table.columns))].width
        for group in result.by_procedure:
            g = group.figures
            table.add_row(
                Text(clip(f"{group.key} {group.label}", width)),
                *(Text(str(n), justify="right") for n in (g.received, g.finished, g.finished_on_time, g.overdue)),
                key=group.key,
            )
        table.border_subtitle = "" if result.by_procedure else t("reports.no_dossiers")

    def _show_766(self, report: qd766.Report766) -> None:
        """The QĐ 766 table: each indicator, its figure, its target (on time: above it) and whether it is met."""
        t = self.t
        table = self.query_one("#report-766", DataTable)
        table.clear()
        for code in qd766.INDICATORS:
            target = report.targets.get(code)
            meets = report.meets(code)
            goal = "" if target is None else f"{'>' if code in qd766.STRICT else '≥'} {pct(t, target, digits=0)}"
            mark = {True: t("reports.qd766.meets"), False: t("reports.qd766.misses"), None: ""}[meets]
            style = {True: "green", False: "red", None: ""}[meets]
            table.add_row(
                code,
                Text(t(f"reports.qd766.{code}" + (".desk" if code == "1.4" and report.synced_means == "hub" else ""))),
                Text(pct(t, report.overall.rate(code), digits=2), justify="right", style=style),
                Text(goal, justify="right"),
                Text(mark, style=style),
                key=code,
            )

    def _rate(self, name: str, f: Figures) -> None:
        t = self.t
        value = f.rate(name)
        target = TARGETS.get(name)
        meets = f.meets(name)
        row = self.query_one(f"#rate-{name}")
        for cls, on_ in (
            ("-meets", meets is True),
            ("-misses", meets is False),
            ("-no-target", target is None and value is not None),
            ("-none", value is None),
        ):
            row.set_class(on_, cls)
        self.query_one(f"#bar-{name}", IndicatorBar).show(value, target)
        row.query_one(".indicator-value", Static).update(pct(t, value))
        row.query_one(".indicator-target", Static).update(
            t("reports.target", target=pct(t, target, digits=0)) if target is not None else ""
        )

    # printing ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("print_report", "print_register") and self.printing:
            return None
        return True

    def _print(self, kind: str) -> None:
        if self.printing:
            return
        self.printing = True
        self.refresh_bindings()
        self._status(self.t("receipt.printing"))
        first, last = indicators.period(self.period)
        self.print_worker(kind, first, last)

    def action_print_report(self) -> None:
        self._print("report")

    def action_print_register(self) -> None:
        self._print("register")

    @work(thread=True, exclusive=True, group="print", exit_on_error=False)
    def print_worker(self, kind: str, first: date, last: date) -> None:
        send = print_day_report if kind == "report" else print_register
        with self.app.thread_desk() as desk:
            outcome = send(desk, first, last, self.t.language)
        self.post_message(ReportPrinted(outcome))

    @on(ReportPrinted)
    def _printed(self, event: ReportPrinted) -> None:
        self.printing = False
        self.refresh_bindings()
        outcome = event.outcome
        self._status(outcome.message, error=not outcome.ok)
        if outcome.ok:
            self.notify(outcome.message, timeout=6)

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#report-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    def work_failed(self, worker: Worker) -> None:
        if worker.group == "print":
            self.printing = False
            self.refresh_bindings()
            self._status(self.t("reports.print_failed"), error=True)
        else:
            self._loading(False)
