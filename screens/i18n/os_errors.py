"""The operating system's words for a failed file or device operation, in Vietnamese.

Python gives them in English (``os.strerror``: "No space left on device"), inside a
problem's ``detail``/``reason`` (``exc.strerror``, as the core records it) or as an
``OSError`` a worker raised. The Vietnamese UI shows these instead; a text that is
not one of them is shown as it is.
"""

from __future__ import annotations

import errno
import os

VI_BY_ERRNO: dict[int, str] = {
    errno.ENOENT: "không có tệp hoặc thư mục này",
    errno.EACCES: "không có quyền truy cập",
    errno.EPERM: "không được phép",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EROFS: "ổ đĩa chỉ đọc (USB bị khoá ghi?)",
    errno.EIO: "lỗi đọc/ghi thiết bị (USB bị rút ra hoặc hỏng?)",
    errno.ENOTDIR: "không phải thư mục",
    errno.EISDIR: "là một thư mục, không phải tệp",
    errno.EEXIST: "tệp đã có",
    errno.EBUSY: "thiết bị hoặc tệp đang bận",
    errno.ENAMETOOLONG: "tên tệp quá dài",
    errno.EDQUOT: "hết dung lượng được cấp",
    errno.ENODEV: "không có thiết bị",
    errno.ENXIO: "không có thiết bị hoặc địa chỉ",
    errno.ETIMEDOUT: "hết thời gian chờ",
    errno.ECONNREFUSED: "máy chủ từ chối kết nối",
    errno.EHOSTUNREACH: "không tới được máy chủ",
    errno.ENETUNREACH: "không có mạng",
    errno.EMFILE: "mở quá nhiều tệp",
    errno.EFBIG: "tệp quá lớn",
    errno.EXDEV: "không chuyển được giữa hai ổ đĩa",
}
"""What each common ``errno`` means, as a phrase (no capital, no full stop)."""

_VI_BY_WORDS: dict[str, str] = {os.strerror(n): words for n, words in VI_BY_ERRNO.items()}


def os_words_vi(text: str) -> str | None:
    """The Vietnamese of one of the operating system's messages, or None when ``text`` is not one."""
    return _VI_BY_WORDS.get(text.strip())


def os_error_vi(error: OSError) -> str:
    """An ``OSError`` in Vietnamese: its meaning and the file it names (or its code, when it has no words)."""
    words = VI_BY_ERRNO.get(error.errno or -1) or (os_words_vi(error.strerror or "") if error.strerror else None)
    if words is None:
        words = f"lỗi hệ thống, mã {errno.errorcode.get(error.errno or -1, error.errno)}"
    return f"{words}: {error.filename}" if error.filename else words
