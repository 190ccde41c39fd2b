"""The catalogues: the same keys in both languages, every key the screens use exists, every
binding has an id, a label and a palette command, the English UI shows no Vietnamese string and
the Vietnamese UI no English one (the core's problems included: see also tests/test_problems.py)."""

from __future__ import annotations

import asyncio
import re
import string
from pathlib import Path

import pytest
from textual.binding import Binding

from desk.cli.wording import ENGLISH
from desk.dossier.intake import IntakeRequest, applicant_from_scan, receive
from desk.dossier.print_log import PRINT_KINDS
from desk.models import Digitisation, Form, Status
from desk.reports import qd766
from desk.rules.receipt_qr import FIELDS
from desk.rules.status import ACTIONS
from screens.app import DeskApp
from screens.checklist import ChecklistScreen
from screens.dialogs.basic import ConfirmDialog, ErrorDialog, TextDialog
from screens.dialogs.forms import SATISFACTION_KEYS, ApologyDialog, ReturnDialog, ReuseDialog, SupplementDialog
from screens.dialogs.previews import LetterPreview, ReceiptPreview
from screens.dossier import DOSSIER_ACTIONS, LETTER_AFTER, DossierScreen
from screens.i18n import en, problems_en, problems_vi, vi
from screens.i18n.catalogue import PARAM_KEYS
from screens.intake import APPLICANT_FIELDS, CHANNELS, IntakeScreen
from screens.messages import OpenDossier
from screens.reports import COUNTS, PERIODS, RATES, ReportsScreen
from screens.search import SearchScreen
from screens.sync import SyncScreen
from screens.today import TodayScreen
from screens.widgets.component_checklist import ComponentChecklist
from screens.widgets.procedure_picker import ProcedurePicker
from tests.tui_helpers import SCAN, scan_into, settle, visible_text

SCREENS = Path(__file__).resolve().parent.parent / "screens"
MODALS = (
    ReceiptPreview,
    LetterPreview,
    ErrorDialog,
    ConfirmDialog,
    TextDialog,
    SupplementDialog,
    ReturnDialog,
    ApologyDialog,
    ReuseDialog,
)
WITH_BINDINGS = (
    DeskApp,
    TodayScreen,
    IntakeScreen,
    SearchScreen,
    DossierScreen,
    ChecklistScreen,
    SyncScreen,
    ReportsScreen,
    ProcedurePicker,
    ComponentChecklist,
    *MODALS,
)
LIFECYCLE = {a.lifecycle for a in DOSSIER_ACTIONS if a.lifecycle}


