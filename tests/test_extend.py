"""Issue 13, point 6: the apology letter (Mẫu 04) keeps its promise: its new date is the dossier's appointment."""

from datetime import timedelta

import printing
from desk.dossier import query as dossiers
from desk.dossier.documents import print_document
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import export_bundle
from tests.test_bundle import intake


def test_the_extension_travels_in_a_bundle_and_the_hub_holds_the_new_date(make_desk, out, tmp_path):
    a, hub = make_desk("a", 1), make_desk("hub", 0)
    d = intake(a)
    new_due = d.due_at + timedelta(days=3)
    result = print_document(
        a,
        "apology",
        d.code,
        renderer=printing.RENDERER,
        sender=printing.send_to_printer,
        out=tmp_path / "m04.pdf",
        reason="Chờ xác minh",
        new_due=new_due,
    )
    assert result.ok
    assert dossiers.get(a, d.code).due_at == new_due
    # reprinting the same letter moves nothing more
    print_document(
        a,
        "apology",
        d.code,
        renderer=printing.RENDERER,
        sender=printing.send_to_printer,
        out=tmp_path / "m04b.pdf",
        reason="Chờ xác minh",
        new_due=new_due,
    )
    kinds = [e.type for e in dossiers.timeline(a, d.code)]
    assert kinds.count("dossier.extended") == 1
    imported = import_bundle(hub, export_bundle(a, out).path)
    assert imported.imported_events == len(kinds)
    assert dossiers.get(hub, d.code).due_at == new_due
