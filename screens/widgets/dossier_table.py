"""A list of dossiers that pages through the database: never every row."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.widgets import DataTable

from desk import clock
from desk.models import Dossier
from screens.format import clip, short_code, status_text, when_short
from screens.messages import OpenDossier

PAGE_SIZE = 50
"""Rows per page of a dossier list: one query of PAGE_SIZE + 1 rows tells whether another page follows."""


class DossierTable(DataTable):
    """Dossiers one page at a time, straight from the database; never every row.

    ``fetch(limit, offset)`` returns dossiers newest first. Moving down past the
    last row (↓ or PgDn) turns to the next page, up past the first to the previous
    one. Enter opens the highlighted dossier.
    """

    def __init__(self, *, id: str, empty_key: str = "list.empty") -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, classes="dossiers")
        self.fetch: Callable[[int, int], list[Dossier]] | None = None
        self.page = 0
        """The page shown, from 0."""
        self.has_next = False
        self.empty_key = empty_key
        self._shown: list[Dossier] = []
        self._width = 0

    def on_mount(self) -> None:
        # before its first layout the table has no width yet: its first resize sets the columns and fills the
        # rows (set here at a guessed width, they were all made twice while the first screen came up)
        if self.size.width:
            self._columns()

    def show_source(self, fetch: Callable[[int, int], list[Dossier]] | None) -> None:
        """Show the first page of another query (or nothing)."""
        self.fetch = fetch
        self.show_page(0)

    def reload(self) -> None:
        """Fetch the page shown again (after a change); back a page if it emptied."""
        self.show_page(self.page, keep_cursor=True)
        if not self._shown and self.page > 0:
            self.show_page(self.page - 1)

    def show_page(self, page: int, *, keep_cursor: bool = False, cursor_at_end: bool = False) -> None:
        row = self.cursor_row
        rows = self.fetch(PAGE_SIZE + 1, page * PAGE_SIZE) if self.fetch else []
        self.page = page
        self.has_next = len(rows) > PAGE_SIZE
        self._shown = rows[:PAGE_SIZE]
        self._fill()
        if self._shown:
            target = len(self._shown) - 1 if cursor_at_end else (min(row, len(self._shown) - 1) if keep_cursor else 0)
            self.move_cursor(row=target)

    @property
    def dossiers(self) -> list[Dossier]:
        """The dossiers on the page shown."""
        return list(self._shown)

    def _columns(self) -> None:
        t = self.app.t
        width = max(self.size.width, 60)
        self._width = width
        # code, due and status have a natural width; name and procedure share the rest
        fixed = {"code": 11, "due": 11, "status": 14}
        padding = 2 * 5 + 2  # cell padding of five columns and the scrollbar
        rest = max(width - sum(fixed.values()) - padding, 24)
        applicant = max(14, min(28, rest * 2 // 5))
        self.clear(columns=True)
        self.add_column(t("col.code"), width=fixed["code"], key="code")
        self.add_column(t("col.applicant"), width=applicant, key="applicant")
        self.add_column(t("col.procedure"), width=rest - applicant, key="procedure")
        self.add_column(t("col.due"), width=fixed["due"], key="due")
        self.add_column(t("col.status"), width=fixed["status"], key="status")

    def on_resize(self) -> None:
        if abs(self.size.width - self._width) >= 2:
            row = self.cursor_row
            self._columns()
            self._fill()
            if self._shown:
                self.move_cursor(row=min(row, len(self._shown) - 1))

    def _fill(self) -> None:
        if not self._width:
            return  # no columns before the first resize, which fills the rows
        t = self.app.t
        self.clear()
        now = clock.now()
        agency = self.app.desk.settings.agency.code
        columns = {c.key.value: c.width for c in self.columns.values()}
        alert = self.screen.theme_style("error", bold=True)
        for d in self._shown:
            self.add_row(
                Text(short_code(d.code, agency)),
                Text(clip(d.applicant.name, columns["applicant"])),
                Text(clip(d.procedure_name, columns["procedure"])),
                Text(when_short(t, d.due_at)),
                status_text(t, d, now, alert),
                key=d.code,
            )
        self.border_subtitle = self._page_label()

    def _page_label(self) -> str:
        t = self.app.t
        if not self._shown:
            return t(self.empty_key) if self.page == 0 else t("list.page", page=self.page + 1)
        first = self.page * PAGE_SIZE + 1
        last = first + len(self._shown) - 1
        more = t("list.more") if self.has_next else ""
        return t("list.range", page=self.page + 1, first=first, last=last, more=more)

    def action_cursor_down(self) -> None:
        if self.has_next and self.cursor_row >= self.row_count - 1:
            self.show_page(self.page + 1)
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.page > 0 and self.cursor_row <= 0:
            self.show_page(self.page - 1, cursor_at_end=True)
        else:
            super().action_cursor_up()

    def action_page_down(self) -> None:
        if self.has_next and self.cursor_row >= self.row_count - 1:
            self.show_page(self.page + 1)
        else:
            super().action_page_down()

    def action_page_up(self) -> None:
        if self.page > 0 and self.cursor_row <= 0:
            self.show_page(self.page - 1, cursor_at_end=True)
        else:
            super().action_page_up()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.post_message(OpenDossier(event.row_key.value))
