"""The TUI's catalogue: every user-facing string, and the words of the core's problems, in one language.

``vi`` and ``en`` hold the screens' strings (``STRINGS``), ``problems_vi`` and
``problems_en`` the words of the problem codes (``PROBLEMS``); both have the same
keys and placeholders in both languages. Keys of ``STRINGS`` are grouped by
prefix: ``key.*`` footer labels of bindings, ``cmd.<binding id>`` the palette's
namespaced commands, then one prefix per screen. Templates are
:func:`desk.rules.problems.fill` templates: a sequence is listed with commas and
``{pages:# page|# pages}`` picks a plural form by the count.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desk.catalog.values import PLACED_CODES, place_of
from desk.rules.problems import Problem, fill, is_code
from screens.i18n import en, problems_en, problems_vi, vi
from screens.i18n.os_errors import os_words_vi

CATALOGUES: dict[str, Mapping[str, str]] = {"vi": vi.STRINGS, "en": en.STRINGS}
PROBLEMS: dict[str, Mapping[str, str]] = {"vi": problems_vi.PROBLEMS, "en": problems_en.PROBLEMS}

PARAM_KEYS: dict[str, str] = {
    "field": "field",
    "status": "status",
    "action": "action",
    "actions": "action",
    "allowed": "action",
    "options": "field",
    "takes": "field",
    "fields": "qrfield",
    "setting": "setting",
    "kinds": "printkind",
    "periods": "reports.period",
    "names": "reports.rate",
    "applicant_kind": "applicant_kind",
}
"""Problem parameters whose values are names of things (a status, an action, a field), and the
prefix of the strings that say them: ``status=received`` is shown as ``STRINGS["status.received"]``.
A value with no string is shown as it is."""

OS_WORDS_PARAMS = frozenset({"detail", "reason", "error"})
"""Problem parameters that may hold the operating system's words (``exc.strerror``): said in Vietnamese."""


PLACE_WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "stored": "thủ tục đã lưu",
        "line": "dòng",
        "procedure": "thủ tục",
        "component": "thành phần",
        "fee": "lệ phí",
        "rate": "mức phí",
    },
    "en": {
        "stored": "stored procedure",
        "line": "line",
        "procedure": "procedure",
        "component": "component",
        "fee": "fee",
        "rate": "rate",
    },
}
"""How the TUI says where in a catalogue a fault was found (``desk.catalog.values.place_of``), and the
nouns of a catalogue's items (``noun="component"``)."""


class Strings:
    """Looks strings up in one language; a missing key is a bug caught by the tests."""

    def __init__(self, language: str = "vi") -> None:
        if language not in CATALOGUES:
            raise ValueError(f"unknown language {language!r}")
        self.language = language
        self._table = CATALOGUES[language]
        self._problems = PROBLEMS[language]

    def __call__(self, key: str, **values: Any) -> str:
        return fill(self._table[key], values) if values else self._table[key]

    def __contains__(self, key: str) -> bool:
        return key in self._table

    def knows(self, problem: Problem) -> bool:
        """Whether the catalogue has words for ``problem`` (every code of the core does)."""
        return problem.code in self._problems

    def problem(self, problem: Problem) -> str:
        """``problem`` in this language.

        A prose problem (a raise site not converted yet) is its own words; a code
        this version has no words for is shown as code and parameters, for IT.
        """
        template = self._problems.get(problem.code)
        if template is None:
            return str(problem) if is_code(problem.code) else problem.code
        params: dict[str, Any] = {"field": problem.field or ""}
        params.update(problem.params)
        words = fill(template, {name: self._name(name, value) for name, value in params.items()})
        if problem.code not in PLACED_CODES:
            return words
        # a catalogue's fault: where it was found first
        place = place_of(problem.params, PLACE_WORDS[self.language])
        return f"{place}: {words}" if problem.field is None else f"{place}, {problem.field}: {words}"

    def _name(self, param: str, value: Any) -> Any:
        if isinstance(value, Problem):  # a reason inside a problem (why a push gave up)
            return self.problem(value)
        if param in OS_WORDS_PARAMS and isinstance(value, str) and self.language == "vi":
            # the operating system's English ("No space left on device"), as the core recorded it
            return os_words_vi(value) or value
        if isinstance(value, (list, tuple)) and value and all(isinstance(v, Problem) for v in value):
            return "; ".join(self.problem(v) for v in value)  # the findings of a refusal, one per event
        if param == "noun":  # a catalogue's item: "component" or "fee"
            return PLACE_WORDS[self.language].get(value, value)
        prefix = PARAM_KEYS.get(param)
        if prefix is None:
            return value
        if isinstance(value, (list, tuple)):
            return tuple(self._word(prefix, v) for v in value)
        return self._word(prefix, value)

    def _word(self, prefix: str, value: Any) -> Any:
        key = f"{prefix}.{getattr(value, 'value', value)}"
        return self._table[key] if key in self._table else value
