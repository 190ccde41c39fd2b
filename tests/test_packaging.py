"""A non-editable install carries its package data: the sample catalogue and the .tcss styles."""

import importlib.util
import subprocess
import sys
import zipfile

from tests.conftest import ROOT


def wheel_command(out) -> list[str]:
    """The wheel built by uv where `make` installed with it (its cached build environment: ~2.5 CPU-s, where pip
    sets one up anew each time: ~6), else by pip; either runs the project's own build backend (setuptools)."""
    if importlib.util.find_spec("uv") is not None:
        return [sys.executable, "-m", "uv", "build", "--wheel", "--quiet", "--out-dir", str(out), str(ROOT)]
    return [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)]


def test_wheel_contains_package_data(tmp_path):
    r = subprocess.run(wheel_command(tmp_path), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    wheel = next(tmp_path.glob("motcua_desk-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "desk/data/catalog.json" in names
    assert "screens/app.tcss" in names
    assert "screens/screens.tcss" in names  # the other screens' styles, read after the first screen
    assert {"desk/cli/__init__.py", "db/migrations.py", "printing/__init__.py", "screens/app.py"} <= names
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "desk = desk.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()
