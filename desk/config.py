"""The desk's home and its ``desk.toml``: paths resolved once, settings in one typed table.

Home: ``--home DIR``, else ``$DESK_HOME``, else platformdirs' user data dir.
Everything of one desk lives there, owner-only.

:data:`SCHEMA` is the one list of settings (``section.key``, kind, default, a
line of documentation). Reading (tomllib), checking, the defaults and writing
(tomlkit, so that a person's comments and order in ``desk.toml`` survive a
``desk clerk``) all derive from it; ``docs/configuration.md`` lists the same table.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tomllib
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Final

from desk.errors import HomeError, InvalidInput
from desk.fsio import atomic_write
from desk.models import DEFAULT_UNIT_NAME, Agency, OfficeHours

CONFIG_NAME = "desk.toml"
DB_NAME = "desk.sqlite3"
KEY_NAME = "agency.key"
SUBDIRS = ("files", "outbox", "inbox", "printed")

AGENCY_CODE_RE = re.compile(r"^[0-9A-Z]+(\.[0-9A-Z]+)*$")


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The home directory: explicit option, then ``DESK_HOME``, then the platform default."""
    if explicit:
        return Path(explicit).expanduser().absolute()
    env = os.environ.get("DESK_HOME")
    if env:
        return Path(env).expanduser().absolute()
    import platformdirs  # ~12 ms at start-up, and only a desk without --home or DESK_HOME needs it

    return Path(platformdirs.user_data_dir("motcua-desk", appauthor=False))


# --- the table of settings ------------------------------------------------------

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


# --- the home ------------------------------------------------------------------------


@dataclass(frozen=True)
class Home:
    """Paths of one desk's home."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def db(self) -> Path:
        return self.root / DB_NAME

    @property
    def key(self) -> Path:
        return self.root / KEY_NAME

    @property
    def files(self) -> Path:
        return self.root / "files"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def printed(self) -> Path:
        return self.root / "printed"

    def exists(self) -> bool:
        return self.config.is_file()

    def require(self) -> None:
        """Raise ``home.missing`` unless the home holds a desk."""
        if not self.exists():
            raise HomeError("home.missing", field="home", path=str(self.root), config=CONFIG_NAME)

    def ensure_dirs(self) -> None:
        """Create the home and its folders, owner-only."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.root, 0o700)
        for name in SUBDIRS:
            p = self.root / name
            p.mkdir(exist_ok=True, mode=0o700)


# --- reading ----------------------------------------------------------------------------


def _type_error(setting: Setting, value: object) -> InvalidInput:
    return InvalidInput("config.type", field=setting.key, key=setting.key, value=_shown(value), expected=setting.kind)


def _shown(value: object) -> str:
    """A value as TOML writes it (``"two"``, ``true``, ``["07:00"]``), for a problem's ``value``."""
    if isinstance(value, (date, time)):
        return value.isoformat()
    text = "{…}" if isinstance(value, dict) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:80] + "…"


_ITEM_KIND = {TIME_PAIR: TIME, INTEGERS: INTEGER, DATES: "date", TEXTS: TEXT}  # kinds of list → of their items


