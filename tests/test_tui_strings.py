"""The catalogues: the same keys in both languages, every key the screens use exists, every
binding has an id, a label and a palette command, and the English UI shows no Vietnamese string."""

from __future__ import annotations

import asyncio
import re
import string
from pathlib import Path

import pytest
from textual.binding import Binding

from desk.dossier.intake import IntakeRequest, applicant_from_scan, receive
from desk.models import Digitisation, Form, Status
from desk.rules.receipt_qr import FIELDS, Verdict
from screens.i18n import strings
from screens.app import DeskApp
from screens.checklist import ChecklistScreen
from screens.dialogs.basic import ConfirmDialog, ErrorDialog, TextDialog
from screens.dossier import DOSSIER_ACTIONS, LETTER_AFTER, DossierScreen
from screens.dialogs.forms import SATISFACTION_KEYS, ApologyDialog, ReturnDialog, ReuseDialog, SupplementDialog
from screens.intake import APPLICANT_FIELDS, IntakeScreen
from screens.messages import OpenDossier
from screens.dialogs.previews import LetterPreview, ReceiptPreview
from screens.reports import COUNTS, PERIODS, RATES, ReportsScreen
from screens.search import SearchScreen
from screens.sync import SyncScreen
from screens.today import TodayScreen
from screens.widgets.common import ComponentChecklist, ProcedurePicker
from tests.tui_helpers import SCAN, scan_into, visible_text

SCREENS = Path(__file__).resolve().parent.parent / "screens"
MODALS = (ReceiptPreview, LetterPreview, ErrorDialog, ConfirmDialog, TextDialog, SupplementDialog, ReturnDialog,
          ApologyDialog, ReuseDialog)
WITH_BINDINGS = (DeskApp, TodayScreen, IntakeScreen, SearchScreen, DossierScreen, ChecklistScreen, SyncScreen,
                 ReportsScreen, ProcedurePicker, ComponentChecklist, *MODALS)
LIFECYCLE = {a.lifecycle for a in DOSSIER_ACTIONS if a.lifecycle}


