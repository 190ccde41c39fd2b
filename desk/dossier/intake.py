"""Intake: taking in a dossier at the counter.

:func:`receive` validates everything first, then writes the dossier, its
component lines and the ``dossier.received`` event in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from db import queries, write_transaction
from desk import clock
from desk.catalog.store import get_procedure
from desk.dossier import events, fees, numbering, operators
from desk.dossier.checklist import parse_reuse_source
from desk.dossier.rows import dossier_to_row, line_to_row, snapshot
from desk.errors import InvalidInput, NotFound
from desk.ids import new_id
from desk.models import (
    Applicant,
    ApplicantKind,
    Channel,
    ComponentLine,
    Delivery,
    Digitisation,
    Dossier,
    Form,
    IdKind,
    Procedure,
    Status,
)
from desk.rules.chipqr import parse_chip_qr
from desk.rules.idnumbers import check_id_number, normalise_phone, sex_from_text
from desk.rules.passport import check_passport
from desk.rules.problems import Problem, problem
from desk.rules.received_time import catch_up_record, working_day_start
from desk.rules.taxcode import check_tax_code
from desk.text import LIMITS, sanitise

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# a receipt time a little ahead of this PC's clock is tolerated (another PC's clock)
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass
class ApplicantInput:
    """Applicant fields as typed or scanned, before validation."""

    name: str = ""
    id_number: str = ""
    birth_date: str | date | None = None
    sex: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    kind: ApplicantKind = ApplicantKind.CITIZEN


@dataclass
class IntakeRequest:
    """What the clerk asks for: a procedure, an applicant, and what was handed in."""

    procedure_code: str
    applicant: ApplicantInput
    received_at: datetime | None = None
    not_received: frozenset[str] = frozenset()
    """Required components not handed in (the dossier is then refused: guide the citizen with Mẫu 02)."""
    received: frozenset[str] = frozenset()
    """Optional components handed in (optional ones are not received unless named here)."""
    presented: frozenset[str] = frozenset()
    """Components only shown (xuất trình): checked, not kept, not listed as handed in, not digitised."""
    reused: dict[str, str] = field(default_factory=dict)
    """Components not handed in because they are reused: component code -> source (VNeID, a dossier code, …)."""
    quantities: dict[str, int] = field(default_factory=dict)
    forms: dict[str, Form] = field(default_factory=dict)
    channel: Channel = Channel.COUNTER
    delivery: Delivery = Delivery.COUNTER
    sets: int = 1
    notes: str = ""
    catch_up: bool = False
    """``received_at`` is earlier than today's working day: the dossier is entered later (needs a reason)."""
    catch_up_reason: str = ""
    pages: int | None = None
    """Pages of each copy, for a procedure whose fee is counted per page (None: not entered)."""
    copies: int | None = None
    """Copies asked for, for a procedure whose fee is counted per page or per copy (None: not entered)."""


def applicant_from_scan(line: str) -> ApplicantInput:
    """Applicant fields from a chip ID card's QR line (raises if it is not one)."""
    card = parse_chip_qr(line)
    if card is None:
        raise InvalidInput("scan.not_chip_qr", field="scan")
    return ApplicantInput(
        name=card.name,
        id_number=card.id_number,
        birth_date=card.birth_date,
        sex=card.sex,
        address=card.address,
    )


def parse_birth_date(value: str | date | None, *, today: date) -> date | None:
    if value is None or isinstance(value, date):
        parsed = value
    else:
        text = value.strip()
        if not text:
            return None
        parsed = None
        for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d%m%Y"):
            try:
                parsed = datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        if parsed is None:
            raise InvalidInput("birth_date.format", field="birth_date", value=text)
    if parsed is not None and not (date(1900, 1, 1) <= parsed <= today):
        raise InvalidInput("birth_date.implausible", field="birth_date", date=parsed)
    return parsed


