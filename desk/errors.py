"""Errors the desk reports to a person, each with the CLI exit code of SPEC §9.

Each carries a :class:`desk.rules.problems.Problem` (code, field, parameters); the
CLI and the TUI turn it into words in their language.
"""

from __future__ import annotations

from typing import Any

from desk.rules.problems import Problem

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_INVALID = 3
EXIT_NOT_FOUND = 4
EXIT_INTEGRITY = 5
EXIT_NOT_PRINTED = 6
"""The document was made and kept (its PDF's path is printed) but nothing could be printed: no printer, the
printer refused or did not answer. Repeat the command, or print the PDF by hand; nothing else went wrong."""


class DeskError(Exception):
    """An expected failure, described by a problem; never shown as a traceback.

    ``raise InvalidInput("id_number.century", field="id_number", digit=8)`` or
    ``raise InvalidInput(Problem(...))``.
    """

    exit_code = EXIT_UNEXPECTED

    def __init__(self, problem: Problem | str, /, *, field: str | None = None, **params: Any) -> None:
        if not isinstance(problem, Problem):
            problem = Problem(problem, field, params)
        self.problem = problem
        super().__init__(str(problem))

    @property
    def field(self) -> str | None:
        return self.problem.field


class InvalidInput(DeskError):
    exit_code = EXIT_INVALID


class NotFound(DeskError):
    exit_code = EXIT_NOT_FOUND


class IntegrityFailure(DeskError):
    exit_code = EXIT_INTEGRITY


class UsageError(DeskError):
    exit_code = EXIT_USAGE


class HomeError(DeskError):
    """The home is missing, not initialised or not writable."""

    exit_code = EXIT_INVALID
