"""Hôm nay (F4), the first screen: today's counts, today's dossiers and the overdue ones, newest first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Label, Static

from desk import clock
from desk.dossier import query as dossiers
from desk.dossier.query import clock_backwards_note
from screens.base import DeskScreen
from screens.widgets.counter import Counter
from screens.widgets.dossier_table import DossierTable
from screens.widgets.footer import DeskFooter

COUNTERS = ("received", "due_today", "overdue", "pending_sync")
"""The figures of ``desk.dossier.query.today_counts``, in the order shown."""


class TodayScreen(DeskScreen):
    # its styles are in app.tcss: the other screens' (screens.tcss) are read once it is up, not before
    CSS_PATH = None
    AUTO_FOCUS = "#today-table"
    BINDINGS = [
        Binding("f4", "refresh", "key.refresh", id="today.refresh"),
    ]

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        with Vertical(id="today"):
            yield Label(id="today-title")
            yield Static(id="clock-warning", markup=False)
            with Horizontal(id="counters"):
                for key in COUNTERS:
                    yield Counter(t(f"today.{key}"), id=f"count-{key}")
            yield Label(t("today.list_today"), classes="section")
            yield DossierTable(id="today-table", empty_key="today.empty")
            yield Label(t("today.list_overdue"), classes="section")
            yield DossierTable(id="overdue-table", empty_key="today.no_overdue")
        yield DeskFooter(compact=True)

    @property
    def today_table(self) -> DossierTable:
        return self.query_one("#today-table", DossierTable)

    @property
    def overdue_table(self) -> DossierTable:
        return self.query_one("#overdue-table", DossierTable)

    def on_mount(self) -> None:
        desk = self.app.desk
        # the clock is read per page, so that a list left open over midnight still pages sensibly
        self.today_table.fetch = lambda limit, offset: dossiers.received_on(
            desk, clock.now().date(), limit=limit, offset=offset
        )
        self.overdue_table.fetch = lambda limit, offset: dossiers.overdue(
            desk, now=clock.now(), limit=limit, offset=offset
        )

    def on_screen_resume(self) -> None:
        # also on the first showing: the lists and counts are read once, here
        self.action_refresh()

    def action_refresh(self) -> None:
        self.show_counts()
        self.today_table.reload()
        self.overdue_table.reload()

    def show_counts(self) -> None:
        t = self.t
        desk = self.app.desk
        now = clock.now()
        self.query_one("#today-title", Label).update(
            t("today.title", weekday=t(f"weekday.{now.isoweekday()}"), date=now.strftime("%d/%m/%Y"))
        )
        counts = dossiers.today_counts(desk, now)
        for key in COUNTERS:
            self.query_one(f"#count-{key}", Counter).show(counts[key], alert=key == "overdue")
        note = clock_backwards_note(desk)
        warning = self.query_one("#clock-warning", Static)
        warning.update(t("clock.backwards", detail=note) if note else "")
        warning.set_class(bool(note), "-shown")
