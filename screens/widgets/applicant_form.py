"""The applicant's part of the intake form (F2): kind, name, number, birth date, sex, contact.

Its fields carry their live messages under them; it converts to and from ``ApplicantInput``.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Label, Select, Static

from desk.dossier.intake import ApplicantInput
from desk.models import ApplicantKind
from screens.format import id_field, name_field
from screens.widgets.field import Field

APPLICANT_FIELDS = ("name", "id_number", "birth_date", "sex", "phone", "email", "address")
"""The applicant's fields, in the order of the form."""

SCANNED_FIELDS = ("name", "id_number", "birth_date", "sex", "address")
"""What a chip ID card's QR code fills."""

FORM_KINDS = (ApplicantKind.CITIZEN, ApplicantKind.BUSINESS, ApplicantKind.FOREIGNER)
"""The kinds the form offers: công dân / tổ chức, doanh nghiệp / người nước ngoài (the CLI takes every kind)."""

PERSON_FIELDS = ("birth_date", "sex")
"""What only a person has: hidden (and emptied) for an organisation."""

TONES = ("error", "warning", "success")


class ApplicantForm(Vertical):
    """The applicant's fields with their live messages; converts to and from ``ApplicantInput``."""

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Horizontal(classes="field-row scan-row"):
            yield Label(t("field.scan"), classes="field-label")
            yield Field(placeholder=t("scan.placeholder"), id="applicant-scan", compact=True)
        yield Static(id="applicant-scan-problem", classes="problem", markup=False)
        with Horizontal(classes="field-row", id="applicant-kind-row"):
            yield Label(t("field.kind"), classes="field-label")
            yield Select(
                [(t(f"kind.{kind.value}"), kind) for kind in FORM_KINDS],
                value=ApplicantKind.CITIZEN,
                allow_blank=False,
                compact=True,
                id="applicant-kind",
            )
        for name in APPLICANT_FIELDS:
            with Horizontal(classes="field-row", id=f"applicant-{name}-row"):
                yield Label(t(f"field.{name}"), classes="field-label", id=f"applicant-{name}-label")
                yield Field(placeholder=t(f"placeholder.{name}"), id=f"applicant-{name}", compact=True)
            yield Static(id=f"applicant-{name}-problem", classes="problem", markup=False)

    def field(self, name: str) -> Input:
        """The input of one applicant field ("name", "id_number", ..., or "scan")."""
        return self.query_one(f"#applicant-{name}", Input)

    @property
    def scan_input(self) -> Input:
        return self.field("scan")

    @property
    def kind_select(self) -> Select:
        return self.query_one("#applicant-kind", Select)

    @property
    def kind(self) -> ApplicantKind:
        """The applicant's kind as chosen (a citizen until the clerk picks another)."""
        value = self.kind_select.value
        return value if isinstance(value, ApplicantKind) else ApplicantKind.CITIZEN

    def show_kind(self) -> None:
        """Labels, hints and rows for the chosen kind: an organisation's name and tax code (no birth date,
        no sex), a foreigner's passport, a citizen's ID number."""
        t = self.app.t
        kind = self.kind
        for name, shown_as in (("name", name_field(kind)), ("id_number", id_field(kind))):
            self.query_one(f"#applicant-{name}-label", Label).update(t(f"field.{shown_as}"))
            self.field(name).placeholder = t(f"placeholder.{shown_as}")
        for name in PERSON_FIELDS:
            self.query_one(f"#applicant-{name}-row").display = not kind.is_organisation
            if kind.is_organisation:
                self.field(name).value = ""
                self.show_problem(name, "")

    def to_model(self) -> ApplicantInput:
        values = {name: self.field(name).value for name in APPLICANT_FIELDS}
        return ApplicantInput(**values, kind=self.kind)

    def load(self, applicant: ApplicantInput, *, only: tuple[str, ...] = APPLICANT_FIELDS) -> None:
        for name in only:
            value = getattr(applicant, name)
            if name == "birth_date" and value is not None and not isinstance(value, str):
                value = value.strftime("%d/%m/%Y")
            self.field(name).value = value or ""

    def show_problem(self, name: str, text: str, *, tone: str = "error") -> None:
        """A message under a field: "error" (the field is marked), "warning" or "success"."""
        problem = self.query_one(f"#applicant-{name}-problem", Static)
        shown = problem.content
        if shown != text:  # each keystroke validates every field: the same words are not laid out again
            # nor the screen, for other words as high as the ones shown ("… has 3 digits", "… has 4 digits")
            # (not laid out yet, 0 wide, when keys come faster than the refresh: the words are laid out then)
            width, height = problem.content_size
            same_height = bool(shown and text and width) and Content(text).get_height(problem.styles, width) == height
            problem.update(text, layout=not same_height)
        problem.set_class(bool(text), "-shown")
        for each in TONES:
            problem.set_class(tone == each, f"-{each}")
        self.field(name).set_class(bool(text) and tone == "error", "-invalid")
