"""Pages and copies at intake, shown only for a procedure whose fee is counted per page or per copy.

The amount due is counted by the core (``desk.rules.fees``) as the clerk types, and shown beside them;
what the core refuses (no page, say) is shown there too.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from desk.errors import InvalidInput
from desk.models import Procedure, TariffPer
from desk.rules.fees import fee_due
from screens.widgets.field import Field


def _number(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.lstrip("-").isdigit() else None


def money(amount: int) -> str:
    """ "28.000 đ"."""
    return f"{amount:,}".replace(",", ".") + " đ"


class FeeCount(Vertical):
    """``Số trang`` (page tariffs) and ``Số bản``, and the amount due they give."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.procedure: Procedure | None = None

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        with Horizontal(classes="field-row", id="fee-pages-row"):
            yield Label(t("field.pages"), classes="field-label")
            yield Field(id="fee-pages", type="integer", compact=True, placeholder=t("placeholder.pages"))
        with Horizontal(classes="field-row"):
            yield Label(t("field.copies"), classes="field-label")
            yield Field(id="fee-copies", type="integer", compact=True, placeholder="1")
        yield Static(id="fee-due", markup=False)

    def load(self, procedure: Procedure | None) -> None:
        """Shown, empty, for a procedure with a tariff; hidden otherwise."""
        self.procedure = procedure
        tariff = procedure.tariff if procedure is not None else None
        self.display = tariff is not None
        self.query_one("#fee-pages-row").display = tariff is not None and tariff.per is TariffPer.PAGE
        with self.prevent(Input.Changed):
            self.query_one("#fee-pages", Input).value = ""
            self.query_one("#fee-copies", Input).value = ""
        self.query_one("#fee-due", Static).update("")

    def counts(self) -> tuple[int | None, int | None]:
        """(pages, copies) as typed; None for a box left empty (or hidden)."""
        if self.procedure is None or self.procedure.tariff is None:
            return None, None
        pages = _number(self.query_one("#fee-pages", Input).value)
        copies = _number(self.query_one("#fee-copies", Input).value)
        if self.procedure.tariff.per is TariffPer.COPY:
            pages = None
        return pages, copies

    @on(Input.Changed, "#fee-pages, #fee-copies")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.show_due()

    def show_due(self) -> None:
        label = self.query_one("#fee-due", Static)
        pages, copies = self.counts()
        if self.procedure is None or self.procedure.tariff is None or (pages is None and copies is None):
            label.update("")
            return
        t = self.app.t  # type: ignore[attr-defined]
        try:
            due = fee_due(self.procedure.tariff, pages=pages or 0, copies=1 if copies is None else copies)
        except InvalidInput as exc:
            label.update(t.problem(exc.problem))
            label.set_class(True, "-error")
            return
        label.set_class(False, "-error")
        label.update(t("intake.fee_due", amount=money(due.amount)) + (t("intake.fee_capped") if due.capped else ""))
