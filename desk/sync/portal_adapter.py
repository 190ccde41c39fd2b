"""The portal adapter: how the hub talks to the provincial system / national portal. ONE module a province replaces.

No official specification of the portal's interface is public (DOMAIN.md, "Sync with the provincial
system / national portal"). What public integration code shows, and what :class:`HttpPortal` does:

- sign in with a username and password for a ``session`` token;
- every call carries ``session`` and ``madonvi`` (the unit's code);
- ``TraCuuHoSo`` looks a dossier up (is it there already?), then ``DongBoHoSoMC`` inserts it or, with
  ``isUpdating``, updates it (idempotent whatever happened before);
- ``CapNhatTienDoHoSoMC`` sends progress lines, a few (about 10) per call;
- a reply's ``error_code`` "0" or "00" is success.

**Assumptions** of :class:`HttpPortal` (a province's system may differ: replace this module, keeping
:class:`Portal`): every call is an HTTP POST of a JSON object to the one URL (``[portal] url``),
naming its call in ``"service"`` as OpenCPS's integration does; the sign-in call is ``"DangNhap"``
with ``username``/``password`` and answers ``session``; a look-up answers the dossiers found in
``"result"`` (a list, empty when none); an expired session is HTTP 401 or ``error_code``
:data:`SESSION_EXPIRED`; the reason of a refusal is in ``"message"``.

A province whose system speaks otherwise replaces this module with its own, keeping these names:
:class:`Reply`, :class:`Portal`, :class:`PortalSettings`, the exceptions :class:`Transient`,
:class:`SessionExpired`, :class:`LoginRefused`, and :func:`make_portal` (the worker,
``desk.sync.forward``, uses nothing else). See docs/forwarding.md.
"""

from __future__ import annotations

import http.client
import json
import ssl
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

SUCCESS = frozenset({"0", "00"})
SESSION_EXPIRED = frozenset({"401", "-401"})
"""``error_code`` values read as "sign in again" (**assumption**; HTTP 401 too)."""
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_REPLY_BYTES = 1_000_000

LOGIN = "DangNhap"
LOOKUP = "TraCuuHoSo"
SYNC_RECORD = "DongBoHoSoMC"
PROGRESS = "CapNhatTienDoHoSoMC"


@dataclass(frozen=True)
class Reply:
    """One reply of the portal: which call, whether it succeeded, its code and message, its body (as
    text, to store on the dossier's timeline; a sign-in's session is never in it)."""

    call: str
    ok: bool
    code: str
    message: str
    body: str
    found: bool = False
    """For a look-up: the portal already holds the dossier."""


class Transient(Exception):
    """No answer worth keeping (network, timeout, 5xx, 429): try again later."""

    def __init__(self, call: str, detail: str):
        super().__init__(f"{call}: {detail}")
        self.call, self.detail = call, detail


class SessionExpired(Exception):
    """The session is no longer valid: sign in again."""


class LoginRefused(Exception):
    """The portal refused the username or password (its code and message; never the password)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


class Portal(Protocol):
    """What forwarding needs of a portal; :class:`HttpPortal` is the default, the stand-in's too."""

    def login(self) -> str:
        """A session token (raises LoginRefused, Transient)."""
        ...

    def lookup(self, session: str, code: str) -> Reply:
        """TraCuuHoSo of one dossier (raises SessionExpired, Transient)."""
        ...

    def sync_record(self, session: str, record: dict, *, updating: bool) -> Reply:
        """DongBoHoSoMC of one record, an insert or (``updating``) an update."""
        ...

    def send_progress(self, session: str, lines: Sequence[dict]) -> Reply:
        """CapNhatTienDoHoSoMC of a few progress lines of one dossier."""
        ...


@dataclass(frozen=True)
class PortalSettings:
    """How to reach the portal (``[portal]`` of desk.toml; the password read from its file or variable)."""

    url: str
    username: str
    password: str
    madonvi: str
    timeout_s: float = 30.0
    ca_file: str = ""

    def __repr__(self) -> str:  # never the password, wherever a settings object is printed or logged
        return f"PortalSettings(url={self.url!r}, username={self.username!r}, madonvi={self.madonvi!r})"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect is answered as the status it is: the body (a password) is never re-sent


class HttpPortal:
    """The default adapter: JSON over HTTP(S) with urllib, a timeout on every call, TLS verified."""

    def __init__(self, settings: PortalSettings):
        self.settings = settings
        context = ssl.create_default_context(cafile=settings.ca_file or None)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        self._opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), _NoRedirect())

    def __repr__(self) -> str:
        return f"HttpPortal({self.settings!r})"

    def _post(self, call: str, body: dict) -> tuple[int, dict, str]:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        req = urllib.request.Request(
            self.settings.url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"},
        )
        try:
            with self._opener.open(req, timeout=self.settings.timeout_s) as resp:
                status, raw = resp.status, resp.read(MAX_REPLY_BYTES)
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read(MAX_REPLY_BYTES)
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Transient(call, f"{reason.__class__.__name__}: {reason}"[:300]) from None
        if status in RETRY_STATUSES:
            raise Transient(call, f"HTTP {status}")
        if status == 401:
            raise SessionExpired()
        text = raw.decode("utf-8", "replace")
        try:
            answer = json.loads(text)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            if 200 <= status < 300:
                raise Transient(call, "the reply is not a JSON object")
            answer = {"error_code": f"http_{status}", "message": text[:300]}
        elif not 200 <= status < 300 and "error_code" not in answer:
            answer = {**answer, "error_code": f"http_{status}"}
        return status, answer, text

    def _call(self, call: str, session: str, fields: dict) -> Reply:
        _, answer, text = self._post(
            call, {"service": call, "session": session, "madonvi": self.settings.madonvi, **fields}
        )
        code = str(answer.get("error_code", ""))
        if code in SESSION_EXPIRED:
            raise SessionExpired()
        result = answer.get("result")
        return Reply(
            call=call,
            ok=code in SUCCESS,
            code=code,
            message=str(answer.get("message") or "")[:500],
            body=text[:4000],
            found=bool(result) if isinstance(result, list) else False,
        )

    def login(self) -> str:
        _, answer, _ = self._post(
            LOGIN,
            {
                "service": LOGIN,
                "username": self.settings.username,
                "password": self.settings.password,
                "madonvi": self.settings.madonvi,
            },
        )
        code = str(answer.get("error_code", ""))
        session = answer.get("session")
        if code not in SUCCESS or not isinstance(session, str) or not session:
            raise LoginRefused(code, str(answer.get("message") or "")[:300])
        return session

    def lookup(self, session: str, code: str) -> Reply:
        return self._call(LOOKUP, session, {"MaHoSo": code})

    def sync_record(self, session: str, record: dict, *, updating: bool) -> Reply:
        return self._call(SYNC_RECORD, session, {"isUpdating": updating, "data": [record]})

    def send_progress(self, session: str, lines: Sequence[dict]) -> Reply:
        return self._call(PROGRESS, session, {"data": list(lines)})


def make_portal(settings: PortalSettings) -> Portal:
    """The adapter forwarding uses (a province's replacement of this module returns its own)."""
    return HttpPortal(settings)
