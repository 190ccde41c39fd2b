"""One dossier: header, applicant, component lines, the event timeline, and actions on keys.

Actions are rows of ``DOSSIER_ACTIONS``: a key, a binding id (which names the
footer label ``key.<id>`` and the palette command ``cmd.<id>``) and, for the
lifecycle moves, the core action name that ``desk.lifecycle.available_actions``
must allow. A new action is a row here and an ``action_<name>`` method.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Label, Static

from desk import clock, dossiers
from desk.errors import NotFound
from desk.models import Dossier
from desk.receipt_qr import ReceiptVerdict, Verdict
from screens.base import DeskScreen
from screens.format import clip, day, event_label, when
from screens.receipt import ReceiptPreview


@dataclass(frozen=True)
class DossierAction:
    """An action the dossier view offers on a key."""

    key: str
    id: str
    """Binding id; ``key.<id>`` is its footer label, ``cmd.<id>`` its palette command."""
    method: str
    """The screen's ``action_<method>``."""
    lifecycle: str = ""
    """The core's action name (``desk.status``) when it is a lifecycle move; offered only when allowed."""


DOSSIER_ACTIONS: list[DossierAction] = [
    DossierAction("p", "dossier.print_receipt", "print_receipt"),
    # the lifecycle moves (transfer, supplement, resume, result, return, refuse,
    # withdraw, stop) and the digitisation checklist slot in here
]

VERDICT_CLASSES = {
    Verdict.GENUINE: "-genuine",
    Verdict.ALTERED: "-altered",
    Verdict.FORGED: "-forged",
    Verdict.UNKNOWN: "-forged",
}


