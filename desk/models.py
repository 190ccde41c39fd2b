"""Domain objects that cross every boundary: plain dataclasses, no rows or cursors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum


class Form(StrEnum):
    """The form in which a component is handed in (hình thức giấy tờ)."""

    ORIGINAL = "ban_chinh"
    COPY = "ban_sao"
    CERTIFIED_COPY = "ban_sao_chung_thuc"
    PHOTOCOPY = "ban_chup"
    PRESENTED = "xuat_trinh"
    """Only shown (xuất trình, e.g. the ID card): checked, not kept, never listed as handed in, never digitised."""

    @property
    def label_vi(self) -> str:
        return FORM_LABELS_VI[self]


FORM_LABELS_VI = {
    Form.ORIGINAL: "Bản chính",
    Form.COPY: "Bản sao",
    Form.CERTIFIED_COPY: "Bản sao chứng thực",
    Form.PHOTOCOPY: "Bản chụp",
    Form.PRESENTED: "Xuất trình",
}


class TimeUnit(StrEnum):
    """How a procedure's processing time is stated."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    SAME_DAY = "same_day"


class Digitisation(StrEnum):
    """Digitisation state of a component line (Thông tư 01/2023/TT-VPCP)."""

    PENDING = "pending"
    DIGITISED = "digitised"
    """Scanned and signed by the person who digitised it: an electronic copy (TT 01/2023 Điều 8)."""
    DIGITISED_UNSIGNED = "digitised_unsigned"
    """Scanned but not signed (the clerk had no signer): kept, yet not an electronic copy and not counted."""
    REUSED_STORE = "reused_store"
    REUSED_DOSSIER = "reused_dossier"
    NOT_REQUIRED = "not_required"


class Status(StrEnum):
    """Status of a dossier at the desk; mapped to the portal's TrangThaiHoSo in one place."""

    RECEIVED = "received"
    TRANSFERRED = "transferred"
    SUPPLEMENT = "supplement"
    RESULT_READY = "result_ready"
    RETURNED = "returned"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"


class Channel(StrEnum):
    COUNTER = "counter"
    ONLINE = "online"
    POST = "post"
    VNEID = "vneid"
    """Received through the VNeID application (NĐ 367/2025 makes it a receiving channel)."""


class Delivery(StrEnum):
    COUNTER = "counter"
    POST = "post"


class ApplicantKind(StrEnum):
    """Who hands the dossier in (chủ hồ sơ); an event or snapshot without one means a citizen."""

    CITIZEN = "citizen"
    """Công dân: a person identified by the 12-digit personal ID (or an old 9-digit card, a passport)."""
    BUSINESS = "business"
    """Tổ chức, doanh nghiệp: identified by its tax code (mã số thuế)."""
    STATE_AGENCY = "state_agency"
    OTHER_ORG = "other_org"
    FOREIGNER = "foreigner"
    """Người nước ngoài: a person identified by a passport number."""

    @property
    def is_organisation(self) -> bool:
        """An organisation (identified by a tax code; no birth date, no sex), not a person."""
        return self in ORGANISATIONS


ORGANISATIONS = frozenset({ApplicantKind.BUSINESS, ApplicantKind.STATE_AGENCY, ApplicantKind.OTHER_ORG})


class IdKind(StrEnum):
    PERSONAL_ID = "cccd"  # 12-digit personal identification number
    OLD_ID = "cmnd"  # 9-digit old ID card
    TAX_CODE = "mst"
    PASSPORT = "passport"


@dataclass(frozen=True)
class Fee:
    """A fee or charge (phí, lệ phí) of a procedure, in đồng."""

    name: str
    amount: int
    code: str = ""
    unit: str = ""  # e.g. "bản", "trang"; empty for a flat fee


class TariffPer(StrEnum):
    """What a tariff counts."""

    PAGE = "page"
    """Per page of each copy (chứng thực bản sao: 2.000 đ/trang, from the 3rd page 1.000 đ/trang)."""
    COPY = "copy"
    """Per copy (bản) issued (trích lục: 8.000 đ/bản)."""


@dataclass(frozen=True)
class TariffRate:
    """From the ``start``-th page (or copy) on, ``amount`` đồng each, until the next rate starts."""

    start: int
    amount: int


