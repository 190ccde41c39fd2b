"""``desk recover``: a home restored from a backup learns what its desk did after it (docs/recovery.md)."""

from __future__ import annotations

from pathlib import Path

from desk.cli.base import add_command, emit_json, open_from_args, say, warn
from desk.errors import EXIT_OK, EXIT_USAGE


def cmd_recover(args) -> int:
    from desk.ops.recover import adopt_head, head_from_bundle, head_from_hub, new_identity, restored_from

    desk = open_from_args(args)
    sources = sum(bool(x) for x in (args.hub, args.bundle))
    if sources > 1:
        warn("give one source: --hub or --bundle FILE")
        return EXIT_USAGE
    if sources or args.new_identity:  # anyone may read what happened; putting the desk back is a supervisor's act
        from desk.dossier.operators import require_supervisor

        require_supervisor(desk, "recover")
    head = None
    if args.hub:
        from desk.sync.push import fetch_head

        head = head_from_hub(fetch_head(desk, args.endpoint))
    elif args.bundle:
        head = head_from_bundle(Path(args.bundle))
    if args.new_identity:
        result = new_identity(desk, head)
    elif head is not None:
        result = adopt_head(desk, head)
    else:
        backup = restored_from(desk)
        if args.json:
            emit_json({"restored": backup is not None, "backup": backup})
        elif backup is None:
            say("this home was not restored from a backup: nothing to recover")
        else:
            say(
                f"restored from the backup of {backup.get('taken_at')} (events up to seq {backup.get('last_seq')}); "
                "no code is issued until `desk recover --hub`, `desk recover --bundle FILE` or "
                "`desk recover --new-identity` (docs/recovery.md)"
            )
        return EXIT_OK
    if args.json:
        emit_json(
            {
                "action": result.action,
                "desk_id": result.desk_id,
                "last_seq": result.last_seq,
                "next_codes": result.next_codes,
            }
        )
        return EXIT_OK
    after = ", ".join(f"{day}: after {n:04d}" for day, n in sorted(result.next_codes.items()))
    if result.action == "not_restored":
        say("this home was not restored from a backup: nothing to recover")
    elif result.action == "latest":
        say(f"nothing newer than the backup (seq {result.last_seq}): the desk goes on from there")
    elif result.action == "adopted":
        say(f"the desk goes on after seq {result.last_seq}" + (f"; codes continue {after}" if after else ""))
    else:
        say(f"new desk identity {result.desk_id}" + (f"; codes continue {after}" if after else ""))
        warn("give the hub this desk's new bundles as usual; its old identity's events stay as they are")
    return EXIT_OK


def register(sub) -> None:
    sp = add_command(
        sub,
        "recover",
        "after restoring a backup: learn the desk's later chain head, or take a new identity (with a source or "
        "--new-identity, a supervisor's act on a desk with operator accounts)",
        cmd_recover,
    )
    sp.add_argument("--hub", action="store_true", help="ask the hub ([sync] endpoint and token) what it holds")
    sp.add_argument("--endpoint", metavar="URL", help="the hub, with --hub (default: [sync] endpoint)")
    sp.add_argument("--bundle", metavar="FILE", help="this desk's newest bundle (from the USB stick or outbox)")
    sp.add_argument(
        "--new-identity",
        action="store_true",
        help="the supervisor's choice: a new desk id under the same number, codes after the highest known",
    )
