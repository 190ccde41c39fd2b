"""Home resolution, desk.toml: one table of settings, checked reading, comment-keeping writing; the clock."""

import re
import tomllib
from datetime import date, datetime, time
from pathlib import Path

import pytest
import tomlkit

from desk import clock
from desk.cli import main
from desk.config import (
    Home,
    init_home,
    load_settings,
    render_settings,
    resolve_home,
    update_settings,
    validate_agency_code,
)
from desk.errors import EXIT_INVALID, HomeError, InvalidInput
from desk.models import Agency, OfficeHours
from desk.settings import SCHEMA, Settings, setting_value, toml_value
from tests.problem_helpers import raises_problem

DOCS = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"


@pytest.fixture
def home(tmp_path):
    h = Home(tmp_path / "h")
    init_home(h, agency_code="X1", agency_name="UBND xã Thử", desk_no=1, clerk="Nguyễn Thị Lan")
    return h


def refused(home: Home, text: str) -> InvalidInput:
    home.config.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        load_settings(home)
    return info.value


AGENCY = '[agency]\ncode = "X1"\nname = "A"\ndesk_id = "d-1"\n'


def test_home_resolution_order(monkeypatch, tmp_path):
    monkeypatch.setenv("DESK_HOME", str(tmp_path / "env"))
    assert resolve_home(tmp_path / "opt") == tmp_path / "opt"
    assert resolve_home(None) == tmp_path / "env"
    monkeypatch.delenv("DESK_HOME")
    default = resolve_home(None)
    assert default.name == "motcua-desk" and default.is_absolute()


def test_settings_round_trip_keeps_vietnamese_and_overrides(tmp_path):
    home = Home(tmp_path / "h")
    init_home(
        home,
        agency_code="h56.14",
        agency_name='UBND phường "Đông Hà"',
        desk_no=3,
        place="Đông Hà",
        clerk="Đặng Thị Ánh",
    )
    s = load_settings(home)
    assert s.agency.code == "H56.14" and s.agency.name == 'UBND phường "Đông Hà"' and s.clerk == "Đặng Thị Ánh"
    assert s.hours.morning == (time(7), time(11, 30)) and s.hours.same_day_cutoff == time(15)
    assert s.register_book == "03"
    s2 = update_settings(
        home, extra_days_off=(date(2026, 12, 31),), extra_working_days=(date(2026, 5, 9),), clerk="Lê Văn Tám"
    )
    again = load_settings(home)
    assert again == s2
    assert again.extra_days_off == (date(2026, 12, 31),) and again.clerk == "Lê Văn Tám"


def test_init_refuses_existing_home_and_bad_values(tmp_path):
    home = Home(tmp_path / "h")
    init_home(home, agency_code="X1", agency_name="A")
    with pytest.raises(HomeError) as info:
        init_home(home, agency_code="X1", agency_name="B")
    assert info.value.problem.code == "home.exists" and info.value.problem.params["path"] == str(home.root)
    with pytest.raises(InvalidInput) as bad_no:
        init_home(Home(tmp_path / "h2"), agency_code="X1", agency_name="A", desk_no=10)
    assert bad_no.value.problem.code == "desk_no.range" and bad_no.value.field == "desk-no"
    assert not (tmp_path / "h2" / "desk.toml").exists()
    with pytest.raises(InvalidInput) as no_name:
        init_home(Home(tmp_path / "h3"), agency_code="X1", agency_name="  ")
    assert no_name.value.problem.code == "agency_name.empty"
    with pytest.raises(InvalidInput) as short_key:
        init_home(Home(tmp_path / "h4"), agency_code="X1", agency_name="A", agency_key=b"short")
    assert short_key.value.problem.code == "agency_key.too_short"
    for bad in ("", "a b", "X" * 36, "X..1", "Ư1"):
        with pytest.raises(InvalidInput) as info:
            validate_agency_code(bad)
        assert info.value.problem.code == "agency_code.invalid" and info.value.field == "agency-code"


def test_a_missing_home_is_a_problem_naming_it(tmp_path):
    with pytest.raises(HomeError) as info:
        load_settings(Home(tmp_path / "nowhere"))
    assert info.value.problem.code == "home.missing"
    assert info.value.problem.params == {"path": str(tmp_path / "nowhere"), "config": "desk.toml"}


def test_broken_toml_is_explained(home):
    problem = refused(home, "[agency\n").problem
    assert problem.code == "config.not_toml" and problem.params["path"] == str(home.config)
    assert "line 1" in problem.params["detail"]


