"""The catalogue's commands: catalog import, catalog list."""

from __future__ import annotations

from pathlib import Path

from desk.cli.base import add_command, emit_json, say
from desk.cli.base import open_from_args as _open
from desk.errors import EXIT_OK, InvalidInput
from desk.rules.problems import fill


def cmd_catalog_import(args) -> int:
    from desk.catalog.formats import sample_catalog_path
    from desk.catalog.store import import_catalog

    if not args.file and not args.sample:
        raise InvalidInput("catalog.no_file", field="file")
    desk = _open(args)
    path = sample_catalog_path() if args.sample else Path(args.file)
    procedures = import_catalog(desk, path)
    if args.json:
        emit_json({"imported": len(procedures), "codes": [p.code for p in procedures]})
    else:
        say(fill("imported {n:# procedure|# procedures} from {name}", {"n": len(procedures), "name": path.name}))
    return EXIT_OK


def cmd_catalog_list(args) -> int:
    from desk.catalog.schema import procedure_to_dict
    from desk.catalog.store import list_procedures

    procedures = list_procedures(_open(args))
    if args.json:
        emit_json([procedure_to_dict(p) for p in procedures])
        return EXIT_OK
    if not procedures:
        say("the catalogue is empty: `desk catalog import FILE`")
    for p in procedures:
        say(f"{p.code:<24} {p.processing.label_vi():<18} {len(p.components):>2} tp  {p.name}")
    return EXIT_OK


# --- parser -------------------------------------------------------------------


def register(sub) -> None:
    cat = sub.add_parser("catalog", help="the catalogue of procedures")
    cat_sub = cat.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    sp = add_command(
        cat_sub, "import", "import procedures from a JSON or CSV file (all or nothing)", cmd_catalog_import
    )
    sp.add_argument("file", nargs="?", help="catalogue file (.json or .csv, see docs/catalogue.md)")
    sp.add_argument("--sample", action="store_true", help="import the bundled sample catalogue")
    add_command(cat_sub, "list", "list the procedures", cmd_catalog_list)
