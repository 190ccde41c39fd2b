"""Desk keys and enrolment (docs/keys.md): ``desk keys``, ``desk enrol``, ``desk hub-key`` and the hub's
``desk hub enrol | desks | revoke | key`` (registered under ``desk hub`` by ``desk.cli.sync``)."""

from __future__ import annotations

import os
import sys

from desk.cli.base import add_command, ask_secret, emit_json, fmt_dt, home_from_args, open_from_args, say
from desk.errors import EXIT_OK, InvalidInput


def ask_passphrase(home) -> None:
    """At a terminal, ask for the key's passphrase when the key has one and ``$DESK_KEY_PASSPHRASE`` is not
    set (kept in this process's environment for the command's duration)."""
    from desk import keys

    if keys.is_encrypted(home) and not os.environ.get(keys.PASSPHRASE_ENV):
        typed = ask_secret("passphrase of this desk's key: ")
        if typed is not None:  # else loading the key says which variable a script sets
            os.environ[keys.PASSPHRASE_ENV] = typed


def _confirm(question: str, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        return False
    sys.stdout.write(f"{question} [y/N] ")
    sys.stdout.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes", "c", "có")


def _new_passphrase(home) -> str | None:
    """``$DESK_KEY_PASSPHRASE``, else typed twice at the terminal (none there: ``keys.passphrase_needed``)."""
    from desk import keys

    given = os.environ.get(keys.PASSPHRASE_ENV)
    if given:
        return given
    first = ask_secret("new passphrase (empty: none): ")
    if first is None:
        raise InvalidInput(
            "keys.passphrase_needed", field="key", path=str(keys.key_path(home)), env=keys.PASSPHRASE_ENV
        )
    if first and ask_secret("the same passphrase again: ") != first:
        raise InvalidInput("keys.passphrase_wrong", field="key", path="(the two entries differ)")
    return first or None


# --- the desk's own key ---------------------------------------------------------------------------


def cmd_keys_init(args) -> int:
    from desk import keys

    home = home_from_args(args)
    home.require()
    passphrase = _new_passphrase(home) if args.passphrase else None
    key = keys.generate_desk_key(home, passphrase)
    return _show_key(args, keys.public_bytes(key), home)


def cmd_keys_show(args) -> int:
    from desk import keys

    home = home_from_args(args)
    home.require()
    ask_passphrase(home)
    return _show_key(args, keys.desk_public_key(home), home)


def _show_key(args, public: bytes, home) -> int:
    from desk import keys

    if args.json:
        emit_json(
            {
                "public_key": keys.public_text(public),
                "fingerprint": keys.fingerprint(public),
                "passphrase": keys.is_encrypted(home),
                "rotations": len(keys.rotations(home)),
            }
        )
    else:
        say(f"fingerprint {keys.fingerprint(public)}")
        say(f"public key  {keys.public_text(public)}")
    return EXIT_OK


def cmd_keys_rotate(args) -> int:
    from db import queries
    from desk import clock, keys

    desk = open_from_args(args)
    ask_passphrase(desk.home)
    last = queries.last_event(desk.db, desk.desk_id)
    from_seq = (last["seq"] if last else 0) + 1
    rotation, new = keys.rotate_desk_key(desk.home, desk.desk_id, from_seq, clock.now().isoformat(timespec="seconds"))
    if args.json:
        emit_json({**rotation.to_json(), "fingerprint": keys.fingerprint(rotation.new)})
    else:
        say(f"new key {keys.fingerprint(rotation.new)} signs from seq {from_seq} on")
        say("the next bundle or push carries the change to the hub, signed by the old key")
    return EXIT_OK


# --- enrolment, at the desk --------------------------------------------------------------------------


def cmd_enrol(args) -> int:
    from desk.sync.enrolment import make_request, write_json

    desk = open_from_args(args)
    ask_passphrase(desk.home)
    request = make_request(desk)
    out = write_json(args.out, request)
    if args.json:
        emit_json({"path": str(out), **request})
    else:
        say(f"{out}: enrolment request of desk {request['desk_no']} of {request['agency']}")
        say(f"fingerprint {request['fingerprint']}  (read it to the hub's supervisor)")
    return EXIT_OK


def cmd_hub_key_set(args) -> int:
    from desk import keys
    from desk.dossier.operators import require_supervisor
    from desk.sync.enrolment import pin_hub_key, read_hub_key

    home = home_from_args(args)
    home.require()
    require_supervisor(open_from_args(args), "hub_key")  # on a home with operator accounts
    public, doc = read_hub_key(args.file)
    fingerprint = keys.fingerprint(public)
    if not args.json:
        say(f"hub of {doc.get('agency', '?')}: fingerprint {fingerprint}")
    if not _confirm("Does the hub's supervisor read the same fingerprint?", args.yes):
        raise InvalidInput("keys.not_confirmed", field="file")
    pin_hub_key(home, public)
    seal_key = doc.get("seal_key")
    if seal_key:  # the same file pins the key this desk's bundles are sealed to
        from desk.sync.seal import pin_recipient

        pin_recipient(home, seal_key, str(doc.get("agency", "")), str(doc.get("agency_name", "")))
    if args.json:
        emit_json({"public_key": keys.public_text(public), "fingerprint": fingerprint, "seal_key": seal_key})
    else:
        say("pinned: `desk sync` now trusts only this hub's signed answers")
        if seal_key:
            say(f"bundles of this desk are sealed to {seal_key} from now on")
    return EXIT_OK


def cmd_hub_key_show(args) -> int:
    from desk import keys
    from desk.config import load_settings

    settings = load_settings(home_from_args(args))
    text = settings.sync_hub_key
    fingerprint = keys.fingerprint(keys.public_from_text(text, field="sync.hub_key")) if text else ""
    if args.json:
        emit_json({"public_key": text, "fingerprint": fingerprint})
    else:
        say(f"fingerprint {fingerprint}" if text else "no hub key pinned (`desk hub-key set FILE`)")
    return EXIT_OK


# --- the hub's registry ---------------------------------------------------------------------------


def cmd_hub_enrol(args) -> int:
    from desk.dossier.operators import require_supervisor
    from desk.sync.enrolment import enrol, hub_key_document, read_request, write_json

    hub = open_from_args(args)
    require_supervisor(hub, "hub_desks")  # on a home with operator accounts
    request = read_request(args.request)
    if not args.json:
        say(
            f"desk {request.desk_no} of {request.agency} {request.agency_name} ({request.desk_id})\n"
            f"fingerprint {request.fingerprint}"
        )
    if not _confirm("Does the desk read the same fingerprint?", args.yes):
        raise InvalidInput("keys.not_confirmed", field="request")
    ask_passphrase(hub.home)
    row, new = enrol(hub, request, where=os.path.basename(args.request), replace=args.replace)
    reply = write_json(args.reply, hub_key_document(hub)) if args.reply else None
    if args.json:
        emit_json({"enrolled": new, **row, "hub_key": str(reply) if reply else None})
    else:
        say(
            ("enrolled" if new else "already enrolled with this key")
            + f": desk {row['desk_no']} of {row['agency_code']}"
        )
        if reply:
            say(f"{reply}: this hub's key; give it to the desk (`desk hub-key set {reply.name}`)")
    return EXIT_OK


def cmd_hub_desks(args) -> int:
    from desk.sync.enrolment import registry

    rows = registry(open_from_args(args))
    if args.json:
        emit_json({"desks": rows})
        return EXIT_OK
    if not rows:
        say("no desk enrolled: bundles and pushes are refused until desks are (`desk hub enrol REQUEST`)")
    for r in rows:
        state = f"revoked {fmt_dt_text(r['revoked_at'])}" if r["revoked_at"] else "active"
        rotated = f", {r['keys'] - 1} rotation{'s' if r['keys'] != 2 else ''}" if r["keys"] > 1 else ""
        say(
            f"desk {r['desk_no']} of {r['agency_code']} ({r['desk_id']}): {state}, "
            f"key {r['fingerprint']}{rotated}, enrolled {fmt_dt_text(r['enrolled_at'])}"
        )
    return EXIT_OK


def fmt_dt_text(value: str | None) -> str:
    from datetime import datetime

    return fmt_dt(datetime.fromisoformat(value)) if value else "—"


def cmd_hub_revoke(args) -> int:
    from desk.dossier.operators import require_supervisor
    from desk.sync.enrolment import find_desk, revoke

    hub = open_from_args(args)
    require_supervisor(hub, "hub_desks")  # on a home with operator accounts
    row = find_desk(hub, args.desk)
    if not args.json:
        say(f"desk {row['desk_no']} of {row['agency_code']} ({row['desk_id']})")
    if not _confirm("Revoke it? Its bundles and pushes are refused from now on.", args.yes):
        raise InvalidInput("keys.not_confirmed", field="desk")
    row = revoke(hub, row)
    if args.json:
        emit_json(row)
    else:
        say(f"revoked at {fmt_dt_text(row['revoked_at'])}; what it sent before stays")
    return EXIT_OK


def cmd_hub_key(args) -> int:
    from desk.sync.enrolment import hub_key_document, write_json

    hub = open_from_args(args)
    ask_passphrase(hub.home)
    doc = hub_key_document(hub)
    if args.out:
        write_json(args.out, doc)
    if args.json:
        emit_json(doc)
    else:
        say(f"fingerprint {doc['fingerprint']}" + (f"  (written to {args.out})" if args.out else ""))
    return EXIT_OK


def register(sub) -> None:
    keys = sub.add_parser("keys", help="this desk's signing key: init, show, rotate (docs/keys.md)")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    sp = add_command(
        keys_sub, "init", "make the signing key of a home that has none (homes made before keys)", cmd_keys_init
    )
    sp.add_argument("--passphrase", action="store_true", help="protect the key file with a passphrase (asked twice)")
    add_command(keys_sub, "show", "the desk's public key and its fingerprint", cmd_keys_show)
    add_command(keys_sub, "rotate", "replace the key by a new one, signed over by the old", cmd_keys_rotate)

    sp = add_command(sub, "enrol", "write this desk's enrolment request for the hub", cmd_enrol)
    sp.add_argument("--out", required=True, metavar="FILE", help="the request file to write (e.g. on the USB stick)")

    pin = sub.add_parser("hub-key", help="the hub's public key, pinned at enrolment: set, show")
    pin_sub = pin.add_subparsers(dest="hub_key_command", metavar="ACTION", required=True)
    sp = add_command(
        pin_sub,
        "set",
        "pin the hub's key from its key file (after comparing fingerprints; a supervisor's act on a home with "
        "operator accounts)",
        cmd_hub_key_set,
    )
    sp.add_argument("file", metavar="FILE")
    sp.add_argument("--yes", action="store_true", help="the fingerprint was checked otherwise; do not ask")
    add_command(pin_sub, "show", "the pinned hub key's fingerprint", cmd_hub_key_show)


def register_hub(hub_sub) -> None:
    """``desk hub enrol | desks | revoke | key``."""
    sp = add_command(
        hub_sub,
        "enrol",
        "register a desk's enrolment request once its fingerprint is confirmed (a supervisor's act on a home with "
        "operator accounts)",
        cmd_hub_enrol,
    )
    sp.add_argument("request", metavar="REQUEST")
    sp.add_argument("--yes", action="store_true", help="the fingerprint was checked otherwise; do not ask")
    sp.add_argument("--reply", metavar="FILE", help="also write this hub's key file for the desk to pin")
    sp.add_argument(
        "--replace",
        action="store_true",
        help="an enrolled desk that lost its key (restored from a backup): its new key signs from the next seq",
    )
    add_command(hub_sub, "desks", "the registry: enrolled desks, their keys, revocations", cmd_hub_desks)
    sp = add_command(
        hub_sub,
        "revoke",
        "refuse a desk's bundles and pushes from now on (a supervisor's act on a home with operator accounts)",
        cmd_hub_revoke,
    )
    sp.add_argument("desk", metavar="DESK", help="desk id, desk number (this hub's agency) or AGENCY:NUMBER")
    sp.add_argument("--yes", action="store_true", help="do not ask")
    sp = add_command(hub_sub, "key", "this hub's public key file, for the desks to pin", cmd_hub_key)
    sp.add_argument("--out", metavar="FILE", help="write the key file there")
