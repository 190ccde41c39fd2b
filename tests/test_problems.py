"""Problems, not prose: every problem code raised under ``desk/`` has words in the CLI's English
table and in the TUI's vi and en catalogues, with the parameters its raise sites give; the
template language lists sequences and says "1 page", never "1 pages"."""

from __future__ import annotations

import ast
import functools
import json
import re
import string
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.catalog.values import PLACED_CODES
from desk.cli.wording import ENGLISH, describe, error_json
from desk.errors import InvalidInput, NotFound
from desk.rules.chipqr import parse_chip_qr
from desk.rules.idnumbers import check_id_number, normalise_phone, sex_from_text
from desk.rules.problems import Problem, fill, is_code, placeholders, problem
from desk.rules.taxcode import check_tax_code
from screens.i18n import problems_en, problems_vi
from screens.i18n.catalogue import Strings

ROOT = Path(__file__).resolve().parent.parent
DESK = ROOT / "desk"
TABLES = {"cli English": ENGLISH, "TUI vi": problems_vi.PROBLEMS, "TUI en": problems_en.PROBLEMS}


@dataclass(frozen=True)
class Site:
    path: str
    line: int
    code: str
    params: frozenset[str] | None
    """The keywords given (``field`` included), or None when some come from ``**``."""


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _problem_classes(nodes: list[ast.AST]) -> set[str]:
    names = {"DeskError", "InvalidInput", "NotFound", "IntegrityFailure", "UsageError", "HomeError", "PrintingError"}
    classes = [node for node in nodes if isinstance(node, ast.ClassDef)]
    grown = True
    while grown:
        grown = False
        for node in classes:
            if node.name not in names and any(_name(base) in names for base in node.bases):
                names.add(node.name)
                grown = True
    return names | {"Problem", "problem"}


@functools.cache
def scan() -> tuple[list[Site], list[tuple[str, int]]]:
    """Raise sites of dotted codes, and of prose, in every module of ``desk``.

    Made on first use, by the tests that read it: not at collection, where every xdist worker paid for it."""
    # printing raises problems too (a paper name, a font file); the CLI and the TUI word them alike
    files = [*DESK.rglob("*.py"), *(ROOT / "printing").rglob("*.py")]
    return _sites({str(p.relative_to(ROOT)): ast.parse(p.read_text(encoding="utf-8")) for p in files})


def _sites(trees: dict[str, ast.Module]) -> tuple[list[Site], list[tuple[str, int]]]:
    # every tree walked once: its nodes serve both the classes of problems and their raise sites
    nodes = {path: list(ast.walk(tree)) for path, tree in trees.items()}
    makers = _problem_classes([node for walked in nodes.values() for node in walked])
    sites, prose = [], []
    for path, walked in nodes.items():
        for node in walked:
            if isinstance(node, ast.Call) and _name(node.func) == "fail" and len(node.args) > 1:
                # the catalogue's place.fail(field, "code", ...): the place adds its own parameters
                code = node.args[1]
                if isinstance(code, ast.Constant) and isinstance(code.value, str) and is_code(code.value):
                    sites.append(Site(path, node.lineno, code.value, None))
                continue
            if not (isinstance(node, ast.Call) and _name(node.func) in makers and node.args):
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                if is_code(first.value):
                    given = (
                        None
                        if any(k.arg is None for k in node.keywords)
                        else frozenset(k.arg for k in node.keywords if k.arg)
                    )
                    if _name(node.func) == "Problem" and len(node.args) > 1:
                        given = frozenset({"field"})  # Problem(code, field): no parameters
                    sites.append(Site(path, node.lineno, first.value, given))
                else:
                    prose.append((path, node.lineno))
            elif isinstance(first, ast.JoinedStr):
                prose.append((path, node.lineno))
    return sites, prose


def codes() -> list[str]:
    return sorted({s.code for s in scan()[0]})


def test_the_scan_finds_the_codes_of_the_core():
    assert {"id_number.century", "text.required", "action.not_allowed", "receipt.altered", "chain.altered"} <= set(
        codes()
    )
    assert len(codes()) > 90


@pytest.mark.parametrize("table", TABLES, ids=str)
def test_every_code_raised_has_words(table):
    missing = sorted(code for code in codes() if code not in TABLES[table])
    assert missing == [], f"{table} lacks {missing}"


@pytest.mark.parametrize("table", TABLES, ids=str)
def test_no_words_for_codes_nobody_raises(table):
    assert sorted(set(TABLES[table]) - set(codes())) == []