def check_applicant(raw: ApplicantInput, *, today: date | None = None) -> tuple[Applicant, list[Problem]]:
    """A valid applicant and warnings, or InvalidInput naming the first bad field."""
    today = today or clock.now().date()
    name = sanitise(raw.name, field="name", max_len=LIMITS["name"], required=True)
    birth = parse_birth_date(raw.birth_date, today=today)
    sex = sex_from_text(raw.sex) if raw.sex and raw.sex.strip() else ""
    warnings: list[Problem] = []
    id_number = sanitise(raw.id_number or "", field="id_number", max_len=LIMITS["id_number"])
    id_kind: IdKind | None = None
    if raw.kind.is_organisation:
        # an organisation has neither: a value here was typed into the wrong form
        if birth is not None:
            raise InvalidInput("birth_date.organisation", field="birth_date", applicant_kind=raw.kind.value)
        if sex:
            raise InvalidInput("sex.organisation", field="sex", applicant_kind=raw.kind.value)
    if id_number:
        if raw.kind.is_organisation:
            id_number, id_kind = check_tax_code(id_number), IdKind.TAX_CODE
        elif raw.kind is ApplicantKind.FOREIGNER or re.search(r"[A-Za-z]", id_number):
            # a foreigner's passport, or a citizen's (letters in it)
            id_number, id_kind = check_passport(id_number), IdKind.PASSPORT
        else:
            check = check_id_number(id_number, birth_date=birth, sex=sex or None, today=today)
            id_number, id_kind = check.number, check.kind
            warnings.extend(check.warnings)
    phone_text = sanitise(raw.phone or "", field="phone", max_len=LIMITS["phone"])
    phone = normalise_phone(phone_text) if phone_text else ""
    email = sanitise(raw.email or "", field="email", max_len=LIMITS["email"])
    if email and not EMAIL_RE.match(email):
        raise InvalidInput("email.invalid", field="email", value=email)
    address = sanitise(raw.address or "", field="address", max_len=LIMITS["address"])
    applicant = Applicant(
        name=name,
        kind=raw.kind,
        id_number=id_number,
        id_kind=id_kind,
        birth_date=birth,
        sex=sex,
        phone=phone,
        email=email,
        address=address,
    )
    return applicant, warnings


def applicant_problems(raw: ApplicantInput, *, today: date | None = None) -> dict[str, Problem]:
    """Every field's problem at once (for live validation in a form); empty when valid.

    Fields are checked one by one so that a bad phone does not hide a bad ID number.
    """
    problems: dict[str, Problem] = {}
    probes = {
        "name": ApplicantInput(name=raw.name, kind=raw.kind),
        "birth_date": ApplicantInput(name="x", birth_date=raw.birth_date, kind=raw.kind),
        "sex": ApplicantInput(name="x", sex=raw.sex, kind=raw.kind),
        "id_number": ApplicantInput(
            name="x", id_number=raw.id_number, birth_date=_safe_birth(raw, today), sex=_safe_sex(raw), kind=raw.kind
        ),
        "phone": ApplicantInput(name="x", phone=raw.phone, kind=raw.kind),
        "email": ApplicantInput(name="x", email=raw.email, kind=raw.kind),
        "address": ApplicantInput(name="x", address=raw.address, kind=raw.kind),
    }
    for name, probe in probes.items():
        try:
            check_applicant(probe, today=today)
        except InvalidInput as exc:
            problems[name] = exc.problem
    return problems


def _safe_birth(raw: ApplicantInput, today: date | None):
    try:
        return parse_birth_date(raw.birth_date, today=today or clock.now().date())
    except InvalidInput:
        return None


def _safe_sex(raw: ApplicantInput) -> str:
    try:
        return sex_from_text(raw.sex) if raw.sex and raw.sex.strip() else ""
    except InvalidInput:
        return ""


