"""Fees due (issue 16, point 5): the tariff rule, the catalogue's tariff, the pages and copies at intake, the receipt."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader

from desk.catalog.formats import load_catalog, parse_catalog, sample_catalog_path
from desk.cli.wording import describe
from desk.errors import InvalidInput
from desk.models import Tariff, TariffPer, TariffRate
from desk.rules.fees import fee_due
from tests.conftest import new_cli_home, run_desk

CERTIFY = Tariff(TariffPer.PAGE, (TariffRate(1, 2000), TariffRate(3, 1000)), cap=200_000)
EXTRACT = Tariff(TariffPer.COPY, (TariffRate(1, 8000),))


# --- the rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pages", "copies", "amount", "per_copy", "capped"),
    [
        (1, 1, 2_000, 2_000, False),  # the first page
        (2, 1, 4_000, 4_000, False),  # the first two pages at 2.000
        (3, 1, 5_000, 5_000, False),  # from the third page 1.000
        (12, 2, 28_000, 14_000, False),  # 4.000 + 10 × 1.000, two copies
        (198, 1, 200_000, 200_000, False),  # exactly the cap
        (199, 1, 200_000, 200_000, True),  # one page over: capped
        (500, 3, 600_000, 200_000, True),  # the cap is per copy
    ],
)
def test_per_page_tariff(pages, copies, amount, per_copy, capped):
    due = fee_due(CERTIFY, pages=pages, copies=copies)
    assert (due.amount, due.per_copy, due.capped, due.pages, due.copies) == (amount, per_copy, capped, pages, copies)


def test_per_copy_tariff():
    assert fee_due(EXTRACT, copies=3).amount == 24_000
    capped = fee_due(Tariff(TariffPer.COPY, (TariffRate(1, 8000),), cap=20_000), copies=3)
    assert (capped.amount, capped.capped) == (20_000, True)


@pytest.mark.parametrize(
    ("tariff", "pages", "copies", "code"),
    [
        (CERTIFY, 0, 1, "fee.pages_range"),  # zero pages refused
        (CERTIFY, -1, 1, "fee.pages_range"),
        (CERTIFY, 3, 0, "fee.copies_range"),
        (EXTRACT, 0, 0, "fee.copies_range"),
        (EXTRACT, 4, 1, "fee.pages_not_counted"),
    ],
)
def test_refusals(tariff, pages, copies, code):
    with pytest.raises(InvalidInput) as caught:
        fee_due(tariff, pages=pages, copies=copies)
    assert caught.value.problem.code == code
    assert "{" not in describe(caught.value.problem)


# --- the catalogue --------------------------------------------------------------------------


def test_the_sample_catalogue_carries_the_tariffs():
    by_code = {p.code: p for p in load_catalog(sample_catalog_path())}
    assert by_code["2.000815"].tariff == CERTIFY
    assert by_code["2.000635"].tariff == EXTRACT
    assert by_code["1.001193"].tariff is None


def _catalog(tariff) -> bytes:
    procedure = {
        "code": "2.000815",
        "name": "Chứng thực bản sao",
        "field": "Chứng thực",
        "processing": {"unit": "same_day"},
        "components": [{"code": "ban_chinh", "name": "Bản chính", "form": "ban_chinh"}],
        "tariff": tariff,
    }
    return json.dumps({"format": "motcua-desk-catalog/1", "procedures": [procedure]}).encode()


@pytest.mark.parametrize(
    ("tariff", "words"),
    [
        ({"per": "line", "rates": [{"from": 1, "amount": 1}]}, '"line" is not one of page, copy'),
        ({"per": "page", "rates": []}, "at least one rate"),
        ({"per": "page", "rates": [{"from": 2, "amount": 1}]}, "must be 1 for the first rate"),
        ({"per": "page", "rates": [{"from": 1, "amount": 1}, {"from": 1, "amount": 2}]}, "more than the previous"),
        ({"per": "page", "rates": [{"from": 1, "amount": -5}]}, "not an amount"),
        ({"per": "page", "rates": [{"from": 1, "amount": 1}], "limit": 3}, "unknown key"),
    ],
)
def test_a_bad_tariff_is_refused_with_its_place(tariff, words):
    with pytest.raises(InvalidInput) as caught:
        parse_catalog(_catalog(tariff), "c.json")
    assert words in describe(caught.value.problem)
    assert "tariff" in describe(caught.value.problem)


# --- intake and the receipt --------------------------------------------------------------------


def text_of(pdf) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_pages_and_copies_at_intake_give_the_amount_due_on_the_receipt(tmp_path):
    home = new_cli_home(tmp_path / "h", desk_no=1, place="Minh Khai")
    r = run_desk(
        "intake", "--procedure", "2.000815", "--name", "Lê Thị Hoa", "--pages", "12", "--copies", "2", home=home
    )
    assert r.returncode == 0, r.stderr
    assert "fee due: 28.000 đ (2 copies of 12 pages)" in r.stdout
    code = r.stdout.split()[0]
    shown = json.loads(run_desk("show", code, "--json", home=home).stdout)
    assert shown["fee_due"] == {"amount": 28000, "pages": 12, "copies": 2, "per_copy": 14000, "capped": False}
    out = tmp_path / "r.pdf"
    assert run_desk("print", "receipt", code, "--out", str(out), home=home).returncode == 0
    text = text_of(out)
    assert "Số tiền phải nộp: 28.000 đ (2 bản × 12 trang; mỗi bản 14.000 đ)" in text


def test_the_cap_is_printed(tmp_path):
    home = new_cli_home(tmp_path / "h", desk_no=1, place="Minh Khai")
    r = run_desk("intake", "--procedure", "2.000815", "--name", "Lê Thị Hoa", "--pages", "300", home=home)
    assert "fee due: 200.000 đ (1 copy of 300 pages, capped)" in r.stdout
    out = tmp_path / "r.pdf"
    run_desk("print", "receipt", r.stdout.split()[0], "--out", str(out), home=home)
    assert "Số tiền phải nộp: 200.000 đ (1 bản × 300 trang; mỗi bản 200.000 đ, đã áp mức tối đa)" in text_of(out)


def test_zero_pages_and_pages_without_a_tariff_are_refused(tmp_path):
    home = new_cli_home(tmp_path / "h", desk_no=1, place="Minh Khai")
    r = run_desk("intake", "--procedure", "2.000815", "--name", "Lê Thị Hoa", "--pages", "0", home=home)
    assert r.returncode == 3 and "pages 0" in r.stderr
    r = run_desk("intake", "--procedure", "2.000815", "--name", "Lê Thị Hoa", "--copies", "2", home=home)
    assert r.returncode == 3 and "a per-page fee needs 1 to" in r.stderr
    r = run_desk("intake", "--procedure", "1.001193", "--name", "Lê Thị Hoa", "--pages", "2", home=home)
    assert r.returncode == 3 and "no per-page or per-copy fee" in r.stderr
    assert json.loads(run_desk("search", "Hoa", "--json", home=home).stdout) == []


def test_without_pages_the_receipt_leaves_the_amount_blank(tmp_path):
    home = new_cli_home(tmp_path / "h", desk_no=1, place="Minh Khai")
    r = run_desk("intake", "--procedure", "2.000635", "--name", "Lê Thị Hoa", home=home)
    code = r.stdout.split()[0]
    out = tmp_path / "r.pdf"
    run_desk("print", "receipt", code, "--out", str(out), home=home)
    assert "Số tiền phải nộp: ……" in text_of(out)
    r = run_desk("intake", "--procedure", "2.000635", "--name", "Lê Thị Hoa", "--copies", "3", home=home)
    assert "fee due: 24.000 đ (3 copies)" in r.stdout
