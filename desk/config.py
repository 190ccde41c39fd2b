"""The desk's home and its ``desk.toml``: paths resolved once, settings read, checked and written.

Home: ``--home DIR``, else ``$DESK_HOME``, else platformdirs' user data dir.
Everything of one desk lives there, owner-only.

The settings are the one table of ``desk.settings`` (:data:`~desk.settings.SCHEMA`).
Reading (tomllib) checks a file against it, naming an unknown key's closest match
and a value's expected kind; writing (tomlkit) changes only what differs, so that
a person's comments and order in ``desk.toml`` survive a ``desk clerk``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tomllib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from desk.errors import HomeError, InvalidInput
from desk.fsio import atomic_write
from desk.models import DEFAULT_UNIT_NAME, Agency, OfficeHours
from desk.settings import (
    BOOLEAN,
    BY_KEY,
    DATES,
    INTEGER,
    INTEGERS,
    SCHEMA,
    SECTIONS,
    TEXT,
    TEXTS,
    TIME,
    TIME_PAIR,
    Setting,
    Settings,
    setting_value,
    toml_value,
)
from desk.text import closest

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


def closest_setting(section: str, key: str) -> tuple[str, ...]:
    """The known ``section.key`` a misspelt or misplaced one most likely means: none or one."""
    if section in SECTIONS:
        near = closest(key, (s.name for s in SCHEMA if s.section == section))
        if near:
            return (f"{section}.{near[0]}",)
    elif (guess := f"{''.join(closest(section, SECTIONS))}.{key}") in BY_KEY:
        return (guess,)
    near = closest(key, (s.name for s in SCHEMA))  # the key may be right but in the wrong section
    return tuple(s.key for s in SCHEMA if s.name in near)[:1]


def _check_keys(raw: Mapping[str, Any]) -> None:
    """Refuse a section or key the table does not have, naming the closest known one."""
    for section, table in raw.items():
        if section not in SECTIONS and not (isinstance(table, dict) and table):
            near = closest(section, SECTIONS)
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
