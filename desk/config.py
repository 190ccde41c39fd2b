"""The desk's home and its ``desk.toml``: paths resolved once, settings typed.

Home: ``--home DIR``, else ``$DESK_HOME``, else platformdirs' user data dir.
Everything of one desk lives there, owner-only.
"""

from __future__ import annotations

import os
import re
import secrets
import tomllib
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, time
from pathlib import Path

from desk.errors import HomeError, InvalidInput
from desk.models import Agency

CONFIG_NAME = "desk.toml"
DB_NAME = "desk.sqlite3"
KEY_NAME = "agency.key"
SUBDIRS = ("files", "outbox", "inbox", "printed")

AGENCY_CODE_RE = re.compile(r"^[0-9A-Z]+(\.[0-9A-Z]+)*$")


def resolve_home(explicit: str | os.PathLike | None = None) -> Path:
    """The home directory: explicit option, then ``DESK_HOME``, then the platform default."""
    if explicit:
        return Path(explicit).expanduser().absolute()
    env = os.environ.get("DESK_HOME")
    if env:
        return Path(env).expanduser().absolute()
    import platformdirs

    return Path(platformdirs.user_data_dir("motcua-desk", appauthor=False))


@dataclass
class OfficeHours:
    """Office hours and the same-day cut-off (configurable; DOMAIN.md gives common values)."""

    morning: tuple[time, time] = (time(7, 0), time(11, 30))
    afternoon: tuple[time, time] = (time(13, 30), time(17, 0))
    same_day_cutoff: time = time(15, 0)
    working_week: tuple[int, ...] = (1, 2, 3, 4, 5)  # ISO weekdays
    day_hours: int = 8  # one working day counts this many working hours


@dataclass
class Settings:
    """Everything in ``desk.toml``."""

    agency: Agency
    clerk: str = ""
    language: str = "vi"
    hours: OfficeHours = field(default_factory=OfficeHours)
    extra_days_off: tuple[date, ...] = ()
    extra_working_days: tuple[date, ...] = ()
    paper: str = "a4"
    copies: int = 2
    printer: str = ""
    font_regular: str = ""
    font_bold: str = ""
    lookup_url: str = ""
    register_book: str = "01"
    sync_endpoint: str = ""
    sync_token: str = ""
    export_dir: str = ""
    max_file_mb: int = 50
    hub_tokens: tuple[str, ...] = ()


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
        if not self.exists():
            raise HomeError(
                f"no desk here: {self.root} has no {CONFIG_NAME}. "
                "Run `desk init --agency-code CODE --agency-name NAME` first, or pass --home DIR."
            )

    def ensure_dirs(self) -> None:
        """Create the home and its folders, owner-only."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.root, 0o700)
        for name in SUBDIRS:
            p = self.root / name
            p.mkdir(exist_ok=True, mode=0o700)


def _hhmm(value: str, what: str) -> time:
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{CONFIG_NAME}: {what} = {value!r} is not a time HH:MM", field=what) from exc


def _dates(values, what: str) -> tuple[date, ...]:
    out = []
    for v in values or ():
        if isinstance(v, date):
            out.append(v)
            continue
        try:
            out.append(date.fromisoformat(str(v)))
        except ValueError as exc:
            raise InvalidInput(f"{CONFIG_NAME}: {what} has {v!r}, not a date YYYY-MM-DD", field=what) from exc
    return tuple(sorted(out))


def validate_agency_code(code: str) -> str:
    code = code.strip().upper()
    if not code or len(code) > 35 or not AGENCY_CODE_RE.match(code):
        raise InvalidInput(
            f"agency code {code!r}: up to 35 characters of 0-9, A-Z and dots "
            "(for example 000.00.12.H29 or H56.14)",
            field="agency-code",
        )
    return code


def load_settings(home: Home) -> Settings:
    home.require()
    try:
        raw = tomllib.loads(home.config.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{home.config}: not valid TOML ({exc})") from exc
    a = raw.get("agency", {})
    try:
        agency = Agency(
            code=str(a["code"]),
            name=str(a["name"]),
            desk_no=int(a.get("desk_no", 0)),
            desk_id=str(a["desk_id"]),
            place=str(a.get("place", "")),
            parent_name=str(a.get("parent_name", "")),
        )
    except KeyError as exc:
        raise InvalidInput(f"{home.config}: [agency] lacks {exc.args[0]}") from exc
    d = raw.get("desk", {})
    h = raw.get("hours", {})
    c = raw.get("calendar", {})
    p = raw.get("printing", {})
    s = raw.get("sync", {})
    f = raw.get("files", {})
    hub = raw.get("hub", {})
    defaults = OfficeHours()
    hours = OfficeHours(
        morning=tuple(_hhmm(x, "hours.morning") for x in h.get("morning", ["07:00", "11:30"])),
        afternoon=tuple(_hhmm(x, "hours.afternoon") for x in h.get("afternoon", ["13:30", "17:00"])),
        same_day_cutoff=_hhmm(h.get("same_day_cutoff", "15:00"), "hours.same_day_cutoff"),
        working_week=tuple(int(x) for x in h.get("working_week", defaults.working_week)),
        day_hours=int(h.get("day_hours", defaults.day_hours)),
    )
    return Settings(
        agency=agency,
        clerk=str(d.get("clerk", "")),
        language=str(d.get("language", "vi")),
        hours=hours,
        extra_days_off=_dates(c.get("extra_days_off"), "calendar.extra_days_off"),
        extra_working_days=_dates(c.get("extra_working_days"), "calendar.extra_working_days"),
        paper=str(p.get("paper", "a4")),
        copies=int(p.get("copies", 2)),
        printer=str(p.get("printer", "")),
        font_regular=str(p.get("font_regular", "")),
        font_bold=str(p.get("font_bold", "")),
        lookup_url=str(p.get("lookup_url", "")),
        register_book=str(p.get("register_book", "01")),
        sync_endpoint=str(s.get("endpoint", "")),
        sync_token=str(s.get("token", "")),
        export_dir=str(s.get("export_dir", "")),
        max_file_mb=int(f.get("max_file_mb", 50)),
        hub_tokens=tuple(str(t) for t in hub.get("tokens", ())),
    )


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, time):
        return _toml_value(v.strftime("%H:%M"))
    if isinstance(v, date):
        return _toml_value(v.isoformat())
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    s = str(v)
    s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{s}"'


def render_settings(s: Settings) -> str:
    """``desk.toml`` text for the settings (a small writer: tomllib only reads)."""
    sections = {
        "agency": {
            "code": s.agency.code,
            "name": s.agency.name,
            "desk_no": s.agency.desk_no,
            "desk_id": s.agency.desk_id,
            "place": s.agency.place,
            "parent_name": s.agency.parent_name,
        },
        "desk": {"clerk": s.clerk, "language": s.language},
        "hours": {
            "morning": list(s.hours.morning),
            "afternoon": list(s.hours.afternoon),
            "same_day_cutoff": s.hours.same_day_cutoff,
            "working_week": list(s.hours.working_week),
            "day_hours": s.hours.day_hours,
        },
        "calendar": {
            "extra_days_off": list(s.extra_days_off),
            "extra_working_days": list(s.extra_working_days),
        },
        "printing": {
            "paper": s.paper,
            "copies": s.copies,
            "printer": s.printer,
            "font_regular": s.font_regular,
            "font_bold": s.font_bold,
            "lookup_url": s.lookup_url,
            "register_book": s.register_book,
        },
        "sync": {"endpoint": s.sync_endpoint, "token": s.sync_token, "export_dir": s.export_dir},
        "files": {"max_file_mb": s.max_file_mb},
        "hub": {"tokens": list(s.hub_tokens)},
    }
    lines = ["# motcua-desk settings; see docs/configuration.md", ""]
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in values.items()]
        lines.append("")
    return "\n".join(lines)


def write_private(path: Path, data: bytes) -> None:
    """Write a file owner-only, atomically (temp name, fsync, rename)."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def save_settings(home: Home, settings: Settings) -> None:
    write_private(home.config, render_settings(settings).encode("utf-8"))


