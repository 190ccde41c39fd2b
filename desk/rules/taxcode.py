"""An organisation's tax code (mã số thuế, MST): the number a company is taken in with (SPEC §5 "ID numbers").

Ten digits: the first two the province where the business was registered,
seven a sequence, the tenth a check digit over the first nine; a branch
(chi nhánh) adds three digits 001–999, written after a dash ("0100109106-012")
or run together (13 digits). DOMAIN.md gives the shape only ("10 digits, or
10+'-'+3"); the check digit (weights 31 29 23 19 17 13 7 5 3, ``10 - sum % 11``,
no valid code when that is 10) is python-stdnum's ``stdnum.vn.mst``, the rule
the tax office's own look-up applies. This module checks the shape itself (to
say which part is wrong) and leaves the arithmetic to the library.
"""

from __future__ import annotations

import re

from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError
from stdnum.vn import mst

from desk.errors import InvalidInput
from desk.text import LIMITS, sanitise

_SHAPE = re.compile(r"([0-9]{10})(?:-?([0-9]{3}))?")
_IGNORED = re.compile(r"[\s.]")


def check_tax_code(code: str) -> str:
    """Check an organisation's tax code and return it as ``NNNNNNNNNN`` or ``NNNNNNNNNN-BBB``.

    Spaces and dots are ignored; 13 bare digits are read as a branch's code.
    Raises ``InvalidInput(field="tax_code")``: ``tax_code.shape``,
    ``tax_code.branch_zero``, ``tax_code.sequence_zero`` or ``tax_code.check_digit``.
    """
    cleaned = sanitise(code, field="tax_code", max_len=LIMITS["tax_code"], required=True)
    compact = _IGNORED.sub("", cleaned)
    match = _SHAPE.fullmatch(compact)
    if not match:
        raise InvalidInput("tax_code.shape", field="tax_code", value=cleaned)
    main, branch = match.groups()
    if branch == "000":
        raise InvalidInput("tax_code.branch_zero", field="tax_code", value=cleaned)
    try:
        mst.validate(main + (branch or ""))
    except InvalidChecksum:
        raise InvalidInput("tax_code.check_digit", field="tax_code", number=main) from None
    except InvalidComponent:
        # the seven digits of the sequence are all zeros: no business was ever given that number
        raise InvalidInput("tax_code.sequence_zero", field="tax_code", number=main) from None
    except ValidationError:  # the shape was checked above: anything else the library refuses is the shape
        raise InvalidInput("tax_code.shape", field="tax_code", value=cleaned) from None
    return f"{main}-{branch}" if branch else main
