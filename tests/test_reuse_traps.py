"""Reuse from another dossier: only a dossier that exists here (at a hub, an imported desk's too), linked by code."""

from __future__ import annotations

from desk.dossier import checklist
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.dossier.query import get, timeline
from desk.errors import NotFound
from desk.models import Digitisation
from desk.ops.verify import verify
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import export_bundle
from tests.problem_helpers import raises_problem


def birth(desk, name="Nguyễn Văn An", **kw):
    d, _ = receive(desk, IntakeRequest("1.001193", ApplicantInput(name=name), **kw))
    return d


def test_at_a_hub_a_dossier_imported_from_a_desk_can_be_reused_and_is_linked(make_desk, tmp_path):
    a = make_desk("a", 1)
    hub = make_desk("hub", 0)
    source = birth(a, "Phạm Thị Hương")
    sibling = birth(a, "Phạm Văn Hùng", reused={"giay_chung_sinh": source.code})  # linked at intake
    out = tmp_path / "out"
    out.mkdir()
    result = import_bundle(hub, export_bundle(a, out).path)
    assert result.gaps == [] and verify(hub).ok
    components = timeline(hub, sibling.code)[0].payload["components"]
    assert {c["code"]: c["reuse_source"] for c in components}["giay_chung_sinh"] == source.code
    assert get(hub, source.code).desk_id == a.desk_id  # a dossier of another desk, in the hub's register
    d = birth(hub)
    d = checklist.mark_reused(hub, d.code, "giay_chung_sinh", source.code.lower())
    line = next(c for c in d.components if c.code == "giay_chung_sinh")
    assert (line.digitisation, line.reuse_source) == (Digitisation.REUSED_DOSSIER, source.code)
    details = timeline(hub, d.code)[-1].payload["details"]
    assert details["linked"] == {"code": source.code, "procedure_code": "1.001193", "status": "received"}
    # a desk that never saw it refuses the code
    b = make_desk("b", 2)
    other = birth(b)
    with raises_problem(NotFound, "reuse.unknown_dossier", says=source.code):
        checklist.mark_reused(b, other.code, "giay_chung_sinh", source.code)


def test_intake_reusing_a_dossier_needs_one_that_exists(desk):
    before = desk.db.execute("SELECT count(*) FROM dossiers").fetchone()[0]
    with raises_problem(NotFound, "reuse.unknown_dossier", says="000.00.12.H29-261120-1003"):
        birth(desk, reused={"giay_chung_sinh": "000.00.12.H29-261120-1003"})
    assert desk.db.execute("SELECT count(*) FROM dossiers").fetchone()[0] == before
    source = birth(desk, "Phạm Thị Hương")
    d = birth(desk, reused={"giay_chung_sinh": source.code.lower()})
    line = next(c for c in d.components if c.code == "giay_chung_sinh")
    assert (line.digitisation, line.reuse_source) == (Digitisation.REUSED_DOSSIER, source.code)
    components = timeline(desk, d.code)[0].payload["components"]  # the intake's event names the source
    assert {c["code"]: c["reuse_source"] for c in components}["giay_chung_sinh"] == source.code
