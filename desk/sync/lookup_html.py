"""The citizens' lookup page as HTML (docs/lookup.md): small, in Vietnamese, no script, one inline style.

Every value is put in with :func:`html.escape`, so a hostile dossier code or paper name is text, never
markup; the style's SHA-256 is in the page's Content-Security-Policy (:data:`CSP`), so no other style or
script of any origin runs. A page is a few kilobytes: it opens on a cheap phone over a slow line.
"""

from __future__ import annotations

import base64
import hashlib
import unicodedata
from datetime import datetime
from html import escape

from desk.models import Status
from desk.sync.lookup_page import Answer, LookupRecord, Outcome

STATUS_WORDS: dict[Status, str] = {
    Status.RECEIVED: "Đã tiếp nhận",
    Status.TRANSFERRED: "Đang xử lý",
    Status.SUPPLEMENT: "Chờ bổ sung",
    Status.RESULT_READY: "Có kết quả",
    Status.RETURNED: "Đã trả kết quả",
    Status.REFUSED: "Từ chối",
    Status.WITHDRAWN: "Đã rút",
    Status.STOPPED: "Dừng xử lý",
}
"""The TUI's words for each status (``status.*`` of screens/i18n/vi.py; a test keeps them equal)."""

STATUS_NOTES: dict[Status, str] = {
    Status.RECEIVED: "Hồ sơ đã được tiếp nhận và đang chờ chuyển đến cơ quan giải quyết.",
    Status.TRANSFERRED: "Hồ sơ đang được cơ quan có thẩm quyền giải quyết.",
    Status.SUPPLEMENT: "Cần bổ sung giấy tờ: thời hạn giải quyết tạm dừng cho đến khi nhận đủ.",
    Status.RESULT_READY: "Đã có kết quả: mời ông/bà mang giấy tiếp nhận đến nhận kết quả.",
    Status.RETURNED: "Kết quả đã được trả.",
    Status.REFUSED: "Hồ sơ không được tiếp nhận.",
    Status.WITHDRAWN: "Hồ sơ đã được rút theo đề nghị của người nộp.",
    Status.STOPPED: "Việc giải quyết hồ sơ đã dừng.",
}

