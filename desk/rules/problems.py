"""Problems: what went wrong, as data (a code, the field, parameters), never as a sentence.

The core raises them inside a :class:`desk.errors.DeskError` (or returns them:
warnings, ``desk verify``'s findings, a receipt's verdict); the CLI's English
formatter (``desk.cli.wording``) and the TUI's vi/en catalogue
(``screens.i18n``) make the words. A code is dotted and stable
(``id_number.century``); parameters are plain values (str, int, date, a
tuple of str, …).

The formatters share the template language of :func:`fill`: ``str.format``
with the parameters (and ``field``), where a sequence is listed with commas
and a format spec holding ``|`` chooses a form by a count, so that no
catalogue says "1 pages"::

    "{pages:# page|# pages}"                     1 page · 3 pages
    "{allowed:none (the dossier is closed)|#|#}"  zero | one | other; "#" is the value
    "{code:|, code #|, code #}"                   a text: zero form when empty, else the other
"""

from __future__ import annotations

import dataclasses
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from enum import Enum
from pathlib import PurePath
from types import MappingProxyType
from typing import Any

CODE_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input or a state, for a formatter to put into words."""

    code: str
    """Stable dotted key, e.g. ``id_number.century``; the formatters' catalogues are keyed by it."""
    field: str | None = None
    """The input field it is about (``id_number``), or None."""
    params: Mapping[str, Any] = dataclasses.field(default_factory=lambda: MappingProxyType({}))
    """Values the words need (``{"digit": 8, "year": 2399}``)."""

    def __hash__(self) -> int:
        # parameters may hold lists; equal problems have equal codes and fields
        return hash((self.code, self.field))

    def __str__(self) -> str:
        # for logs and tracebacks only; people read the formatters' words
        where = f" [{self.field}]" if self.field else ""
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.code}{where}" + (f" ({args})" if args else "")

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled across the bundle reader's process boundary, problems inside its parameters included
        return (self.__class__, (self.code, self.field, dict(self.params)))

    def as_json(self) -> dict[str, Any]:
        """``{"code", "field", "params"}`` with every parameter a JSON value (dates as ISO 8601)."""
        return {"code": self.code, "field": self.field, "params": {k: _jsonable(v) for k, v in self.params.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Problem:
        """The problem :meth:`as_json` gave (a recorded outcome read back); a parameter that was a
        problem comes back as one."""
        params = {k: _from_json(v) for k, v in (data.get("params") or {}).items()}
        return cls(str(data["code"]), data.get("field"), MappingProxyType(params))


def _from_json(value: Any) -> Any:
    if is_problem_json(value):
        return Problem.from_json(value)
    if isinstance(value, list) and value and all(map(is_problem_json, value)):
        return tuple(map(Problem.from_json, value))
    return value


def is_problem_json(value: Any) -> bool:
    """Whether ``value`` is what :meth:`Problem.as_json` gives."""
    return isinstance(value, Mapping) and set(value) == {"code", "field", "params"} and isinstance(value["code"], str)


def problem(code: str, /, field: str | None = None, **params: Any) -> Problem:
    """A :class:`Problem` written like a raise: ``problem("id_number.old_id", field="id_number")``."""
    return Problem(code, field, MappingProxyType(params))


def is_code(text: str) -> bool:
    """Whether ``text`` is a problem code rather than prose."""
    return bool(CODE_RE.match(text))


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Problem):
        return value.as_json()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return repr(value)


# --- the formatters' template language ---------------------------------------------


def _listed(value: Any) -> bool:
    return isinstance(value, (list, tuple, set, frozenset))


class _Template(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" in format_spec:
            forms = format_spec.split("|")
            if len(forms) not in (2, 3):
                raise ValueError(f"a plural spec has two or three forms, not {format_spec!r}")
            zero, one, other = forms if len(forms) == 3 else (forms[1], forms[0], forms[1])
            if isinstance(value, str):  # a text: the zero form when it is empty, else the other form
                form = other if value else zero
            else:
                count = len(value) if _listed(value) else value
                form = zero if count == 0 else one if count == 1 else other
            return form.replace("#", self.format_field(value, ""))
        if _listed(value) and not format_spec:
            return ", ".join(str(v) for v in value)
        if isinstance(value, Enum) and not format_spec:
            return str(value.value)
        return super().format_field(value, format_spec)


_TEMPLATE = _Template()


def fill(template: str, params: Mapping[str, Any]) -> str:
    """``template`` with ``params`` put in (see the module's docstring for lists and plurals)."""
    return _TEMPLATE.vformat(template, (), dict(params))


def placeholders(template: str) -> set[str]:
    """The parameter names a template uses (for the catalogues' parity tests)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}
