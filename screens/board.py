"""Bảng các quầy (B on the sync screen of a hub): every desk of this hub, a page at a time.

A thin view of :func:`desk.reports.board.board`: one keyset page of desks from the database per
PageDown; PageUp goes back through the pages already seen. Nothing loads every desk.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Header, Label, Static

from desk.reports.board import Board, DeskLine, board
from screens.base import DeskScreen
from screens.widgets.footer import DeskFooter

PAGE_SIZE = 20
"""Desks per page of the screen."""

COLUMNS = (
    "desk",
    "contact",
    "seq",
    "pending",
    "not_arrived",
    "gaps",
    "chain",
    "skew",
    "files",
    "quarantined",
    "portal",
    "duplicates",
)


class BoardTable(DataTable):
    """The page of desks; the screen pages it (PageUp/PageDown are the screen's keys, not scrolling)."""

    can_focus = False


class BoardScreen(DeskScreen):
    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("pagedown", "next_page", "key.board.next", id="board.next", show=False),
        Binding("pageup", "previous_page", "key.board.previous", id="board.previous", show=False),
        Binding("f5", "refresh", "key.refresh", id="board.refresh"),
        Binding("escape", "back", "key.back", id="board.back"),
    ]

    page_size = PAGE_SIZE

    def __init__(self) -> None:
        super().__init__()
        self.starts: list[str | None] = [None]
        """The ``after`` of each page seen, from the first (None); the last is the page shown."""
        self.page: Board | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        with Vertical(id="board"):
            yield Label(t("board.title"), id="board-title")
            yield Static(t("board.hint"), id="board-hint", markup=False)
            yield BoardTable(id="board-desks", zebra_stripes=True, cursor_type="none")
            yield Static(id="board-duplicates", markup=False)
            yield Static(id="board-set-aside", markup=False)
            yield Static(t("board.sources"), id="board-sources", markup=False)
        yield DeskFooter(compact=True)

    @property
    def table(self) -> BoardTable:
        return self.query_one("#board-desks", BoardTable)

    def on_mount(self) -> None:
        t = self.t
        for key in COLUMNS:
            self.table.add_column(t(f"board.col.{key}"), key=key)
        self.show()

    # showing --------------------------------------------------------------------------

    def show(self) -> bool:
        """Fetch and show the page that starts after ``starts[-1]``; False if the store could not be read."""
        try:
            page = board(self.app.desk, after=self.starts[-1], limit=self.page_size)
        except Exception as exc:  # a hub's PostgreSQL out of reach: said in a dialog, the page shown stays
            self.app.show_error(exc)
            if self.page is None:  # nothing shown yet: the table says why it is empty
                self.table.border_subtitle = self.t("board.unread")
            return False
        self.page = page
        table = self.table
        table.clear()
        for line in self.page.desks:
            table.add_row(*self._cells(line), key=line.desk_id)
        table.border_subtitle = self._page_label()
        self.query_one("#board-duplicates", Static).update(
            "\n".join(self._duplicate(pair) for pair in self.page.duplicates[:5])
        )
        self.query_one("#board-set-aside", Static).update(
            "\n".join(self._set_aside(problem) for problem in self.page.set_aside[:5])
        )
        self.refresh_bindings()
        return True

    def _page_label(self) -> str:
        t = self.t
        page = self.page
        if page is None or not page.desks:
            return t("board.empty")
        number = len(self.starts)
        first = (number - 1) * self.page_size + 1
        more = t("board.more") if page.next else ""
        return t(
            "board.page", page=number, first=first, last=first + len(page.desks) - 1, total=page.total_desks, more=more
        )

    def _cells(self, d: DeskLine) -> list[Text | str]:
        t = self.t
        alert = self.theme_style("error", bold=True)
        warning = self.theme_style("warning")
        name = t("board.desk", desk_no=d.desk_no, agency=d.agency_code)
        if d.revoked:
            name = t("board.revoked", desk=name)
        contact = (
            t("board.contact", at=_moment(d.last_contact), by=t(f"board.by.{d.last_contact_by}"))
            if d.last_contact
            else t("board.never")
        )
        chain_style = {"ok": "", "gaps": warning, "refused": alert, "none": ""}[d.chain]
        return [
            name,
            contact,
            str(d.hub_seq),
            Text(str(d.pending), style=warning if d.pending else ""),
            Text(str(d.not_arrived), style=warning if d.not_arrived else ""),
            Text(str(d.gaps), style=warning if d.gaps else ""),
            Text(t(f"board.chain.{d.chain}"), style=chain_style),
            Text(self._skew(d.clock_skew_seconds), style=alert if d.clock_wrong else ""),
            Text(str(d.files_missing), style=warning if d.files_missing else ""),
            str(d.quarantined),
            Text(str(d.portal_set_aside), style=alert if d.portal_set_aside else ""),
            Text(str(d.duplicates), style=alert if d.duplicates else ""),
        ]

    def _skew(self, seconds: int | None) -> str:
        t = self.t
        if seconds is None:
            return t("none")
        sign = "+" if seconds > 0 else "−" if seconds < 0 else ""
        size = abs(seconds)
        if size < 120:
            return sign + t("board.skew.seconds", value=size)
        if size < 7200:
            return sign + t("board.skew.minutes", value=round(size / 60))
        return sign + t("board.skew.hours", value=round(size / 3600))

    def _set_aside(self, problem: dict) -> str:
        key = "board.set_aside.rejected" if problem["state"] == "rejected" else "board.set_aside.failed"
        return self.t(key, code=problem["dossier_code"], reason_code=problem["reason_code"], reason=problem["reason"])

    def _duplicate(self, pair: dict) -> str:
        return self.t(
            "board.duplicate",
            code=pair["code"],
            desk_no=pair["desk_no"],
            other_code=pair["other_code"],
            other_desk_no=pair["other_desk_no"],
            procedure=pair["procedure_code"],
        )

    # keys ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_page":
            return bool(self.page and self.page.next)
        if action == "previous_page":
            return len(self.starts) > 1
        return True

    def action_next_page(self) -> None:
        if self.page and self.page.next:
            self.starts.append(self.page.next)
            if not self.show():
                self.starts.pop()  # still on the page shown

    def action_previous_page(self) -> None:
        if len(self.starts) > 1:
            after = self.starts.pop()
            if not self.show():
                self.starts.append(after)  # still on the page shown

    def action_refresh(self) -> None:
        self.show()

    def action_back(self) -> None:
        self.dismiss()


def _moment(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%H:%M %d/%m")
    except ValueError:
        return iso
