"""Running the ``desk`` command from a test, and fresh desk homes copied from templates.

``run_desk`` runs the command in the test's own process through ``desk.cli.main``
(the same parser, handlers and exit codes as ``python -m desk``, without the
half-second start of a new interpreter); ``run_desk_process`` runs the real
command in a subprocess, for the few smoke tests that are about the process
itself. Both give ``returncode``, ``stdout`` and ``stderr``.

A home made by ``init`` and a catalogue import is built once per test session
(once per xdist worker) for each set of ``init`` options, then copied for each
test with a desk identity of its own, as a fresh ``desk init`` would give it.
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# a Monday morning: office open, well before the same-day cut-off
DEFAULT_NOW = "2026-11-23T09:00:00"

PATIENCE = 300.0
"""Seconds a test waits for a process to start, a thread to get somewhere or a screen to show something before
it gives up: a guard against a hang, never a verdict. A busy machine (two cores shared by several suites, or
the CPU hog of issue 11) made 20-60 s run out while nothing was wrong."""

AGENCY_CODE = "000.00.12.H29"
AGENCY_NAME = "UBND xã Minh Khai"
CLERK = "Nguyễn Thị Lan"


# --- running the command ----------------------------------------------------------------


@dataclass(frozen=True)
class DeskRun:
    """What a test reads of one run of ``desk`` (the fields of ``subprocess.CompletedProcess``)."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


@contextmanager
def environment(changes: Mapping[str, str]) -> Iterator[None]:
    """``os.environ`` with ``changes`` for the duration of the block, then exactly as before."""
    saved = {name: os.environ.get(name) for name in changes}
    os.environ.update(changes)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _command(args: tuple[str, ...], home: Path | str | None) -> list[str]:
    return (["--home", str(home)] if home is not None else []) + [str(a) for a in args]


def _env_changes(env: Mapping[str, str] | None) -> dict[str, str]:
    changes = dict(env or {})
    if "DESK_NOW" not in changes and "DESK_NOW" not in os.environ:
        changes["DESK_NOW"] = DEFAULT_NOW
    return changes


def run_desk(
    *args: str, home: Path | str | None = None, env: Mapping[str, str] | None = None, input: str | None = None
) -> DeskRun:
    """Run ``desk ARGS`` in this process: its output captured, ``env`` set meanwhile, ``input`` on stdin.

    ``DESK_NOW`` is the test's clock (the ``now`` fixture), else :data:`DEFAULT_NOW`.
    """
    from desk.cli import main

    argv = _command(args, home)
    out, err = io.StringIO(), io.StringIO()
    streams = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(input or ""), out, err
    try:
        with environment(_env_changes(env)):
            code = main(argv)
    finally:
        sys.stdin, sys.stdout, sys.stderr = streams
    assert isinstance(code, int), f"desk.cli.main returned {code!r}, not an exit code"
    return DeskRun(["desk", *argv], code, out.getvalue(), err.getvalue())


