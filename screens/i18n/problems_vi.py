"""The core's problems in Vietnamese: one line per code (``desk.cli.wording`` has the CLI's English).

Parameters that name things (``status``, ``action``, ``field`` …) arrive already in
words (``screens.i18n.catalogue.PARAM_KEYS``). Same keys and placeholders as
``problems_en.py``.
"""

from __future__ import annotations

PROBLEMS: dict[str, str] = {
    # text and time
    "text.required": "{field}: cần nhập, không được để trống.",
    "text.too_long": "{field} quá dài: {length} ký tự, tối đa {limit} ký tự.",
    "clock.bad_desk_now": "DESK_NOW=“{value}” không phải ngày giờ dạng ISO 8601.",
    "datetime.not_iso": "{field}: “{value}” không phải ngày giờ dạng ISO 8601 (YYYY-MM-DDTHH:MM).",
    # working time
    "calendar.not_datetime": "{field}: {value} không phải ngày giờ.",
    "calendar.has_offset": "{field}: {value} kèm múi giờ UTC; quầy dùng giờ địa phương, không kèm múi giờ.",
    "calendar.day_off_and_working": "{days}: vừa là ngày nghỉ vừa là ngày làm việc bổ sung trong cấu hình.",
    "calendar.no_working_day": (
        "Không có ngày làm việc nào trong các năm sau {after:%d/%m/%Y}: hãy kiểm tra cấu hình lịch."
    ),
    "calendar.minutes_not_whole": "Số phút làm việc phải là số nguyên, không phải {value}.",
    "calendar.minutes_negative": "Số phút làm việc không được âm ({minutes}).",
    "calendar.not_processing_time": "Không phải thời hạn giải quyết: {value}.",
    "calendar.processing_not_whole": "Thời hạn giải quyết phải là số nguyên ≥ 0, không phải {value}.",
    "calendar.unknown_unit": "Đơn vị thời hạn giải quyết không xác định: {unit}.",
    "calendar.resumed_before_pause": (
        "Thời điểm tiếp tục {resumed:%H:%M %d/%m/%Y} sớm hơn lúc bắt đầu tạm dừng {paused:%H:%M %d/%m/%Y}."
    ),
    # the official calendar
    "calendar.crosses_expected": "Ngày hẹn trả {due:%d/%m/%Y %H:%M} đã tính {days} là ngày nghỉ nhưng thông báo chính thức chưa có; hãy xem lịch (desk calendar show) và nhập thông báo khi được ban hành.",
    "calendar.crosses_pending": "Ngày hẹn trả {due:%d/%m/%Y %H:%M} đi qua ngày chưa quyết định ({days}), đang tính là {counted_off:ngày làm việc|ngày nghỉ|ngày nghỉ} cho đến khi có luật hoặc thông báo (cài đặt calendar.pending_days_off).",
    "calendar.year_range": "Năm {year} nằm ngoài lịch ({first}–{last}).",
    "calendar_file.not_found": "{file}: không có tệp này ({path}).",
    "calendar_file.unreadable": "{file}: không đọc được ({detail}).",
    "calendar_file.too_big": "{file}: lớn hơn {max_kb} KB, không phải tệp lịch.",
    "calendar_file.not_utf8": "{file}: không phải văn bản UTF-8.",
    "calendar_file.not_toml": "{file}: không phải TOML hợp lệ ({detail}).",
    "calendar_file.format": "{file}: không phải tệp lịch của motcua-desk (cần format = “{format}”, tệp ghi “{value}”).",
    "calendar_file.unknown_key": "{file}: khóa {key} không được biết; các khóa là {known}.",
    "calendar_file.issued": "{file}: issued = {value} không phải ngày (YYYY-MM-DD).",
    "calendar_file.years": "{file}: years = {value} phải liệt kê các năm tệp quy định (ví dụ 2027).",
    "calendar_file.no_days": "{file}: không có ngày nào (mục days).",
    "calendar_file.day_not_table": "{file}: ngày thứ {position} không phải một mục days.",
    "calendar_file.day_date": "{file}: ngày thứ {position}: date = {value} không phải ngày (YYYY-MM-DD).",
    "calendar_file.day_outside_years": "{file}: ngày {day} nằm ngoài các năm tệp quy định ({years}).",
    "calendar_file.day_kind": "{file}: ngày {day}: kind = {value} phải là một trong {choices}.",
    "calendar_file.day_status": "{file}: ngày {day}: status = {value} phải là một trong {choices}.",
    "calendar_file.day_text": "{file}: ngày {day}: {key} bị thiếu, để trống hoặc dài quá 300 ký tự.",
    "calendar_file.day_twice": "{file}: ngày {day} được liệt kê hai lần.",
    "hours.not_pairs": "Giờ làm việc: buổi sáng và buổi chiều mỗi buổi cần một giờ bắt đầu và một giờ kết thúc.",
    "hours.not_local_time": "Giờ làm việc: {setting} cần giờ địa phương, không phải {value}.",
    "hours.morning_order": "Giờ làm việc: buổi sáng bắt đầu {start:%H:%M} nhưng kết thúc {end:%H:%M}.",
    "hours.afternoon_order": "Giờ làm việc: buổi chiều bắt đầu {start:%H:%M} nhưng kết thúc {end:%H:%M}.",
    "hours.overlap": (
        "Giờ làm việc: buổi sáng kết thúc {morning_end:%H:%M}, sau giờ bắt đầu buổi chiều {afternoon_start:%H:%M}."
    ),
    "hours.working_week": "Giờ làm việc: tuần làm việc {week} phải gồm các thứ từ 1 (thứ Hai) đến 7 (Chủ nhật).",
    "hours.day_hours": "Giờ làm việc: một ngày làm việc {value} giờ là không thể.",
    # codes
    "desk_no.range": "Số quầy {desk_no} không hợp lệ: phải từ 0 đến 9.",
    "codes.exhausted": (
        "Quầy {desk_no} đã cấp hết {capacity} mã hồ sơ của ngày {day:%d/%m/%Y} ({first} … {last}); "
        "hãy tiếp nhận tiếp ở quầy khác."
    ),
    # identity numbers
    "sex.invalid": "Giới tính là Nam hoặc Nữ, không phải “{value}”.",
    "id_number.not_digits": "Số định danh chỉ gồm chữ số (dấu cách, dấu chấm, dấu gạch được bỏ qua): “{value}”.",
    "id_number.length": "Số định danh có 12 chữ số (CMND cũ: 9 số), nhưng {number} có {length} chữ số.",
    "id_number.place_unknown": (
        "{number} bắt đầu bằng {place}, không phải mã tỉnh: có thể là mã quốc gia (sinh ở nước ngoài); "
        "hãy kiểm tra 3 chữ số đầu trên thẻ căn cước."
    ),
    "id_number.century_digit": (
        "Số định danh {number} không hợp lệ: chữ số thứ 4 là {digit}, tức sinh năm {year} "
        "(từ năm {century}); chưa ai sinh từ năm 2100 có thể có số định danh."
    ),
    "id_number.born_later": (
        "Số định danh {number} không hợp lệ: chữ số thứ 5–6 là {year_digits}, tức sinh năm {year}, "
        "sau năm nay ({this_year}); hãy kiểm tra lại số trên thẻ căn cước."
    ),
    "id_number.century": (
        "Số định danh {number} không khớp người nộp: chữ số thứ 4 là {digit}, tức sinh trong các năm "
        "{century}–{century_last}, nhưng năm sinh là {year}."
    ),
    "id_number.year": (
        "Số định danh {number} không khớp người nộp: chữ số thứ 5–6 là {year_digits}, tức sinh năm {encoded_year}, "
        "nhưng năm sinh là {year}."
    ),
    "id_number.sex": (
        "Số định danh {number} không khớp người nộp: chữ số thứ 4 là {digit}, tức giới tính {encoded_sex}, "
        "nhưng giới tính đã nhập là {sex}."
    ),
    "id_number.century_and_sex": (
        "Số định danh {number} không khớp người nộp: chữ số thứ 4 là {digit}, tức sinh trong các năm "
        "{century}–{century_last} và giới tính {encoded_sex}, nhưng năm sinh là {year} và giới tính là {sex}."
    ),
    "id_number.year_and_sex": (
        "Số định danh {number} không khớp người nộp: chữ số thứ 5–6 là {year_digits}, tức sinh năm {encoded_year}, "
        "nhưng năm sinh là {year}; chữ số thứ 4 là {digit}, tức giới tính {encoded_sex}, nhưng giới tính là {sex}."
    ),
    "id_number.old_id": (
        "CMND 9 số đã hết giá trị sử dụng từ ngày {lapsed} (Luật Căn cước 2023): vẫn nhận, "
        "nên hỏi số định danh cá nhân 12 số."
    ),
    "birth_date.not_encodable": "Năm sinh {year} không thể ghi trong số định danh cá nhân.",
    "tax_code.shape": (
        "Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch và 3 chữ số của chi nhánh; đã nhập “{value}”."
    ),
    "tax_code.check_digit": (
        "Mã số thuế {number} không hợp lệ: chữ số kiểm tra (thứ 10) không khớp; hãy xem có gõ nhầm chữ số nào không."
    ),
    "tax_code.branch_zero": "Số chi nhánh từ 001 đến 999, không phải 000 (“{value}”).",
    "phone.foreign": "Chỉ nhận số điện thoại Việt Nam (+84), không phải “{value}”.",
    "phone.not_digits": "Số điện thoại chỉ gồm chữ số: “{value}”.",
    "phone.mobile_length": "Số điện thoại di động có 10 chữ số, bắt đầu bằng 0, nhưng “{value}” có {length} chữ số.",
    "phone.landline_length": (
        "Số điện thoại cố định có 10 hoặc 11 chữ số kể cả mã vùng, nhưng “{value}” có {length} chữ số."
    ),
    "phone.not_vietnamese": (
        "Số điện thoại “{value}” không phải số Việt Nam: di động bắt đầu bằng 03, 05, 07, 08, 09; "
        "cố định bắt đầu bằng 02 và mã vùng."
    ),
    "chip_qr.old_id": "Số CMND cũ trong mã QR thẻ căn cước phải có 9 chữ số: “{value}”.",
    "chip_qr.birth_date": "Ngày sinh trong mã QR thẻ căn cước không phải ngày hợp lệ (ngày tháng năm): “{value}”.",
    "chip_qr.issue_date": "Ngày cấp trong mã QR thẻ căn cước không phải ngày hợp lệ (ngày tháng năm): “{value}”.",
    # intake
    "scan.not_chip_qr": "Nội dung quét được không phải mã QR của thẻ căn cước gắn chip.",
    "birth_date.format": "Ngày sinh “{value}”: viết dạng ngày/tháng/năm (vd 01/01/1999).",
    "birth_date.implausible": "Ngày sinh {date:%d/%m/%Y} không hợp lý (trước năm 1900 hoặc sau hôm nay).",
    "email.invalid": "Địa chỉ email “{value}” không đúng dạng (vd ten@example.vn).",
    "component.not_in_procedure": (
        "“{component}” không phải thành phần hồ sơ của thủ tục {procedure}; "
        "các thành phần là: {components:không có|#|#}."
    ),
    "intake.incomplete": (
        "Hồ sơ còn thiếu thành phần bắt buộc: {missing:không có|#|#}. Không cấp giấy tiếp nhận cho hồ sơ "
        "chưa đầy đủ: hãy in Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02) để hướng dẫn công dân."
    ),
    "guidance.nothing_missing": "Hãy ghi ít nhất một giấy tờ, nội dung cần bổ sung.",
    "intake.reused_format": "“{value}”: ghi dạng THÀNH_PHẦN=NGUỒN (vd giay_khai_sinh=VNeID).",
    "guidance.too_many": "{count} nội dung cần bổ sung: tối đa {limit} trên một phiếu.",
    "quantity.range": "Số bản của {component}: {value} không nằm trong khoảng 1 đến 999.",
    "received_at.future": (
        "Thời điểm tiếp nhận {at:%H:%M %d/%m/%Y} ở tương lai (bây giờ là {now:%H:%M %d/%m/%Y}); "
        "hãy kiểm tra ngày giờ của máy."
    ),
    # honest times: a catch-up (desk.rules.received_time)
    "received_at.before_today": "Thời điểm tiếp nhận {at:%d/%m/%Y %H:%M} trước giờ làm việc hôm nay ({day_start:%d/%m/%Y %H:%M}): giấy tiếp nhận ghi đúng lúc nhận hồ sơ. Hồ sơ nhận trước đó (máy hỏng) phải nhập bù, có ghi lý do.",
    "catch_up.needs_reason": "Nhập bù cần ghi lý do: vì sao hồ sơ được nhập muộn.",
    "catch_up.not_earlier": "Nhập bù: thời điểm tiếp nhận {at:%d/%m/%Y %H:%M} không sớm hơn bây giờ ({now:%d/%m/%Y %H:%M}); hãy nhập bình thường.",
    "catch_up.needs_received_at": "Nhập bù cần thời điểm tiếp nhận thực tế của hồ sơ.",
    "catch_up.reason_alone": "Lý do chỉ dùng khi nhập bù.",
    "dossier.caught_up": "Hồ sơ {code} được nhập bù lúc {entered_at}, ghi nhận tiếp nhận lúc {claimed_at} (lý do: {reason}).",
    "sets.range": "Số bộ hồ sơ {sets} không nằm trong khoảng 1 đến 99.",
    # dossiers and their lifecycle
    "dossier.not_found": "Không tìm thấy hồ sơ {code} tại quầy này.",
    "action.unknown": (
        "Không có thao tác “{action}”; các thao tác là: {actions}. Từ trạng thái “{status}”: "
        "{allowed:không còn thao tác nào (hồ sơ đã kết thúc)|#|#}."
    ),
    "action.not_allowed": (
        "Không thể “{action}” với hồ sơ ở trạng thái “{status}”; được phép: "
        "{allowed:không còn thao tác nào (hồ sơ đã kết thúc)|#|#}."
    ),
    "action.result_needs_transfer": (
        "Hồ sơ ở trạng thái “{status}” chưa thể ghi có kết quả: chỉ thủ tục giải quyết trong ngày mới có kết quả "
        "ngay tại quầy, hãy chuyển xử lý trước. Được phép: {allowed:không còn thao tác nào (hồ sơ đã kết thúc)|#|#}."
    ),
    "action.wrong_option": "“{action}” không nhận {options}; chỉ nhận: {takes:ghi chú|#|#}.",
    "lifecycle.unknown_action": "Không có thao tác “{action}”.",
    "supplement.nothing_missing": "Hãy ghi điều cần bổ sung: ít nhất một giấy tờ (và lý do) hoặc một ghi chú.",
    "supplement.bad_item": "Mục cần bổ sung {item} không đúng dạng (giấy tờ, lý do).",
    "clock.before_pause": (
        "Đồng hồ máy tính đang chỉ {now:%H:%M %d/%m/%Y}, trước lúc yêu cầu bổ sung {paused:%H:%M %d/%m/%Y}; "
        "hãy kiểm tra ngày giờ của máy."
    ),
    "satisfaction.unknown": "Mức hài lòng “{value}”: chọn một trong {answers} (dấu không bắt buộc).",
    "refuse.needs_reason": "Từ chối cần ghi lý do (lý do được in trên phiếu từ chối).",
    "stop.needs_reason": "Dừng xử lý cần ghi lý do (lý do được in trên thông báo).",
    "extend.status": "Hồ sơ {code} đang ở trạng thái {status}: chỉ gia hạn được hồ sơ đang giải quyết.",
    "extend.not_later": "Ngày hẹn mới {new_due:%H:%M %d/%m/%Y} không sau ngày hẹn hiện tại {due:%H:%M %d/%m/%Y}.",
    "apology.days": "Gia hạn {value} ngày làm việc không hợp lệ: nhập số nguyên từ 1 đến 365.",
    "print.kind": "Không có loại giấy tờ “{value}”; chọn một trong: {kinds}.",
    "print.paper": "Không có khổ giấy “{value}”; chọn một trong: {papers}.",
    "print.copies": "Số bản {value} không hợp lệ: nhập số nguyên từ 0 đến 99.",
    # the digitisation checklist
    "component.unknown": (
        "Hồ sơ {code} không có thành phần “{component}”; các thành phần là: {components:không có|#|#}."
    ),
    "reuse.own_dossier": "{code} chính là hồ sơ này; tái sử dụng cần kết quả của một hồ sơ khác.",
    "reuse.unknown_dossier": "Không có hồ sơ {code} trên quầy này; kiểm tra lại mã (tái sử dụng phải liên kết một hồ sơ có thật).",
    "component.same_scan": "Bản quét {name} đã được gắn cho “{other}” của hồ sơ này; vẫn gắn cho “{component}”?",
    "reuse.unknown_source": (
        "Nguồn tái sử dụng “{value}” không có: chọn một trong {sources}, "
        "hoặc nhập mã của hồ sơ khác (MÃ-CƠ-QUAN-YYMMDD-NNNN)."
    ),
    "checklist.closed": "Hồ sơ {code} ở trạng thái “{status}”: danh mục số hoá không còn thay đổi được.",
    "inbox.empty": "Chưa có bản quét nào trong {folder}; hãy quét giấy tờ vào thư mục đó trước.",
    "component.must_digitise": "Thành phần {component} phải số hoá; hãy ghi lý do vì sao không cần.",
    "component.already_pending": "Thành phần {component} đang chưa số hoá; không có gì để hoàn tác.",
    # the receipt's QR code
    "receipt.genuine": "Giấy tiếp nhận HỢP LỆ: hồ sơ {code}.",
    "receipt.altered": "Giấy tiếp nhận {code} do cơ quan cấp nhưng ĐÃ CŨ, không còn khớp hồ sơ ({fields}).",
    "receipt.no_lookup_url": (
        "Mã QR của giấy tiếp nhận bắt đầu bằng “{prefix}”: người dân không tra cứu được hồ sơ bằng điện thoại; "
        "đặt lookup_url (mục printing) trong desk.toml là trang tra cứu của cổng dịch vụ công."
    ),
    "receipt.forged": "Giấy tiếp nhận {code} KHÔNG HỢP LỆ: chữ ký sai, giấy bị sửa hoặc giả mạo.",
    "receipt.unknown": "Chữ ký hợp lệ nhưng không có hồ sơ {code} tại quầy này (chưa nhập gói của quầy khác?).",
    "receipt.not_receipt": "Không phải mã QR giấy tiếp nhận.",
    # checking the home
    "chain.missing": "Quầy {desk}: thiếu các sự kiện {first}–{last}.",
    "chain.out_of_order": "Quầy {desk}: sự kiện {seq} sai thứ tự (đúng ra là {expected}).",
    "chain.broken": "Quầy {desk}: sự kiện {seq} không nối tiếp sự kiện {previous} (chuỗi bị đứt).",
    "chain.altered": "Quầy {desk}: sự kiện {seq} đã bị sửa (mã băm không khớp).",
    "sqlite.integrity": "Cơ sở dữ liệu bị hỏng: {detail}",
    "sqlite.foreign_keys": "Cơ sở dữ liệu: có thành phần hồ sơ trỏ tới hồ sơ không tồn tại.",
    "dossier.no_events": "Hồ sơ {code} không có sự kiện nào.",
    "clock.went_backwards": "Đồng hồ máy tính đã bị lùi ít nhất một lần ({detail}); hãy kiểm tra ngày giờ của máy.",
    # files, backups, the home
    "file.exists": "{path} đã có; không ghi đè.",
    "file.write_failed": "Không ghi được {path}: {detail}",
    "backup.no_folder": "Thư mục {folder} không tồn tại (đã cắm USB chưa?).",
    "backup.write_failed": "Không ghi được bản sao lưu vào {path}: {detail}; chưa ghi gì cả.",
    "home.has_desk": "{path} đã là thư mục của một quầy.",
    "agency_key.unreadable": "Không đọc được tệp khoá cơ quan {path} như một khoá đã xuất ({error}).",
    "catalog.no_file": "Hãy chỉ ra tệp danh mục thủ tục, hoặc dùng danh mục mẫu kèm theo (--sample).",
    "missing.format": "--missing “{value}”: viết dạng THÀNH_PHẦN:LÝ_DO.",
    "sync.redirect_refused": (
        "Máy chủ trả lời {status}, chuyển việc gửi sang {location}; quầy không đi theo chuyển hướng sang địa chỉ khác và không gửi mã truy cập tới đó: hãy đặt sync.endpoint trong cấu hình đúng địa chỉ của máy chủ."
    ),
    "sync.certificate_refused": (
        "Chứng chỉ HTTPS của máy chủ không đáng tin ({reason}); chưa gửi gì. Hãy đặt sync.ca_file trong cấu hình là tệp CA đã ký chứng chỉ đó, hoặc kiểm tra lại địa chỉ máy chủ."
    ),
    "sync.ca_file_unreadable": "Tệp sync.ca_file {path} không phải tệp chứng chỉ PEM đọc được.",
    "sync.plain_http": (
        "{url} là HTTP không mã hoá tới máy khác: mã truy cập và hồ sơ có thể bị đọc trên đường truyền; hãy dùng https://."
    ),
    "hub.tls_pair": (
        "--tls-cert và --tls-key phải đi cùng nhau: cho cả hai, hoặc không cho cái nào để dùng HTTP thường."
    ),
    "hub.tls_file_missing": "{path}: không có tệp này (--tls-cert/--tls-key).",
    "hub.cannot_listen": "Máy chủ không mở được cổng nghe tại {url}.",
    "sync.gap_expected": (
        "Quầy {desk}: các sự kiện {first}–{last} chưa về (gói dữ liệu còn đang trên đường); hãy nhập gói khi nhận được."
    ),
    "desk.restored": (
        "Quầy này vừa được khôi phục từ bản sao lưu lúc {taken_at} (sự kiện đến số {last_seq}); chưa được cấp mã hay ghi thêm gì cho đến khi biết các sự kiện sau đó: hãy chạy `desk recover --hub` hoặc `desk recover --bundle TỆP`, hoặc nhờ người phụ trách chạy `desk recover --new-identity` (docs/recovery.md)."
    ),
    "recover.other_desk": (
        "{source} chứa sự kiện của quầy {desk}, không phải của quầy này: hãy dùng gói dữ liệu của chính quầy này."
    ),
    "recover.fork": (
        "{source} có sự kiện số {seq} khác với máy này: hai chuỗi đã tách nhau; hãy nhờ người phụ trách chạy `desk recover --new-identity`."
    ),
    "recover.no_hub": (
        "Chưa có máy chủ để hỏi: hãy đặt sync.endpoint và sync.token trong cấu hình, hoặc dùng --endpoint URL."
    ),
    "recover.hub_refused": "Máy chủ từ chối cho biết dữ liệu của quầy này ({status}{code:|, mã lỗi #|, mã lỗi #}).",
    "recover.hub_unreachable": (
        "Không hỏi được máy chủ về dữ liệu của quầy này ({reason}); hãy thử lại, hoặc dùng `desk recover --bundle TỆP`."
    ),
    "recover.not_a_head": (
        "Không hỏi được máy chủ về dữ liệu của quầy này (câu trả lời không phải đầu chuỗi sự kiện); hãy thử lại, hoặc dùng `desk recover --bundle TỆP`."
    ),
    "chain.recovered_gap": (
        "Quầy {desk}: các sự kiện {first}–{last} nằm ở máy chủ, không có ở máy này (máy được khôi phục từ bản sao lưu rồi đã đồng bộ lại đầu chuỗi)."
    ),
    "clock.behind_last_event": (
        "Đồng hồ máy đang chỉ {at}, sớm hơn sự kiện gần nhất của quầy ({last}): hồ sơ vẫn được lưu sau sự kiện đó, nhưng hãy kiểm tra ngay ngày giờ của máy."
    ),
    # reports
    "indicator.unknown": "Không có chỉ số “{name}”; chọn một trong: {names}.",
    "period.unknown": "Không có kỳ báo cáo “{value}”; chọn một trong: {periods}.",
    "period.not_dates": "Kỳ báo cáo phải là ngày, không kèm giờ.",
    "period.reversed": "Kỳ báo cáo kết thúc ({end:%d/%m/%Y}) trước khi bắt đầu ({start:%d/%m/%Y}).",
    # the settings, the home, scans and catalogues
    "config.not_toml": "{path}: không phải tệp TOML hợp lệ ({detail}).",
    "config.unreadable": "Không đọc được {path} ({detail}).",
    "config.unknown_section": "desk.toml: mục {section} không có trong cấu hình{did_you_mean:| — có phải là #?| — có phải là #?}",
    "config.unknown_setting": "desk.toml: mục cài đặt {section}.{key} không tồn tại{did_you_mean:| — có phải là #?| — có phải là #?}",
    "config.not_a_section": "desk.toml: {section} phải là một mục, không phải một giá trị.",
    "config.missing": "desk.toml: thiếu {key}.",
    "config.type": "desk.toml: {key} = {value} không phải {expected}.",
    "config.range": "desk.toml: {key} = {value} nằm ngoài khoảng cho phép: từ {minimum} đến {maximum}.",
    "home.missing": "Chưa có quầy nào ở {path} (thiếu {config}). Hãy khởi tạo quầy bằng lệnh desk init.",
    "home.exists": "{path} đã có một quầy ({config}); không ghi đè.",
    "home.create_failed": "Không tạo được thư mục quầy tại {path}: {detail}.",
    "home.write_failed": "Không ghi được cài đặt vào {path}: {detail}.",
    "agency_code.invalid": "Mã cơ quan “{value}” không hợp lệ: tối đa 35 ký tự gồm chữ số, chữ in hoa và dấu chấm (ví dụ 000.00.12.H29).",
    "agency_name.empty": "Tên cơ quan đang để trống.",
    "agency_key.too_short": "Tệp khóa của cơ quan quá ngắn ({length} byte; cần ít nhất {minimum}).",
    "agency_key.missing": "Thiếu {path}: không thể ký hoặc kiểm tra giấy tiếp nhận.",
    "agency_key.invalid": "{path} không phải khóa hợp lệ của cơ quan.",
    "file.not_stored": "“{value}” không phải tên một tệp trong kho lưu trữ.",
    "file.unsupported": "{name}: {seems}; chỉ đính kèm được tệp PDF, JPEG hoặc PNG (hãy lưu bản quét dạng PDF hoặc JPEG rồi thử lại).",
    "file.not_found": "Không có tệp {path}.",
    "file.unreadable": "Không đọc được {name} ({detail}); hãy kiểm tra quyền truy cập.",
    "file.is_folder": "{path} là thư mục, không phải tệp; hãy chọn một tệp quét.",
    "file.not_regular": "{path} không phải tệp thông thường.",
    "file.empty": "{name} rỗng (0 byte); hãy quét lại.",
    "file.too_large": "{name} nặng {size_mb} MB, vượt mức {max_mb} MB cho phép; hãy quét với độ phân giải thấp hơn hoặc đen trắng.",
    "file.grew": "{name} vượt quá {max_mb} MB trong khi đang đọc; hãy thử lại.",
    "file.save_failed": "Không lưu được bản quét vào {folder} ({detail}); nếu ổ đĩa đầy, hãy giải phóng dung lượng rồi thử lại.",
    "file.not_pdf": "{name} không phải tệp PDF.",
    "file.cut_short": "{name} bị cắt cụt (tệp PDF chưa trọn); hãy đợi máy quét xong rồi thử lại.",
    "file.no_pages": "{name}: không tìm thấy trang nào trong tệp PDF; tệp có thể bị hỏng hoặc có mật khẩu. Hãy quét lại hoặc lưu lại không mật khẩu.",
    "file.too_many_pages": "{name} ghi có {pages} trang; tệp có lẽ đã hỏng.",
    "file.image_too_large": "{name} có kích thước {width}×{height} điểm ảnh, quá lớn để đính kèm; hãy quét với độ phân giải thấp hơn.",
    "file.image_damaged": "Không đọc được {name} dưới dạng ảnh {kind} ({detail}); tệp có thể bị hỏng. Hãy quét hoặc sao chép lại.",
    "catalog.suffix": "{file}: danh mục phải là tệp .json hoặc .csv.",
    "catalog.not_found": "{file}: không có tệp này ({path}).",
    "catalog.is_folder": "{file}: là thư mục, không phải tệp danh mục.",
    "catalog.unreadable": "{file}: không đọc được ({detail}).",
    "catalog.too_big": "{file}: lớn hơn {max_mb} MB; không phải danh mục.",
    "catalog.no_procedures": "{file}: không có thủ tục nào.",
    "catalog.empty": "{file}: tệp rỗng.",
    "catalog.binary": "{file}: là tệp nhị phân, không phải danh mục (hãy lưu dạng văn bản UTF-8).",
    "catalog.not_utf8": "{file} dòng {line}: không phải văn bản UTF-8 (hãy lưu tệp dạng UTF-8; Excel: CSV UTF-8).",
    "catalog.json_invalid": "{file} dòng {line}: JSON không hợp lệ ({detail}, cột {column}).",
    "catalog.json_duplicate_key": "{file}: khóa {key} xuất hiện hai lần trong một đối tượng.",
    "catalog.json_unusable": "{file}: tài liệu JSON không dùng được ({detail}).",
    "catalog.json_not_object": "{file}: phải là một đối tượng JSON có format và procedures, không phải {value}.",
    "catalog.not_a_catalogue": "{file}: không phải danh mục motcua-desk (thiếu format = {format}).",
    "catalog.csv_cells": "{file} dòng {line}: có {cells} ô nhưng dòng tiêu đề có {columns} cột.",
    "catalog.csv_invalid": "{file} dòng {line}: CSV không hợp lệ ({detail}).",
    "catalog.csv_unknown_column": "{file} dòng {line}: cột {value} không xác định{did_you_mean:| (có phải là #?)| (có phải là #?)}",
    "catalog.csv_column_twice": "{file} dòng {line}: cột {value} xuất hiện hai lần.",
    "catalog.csv_missing_columns": "{file} dòng {line}: thiếu cột {columns} (dòng đầu phải ghi tên các cột).",
    "catalog.csv_no_components": "{file} dòng {line} ({procedure_code}): thủ tục không có dòng thành phần hồ sơ nào.",
    "catalog.unknown_procedure": "Thủ tục “{code}” không có trong danh mục của quầy.",
    "catalog.required": "bắt buộc phải có",
    "catalog.required_choice": "bắt buộc phải có (một trong {choices})",
    "catalog.required_example": "bắt buộc phải có, ví dụ {example}",
    "catalog.required_list": "bắt buộc phải có: một danh sách có ít nhất một {noun}",
    "catalog.required_first_row": "bắt buộc phải có ở dòng đầu của mỗi thủ tục",
    "catalog.not_text": "phải là văn bản, không phải {value}",
    "catalog.no_visible_text": "{value} không có chữ nào nhìn thấy được",
    "catalog.too_long": "quá dài: {length} ký tự, tối đa {maximum}",
    "catalog.code_too_long": "{value} quá dài: {length} ký tự, tối đa {maximum}",
    "catalog.bad_code": "{value} không phải mã hợp lệ ({code_kind})",
    "catalog.too_large": "{value} quá lớn (tối đa {maximum})",
    "catalog.not_whole": "{value} không phải số nguyên ≥ {minimum}{quoted:| (viết không có dấu nháy)|}",
    "catalog.not_amount": "{value} không phải số tiền (đồng) ≥ {minimum}{quoted:| (viết không có dấu nháy)|}",
    "catalog.not_flag": "{value} không phải true hoặc false",
    "catalog.not_choice": "{value} không thuộc {choices}",
    "catalog.not_choice_list": "phải là danh sách gồm {choices}, không phải {value}",
    "catalog.no_choice": "phải có ít nhất một trong {choices}",
    "catalog.listed_twice": "{value} được liệt kê hai lần",
    "catalog.not_list": "phải là danh sách, không phải {value}",
    "catalog.not_procedure_list": "phải là danh sách thủ tục, không phải {value}",
    "catalog.empty_list": "phải có ít nhất một {noun}",
    "catalog.item_not_object": "{noun} thứ {position} phải là một đối tượng, không phải {value}",
    "catalog.not_object": "phải là một đối tượng {shape}, không phải {value}",
    "catalog.duplicate_procedure": "{value} đã được dùng cho thủ tục {earlier}",
    "catalog.duplicate_component": "{value} đã được dùng cho thành phần {earlier}",
    "catalog.duplicate_on_line": "{value} đã được dùng ở dòng {earlier}",
    "catalog.csv_rows_apart": "{value} đã được dùng ở dòng {earlier} (hãy để các dòng của một thủ tục liền nhau)",
    "catalog.csv_empty_row": "dòng không có thành phần hồ sơ cũng không có phí",
    "catalog.csv_differs": "{value} khác với dòng {first_line} của thủ tục {first_procedure} (để trống hoặc ghi lại đúng giá trị đó)",
    "catalog.unknown_key": "khóa không xác định{did_you_mean:| (có phải là #?)| (có phải là #?)}; các khóa hợp lệ: {known}",
    "catalog.unsupported_format": "{value} không được hỗ trợ; quầy đọc được {supported}",
    # printing a dossier's documents
    "print.kind_unknown": "Loại giấy tờ “{kind}” không có; chọn một trong {choices}.",
    "print.no_supplement_request": "Hồ sơ {code} chưa có yêu cầu bổ sung nào để in.",
    "print.not_stopped": "Hồ sơ {code} chưa bị dừng giải quyết; hãy dừng trước khi in Mẫu 05.",
    "print.not_transferred": "Hồ sơ {code} chưa được chuyển đi giải quyết; Mẫu 06 đi kèm hồ sơ đã chuyển.",
    "print.not_refused": "Hồ sơ {code} chưa bị từ chối; hãy từ chối trước khi in Mẫu 03.",
    "print.apology_needs_new_due": "Thư xin lỗi cần ngày hẹn trả mới.",
    "print.apology_needs_reason": "Thư xin lỗi cần lý do chậm trễ.",
    "print.write_failed": "Không ghi được {path}: {reason}.",
    # the canonical codec and the bundle reader
    "bundle.line_not_canonical": "{bundle}: dòng {line} của events.jsonl không ở dạng chuẩn ({reason}); gói đã bị sửa hoặc không do quầy nào tạo ra.",
    "canonical.value_unsupported": "Giá trị kiểu {type} không thể ghi vào sự kiện.",
    "bundle.member_corrupt": "{bundle}: tệp {member} trong gói bị hỏng hoặc bị cắt cụt; gói bị từ chối.",
    "bundle.member_size": "{bundle}: tệp {member} trong gói không đúng kích thước đã khai; gói bị từ chối.",
    "bundle.reader_stopped": "{bundle}: không đọc được hết các sự kiện của gói (tiến trình đọc đã dừng); chưa nhập gì, hãy thử lại.",
    "bundle.events_beyond_count": "{bundle}: events.jsonl có nhiều hơn {declared} sự kiện như bản kê khai ghi; gói bị từ chối.",
    "bundle.members_declared": "{bundle}: tệp zip khai {count} tệp thành phần, nhiều hơn mức {limit} một gói được có; gói bị từ chối.",
    "bundle.not_a_desk_zip": "{bundle}: không phải tệp zip do một quầy tạo ra (có chú thích, bản ghi ZIP64 hoặc phần cuối bị hỏng); gói bị từ chối.",
    "bundle.events_count": "{bundle}: events.jsonl có {count} sự kiện, bản kê khai ghi {declared} cho số thứ tự {first}–{last}; gói bị từ chối.",
    "bundle.events_not_contiguous": "{bundle}: events.jsonl không phải dãy số thứ tự liền nhau {first}–{last}; gói bị từ chối.",
    "bundle.last_hash": "{bundle}: mã băm của sự kiện cuối khác với last_hash trong bản kê khai; gói bị từ chối.",
    "bundle.first_prev_hash": "{bundle}: prev_hash của sự kiện đầu khác với bản kê khai; gói bị từ chối.",
    "bundle.member_checksum": "{bundle}: {member} không khớp mã kiểm tra trong bản kê khai (đã bị sửa?); gói bị từ chối.",
    # printing's own problems
    "print.paper_unknown": "Khổ giấy “{paper}” không có; chọn một trong {choices}.",
    "print.copies_too_few": "Số liên {copies}: phải in ít nhất một liên.",
    "print.font_missing": "Không có tệp phông chữ {path} ({setting}); hãy sửa printing.{setting} trong desk.toml hoặc để trống.",
    "print.font_unusable": "Tệp phông chữ {path} ({setting}) không dùng được ({detail}); hãy dùng tệp .ttf.",
    "print.font_lacks_vietnamese": "Phông chữ {path} ({setting}) thiếu chữ tiếng Việt ({letters}…); hãy chọn phông có tiếng Việt.",
    # a hub's register and hostile bundles (issue 12)
    "sync.dossier_identity": "{where}: hồ sơ {code} (mã định danh {dossier_id}, quầy {desk_id}) không khớp với hồ sơ {other_code} (mã định danh {other_id}, quầy {other_desk_id}) đã có ở đây{more:| và # hồ sơ khác| và # hồ sơ khác}: có thể hai quầy trùng số quầy, hoặc sự kiện nhắm vào hồ sơ của quầy khác; không nhập gì.",
    "sync.own_desk_id": "{where}: các sự kiện mang mã quầy của chính nơi này ({desk_id}); không bao giờ nhập sự kiện của chính mình (có hai máy dùng chung một danh tính quầy?); không nhập gì.",
    "event.no_dossier": "Quầy {desk}: sự kiện {seq} thuộc hồ sơ {code}, nhưng ở đây không có hồ sơ đó.",
    "event.other_dossier": "Quầy {desk}: sự kiện {seq} thuộc hồ sơ {code} mã định danh {snapshot_id}, nhưng {code} ở đây là hồ sơ mã định danh {dossier_id}.",
    "dossier.no_desk_events": "Hồ sơ {code} thuộc quầy {desk}, nhưng ở đây không có sự kiện nào của quầy đó về hồ sơ này.",
    "event.type_unknown": "{where}: sự kiện {seq} thuộc loại {type}, loại mà không quầy nào ghi; gói bị từ chối.",
    "event.too_large": "{where}: sự kiện {seq} ({type}) mang {size} byte, quá giới hạn {limit} byte của một sự kiện; gói bị từ chối.",
    "event.fields": "{where}: sự kiện {seq} ({type}) thiếu hoặc thừa các trường {fields} so với loại sự kiện này; gói bị từ chối.",
    "event.value": "{where}: sự kiện {seq} ({type}) có giá trị ở {name} mà không quầy nào ghi (sai kiểu hoặc quá dài); gói bị từ chối.",
    "event.status_jump": "{where}: sự kiện {seq} ({type}) chuyển hồ sơ {code} từ trạng thái {from_status:chưa có|#|#} sang {to_status}, bước mà quy trình không cho phép; gói bị từ chối.",
    "bundle.too_deep": "{bundle}: {member} lồng mảng hoặc đối tượng sâu hơn mọi gói hợp lệ; gói bị từ chối.",
    "file.active_content": "{name} là tệp PDF tự chạy lệnh khi mở ({what}); bản quét không bao giờ như vậy. Hãy quét lại giấy tờ, hoặc in ra một tệp PDF mới.",
    "file.encrypted": "{name} được bảo vệ bằng mật khẩu; hãy lưu lại tệp mà không đặt mật khẩu.",
    "file.unreadable_pdf": "Không đọc được {name} như một tệp PDF; tệp có thể bị hỏng. Hãy quét lại.",
    "bundle.file_name": "{bundle}: tệp {member} không được đặt tên như quầy lưu bản quét (files/aa/<SHA-256>.pdf); gói bị từ chối.",
    "bundle.file_too_large": "{bundle}: tệp {member} lớn hơn giới hạn {limit} byte của một bản quét; gói bị từ chối.",
    "bundle.files_too_large": "{bundle}: các bản quét trong gói nặng {size} byte, quá giới hạn {limit} byte của một gói; gói bị từ chối.",
    "bundle.file_hash": "{bundle}: tệp {member} không chứa đúng tệp mà tên của nó chỉ ra (mã SHA-256 khác); gói bị từ chối.",
    "bundle.file_unreferenced": "{bundle}: tệp {member} không phải bản quét của sự kiện nào trong gói; gói bị từ chối.",
    "bundle.file_refused": "{bundle}: tệp {member} không phải bản quét mà quầy chấp nhận ({reason}); gói bị từ chối.",
    "event.status_continues": "{where}: hồ sơ {code} ở đây đang ở trạng thái {from_status:chưa tiếp nhận|#|#}, nhưng sự kiện đầu tiên của gói về hồ sơ này lại bắt đầu từ {expected}, bước mà quy trình không cho phép; gói bị từ chối.",
    # bundles, export, push and the hub (desk.sync), the CLI's own options
    "bundle.too_many_members": "{bundle}: gói có {count} tệp thành phần, nhiều hơn mức {limit} một gói được có; gói bị từ chối.",
    "bundle.member_absolute": "{bundle}: tệp “{member}” trong gói mang đường dẫn tuyệt đối hoặc kiểu Windows; gói bị từ chối.",
    "bundle.member_dotted": "{bundle}: tệp “{member}” trong gói có đường dẫn chứa “..” hoặc phần rỗng; gói bị từ chối.",
    "bundle.member_foreign": "{bundle}: tệp “{member}” không thuộc thành phần của một gói; gói bị từ chối.",
    "bundle.member_twice": "{bundle}: tệp “{member}” xuất hiện hai lần trong gói; gói bị từ chối.",
    "bundle.member_encrypted": "{bundle}: tệp “{member}” trong gói bị mã hoá; gói bị từ chối.",
    "bundle.member_link": "{bundle}: “{member}” trong gói là liên kết hoặc thư mục; gói bị từ chối.",
    "bundle.member_compression": "{bundle}: tệp “{member}” dùng kiểu nén không được hỗ trợ; gói bị từ chối.",
    "bundle.member_ratio": "{bundle}: tệp “{member}” khi giải nén lớn gấp {ratio} lần (có thể là bom zip); gói bị từ chối.",
    "bundle.member_too_large": "{bundle}: tệp “{member}” nặng {size:,} byte, vượt giới hạn; gói bị từ chối.",
    "bundle.too_large_uncompressed": "{bundle}: giải nén ra {size:,} byte, vượt giới hạn {limit:,} byte; gói bị từ chối.",
    "bundle.member_missing": "{bundle}: thiếu {member}; gói không đầy đủ.",
    "bundle.manifest_not_json": "{bundle}: manifest.json không phải JSON hợp lệ ({detail}); gói bị từ chối.",
    "bundle.manifest_not_object": "{bundle}: manifest.json không phải một đối tượng JSON; gói bị từ chối.",
    "bundle.format": "{bundle}: định dạng gói “{format}” không phải “{expected}”, định dạng quầy này đọc được; hãy cập nhật motcua-desk, hoặc xuất lại gói bằng cùng phiên bản.",
    "bundle.manifest_keys": "{bundle}: manifest.json thiếu hoặc sai các mục: {keys}; gói bị từ chối.",
    "bundle.not_found": "Không có gói nào tại {path}.",
    "bundle.not_a_file": "{path} không phải là một tệp.",
    "bundle.too_large": "{bundle}: nặng {size:,} byte, lớn hơn mọi gói có thể có; gói bị từ chối.",
    "bundle.not_a_zip": "{bundle}: không đọc được gói (bị cắt cụt, hoặc không phải tệp zip): {detail}",
    "bundle.members_differ": "{bundle}: các tệp trong gói khác bản kê khai (không được kê: {extra:không có|#|#}; bị thiếu: {missing:không có|#|#}); gói bị từ chối.",
    "bundle.member_size_differs": "{bundle}: {member} nặng {size:,} byte, bản kê khai ghi {declared}; gói bị từ chối.",
    "bundle.dossiers_not_list": "{bundle}: {member} không phải danh sách JSON các bản ghi hồ sơ; gói bị từ chối.",
    "bundle.file_outside": "{bundle}: {member} sẽ nằm ngoài thư mục lưu tệp; gói bị từ chối.",
    "export.chain_broken": "Chuỗi sự kiện của quầy này bị đứt tại số thứ tự {seq}; hãy chạy `desk verify` trước khi xuất gói.",
    "export.gap": "Các sự kiện {first}–{last} của quầy này lẽ ra có {total} nhưng chỉ tìm thấy {found} (nhật ký bị hở); hãy chạy `desk verify`.",
    "export.scan_missing": "Thiếu bản quét của thành phần {component} thuộc hồ sơ {code} ({path}); hãy khôi phục tệp, hoặc xuất gói không kèm tệp quét.",
    "export.scan_changed": "Bản quét {path} của hồ sơ {code} đã thay đổi kể từ khi lưu (mã SHA-256 khác).",
    "export.no_folder": "Thư mục {path} không tồn tại (USB đã cắm chưa?).",
    "export.not_folder": "{path} không phải thư mục; hãy chọn thư mục để ghi gói vào.",
    "export.write_failed": "Không ghi được gói vào {path}: {reason}. Chưa sự kiện nào được đánh dấu là đã xuất; hãy giải phóng dung lượng hoặc kiểm tra USB, rồi xuất lại.",
    "sync.stopped": "Đã dừng ({kind}).",
    "sync.cancelled": "Cán bộ đã dừng.",
    "sync.endpoint_not_url": "Địa chỉ máy chủ “{endpoint}” không phải địa chỉ http:// hoặc https://.",
    "sync.no_endpoint": "Chưa có địa chỉ máy chủ: hãy đặt sync.endpoint trong cấu hình, hoặc dùng --endpoint URL.",
    "sync.no_token": "Chưa có mã truy cập: hãy đặt sync.token trong cấu hình (máy chủ tạo mã bằng `desk hub token add`).",
    "sync.batch_size": "Cỡ lô {value} không hợp lệ: phải từ 1 đến {maximum}.",
    "sync.hub_answered": "máy chủ trả lời {status}{code:|, mã lỗi #|, mã lỗi #}",
    "sync.hub_unreachable": "không kết nối được máy chủ ({detail})",
    "sync.answer_not_json": "câu trả lời của máy chủ không phải JSON (có máy proxy chặn giữa đường?)",
    "sync.answer_no_acknowledged": "câu trả lời của máy chủ thiếu danh sách sự kiện đã nhận",
    "sync.token_refused": "Máy chủ từ chối mã truy cập ({status}{code:|, mã lỗi #|, mã lỗi #}); hãy kiểm tra sync.token trong cấu hình.",
    "sync.events_refused": "Máy chủ từ chối các sự kiện ({status}{code:|, mã lỗi #|, mã lỗi #}).",
    "sync.batch_refused": "Máy chủ từ chối lô sự kiện ({status}{code:|, mã lỗi #|, mã lỗi #}).",
    "sync.gave_up": "Máy chủ {url} vẫn chưa nhận được các sự kiện sau {attempts} lần thử ({reason}); đã gửi được {pushed} sự kiện, số còn lại vẫn chờ gửi — hãy thử lại sau hoặc xuất gói.",
    "sync.still_failing": "Máy chủ {url} vẫn lỗi sau {waited} giây thử lại ({reason}); đã gửi được {pushed} sự kiện, số còn lại vẫn chờ gửi.",
    "sync.no_progress": "Máy chủ {url} không xác nhận sự kiện nào trong các sự kiện {first}–{last} sau {times} lần; chúng vẫn chờ gửi. Hãy hỏi người quản trị máy chủ.",
    "hub.no_tokens": "Máy chủ này chưa có mã truy cập: hãy chạy `desk hub token add` và đưa mã cho từng quầy.",
    "hub.listen_failed": "Không mở được cổng nghe tại {host}:{port} ({detail}).",
    "cli.date_format": "--{field} “{value}”: hãy viết ngày theo dạng YYYY-MM-DD.",
    "print.days_needed": "Hãy cho biết số ngày gia hạn bằng --days N (ngày làm việc).",
    "print.range_reversed": "--to {last} ở trước --date {first}.",
    "report.out_suffix": "--out {path}: hãy đặt tên tệp .pdf hoặc .csv.",
    "report.to_needs_date": "--to cần có --date (ngày đầu của khoảng).",
    # the records check and a hub's chains
    "records.refused": "{where}: {findings}{more:| (và # lỗi khác)| (và # lỗi khác)}. Không nhập gì.",
    "records.conflict": "{where} (quầy {desk_no}, {desk_id}): {findings}{more:| (và # lỗi khác)| (và # lỗi khác)}. Không nhập gì.",
    "records.codes_collide": "Mã hồ sơ bị trùng (có thể hai quầy của cơ quan dùng chung một số quầy): {findings}{more:| (và # lỗi khác)| (và # lỗi khác)}. Không nhập gì.",
    "records.event": "sự kiện thứ {event}{seq:| (số thứ tự #)| (số thứ tự #)}: {finding}",
    "records.block_refused": "các sự kiện thứ {first}–{last}: bị bước kiểm tra bản ghi từ chối",
    "records.not_an_event": "không phải một đối tượng sự kiện",
    "records.fields": "các trường khác với trường của một sự kiện",
    "records.seq": "số thứ tự không phải số nguyên dương",
    "records.other_desk": "sự kiện của quầy khác nằm trong dãy sự kiện của quầy {desk_id}",
    "records.not_text": "một trường lẽ ra là văn bản nhưng không phải",
    "records.event_id": "event_id không phải mã định danh hợp lệ",
    "records.type": "type không phải loại sự kiện hợp lệ",
    "records.too_long": "mã hồ sơ hoặc tên cán bộ quá dài",
    "records.hash_shape": "hash hoặc prev_hash không phải mã băm SHA-256 dạng hex",
    "records.at": "at không phải ngày giờ dạng ISO 8601",
    "records.payload": "payload không phải một đối tượng",
    "records.snapshot_malformed": "bản chụp hồ sơ sai cấu trúc",
    "records.snapshot_fields": "bản chụp hồ sơ thiếu trường",
    "records.snapshot_types": "một trường của bản chụp hồ sơ sai kiểu, quá dài hoặc quá lớn",
    "records.snapshot_value": "{name} của bản chụp hồ sơ có giá trị không xác định",
    "records.snapshot_dates": "một ngày của bản chụp hồ sơ không ở dạng ISO 8601",
    "records.snapshot_other_dossier": "bản chụp là của hồ sơ khác với hồ sơ của sự kiện",
    "records.line_malformed": "một dòng thành phần của bản chụp sai cấu trúc",
    "records.line_types": "một dòng thành phần của bản chụp có trường sai kiểu",
    "records.line_state": "một dòng thành phần của bản chụp có hình thức hoặc trạng thái số hóa không xác định",
    "records.line_path": "đường dẫn tệp của một thành phần không phải đường dẫn tương đối an toàn",
    "records.number": "chứa giá trị mà quầy không bao giờ ghi (số có phần thập phân, hoặc vượt quá 64 bit)",
    "records.hostile_text": "chứa ký tự điều khiển hoặc ký tự ẩn mà quầy không bao giờ lưu",
    "records.altered": "đã bị sửa (mã băm không khớp nội dung)",
    "records.out_of_order": "sai thứ tự sau số thứ tự {previous}",
    "records.chain_broken": "không nối tiếp số thứ tự {previous} (chuỗi bị đứt)",
    "records.not_genesis": "sự kiện đầu tiên của một quầy phải mở đầu chuỗi",
    "records.code_taken": "mã hồ sơ {code} đã thuộc về một hồ sơ khác ở đây",
    "records.differs": "số thứ tự {seq} khác với sự kiện đã có ở đây cho quầy đó",
    "records.id_taken": "số thứ tự {seq}: mã sự kiện {event_id} đã được lưu cho một sự kiện khác",
    "records.follows_not": "số thứ tự {seq} không nối tiếp số thứ tự {previous} đã có ở đây (chuỗi bị đứt)",
    "records.followed_not": "số thứ tự {seq} đã có ở đây không nối tiếp số thứ tự {previous} (chuỗi bị đứt)",
    "sync.missing_event": "Quầy {desk}{agency_code:| của #| của #}: sự kiện {seq} chưa đến (thiếu một gói hoặc một lô).",
    "sync.missing_events": "Quầy {desk}{agency_code:| của #| của #}: các sự kiện {first}–{last} chưa đến (thiếu một gói hoặc một lô).",
}
"""Code -> Vietnamese template."""
