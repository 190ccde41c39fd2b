"""Tiếp nhận (F2): a citizen at the counter, a queue waiting.

Pick the procedure, scan the chip ID card (into the scan field or any applicant
field), tick what was handed in, Ctrl+S. The dossier is written by
``desk.dossier.intake.receive`` in a worker; the receipt preview follows.
"""

from __future__ import annotations

import re

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Label, Select, Static
from textual.worker import Worker

from desk import clock
from desk.catalog.store import list_procedures
from desk.dossier import intake
from desk.dossier.intake import ApplicantInput, IntakeRequest
from desk.errors import InvalidInput
from desk.models import ApplicantKind, Channel, Procedure
from desk.rules.chipqr import looks_like_chip_qr
from desk.rules.idnumbers import check_id_number
from desk.rules.problems import Problem
from screens import printjob
from screens.base import DeskScreen
from screens.dialogs.basic import ConfirmDialog
from screens.dialogs.previews import ReceiptPreview
from screens.format import due_long
from screens.messages import DossierSaved, GuidancePrinted
from screens.widgets.applicant_form import APPLICANT_FIELDS, SCANNED_FIELDS, ApplicantForm
from screens.widgets.component_checklist import ComponentChecklist
from screens.widgets.fee_count import FeeCount
from screens.widgets.footer import DeskFooter
from screens.widgets.procedure_picker import ProcedurePicker

CHANNELS = (Channel.COUNTER, Channel.VNEID, Channel.ONLINE, Channel.POST)
"""How a dossier may come in, counter first; VNeID is a receiving channel since NĐ 367/2025."""

# where a chip card line starts inside whatever the field held before the scan
CHIP_START = re.compile(r"[0-9]{12}\s*\|")

SCAN_SETTLE = 0.3
"""Seconds without a keystroke after which a scanner without an Enter suffix is done typing."""

DUE_REFRESH = 30.0
"""Seconds between recomputations of the appointment (the clock moves; the cut-off passes)."""


