"""Errors the desk reports to a person, each with the CLI exit code of SPEC §9."""

from __future__ import annotations

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_INVALID = 3
EXIT_NOT_FOUND = 4
EXIT_INTEGRITY = 5


class DeskError(Exception):
    """An expected failure with a message for a person; never shown as a traceback."""

    exit_code = EXIT_UNEXPECTED

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


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
