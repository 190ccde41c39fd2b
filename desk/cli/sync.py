"""Sync commands: export, import, sync (push), hub serve / token add / status (sealing: ``desk.cli.seal``)."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

from desk.cli.base import add_command, emit_json, home_from_args, open_from_args, say, say_dossiers, warn
from desk.cli.keys import ask_passphrase, register_hub
from desk.cli.seal import register as register_seal
from desk.cli.wording import describe
from desk.errors import EXIT_OK, InvalidInput


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("cli.date_format", field="date", value=text) from None


def cmd_export(args) -> int:
    from desk.rules.problems import problem
    from desk.sync.bundle_write import export_bundle
    from desk.sync.seal import pinned_recipient
    from desk.sync.status import export_folder

    desk = open_from_args(args)
    ask_passphrase(desk.home)
    out = args.out or export_folder(desk)
    seal_to = None if args.plain else pinned_recipient(desk.home)
    result = export_bundle(
        desk, Path(out).expanduser(), day=_day(args.date), with_files=args.with_files, seal_to=seal_to
    )
    if result.path is not None and not result.sealed:
        warn(describe(problem("export.plain") if args.plain else problem("export.no_hub_key")))
    if args.json:
        emit_json(result.to_json())
    elif result.path is None:
        say(
            "nothing to export: every event is already in a bundle or at the hub"
            if not args.date
            else f"no events on {args.date}"
        )
    else:
        say(
            f"{result.path}  {result.events} events (seq {result.first_seq}–{result.last_seq}), "
            f"{result.dossiers} dossiers"
            + (f", {result.files} file{'s' if result.files != 1 else ''}" if result.files else "")
            + (", sealed to the hub's key" if result.sealed else "")
        )
        if result.without_field_code:
            warn(describe(problem("export.no_field_code", count=result.without_field_code)))
    return EXIT_OK


def cmd_import(args) -> int:
    from desk.sync.bundle_read import import_bundle

    result = import_bundle(open_from_args(args), Path(args.bundle))
    if args.json:
        emit_json(result.to_json())
    else:
        say(
            f"imported {result.imported_events} events ({result.skipped_events} already here) "
            f"from desk {result.desk_no} of {result.agency_code}, seq {result.first_seq}–{result.last_seq}; "
            f"{result.dossiers} dossiers updated"
        )
    for g in result.gaps:
        warn(describe(g.problem()) + " — import the missing bundle when it comes")
    return EXIT_OK


def cmd_sync(args) -> int:
    from desk.rules.problems import problem
    from desk.sync.hub_http import is_plain_remote
    from desk.sync.push import push
    from desk.sync.status import rejection_problem

    desk = open_from_args(args)
    ask_passphrase(desk.home)
    endpoint = (args.endpoint or desk.settings.sync_endpoint or "").strip()
    if endpoint and is_plain_remote(endpoint):
        warn(describe(problem("sync.plain_http", field="endpoint", url=endpoint)))

    def progress(done: int, total: int) -> None:
        if not args.json and sys.stderr.isatty():
            sys.stderr.write(f"\rpushed {done}/{total}")
            sys.stderr.flush()

    result = push(desk, endpoint=args.endpoint, batch_size=args.batch_size, timeout=args.timeout, progress=progress)
    if not args.json and sys.stderr.isatty() and result.batches:
        sys.stderr.write("\n")
    if args.json:
        emit_json(result.to_json())
    elif result.batches == 0:
        say("nothing to push: no pending events")
    else:
        files = f" with {result.files} file{'s' if result.files != 1 else ''}" if result.files else ""
        say(
            f"pushed {result.pushed} events{files} in {result.batches} batches to {result.endpoint}; "
            f"{result.pending} pending"
        )
    for row in result.portal_rejections or []:
        warn(describe(rejection_problem(row)))
    for g in result.gaps:
        warn(
            f"the hub misses events {g.get('first_seq')}–{g.get('last_seq')} of this desk: "
            "take it the bundle that holds them"
        )
    return EXIT_OK


def print_portal(desk, code: str) -> None:
    """``desk show``'s lines of the dossier's forwarding to the portal (docs/forwarding.md): the replies at a
    hub, a refusal the hub reported at a desk."""
    from desk.sync.status import portal_timeline, rejection_problem

    p = portal_timeline(desk, code)
    if p["reported_by_hub"]:
        say(f"  portal    : {describe(rejection_problem(p['reported_by_hub']))}")
    if p["state"] is None:
        return
    if p["state"] in ("rejected", "failed"):
        say(f"  portal    : {describe(rejection_problem({'dossier_code': code, **p}))}")
    else:
        done = "acknowledged" if p["state"] == "done" else "waiting to be forwarded"
        say(f"  portal    : {done}" + (f" (last acknowledged {p['acknowledged_at']})" if p["acknowledged_at"] else ""))
    for r in p["replies"]:
        outcome = "ok" if r["ok"] else "refused" if r["code"] != "transient" else "no answer"
        say(f"   {r['at']} {r['call']:<20} {outcome} {r['code']} {r['message']}".rstrip())


def cmd_hub_serve(args) -> int:
    from desk.sync.hub import serve, serve_workers, stderr_log

    desk = open_from_args(args)
    ask_passphrase(desk.home)
    if args.workers < 1:
        raise InvalidInput("cli.workers_range", field="workers", value=args.workers)
    stop_forwarding = None
    if args.forward:
        from desk.sync.forward import start_background

        stop_forwarding = start_background(desk, log=None if args.quiet else stderr_log)

    def ready(server) -> None:
        say(f"hub listening on {server.url} (Ctrl+C to stop)")
        sys.stdout.flush()
        if not server.tls and args.host not in ("127.0.0.1", "localhost", "::1"):
            warn("plain HTTP on a network address: pass --tls-cert and --tls-key, or use a trusted LAN only")

    try:
        if args.workers > 1:

            def listening(url: str) -> None:
                say(f"hub listening on {url} with {args.workers} workers (Ctrl+C to stop)")
                sys.stdout.flush()

            serve_workers(
                desk,
                args.host,
                args.port,
                workers=args.workers,
                target="desk.cli.sync:hub_app_from_env",
                ready=listening,
                tls_cert=args.tls_cert,
                tls_key=args.tls_key,
                env={QUIET_ENV: "1" if args.quiet else ""},
            )
            return EXIT_OK

        serve(
            desk,
            args.host,
            args.port,
            ready=ready,
            log=None if args.quiet else stderr_log,
            describe=describe,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
        )
    finally:
        if stop_forwarding is not None:
            stop_forwarding()
    return EXIT_OK


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def cmd_hub_forward(args) -> int:
    from desk.sync.forward import forward_once, start_background
    from desk.sync.outbox import outbox_summary
    from desk.sync.status import rejection_problem

    desk = open_from_args(args)

    def log(line: str) -> None:
        if not args.json:
            warn(line)

    if not args.once:
        import signal
        import threading

        stop = start_background(desk, log=log, workers=args.workers)
        say(f"forwarding to the portal with {args.workers} worker(s) (Ctrl+C to stop)")
        done = threading.Event()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda *_: done.set())
        try:
            while not done.wait(1.0):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            stop()
        return EXIT_OK
    result = forward_once(desk, workers=args.workers, log=log)
    counts, problems = outbox_summary(desk)
    if args.json:
        emit_json({**result.to_json(), "outbox": counts, "set_aside": problems})
        return EXIT_OK
    say(
        f"forwarded {_counted(result.acknowledged, 'record')} and {_counted(result.progress_lines, 'progress line')}; "
        f"{result.rejected} rejected, {result.failed} failed, {result.retrying} to try again later"
    )
    say(
        f"outbox: {counts['pending']} waiting, {counts['done']} acknowledged by the portal, "
        f"{counts['rejected']} rejected, {counts['failed']} failed"
    )
    for row in problems:
        say(f"set aside: {describe(rejection_problem(row))}")
    return EXIT_OK


QUIET_ENV = "DESK_HUB_QUIET"
"""Set by ``desk hub serve --workers N --quiet`` for its worker processes: no request log."""


def hub_app_from_env():
    """The hub application of each worker of ``desk hub serve --workers N``: the home in ``$DESK_HOME``, its
    refusals worded as the CLI words them."""
    from desk.context import open_desk
    from desk.sync.hub import HubApp, stderr_log

    return HubApp(
        open_desk(os.environ.get("DESK_HOME")),
        log=None if os.environ.get(QUIET_ENV) else stderr_log,
        describe=describe,
    )


def cmd_hub_token_add(args) -> int:
    from desk.dossier.operators import require_supervisor
    from desk.sync.hub import add_token

    home = home_from_args(args)
    require_supervisor(open_from_args(args), "hub_token")  # on a home with operator accounts
    token = add_token(home)
    if args.json:
        emit_json({"token": token})
    else:
        say(token)
        warn("this token is shown once; put it in each desk's desk.toml as [sync] token")
    return EXIT_OK


def cmd_hub_status(args) -> int:
    from desk.sync.status import hub_status

    status = hub_status(open_from_args(args))
    if args.json:
        emit_json(status.to_json())
        return EXIT_OK
    if not status.desks:
        say("no events from other desks yet")
    for d in status.desks:
        say(
            f"desk {d.desk_no} of {d.agency_code} ({d.desk_id}): {d.events} events, last seq {d.last_seq}, "
            f"last seen {d.last_seen}"
        )
    for g in status.gaps:
        say(f"gap: {describe(g.problem())}")
    return EXIT_OK


def cmd_hub_search(args) -> int:
    from desk.sync.hub_search import search_hub

    found = search_hub(open_from_args(args), args.text, limit=args.limit)
    say_dossiers(found, as_json=args.json)
    return EXIT_OK


def cmd_hub_migrate(args) -> int:
    from desk.dossier.operators import require_supervisor
    from desk.sync.hub_migrate import migrate_hub

    desk = open_from_args(args)
    require_supervisor(desk, "hub_migrate")  # on a home with operator accounts

    def progress(what: str, done: int, total: int) -> None:
        if not args.json and sys.stderr.isatty():
            sys.stderr.write(f"\r{what}: {done}/{total}   ")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    moved = migrate_hub(desk, args.to, progress=progress)
    if args.json:
        emit_json(moved.to_json())
    else:
        rows = ", ".join(f"{table} {n}" for table, n in moved.rows.items() if n)
        say(
            f"moved into {moved.url}: {moved.events} events, {moved.dossiers} dossiers"
            + (f", {rows}" if rows else "")
            + "; [hub] database now points there (run it again to bring what arrived meanwhile: it adds only that)"
        )
    return EXIT_OK


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _skew(seconds: int | None) -> str:
    if seconds is None:
        return "clock not reported"
    return f"clock {seconds:+d} s{' (WRONG)' if abs(seconds) > 300 else ''}"


def cmd_hub_board(args) -> int:
    from desk.reports.board import board

    page = board(open_from_args(args), after=args.after, limit=args.limit)
    if args.json:
        emit_json(page.to_json())
        return EXIT_OK
    if not page.desks:
        say("no desks enrolled or heard from yet")
    for d in page.desks:
        contact = f"{d.last_contact} ({d.last_contact_by})" if d.last_contact else "never"
        refused = f" ({d.refused_code})" if d.refused_code else ""
        say(
            f"desk {d.desk_no} of {d.agency_code} ({d.desk_id}){' REVOKED' if d.revoked else ''}: "
            f"last contact {contact}; seq {d.hub_seq} here of {d.declared_seq} declared, "
            f"{d.pending} pending, {d.not_arrived} not arrived, {_count(d.gaps, 'gap', 'gaps')}; "
            f"chain {d.chain}{refused}; {_skew(d.clock_skew_seconds)}; "
            f"{_count(d.files_missing, 'file', 'files')} missing; "
            f"{d.quarantined} quarantined; {_count(d.portal_set_aside, 'record', 'records')} set aside by forwarding; "
            f"{_count(d.duplicates, 'duplicate', 'duplicates')} at other desks"
        )
    for pair in page.duplicates:
        say(
            f"duplicate: {pair['code']} ({pair['desk_id']}) and {pair['other_code']} ({pair['other_desk_id']}): "
            f"procedure {pair['procedure_code']}, one ID number"
        )
    for problem in page.set_aside:
        by = "refused by the national portal" if problem["state"] == "rejected" else "failed"
        say(
            f"set aside: {problem['dossier_code']} ({problem['desk_id']}): {by} ({problem['reason_code']}): {problem['reason']}"
        )
    if page.next:
        say(f"more: desk hub board --after {page.next}")
    return EXIT_OK


def register(sub) -> None:
    sp = add_command(sub, "export", "write every event not yet exported into one bundle (.deskbundle)", cmd_export)
    sp.add_argument(
        "--out",
        metavar="DIR",
        help="destination folder (default: the operator's last export folder on a desk with accounts, else "
        "[sync] export_dir, else outbox/)",
    )
    sp.add_argument("--date", metavar="YYYY-MM-DD", help="re-export every event of that day")
    sp.add_argument(
        "--with-files",
        action="store_true",
        help="carry every file the range's dossiers reference, sent before or not "
        "(without it a bundle carries the files not yet sent in a bundle or a push)",
    )
    sp.add_argument(
        "--plain",
        action="store_true",
        help="do not seal the bundle to the hub's key (tests; a hub with no key yet): anyone holding it can read it",
    )

    sp = add_command(sub, "import", "import a desk's bundle into this home (the hub); all or nothing", cmd_import)
    sp.add_argument("bundle", metavar="BUNDLE")

    sp = add_command(sub, "sync", "push pending events to the hub over HTTP(S)", cmd_sync)
    sp.add_argument("--endpoint", metavar="URL", help="the hub (default: [sync] endpoint in desk.toml)")
    sp.add_argument("--batch-size", type=int, default=200, metavar="N", help="events per request (default 200)")
    sp.add_argument("--timeout", type=float, default=30.0, metavar="S", help="seconds to wait for the hub")

    hub = sub.add_parser("hub", help="receive other desks' events: serve, tokens, status, enrolment of desks")
    hub_sub = hub.add_subparsers(dest="hub_command", metavar="ACTION", required=True)
    sp = add_command(
        hub_sub,
        "serve",
        "run the reference receiver (docs/sync-protocol.md) and the citizens' lookup page GET /tra-cuu (docs/lookup.md)",
        cmd_hub_serve,
        json_flag=False,
    )
    sp.add_argument("--port", type=int, default=8765, help="TCP port (default 8765; 0 picks a free one)")
    sp.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sp.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate (chain) file")
    sp.add_argument("--tls-key", metavar="PEM", help="the private key of --tls-cert")
    sp.add_argument("--quiet", action="store_true", help="do not log requests")
    sp.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="worker processes (default 1); more than one needs [hub] database = postgresql://… (docs/hub.md)",
    )
    sp.add_argument(
        "--forward",
        action="store_true",
        help="also run a worker forwarding records to the portal ([portal] settings; docs/forwarding.md)",
    )
    sp = add_command(
        hub_sub,
        "forward",
        "forward the dossiers received here to the provincial system / national portal (docs/forwarding.md)",
        cmd_hub_forward,
    )
    sp.add_argument("--once", action="store_true", help="one pass over the records due now, then exit (cron, tests)")
    sp.add_argument("--workers", type=int, default=1, metavar="N", help="workers at once (1–16, default 1)")
    register_seal(sub, hub_sub)
    token = hub_sub.add_parser("token", help="tokens desks use to push")
    token_sub = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    add_command(
        token_sub,
        "add",
        "make a new token, store its digest, print it once (a supervisor's act on a home with operator accounts)",
        cmd_hub_token_add,
    )
    add_command(hub_sub, "status", "desks heard from, their last seq and any gaps", cmd_hub_status)
    sp = add_command(
        hub_sub, "search", "find dossiers of every desk at this hub: code, ID number, phone or name", cmd_hub_search
    )
    sp.add_argument("text", metavar="TEXT")
    sp.add_argument("--limit", type=int, default=50, metavar="N", help="at most N dossiers (default 50)")
    sp = add_command(
        hub_sub,
        "migrate",
        "move this hub's store from the home's SQLite into PostgreSQL (idempotent; docs/hub.md; a supervisor's "
        "act on a home with operator accounts)",
        cmd_hub_migrate,
    )
    sp.add_argument("--to", required=True, metavar="URL", help="postgresql://user@host/database (an empty database)")
    sp = add_command(
        hub_sub,
        "board",
        "every desk, a page at a time: last contact, events not arrived, gaps, chain, clock skew, files missing,"
        " duplicates",
        cmd_hub_board,
    )
    sp.add_argument("--after", metavar="DESK_ID", help='the page after this desk (the previous page\'s "next")')
    sp.add_argument("--limit", type=int, default=50, metavar="N", help="desks per page (default 50, at most 500)")
    register_hub(hub_sub)
