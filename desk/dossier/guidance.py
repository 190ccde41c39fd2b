"""Guidance for a dossier that was not taken in (Mẫu 02 without a receipt).

An incomplete dossier gets no receipt and no code: the clerk guides the
citizen once, in writing, with the "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
(NĐ 118/2025, TT 03/2025/TT-VPCP Mẫu 02). :func:`gather_guidance` checks what
the clerk typed (the procedure, each missing component with its reason, the
citizen's name) and :func:`guidance_record` is what the ``guidance.issued``
event keeps of it: who (the event's clerk), when (its time), the procedure and
what was missing. The event has no dossier code.
"""

from __future__ import annotations

from collections.abc import Sequence

from desk import clock
from desk.catalog.store import get_procedure
from desk.errors import InvalidInput
from desk.models import GuidanceDocument
from desk.text import LIMITS, sanitise

MAX_MISSING = 50


def parse_missing(values: Sequence[str]) -> list[tuple[str, str]]:
    """``COMPONENT[:REASON]`` items as typed on the command line: (component, reason) pairs."""
    out = []
    for item in values:
        component, _, reason = item.partition(":")
        out.append((component.strip(), reason.strip()))
    return out


def gather_guidance(
    desk, procedure_code: str, missing: Sequence[tuple[str, str]], *, name: str = ""
) -> GuidanceDocument:
    """What Mẫu 02 says: each missing item named by its component's name (or as typed, for other content).

    A component code of the procedure prints as the component's name; anything else is printed as
    typed (a missing signature, say). At least one item is needed.
    """
    procedure = get_procedure(desk, procedure_code)
    by_code = {c.code.lower(): c for c in procedure.components}
    rows: list[tuple[str, str]] = []
    for component, reason in missing:
        text = sanitise(component or "", field="missing", max_len=LIMITS["note"])
        why = sanitise(reason or "", field="missing", max_len=LIMITS["note"])
        if not text:
            continue
        spec = by_code.get(text.lower())
        rows.append((spec.name if spec else text, why))
    if not rows:
        raise InvalidInput("guidance.nothing_missing", field="missing")
    if len(rows) > MAX_MISSING:
        raise InvalidInput("guidance.too_many", field="missing", count=len(rows), limit=MAX_MISSING)
    return GuidanceDocument(
        procedure=procedure,
        missing=rows,
        issued=clock.now(),
        name=sanitise(name or "", field="name", max_len=LIMITS["name"]),
        clerk=desk.clerk,
    )


def guidance_record(doc: GuidanceDocument) -> dict:
    """The ``guidance`` part of the event: the procedure and what was missing (component code, name, reason)."""
    by_name = {c.name: c.code for c in doc.procedure.components}
    return {
        "procedure_code": doc.procedure.code,
        "procedure_name": doc.procedure.name,
        "name": doc.name,
        "missing": [{"component": by_name.get(n, ""), "name": n, "reason": r} for n, r in doc.missing],
    }