def fields_of(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogues_have_the_same_keys_and_placeholders():
    assert set(strings.VI) == set(strings.EN)
    for key in strings.VI:
        assert fields_of(strings.VI[key]) == fields_of(strings.EN[key]), key


def test_catalogue_strings_are_plain_text():
    for table in (strings.VI, strings.EN):
        for key, text in table.items():
            assert not re.search(r"\[/?[a-z$@#]", text), f"{key} looks like markup"


def test_every_key_the_screens_use_exists():
    used = set()
    for path in SCREENS.glob("*.py"):
        used |= set(re.findall(r'\bt\(\s*"([a-z_.0-9]+)"', path.read_text(encoding="utf-8")))
        used |= set(re.findall(r'"((?:key|cmd)\.[a-z_.]+)"', path.read_text(encoding="utf-8")))
    dynamic = (
        {f"status.{s.value}" for s in Status}
        | {f"form.{f.value}" for f in Form}
        | {f"digit.{d.value}" for d in Digitisation}
        | {f"weekday.{n}" for n in range(1, 8)}
        | {f"verdict.{v.value}" for v in Verdict}
        | {f"qrfield.{f}" for f in FIELDS}
        | {f"{prefix}.{f}" for f in APPLICANT_FIELDS for prefix in ("field", "placeholder", "problem")}
        | {f"today.{c}" for c in ("received", "due_today", "overdue", "pending_sync")}
        | {f"done.{a}" for a in LIFECYCLE}
        | {f"confirm.{a}" for a in ("transfer", "resume", "result", "withdraw", "refuse", "stop")}
        | {f"reason.{a}.{part}" for a in ("refuse", "stop") for part in ("title", "prompt")}
        | {f"letter.{kind}" for kind in (*LETTER_AFTER.values(), "apology")}
        | {f"checklist.done.{mark}" for mark in ("attach", "reuse", "not_required", "undo")}
        | {f"sync.{kind}{end}" for kind in ("export", "push") for end in ("ing", "_cancelled", "_failed")}
        | {f"reports.period.{p}" for p in PERIODS}
        | {f"reports.count.{c}" for c in COUNTS}
        | {f"reports.rate.{r}" for r in RATES}
        | {f"reports.col.{c}" for c in ("received", "finished", "on_time", "overdue")}
        | set(SATISFACTION_KEYS.values())
    )
    missing = sorted(k for k in used | dynamic if k not in strings.VI)
    assert missing == []


@pytest.mark.parametrize("owner", WITH_BINDINGS, ids=lambda c: c.__name__)
def test_every_binding_has_an_id_a_label_and_a_command(owner):
    for binding in owner.__dict__.get("BINDINGS", []):
        assert isinstance(binding, Binding)
        assert binding.id, f"{owner.__name__}: {binding.key} has no id"
        assert binding.description in strings.VI, f"{binding.id}: label {binding.description!r}"
        if binding.show and owner not in MODALS:
            assert f"cmd.{binding.id}" in strings.VI, f"{binding.id} has no palette command"
        if binding.key in ("up", "down", "pageup", "pagedown"):
            assert not binding.show, f"{binding.id}: navigation keys are not shown"


def test_the_english_ui_shows_no_vietnamese_catalogue_string(desk):
    english = set(strings.EN.values())
    # the literal pieces of Vietnamese-only strings ("Hôm nay, {weekday} {date}" -> "Hôm nay,")
    pieces = {
        piece.strip()
        for key, text in strings.VI.items()
        if text not in english
        for piece in re.split(r"\{[^}]*\}", text)
        if len(piece.strip()) >= 4
    }
    d, _ = receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN)))

    async def scenario() -> list[str]:
        app = DeskApp(desk.home.root, "en")
        seen = []
        async with app.run_test(size=(120, 36)) as pilot:
            seen.append(visible_text(app))
            await pilot.press("f2", "1", "1", "9", "3", "enter")
            await scan_into(pilot, app.screen.form.scan_input, SCAN)
            app.screen.form.field("phone").value = "12"
            await pilot.pause()
            seen.append(visible_text(app))
            await pilot.press("ctrl+s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            seen.append(visible_text(app))  # validation messages
            await pilot.press("f3", *"nguyen", "enter")
            await pilot.pause()
            seen.append(visible_text(app))
            app.post_message(OpenDossier(d.code))
            await pilot.pause()
            seen.append(visible_text(app))
            await pilot.press("p")
            await pilot.pause()
            seen.append(visible_text(app))
            await pilot.press("escape", "ctrl+p")
            await pilot.pause()
            seen.append(visible_text(app))
            await pilot.press("escape")
            # the later life of a dossier: its checklist, the dialogs of the moves
            (desk.home.inbox / "scan.pdf").write_bytes(b"%PDF-1.4 not really")
            await pilot.press("d")
            await pilot.pause()
            seen.append(visible_text(app))
            await pilot.press("r")
            await pilot.pause()
            seen.append(visible_text(app))
            await pilot.press("escape", "escape", "b")
            await pilot.pause()
            seen.append(visible_text(app))
            await pilot.press("ctrl+s")
            await pilot.pause()
            seen.append(visible_text(app))  # the dialog's own message
            await pilot.press("escape", "x")
            await pilot.pause()
            seen.append(visible_text(app))
            await pilot.press("escape", "t")
            await pilot.pause()
            seen.append(visible_text(app))
            await pilot.press("n", "f5")
            await pilot.pause()
            seen.append(visible_text(app))
            await pilot.press("f6")
            await app.workers.wait_for_complete()
            await pilot.pause()
            seen.append(visible_text(app))
            for key in ("2", "3"):
                await pilot.press(key)
                await app.workers.wait_for_complete()
                await pilot.pause()
                seen.append(visible_text(app))
        return seen

    for shown in asyncio.run(scenario()):
        leaks = sorted(p for p in pieces if p in shown)
        assert leaks == [], leaks