def run_desk_process(
    *args: str,
    home: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
    python_options: tuple[str, ...] | list[str] = (),
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run the real ``python -m desk ARGS`` in a subprocess (the smoke tests: start-up, imports, exit status)."""
    full_env = {**os.environ, **_env_changes(env)}
    return subprocess.run(
        [sys.executable, *python_options, "-m", "desk", *_command(args, home)],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        input=input,
        timeout=timeout,
        check=False,
    )


# --- template homes ---------------------------------------------------------------------

_template_root: Path | None = None
_templates: dict[tuple, Path] = {}


def set_template_root(path: Path) -> None:
    """Where this session keeps its template homes (a session temporary folder; see conftest)."""
    global _template_root
    _template_root = path
    _templates.clear()
    _template_ids.clear()


def _build_api(root: Path, catalog: bool, init: dict) -> None:
    """As the in-process fixtures always made a home: ``init_home``, then ``import_catalog``."""
    from desk.catalog.formats import sample_catalog_path
    from desk.catalog.store import import_catalog
    from desk.config import Home, init_home
    from desk.context import open_desk

    home = Home(root)
    init_home(home, **init)
    if catalog:
        d = open_desk(home)
        try:
            import_catalog(d, sample_catalog_path())
        finally:
            d.close()


def _build_cli(root: Path, catalog: bool, init: dict) -> None:
    """As a user makes a home: ``desk init`` and ``desk catalog import --sample``."""
    args = [
        "init",
        "--agency-code",
        init["agency_code"],
        "--agency-name",
        init["agency_name"],
        "--desk-no",
        str(init.get("desk_no", 0)),
    ]
    for option in ("place", "clerk"):
        if init.get(option):
            args += [f"--{option}", init[option]]
    r = run_desk(*args, home=root)
    assert r.returncode == 0, r.stderr
    if catalog:
        r = run_desk("catalog", "import", "--sample", home=root)
        assert r.returncode == 0, r.stderr


def _desk_id(root: Path) -> str:
    import tomllib

    return tomllib.loads((root / "desk.toml").read_text(encoding="utf-8"))["agency"]["desk_id"]


_template_ids: dict[Path, str] = {}
"""template home -> its desk id, read once (each copy replaces it with a new one)."""


def _template(how: str, catalog: bool, init: dict) -> Path:
    key = (how, catalog, tuple(sorted(init.items())))
    if key not in _templates:
        assert _template_root is not None, "template homes are made inside a test session (see conftest)"
        root = _template_root / f"t{len(_templates)}"
        with environment({"DESK_NOW": DEFAULT_NOW}):
            (_build_cli if how == "cli" else _build_api)(root, catalog, init)
        # a copy gets a desk identity of its own: the template's must live in desk.toml only
        db = root / "desk.sqlite3"
        assert not db.exists() or _desk_id(root).encode() not in db.read_bytes(), "the desk id is in the database"
        _templates[key] = root
        _template_ids[root] = _desk_id(root)
    return _templates[key]


def _copy(template: Path, root: Path) -> Path:
    """A copy of a template home with a new desk id, agency key and desk key, as ``desk init`` would make them."""
    shutil.copytree(template, root)  # modes too: the owner-only home and files stay so
    config = root / "desk.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(_template_ids[template], str(uuid.uuid4())), encoding="utf-8"
    )
    (root / "agency.key").write_bytes(secrets.token_bytes(32).hex().encode("ascii") + b"\n")
    from desk.config import Home
    from desk.keys import generate_desk_key, key_path

    key_path(Home(root)).unlink(missing_ok=True)  # a desk key of its own too
    generate_desk_key(Home(root))
    return root


def new_home(
    root: Path,
    *,
    catalog: bool = True,
    agency_code: str = AGENCY_CODE,
    agency_name: str = AGENCY_NAME,
    desk_no: int = 1,
    clerk: str = CLERK,
    place: str = "",
):
    """A new desk home at ``root`` as ``init_home`` (+ the sample catalogue) makes it; returns its ``Home``."""
    from desk.config import Home

    init = {"agency_code": agency_code, "agency_name": agency_name, "desk_no": desk_no, "clerk": clerk}
    if place:
        init["place"] = place
    return Home(_copy(_template("api", catalog, init), Path(root)))


def new_cli_home(
    root: Path,
    *,
    catalog: bool = True,
    agency_code: str = AGENCY_CODE,
    agency_name: str = AGENCY_NAME,
    desk_no: int = 1,
    clerk: str = CLERK,
    place: str = "",
) -> Path:
    """A new desk home at ``root`` as ``desk init`` (+ ``desk catalog import --sample``) makes it."""
    init = {"agency_code": agency_code, "agency_name": agency_name, "desk_no": desk_no, "clerk": clerk}
    if place:
        init["place"] = place
    return _copy(_template("cli", catalog, init), Path(root))


# --- enrolment at test hubs (docs/keys.md) ---------------------------------------------------


def enrol_at(hub, *desks) -> None:
    """Enrol ``desks`` (open desks) in ``hub``'s registry, as ``desk hub enrol`` does with their requests."""
    from desk import keys
    from desk.sync.enrolment import Request, enrol

    for d in desks:
        a = d.settings.agency
        enrol(hub, Request(a.code, a.name, a.desk_no, d.desk_id, keys.desk_public_key(d.home)))


def pin_hub(desk, hub) -> None:
    """Pin ``hub``'s key at ``desk``, as ``desk hub-key set`` does with the hub's key file."""
    from desk import keys
    from desk.sync.enrolment import pin_hub_key

    pin_hub_key(desk.home, keys.desk_public_key(hub.home))
    desk.reload_settings()


_signers: dict[str, object] = {}
"""desk id -> the home of a desk a test made through ``know_each_other`` (whose key can re-sign its bundles)."""


def sign_as_its_desk(content: dict[str, bytes]) -> dict[str, bytes]:
    """A bundle's members with ``signature.json`` made again by the key of the desk its manifest names, as
    a desk that holds its key (a compromised or faulty one) would sign what it wrote: for the tests of what
    a hub checks after the signature. A desk no test made keeps the signature it had."""
    import json

    from desk import keys
    from desk.sync.signing import SIGNATURE_FORMAT

    manifest = content["manifest.json"]
    try:
        desk_id = json.loads(manifest).get("desk_id")
    except (ValueError, RecursionError, AttributeError):
        return content  # a manifest no desk could write: refused before its signature is looked at
    home = _signers.get(desk_id)
    if home is None:
        return content
    key = keys.load_desk_key(home)
    content["signature.json"] = json.dumps(
        {
            "format": SIGNATURE_FORMAT,
            "algorithm": keys.ALGORITHM,
            "desk_id": desk_id,
            "key": keys.public_text(keys.public_bytes(key)),
            "signature": keys.b64(keys.sign(key, manifest)),
            "rotations": [r.to_json() for r in keys.rotations(home)],
        }
    ).encode()
    return content


def push_signature(body: bytes) -> dict[str, str]:
    """The signature headers a desk puts on a batch, made by the key of the desk the body names (one a test
    made); none for another desk."""
    import json

    from desk.sync.signing import Signer

    try:
        home = _signers.get(json.loads(body).get("desk_id"))
    except (ValueError, AttributeError):
        home = None
    return Signer(home).push_headers(body) if home is not None else {}


def know_each_other(new, others) -> None:
    """What a test's desks need to exchange bundles and pushes: each enrolled at every other (any may act as
    the hub), and desk 0's key pinned at the others. A desk number already enrolled is left out (the tests
    of two desks given one number expect the hub to refuse the second)."""
    from desk.errors import IntegrityFailure

    _signers[new.desk_id] = new.home
    for other in others:
        for hub, desk in ((other, new), (new, other)):
            try:
                enrol_at(hub, desk)
            except IntegrityFailure:
                pass
            if hub.settings.agency.desk_no == 0:
                pin_hub(desk, hub)


def enrol_homes(desk_home, hub_home) -> None:
    """The desk of ``desk_home`` enrolled at the hub of ``hub_home``, the hub's key pinned at the desk."""
    from desk.context import open_desk

    d, h = open_desk(desk_home), open_desk(hub_home)
    try:
        know_each_other(d, [h])
    finally:
        d.close()
        h.close()