@pytest.mark.parametrize("table", TABLES, ids=str)
def test_every_raise_site_gives_the_parameters_its_words_need(table):
    wrong = []
    for site in scan()[0]:
        template = TABLES[table].get(site.code)
        if template is None or site.params is None:
            continue
        needed = placeholders(template)
        if not needed <= site.params:
            wrong.append(f"{site.path}:{site.line} {site.code} lacks {sorted(needed - site.params)}")
    assert wrong == []


def test_vi_and_en_have_the_same_codes_and_placeholders():
    assert set(problems_vi.PROBLEMS) == set(problems_en.PROBLEMS)
    for code, text in problems_vi.PROBLEMS.items():
        assert placeholders(text) == placeholders(problems_en.PROBLEMS[code]), code


def test_the_vietnamese_words_are_nfc_and_not_english():
    # English words that are not Vietnamese ones too ("in" is to print, "to" big)
    english = re.compile(r"\b(the|is|are|not|must|cannot|of|and|or|with|from|before|after)\b")
    for code, text in problems_vi.PROBLEMS.items():
        assert unicodedata.normalize("NFC", text) == text, code
        assert not english.search(re.sub(r"\{[^}]*\}", "", text)), f"{code}: {text}"


def test_the_scan_tells_prose_from_codes():
    sample = ast.parse(
        "class HubError(DeskError): pass\n"
        "raise HubError(f'the hub refused {x}')\n"
        "raise IntegrityFailure('the bundle is torn')\n"
        "raise HubError('sync.token_refused', status=401)\n"
    )
    sites, prose = _sites({"sample.py": sample})
    assert [s.code for s in sites] == ["sync.token_refused"]
    assert prose == [("sample.py", 2), ("sample.py", 3)]


def test_no_prose_is_raised():
    # a sentence (or an f-string) as the first argument of a problem is prose: the core says codes
    assert sorted(f"{path}:{line}" for path, line in scan()[1]) == []


# --- the template language ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "params", "text"),
    [
        ("{pages:# page|# pages}", {"pages": 1}, "1 page"),
        ("{pages:# page|# pages}", {"pages": 3}, "3 pages"),
        ("{pages:# page|# pages}", {"pages": 0}, "0 pages"),
        ("{n:none|one: #|all: #}", {"n": ()}, "none"),
        ("{n:none|one: #|all: #}", {"n": ("a",)}, "one: a"),
        ("{n:none|one: #|all: #}", {"n": ("a", "b")}, "all: a, b"),
        ("{when:%d/%m/%Y}", {"when": date(2026, 11, 23)}, "23/11/2026"),
        ("{size:,} bytes", {"size": 12345}, "12,345 bytes"),
    ],
)
def test_fill_lists_and_picks_plural_forms(template, params, text):
    assert fill(template, params) == text


def test_a_problem_is_json_for_scripts():
    p = problem("received_at.future", field="received_at", at=datetime(2026, 11, 23, 9, 0), now=datetime(2026, 11, 22))
    out = error_json(p)
    assert json.loads(json.dumps(out)) == {
        "error": {
            "code": "received_at.future",
            "field": "received_at",
            "params": {"at": "2026-11-23T09:00:00", "now": "2026-11-22T00:00:00"},
            "message": "received-at 2026-11-23 09:00 is in the future (now 2026-11-22 00:00)",
        }
    }


def test_prose_and_unknown_codes_are_shown_as_they_are():
    assert describe(InvalidInput("the bundle is torn").problem) == "the bundle is torn"
    assert describe(Problem("bundle.member_unsafe", "bundle", {"member": "../x"})) == (
        "bundle.member_unsafe [bundle] (member='../x')"
    )


def test_the_tui_names_statuses_actions_and_fields_in_its_language():
    err = NotFound("component.unknown", field="component", code="X-1", component="zz", components=())
    assert Strings("vi").problem(err.problem) == "Hồ sơ X-1 không có thành phần “zz”; các thành phần là: không có."
    p = problem(
        "action.not_allowed", field="action", action="return", status="received", allowed=("transfer", "refuse")
    )
    assert Strings("vi").problem(p) == (
        "Không thể “trả kết quả” với hồ sơ ở trạng thái “Đã tiếp nhận”; được phép: chuyển xử lý, từ chối."
    )
    assert Strings("en").problem(p) == (
        "“return” is not possible for a dossier in status “Received”; allowed: transfer, refusal."
    )
    assert describe(p) == "cannot return a dossier that is received; allowed from received: transfer, refuse"
    required = problem("text.required", field="name")
    assert Strings("vi").problem(required) == "Họ và tên: cần nhập, không được để trống."
    assert Strings("en").problem(required) == "Full name is required."


