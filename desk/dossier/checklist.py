"""The digitisation checklist of a dossier (Thông tư 01/2023/TT-VPCP).

Every component line ends in one state: pending, digitised (a stored scan),
reused from a data store (VNeID, the population database, the citizen's data
store, the civil-status database), reused from another dossier's result (that
dossier's code), or not required. Each change is an event carrying the
dossier's snapshot, written in one transaction with the change.

The procedure says which components must be digitised; :func:`progress`
counts those ("n of m digitised") and :func:`is_complete` says whether all
are resolved.
"""

from __future__ import annotations

from datetime import datetime

from desk.dossier.files import newest_in_inbox, store_file
from desk.dossier.lifecycle import commit_change
from desk.dossier.query import get
from desk.errors import InvalidInput, NotFound
from desk.models import ComponentLine, Digitisation, Dossier
from desk.rules import codes
from desk.rules.portal import digitisation_code
from desk.rules.status import CHECKLIST_OPEN
from desk.rules.vocabulary import REUSE_SOURCES
from desk.text import LIMITS, fold, sanitise

_SOURCE_ALIASES = {
    "vneid": "VNeID",
    "csdlqg dan cu": "CSDLQG dân cư",
    "csdl dan cu": "CSDLQG dân cư",
    "dan cu": "CSDLQG dân cư",
    "kho du lieu": "Kho dữ liệu",
    "kho": "Kho dữ liệu",
    "csdl ho tich dien tu": "CSDL hộ tịch điện tử",
    "csdl ho tich": "CSDL hộ tịch điện tử",
    "ho tich": "CSDL hộ tịch điện tử",
}

RESOLVED = frozenset(Digitisation) - {Digitisation.PENDING}


# --- reading ----------------------------------------------------------------------


def counts_towards(line: ComponentLine) -> bool:
    """True when the line is one the checklist counts: a must-digitise component that was
    handed in, or is required, or has been resolved anyway (an optional paper not handed in
    does not hold the dossier back)."""
    return line.must_digitise and (line.received or line.required or line.digitisation in RESOLVED)


def progress(dossier: Dossier) -> tuple[int, int]:
    """(done, total) over the lines that count: "done of total digitised"."""
    counted = [c for c in dossier.components if counts_towards(c)]
    return sum(1 for c in counted if c.digitisation in RESOLVED), len(counted)


def is_complete(dossier: Dossier) -> bool:
    """Every must-digitise line that counts is resolved (digitised, reused or not required)."""
    done, total = progress(dossier)
    return done == total


def find_line(dossier: Dossier, component: str) -> ComponentLine:
    """A line by its component code (case ignored) or its 1-based position; NotFound lists the codes."""
    key = (component or "").strip()
    for c in dossier.components:
        if c.code == key:
            return c
    for c in dossier.components:
        if c.code.lower() == key.lower():
            return c
    if key.isdigit() and 1 <= int(key) <= len(dossier.components):
        return dossier.components[int(key) - 1]
    raise NotFound(
        "component.unknown",
        field="component",
        code=dossier.code,
        component=key,
        components=tuple(c.code for c in dossier.components),
    )


def parse_reuse_source(source: str, *, own_code: str = "") -> tuple[Digitisation, str]:
    """The state and the recorded source for what the clerk typed.

    A dossier code means reuse of that dossier's result; otherwise one of
    :data:`REUSE_SOURCES` (case and accents optional).
    """
    text = sanitise(source or "", field="source", max_len=LIMITS["reuse_source"], required=True)
    parsed = codes.parse_code(text)
    if parsed is not None:
        other = text.strip().upper()
        if own_code and other == own_code.upper():
            raise InvalidInput("reuse.own_dossier", field="source", code=other)
        return Digitisation.REUSED_DOSSIER, other
    key = " ".join(fold(text).replace("-", " ").replace("_", " ").split())
    for name in REUSE_SOURCES:
        if fold(name) == key:
            return Digitisation.REUSED_STORE, name
    if key in _SOURCE_ALIASES:
        return Digitisation.REUSED_STORE, _SOURCE_ALIASES[key]
    raise InvalidInput("reuse.unknown_source", field="source", value=text, sources=REUSE_SOURCES)


def checklist_json(dossier: Dossier) -> dict:
    """The checklist as the CLI's ``--json`` prints it."""
    done, total = progress(dossier)
    return {
        "code": dossier.code,
        "status": dossier.status.value,
        "done": done,
        "total": total,
        "complete": done == total,
        "components": [
            {
                "position": i,
                "code": c.code,
                "name": c.name,
                "received": c.received,
                "required": c.required,
                "must_digitise": c.must_digitise,
                "counts": counts_towards(c),
                "digitisation": c.digitisation.value,
                "portal_code": digitisation_code(c.digitisation),
                "reuse_source": c.reuse_source,
                "file": c.file_path or None,
                "sha256": c.file_sha256 or None,
                "bytes": c.file_bytes,
                "pages": c.file_pages,
                "note": c.note,
            }
            for i, c in enumerate(dossier.components, 1)
        ],
    }


