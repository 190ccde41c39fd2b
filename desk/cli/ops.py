"""Looking after the home (``desk.ops``): verify, backup, demo."""

from __future__ import annotations

from pathlib import Path

from desk.cli.base import add_command, emit_json, say, warn
from desk.cli.base import home_from_args as _home
from desk.cli.base import open_from_args as _open
from desk.cli.wording import describe
from desk.errors import EXIT_OK
from desk.rules.problems import fill


def cmd_verify(args) -> int:
    from desk.ops.verify import verify

    report = verify(_open(args))
    if args.json:
        emit_json(
            {
                "ok": report.ok,
                "problems": [describe(p) for p in report.problems],
                "warnings": [describe(w) for w in report.warnings],
                "notes": [describe(n) for n in report.notes],
            }
        )
    else:
        for w in report.warnings:
            warn(describe(w))
        for n in report.notes:
            say(f"note: {describe(n)}")
        if report.ok:
            say("ok: database intact, event chain unbroken, every dossier has its events")
        for p in report.problems:
            say(f"problem: {describe(p)}")
    return EXIT_OK if report.ok else 5


def cmd_backup(args) -> int:
    from desk.ops.backup import backup_home

    result = backup_home(_open(args), Path(args.out))
    if args.json:
        emit_json({"path": str(result.path), "files": result.files, "bytes": result.bytes})
    else:
        say(
            fill(
                "backup written to {path} ({files:# file|# files}, {size:,} bytes); keep it safe: "
                "it holds personal data and the agency key",
                {"path": result.path, "files": result.files, "size": result.bytes},
            )
        )
    return EXIT_OK


def cmd_demo(args) -> int:
    from desk.ops.demo import make_demo_home

    home = _home(args)
    if home.exists():
        if not args.quiet:
            say(f"demo home {home.root} already exists")
        return EXIT_OK
    n = make_demo_home(home)
    say(fill("demo home created in {path} with {n:# sample dossier|# sample dossiers}", {"path": home.root, "n": n}))
    return EXIT_OK


# --- parser -------------------------------------------------------------------


def register(sub) -> None:
    add_command(
        sub, "verify", "check the database, the event chain, seq gaps and that every dossier has its events", cmd_verify
    )

    sp = add_command(
        sub, "backup", "write a consistent copy of the whole home (database, settings, key, scans) to a zip", cmd_backup
    )
    sp.add_argument("out", metavar="OUT", help="zip file to write, or a folder to put it in")

    sp = add_command(
        sub,
        "demo",
        "create a demo home: a demo agency, the sample catalogue and sample dossiers",
        cmd_demo,
        json_flag=False,
    )
    sp.add_argument("--quiet", action="store_true")
