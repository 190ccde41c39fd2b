"""The home's commands: init, clerk (the clerk on duty), key export (key public: ``desk.cli.seal``), tui."""

from __future__ import annotations

import os
from pathlib import Path

from desk.cli.base import add_command, emit_json, say
from desk.cli.base import home_from_args as _home
from desk.cli.base import open_from_args as _open
from desk.cli.seal import register_key_public
from desk.errors import EXIT_OK, InvalidInput


def cmd_init(args) -> int:
    from desk.config import init_home
    from desk.text import LIMITS, sanitise

    home = _home(args)
    key = None
    if args.agency_key:
        try:
            key = bytes.fromhex(Path(args.agency_key).read_text(encoding="ascii").strip())
        except (OSError, ValueError) as exc:
            raise InvalidInput(
                "agency_key.unreadable", field="agency-key", path=args.agency_key, error=exc.__class__.__name__
            ) from exc
    settings = init_home(
        home,
        agency_code=args.agency_code,
        agency_name=sanitise(args.agency_name, field="agency-name", max_len=200, required=True),
        desk_no=args.desk_no,
        place=sanitise(args.place or "", field="place", max_len=LIMITS["address"]),
        clerk=sanitise(args.clerk or "", field="clerk", max_len=LIMITS["name"]),
        agency_key=key,
        unit_name=sanitise(args.unit_name or "", field="unit-name", max_len=200),
    )
    from db import open_db

    open_db(home.db).conn.close()
    os.chmod(home.db, 0o600)
    if args.json:
        emit_json({"home": str(home.root), "agency_code": settings.agency.code, "desk_no": settings.agency.desk_no})
    else:
        from desk import keys

        say(f"Desk {settings.agency.desk_no} of {settings.agency.name} ({settings.agency.code}) set up in {home.root}")
        if not keys.is_encrypted(home):
            say(f"Signing key fingerprint: {keys.fingerprint(keys.desk_public_key(home))}")
        say("Next: `desk catalog import FILE` (or the bundled sample: `desk catalog import --sample`).")
    return EXIT_OK


def cmd_clerk(args) -> int:
    from desk.config import load_settings, update_settings
    from desk.text import LIMITS, sanitise

    home = _home(args)
    if args.name is None:
        settings = load_settings(home)
    else:
        from desk.dossier.operators import require_supervisor

        require_supervisor(_open(args), "settings")  # on a desk with operator accounts
        name = sanitise(args.name, field="clerk", max_len=LIMITS["name"], required=True)
        settings = update_settings(home, clerk=name)
    if args.json:
        emit_json({"clerk": settings.clerk})
    else:
        say(settings.clerk or '(no clerk set: `desk clerk "Full Name"`)')
    return EXIT_OK


def cmd_key_export(args) -> int:
    from desk.config import read_agency_key
    from desk.fsio import atomic_write

    home = _home(args)
    home.require()
    key = read_agency_key(home)
    out = Path(args.out)
    if out.exists():
        raise InvalidInput("file.exists", field="out", path=str(out))
    try:
        atomic_write(out, key.hex().encode("ascii") + b"\n")
    except OSError as exc:
        raise InvalidInput("file.write_failed", field="out", path=str(out), detail=exc.strerror or str(exc)) from exc
    say(f"agency key written to {out} (owner-only). Give it to another desk with `desk init --agency-key {out}`,")
    say("then delete it from the USB stick.")
    return EXIT_OK


def cmd_tui(args) -> int:
    from desk.config import load_settings

    home = _home(args)
    home.require()
    settings = load_settings(home)
    from screens.app import DeskApp  # textual is imported only here

    app = DeskApp(home=home.root, language=args.lang or settings.language)
    app.run()
    return EXIT_OK


# --- parser -------------------------------------------------------------------


def register(sub) -> None:
    sp = add_command(
        sub, "init", "create a desk home: desk.toml, the database, the agency key and the desk's signing key", cmd_init
    )
    sp.add_argument("--agency-code", required=True, help="agency electronic identifier, e.g. 000.00.12.H29")
    sp.add_argument("--agency-name", required=True, help="agency name as printed on receipts")
    sp.add_argument("--desk-no", type=int, default=0, help="0 for a single-desk agency, else 1–9 (code partition)")
    sp.add_argument(
        "--unit-name",
        help="the counter's unit printed under the agency name on every form "
        "(default: 'Trung tâm Phục vụ hành chính công')",
    )
    sp.add_argument(
        "--place", help="place name printed before the date, e.g. 'Minh Khai' (default: the commune of the agency name)"
    )
    sp.add_argument("--clerk", help="the clerk's full name (printed as NGƯỜI TIẾP NHẬN HỒ SƠ)")
    sp.add_argument("--agency-key", metavar="FILE", help="use the agency key exported from another desk")

    sp = add_command(
        sub,
        "clerk",
        "show or change the clerk on duty (on a desk with operator accounts, changing it is a supervisor's act)",
        cmd_clerk,
    )
    sp.add_argument("name", nargs="?", help="new name")

    key = sub.add_parser("key", help="the agency key that signs receipts, and its public half")
    key_sub = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    sp = add_command(
        key_sub, "export", "write the agency key to FILE (owner-only) for another desk", cmd_key_export, json_flag=False
    )
    sp.add_argument("--out", required=True, metavar="FILE")
    register_key_public(key_sub)

    add_command(sub, "tui", "open the terminal user interface (the default)", cmd_tui, json_flag=False)
