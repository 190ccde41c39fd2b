"""The procedure picker of an intake: a filter box over the catalogue, by code or folded name."""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from desk.catalog.store import filter_procedures
from desk.models import Procedure
from screens.format import processing
from screens.widgets.field import Choices, Field


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
        yield Field(placeholder=t("intake.filter_placeholder"), id="procedure-filter", compact=True)
        yield Choices(id="procedure-list", compact=True)
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
                    ("✓ ", "bold"),
                    (self.chosen.code, "bold"),
                    "  ",
                    self.chosen.name,
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
