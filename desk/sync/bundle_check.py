"""``python -m desk.sync.bundle_check BUNDLE``: the complete check of a bundle, as import does it, with a JSON verdict.

Started by ``desk.sync.bundle`` beside a large import, so that checking every
event runs on the second core while the import writes them; not a command for
people (``desk import`` is). Writes nothing but one JSON object on stdout:
``{"ok": true, "canonical": bool, "events": n, "manifest_sha256": hex}`` or
``{"ok": false, "error": <exception class>, "message": text, "field": name or null}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from desk.sync.bundle import check_bundle, read_bundle
from desk.errors import DeskError
from desk.sync.ingest import gc_paused


def verdict(path: Path) -> dict:
    try:
        with gc_paused():
            zf, bundle = read_bundle(path)
            zf.close()
            canonical = all(c is not None for c in bundle.certified)  # every line as a desk writes it
            checked = check_bundle(bundle, path.name)
    except DeskError as exc:
        return {"ok": False, "error": type(exc).__name__, "message": exc.message, "field": exc.field}
    return {"ok": True, "canonical": canonical, "events": len(checked), "manifest_sha256": bundle.manifest_sha256}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m desk.sync.bundle_check BUNDLE", file=sys.stderr)
        return 2
    sys.stdout.write(json.dumps(verdict(Path(args[0]))))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
