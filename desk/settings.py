"""The table of settings of ``desk.toml``: every setting's key, kind, default and line of documentation.

:data:`SCHEMA` is the one list of settings (``section.key``, kind, default, a
line of documentation) and :class:`Settings` the typed values a home holds.
Reading (tomllib), checking, the defaults and writing (tomlkit, so that a
person's comments and order in ``desk.toml`` survive a ``desk clerk``) all derive
from it, in ``desk.config``; ``docs/configuration.md`` lists the same table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any, Final

from desk.models import DEFAULT_UNIT_NAME, Agency, OfficeHours

# kinds of value; each is also the ``expected`` parameter of a ``config.type`` problem
TEXT: Final = "text"
INTEGER: Final = "integer"
TIME: Final = "time"  # "HH:MM"
TIME_PAIR: Final = "time_pair"  # ["HH:MM", "HH:MM"]
INTEGERS: Final = "integers"
DATES: Final = "dates"  # ["YYYY-MM-DD", ...]
TEXTS: Final = "texts"
BOOLEAN: Final = "boolean"  # true / false

_REQUIRED: Final = object()
_HOURS = OfficeHours()  # the office hours' defaults live with the rules' data (desk.models)


@dataclass(frozen=True)
class Setting:
    """One setting of ``desk.toml``."""

    key: str
    """``section.key`` as written in the file (``printing.copies``)."""
    kind: str
    """How its value is written: one of TEXT, INTEGER, BOOLEAN, TIME, TIME_PAIR, INTEGERS, DATES, TEXTS."""
    default: Any
    """The value when the file leaves it out; ``_REQUIRED`` when it may not."""
    doc: str
    """One line for people: the comment ``desk init`` writes and the line in docs/configuration.md."""
    attr: str
    """Where it lives in :class:`Settings` (``copies``, ``agency.code``, ``hours.morning``)."""
    minimum: int | None = None
    maximum: int | None = None

    @property
    def section(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.key.split(".", 1)[1]

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED


# fmt: off
SCHEMA: tuple[Setting, ...] = (
    # key                          kind       default                 doc                                                            attr                   min  max
    Setting("agency.code",         TEXT,      _REQUIRED,              "agency electronic identifier (0-9, A-Z, dots; ≤ 35)",          "agency.code"),
    Setting("agency.name",         TEXT,      _REQUIRED,              "printed on every document",                                    "agency.name"),
    Setting("agency.desk_no",      INTEGER,   0,                      "0 (single desk) or 1–9: the code partition",                   "agency.desk_no",      0, 9),
    Setting("agency.desk_id",      TEXT,      _REQUIRED,              "identifies this desk's event log; never change it",            "agency.desk_id"),
    Setting("agency.place",        TEXT,      "",                     "printed before the date: “Minh Khai, ngày … tháng … năm …”; empty = the commune of agency.name", "agency.place"),
    Setting("agency.parent_name",  TEXT,      "",                     "optional line above the agency name",                          "agency.parent_name"),
    Setting("agency.unit_name",    TEXT,      DEFAULT_UNIT_NAME,      "the counter's unit, printed under the agency name on every form", "agency.unit_name"),
    Setting("desk.clerk",          TEXT,      "",                     "recorded on every event, printed as NGƯỜI TIẾP NHẬN HỒ SƠ",    "clerk"),
    Setting("desk.language",       TEXT,      "vi",                   "TUI language: vi or en",                                       "language"),
    Setting("hours.morning",       TIME_PAIR, _HOURS.morning,         "start and end of the morning",                                 "hours.morning"),
    Setting("hours.afternoon",     TIME_PAIR, _HOURS.afternoon,       "start and end of the afternoon",                               "hours.afternoon"),
    Setting("hours.same_day_cutoff", TIME,    _HOURS.same_day_cutoff, "same-day procedures received later are due the next working day", "hours.same_day_cutoff"),
    Setting("hours.working_week",  INTEGERS,  _HOURS.working_week,    "ISO weekdays (1 = Monday)",                                    "hours.working_week"),
    Setting("hours.day_hours",     INTEGER,   _HOURS.day_hours,       "one working day counts this many working hours",               "hours.day_hours"),
    Setting("calendar.extra_days_off", DATES, (),                     "local days off (any year), on top of public holidays",         "extra_days_off"),
    Setting("calendar.extra_working_days", DATES, (),                 "e.g. a Saturday worked in exchange for a bridge day",          "extra_working_days"),
    Setting("calendar.pending_days_off", BOOLEAN, True,               "count pending days (24/11, not yet in the law) as days off; false = as working days", "pending_days_off"),
    Setting("printing.paper",      TEXT,      "a4",                   "a4, a5 or 80mm",                                               "paper"),
    Setting("printing.copies",     INTEGER,   2,                      "copies (liên) of a receipt",                                   "copies",              0, 99),
    Setting("printing.printer",    TEXT,      "",                     "CUPS printer name; empty = the default printer",               "printer"),
    Setting("printing.font_regular", TEXT,    "",                     "a TTF to use instead of Be Vietnam Pro",                       "font_regular"),
    Setting("printing.font_bold",  TEXT,      "",                     "the bold TTF that goes with font_regular",                     "font_bold"),
    Setting("printing.lookup_url", TEXT,      "",                     "prefix of the receipt QR; empty = “motcua:”",                  "lookup_url"),
    Setting("printing.register_book", TEXT,   "01",                   "Sổ theo dõi hồ sơ, quyển số (init: the desk number, 01 for desk 0)", "register_book"),
    Setting("sync.endpoint",       TEXT,      "",                     "the hub's URL for `desk sync`",                                "sync_endpoint"),
    Setting("sync.token",          TEXT,      "",                     "bearer token given by the hub",                                "sync_token"),
    Setting("sync.ca_file",        TEXT,      "",                     "PEM file of the CA that signed an https:// hub's certificate; empty = the system's", "sync_ca_file"),
    Setting("sync.hub_key",        TEXT,      "",                     "the hub's public key (base64), pinned by `desk hub-key set`; a push checks the hub's answers with it", "sync_hub_key"),
    Setting("sync.export_dir",     TEXT,      "",                     "default folder for bundles (e.g. the USB stick's mount)",      "export_dir"),
    Setting("portal.url",          TEXT,      "",                     "on a hub: the provincial system / national portal's sync URL (https://…); when set, the home's own counter's dossiers are forwarded too; empty = no forwarding (docs/forwarding.md)", "portal_url"),
    Setting("portal.username",     TEXT,      "",                     "on a hub: the account forwarding signs in with",               "portal_username"),
    Setting("portal.password_file", TEXT,     "",                     "on a hub: a file (owner-only) holding that account's password; empty = the variable DESK_PORTAL_PASSWORD", "portal_password_file"),
    Setting("portal.madonvi",      TEXT,      "",                     "on a hub: the unit code (madonvi) every call carries; empty = agency.code", "portal_madonvi"),
    Setting("portal.ca_file",      TEXT,      "",                     "PEM file of the CA of the portal's certificate; empty = the system's", "portal_ca_file"),
    Setting("portal.timeout_s",    INTEGER,   30,                     "seconds to wait for each answer of the portal",                "portal_timeout_s",    1, 600),
    Setting("portal.max_attempts", INTEGER,   10,                     "failed attempts (no answer, 5xx) before a record is set aside as failed", "portal_max_attempts", 1, 1000),
    Setting("portal.retry_base_s", INTEGER,   30,                     "the first wait after a failed attempt; it doubles each time (with jitter)", "portal_retry_base_s", 1, 86_400),
    Setting("portal.retry_max_s",  INTEGER,   3600,                   "the longest wait between two attempts",                        "portal_retry_max_s",  1, 86_400),
    Setting("portal.lease_s",      INTEGER,   300,                    "how long a worker holds a record it took; a killed worker's records are taken again after it", "portal_lease_s", 10, 86_400),
    Setting("files.max_file_mb",   INTEGER,   50,                     "larger scans are refused",                                     "max_file_mb",         1, 10_000),
    Setting("operators.max_failures", INTEGER, 5,                     "wrong passwords in a row that lock an operator account",       "max_failures",        1, 100),
    Setting("operators.lockout_minutes", INTEGER, 15,                 "how long a locked account waits before it may try again",      "lockout_minutes",     1, 1440),
    Setting("operators.idle_lock_minutes", INTEGER, 10,               "the TUI locks after this many minutes without a key (0 = never)", "idle_lock_minutes", 0, 480),
    Setting("operators.token_days", INTEGER, 30,                      "days a script token (`desk operator token`) stays valid",      "token_days",          1, 365),
    Setting("signer.kind",         TEXT,      "",                     "pkcs12 or pkcs11 (`desk signer set`); empty = no signer: scans are kept unsigned", "signer_kind"),
    Setting("signer.pkcs12",       TEXT,      "",                     "the clerk's PKCS#12 file, copied into the home (its passphrase is never stored)", "signer_pkcs12"),
    Setting("signer.pkcs11_lib",   TEXT,      "",                     "the USB token's PKCS#11 library",                              "signer_pkcs11_lib"),
    Setting("signer.token",        TEXT,      "",                     "the token's label",                                            "signer_token"),
    Setting("signer.key_label",    TEXT,      "",                     "the label of the signing key and its certificate on the token", "signer_key_label"),
    Setting("signer.timestamp_url", TEXT,     "",                     "an RFC 3161 timestamp server: signatures become PAdES B-T; empty = B-B", "timestamp_url"),
    Setting("targets.on_time",     INTEGER,   96,                     "QĐ 766 2.1, percent: on time must be above it (the province's target)", "target_on_time", 0, 100),
    Setting("targets.satisfaction", INTEGER,  90,                     "QĐ 766 5.4, percent: satisfaction at least this",              "target_satisfaction", 0, 100),
    Setting("targets.digitisation", INTEGER,  100,                    "QĐ 766 4.2, percent: dossiers digitised at least this",         "target_digitisation", 0, 100),
    Setting("targets.results",     INTEGER,   90,                     "QĐ 766 4.1, percent: results issued electronically at least this", "target_results", 0, 100),
    Setting("targets.reuse",       INTEGER,   80,                     "QĐ 766 4.3, percent: accepted dossiers reusing data at least this", "target_reuse", 0, 100),
    Setting("targets.online_payment", INTEGER, 40,                    "QĐ 766 3.6, percent: fee-bearing dossiers paid online at least this", "target_online_payment", 0, 100),
    Setting("hub.tokens",          TEXTS,     (),                     "on a hub: SHA-256 digests of the tokens `desk hub serve` accepts (`desk hub token add`)", "hub_tokens"),
    Setting("hub.agencies",        TEXTS,     (),                     "on a hub: the agency codes whose desks it enrols (a provincial hub lists them); empty = agency.code only", "hub_agencies"),
    Setting("hub.database",        TEXT,      "",                     "on a hub: where it keeps what desks send; empty = this home's SQLite (a commune), or postgresql://user@host/db (a province; docs/hub.md)", "hub_database"),
    Setting("hub.accept_unenrolled", BOOLEAN, False,                  "on a hub, for a transition only: take bundles and pushes from desks not enrolled (unchecked); enrolled desks are always checked", "hub_accept_unenrolled"),
)
# fmt: on
"""Every setting of ``desk.toml``, in the order ``desk init`` writes them."""

BY_KEY: dict[str, Setting] = {s.key: s for s in SCHEMA}
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(s.section for s in SCHEMA))


def _default(key: str) -> Any:
    return BY_KEY[key].default


@dataclass
class Settings:
    """Everything in ``desk.toml`` (see :data:`SCHEMA` for each one's meaning)."""

    agency: Agency
    clerk: str = _default("desk.clerk")
    language: str = _default("desk.language")
    hours: OfficeHours = field(default_factory=OfficeHours)
    extra_days_off: tuple[date, ...] = _default("calendar.extra_days_off")
    extra_working_days: tuple[date, ...] = _default("calendar.extra_working_days")
    pending_days_off: bool = _default("calendar.pending_days_off")
    paper: str = _default("printing.paper")
    copies: int = _default("printing.copies")
    printer: str = _default("printing.printer")
    font_regular: str = _default("printing.font_regular")
    font_bold: str = _default("printing.font_bold")
    lookup_url: str = _default("printing.lookup_url")
    register_book: str = _default("printing.register_book")
    sync_endpoint: str = _default("sync.endpoint")
    sync_token: str = _default("sync.token")
    sync_ca_file: str = _default("sync.ca_file")
    export_dir: str = _default("sync.export_dir")
    portal_url: str = _default("portal.url")
    portal_username: str = _default("portal.username")
    portal_password_file: str = _default("portal.password_file")
    portal_madonvi: str = _default("portal.madonvi")
    portal_ca_file: str = _default("portal.ca_file")
    portal_timeout_s: int = _default("portal.timeout_s")
    portal_max_attempts: int = _default("portal.max_attempts")
    portal_retry_base_s: int = _default("portal.retry_base_s")
    portal_retry_max_s: int = _default("portal.retry_max_s")
    portal_lease_s: int = _default("portal.lease_s")
    max_file_mb: int = _default("files.max_file_mb")
    max_failures: int = _default("operators.max_failures")
    lockout_minutes: int = _default("operators.lockout_minutes")
    idle_lock_minutes: int = _default("operators.idle_lock_minutes")
    token_days: int = _default("operators.token_days")
    signer_kind: str = _default("signer.kind")
    signer_pkcs12: str = _default("signer.pkcs12")
    signer_pkcs11_lib: str = _default("signer.pkcs11_lib")
    signer_token: str = _default("signer.token")
    signer_key_label: str = _default("signer.key_label")
    timestamp_url: str = _default("signer.timestamp_url")
    hub_tokens: tuple[str, ...] = _default("hub.tokens")
    hub_agencies: tuple[str, ...] = _default("hub.agencies")
    hub_accept_unenrolled: bool = _default("hub.accept_unenrolled")
    hub_database: str = _default("hub.database")
    sync_hub_key: str = _default("sync.hub_key")
    target_on_time: int = _default("targets.on_time")
    target_satisfaction: int = _default("targets.satisfaction")
    target_digitisation: int = _default("targets.digitisation")
    target_results: int = _default("targets.results")
    target_reuse: int = _default("targets.reuse")
    target_online_payment: int = _default("targets.online_payment")


# --- a setting's value -----------------------------------------------------------------


def setting_value(settings: Settings, setting: Setting) -> Any:
    """The value of one setting in ``settings``."""
    holder: Any = settings
    for part in setting.attr.split("."):
        holder = getattr(holder, part)
    return holder


def toml_value(value: Any) -> Any:
    """A setting's value as TOML writes it: times "HH:MM", dates "YYYY-MM-DD", tuples as arrays."""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [toml_value(x) for x in value]
    return value