class IntakeScreen(DeskScreen):
    """The intake form. Esc goes back to today and keeps what was typed."""

    TYPING_TARGET = "#procedure-filter"
    AUTO_FOCUS = "#procedure-filter"

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="intake.save"),
        Binding("f8", "clear", "key.clear", id="intake.clear"),
        Binding("escape", "app.switch_mode('today')", "key.back", id="intake.back"),
        # priority: the focus moves as the key arrives. A plain Tab goes through the focused field's queue,
        # and the keys a fast clerk types right after it (a tax code after the name) reached that field first
        Binding("tab", "app.focus_next", "key.next_field", id="intake.next_field", show=False, priority=True),
        Binding(
            "shift+tab",
            "app.focus_previous",
            "key.previous_field",
            id="intake.previous_field",
            show=False,
            priority=True,
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.procedure: Procedure | None = None
        self.saving = False
        self.touched: set[str] = set()
        self._scan_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        with VerticalScroll(id="intake"):
            with Horizontal(id="intake-columns"):
                with Vertical(id="intake-left"):
                    yield Label(t("intake.procedure"), classes="section")
                    yield ProcedurePicker(list_procedures(self.app.desk), id="picker")
                    yield Label(t("intake.components"), classes="section")
                    yield ComponentChecklist(id="checklist")
                    yield Static(id="component-detail", markup=False)
                    yield FeeCount(id="fee-count")
                with Vertical(id="intake-right"):
                    yield Label(t("intake.applicant"), classes="section")
                    yield ApplicantForm(id="applicant")
                    with Horizontal(classes="field-row", id="channel-row"):
                        yield Label(t("intake.channel"), classes="field-label")
                        yield Select(
                            [(t(f"channel.{c.value}"), c) for c in CHANNELS],
                            value=Channel.COUNTER,
                            allow_blank=False,
                            compact=True,
                            id="channel",
                        )
        yield Static(id="due", markup=False)
        yield Static(id="due-warning", markup=False)  # days the notices have not confirmed yet
        yield DeskFooter(compact=True)

    # typed accessors -------------------------------------------------------------

    @property
    def picker(self) -> ProcedurePicker:
        return self.query_one("#picker", ProcedurePicker)

    @property
    def checklist(self) -> ComponentChecklist:
        return self.query_one("#checklist", ComponentChecklist)

    @property
    def form(self) -> ApplicantForm:
        return self.query_one("#applicant", ApplicantForm)

    @property
    def due_label(self) -> Static:
        return self.query_one("#due", Static)

    # life cycle ------------------------------------------------------------------

    def on_mount(self) -> None:
        self.show_due()
        self.set_interval(DUE_REFRESH, self.show_due)
        # the form scrolls as the focus moves; the scroll container itself is no stop for Tab
        self.query_one("#intake", VerticalScroll).can_focus = False

    def on_screen_resume(self) -> None:
        self.show_due()

    @property
    def dirty(self) -> bool:
        """Has anything been typed or picked since the last save?"""
        return (
            self.procedure is not None
            or self.form.kind is not ApplicantKind.CITIZEN
            or any(self.form.field(n).value for n in APPLICANT_FIELDS)
        )

    def reset(self) -> None:
        """An empty form for the next citizen, the cursor in the procedure box."""
        self.procedure = None
        self.touched.clear()
        # emptied by the form, not typed by the clerk: no "required" messages
        with self.prevent(Input.Changed):
            self.picker.reset()
            self.form.scan_input.value = ""
            self.form.load(ApplicantInput())
        self.set_kind(ApplicantKind.CITIZEN)
        self.query_one("#channel", Select).value = Channel.COUNTER
        self.checklist.load(None)
        self._show_component_detail()  # an empty checklist highlights nothing: no stale description
        self.query_one("#fee-count", FeeCount).load(None)
        for name in (*APPLICANT_FIELDS, "scan"):
            self.form.show_problem(name, "")
        self.show_due()
        self.picker.filter_input.focus()

    # the procedure ---------------------------------------------------------------

    @on(ProcedurePicker.Chosen)
    def _procedure_chosen(self, event: ProcedurePicker.Chosen) -> None:
        self.procedure = event.procedure
        self.checklist.load(event.procedure)
        self.query_one("#fee-count", FeeCount).load(event.procedure)
        self.show_due()
        self._show_component_detail()
        self.validate()  # an ID number typed before: is a dossier of this procedure already open today?
        # the card comes next; with the applicant already scanned, the papers
        if self.form.field("name").value:
            self.checklist.focus()
        else:
            self.form.scan_input.focus()

    def show_due(self) -> None:
        t = self.t
        now = clock.now()
        day_off = intake.day_off_warnings(self.app.desk, now.date())  # an intake at an extended opening, say
        if self.procedure is None:
            self.due_label.update(t("intake.due_pending"))
            self._show_due_warnings(day_off)
            return
        due = intake.due_for(self.app.desk, self.procedure, now)
        self.due_label.update(t("intake.due", due=due_long(t, due)))
        self._show_due_warnings([*day_off, *self.app.desk.calendar.due_warnings(now, due)])

    def _show_due_warnings(self, warnings) -> None:
        label = self.query_one("#due-warning", Static)
        label.update("\n".join(self.t.problem(w) for w in warnings))
        label.set_class(bool(warnings), "-shown")

    @on(DataTable.RowHighlighted, "#checklist")
    @on(ComponentChecklist.Changed)
    def _show_component_detail(self) -> None:
        line = self.checklist.highlighted_line()
        detail = self.query_one("#component-detail", Static)
        if line is None:
            detail.update("")
        elif line.spec.required:
            detail.update(line.spec.name)
        else:
            detail.update(f"{line.spec.name} ({self.t('checklist.optional')})")

    # the applicant: its kind, live validation and the scanner -------------------------

    def set_kind(self, kind: ApplicantKind) -> None:
        """Choose the applicant's kind from the program (a reset, a chip card scanned)."""
        form = self.form
        if form.kind is not kind:
            with self.prevent(Select.Changed, Input.Changed):
                form.kind_select.value = kind
        with self.prevent(Input.Changed):
            form.show_kind()

    @on(Select.Changed, "#applicant-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        with self.prevent(Input.Changed):
            self.form.show_kind()
        self.validate()

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if CHIP_START.search(event.value):
            # a scanner is typing: wait until it stops (or sends Enter)
            if self._scan_timer is not None:
                self._scan_timer.stop()
            field = event.input
            self._scan_timer = self.set_timer(SCAN_SETTLE, lambda: self.take_scan(field))
            return
        name = (event.input.id or "").removeprefix("applicant-")
        if name in APPLICANT_FIELDS:
            self.touched.add(name)
            self.validate()
        elif name == "scan" and event.value:
            self.form.show_problem("scan", "")

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        if CHIP_START.search(event.value):
            event.stop()
            self.take_scan(event.input)
            return
        name = (event.input.id or "").removeprefix("applicant-")
        if name in (*APPLICANT_FIELDS, "scan"):
            event.stop()
            self.focus_next()

    def take_scan(self, field: Input) -> bool:
        """Fill the applicant from a chip card line typed into ``field``; True when it was one."""
        if self._scan_timer is not None:
            self._scan_timer.stop()
            self._scan_timer = None
        match = CHIP_START.search(field.value)
        if match is None:
            return False
        before, line = field.value[: match.start()], field.value[match.start() :]
        if not looks_like_chip_qr(line):
            return False
        try:
            applicant = intake.applicant_from_scan(line)
        except InvalidInput:
            field.value = before
            self.form.show_problem("scan", self.t("scan.invalid"))
            self.form.scan_input.focus()
            self.app.bell()
            return True
        field_name = (field.id or "").removeprefix("applicant-")
        if field_name not in SCANNED_FIELDS:
            # the scan or phone field, say, or the procedure box: give back what it held
            field.value = before
        self.set_kind(ApplicantKind.CITIZEN)  # a chip ID card is a citizen's
        with self.prevent(Input.Changed):
            self.form.load(applicant, only=SCANNED_FIELDS)
        self.touched.update(SCANNED_FIELDS)
        self.validate()
        self.form.show_problem("scan", self.t("scan.read", name=applicant.name), tone="success")
        if self.procedure is not None:
            self.checklist.focus()
        else:
            self.picker.filter_input.focus()
        return True

    def validate(self, *, every_field: bool = False) -> dict[str, Problem]:
        """Show the problems of the fields touched (all with ``every_field``); returns all problems."""
        raw = self.form.to_model()
        problems = intake.applicant_problems(raw, today=clock.now().date())
        for name in APPLICANT_FIELDS:
            shown = every_field or name in self.touched
            warnings = self._id_warnings(raw) if shown and name == "id_number" else ()
            if shown and name in problems:
                self.form.show_problem(name, self.t.problem(problems[name]))
            elif warnings:
                self.form.show_problem(name, " ".join(self.t.problem(w) for w in warnings), tone="warning")
            else:
                self.form.show_problem(name, "")
        return problems

    def _id_warnings(self, raw: ApplicantInput) -> tuple[Problem, ...]:
        """What the core says of an acceptable ID number: a dossier of the same procedure already open
        today (``intake.same_open_today``), a citizen's old 9-digit number."""
        if not raw.id_number.strip():
            return ()
        found: list[Problem] = []
        if self.procedure is not None:
            found += intake.same_open_as_typed(self.app.desk, self.procedure.code, raw, clock.now().date())
        if raw.kind is ApplicantKind.CITIZEN:
            try:
                found += check_id_number(raw.id_number).warnings
            except InvalidInput:
                pass
        return tuple(found)

    # saving ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save" and self.saving:
            return None  # shown dimmed while the dossier is being written
        return True

    def to_request(self) -> IntakeRequest:
        """What the form says, as the core's request."""
        assert self.procedure is not None
        lines = self.checklist.lines
        pages, copies = self.query_one("#fee-count", FeeCount).counts()
        return IntakeRequest(
            procedure_code=self.procedure.code,
            applicant=self.form.to_model(),
            not_received=frozenset(line.spec.code for line in lines if line.spec.required and not line.received),
            received=frozenset(line.spec.code for line in lines if not line.spec.required and line.received),
            quantities={line.spec.code: line.quantity for line in lines if line.quantity != line.spec.quantity},
            forms={line.spec.code: line.form for line in lines if line.form != line.spec.form},
            pages=pages,
            copies=copies,
            channel=self.query_one("#channel", Select).value,  # type: ignore[arg-type]  # allow_blank=False
        )

    def action_save(self) -> None:
        if self.saving:
            return
        if self.procedure is None:
            self.picker.show_problem(self.t("intake.pick_procedure"))
            self.picker.filter_input.focus()
            self.app.bell()
            return
        problems = self.validate(every_field=True)
        if problems:
            first = next(name for name in APPLICANT_FIELDS if name in problems)
            self.form.field(first).focus()
            self.app.bell()
            return
        missing = [line.spec for line in self.checklist.lines if line.spec.required and not line.received]
        if missing:
            self.offer_guidance(self.procedure, missing)
            return
        self.saving = True
        self.refresh_bindings()
        self.save_dossier(self.to_request())

    def offer_guidance(self, procedure: Procedure, missing: list) -> None:
        """A required box unticked: no receipt; offer Mẫu 02 (guidance) instead of taking the dossier in."""
        names = "; ".join(spec.name for spec in missing)

        def answered(yes: bool | None) -> None:
            if yes:
                self.saving = True
                self.refresh_bindings()
                name = self.form.to_model().name
                self.guidance_worker(procedure.code, [(spec.code, "") for spec in missing], name)

        self.app.push_screen(ConfirmDialog(self.t("intake.incomplete_guide", missing=names)), answered)

    @work(thread=True, exclusive=True, group="intake", exit_on_error=False)
    def guidance_worker(self, procedure_code: str, missing: list[tuple[str, str]], name: str) -> None:
        """Mẫu 02 printed and recorded (a guidance event of no dossier code) by the core."""
        with self.app.thread_desk() as desk:
            result = printjob.print_guidance(desk, procedure_code, missing, name, self.t.language)
        self.post_message(GuidancePrinted(result))

    @on(GuidancePrinted)
    def _guided(self, event: GuidancePrinted) -> None:
        self.saving = False
        self.refresh_bindings()
        result = event.result
        self.notify(
            f"{self.t('intake.guided')} {result.message}",
            severity="information" if result.ok else "warning",
            timeout=10,
        )
        self.reset()

    @work(thread=True, exclusive=True, group="intake", exit_on_error=False)
    def save_dossier(self, request: IntakeRequest) -> None:
        """One transaction in the core: the dossier, its component lines and its event."""
        with self.app.thread_desk() as desk:
            dossier, warnings = intake.receive(desk, request)
        self.post_message(DossierSaved(dossier, warnings))

    def work_failed(self, worker: Worker) -> None:
        self.saving = False
        self.refresh_bindings()

    @on(DossierSaved)
    def _saved(self, event: DossierSaved) -> None:
        self.saving = False
        self.refresh_bindings()
        self.notify(self.t("intake.saved", code=event.dossier.code), timeout=8)
        for warning in event.warnings:  # e.g. the PC's clock behind the last event: said now, not only in verify
            self.notify(self.t.problem(warning), severity="warning", timeout=15)
        if self.procedure is not None and self.procedure.immediate_result:
            # the result is handed over at once: no receipt (it can still be printed from the dossier view)
            self.notify(self.t("intake.no_receipt_needed"), timeout=8)
            self.reset()
            return
        self.app.push_screen(ReceiptPreview(event.dossier), self._receipt_done)

    def _receipt_done(self, printed: bool | None) -> None:
        self.reset()

    def action_clear(self) -> None:
        if not self.dirty:
            self.reset()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.reset()

        self.app.push_screen(ConfirmDialog(self.t("intake.confirm_clear")), answered)