@dataclass(frozen=True)
class Tariff:
    """How a procedure's fee due is counted from the pages or copies the clerk enters at intake."""

    per: TariffPer
    rates: tuple[TariffRate, ...]
    """Ascending by ``start``; the first starts at 1."""
    cap: int = 0
    """At most this many đồng: per copy for a page tariff, for the whole for a copy tariff (0 = no cap)."""


@dataclass(frozen=True)
class FeeDue:
    """The fee due of one dossier, as its tariff counts it."""

    amount: int
    """What the applicant pays, in đồng."""
    pages: int
    """Pages of each copy (0 for a copy tariff)."""
    copies: int
    per_copy: int
    """One copy's fee (page tariffs), after the cap; the whole for a copy tariff."""
    capped: bool
    """The cap lowered the amount."""


@dataclass(frozen=True)
class ComponentSpec:
    """A component the procedure asks for (thành phần hồ sơ)."""

    code: str
    name: str
    form: Form = Form.ORIGINAL
    quantity: int = 1
    required: bool = True
    must_digitise: bool = False


@dataclass(frozen=True)
class ProcessingTime:
    """Processing time of a procedure: N working days/hours, or same day with a cut-off."""

    unit: TimeUnit
    value: int = 0

    def label_vi(self) -> str:
        if self.unit is TimeUnit.SAME_DAY:
            return "Trong ngày"
        if self.unit is TimeUnit.WORKING_HOURS:
            return f"{self.value} giờ làm việc"
        return f"{self.value} ngày làm việc"


@dataclass(frozen=True)
class Procedure:
    """An administrative procedure (thủ tục hành chính) from the catalogue."""

    code: str
    name: str
    field: str
    processing: ProcessingTime
    components: tuple[ComponentSpec, ...] = ()
    fees: tuple[Fee, ...] = ()
    field_code: str = ""
    result_name: str = ""
    delivery_options: tuple[str, ...] = ("counter",)
    fee_by_province: bool = False
    """The province sets the fee: the receipt leaves it blank for the clerk to fill in (not "Không")."""
    immediate_result: bool = False
    """The result is handed over at once: no receipt (Mẫu 01) is needed."""
    tariff: Tariff | None = None
    """How the fee due is counted from pages or copies entered at intake; None for a flat or no fee."""


@dataclass
class Applicant:
    """The person or organisation handing in the dossier (chủ hồ sơ)."""

    name: str
    kind: ApplicantKind = ApplicantKind.CITIZEN
    id_number: str = ""
    id_kind: IdKind | None = None
    birth_date: date | None = None
    sex: str = ""  # "Nam" / "Nữ" / ""
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass
class ComponentLine:
    """One component of one dossier: what was received and how it was digitised."""

    code: str
    name: str
    form: Form = Form.ORIGINAL
    quantity: int = 1
    received: bool = True
    required: bool = True
    must_digitise: bool = False
    digitisation: Digitisation = Digitisation.PENDING
    reuse_source: str = ""  # "VNeID", "CSDLQG dân cư", dossier code, ...
    file_path: str = ""  # relative to the home's files/
    file_sha256: str = ""
    file_bytes: int = 0
    file_pages: int = 0
    note: str = ""
    id: int | None = field(default=None, compare=False)  # database row id, once stored


@dataclass
class Dossier:
    """A dossier (hồ sơ) at this desk, in its current state."""

    id: str
    code: str
    procedure_code: str
    procedure_name: str
    applicant: Applicant
    received_at: datetime
    due_at: datetime | None
    status: Status = Status.RECEIVED
    channel: Channel = Channel.COUNTER
    delivery: Delivery = Delivery.COUNTER
    sets: int = 1
    register_book: str = ""
    register_line: int = 0
    clerk: str = ""
    notes: str = ""
    desk_no: int = 0
    components: list[ComponentLine] = field(default_factory=list)
    paused_at: datetime | None = None  # set while a supplement request is outstanding
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    collected_by: str = ""
    satisfaction: str = ""
    updated_at: datetime | None = None
    desk_id: str = ""
    """The desk that took it in ("" for one not yet stored): it stays that desk's whoever acts on it later."""
    fee_due: FeeDue | None = None
    """The fee counted by the procedure's tariff at intake (pages, copies, amount), or None."""


@dataclass(frozen=True)
class Event:
    """One entry of the desk's gapless, hash-chained event log (the sync queue and audit trail)."""

    seq: int
    event_id: str
    desk_id: str
    dossier_code: str
    type: str
    at: datetime
    clerk: str
    payload: dict
    prev_hash: str
    hash: str
    synced: str = ""  # "" pending, "bundle:<name>", "hub:<ack id>"


