"""Shared fixtures: a fresh desk home with the sample catalogue, a fixed clock, a clean environment."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.desk_helpers import (  # noqa: F401  (the tests import these from here)
    DEFAULT_NOW,
    PATIENCE,
    ROOT,
    DeskRun,
    know_each_other,
    new_cli_home,
    new_home,
    run_desk,
    run_desk_process,
    set_template_root,
)
from tests.forward_world import portal, world  # noqa: F401  (fixtures: a desk, its hub, the portal stand-in)
from tests.operator_helpers import quick_kdf, typed  # noqa: F401  (fixtures: operator accounts in tests)
from tests.pg_helpers import hub_store, pg_cluster, pg_url  # noqa: F401  (fixtures: the hub on either store)

# the long scenarios first: pytest-xdist's workers then end on the many short tests and finish
# together, instead of one worker running a 10-25 s TUI scenario while the other core sits idle
LONG_FIRST = (
    "test_tui_strings.py",
    "test_bench.py",
    "test_packaging.py",
    "test_e2e_tmux.py",
    "test_tui_lifecycle.py",
    "test_tui.py",
    "test_tui_snapshots.py",
    "test_tui_bench.py",
)


def pytest_collection_modifyitems(items):
    """Stable reorder: the modules of :data:`LONG_FIRST` in that order, then every other test as collected."""
    rank = {name: i for i, name in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(LONG_FIRST)))


# no property test is decided by the clock: a busy machine makes examples slow, not wrong
settings.register_profile("desk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("desk")


@pytest.fixture(scope="session", autouse=True)
def _template_homes(tmp_path_factory):
    """Template homes live in this session's (this xdist worker's) temporary folder."""
    set_template_root(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="session", autouse=True)
def _css_parsed_once():
    """Textual's CSS parsed once per session (per xdist worker), not once per app (tests/tui_helpers.py)."""
    from tests.tui_helpers import css_parsed_once

    with css_parsed_once():
        yield


@pytest.fixture(scope="session", autouse=True)
def _patient_pilot():
    """Pilot's pauses wait for the app's messages, not for the process to look idle (tests/tui_helpers.py)."""
    from tests.tui_helpers import patient_pilot

    with patient_pilot(PATIENCE):
        yield


@pytest.fixture(scope="session", autouse=True)
def _frames_on_pause(_patient_pilot):
    """A headless app's screen rendered at each pause of a test, not at every refresh (tests/tui_helpers.py)."""
    from tests.tui_helpers import frames_on_pause

    with frames_on_pause():
        yield


@pytest.fixture(autouse=True)
def _environment_kept():
    """The environment after a test (and its monkeypatch) is the one before it, or the test fails.

    In-process runs of the command share ``os.environ`` with the tests that follow.
    """
    before = dict(os.environ)
    yield
    after = dict(os.environ)
    changed = sorted(
        k for k in before.keys() | after.keys() if before.get(k) != after.get(k) and k != "PYTEST_CURRENT_TEST"
    )
    for name in changed:
        if name in before:
            os.environ[name] = before[name]
        else:
            del os.environ[name]
    assert not changed, f"the environment was changed and not put back: {changed}"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path_factory):
    """Nothing from the shell, nothing to the next test.

    No ``DESK_HOME``, ``DESK_DEBUG`` or ``DESK_NOW`` from the shell, a user data
    folder of the session's own so nothing reaches the real one, and the working
    directory put back after each test.
    """
    for name in ("DESK_HOME", "DESK_DEBUG", "DESK_NOW"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.getbasetemp() / "xdg-data"))
    monkeypatch.chdir(ROOT)


@pytest.fixture
def now(monkeypatch):
    """Fix the desk clock; call ``now("2026-11-23T16:00")`` to move it."""

    def set_now(value: str = DEFAULT_NOW) -> None:
        monkeypatch.setenv("DESK_NOW", value)

    set_now()
    return set_now


@pytest.fixture
def home(tmp_path, now, request):
    """A new home of desk 1; with the sample catalogue already in when the test uses ``desk`` too."""
    return new_home(tmp_path / "home", catalog="desk" in request.fixturenames)


@pytest.fixture
def desk(home):
    from desk.context import open_desk

    d = open_desk(home)
    yield d
    d.close()


@pytest.fixture
def make_desk(tmp_path, now):
    """``make_desk(name, desk_no)``: an open desk of agency 000.00.12.H29 in its own home (0: a hub).

    The desks a test makes know each other: each is enrolled at every other, and desk 0's key is pinned at
    the others (``know_each_other``). ``hub_database``: the hub's store (``[hub] database``, the ``hub_store``
    fixture), set before the desks are enrolled at it."""
    from desk.config import update_settings
    from desk.context import open_desk

    opened = []

    def make(name: str, desk_no: int, hub_database: str = ""):
        home = new_home(tmp_path / name, agency_code="000.00.12.H29", desk_no=desk_no, clerk=f"Clerk {name}")
        if hub_database:
            update_settings(home, hub_database=hub_database)
        d = open_desk(home)
        know_each_other(d, opened)
        opened.append(d)
        return d

    yield make
    for d in opened:
        d.close()


@pytest.fixture
def out(tmp_path):
    """A folder to export into (the USB stick)."""
    p = tmp_path / "usb"
    p.mkdir()
    return p


@pytest.fixture(scope="session")
def test_ca():
    """A CA made for this test session (no key material is committed)."""
    from tests.signing_helpers import make_ca

    return make_ca()


@pytest.fixture(scope="session")
def clerk_p12(tmp_path_factory, test_ca):
    """A clerk's PKCS#12 file issued by :func:`test_ca` (passphrase ``signing_helpers.PASSPHRASE``)."""
    from tests.signing_helpers import make_pkcs12

    return make_pkcs12(tmp_path_factory.mktemp("p12") / "clerk.p12", test_ca)


@pytest.fixture
def signer(home, clerk_p12, monkeypatch, request):
    """The home's clerk signs with :func:`clerk_p12`, its passphrase in ``DESK_SIGNER_PIN``.

    An open ``desk`` of the test reads the new settings.
    """
    from desk.config import Home
    from desk.dossier import signer as signer_mod
    from tests.signing_helpers import PASSPHRASE

    monkeypatch.setenv("DESK_SIGNER_PIN", PASSPHRASE)
    signer_mod.set_pkcs12(home if isinstance(home, Home) else Home(home), clerk_p12, PASSPHRASE)
    if "desk" in request.fixturenames:
        request.getfixturevalue("desk").reload_settings()
    return clerk_p12
