"""What the benches share: enrolling a desk at a hub and exporting its bundle, CPU accounting from /proc
(per process, per process tree, the whole machine), and the JSON report of figures beside their budgets."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

# --- desks and hubs ---------------------------------------------------------------------------------


def enrol(hub_home, desk_home) -> None:
    """Enrol the desk of ``desk_home`` at the hub of ``hub_home`` (as ``desk hub enrol`` does)."""
    from desk import keys
    from desk.config import load_settings
    from desk.context import open_desk
    from desk.sync.enrolment import Request
    from desk.sync.enrolment import enrol as enrol_request

    agency = load_settings(desk_home).agency
    hub = open_desk(hub_home)
    try:
        request = Request(agency.code, agency.name, agency.desk_no, agency.desk_id, keys.desk_public_key(desk_home))
        enrol_request(hub, request)
    finally:
        hub.close()


def export(desk_home, out: Path, seal_to: str | None = None):
    """The desk's pending events exported into one bundle in ``out`` (made); ``export_bundle``'s result."""
    from desk.context import open_desk
    from desk.sync.bundle_write import export_bundle

    out.mkdir(parents=True, exist_ok=True)
    desk = open_desk(desk_home)
    try:
        return export_bundle(desk, out, seal_to=seal_to)
    finally:
        desk.close()


# --- CPU ------------------------------------------------------------------------------------------


def process_cpu() -> list[tuple[int, int, float]]:
    """(pid, parent pid, user + system CPU seconds) of every live process (Linux; [] elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            out.append((int(stat.parent.name), int(fields[1]), (int(fields[11]) + int(fields[12])) / tick))
        except (OSError, ValueError, IndexError):
            continue
    return out


def tree_cpu_s(root: int) -> float:
    """CPU seconds of process ``root`` and its live descendants (a server and its workers)."""
    rows = process_cpu()
    children: dict[int, list[int]] = {}
    cpu = {}
    for pid, ppid, seconds in rows:
        children.setdefault(ppid, []).append(pid)
        cpu[pid] = seconds
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += cpu.get(pid, 0.0)
        todo.extend(children.get(pid, ()))
    return total


def machine_cpu_s() -> float:
    """CPU seconds the whole machine has been busy since boot (every core: /proc/stat's first line)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --- the report -----------------------------------------------------------------------------------


def machine() -> dict:
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}


def budgets(results: dict, limits: dict) -> dict:
    """Each budgeted figure beside its budget (a "max"); ``ok`` false when missing or over."""
    return {
        k: {"budget": v, "value": results.get(k), "ok": results.get(k) is not None and results[k] <= v}
        for k, v in limits.items()
    }


def write_report(out: Path, report: dict) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def bench_dossier(
    procedure, *, id: str, code: str, name: str, id_number: str, phone: str, received, line: int, desk_no: int
):
    """A dossier of ``procedure`` (the catalogue's) received at ``received``, as the benches generate them: every
    component line of the procedure, not yet checked; the random parts are the caller's (its own order of draws)."""
    from datetime import timedelta

    from desk.models import Applicant, ComponentLine, Dossier, IdKind

    return Dossier(
        id=id,
        code=code,
        procedure_code=procedure.code,
        procedure_name=procedure.name,
        applicant=Applicant(
            name=name,
            id_number=id_number,
            id_kind=IdKind.PERSONAL_ID,
            phone=phone,
            address="Thôn Đông, xã Bench, tỉnh Bench",
        ),
        received_at=received,
        due_at=received + timedelta(days=3),
        register_book="01",
        register_line=line,
        clerk="Bench Clerk",
        desk_no=desk_no,
        components=[
            ComponentLine(
                code=c.code,
                name=c.name,
                form=c.form,
                quantity=c.quantity,
                required=c.required,
                must_digitise=c.must_digitise,
            )
            for c in procedure.components
        ],
        updated_at=received,
    )
