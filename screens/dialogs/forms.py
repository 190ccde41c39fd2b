"""Dialogs that collect what an action needs before the core is called.

The supplement request (what is missing), returning a result (who collected
it, how satisfied they are), the apology letter (how many more working days,
why) and reuse of a component (from which data store or dossier). Each is a
``ModalScreen`` that answers with a small dataclass, or None when Esc
cancelled it (asking first when something typed would be lost); Ctrl+S confirms. The core checks the answer again: what it
refuses comes back as an error dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from desk.errors import InvalidInput
from desk.models import Dossier
from desk.rules.vocabulary import REUSE_SOURCES, SATISFACTION
from screens.base import DeskModal
from screens.format import clip, due_long
from screens.widgets.field import Field
from screens.widgets.footer import DeskFooter

SATISFACTION_KEYS: dict[str, str] = {
    "": "satisfaction.none",
    SATISFACTION[0]: "satisfaction.very_satisfied",
    SATISFACTION[1]: "satisfaction.satisfied",
    SATISFACTION[2]: "satisfaction.dissatisfied",
}
"""The answers of the satisfaction question (the core's words) and their catalogue keys; "" is no answer."""

DEFAULT_EXTENSION_DAYS = 5
"""Working days the apology letter proposes unless the clerk types another number."""


class FormDialog(DeskModal):
    """A dialog with fields: Ctrl+S confirms, Esc answers None, a problem line under the fields."""

    def _problem(self, text: str) -> None:
        problem = self.query_one(".form-problem", Static)
        problem.update(text)
        problem.set_class(bool(text), "-shown")
        if text:
            self.app.bell()

    def action_cancel(self) -> None:
        self.cancel_asking()

    def action_submit(self) -> None:
        raise NotImplementedError


def field_row(label: str, field: Input) -> Horizontal:
    return Horizontal(Label(label, classes="field-label"), field, classes="field-row")


# --- supplement -----------------------------------------------------------------------


@dataclass(frozen=True)
class SupplementAnswer:
    missing: list[tuple[str, str]]
    """(component code, reason) of each paper asked for, in the dossier's order."""
    note: str
    """Anything else the citizen must bring or know (printed on Mẫu 02)."""


class SupplementDialog(FormDialog):
    """Which papers are missing (Space ticks), why, and a note."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "key.confirm", id="supplement.confirm"),
        Binding("escape", "cancel", "key.cancel", id="supplement.cancel"),
    ]

    def __init__(self, dossier: Dossier) -> None:
        super().__init__(classes="dialog-screen")
        self.dossier = dossier

    def compose(self) -> ComposeResult:
        t = self.t
        width = min(70, self.app.size.width - 16)
        with Vertical(id="supplement-dialog", classes="dialog form-dialog"):
            yield Label(t("supplement.title", code=self.dossier.code), classes="dialog-title")
            yield Static(t("supplement.pick"), classes="form-prompt", markup=False)
            yield SelectionList[str](
                *((clip(c.name, width), c.code) for c in self.dossier.components), id="supplement-missing"
            )
            yield field_row(
                t("supplement.reason"),
                Field(placeholder=t("supplement.reason_placeholder"), id="supplement-reason", compact=True),
            )
            yield field_row(
                t("supplement.note"),
                Field(placeholder=t("supplement.note_placeholder"), id="supplement-note", compact=True),
            )
            yield Static(classes="problem form-problem", markup=False)
        yield DeskFooter(compact=True)

    @property
    def missing_list(self) -> SelectionList[str]:
        return self.query_one("#supplement-missing", SelectionList)

    def on_mount(self) -> None:
        self.missing_list.focus()

    @on(Input.Submitted, "#supplement-reason")
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#supplement-note", Input).focus()

    @on(Input.Submitted, "#supplement-note")
    def _done(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        ticked = set(self.missing_list.selected)
        reason = self.query_one("#supplement-reason", Input).value.strip()
        note = self.query_one("#supplement-note", Input).value.strip()
        if not ticked and not note:
            self._problem(self.t("supplement.nothing"))
            self.missing_list.focus()
            return
        missing = [(c.code, reason) for c in self.dossier.components if c.code in ticked]
        self.dismiss(SupplementAnswer(missing, note))


# --- returning the result -----------------------------------------------------------------


@dataclass(frozen=True)
class ReturnAnswer:
    collected_by: str
    """Who collected the result; empty for the applicant."""
    satisfaction: str
    """One of ``desk.rules.vocabulary.SATISFACTION``, or empty when the citizen did not answer."""


class ReturnDialog(FormDialog):
    """Who collected the result and the citizen's answer to "how satisfied are you?"."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "key.confirm", id="return.confirm"),
        Binding("escape", "cancel", "key.cancel", id="return.cancel"),
    ]

    def __init__(self, dossier: Dossier) -> None:
        super().__init__(classes="dialog-screen")
        self.dossier = dossier
        self.answers = list(SATISFACTION_KEYS)

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(id="return-dialog", classes="dialog form-dialog"):
            yield Label(t("return.title", code=self.dossier.code), classes="dialog-title")
            yield field_row(
                t("return.collected_by"),
                Field(placeholder=self.dossier.applicant.name, id="return-collected-by", compact=True),
            )
            yield Static(t("return.satisfaction"), classes="form-prompt", markup=False)
            yield OptionList(*(Option(t(SATISFACTION_KEYS[a])) for a in self.answers), id="return-satisfaction")
            yield Static(classes="problem form-problem", markup=False)
            yield Static(t("return.hint"), classes="dialog-hint", markup=False)
        yield DeskFooter(compact=True)

    @property
    def satisfaction_list(self) -> OptionList:
        return self.query_one("#return-satisfaction", OptionList)

    def on_mount(self) -> None:
        # most often the applicant collects it: the question to ask is how satisfied they are
        self.satisfaction_list.highlighted = 0
        self.satisfaction_list.focus()

    @on(Input.Submitted, "#return-collected-by")
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.satisfaction_list.focus()

    @on(OptionList.OptionSelected, "#return-satisfaction")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        index = self.satisfaction_list.highlighted or 0
        who = self.query_one("#return-collected-by", Input).value.strip()
        self.dismiss(ReturnAnswer(who, self.answers[index]))


