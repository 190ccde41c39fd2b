"""What every command module of the CLI shares: output helpers and opening the home."""

from __future__ import annotations

import argparse
import json
import sys


def emit_json(value) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def warn(text: str) -> None:
    sys.stderr.write(f"desk: warning: {text}\n")


def open_from_args(args: argparse.Namespace):
    from desk.context import open_desk

    return open_desk(args.home)


def home_from_args(args: argparse.Namespace):
    from desk.config import Home, resolve_home

    return Home(resolve_home(args.home))


def fmt_dt(value) -> str:
    return value.strftime("%H:%M %d/%m/%Y") if value else "—"


def add_command(sub, name: str, help: str, handler, *, json_flag: bool = True) -> argparse.ArgumentParser:
    """A sub-command whose handler is ``handler(args) -> exit code``."""
    sp = sub.add_parser(name, help=help, description=help)
    sp.set_defaults(handler=handler)
    if json_flag:
        sp.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    return sp