# --- changing ----------------------------------------------------------------------


def _check_open(dossier: Dossier) -> None:
    if dossier.status not in CHECKLIST_OPEN:
        raise InvalidInput("checklist.closed", field="status", code=dossier.code, status=dossier.status)


def _clear(line: ComponentLine) -> dict:
    """Forget the line's previous resolution; returns what it was (for the event)."""
    before = {
        "digitisation": line.digitisation.value,
        "reuse_source": line.reuse_source,
        "file": line.file_path or None,
        "sha256": line.file_sha256 or None,
    }
    line.digitisation = Digitisation.PENDING
    line.reuse_source = ""
    line.file_path = ""
    line.file_sha256 = ""
    line.file_bytes = 0
    line.file_pages = 0
    return before


def _note(note: str | None) -> str:
    return sanitise(note or "", field="note", max_len=LIMITS["note"])


def attach_file(desk, code: str, component_code: str, path, *, note: str = "") -> Dossier:
    """Store a scan (PDF, or JPEG/PNG converted to PDF) and mark the line digitised.

    The file is copied into the home's store first (content-addressed, so a
    failed transaction leaves at most an unused copy); the original is only read.
    Attaching the very file the line already holds changes nothing.
    """
    note = _note(note)
    # refuse early, before copying anything, when the dossier or line cannot take a file
    current = _load(desk, code)
    _check_open(current)
    find_line(current, component_code)
    stored = store_file(desk.home, path, max_mb=desk.settings.max_file_mb)

    def change(d: Dossier, now: datetime) -> dict | None:
        _check_open(d)
        line = find_line(d, component_code)
        if line.digitisation is Digitisation.DIGITISED and line.file_sha256 == stored.sha256 and not note:
            return None
        before = _clear(line)
        line.digitisation = Digitisation.DIGITISED
        line.file_path = stored.path
        line.file_sha256 = stored.sha256
        line.file_bytes = stored.bytes
        line.file_pages = stored.pages
        if note:
            line.note = note
        return {
            "component": line.code,
            "digitisation": line.digitisation.value,
            "file": stored.path,
            "sha256": stored.sha256,
            "bytes": stored.bytes,
            "pages": stored.pages,
            "source_name": stored.source_name,
            "source_kind": stored.source_kind,
            "source_sha256": stored.source_sha256,
            "before": before,
        }

    return commit_change(desk, code, "component.digitised", change, note=note)


def attach_newest(desk, code: str, component_code: str, *, note: str = "") -> Dossier:
    """Attach the newest scan in the home's ``inbox/`` to the line (the TUI's one-key attach).

    The scan stays in the inbox; NotFound when the inbox holds none.
    """
    path = newest_in_inbox(desk.home)
    if path is None:
        raise NotFound("inbox.empty", field="file", folder=str(desk.home.inbox))
    return attach_file(desk, code, component_code, path, note=note)


def mark_reused(desk, code: str, component_code: str, source: str, *, note: str = "") -> Dossier:
    """Mark the line reused: from a data store (VNeID, CSDLQG dân cư, ...) or another dossier's result."""
    note = _note(note)

    def change(d: Dossier, now: datetime) -> dict:
        _check_open(d)
        line = find_line(d, component_code)
        state, recorded = parse_reuse_source(source, own_code=d.code)
        before = _clear(line)
        line.digitisation = state
        line.reuse_source = recorded
        if note:
            line.note = note
        return {"component": line.code, "digitisation": state.value, "source": recorded, "before": before}

    return commit_change(desk, code, "component.reused", change, note=note)


def mark_not_required(desk, code: str, component_code: str, *, note: str = "") -> Dossier:
    """Mark the line as needing no digitisation.

    A must-digitise component that was handed in needs a note saying why.
    """
    note = _note(note)

    def change(d: Dossier, now: datetime) -> dict:
        _check_open(d)
        line = find_line(d, component_code)
        if line.must_digitise and line.received and not note:
            raise InvalidInput("component.must_digitise", field="note", component=line.code)
        before = _clear(line)
        line.digitisation = Digitisation.NOT_REQUIRED
        if note:
            line.note = note
        return {"component": line.code, "digitisation": line.digitisation.value, "before": before}

    return commit_change(desk, code, "component.not_required", change, note=note)


def undo(desk, code: str, component_code: str, *, note: str = "") -> Dossier:
    """Put the line back to pending (the stored file stays in the store)."""
    note = _note(note)

    def change(d: Dossier, now: datetime) -> dict:
        _check_open(d)
        line = find_line(d, component_code)
        if line.digitisation is Digitisation.PENDING:
            raise InvalidInput("component.already_pending", field="component", component=line.code)
        before = _clear(line)
        return {"component": line.code, "digitisation": line.digitisation.value, "before": before}

    return commit_change(desk, code, "component.undone", change, note=note)


def _load(desk, code: str) -> Dossier:
    return get(desk, code)