# --- the apology letter (Mẫu 04) ------------------------------------------------------------


@dataclass(frozen=True)
class ApologyAnswer:
    days: int
    reason: str
    """Why the dossier is late (printed on the letter)."""
    new_due: datetime
    """The new appointment the letter proposes."""


class ApologyDialog(FormDialog):
    """How many more working days, and why: the new date is shown as the days are typed."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "key.confirm", id="apology.confirm"),
        Binding("escape", "cancel", "key.cancel", id="apology.cancel"),
    ]

    def __init__(self, dossier: Dossier, propose: Callable[[int], datetime]) -> None:
        super().__init__(classes="dialog-screen")
        self.dossier = dossier
        self.propose = propose
        """``desk.dossier.lifecycle.propose_new_due`` for this dossier: working days -> new date."""

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(id="apology-dialog", classes="dialog form-dialog"):
            yield Label(t("apology.title", code=self.dossier.code), classes="dialog-title")
            yield field_row(
                t("apology.days"),
                Field(
                    value=str(DEFAULT_EXTENSION_DAYS), restrict=r"[0-9]*", max_length=3, id="apology-days", compact=True
                ),
            )
            yield field_row(
                t("apology.reason"),
                Field(placeholder=t("apology.reason_placeholder"), id="apology-reason", compact=True),
            )
            yield Static(id="apology-due", markup=False)
            yield Static(classes="problem form-problem", markup=False)
        yield DeskFooter(compact=True)

    @property
    def days_input(self) -> Input:
        return self.query_one("#apology-days", Input)

    @property
    def reason_input(self) -> Input:
        return self.query_one("#apology-reason", Input)

    def on_mount(self) -> None:
        self._show_due()
        self.reason_input.focus()

    def _new_due(self) -> datetime | None:
        try:
            return self.propose(int(self.days_input.value or "0"))
        except (ValueError, InvalidInput):
            return None

    @on(Input.Changed, "#apology-days")
    def _show_due(self) -> None:
        due = self._new_due()
        label = self.query_one("#apology-due", Static)
        label.update(self.t("apology.new_due", due=due_long(self.t, due)) if due else self.t("apology.bad_days"))
        label.set_class(due is None, "-error")

    @on(Input.Submitted, "#apology-days")
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.reason_input.focus()

    @on(Input.Submitted, "#apology-reason")
    def _done(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        due = self._new_due()
        if due is None:
            self._problem(self.t("apology.bad_days"))
            self.days_input.focus()
            return
        reason = self.reason_input.value.strip()
        if not reason:
            self._problem(self.t("apology.no_reason"))
            self.reason_input.focus()
            return
        self.dismiss(ApologyAnswer(int(self.days_input.value), reason, due))


# --- reuse of a component ------------------------------------------------------------------


class ReuseDialog(FormDialog):
    """Reused from which data store (Enter on the list), or from which other dossier (its code)."""

    BINDINGS = [
        Binding("escape", "cancel", "key.cancel", id="reuse.cancel"),
    ]

    def __init__(self, component: str) -> None:
        super().__init__(classes="dialog-screen")
        self.component = component

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(id="reuse-dialog", classes="dialog form-dialog"):
            yield Label(t("reuse.title"), classes="dialog-title")
            yield Static(self.component, classes="form-prompt", markup=False)
            yield Static(t("reuse.store"), classes="form-prompt", markup=False)
            yield OptionList(*(Option(source) for source in REUSE_SOURCES), id="reuse-sources")
            yield field_row(
                t("reuse.dossier"), Field(placeholder=t("reuse.dossier_placeholder"), id="reuse-dossier", compact=True)
            )
            yield Static(classes="problem form-problem", markup=False)
            yield Static(t("reuse.hint"), classes="dialog-hint", markup=False)
        yield DeskFooter(compact=True)

    def on_mount(self) -> None:
        sources = self.query_one("#reuse-sources", OptionList)
        sources.highlighted = 0
        sources.focus()

    @on(OptionList.OptionSelected, "#reuse-sources")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(REUSE_SOURCES[event.option_index])

    @on(Input.Submitted, "#reuse-dossier")
    def _code(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        code = self.query_one("#reuse-dossier", Input).value.strip()
        if not code:
            self._problem(self.t("reuse.no_code"))
            return
        self.dismiss(code)