STYLE = (
    "body{font:16px/1.45 sans-serif;margin:0;background:#eee;color:#111}"
    "main{max-width:34em;margin:0 auto;padding:1em;background:#fff;min-height:100vh;box-sizing:border-box}"
    "h1{font-size:1.3em;margin:0 0 .6em}h2{font-size:1.1em;margin:1em 0 .4em}"
    ".v{padding:.6em .8em;border-left:.4em solid}.v p{margin:.3em 0 0;font-weight:normal}"
    ".ok{background:#d8f0de;border-color:#1e7d32}.warn{background:#ffedcc;border-color:#b26a00}"
    ".bad{background:#fbd9d5;border-color:#c62828}"
    "dt{color:#555;font-size:.9em}dd{margin:0 0 .6em;word-break:break-word}"
    "li{margin:.2em 0}.n{color:#555;font-size:.85em}"
)
CSP = (
    "default-src 'none'; style-src 'sha256-"
    + base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")
    + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""The page's Content-Security-Policy: nothing loads, only the one inline style (by its hash) applies."""

_TITLE = "Tra cứu hồ sơ"
_PRIVACY = "Trang này không hiển thị số định danh, địa chỉ hay số điện thoại của người nộp hồ sơ."
_ASK = "Nếu cần, xin liên hệ bộ phận một cửa nơi đã nộp hồ sơ."


def day(value: datetime | None) -> str:
    """dd/mm/yyyy, with the hour when it is not midnight ("25/11/2026, 16:30")."""
    if value is None:
        return "không có"
    text = value.strftime("%d/%m/%Y")
    return text if (value.hour, value.minute) == (0, 0) else f"{text}, {value:%H:%M}"


def _document(title: str, body: str) -> bytes:
    page = (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n<h1>{escape(_TITLE)}</h1>\n{body}</main>\n</body>\n</html>\n"
    )
    return unicodedata.normalize("NFC", page).encode("utf-8")


def _banner(kind: str, headline: str, *lines: str) -> str:
    more = "".join(f"<p>{escape(line)}</p>" for line in lines if line)
    return f'<div class="v {kind}"><strong>{escape(headline)}</strong>{more}</div>\n'


def _facts(pairs: list[tuple[str, str]]) -> str:
    rows = "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in pairs)
    return f"<dl>{rows}</dl>\n"


def _dossier(record: LookupRecord) -> str:
    due = day(record.due_at)
    if record.paused and record.due_at is not None:
        due += " (tạm dừng trong khi chờ bổ sung; hẹn mới tính khi nhận đủ giấy tờ)"
    out = _facts(
        [
            ("Mã hồ sơ", record.code),
            ("Thủ tục", record.procedure_name),
            ("Người nộp (chữ cái đầu)", record.initials or "—"),
            ("Ngày tiếp nhận", day(record.received_at)),
            ("Trạng thái", STATUS_WORDS[record.status]),
            ("Ngày hẹn trả kết quả", due),
        ]
    )
    out += f"<p>{escape(STATUS_NOTES[record.status])}</p>\n<h2>Giấy tờ còn thiếu</h2>\n"
    if record.missing:
        items = "".join(
            f"<li>{escape(m.name)}{escape(': ' + m.reason) if m.reason else ''}</li>" for m in record.missing
        )
        out += f"<ul>{items}</ul>\n"
    else:
        out += "<p>Không còn thiếu giấy tờ nào.</p>\n"
    return out


def outcome_page(outcome: Outcome) -> tuple[int, bytes]:
    """(HTTP status, page) for the verdict on one receipt."""
    answer, record = outcome.answer, outcome.record
    footer = f'<p class="n">{escape(_PRIVACY)}</p>\n'
    if answer is Answer.GENUINE and record is not None:
        body = _banner("ok", "Giấy tiếp nhận hợp lệ", "Chữ ký của cơ quan tiếp nhận đúng và khớp với hồ sơ.")
        return 200, _document(_TITLE, body + _dossier(record) + footer)
    if answer is Answer.SUPERSEDED and record is not None:
        if "hen" in outcome.changed:
            change = (
                f"Ngày hẹn trả đã thay đổi: giấy tiếp nhận ghi {day(outcome.printed_due)}, nay là {day(record.due_at)}."
            )
        else:
            change = "Thông tin trên giấy tiếp nhận đã được cơ quan cập nhật; thông tin mới ở dưới đây."
        body = _banner("warn", "Giấy tiếp nhận hợp lệ nhưng đã có thay đổi", change)
        return 200, _document(_TITLE, body + _dossier(record) + footer)
    if answer is Answer.NOT_HERE:
        body = _banner(
            "warn",
            "Giấy tiếp nhận hợp lệ",
            "Hồ sơ chưa có trên hệ thống tra cứu này (có thể chưa được đồng bộ). Xin thử lại sau.",
            f"Ngày hẹn trả ghi trên giấy tiếp nhận: {day(outcome.printed_due)}." if outcome.printed_due else "",
            _ASK,
        )
        facts = _facts([("Mã hồ sơ", outcome.printed_code)])
        return 200, _document(_TITLE, body + facts + footer)
    if answer is Answer.UNCHECKABLE:
        body = _banner(
            "warn",
            "Không kiểm tra được giấy tiếp nhận tại đây",
            "Hệ thống này không giữ khóa của cơ quan đã cấp giấy tiếp nhận. "
            "Xin tra cứu trên Cổng dịch vụ công hoặc tại cơ quan đó.",
        )
        return 200, _document(_TITLE, body + footer)
    if answer is Answer.NOT_RECEIPT:
        body = _banner(
            "bad",
            "Đường dẫn không có mã hồ sơ",
            "Xin quét mã QR in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.",
        )
        return 400, _document(_TITLE, body)
    body = _banner(
        "bad",
        "Không xác thực được giấy tiếp nhận",
        "Chữ ký trong mã QR không đúng: giấy này không do cơ quan tiếp nhận cấp, hoặc đã bị sửa.",
        _ASK,
    )
    return 200, _document(_TITLE, body + footer)


def too_many_page(retry_after: int) -> bytes:
    return _document(
        "Quá nhiều lượt tra cứu",
        _banner("warn", "Quá nhiều lượt tra cứu", f"Xin thử lại sau {retry_after} giây."),
    )


def method_page() -> bytes:
    return _document(
        "Không hỗ trợ",
        _banner("bad", "Yêu cầu không được hỗ trợ", "Trang tra cứu chỉ mở bằng đường dẫn trong mã QR."),
    )


def error_page() -> bytes:
    return _document("Lỗi hệ thống", _banner("bad", "Lỗi hệ thống", "Xin thử lại sau ít phút."))
