"""The dependency rule of SPEC §1: the core works without a screen or a PDF library."""

import subprocess
import sys

import pytest

CORE = [
    "db", "db.connection", "db.migrations", "db.queries",
    "desk", "desk.models", "desk.config", "desk.clock", "desk.text", "desk.idnumbers", "desk.chipqr",
    "desk.codes", "desk.worktime", "desk.catalog", "desk.events", "desk.intake", "desk.dossiers",
    "desk.verify", "desk.procedures", "desk.store", "desk.context", "desk.cli", "desk.cli.core",
    "desk.status", "desk.lifecycle", "desk.checklist", "desk.filestore", "desk.portal", "desk.printjobs",
    "desk.receipt_qr", "desk.demo", "desk.cli.printing", "desk.cli.lifecycle",
    "desk.bundle", "desk.ingest", "desk.sync", "desk.hub", "desk.cli.sync", "db.sync_queries",
    "desk.backup", "desk.lookup", "desk.indicators", "desk.reports", "desk.cli.reports", "db.indicator_queries",
]


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_ui_or_pdf(module):
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in ('textual', 'rich', 'reportlab') if m in sys.modules)\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"{module} pulls in {out}"


def test_db_imports_nothing_of_the_app():
    code = "import sys, db, db.queries\nprint(','.join(m for m in ('desk', 'screens', 'printing') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
