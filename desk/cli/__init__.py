"""The ``desk`` command: the scripting interface (SPEC §9) and the TUI's entry point.

This package is the only place that wires everything together. Each module
registers its sub-commands; a handler imports what its command needs inside
itself (the core's modules, and textual or reportlab for the UI and printing),
so that a command starts within SPEC §10's 0.3 s having loaded only its own
part of the desk. These are the CLI's only lazy imports, all for that reason.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence

from desk import __version__
from desk.cli.base import closing_opened_desks, emit_json
from desk.cli.wording import describe, error_json
from desk.errors import EXIT_OK, EXIT_UNEXPECTED, DeskError

COMMAND_MODULES = (
    "desk.cli.home",
    "desk.cli.catalog",
    "desk.cli.dossiers",
    "desk.cli.ops",
    "desk.cli.lifecycle",
    "desk.cli.printing",
    "desk.cli.sync",
    "desk.cli.keys",
    "desk.cli.reports",
    "desk.cli.recover",
    "desk.cli.calendar",
    "desk.cli.operators",
    "desk.cli.signer",
)


@functools.cache
def parser() -> argparse.ArgumentParser:
    """The parser of :func:`build_parser`, built once per process: ``main`` called again (the tests run
    the command in-process hundreds of times, a script may too) reuses it. Nothing of it depends on the
    environment or the clock, and argparse keeps nothing of one ``parse_args`` for the next."""
    return build_parser()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="desk",
        description="motcua-desk: dossiers at the one-stop desk, offline. With no command, opens the TUI.",
        epilog="Exit codes: 0 ok, 1 unexpected error, 2 usage, 3 invalid input, 4 not found, 5 integrity failure "
        "(corrupt, tampered, forged, chain broken), 6 nothing could be printed (the PDF is kept and its path shown).",
    )
    p.add_argument("--home", metavar="DIR", help="the desk's home (default: $DESK_HOME, else the user data dir)")
    p.add_argument("--lang", choices=["vi", "en"], help="language of the TUI (default: the home's setting, vi)")
    p.add_argument(
        "--operator",
        metavar="NAME",
        help="on a desk with operator accounts: who is acting; the password or PIN is asked, "
        "unless $DESK_OPERATOR_TOKEN holds a token a supervisor issued (`desk operator token NAME`)",
    )
    p.add_argument("--version", action="version", version=f"motcua-desk {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return p


def report_error(exc: DeskError, *, json_output: bool = False) -> None:
    """``desk: error (field): <words>`` on stderr; with ``--json`` also ``{"error": {...}}`` on stdout."""
    message = describe(exc.problem)
    field = exc.problem.field
    where = f" ({field})" if field and field not in message else ""
    sys.stderr.write(f"desk: error{where}: {message}\n")
    if json_output:
        emit_json(error_json(exc.problem))


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code.

    It never exits the process (argparse's exits for --help, --version and usage
    errors become the return value) and closes every desk the command opened, so
    it can be called again in the same process (the tests do, and so may a script).
    """
    with closing_opened_desks():
        try:
            return _main(argv)
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_UNEXPECTED)


def _main(argv: Sequence[str] | None) -> int:
    args = parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        if args.command is None:
            from desk.cli.home import cmd_tui

            handler = cmd_tui
        else:
            parser().parse_args([*(argv if argv is not None else sys.argv[1:]), "--help"])
            return EXIT_OK  # not reached: --help exits
    try:
        return handler(args)
    except DeskError as exc:
        report_error(exc, json_output=bool(getattr(args, "json", False)))
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("desk: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except sqlite3.OperationalError as exc:
        if os.environ.get("DESK_DEBUG"):
            raise
        sys.stderr.write(
            f"desk: error: the database could not be written or read ({exc}). "
            "If another program holds it, try again; if the disk is full, free some space.\n"
        )
        return EXIT_UNEXPECTED
    except Exception as exc:  # an unexpected error: a short message, the details only when asked
        if os.environ.get("DESK_DEBUG"):
            raise
        sys.stderr.write(
            f"desk: unexpected error: {exc.__class__.__name__}: {exc}\nRun again with DESK_DEBUG=1 for details.\n"
        )
        return EXIT_UNEXPECTED