def _parsed(parse: Callable[[str], Any], value: object) -> Any:
    try:
        return parse(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _scalar(setting: Setting, kind: str, value: object) -> Any:
    """One value of ``kind`` (text, integer, time, date) as TOML gave it, or ``config.type``."""
    if kind == TEXT and isinstance(value, str):
        return value
    if kind == INTEGER and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == BOOLEAN and isinstance(value, bool):
        return value
    if kind == TIME:
        t = value if isinstance(value, time) else _parsed(time.fromisoformat, value)
        if t is not None and t.tzinfo is None:
            return t
    if kind == "date":
        d = value if isinstance(value, date) and not isinstance(value, datetime) else _parsed(date.fromisoformat, value)
        if d is not None:
            return d
    raise _type_error(setting, value)


def _value(setting: Setting, raw: object) -> Any:
    """The typed value of one setting as read from the file; raises ``config.type``/``config.range``."""
    kind = setting.kind
    if kind not in _ITEM_KIND:
        value = _scalar(setting, kind, raw)
        low, high = setting.minimum, setting.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            raise InvalidInput(
                "config.range", field=setting.key, key=setting.key, value=_shown(value), minimum=low, maximum=high
            )
        return value
    if not isinstance(raw, list) or (kind == TIME_PAIR and len(raw) != 2):
        raise _type_error(setting, raw)
    items = tuple(_scalar(setting, _ITEM_KIND[kind], x) for x in raw)
    return tuple(sorted(items)) if kind == DATES else items


def _near(word: str, candidates: Iterable[str]) -> tuple[str, ...]:
    """The candidate closest to ``word``: none or one (a problem's ``did_you_mean``)."""
    import difflib  # only on the error path

    return tuple(difflib.get_close_matches(word, list(candidates), n=1))


def closest_setting(section: str, key: str) -> tuple[str, ...]:
    """The known ``section.key`` a misspelt or misplaced one most likely means: none or one."""
    if section in SECTIONS:
        near = _near(key, (s.name for s in SCHEMA if s.section == section))
        if near:
            return (f"{section}.{near[0]}",)
    elif (guess := f"{''.join(_near(section, SECTIONS))}.{key}") in BY_KEY:
        return (guess,)
    near = _near(key, (s.name for s in SCHEMA))  # the key may be right but in the wrong section
    return tuple(s.key for s in SCHEMA if s.name in near)[:1]


def _check_keys(raw: Mapping[str, Any]) -> None:
    """Refuse a section or key the table does not have, naming the closest known one."""
    for section, table in raw.items():
        if section not in SECTIONS and not (isinstance(table, dict) and table):
            near = _near(section, SECTIONS)
            raise InvalidInput("config.unknown_section", field=section, section=section, did_you_mean=near)
        if not isinstance(table, dict):
            raise InvalidInput("config.not_a_section", field=section, section=section)
        for key in table:
            if f"{section}.{key}" not in BY_KEY:
                near = closest_setting(section, key)
                raise InvalidInput(
                    "config.unknown_setting", field=f"{section}.{key}", section=section, key=key, did_you_mean=near
                )


def settings_from_toml(raw: Mapping[str, Any]) -> Settings:
    """Check a parsed ``desk.toml`` against :data:`SCHEMA` and build the settings.

    Raises ``InvalidInput`` with ``config.unknown_setting`` (and the closest known
    one), ``config.unknown_section``, ``config.not_a_section``, ``config.missing``,
    ``config.type`` (the key and the kind expected) or ``config.range``.
    """
    _check_keys(raw)
    values: dict[str, Any] = {}
    for setting in SCHEMA:
        table = raw.get(setting.section, {})
        if setting.name in table:
            values[setting.attr] = _value(setting, table[setting.name])
        elif setting.required:
            raise InvalidInput("config.missing", field=setting.key, key=setting.key)
        else:
            values[setting.attr] = setting.default
    agency = Agency(**{a.split(".", 1)[1]: v for a, v in values.items() if a.startswith("agency.")})
    hours = OfficeHours(**{a.split(".", 1)[1]: v for a, v in values.items() if a.startswith("hours.")})
    flat = {a: v for a, v in values.items() if "." not in a}
    return Settings(agency=agency, hours=hours, **flat)


def load_settings(home: Home) -> Settings:
    """The settings of an initialised home (raises ``home.missing``, ``config.toml`` or a check's problem)."""
    home.require()
    try:
        raw = tomllib.loads(home.config.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput("config.not_toml", field="config", path=str(home.config), detail=str(exc)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise HomeError("config.unreadable", field="config", path=str(home.config), detail=reason) from exc
    return settings_from_toml(raw)


# --- writing ----------------------------------------------------------------------------


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


def _toml_equal(a: Any, b: Any) -> bool:
    return toml_value(a) == toml_value(b)


def render_settings(settings: Settings) -> str:
    """A new ``desk.toml``: every setting, each with its line of documentation as a comment."""
    import tomlkit  # ~40 ms to import; only writing settings needs it

    doc = tomlkit.document()
    doc.add(tomlkit.comment("motcua-desk settings; see docs/configuration.md"))
    for section in SECTIONS:
        table = tomlkit.table()
        for setting in SCHEMA:
            if setting.section == section:
                item = tomlkit.item(toml_value(setting_value(settings, setting)))  # a bool too keeps its comment
                item.comment(setting.doc)
                item.trivia.comment_ws = "  "
                table.add(setting.name, item)
        doc.add(section, table)
    return tomlkit.dumps(doc)


def _merge(text: str, old: Settings, new: Settings) -> str:
    """``text`` (a home's ``desk.toml``) with the settings that differ between ``old`` and ``new`` changed.

    Everything else — comments, blank lines, order, settings left at their
    defaults — stays as the person wrote it.
    """
    import tomlkit  # ~40 ms to import; only writing settings needs it

    doc = tomlkit.parse(text)
    for setting in SCHEMA:
        value = setting_value(new, setting)
        if _toml_equal(value, setting_value(old, setting)):
            continue
        if setting.section not in doc:
            doc.add(setting.section, tomlkit.table())
        doc[setting.section][setting.name] = toml_value(value)
    return tomlkit.dumps(doc)


def save_settings(home: Home, settings: Settings) -> None:
    """Write the settings: changed values only in an existing file (comments survive), a full file otherwise.

    What is written is read back first, so a value of the wrong kind is refused
    (``config.type``) rather than written.
    """
    try:
        text = home.config.read_text(encoding="utf-8")
        old = settings_from_toml(tomllib.loads(text))
    except FileNotFoundError:
        rendered = render_settings(settings)
    else:
        rendered = _merge(text, old, settings)
    settings_from_toml(tomllib.loads(rendered))
    atomic_write(home.config, rendered.encode("utf-8"))


def update_settings(home: Home, **changes: Any) -> Settings:
    """Change some settings (by their :class:`Settings` attribute) and write them; returns the new settings."""
    settings = replace(load_settings(home), **changes)
    save_settings(home, settings)
    return settings


# --- the agency and its key -----------------------------------------------------------------


def read_agency_key(home: Home) -> bytes:
    """The agency key that signs receipt QR codes (``agency.key_missing`` / ``agency.key_invalid``)."""
    try:
        text = home.key.read_text(encoding="ascii").strip()
        return bytes.fromhex(text)
    except FileNotFoundError as exc:
        raise HomeError("agency_key.missing", field="agency-key", path=str(home.key)) from exc
    except ValueError as exc:  # not ASCII, or not hex
        raise InvalidInput("agency_key.invalid", field="agency-key", path=str(home.key)) from exc


def validate_agency_code(code: str) -> str:
    """The agency code, upper-cased; refuses (``agency.code_invalid``) anything but 0-9, A-Z and dots."""
    code = code.strip().upper()
    if not code or len(code) > 35 or not AGENCY_CODE_RE.match(code):
        raise InvalidInput("agency_code.invalid", field="agency-code", value=code)
    return code


def init_home(
    home: Home,
    *,
    agency_code: str,
    agency_name: str,
    desk_no: int = 0,
    place: str = "",
    clerk: str = "",
    agency_key: bytes | None = None,
    unit_name: str = "",
    key_passphrase: str | None = None,
) -> Settings:
    """Create a new desk home; refuses an existing one rather than overwrite it.

    The desk's signing key is made here too (``desk.keys``; under ``key_passphrase`` or
    ``$DESK_KEY_PASSPHRASE`` when given)."""
    if home.exists():
        raise HomeError("home.exists", field="home", path=str(home.root), config=CONFIG_NAME)
    code = validate_agency_code(agency_code)
    if not agency_name.strip():
        raise InvalidInput("agency_name.empty", field="agency-name")
    if not 0 <= desk_no <= 9:
        raise InvalidInput("desk_no.range", field="desk-no", desk_no=desk_no)
    if agency_key is not None and len(agency_key) < 16:
        raise InvalidInput("agency_key.too_short", field="agency-key", length=len(agency_key), minimum=16)
    try:
        home.ensure_dirs()
    except OSError as exc:
        raise HomeError(
            "home.create_failed", field="home", path=str(home.root), detail=exc.strerror or str(exc)
        ) from exc
    settings = Settings(
        agency=Agency(
            code=code,
            name=agency_name.strip(),
            desk_no=desk_no,
            desk_id=str(uuid.uuid4()),
            place=place.strip(),
            unit_name=unit_name.strip() or DEFAULT_UNIT_NAME,
        ),
        clerk=clerk.strip(),
        # each desk keeps its own register book, so merged registers at a hub never share a book number
        register_book=f"{max(desk_no, 1):02d}",
    )
    try:
        atomic_write(home.key, (agency_key or secrets.token_bytes(32)).hex().encode("ascii") + b"\n")
        from desk.keys import generate_desk_key, has_desk_key  # cryptography: only a new home needs it here

        if not has_desk_key(home):
            generate_desk_key(home, key_passphrase)
        save_settings(home, settings)
    except OSError as exc:
        home.key.unlink(missing_ok=True)
        raise HomeError(
            "home.write_failed", field="home", path=str(home.root), detail=exc.strerror or str(exc)
        ) from exc
    return settings