class DossierScreen(DeskScreen):
    """Pushed over today or search; Esc goes back."""

    BINDINGS = [
        *(Binding(a.key, a.method, f"key.{a.id}", id=a.id) for a in DOSSIER_ACTIONS),
        Binding("escape", "app.pop_screen", "key.back", id="dossier.back"),
    ]

    def __init__(self, code: str, verdict: ReceiptVerdict | None = None) -> None:
        super().__init__()
        self.code = code
        self.verdict = verdict
        self.dossier: Dossier | None = None
        self._width: int | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        with VerticalScroll(id="dossier"):
            with Horizontal(id="dossier-head"):
                yield Static(id="dossier-title", markup=False)
                yield Static(id="dossier-badge", markup=False)
            yield Static(id="dossier-verdict", markup=False)
            with Horizontal(id="dossier-facts"):
                yield Static(id="dossier-status", markup=False)
                yield Static(id="dossier-applicant", markup=False)
            yield Label(t("dossier.components"), classes="section")
            yield DataTable(id="dossier-components", cursor_type="row", zebra_stripes=True)
            yield Label(t("dossier.timeline"), classes="section")
            yield DataTable(id="dossier-timeline", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        t = self.t
        self._columns()
        self.load()

    def _columns(self) -> None:
        """Column widths from the terminal's width: long component names are cut, never scrolled."""
        t = self.t
        width = self.app.size.width
        self._width = width
        narrow = width < 100
        form, digitisation = (10, 12) if narrow else (18, 20)
        components = self.query_one("#dossier-components", DataTable)
        components.clear(columns=True)
        components.add_column(t("col.received_mark"), width=3, key="received")
        name = max(16, width - (3 + form + 4 + digitisation) - 2 * 5 - 6)
        components.add_column(t("col.component"), width=name, key="name")
        components.add_column(t("col.form"), width=form, key="form")
        components.add_column(t("col.quantity"), width=4, key="quantity")
        components.add_column(t("col.digitisation"), width=digitisation, key="digitisation")
        timeline = self.query_one("#dossier-timeline", DataTable)
        timeline.clear(columns=True)
        clerk = 16 if narrow else 24
        timeline.add_column(t("col.at"), width=16, key="at")
        timeline.add_column(t("col.event"), width=max(16, width - 16 - clerk - 2 * 3 - 6), key="event")
        timeline.add_column(t("col.clerk"), width=clerk, key="clerk")

    def on_resize(self) -> None:
        if self._width not in (None, self.app.size.width):
            self._columns()
            self._show()

    def on_screen_resume(self) -> None:
        if self.dossier is not None:
            self.load()

    def load(self) -> None:
        """Read the dossier and its events again (cheap: one dossier, its lines, its events)."""
        try:
            self.dossier = dossiers.get(self.app.desk, self.code)
        except NotFound:
            self.dossier = None
        self._show()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        methods = {a.method: a for a in DOSSIER_ACTIONS}
        if action in methods and self.dossier is None:
            return False
        return True

    # showing ----------------------------------------------------------------------

    def _show(self) -> None:
        t = self.t
        d = self.dossier
        title = self.query_one("#dossier-title", Static)
        badge = self.query_one("#dossier-badge", Static)
        if d is None:
            title.update(t("dossier.missing", code=self.code))
            badge.set_class(False, "-shown")
            self._show_verdict()
            return
        now = clock.now()
        title.update(
            Content.assemble((d.code, "bold"), "\n", (d.procedure_code, "bold"), " ", d.procedure_name)
        )
        overdue = dossiers.is_overdue(d, now)
        badge.update(t("overdue.badge") if overdue else t(f"status.{d.status.value}"))
        badge.set_class(True, "-shown")
        badge.set_class(overdue, "-overdue")
        self._show_verdict()

        a = d.applicant
        status_lines = [
            (t("dossier.status"), t(f"status.{d.status.value}")),
            (t("dossier.received_at"), when(t, d.received_at)),
            (t("dossier.due_at"), when(t, d.due_at)),
            (t("dossier.register"), t("receipt.register_line", book=d.register_book, line=d.register_line)),
            (t("dossier.clerk"), d.clerk or t("none")),
        ]
        if d.paused_at:
            status_lines.append((t("dossier.paused_at"), when(t, d.paused_at)))
        applicant_lines = [
            (t("field.name"), a.name),
            (t("field.id_number"), a.id_number or t("none")),
            (t("field.birth_date"), day(t, a.birth_date)),
            (t("field.sex"), a.sex or t("none")),
            (t("field.phone"), a.phone or t("none")),
            (t("field.address"), a.address or t("none")),
        ]
        if a.email:
            applicant_lines.insert(5, (t("field.email"), a.email))
        self.query_one("#dossier-status", Static).update(self._facts(status_lines))
        self.query_one("#dossier-applicant", Static).update(self._facts(applicant_lines))

        components = self.query_one("#dossier-components", DataTable)
        components.clear()
        widths = {c.key.value: c.width for c in components.columns.values()}
        for c in d.components:
            components.add_row(
                Text("☑" if c.received else "☐"),
                Text(clip(c.name, widths["name"])),
                Text(clip(t(f"form.{c.form.value}"), widths["form"])),
                Text(str(c.quantity), justify="right"),
                Text(clip(t(f"digit.{c.digitisation.value}"), widths["digitisation"])),
                key=c.code,
            )
        timeline = self.query_one("#dossier-timeline", DataTable)
        timeline.clear()
        for e in dossiers.timeline(self.app.desk, d.code):
            timeline.add_row(
                Text(when(t, e.at)), Text(event_label(t, e.type)), Text(e.clerk or t("none")), key=str(e.event_id)
            )

    @staticmethod
    def _facts(lines: list[tuple[str, str]]) -> Content:
        width = max(len(label) for label, _ in lines)
        parts: list = []
        for i, (label, value) in enumerate(lines):
            if i:
                parts.append("\n")
            parts += [(label.ljust(width), "dim"), "  ", value]
        return Content.assemble(*parts)

    def _show_verdict(self) -> None:
        banner = self.query_one("#dossier-verdict", Static)
        v = self.verdict
        for cls in set(VERDICT_CLASSES.values()):
            banner.set_class(False, cls)
        banner.set_class(v is not None, "-shown")
        if v is None:
            return
        banner.set_class(True, VERDICT_CLASSES.get(v.verdict, "-forged"))
        banner.update(verdict_message(self.t, v))

    # actions ----------------------------------------------------------------------

    def action_print_receipt(self) -> None:
        if self.dossier is not None:
            self.app.push_screen(ReceiptPreview(self.dossier), lambda _printed: self.load())


def verdict_message(t, v: ReceiptVerdict) -> str:
    """What a scanned receipt turned out to be, in the clerk's language."""
    if v.verdict is Verdict.ALTERED:
        fields = ", ".join(t(f"qrfield.{name}") for name in v.mismatched)
        return t("verdict.altered", code=v.code, fields=fields)
    return t(f"verdict.{v.verdict.value}", code=v.code)