def test_new_desk_toml_is_documented_and_owner_only(home):
    text = home.config.read_text(encoding="utf-8")
    for setting in SCHEMA:
        assert re.search(rf"^{setting.name} = .*# {re.escape(setting.doc)}$", text, re.M), setting.key
    assert home.config.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in home.root.iterdir() if p.name.endswith(".tmp")] == []


# --- one table ---------------------------------------------------------------------------------


def test_defaults_come_from_the_table():
    s = Settings(agency=Agency(code="X1", name="A", desk_no=0, desk_id="d"))
    for setting in SCHEMA:
        if not setting.required:
            assert setting_value(s, setting) == setting.default, setting.key
    assert s.hours == OfficeHours()


def test_a_file_with_only_the_agency_takes_every_default(home):
    home.config.write_text(AGENCY, encoding="utf-8")
    s = load_settings(home)
    assert s == Settings(agency=Agency(code="X1", name="A", desk_no=0, desk_id="d-1"))


def test_every_setting_round_trips_through_a_new_file(tmp_path):
    s = Settings(
        agency=Agency(code="X1", name='Tên có dấu "và" \\ ngoặc', desk_no=4, desk_id="d", place="P", parent_name="Q"),
        clerk="Lan",
        language="en",
        hours=OfficeHours(
            morning=(time(7, 30), time(11)),
            afternoon=(time(13), time(16, 45)),
            same_day_cutoff=time(14),
            working_week=(1, 2, 3, 4, 5, 6),
            day_hours=7,
        ),
        extra_days_off=(date(2026, 1, 2), date(2026, 12, 31)),
        extra_working_days=(date(2026, 5, 9),),
        paper="a5",
        copies=3,
        printer="hp",
        font_regular="/f/r.ttf",
        font_bold="/f/b.ttf",
        lookup_url="https://x.vn/?q=",
        register_book="07",
        sync_endpoint="http://hub:8765",
        sync_token="t",
        export_dir="/media/usb",
        max_file_mb=20,
        hub_tokens=("sha256:aa", "sha256:bb"),
    )
    home = Home(tmp_path / "h")
    home.ensure_dirs()
    home.config.write_text(render_settings(s), encoding="utf-8")
    assert load_settings(home) == s


def test_the_docs_list_every_setting_of_the_table():
    text = DOCS.read_text(encoding="utf-8")
    for setting in SCHEMA:
        default = "(required)" if setting.required else f"`{tomllib_literal(setting.default)}`"
        row = f"| `{setting.key}` | {setting.kind} | {default} | {setting.doc} |"
        assert row in text, row


def tomllib_literal(value) -> str:
    """A default as docs/configuration.md shows it (the TOML that writes it)."""
    return tomlkit.item(toml_value(value)).as_string()


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, setting, suggestion",
    [
        ("[printing]\ncopise = 3\n", "printing.copise", "printing.copies"),
        ("[receipt]\ncopise = 3\n", "receipt.copise", "printing.copies"),  # no such section either
        ("[desk]\ncopies = 3\n", "desk.copies", "printing.copies"),  # right key, wrong section
        ('[hour]\nmorning = ["07:00", "11:00"]\n', "hour.morning", "hours.morning"),
        ("[printing]\nzzz = 3\n", "printing.zzz", ""),
    ],
)
def test_an_unknown_setting_is_named_with_the_closest_known_one(home, text, setting, suggestion):
    problem = refused(home, AGENCY + text).problem
    assert problem.code == "config.unknown_setting" and problem.field == setting
    assert problem.params["did_you_mean"] == ((suggestion,) if suggestion else ())


def test_an_unknown_empty_section_and_a_value_where_a_section_belongs(home):
    problem = refused(home, AGENCY + "[printin]\n").problem
    assert (problem.code, problem.params["did_you_mean"]) == ("config.unknown_section", ("printing",))
    problem = refused(home, "printing = 3\n" + AGENCY).problem
    assert (problem.code, problem.field) == ("config.not_a_section", "printing")


