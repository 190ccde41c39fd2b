"""The dependency rule of SPEC §1: the core works without a screen or a PDF library.

The layers themselves are import-linter contracts in pyproject.toml (``lint-imports``
runs in ``make test``); this checks what they cannot: what a fresh interpreter has
loaded after importing every module of the core.
"""

import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("desk.rules", "desk.catalog", "desk.dossier", "desk.sync", "desk.reports", "desk.ops")
FOUNDATION = (
    "desk",
    "desk.errors",
    "desk.clock",
    "desk.ids",
    "desk.text",
    "desk.models",
    "desk.config",
    "desk.settings",
    "desk.context",
    "desk.fsio",
)


def core_modules() -> list[str]:
    """Every module of the core, found on disk (a new module is checked without listing it here)."""
    found = list(FOUNDATION) + ["db"] + [f"db.{m.name}" for m in pkgutil.iter_modules([str(ROOT / "db")])]
    for package in LAYERS:
        found.append(package)
        found += [f"{package}.{m.name}" for m in pkgutil.iter_modules([str(ROOT / package.replace(".", "/"))])]
    return found


def loaded_after_importing(modules: list[str], watched: tuple[str, ...]) -> list[str]:
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(','.join(sorted(w for w in {watched!r} if w in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return [m for m in out.stdout.strip().split(",") if m]


def test_the_core_is_found_on_disk():
    modules = core_modules()
    assert {"desk.rules.codes", "desk.dossier.intake", "desk.sync.ingest", "db.queries"} <= set(modules)


def test_the_core_loads_no_ui_and_no_pdf_library():
    assert loaded_after_importing(core_modules(), ("textual", "rich", "reportlab", "printing", "screens")) == []


def test_db_loads_nothing_of_the_app():
    db = [m for m in core_modules() if m == "db" or m.startswith("db.")]
    assert loaded_after_importing(db, ("desk", "screens", "printing")) == []


def test_the_cli_entry_point_loads_no_ui():
    # a non-UI command must start fast: textual and reportlab load only when a command needs them
    assert loaded_after_importing(["desk.cli"], ("textual", "rich", "reportlab")) == []
