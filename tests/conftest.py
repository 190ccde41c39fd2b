"""Shared fixtures: a fresh desk home with the sample catalogue, a fixed clock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# a Monday morning: office open, well before the same-day cut-off
DEFAULT_NOW = "2026-11-23T09:00:00"


@pytest.fixture
def now(monkeypatch):
    """Fix the desk clock; call ``now("2026-11-23T16:00")`` to move it."""

    def set_now(value: str = DEFAULT_NOW) -> None:
        monkeypatch.setenv("DESK_NOW", value)

    set_now()
    return set_now


@pytest.fixture
def home(tmp_path, now):
    from desk.config import Home, init_home

    h = Home(tmp_path / "home")
    init_home(h, agency_code="000.00.12.H29", agency_name="UBND xã Minh Khai", desk_no=1, clerk="Nguyễn Thị Lan")
    return h


@pytest.fixture
def desk(home):
    from desk.catalog.formats import sample_catalog_path
    from desk.context import open_desk
    from desk.catalog.store import import_catalog

    d = open_desk(home)
    import_catalog(d, sample_catalog_path())
    yield d
    d.close()


def run_desk(*args: str, home: Path | None = None, env: dict | None = None, input: str | None = None):
    """Run the real ``desk`` command in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    full_env.setdefault("DESK_NOW", DEFAULT_NOW)
    cmd = [sys.executable, "-m", "desk"]
    if home is not None:
        cmd += ["--home", str(home)]
    return subprocess.run(
        cmd + list(args), capture_output=True, text=True, env=full_env, cwd=ROOT, input=input, timeout=60
    )
