"""The TUI's side of the dependency rule: screens call ``desk`` and ``printing``, never ``db``;
what the TUI added to the core stays free of textual."""

import ast
import subprocess
import sys
from pathlib import Path

SCREENS = Path(__file__).resolve().parent.parent / "screens"
ALLOWED = {"desk", "printing", "screens", "textual", "rich", "__future__"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_screens_import_only_desk_printing_and_the_ui():
    paths = sorted(SCREENS.rglob("*.py"))
    assert {"widgets", "dialogs", "i18n"} <= {p.parent.name for p in paths}
    for path in paths:
        project = imported_roots(path) - set(sys.stdlib_module_names)
        assert project <= ALLOWED, f"{path.relative_to(SCREENS)} imports {sorted(project - ALLOWED)}"


def test_the_catalogue_imports_no_ui():
    # the words of the core's problems can be read (and tested) without textual
    code = "import sys, screens.i18n.catalogue\nprint(','.join(m for m in ('textual', 'rich') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=SCREENS.parent
    ).stdout.strip()
    assert out == ""


def test_no_screens_module_is_over_500_lines():
    long = {
        str(p.relative_to(SCREENS)): n
        for p in SCREENS.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}


def test_core_modules_of_the_tui_import_no_ui():
    code = "import sys, desk.dossier.query\nprint(','.join(m for m in ('textual', 'rich', 'reportlab') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_the_first_screen_does_not_load_the_pdf_stack():
    code = "import sys, screens.app\nprint(','.join(m for m in ('reportlab', 'qrcode') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=SCREENS.parent
    ).stdout.strip()
    assert out == ""