def component_lines(procedure: Procedure, request: IntakeRequest) -> list[ComponentLine]:
    """The procedure's components as the clerk checked them.

    Required components are received unless named in ``not_received``; optional ones only when named
    in ``received``. A ``presented`` component (or one the catalogue gives as shown) was checked and
    handed back: it needs no digitisation. A ``reused`` one was not handed in: its data comes from a store.
    """
    known = {c.code for c in procedure.components}
    named = (
        set(request.not_received)
        | set(request.received)
        | set(request.presented)
        | set(request.reused)
        | set(request.quantities)
        | set(request.forms)
    )
    for code in sorted(named):
        if code not in known:
            raise InvalidInput(
                "component.not_in_procedure",
                field="component",
                component=code,
                procedure=procedure.code,
                components=tuple(sorted(known)),
            )
    lines = []
    for spec in procedure.components:
        qty = request.quantities.get(spec.code, spec.quantity)
        if not isinstance(qty, int) or not 1 <= qty <= 999:
            raise InvalidInput("quantity.range", field="quantity", component=spec.code, value=repr(qty))
        line = ComponentLine(
            code=spec.code,
            name=spec.name,
            form=request.forms.get(spec.code, spec.form),
            quantity=qty,
            received=spec.code not in request.not_received if spec.required else spec.code in request.received,
            required=spec.required,
            must_digitise=spec.must_digitise,
        )
        if spec.code in request.reused:
            state, source = parse_reuse_source(request.reused[spec.code])
            line.received, line.digitisation, line.reuse_source = False, state, source
        elif spec.code in request.presented or (line.form is Form.PRESENTED and line.received):
            line.form, line.received = Form.PRESENTED, True
            line.must_digitise, line.digitisation = False, Digitisation.NOT_REQUIRED
        lines.append(line)
    return lines


def missing_required(lines: list[ComponentLine]) -> list[ComponentLine]:
    """The required components neither received (handed in or shown) nor reused: no receipt while any is."""
    return [c for c in lines if c.required and not c.received and not c.reuse_source]


def check_complete(procedure: Procedure, lines: list[ComponentLine]) -> None:
    """InvalidInput ``intake.incomplete`` naming each missing required component (guide with Mẫu 02 instead)."""
    missing = missing_required(lines)
    if missing:
        raise InvalidInput(
            "intake.incomplete",
            field="components",
            procedure=procedure.code,
            missing=tuple(f"{c.code} ({c.name})" for c in missing),
            components=tuple(c.code for c in missing),
        )


def check_reused_dossiers(desk, lines: list[ComponentLine]) -> None:
    """A line reused from another dossier names one this home holds (its own, or at a hub one imported
    from a desk's bundle): a mistyped code would link nothing (``reuse.unknown_dossier``)."""
    for line in lines:
        if line.digitisation is Digitisation.REUSED_DOSSIER and not queries.code_exists(desk.db, line.reuse_source):
            raise NotFound("reuse.unknown_dossier", field="source", code=line.reuse_source)


def due_for(desk, procedure: Procedure, received_at: datetime) -> datetime:
    """The appointment for a dossier of this procedure received at ``received_at``."""
    return desk.calendar.due_at(received_at, procedure.processing)


def day_off_warnings(desk, day: date) -> list[Problem]:
    """``intake.holiday`` / ``intake.day_off`` when ``day`` is a day off in the desk's calendar (warns, never blocks)."""
    if desk.calendar.is_working_day(day):
        return []
    holiday = desk.calendar.holiday_name(day)
    if holiday:
        return [problem("intake.holiday", field="received_at", day=day, holiday=holiday)]
    return [problem("intake.day_off", field="received_at", day=day)]


def same_open_warnings(desk, procedure_code: str, id_number: str, day: date) -> list[Problem]:
    """``intake.same_open_today`` naming this desk's open dossiers of the same procedure and ID number
    (tax code, passport) received on ``day``: a second intake of one dossier, most likely (warns, never blocks)."""
    if not id_number:
        return []
    start = datetime.combine(day, datetime.min.time())
    codes = queries.open_same_day(
        desk.db,
        desk.desk_id,
        id_number,
        procedure_code,
        start.isoformat(timespec="seconds"),
        (start + timedelta(days=1)).isoformat(timespec="seconds"),
    )
    if not codes:
        return []
    return [problem("intake.same_open_today", field="id_number", id_number=id_number, codes=tuple(codes))]


