"""The dependency rule of SPEC §1: the core works without a screen or a PDF library."""

import subprocess
import sys

import pytest

CORE = [
    "db", "db.connection", "db.migrations", "db.queries",
    "desk", "desk.models", "desk.config", "desk.clock", "desk.text", "desk.rules.idnumbers", "desk.rules.chipqr",
    "desk.rules.codes", "desk.rules.calendar", "desk.catalog.formats", "desk.dossier.events", "desk.dossier.intake", "desk.dossier.query",
    "desk.ops.verify", "desk.catalog.store", "desk.dossier.rows", "desk.context", "desk.cli", "desk.cli.core",
    "desk.rules.status", "desk.dossier.lifecycle", "desk.dossier.checklist", "desk.dossier.files", "desk.rules.portal", "desk.dossier.documents",
    "desk.rules.receipt_qr", "desk.ops.demo", "desk.cli.printing", "desk.cli.lifecycle",
    "desk.sync.bundle", "desk.sync.ingest", "desk.sync.push", "desk.sync.hub", "desk.cli.sync", "db.sync_queries",
    "desk.ops.backup", "desk.dossier.query", "desk.reports.indicators", "desk.reports.day", "desk.cli.reports", "db.indicator_queries",
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
