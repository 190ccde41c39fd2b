"""What every command module of the CLI shares: output helpers and opening the home."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_opened: ContextVar[list | None] = ContextVar("desk_cli_opened", default=None)
"""The desks the running command opened, closed by :func:`closing_opened_desks`."""


def ask_secret(prompt: str) -> str | None:
    """A passphrase, password or PIN typed at the terminal (not echoed), or None without a terminal
    (a script, a pipe) or when the user ends the input (Ctrl+D, Ctrl+C)."""
    if not sys.stdin.isatty():
        return None
    import getpass

    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt):
        return None


def emit_json(value) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def warn(text: str) -> None:
    sys.stderr.write(f"desk: warning: {text}\n")


def open_from_args(args: argparse.Namespace):
    from desk.context import open_desk

    desk = open_desk(args.home)
    opened = _opened.get()
    if opened is not None:
        opened.append(desk)
    from desk.cli.operators import sign_in_from_args

    sign_in_from_args(desk, args)  # a desk with operator accounts: who is acting (desk --operator NAME)
    return desk


@contextmanager
def closing_opened_desks() -> Iterator[None]:
    """Close, on the way out, every desk that :func:`open_from_args` opened meanwhile.

    The connection of a desk is in a reference cycle: without this it would stay
    open until the garbage collector runs (harmless in a process that then exits,
    a leak when ``main`` runs many times in one process, as in the tests).
    """
    token = _opened.set([])
    try:
        yield
    finally:
        for desk in _opened.get() or ():
            desk.close()
        _opened.reset(token)


def home_from_args(args: argparse.Namespace):
    from desk.config import Home, resolve_home

    return Home(resolve_home(args.home))


def fmt_dt(value) -> str:
    return value.strftime("%H:%M %d/%m/%Y") if value else "—"


def say_dossiers(found, *, as_json: bool) -> None:
    """A list of dossiers found (``desk search``, ``desk hub search``): JSON, or one line each."""
    if as_json:
        from desk.dossier.rows import dossier_json

        emit_json([dossier_json(d) for d in found])
        return
    if not found:
        say("no dossier matches")
    for d in found:
        say(f"{d.code}  {d.status.value:<12} {fmt_dt(d.received_at)}  {d.applicant.name}  {d.procedure_name}")


def add_command(sub, name: str, help: str, handler, *, json_flag: bool = True) -> argparse.ArgumentParser:
    """A sub-command whose handler is ``handler(args) -> exit code``."""
    sp = sub.add_parser(name, help=help, description=help)
    sp.set_defaults(handler=handler)
    if json_flag:
        sp.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    return sp