def same_open_as_typed(desk, procedure_code: str, raw: ApplicantInput, day: date) -> list[Problem]:
    """:func:`same_open_warnings` for an ID number as typed in a form (none while it is not a valid one)."""
    if not (raw.id_number or "").strip():
        return []
    try:
        applicant, _ = check_applicant(ApplicantInput(name="x", id_number=raw.id_number, kind=raw.kind), today=day)
    except InvalidInput:
        return []
    return same_open_warnings(desk, procedure_code, applicant.id_number, day)


def receive(desk, request: IntakeRequest) -> tuple[Dossier, list[Problem]]:
    """Take in a dossier: one transaction for the dossier, its lines and its event.

    Returns the dossier and the warnings worth showing the clerk (an old 9-digit ID, say).
    """
    now = clock.now()
    procedure = get_procedure(desk, request.procedure_code)
    applicant, warnings = check_applicant(request.applicant, today=now.date())
    received_at = request.received_at or now
    if received_at > now + FUTURE_TOLERANCE:
        raise InvalidInput("received_at.future", field="received_at", at=received_at, now=now)
    catch_up = catch_up_record(
        received_at,
        now=now,
        day_start=working_day_start(desk.calendar.opening(now.date()), now),
        catch_up=request.catch_up,
        reason=request.catch_up_reason,
    )
    if catch_up:
        operators.require_supervisor(desk, "catch_up")
    if not 1 <= request.sets <= 99:
        raise InvalidInput("sets.range", field="sets", sets=request.sets)
    notes = sanitise(request.notes or "", field="notes", max_len=LIMITS["note"], multiline=True)
    lines = component_lines(procedure, request)
    check_complete(procedure, lines)
    check_reused_dossiers(desk, lines)  # the snapshot's lines name them (reuse_source): the link
    fee = fees.count_fee(procedure, pages=request.pages, copies=request.copies)
    due_at = due_for(desk, procedure, received_at)
    warnings.extend(desk.calendar.due_warnings(received_at, due_at))  # days the notices have not confirmed
    warnings.extend(day_off_warnings(desk, received_at.date()))
    settings = desk.settings
    agency = settings.agency
    with write_transaction(desk.db):
        # the event's time is read once the write lock is held: intakes racing for it are stamped in the
        # order they are written (received_at stays the moment the clerk saved)
        at = clock.now()
        # read under the write lock: two PCs saving the same dossier at once, the second is warned
        warnings.extend(same_open_warnings(desk, procedure.code, applicant.id_number, received_at.date()))
        code = numbering.next_code(desk.db, agency.code, agency.desk_no, received_at.date())
        book = settings.register_book
        register_line = queries.next_register_line(desk.db, f"{book}/{agency.desk_no}", received_at.year)
        dossier = Dossier(
            desk_id=desk.desk_id,
            id=new_id(),
            code=code,
            procedure_code=procedure.code,
            procedure_name=procedure.name,
            applicant=applicant,
            received_at=received_at,
            due_at=due_at,
            status=Status.RECEIVED,
            channel=request.channel,
            delivery=request.delivery,
            sets=request.sets,
            register_book=book,
            register_line=register_line,
            clerk=desk.clerk,
            notes=notes,
            desk_no=agency.desk_no,
            components=lines,
            updated_at=at,
            fee_due=fee,
        )
        queries.insert_dossier(
            desk.db,
            dossier_to_row(dossier, desk.desk_id),
            [line_to_row(c, i) for i, c in enumerate(lines, 1)],
        )
        fees.store_fee(desk.db, dossier)
        events.append(
            desk.db,
            desk_id=desk.desk_id,
            dossier_code=code,
            type="dossier.received",
            clerk=desk.clerk,
            operator=desk.operator_login,
            forward=events.forwards(desk),
            at=at,
            payload={
                **snapshot(dossier, desk.desk_id),
                # both times kept: when it was entered (the event's) and when it is said to have been received
                **({"catch_up": {**catch_up, "entered_at": at.isoformat(timespec="seconds")}} if catch_up else {}),
                **({"fee": fees.fee_payload(fee)} if fee is not None else {}),
            },
            warnings=warnings,
        )
    return dossier, warnings
