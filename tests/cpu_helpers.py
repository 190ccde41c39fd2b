"""Where the suite's CPU goes: an opt-in pytest plugin and the table it reads (no effect on a normal run).

    DESK_TEST_CPU=/tmp/cpu python -m pytest -q -n 2 --dist worksteal -p tests.cpu_helpers
    python -m tests.cpu_helpers /tmp/cpu          # CPU by test file, then the costliest tests

Each process (each xdist worker) writes ``<DESK_TEST_CPU>.<worker>.json``: per test, the CPU time
(user + sys) of the process and of the subprocesses it waited for, from setup to teardown (a
session fixture's cost lands on the first test that uses it), and the wall time. CPU, not wall,
is what a loaded 2-core machine makes comparable; no test asserts on any of it.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

_rows: list[tuple[str, float, float, float]] = []


def _cpu() -> tuple[float, float]:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    own, children = _cpu()
    wall = time.perf_counter()
    yield
    own_after, children_after = _cpu()
    _rows.append((item.nodeid, own_after - own, children_after - children, time.perf_counter() - wall))


def pytest_sessionfinish(session):
    out = os.environ.get("DESK_TEST_CPU")
    if out:
        own, children = _cpu()
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        Path(f"{out}.{worker}.json").write_text(json.dumps({"rows": _rows, "own": own, "children": children}))


def table(prefix: str, files: int = 40, tests: int = 25) -> str:
    rows: list[list] = []
    own = children = 0.0
    paths = sorted(Path(prefix).parent.glob(Path(prefix).name + ".*.json"), key=lambda p: p.name.endswith(".main.json"))
    for path in paths:
        data = json.loads(path.read_text())
        rows += data["rows"]
        own += data["own"]
        if not path.name.endswith(".main.json") or not rows:  # the controller's children are the workers
            children += data["children"]
    by_file: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0])
    for nodeid, cpu, child, wall in rows:
        entry = by_file[nodeid.split("::")[0]]
        entry[0] += cpu
        entry[1] += child
        entry[2] += wall
        entry[3] += 1
    lines = [
        f"pytest's processes: {own:.1f} s CPU, the workers' subprocesses {children:.1f} s; {len(rows)} tests: "
        f"{sum(r[1] for r in rows):.1f} + {sum(r[2] for r in rows):.1f} s CPU inside tests",
        "   CPU s (subproc)  wall s  tests  file",
    ]
    for name, (cpu, child, wall, count) in sorted(by_file.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))[:files]:
        lines.append(f"{cpu + child:8.1f} ({child:6.1f}) {wall:7.1f} {count:6d}  {name}")
    lines.append("   CPU s  wall s  test")
    for nodeid, cpu, child, wall in sorted(rows, key=lambda r: -(r[1] + r[2]))[:tests]:
        lines.append(f"{cpu + child:8.2f} {wall:7.2f}  {nodeid}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(sys.argv[1]))
