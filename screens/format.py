"""How values look on screen, in the app's language."""

from __future__ import annotations

from datetime import date, datetime

from rich.text import Text

from desk.dossier import query as dossiers
from desk.models import Applicant, ApplicantKind, Dossier, Event, IdKind, ProcessingTime, TimeUnit
from screens.i18n.catalogue import Strings


def short_code(code: str, agency_code: str) -> str:
    """The dossier code without this agency's prefix: lists show "261123-1001"."""
    prefix = f"{agency_code}-"
    return code[len(prefix) :] if code.startswith(prefix) else code


def name_field(kind: ApplicantKind) -> str:
    """The field name under which the applicant's name is labelled: a person's "name", an organisation's "org_name"."""
    return "org_name" if kind.is_organisation else "name"


def id_field(kind: ApplicantKind, id_kind: IdKind | None = None) -> str:
    """The field name of the applicant's number: "tax_code", "passport" or "id_number".

    A stored number says what it is (``id_kind``: a citizen may give a passport); else the kind decides.
    """
    if id_kind is IdKind.TAX_CODE or (id_kind is None and kind.is_organisation):
        return "tax_code"
    if id_kind is IdKind.PASSPORT or (id_kind is None and kind is ApplicantKind.FOREIGNER):
        return "passport"
    return "id_number"


def applicant_facts(t: Strings, a: Applicant) -> list[tuple[str, str]]:
    """(label, value) lines of an applicant: a citizen's as always, with the kind and no birth date or sex
    for an organisation, with the kind for a foreigner."""
    lines = [
        (t(f"field.{name_field(a.kind)}"), a.name),
        (t(f"field.{id_field(a.kind, a.id_kind)}"), a.id_number or t("none")),
    ]
    if not a.kind.is_organisation:
        lines += [(t("field.birth_date"), day(t, a.birth_date)), (t("field.sex"), a.sex or t("none"))]
    if a.kind is not ApplicantKind.CITIZEN:
        lines.insert(0, (t("field.kind"), t(f"kind.{a.kind.value}")))
    lines += [(t("field.phone"), a.phone or t("none"))]
    if a.email:
        lines.append((t("field.email"), a.email))
    lines.append((t("field.address"), a.address or t("none")))
    return lines


def when(t: Strings, value: datetime | None) -> str:
    """Time and date, as a clerk reads it: "17:00 23/11/2026"."""
    return value.strftime("%H:%M %d/%m/%Y") if value else t("none")


def when_short(t: Strings, value: datetime | None) -> str:
    """Time and day for a list: "17:00 23/11"."""
    return value.strftime("%H:%M %d/%m") if value else t("none")


def day(t: Strings, value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else t("none")


def due_long(t: Strings, value: datetime) -> str:
    """The appointment with its weekday: "17:00, thứ Hai 23/11/2026"."""
    weekday = t(f"weekday.{value.isoweekday()}")
    return t("due.long", time=value.strftime("%H:%M"), weekday=weekday, date=value.strftime("%d/%m/%Y"))


def processing(t: Strings, p: ProcessingTime) -> str:
    if p.unit is TimeUnit.SAME_DAY:
        return t("processing.same_day")
    if p.unit is TimeUnit.WORKING_HOURS:
        return t("processing.hours", n=p.value)
    return t("processing.days", n=p.value)


def status_text(t: Strings, d: Dossier, now: datetime, alert_style: str) -> Text:
    """The status for a list cell, the overdue badge instead when the clock ran out.

    ``alert_style`` comes from the theme (DataTable cells are Rich text, not CSS).
    """
    if dossiers.is_overdue(d, now):
        return Text(t("overdue.badge"), style=alert_style)
    return Text(t(f"status.{d.status.value}"))


def event_label(t: Strings, event_type: str) -> str:
    """An event type in words; a type this version does not know is shown as it is."""
    key = f"event.{event_type}"
    return t(key) if key in t else event_type


PRINT_EVENTS = ("document.printed", "document.print_failed")


def timeline_texts(t: Strings, events: list[Event]) -> list[str]:
    """What each event of a dossier's timeline says, oldest first.

    A print names its document ("In Mẫu 02 (yêu cầu bổ sung)"), a print of a
    document printed before says so ("In giấy tiếp nhận (in lại)"), and a failed
    print says which document failed.
    """
    printed: set[str] = set()
    texts: list[str] = []
    for e in events:
        body = e.payload.get("print") if e.type in PRINT_EVENTS else None
        if not isinstance(body, dict):
            texts.append(event_label(t, e.type))
            continue
        kind = str(body.get("kind", ""))
        if f"timeline.print.{kind}" in t:
            what = t(f"timeline.print.{kind}")
        else:
            what = t("timeline.print.other", what=t(f"printkind.{kind}") if f"printkind.{kind}" in t else kind)
        if e.type == "document.print_failed":
            texts.append(t("timeline.print_failed", what=what))
        elif kind in printed:
            texts.append(t("timeline.reprint", what=what))
        else:
            printed.add(kind)
            texts.append(what)
    return texts


def clip(text: str, width: int) -> str:
    """Cut text to ``width`` cells with an ellipsis (lists keep one line per row)."""
    if width <= 1:
        return text[:width]
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