class Role(StrEnum):
    """What an operator account may do: a supervisor also refuses, stops, withdraws, catches up a backdated
    intake, changes settings and manages the accounts."""

    CLERK = "clerk"
    SUPERVISOR = "supervisor"


@dataclass(frozen=True)
class Operator:
    """Who is at the desk: an operator account, signed in."""

    login: str
    """The account's key: its name folded (case, diacritics and đ ignored)."""
    name: str
    """The full name, recorded on events and printed as the receiving clerk."""
    role: Role

    @property
    def is_supervisor(self) -> bool:
        return self.role is Role.SUPERVISOR


DEFAULT_UNIT_NAME = "Trung tâm Phục vụ hành chính công"
"""A commune's counter since 1/7/2025; "Bộ phận Tiếp nhận và Trả kết quả" is now the ministries' name."""


@dataclass(frozen=True)
class Agency:
    """The agency and desk this home belongs to, as printed on every document."""

    code: str
    name: str
    desk_no: int
    desk_id: str
    place: str = ""
    parent_name: str = ""  # e.g. "UBND XÃ ..." printed above the agency name
    unit_name: str = DEFAULT_UNIT_NAME
    """The counter's unit, printed under the agency name on every form."""


@dataclass
class OfficeHours:
    """Office hours and the same-day cut-off (``[hours]`` of ``desk.toml``; DOMAIN.md gives common values)."""

    morning: tuple[time, time] = (time(7, 0), time(11, 30))
    """Start and end of the morning segment."""
    afternoon: tuple[time, time] = (time(13, 30), time(17, 0))
    """Start and end of the afternoon segment."""
    same_day_cutoff: time = time(15, 0)
    """Same-day procedures received after this are due the next working day."""
    working_week: tuple[int, ...] = (1, 2, 3, 4, 5)
    """ISO weekdays the office works (1 = Monday)."""
    day_hours: int = 8
    """One working day counts this many working hours."""


@dataclass(frozen=True)
class PrintSettings:
    """What the printed documents need of a desk's settings; the core builds it from ``desk.toml``.

    ``printing`` reads only this (never the settings file), so the PDF side depends on
    nothing but the models.
    """

    agency: Agency
    clerk: str = ""
    """Printed as the receiving clerk when the dossier names none."""
    register_book: str = "01"
    """The register book (quyển số) printed on the receipt and Mẫu 07."""
    lookup_url: str = ""
    """The start of the receipt's QR code (the portal's lookup page), or "" for ``motcua:``."""
    font_regular: str = ""
    """A TrueType file to print in instead of Be Vietnam Pro ("" for the bundled font)."""
    font_bold: str = ""
    """Its bold companion ("" for the regular file, or Be Vietnam Pro Bold)."""
    day_hours: int = 8
    """Working hours in a day, to write how long a dossier is overdue."""


@dataclass
class DossierDocument:
    """Everything a renderer needs for one document of a dossier: the receipt or Mẫu 02, 03, 04."""

    kind: str
    """"receipt", "supplement", "refusal", "apology", "stop" (Mẫu 05) or "control" (Mẫu 06)."""
    dossier: Dossier
    procedure: Procedure | None
    """The catalogue's procedure, or None when it left the catalogue (the dossier's own copy of the name is printed)."""
    issued: datetime
    """The date in the letter's header (the request or refusal it repeats, else now)."""
    key: bytes = b""
    """The agency key that signs the receipt's QR code."""
    missing: list[tuple[str, str]] = field(default_factory=list)
    """Mẫu 02: (component or content, reason) rows."""
    note: str = ""
    """Mẫu 02: the clerk's note."""
    reason: str = ""
    """Mẫu 03: why refused; Mẫu 04: why late."""
    new_due: datetime | None = None
    """Mẫu 04: the new appointment."""
    steps: list[tuple[str, datetime, str]] = field(default_factory=list)
    """Mẫu 06: the dossier's way so far, (what happened, when, who), oldest first."""


@dataclass
class GuidanceDocument:
    """Mẫu 02 for a dossier that was not taken in (no receipt, no dossier code): what the citizen must complete."""

    procedure: Procedure
    missing: list[tuple[str, str]]
    """(component or content, reason) rows."""
    issued: datetime
    name: str = ""
    """The citizen's name, if they gave it."""
    clerk: str = ""
    """Who guided them (signs as the guiding clerk)."""
