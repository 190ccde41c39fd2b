"""Sealed bundles: the hub's sealing key (``desk hub seal-key``, ``desk hub unseal``) and the desk's copy of
its public half (``desk seal-key set|show``); see ``desk.sync.seal`` and docs/bundle-format.md. And the
receipt public keys: ``desk key public``, ``desk hub receipt-keys`` (``desk.rules.receipt_key``)."""

from __future__ import annotations

from pathlib import Path

from desk.cli.base import add_command, emit_json, home_from_args, open_from_args, say, warn
from desk.errors import EXIT_OK, InvalidInput


def cmd_hub_seal_key(args) -> int:
    from desk.config import load_settings
    from desk.fsio import atomic_write
    from desk.sync.seal import ensure_hub_identity, hub_key_path, recipient_file_text

    home = home_from_args(args)
    home.require()
    made = not hub_key_path(home).exists()
    recipient = str(ensure_hub_identity(home).to_public())
    if args.out:
        agency = load_settings(home).agency
        out = Path(args.out)
        if out.exists():
            raise InvalidInput("file.exists", field="out", path=str(out))
        try:
            atomic_write(out, recipient_file_text(recipient, agency.code, agency.name).encode("utf-8"), mode=0o644)
        except OSError as exc:
            raise InvalidInput(
                "file.write_failed", field="out", path=str(out), detail=exc.strerror or str(exc)
            ) from exc
    if args.json:
        emit_json({"hub_key": recipient, "made": made, "out": args.out})
        return EXIT_OK
    if made:
        say(f"made this hub's sealing key: {hub_key_path(home)} (owner-only; back it up with the home)")
    say(recipient)
    if args.out:
        say(f"public key written to {args.out}: at each desk, `desk seal-key set {Path(args.out).name}`")
    return EXIT_OK


def cmd_hub_unseal(args) -> int:
    from desk.sync.seal import unseal

    desk = open_from_args(args)
    target = unseal(desk.home, Path(args.bundle), Path(args.out))
    if args.json:
        emit_json({"path": str(target)})
    else:
        say(str(target))
        warn("this copy is NOT sealed: it holds personal data in clear; delete it when done")
    return EXIT_OK


def cmd_seal_key_set(args) -> int:
    from desk.dossier.operators import require_supervisor
    from desk.sync.seal import pin_recipient, read_recipient_file

    desk = open_from_args(args)
    require_supervisor(desk, "hub_key")  # on a home with operator accounts
    recipient = read_recipient_file(args.file)
    agency = desk.settings.agency
    pin_recipient(desk.home, recipient, agency.code, agency.name)
    if args.json:
        emit_json({"hub_key": recipient})
    else:
        say(f"bundles of this desk are sealed to {recipient} from now on")
    return EXIT_OK


def cmd_seal_key_show(args) -> int:
    from desk.sync.seal import pinned_recipient

    home = home_from_args(args)
    home.require()
    recipient = pinned_recipient(home)
    if args.json:
        emit_json({"hub_key": recipient})
    elif recipient:
        say(recipient)
    else:
        say("no hub key: bundles are exported plain (`desk seal-key set FILE` with the hub's key file)")
    return EXIT_OK


def _write_public(path: str, document: dict) -> None:
    import json

    from desk.fsio import atomic_write

    out = Path(path)
    if out.exists():
        raise InvalidInput("file.exists", field="out", path=str(out))
    try:
        atomic_write(out, json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n", mode=0o644)
    except OSError as exc:
        raise InvalidInput("file.write_failed", field="out", path=str(out), detail=exc.strerror or str(exc)) from exc


def cmd_key_public(args) -> int:
    from desk.sync.receipt_keys import own_key

    document = own_key(open_from_args(args))
    if args.out:
        _write_public(args.out, document)
    if args.json or not args.out:
        emit_json(document)
    else:
        say(f"receipt public key of {document['agency']} written to {args.out}: give it to anyone who checks receipts")
    return EXIT_OK


def cmd_hub_receipt_keys(args) -> int:
    from desk.sync.receipt_keys import published, register

    desk = open_from_args(args)
    for path in args.add or ():
        register(desk.home, path)
    document = published(desk)
    if args.out:
        _write_public(args.out, document)
    if args.json:
        emit_json(document)
    else:
        for entry in document["keys"]:
            say(f"{entry['agency']}  {entry['public_key']}  {entry['agency_name']}")
    return EXIT_OK


def register_key_public(key_sub) -> None:
    """``desk key public`` (beside ``desk key export``, in desk.cli.home)."""
    sp = add_command(
        key_sub,
        "public",
        "the agency's receipt public key (JSON): anyone checks receipts with it, no secret",
        cmd_key_public,
    )
    sp.add_argument("--out", metavar="FILE", help="write it to FILE")


def register(sub, hub_sub) -> None:
    sp = add_command(
        hub_sub,
        "seal-key",
        "this hub's sealing key: made at first need; prints its public key (--out FILE: for the desks)",
        cmd_hub_seal_key,
    )
    sp.add_argument("--out", metavar="FILE", help="write the public key file to give to each desk")
    sp = add_command(
        hub_sub, "unseal", "write a plain copy of a bundle sealed to this hub (for its register)", cmd_hub_unseal
    )
    sp.add_argument("bundle", metavar="BUNDLE")
    sp.add_argument("--out", required=True, metavar="FILE|DIR", help="where to write the plain copy")

    sp = add_command(
        hub_sub,
        "receipt-keys",
        "the receipt public keys this hub publishes (GET /v1/keys): its agency's and those added",
        cmd_hub_receipt_keys,
    )
    sp.add_argument("--add", action="append", metavar="FILE", help="add an agency's key (`desk key public --out`)")
    sp.add_argument("--out", metavar="FILE", help="write the published keys to FILE")

    seal = sub.add_parser("seal-key", help="the hub's key this desk seals its bundles to")
    seal_sub = seal.add_subparsers(dest="seal_command", metavar="ACTION", required=True)
    sp = add_command(
        seal_sub,
        "set",
        "seal every bundle of this desk to the hub key in FILE (`desk hub seal-key --out`; a supervisor's act on "
        "a home with operator accounts)",
        cmd_seal_key_set,
    )
    sp.add_argument("file", metavar="FILE")
    add_command(seal_sub, "show", "the hub key bundles are sealed to (none: exported plain)", cmd_seal_key_show)
