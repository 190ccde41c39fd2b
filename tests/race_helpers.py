"""Two desks bringing one person's dossier to a PostgreSQL hub at once (tests/test_hub_races.py,
tests/test_hub_leftovers.py): the bundles, and the two imports run side by side in threads named "desk-1" and
"desk-2" (a test's stand-in for the hub's query functions tells them apart by that name)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from desk.context import open_desk
from desk.sync.bundle_read import import_bundle
from tests.desk_helpers import PATIENCE
from tests.test_hub_store import export, make_desk, make_hub


def same_person_at_two_desks(tmp_path: Path, pg_url: str):
    """A hub on ``pg_url`` and the bundles of its desks 1 and 2, each holding one dossier of one person for one
    procedure (``tests.test_board.PERSON``)."""
    from tests.test_board import PERSON, take_in

    hub = make_hub(tmp_path / "hub", pg_url)
    bundles = []
    for desk_no in (1, 2):
        home = make_desk(tmp_path / f"desk{desk_no}", desk_no, hub)
        d = open_desk(home)
        try:
            take_in(d, 1, id_number=PERSON)
        finally:
            d.close()
        bundles.append(export(home, tmp_path / f"u{desk_no}"))
    return hub, bundles


def bring_side_by_side(
    hub, bundles: list[Path], first_held: threading.Event, release: threading.Event, meanwhile: Callable[[], None]
) -> list[BaseException]:
    """Desk 1's bundle imported until it says ``first_held`` (it then waits for ``release``), desk 2's imported
    whole meanwhile, without error; then ``meanwhile()``, then desk 1 let go. Returns what ended desk 1's
    import, if anything did."""
    ended: list[BaseException] = []

    def bring(path: Path) -> None:
        h = open_desk(hub)
        try:
            import_bundle(h, path)
        except BaseException as exc:
            ended.append(exc)
        finally:
            h.close()

    one = threading.Thread(target=bring, args=(bundles[0],), name="desk-1")
    one.start()
    assert first_held.wait(PATIENCE)
    two = threading.Thread(target=bring, args=(bundles[1],), name="desk-2")
    two.start()
    two.join(PATIENCE)  # the second does not wait for the first
    assert not two.is_alive() and not ended
    try:
        meanwhile()
    finally:
        release.set()
    one.join(PATIENCE)
    assert not one.is_alive()
    return ended