def fields_of(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogues_have_the_same_keys_and_placeholders():
    assert set(vi.STRINGS) == set(en.STRINGS)
    for key in vi.STRINGS:
        assert fields_of(vi.STRINGS[key]) == fields_of(en.STRINGS[key]), key
    assert set(problems_vi.PROBLEMS) == set(problems_en.PROBLEMS)
    for key in problems_vi.PROBLEMS:
        assert fields_of(problems_vi.PROBLEMS[key]) == fields_of(problems_en.PROBLEMS[key]), key


def test_catalogue_strings_are_plain_text():
    for table in (vi.STRINGS, en.STRINGS, problems_vi.PROBLEMS, problems_en.PROBLEMS):
        for key, text in table.items():
            assert not re.search(r"\[/?[a-z$@#]", text), f"{key} looks like markup"


def test_every_key_the_screens_use_exists():
    used = set()
    for path in SCREENS.rglob("*.py"):
        used |= set(re.findall(r'\bt\(\s*"([a-z_.0-9]+)"', path.read_text(encoding="utf-8")))
        used |= set(re.findall(r'"((?:key|cmd)\.[a-z_.]+)"', path.read_text(encoding="utf-8")))
    dynamic = (
        {f"status.{s.value}" for s in Status}
        | {f"form.{f.value}" for f in Form}
        | {f"digit.{d.value}" for d in Digitisation}
        | {f"weekday.{n}" for n in range(1, 8)}
        | {f"qrfield.{f}" for f in FIELDS}
        | {f"action.{a}" for a in ACTIONS}
        | {f"printkind.{k}" for k in PRINT_KINDS}
        | {f"setting.{s}" for s in ("morning", "afternoon", "same_day_cutoff")}
        | {f"{prefix}.{f}" for f in APPLICANT_FIELDS for prefix in ("field", "placeholder")}
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
        | {f"reports.qd766.{i}" for i in qd766.INDICATORS}
        | {f"reports.qd766.col.{c}" for c in ("code", "name", "value", "target", "meets")}
        | {f"channel.{c.value}" for c in CHANNELS}
        | set(SATISFACTION_KEYS.values())
    )
    missing = sorted(k for k in used | dynamic if k not in vi.STRINGS)
    assert missing == []
    # the names the problems' parameters are said with have their strings
    prefixes = {key.rsplit(".", 1)[0] for key in vi.STRINGS}
    assert set(PARAM_KEYS.values()) <= prefixes


@pytest.mark.parametrize("owner", WITH_BINDINGS, ids=lambda c: c.__name__)
def test_every_binding_has_an_id_a_label_and_a_command(owner):
    for binding in owner.__dict__.get("BINDINGS", []):
        assert isinstance(binding, Binding)
        assert binding.id, f"{owner.__name__}: {binding.key} has no id"
        assert binding.description in vi.STRINGS, f"{binding.id}: label {binding.description!r}"
        if binding.show and owner not in MODALS:
            assert f"cmd.{binding.id}" in vi.STRINGS, f"{binding.id} has no palette command"
        if binding.key in ("up", "down", "pageup", "pagedown"):
            assert not binding.show, f"{binding.id}: navigation keys are not shown"


def only_in(own: list[dict[str, str]], other: list[dict[str, str]]) -> set[str]:
    """The literal pieces of one language's strings that the other language does not use
    ("Hôm nay, {weekday} {date}" -> "Hôm nay,"), of at least four characters."""
    theirs = {text for table in other for text in table.values()}
    return {
        piece.strip()
        for table in own
        for text in table.values()
        if text not in theirs
        for piece in re.split(r"\{[^}]*\}", text)
        if len(piece.strip()) >= 4
    }


def runs_of_words(pieces: set[str], n: int = 3) -> set[str]:
    """Every ``n`` words in a row of the pieces: a sentence wrapped in a dialog still shows some
    whole on one line, and one word alone may be a name the clerk knows (desk.toml)."""
    runs = set()
    for piece in pieces:
        words = piece.split()
        runs |= {
            " ".join(words[i : i + n])
            for i in range(len(words) - n + 1)
            if all(re.search("[a-zA-Z]", word) for word in words[i : i + n])  # "03, 05, 07," is no language
        }
    return runs


VIETNAMESE = [vi.STRINGS, problems_vi.PROBLEMS]
ENGLISH_WORDS = [en.STRINGS, problems_en.PROBLEMS, ENGLISH]


@pytest.mark.parametrize("language", ["en", "vi"])
def test_no_string_of_the_other_language_reaches_the_screen(desk, language):
    if language == "en":
        pieces = only_in(VIETNAMESE, ENGLISH_WORDS)
    else:
        pieces = runs_of_words(only_in(ENGLISH_WORDS, VIETNAMESE))
    d, _ = receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN)))

    async def scenario() -> list[str]:
        app = DeskApp(desk.home.root, language)
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
            # a problem of the core in a dialog: reuse of the dossier's own result
            box = app.screen.query_one("#reuse-dossier")
            box.value = d.code
            box.focus()
            await pilot.press("enter")
            await settle(pilot, lambda: isinstance(app.screen, ErrorDialog))
            assert isinstance(app.screen, ErrorDialog)
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
        shown = "\n".join(" ".join(line.split()) for line in shown.splitlines())
        leaks = sorted(p for p in pieces if p in shown)
        assert leaks == [], [line for line in shown.splitlines() if any(p in line for p in leaks)]