def update_settings(home: Home, **changes) -> Settings:
    settings = replace(load_settings(home), **changes)
    save_settings(home, settings)
    return settings


def read_agency_key(home: Home) -> bytes:
    try:
        text = home.key.read_text(encoding="ascii").strip()
        return bytes.fromhex(text)
    except FileNotFoundError as exc:
        raise HomeError(f"{home.key} is missing: receipts cannot be signed or verified") from exc
    except ValueError as exc:
        raise InvalidInput(f"{home.key} is not a valid agency key") from exc


def init_home(
    home: Home,
    *,
    agency_code: str,
    agency_name: str,
    desk_no: int = 0,
    place: str = "",
    clerk: str = "",
    agency_key: bytes | None = None,
) -> Settings:
    """Create a new desk home; refuses an existing one rather than overwrite it."""
    if home.exists():
        raise HomeError(f"{home.root} already holds a desk ({CONFIG_NAME}); refusing to overwrite it")
    code = validate_agency_code(agency_code)
    if not agency_name.strip():
        raise InvalidInput("agency name is empty", field="agency-name")
    if not 0 <= desk_no <= 9:
        raise InvalidInput(f"desk number {desk_no}: must be 0 (single desk) or 1–9", field="desk-no")
    if agency_key is not None and len(agency_key) < 16:
        raise InvalidInput("the agency key file is too short", field="agency-key")
    try:
        home.ensure_dirs()
    except OSError as exc:
        raise HomeError(f"cannot create the home at {home.root}: {exc.strerror or exc}", field="home") from exc
    settings = Settings(
        agency=Agency(
            code=code,
            name=agency_name.strip(),
            desk_no=desk_no,
            desk_id=str(uuid.uuid4()),
            place=place.strip(),
        ),
        clerk=clerk.strip(),
        # each desk keeps its own register book, so merged registers at a hub never share a book number
        register_book=f"{max(desk_no, 1):02d}",
    )
    try:
        write_private(home.key, (agency_key or secrets.token_bytes(32)).hex().encode("ascii") + b"\n")
        save_settings(home, settings)
    except OSError as exc:
        home.key.unlink(missing_ok=True)
        raise HomeError(f"cannot write the settings in {home.root}: {exc.strerror or exc}", field="home") from exc
    return settings
