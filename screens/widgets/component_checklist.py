"""The component checklist of an intake: what the citizen handed in, how many copies, in which form."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from desk.models import ComponentSpec, Form, Procedure
from screens.format import clip

FORMS = list(Form)


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
