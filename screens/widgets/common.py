"""Reusable widgets: a dossier list that pages from the database, counters, the procedure picker
and the component checklist of an intake."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Input, OptionList, Static
from textual.widgets.option_list import Option

from desk import clock
from desk.models import ComponentSpec, Dossier, Form, Procedure
from desk.catalog.store import filter_procedures
from screens.format import clip, processing, short_code, status_text, when_short
from screens.messages import OpenDossier

PAGE_SIZE = 50
"""Rows per page of a dossier list: one query of PAGE_SIZE + 1 rows tells whether another page follows."""

FORMS = list(Form)


class Counter(Static):
    """One figure with its label (today's counts)."""

    def __init__(self, label: str, *, id: str) -> None:
        super().__init__(id=id, classes="counter")
        self.label = label

    def show(self, value: int, *, alert: bool = False) -> None:
        self.update(Content.assemble((f"{value:,}".replace(",", "."), "bold"), "\n", self.label))
        self.set_class(alert and value > 0, "-alert")


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


class ProcedurePicker(Vertical):
    """A filter box over the catalogue: type a code or words of the name ("khai sinh"), Enter picks."""

    BINDINGS = [
        Binding("down", "move(1)", "key.down", id="picker.down", show=False),
        Binding("up", "move(-1)", "key.up", id="picker.up", show=False),
        Binding("pagedown", "move(8)", "key.page_down", id="picker.page_down", show=False),
        Binding("pageup", "move(-8)", "key.page_up", id="picker.page_up", show=False),
    ]

    class Chosen(Message):
        """The clerk picked a procedure."""

        def __init__(self, procedure: Procedure) -> None:
            super().__init__()
            self.procedure = procedure

    def __init__(self, procedures: list[Procedure], *, id: str) -> None:
        super().__init__(id=id)
        self.procedures = procedures
        self.shown: list[Procedure] = list(procedures)
        self.chosen: Procedure | None = None

    def compose(self):
        t = self.app.t
        yield Input(placeholder=t("intake.filter_placeholder"), id="procedure-filter", compact=True)
        yield OptionList(id="procedure-list", compact=True)
        yield Static(id="procedure-chosen", markup=False)
        yield Static(id="procedure-problem", classes="problem", markup=False)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#procedure-filter", Input)

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#procedure-list", OptionList)

    def on_mount(self) -> None:
        self.option_list.can_focus = False
        self._show(self.procedures)
        self._show_chosen()

    def _show(self, procedures: list[Procedure]) -> None:
        t = self.app.t
        self.shown = procedures
        options = self.option_list
        options.clear_options()
        options.add_options(
            Option(
                Content.assemble((p.code, "bold"), "  ", p.name, ("  · " + processing(t, p.processing), "dim")),
                id=p.code,
            )
            for p in procedures
        )
        if procedures:
            options.highlighted = 0
        if not procedures:
            options.add_option(Option(t("intake.no_procedure"), disabled=True))

    @on(Input.Changed, "#procedure-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.set_class(False, "-chosen")
        self._show(filter_procedures(self.procedures, event.value))

    @on(Input.Submitted, "#procedure-filter")
    def _submit(self, event: Input.Submitted) -> None:
        if not self.shown:
            return  # nothing to pick (a scanned card line, say): the screen has a look
        event.stop()
        index = self.option_list.highlighted
        if index is not None and index < len(self.shown):
            self.choose(self.shown[index])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.shown):
            self.choose(self.shown[event.option_index])

    def action_move(self, step: int) -> None:
        self.set_class(False, "-chosen")
        options = self.option_list
        if not self.shown:
            return
        current = options.highlighted if options.highlighted is not None else 0
        options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    def choose(self, procedure: Procedure | None) -> None:
        self.chosen = procedure
        self.show_problem("")
        self._show_chosen()
        if procedure is not None:
            self.post_message(self.Chosen(procedure))

    def _show_chosen(self) -> None:
        t = self.app.t
        chosen = self.query_one("#procedure-chosen", Static)
        if self.chosen is None:
            chosen.update(t("intake.none_chosen"))
        else:
            chosen.update(
                Content.assemble(
                    ("✓ ", "bold"), (self.chosen.code, "bold"), "  ", self.chosen.name,
                    ("  · " + processing(t, self.chosen.processing), "dim"),
                )
            )
        self.set_class(self.chosen is not None, "-chosen")

    def show_problem(self, text: str) -> None:
        problem = self.query_one("#procedure-problem", Static)
        problem.update(text)
        problem.set_class(bool(text), "-shown")

    def reset(self) -> None:
        self.chosen = None
        self.filter_input.value = ""
        self._show(self.procedures)
        self.show_problem("")
        self._show_chosen()

    def on_descendant_focus(self) -> None:
        # back in the filter box: show the list again to pick another procedure
        self.set_class(False, "-chosen")

    def on_descendant_blur(self) -> None:
        self.set_class(self.chosen is not None, "-chosen")


@dataclass
class ChecklistLine:
    """One component as the clerk marks it at the counter."""

    spec: ComponentSpec
    received: bool
    quantity: int
    form: Form


class ComponentChecklist(DataTable):
    """The procedure's components: Space toggles received, +/- the quantity, F the form."""

    BINDINGS = [
        Binding("space", "toggle", "key.toggle", id="checklist.toggle"),
        Binding("plus,equals_sign", "quantity(1)", "key.more", id="checklist.more"),
        Binding("minus", "quantity(-1)", "key.less", id="checklist.less"),
        Binding("f", "next_form", "key.form", id="checklist.form"),
    ]

    class Changed(Message):
        """The checklist was marked differently."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, classes="checklist")
        self.lines: list[ChecklistLine] = []
        self._width = 0

    def on_mount(self) -> None:
        self._columns()

    def load(self, procedure: Procedure | None) -> None:
        """The components of ``procedure``: required ones received, optional ones not (yet)."""
        self.lines = [
            ChecklistLine(spec, received=spec.required, quantity=spec.quantity, form=spec.form)
            for spec in (procedure.components if procedure else ())
        ]
        self._fill()
        if self.lines:
            self.move_cursor(row=0)

    def _columns(self) -> None:
        t = self.app.t
        width = max(self.size.width, 40)
        self._width = width
        self.clear(columns=True)
        form_width = 18 if width >= 70 else 9
        self.add_column(t("col.received_mark"), width=3, key="received")
        self.add_column(t("col.component"), width=max(12, width - form_width - 4 - 2 * 4 - 2 - 3), key="name")
        self.add_column(t("col.form"), width=form_width, key="form")
        self.add_column(t("col.quantity"), width=4, key="quantity")

    def on_resize(self) -> None:
        if abs(self.size.width - self._width) >= 2:
            row = self.cursor_row
            self._columns()
            self._fill()
            if self.lines:
                self.move_cursor(row=min(row, len(self.lines) - 1))

    def _cells(self, line: ChecklistLine) -> tuple[Text, Text, Text, Text]:
        t = self.app.t
        widths = {c.key.value: c.width for c in self.columns.values()}
        return (
            Text("☑" if line.received else "☐", style="bold" if line.received else "dim"),
            Text(clip(line.spec.name, widths["name"]), style="" if line.received else "dim"),
            Text(clip(t(f"form.{line.form.value}"), widths["form"])),
            Text(str(line.quantity), justify="right"),
        )

    def _fill(self) -> None:
        self.clear()
        for line in self.lines:
            self.add_row(*self._cells(line), key=line.spec.code)

    def _refresh_row(self, index: int) -> None:
        line = self.lines[index]
        for key, cell in zip(("received", "name", "form", "quantity"), self._cells(line), strict=True):
            self.update_cell(line.spec.code, key, cell)
        self.post_message(self.Changed())

    def _current(self) -> int | None:
        return self.cursor_row if self.lines and 0 <= self.cursor_row < len(self.lines) else None

    def action_toggle(self) -> None:
        if (i := self._current()) is not None:
            self.lines[i].received = not self.lines[i].received
            self._refresh_row(i)

    def action_quantity(self, step: int) -> None:
        if (i := self._current()) is not None:
            self.lines[i].quantity = max(1, min(999, self.lines[i].quantity + step))
            self._refresh_row(i)

    def action_next_form(self) -> None:
        if (i := self._current()) is not None:
            line = self.lines[i]
            line.form = FORMS[(FORMS.index(line.form) + 1) % len(FORMS)]
            self._refresh_row(i)

    def highlighted_line(self) -> ChecklistLine | None:
        i = self._current()
        return self.lines[i] if i is not None else None



class IndicatorBar(Static):
    """A rate drawn as a bar across the widget, its target marked with ┃.

    The colour comes from the CSS classes the reports screen sets: ``-meets``,
    ``-misses`` (against the target), ``-no-target`` and ``-none`` (no value).
    """

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, classes="indicator-bar")
        self.value: float | None = None
        self.target: float | None = None

    def show(self, value: float | None, target: float | None) -> None:
        self.value = value
        self.target = target
        self.refresh()

    def render(self) -> Text:
        width = max(self.size.width, 1)
        filled = 0 if self.value is None else round(max(0.0, min(1.0, self.value)) * width)
        mark = None if self.target is None else min(width - 1, round(self.target * width))
        text = Text()
        for start, end, cell, style in ((0, filled, "█", ""), (filled, width, "░", "dim")):
            if mark is not None and start <= mark < end:
                # the target's mark: reversed inside the bar, so that it shows on the filled part
                text.append(cell * (mark - start), style)
                text.append("┃", "bold reverse" if cell == "█" else "bold")
                text.append(cell * (end - mark - 1), style)
            else:
                text.append(cell * (end - start), style)
        return text
