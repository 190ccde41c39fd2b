"""The fee due of a per-page or per-copy tariff (biểu phí), e.g. chứng thực bản sao từ bản chính.

Thông tư 226/2016/TT-BTC (DOMAIN.md, 2.000815): 2.000 đ/trang for the first and
second page, 1.000 đ/trang from the third, at most 200.000 đ per copy (bản).
A tariff is data of the catalogue (:class:`desk.models.Tariff`); this module only counts.
"""

from __future__ import annotations

from desk.errors import InvalidInput
from desk.models import FeeDue, Tariff, TariffPer

MAX_PAGES = 9_999
MAX_COPIES = 999


def _counted(tariff: Tariff, n: int) -> int:
    """The sum of the rates over units 1..n (pages of one copy, or copies)."""
    total = 0
    rates = tariff.rates
    for i, rate in enumerate(rates):
        end = rates[i + 1].start - 1 if i + 1 < len(rates) else n
        units = min(end, n) - rate.start + 1
        if units <= 0:
            break
        total += units * rate.amount
    return total


def _capped(amount: int, cap: int) -> tuple[int, bool]:
    if cap and amount > cap:
        return cap, True
    return amount, False


def fee_due(tariff: Tariff, *, pages: int = 0, copies: int = 1) -> FeeDue:
    """What the applicant pays for ``copies`` copies of ``pages`` pages each (pages only for a page tariff).

    Refuses (InvalidInput) ``fee.pages_range`` when a page tariff gets no page (or too many),
    ``fee.copies_range`` for no copy (or too many), ``fee.pages_not_counted`` for pages given to a copy tariff.
    """
    if not 1 <= copies <= MAX_COPIES:
        raise InvalidInput("fee.copies_range", field="copies", value=copies, maximum=MAX_COPIES)
    if tariff.per is TariffPer.PAGE:
        if not 1 <= pages <= MAX_PAGES:
            raise InvalidInput("fee.pages_range", field="pages", value=pages, maximum=MAX_PAGES)
        one, capped = _capped(_counted(tariff, pages), tariff.cap)
        return FeeDue(amount=one * copies, pages=pages, copies=copies, per_copy=one, capped=capped)
    if pages:
        raise InvalidInput("fee.pages_not_counted", field="pages", value=pages)
    whole, capped = _capped(_counted(tariff, copies), tariff.cap)
    return FeeDue(amount=whole, pages=0, copies=copies, per_copy=whole, capped=capped)