@pytest.mark.parametrize(
    "text, key, expected, value",
    [
        ('[printing]\ncopies = "two"\n', "printing.copies", "integer", '"two"'),
        ("[printing]\ncopies = true\n", "printing.copies", "integer", "true"),
        ("[printing]\npaper = 4\n", "printing.paper", "text", "4"),
        ('[hours]\nsame_day_cutoff = "3pm"\n', "hours.same_day_cutoff", "time", '"3pm"'),
        ('[hours]\nmorning = ["07:00"]\n', "hours.morning", "time_pair", '["07:00"]'),
        ('[hours]\nworking_week = [1, "2"]\n', "hours.working_week", "integers", '"2"'),
        ('[calendar]\nextra_days_off = ["31/12/2026"]\n', "calendar.extra_days_off", "dates", '"31/12/2026"'),
        ('[hub]\ntokens = "abc"\n', "hub.tokens", "texts", '"abc"'),
    ],
)
def test_a_bad_type_names_the_key_and_the_kind_expected(home, text, key, expected, value):
    error = refused(home, AGENCY + text)
    assert error.exit_code == EXIT_INVALID
    assert error.problem.code == "config.type" and error.field == key
    assert error.problem.params == {"key": key, "value": value, "expected": expected}


def test_out_of_range_and_missing_settings(home):
    problem = refused(home, AGENCY + "[printing]\ncopies = 100\n").problem
    assert problem.code == "config.range" and problem.params == {
        "key": "printing.copies",
        "value": "100",
        "minimum": 0,
        "maximum": 99,
    }
    problem = refused(home, '[agency]\ncode = "X1"\ndesk_id = "d"\n').problem
    assert (problem.code, problem.field) == ("config.missing", "agency.name")


def test_the_cli_exits_3_naming_a_badly_typed_setting(home, capsys):
    text = home.config.read_text(encoding="utf-8").replace("copies = 2", 'copies = "two"')
    home.config.write_text(text, encoding="utf-8")
    assert main(["--home", str(home.root), "clerk"]) == 3
    assert "printing.copies" in capsys.readouterr().err


# --- writing keeps what a person wrote ---------------------------------------------------------

HAND_WRITTEN = """\
# Bộ phận một cửa xã Thử — edited by hand, keep these notes!
[desk]
language = "vi"   # the TUI in Vietnamese
clerk = "Nguyễn Thị Lan"    # morning shift

[agency]
name = "UBND xã Thử"
code = "X1"
desk_no = 1
desk_id = "d-1"

# the printer by the window
[printing]
copies = 3  # three liên since 2026

[calendar]
extra_days_off = [2026-12-31]  # a TOML date, unquoted
"""


def test_desk_clerk_changes_one_line_and_keeps_comments_and_order(home):
    home.config.write_text(HAND_WRITTEN, encoding="utf-8")
    assert main(["--home", str(home.root), "clerk", "Phạm Văn Minh"]) == 0
    after = home.config.read_text(encoding="utf-8")
    assert after == HAND_WRITTEN.replace('"Nguyễn Thị Lan"', '"Phạm Văn Minh"')
    assert load_settings(home).clerk == "Phạm Văn Minh"
    assert home.config.stat().st_mode & 0o777 == 0o600


def test_hub_token_add_keeps_comments_and_adds_the_section(home, capsys):
    home.config.write_text(HAND_WRITTEN, encoding="utf-8")
    assert main(["--home", str(home.root), "hub", "token", "add"]) == 0
    after = home.config.read_text(encoding="utf-8")
    assert after.startswith(HAND_WRITTEN)
    (digest,) = tomllib.loads(after)["hub"]["tokens"]
    assert load_settings(home).hub_tokens == (digest,)
    assert capsys.readouterr().out.strip() not in after  # only the digest is kept


def test_update_writes_only_what_changed(home):
    home.config.write_text(HAND_WRITTEN, encoding="utf-8")
    update_settings(home, copies=3, sync_endpoint="http://hub:8765", extra_days_off=(date(2026, 12, 31),))
    after = home.config.read_text(encoding="utf-8")
    assert after.startswith(HAND_WRITTEN)  # equal values are not rewritten, even in another spelling
    assert tomllib.loads(after)["sync"] == {"endpoint": "http://hub:8765"}


# --- the clock ---------------------------------------------------------------------------------------


def test_clock_honours_desk_now(monkeypatch):
    monkeypatch.setenv("DESK_NOW", "2026-11-23T09:15:30")
    assert clock.now() == datetime(2026, 11, 23, 9, 15, 30)
    monkeypatch.setenv("DESK_NOW", "tomorrow")
    with raises_problem(InvalidInput, "clock.bad_desk_now", says="DESK_NOW"):
        clock.now()
    monkeypatch.delenv("DESK_NOW")
    assert abs((clock.now() - datetime.now()).total_seconds()) < 5


def test_a_writer_cannot_write_what_could_not_be_read_back(home):
    before = home.config.read_text(encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        update_settings(home, copies="two")
    assert (info.value.problem.code, info.value.field) == ("config.type", "printing.copies")
    assert home.config.read_text(encoding="utf-8") == before
