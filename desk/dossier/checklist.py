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

import hashlib
from datetime import datetime
from pathlib import Path

from desk import clock
from desk.dossier import signer
from desk.dossier.files import file_done, newest_in_inbox, store_file
from desk.dossier.lifecycle import commit_change
from desk.dossier.query import find, get, timeline
from desk.dossier.signer import Signed
from desk.errors import InvalidInput, NotFound
from desk.models import ComponentLine, Digitisation, Dossier
from desk.rules import codes
from desk.rules.digitisation import scan_code
from desk.rules.portal import digitisation_code
from desk.rules.status import CHECKLIST_OPEN
from desk.rules.vocabulary import REUSE_SOURCES
from desk.text import LIMITS, clean, fold, sanitise

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

RESOLVED = frozenset(Digitisation) - {Digitisation.PENDING, Digitisation.DIGITISED_UNSIGNED}
"""States that settle a line; an unsigned scan does not (it is no electronic copy, TT 01/2023 Điều 8)."""
SCANNED = frozenset({Digitisation.DIGITISED, Digitisation.DIGITISED_UNSIGNED})


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
                "signed": c.digitisation is Digitisation.DIGITISED,
                "digitisation_code": scan_code(dossier.code, i) if c.digitisation in SCANNED else None,
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


def attach_file(
    desk,
    code: str,
    component_code: str,
    path,
    *,
    note: str = "",
    same_scan_ok: bool = False,
    file_away: bool = False,
    pages: int | None = None,
) -> Dossier:
    """Store a scan (PDF, or JPEG/PNG converted to PDF), signed by the clerk, and mark the line digitised.

    The scan is signed PAdES with the stamp of TT 01/2023 Điều 8 (name, time
    and the digitisation-result code ``<MaHoSo>-SH<n>`` at the top-left of page
    1) by the clerk's signer (``desk signer set``); without one it is kept as
    ``digitised_unsigned``, which does not settle the line. ``pages``, the
    paper's page count entered by the clerk, must equal the PDF's
    (``scan.pages_mismatch``); None takes the PDF's as confirmed.

    The file is copied into the home's store first (content-addressed, so a
    failed transaction leaves at most an unused copy); the original is only read.
    Attaching the very file the line already holds changes nothing. The same
    scan on another paper of the dossier is refused (``component.same_scan``)
    unless ``same_scan_ok`` (the clerk was asked). With ``file_away`` a scan
    taken from the home's inbox is moved to ``inbox/done/`` once attached, so
    that the inbox's newest file is the next scan.
    """
    note = _note(note)
    # refuse early, before copying anything, when the dossier or line cannot take a file
    current = _load(desk, code)
    _check_open(current)
    current_line = find_line(current, component_code)
    position = current.components.index(current_line) + 1
    # a signed copy differs from the scan and from every other signing of it: compare the scans themselves
    source_sha = _source_sha256(path)
    sources = _scan_sources(desk, current)
    unchanged = sources.get(current_line.code) == source_sha and not note
    if current_line.digitisation is Digitisation.DIGITISED_UNSIGNED and signer.has_signer(desk.settings):
        unchanged = False  # the same scan again, now that the clerk can sign it
    if unchanged:
        return current
    other_code = next((c for c, sha in sources.items() if sha == source_sha and c != current_line.code), None)
    if other_code is not None and not same_scan_ok:
        other_line = find_line(current, other_code)
        raise InvalidInput(
            "component.same_scan",
            field="file",
            name=clean(Path(path).name)[:200],
            component=current_line.name,
            other=other_line.name,
        )
    if pages is not None and pages < 1:
        raise InvalidInput("scan.pages_invalid", field="pages", pages=pages)
    signed: list[Signed] = []

    def finish(pdf: bytes, pdf_pages: int) -> bytes:
        if pages is not None and pages != pdf_pages:
            raise InvalidInput("scan.pages_mismatch", field="pages", paper=pages, pdf=pdf_pages)
        done = signer.sign(desk, pdf, scan_code(current.code, position), clock.now())
        if done is None:
            return pdf
        signed.append(done)
        return done.pdf

    stored = store_file(desk.home, path, max_mb=desk.settings.max_file_mb, finish=finish)
    state = Digitisation.DIGITISED if signed else Digitisation.DIGITISED_UNSIGNED

    def change(d: Dossier, now: datetime) -> dict | None:
        _check_open(d)
        line = find_line(d, component_code)
        if line.digitisation is state and line.file_sha256 == stored.sha256 and not note:
            return None
        other = next((c for c in d.components if c is not line and c.file_sha256 == stored.sha256), None)
        if other is not None and not same_scan_ok:
            raise InvalidInput(
                "component.same_scan", field="file", name=stored.source_name, component=line.name, other=other.name
            )
        before = _clear(line)
        line.digitisation = state
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
            "signed": (
                {"code": signed[0].code, "name": signed[0].name, "at": clock.iso(signed[0].at)} if signed else None
            ),
            "before": before,
        }

    dossier = commit_change(desk, code, "component.digitised", change, note=note)
    if file_away:
        file_done(desk.home, path)
    return dossier


def _source_sha256(path) -> str:
    """SHA-256 of a file to attach ("" when it cannot be read: storing it then says why)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return ""
    return h.hexdigest()


def _scan_sources(desk, dossier: Dossier) -> dict[str, str]:
    """Line code → SHA-256 of the scan its stored file was made from, for the lines holding a file."""
    held = {c.code: c.file_sha256 for c in dossier.components if c.file_sha256}
    out: dict[str, str] = {}
    for e in timeline(desk, dossier.code):
        details = e.payload.get("details") or {}
        line_code = str(details.get("component") or "")
        if e.type == "component.digitised" and held.get(line_code) == details.get("sha256"):
            out[line_code] = details.get("source_sha256") or ""
    return out


def attach_newest(desk, code: str, component_code: str, *, note: str = "") -> Dossier:
    """Attach the newest scan in the home's ``inbox/`` to the line (the TUI's one-key attach).

    The scan stays in the inbox; NotFound when the inbox holds none.
    """
    path = newest_in_inbox(desk.home)
    if path is None:
        raise NotFound("inbox.empty", field="file", folder=str(desk.home.inbox))
    return attach_file(desk, code, component_code, path, note=note)


def mark_reused(desk, code: str, component_code: str, source: str, *, note: str = "") -> Dossier:
    """Mark the line reused: from a data store (VNeID, CSDLQG dân cư, ...) or another dossier's result.

    Another dossier must be one this desk holds (``reuse.unknown_dossier``); the
    event links it (its code, procedure and status at the time).
    """
    note = _note(note)

    def change(d: Dossier, now: datetime) -> dict:
        _check_open(d)
        line = find_line(d, component_code)
        state, recorded = parse_reuse_source(source, own_code=d.code)
        details: dict = {}
        if state is Digitisation.REUSED_DOSSIER:
            # only a dossier this desk knows: a mistyped code would link nothing
            linked = find(desk, recorded)
            if linked is None:
                raise NotFound("reuse.unknown_dossier", field="source", code=recorded)
            details["linked"] = {
                "code": linked.code,
                "procedure_code": linked.procedure_code,
                "status": linked.status.value,
            }
        before = _clear(line)
        line.digitisation = state
        line.reuse_source = recorded
        if note:
            line.note = note
        return {"component": line.code, "digitisation": state.value, "source": recorded, **details, "before": before}

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
