"""A scan holds pages, nothing that runs: PDFs with JavaScript, an open action or a launch action are refused.

A scanner never writes any of these; a PDF that carries one was made to do
something when opened. The file is read with pypdf (a well-kept parser, which
also reads object streams and decodes ``#xx`` escapes in names) and every
object is looked at, its dictionaries and arrays walked without following
references (each referenced object is looked at in its own turn). Refusals
are ``file.*`` problems (field ``file``) naming the file.
"""

from __future__ import annotations

import logging
from io import BytesIO

from desk.errors import InvalidInput

ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/OpenAction", "/AA", "/Launch"})
"""Dictionary keys that make a PDF act when it is opened or looked at."""
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch"})
"""Action types (``/S``) that run something."""
MAX_OBJECTS = 1_000_000


def refuse_active_content(data: bytes, *, name: str = "") -> None:
    """Raise InvalidInput ``file.active_content`` (with ``what``: the key found) for a PDF that can act,
    ``file.unreadable_pdf`` for one pypdf cannot read, or ``file.encrypted`` for an encrypted one."""
    from pypdf import PdfReader  # only attaching a scan or importing one needs it
    from pypdf.errors import PyPdfError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.ERROR)  # its notes on a damaged file are not for the clerk's screen
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise InvalidInput("file.encrypted", field="file", name=name)
        numbers = {(num, gen) for gen, table in reader.xref.items() for num in table}
        numbers |= {(num, 0) for num in reader.xref_objStm}
        if len(numbers) > MAX_OBJECTS:
            raise InvalidInput("file.unreadable_pdf", field="file", name=name)
        stack: list = [reader.trailer]
        for num, gen in sorted(numbers):
            stack.append(reader.get_object(IndirectObject(num, gen, reader)))
            while stack:
                obj = stack.pop()
                if isinstance(obj, DictionaryObject):
                    found: set[str] = set(ACTIVE_KEYS.intersection(obj.keys()))
                    if not found and obj.get("/S") in ACTIVE_ACTIONS:
                        found = {str(obj["/S"])}
                    if found:
                        raise InvalidInput("file.active_content", field="file", name=name, what=sorted(found)[0])
                    stack.extend(v for v in obj.values() if not isinstance(v, IndirectObject))
                elif isinstance(obj, ArrayObject):
                    stack.extend(v for v in obj if not isinstance(v, IndirectObject))
    except InvalidInput:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as exc:
        raise InvalidInput("file.unreadable_pdf", field="file", name=name) from exc
    finally:
        log.setLevel(level)
