"""One request to a hub over HTTP(S): the certificate checked, only same-origin redirects, the hub's refusal
read (its stable code and message), passing faults told from final ones, and a signed answer checked against
the pinned hub key. ``desk.sync.push`` and ``desk recover --hub`` (``fetch_head``) speak through it.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import ssl
import urllib.error
import urllib.parse
import urllib.request

from desk import keys
from desk.errors import DeskError, IntegrityFailure, InvalidInput
from desk.rules.problems import Problem, problem
from desk.sync.signing import HUB_SIGNATURE_HEADER, reply_genuine

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
"""Answers worth another attempt (with the ``Retry-After`` the hub gives)."""


class HubError(DeskError):
    """The hub refused a batch (4xx); the message is the hub's."""


class Retryable(Exception):
    """A failure worth another attempt (network, timeout, 5xx)."""

    def __init__(self, reason: Problem, retry_after: float | None = None):
        super().__init__(str(reason))
        self.reason = reason
        self.retry_after = retry_after


def hub_refusal(body: bytes) -> tuple[str, str]:
    """The stable code ("" when it gave none) and the message of a hub's refusal (``{"error": …, "code": …}``;
    a body of another shape is the message itself)."""
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        value = None
    if not isinstance(value, dict):
        value = {}
    code = value["code"][:100] if isinstance(value.get("code"), str) else ""
    if isinstance(value.get("error"), str):
        return code, value["error"][:500]
    return code, body.decode("utf-8", "replace").strip()[:500] or "(no message)"


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def is_plain_remote(url: str) -> bool:
    """Whether ``url`` is plain ``http://`` to a host other than this machine (token and data readable on the way)."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme != "http":
        return False
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a 307/308 to the same scheme, host and port (body and token sent again); refuse any other.

    The token never leaves for another host, and a POST is never turned into a GET.
    """

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        if code in (307, 308) and (old.scheme, old.netloc) == (new.scheme, new.netloc):
            return urllib.request.Request(newurl, data=req.data, headers=dict(req.header_items()), method="POST")
        fp.close()
        raise HubError("sync.redirect_refused", field="endpoint", status=code, location=newurl[:200])


def opener_for(ca_file: str) -> urllib.request.OpenerDirector:
    """HTTP(S) with the certificate checked (against ``ca_file`` when given) and only same-origin redirects."""
    try:
        context = ssl.create_default_context(cafile=ca_file or None)
    except (OSError, ssl.SSLError):
        raise InvalidInput("sync.ca_file_unreadable", field="ca_file", path=ca_file) from None
    return urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), _SameOriginRedirects())


def exchange(req: urllib.request.Request, timeout: float, opener: urllib.request.OpenerDirector) -> tuple[bytes, str]:
    """One request; returns the answer's body and its ``Hub-Signature``, raises Retryable or HubError."""
    try:
        with opener.open(req, timeout=timeout) as resp:
            data = resp.read()
            signature = resp.headers.get(HUB_SIGNATURE_HEADER)
    except urllib.error.HTTPError as exc:
        data = exc.read() if exc.fp else b""
        status = exc.code
        code, message = hub_refusal(data)
        if status in RETRY_STATUSES:
            raise Retryable(
                problem("sync.hub_answered", status=status, code=code, message=message),
                _retry_after(exc.headers.get("Retry-After")),
            )
        if status == 401:
            raise HubError("sync.token_refused", field="token", status=status, code=code, message=message) from None
        if status in (403, 409, 422):
            raise IntegrityFailure("sync.events_refused", status=status, code=code, message=message) from None
        raise HubError("sync.batch_refused", status=status, code=code, message=message) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        if isinstance(reason, ssl.SSLCertVerificationError):
            # not a passing fault: retrying would only send the token to the same wrong server again
            raise HubError(
                "sync.certificate_refused", field="endpoint", reason=str(reason.verify_message or reason)[:200]
            ) from None
        raise Retryable(problem("sync.hub_unreachable", detail=f"{reason.__class__.__name__}: {reason}")) from None
    return data, signature or ""


def check_signed_by(hub_key: bytes, request: bytes, data: bytes, signature: str, url: str) -> None:
    """The answer is the pinned hub's (``keys.hub_unsigned`` / ``keys.hub_key_mismatch`` otherwise)."""
    if not signature:
        raise HubError("keys.hub_unsigned", field="endpoint", url=url)
    if not reply_genuine(hub_key, request, data, signature):
        raise HubError("keys.hub_key_mismatch", field="endpoint", url=url, fingerprint=keys.fingerprint(hub_key))
