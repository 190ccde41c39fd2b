"""The desk, the hub and the stand-in portal of the forwarding tests (tests/test_forward*.py): one fixture.

``world``: a desk and its hub on the store of ``hub_store`` (the home's SQLite, or PostgreSQL), with the steps
the tests take (intakes and changes at the desk, bundles carried to the hub, the hub's outbox read through its
store); ``portal``: ``tests.portal_stand_in`` (a STAND-IN: no official spec is public) on loopback, the hub
configured for it. ``tests/conftest.py`` imports both fixtures (as ``tests.pg_helpers``'s).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desk.config import Home, update_settings
from desk.context import open_desk
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.sync import hub as hubmod
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import export_bundle
from desk.sync.forward import Forwarder, portal_settings
from desk.sync.outbox import outbox_of
from desk.sync.portal_adapter import HttpPortal
from desk.sync.store import hub_store as store_of
from tests.desk_helpers import enrol_homes, new_home
from tests.portal_stand_in import PortalStandIn

AGENCY = "000.00.12.H29"
PASSWORD = "s3cret-Pass!"


def intake(desk, name: str) -> str:
    dossier, _ = receive(
        desk, IntakeRequest(procedure_code="2.000815", applicant=ApplicantInput(name=name, phone="0912345678"))
    )
    return dossier.code


class World:
    """A desk and its hub (on the store ``database``: "" the home's SQLite, or a PostgreSQL URL), and what the
    tests do with them: intakes and changes at the desk, bundles carried to the hub, the hub's outbox read."""

    def __init__(self, root: Path, database: str):
        self.root = root
        self.desk_home = new_home(root / "desk", agency_code=AGENCY, desk_no=1, clerk="Nguyễn Thị Lan")
        self.hub_home = new_home(root / "hub", agency_code=AGENCY, desk_no=0, clerk="Trần Văn Hùng")
        if database:
            update_settings(self.hub_home, hub_database=database)
        token = hubmod.add_token(self.hub_home)
        update_settings(self.desk_home, sync_token=token)
        enrol_homes(self.desk_home, self.hub_home)
        self._bundles = 0

    def at(self, home: Home, work):
        d = open_desk(home)
        try:
            return work(d)
        finally:
            d.close()

    def intake(self, *names: str) -> list[str]:
        """Dossiers received at the desk."""
        return self.at(self.desk_home, lambda d: [intake(d, name) for name in names])

    def carry(self) -> None:
        """The desk's new events carried to the hub by a bundle."""
        self._bundles += 1
        out = self.root / f"out{self._bundles}"
        out.mkdir()
        bundle = self.at(self.desk_home, lambda d: export_bundle(d, out, seal_to=None).path)
        self.at(self.hub_home, lambda h: import_bundle(h, bundle))

    def received(self, *names: str) -> list[str]:
        """Dossiers received at the desk and carried to the hub."""
        codes = self.intake(*names)
        self.carry()
        return codes

    def read(self, work):
        """``work(outbox queries, handle)`` on the hub's store."""

        def reading(h):
            store = store_of(h)
            with store.reading() as db:
                return work(outbox_of(store.q), db)

        return self.at(self.hub_home, reading)

    def row(self, code: str) -> dict | None:
        return self.read(lambda q, db: q.outbox_row(db, code))

    def replies(self, code: str) -> list[dict]:
        return self.read(lambda q, db: q.replies(db, code))

    def problems(self, desk_id: str | None = None) -> list[dict]:
        return self.read(lambda q, db: q.forwarding_problems(db, desk_id))

    def count(self, table: str) -> int:
        return self.read(lambda q, db: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    @property
    def desk_id(self) -> str:
        return self.at(self.desk_home, lambda d: d.desk_id)


@pytest.fixture
def world(tmp_path, now, hub_store) -> World:
    return World(tmp_path, hub_store)


@pytest.fixture
def portal(world, tmp_path):
    """The stand-in, and the hub configured for it (the password in an owner-only file)."""
    secret = tmp_path / "portal-password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    secret.chmod(0o600)
    with PortalStandIn(password=PASSWORD, madonvi=AGENCY) as stand_in:
        update_settings(
            world.hub_home,
            portal_url=stand_in.url,
            portal_username="hub-user",
            portal_password_file=str(secret),
            portal_retry_base_s=30,
            portal_retry_max_s=600,
            portal_max_attempts=3,
            portal_lease_s=300,
            portal_timeout_s=5,
        )
        yield stand_in


class Clock:
    def __init__(self, t: float = 1_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


def forwarder(hub, clock=None, worker=None, portal=None) -> Forwarder:
    return Forwarder(
        hub, portal or HttpPortal(portal_settings(hub)), now=clock or Clock(), rand=lambda: 0.5, worker=worker
    )


def sent_once_per_change(portal: PortalStandIn, changes: dict[str, int]) -> None:
    """The stand-in got each dossier's record exactly once per change carried to the hub."""
    records = [c["data"][0]["MaHoSo"] for c in portal.calls if c.get("service") == "DongBoHoSoMC"]
    assert {code: records.count(code) for code in set(records)} == changes