def test_the_english_tui_says_one_digit_not_one_digits():
    one = problem("phone.mobile_length", field="phone", value="09", length=1)
    assert Strings("en").problem(one).endswith("has 1 digit.")
    assert describe(problem("text.too_long", field="note", length=3, limit=1)).endswith(
        "at most 1 is allowed; please shorten it."
    )


def _sample(spec: str):
    """A value a placeholder with this format spec can take."""
    if "|" in spec or spec == ",":
        return 2
    if "%" in spec:
        return datetime(2026, 11, 23, 9, 30)
    return "x"


@pytest.mark.parametrize("table", TABLES, ids=str)
def test_every_template_renders(table):
    for code, template in TABLES[table].items():
        params = {name.split(".")[0]: _sample(spec) for _, name, spec, _ in string.Formatter().parse(template) if name}
        assert fill(template, params), code


CHECKERS = {
    "id_number": lambda text: check_id_number(text, birth_date=date(1999, 1, 1), sex="Nữ"),
    "tax_code": check_tax_code,
    "phone": normalise_phone,
    "sex": sex_from_text,
    "chip_qr": lambda text: parse_chip_qr("001099012345|" + text.replace(" ", "|")),
}


@settings(max_examples=60)
@given(st.sampled_from(sorted(CHECKERS)), st.text(alphabet="0123456789 .-+|Nam/Nữ", max_size=24))
def test_whatever_is_typed_the_problem_has_words_in_every_language(kind, text):
    try:
        CHECKERS[kind](text)
    except InvalidInput as exc:
        assert is_code(exc.problem.code)
        for strings in (Strings("vi"), Strings("en")):
            assert strings.knows(exc.problem) and strings.problem(exc.problem)
        assert describe(exc.problem) != str(exc.problem)


def test_only_a_catalogue_files_faults_are_placed():
    # the words of a placed code say only what is wrong; the others name their file, or are not about one
    for code, template in ENGLISH.items():
        if code in PLACED_CODES:
            assert "{file}" not in template, code
    assert PLACED_CODES <= set(ENGLISH)
    unknown = problem("catalog.unknown_procedure", field="procedure", code="9.9")
    assert describe(unknown) == (
        "procedure '9.9' is not in this desk's catalogue; see `desk catalog list` or import one with "
        "`desk catalog import FILE`"
    )
    assert Strings("vi").problem(unknown) == "Thủ tục “9.9” không có trong danh mục của quầy."
    assert describe(problem("catalog.no_file")) == "give a catalogue FILE, or --sample for the bundled sample catalogue"


def test_a_catalogue_fault_is_placed_alike_in_every_language():
    p = problem(
        "catalog.required",
        field="quantity",
        file="c.json",
        procedure=2,
        procedure_code="1.001193",
        item="component",
        item_number=1,
    )
    assert describe(p) == 'c.json procedure 2 (1.001193), component 1, field "quantity": is required'
    assert Strings("vi").problem(p).startswith("c.json thủ tục 2 (1.001193), thành phần 1, quantity: ")
    assert Strings("en").problem(p).startswith("c.json procedure 2 (1.001193), component 1, quantity: ")
    assert describe(problem("catalog.csv_empty_row", file="c.csv", line=4)) == (
        "c.csv line 4: the row has neither a component nor a fee"
    )


def test_the_sync_words_count_right():
    one = problem("sync.gave_up", url="http://hub", attempts=1, reason=problem("sync.answer_not_json"), pushed=1)
    assert "after 1 attempt (the hub's answer is not JSON (a proxy in the way?)); 1 event was pushed" in describe(one)
    assert "but 1 was found" in describe(problem("export.gap", first=1, last=2, total=2, found=1))
    assert "1–2 once;" in describe(problem("sync.no_progress", url="u", first=1, last=2, times=1))
    assert "1–2 3 times;" in describe(problem("sync.no_progress", url="u", first=1, last=2, times=3))
    # a reason inside a problem is worded in the TUI's language too
    assert "câu trả lời của máy chủ không phải JSON" in Strings("vi").problem(one)
