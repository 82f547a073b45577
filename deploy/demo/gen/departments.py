"""More for the two departments (Planning and Investment, Finance): every department category
with at least three items on one site, legal documents from several issuers."""

from common import item, write, media_pdf

KH = "skhdt"
TC = "stc"

KH_NEWS = [
    ("cap-moi-giay-chung-nhan-dau-tu-quy-3-2025", "2025-10-06T09:00:00+07:00", "Trần Minh Khoa",
     "Chín tháng năm 2025, Bến Tre thu hút 41 dự án đầu tư mới",
     "Tổng vốn đăng ký 8.920 tỷ đồng, trong đó có 7 dự án có vốn đầu tư nước ngoài.",
     "Các dự án tập trung vào chế biến nông sản, năng lượng tái tạo, dệt may và thương mại – dịch vụ. Huyện Châu Thành và Giồng Trôm dẫn đầu về số dự án mới nhờ lợi thế hạ tầng kết nối cầu Rạch Miễu 2 và Quốc lộ 57C.\n\nSở Kế hoạch và Đầu tư tiếp tục rút ngắn thời gian thẩm định hồ sơ chấp thuận chủ trương đầu tư xuống còn 25 ngày."),
    ("tap-huan-dau-thau-qua-mang-2025", "2025-05-08T14:00:00+07:00", "Lê Thị Thảo",
     "Tập huấn đấu thầu qua Hệ thống mạng đấu thầu quốc gia",
     "Hơn 200 cán bộ của các chủ đầu tư, bên mời thầu được hướng dẫn quy định mới của Luật Đấu thầu năm 2023.",
     "Nội dung tập huấn gồm lập kế hoạch lựa chọn nhà thầu, đăng tải thông tin, đánh giá hồ sơ dự thầu điện tử và xử lý kiến nghị. Các học viên được thực hành trực tiếp trên hệ thống.\n\nTừ năm 2025, 100% gói thầu thuộc diện bắt buộc phải đấu thầu qua mạng."),
    ("hoi-nghi-cong-bo-chi-so-ddci-2024", "2025-03-28T16:00:00+07:00", "Trần Minh Khoa",
     "Công bố Bộ chỉ số năng lực cạnh tranh cấp sở, ngành và địa phương (DDCI) năm 2024",
     "Thành phố Bến Tre dẫn đầu khối địa phương; Sở Tư pháp dẫn đầu khối sở, ngành.",
     "Kết quả DDCI được xây dựng từ khảo sát hơn 1.100 doanh nghiệp, hợp tác xã và hộ kinh doanh về tính minh bạch, chi phí thời gian, chi phí không chính thức và tính năng động của người đứng đầu.\n\nCác đơn vị có chỉ số thấp phải xây dựng kế hoạch cải thiện, báo cáo UBND tỉnh trước ngày 30/6/2025."),
    ("ho-tro-doanh-nghiep-nho-va-vua-chuyen-doi-so", "2025-11-10T10:00:00+07:00", "Lê Thị Thảo",
     "Hỗ trợ 60 doanh nghiệp nhỏ và vừa chuyển đổi số",
     "Doanh nghiệp được hỗ trợ 50% chi phí thuê phần mềm kế toán, quản trị bán hàng và hóa đơn điện tử.",
     "Chương trình thực hiện theo Nghị định số 80/2021/NĐ-CP, ưu tiên doanh nghiệp do phụ nữ làm chủ và doanh nghiệp khởi nghiệp sáng tạo. Hồ sơ nộp trực tuyến tại Trung tâm Xúc tiến đầu tư và Hỗ trợ doanh nghiệp.\n\nĐợt tiếp nhận hồ sơ kéo dài đến hết ngày 15/12/2025."),
]

TC_NEWS = [
    ("cong-khai-du-toan-ngan-sach-2025", "2025-01-10T09:00:00+07:00", "Phạm Thanh Tâm",
     "Công khai dự toán ngân sách địa phương năm 2025",
     "Tổng thu ngân sách nhà nước trên địa bàn năm 2025 dự toán 6.150 tỷ đồng; chi ngân sách địa phương 14.280 tỷ đồng.",
     "Theo Luật Ngân sách nhà nước, Sở Tài chính công khai số liệu dự toán ngân sách đã được HĐND tỉnh quyết định, gồm các biểu cân đối, dự toán chi theo lĩnh vực và bổ sung cho ngân sách cấp huyện.\n\nNgười dân có thể xem chi tiết các biểu mẫu công khai trên trang thông tin điện tử của Sở."),
    ("binh-on-gia-tet-at-ty-2025", "2025-01-14T15:00:00+07:00", "Nguyễn Thị Kim Loan",
     "Triển khai chương trình bình ổn giá hàng hóa dịp Tết Ất Tỵ",
     "12 doanh nghiệp tham gia bình ổn giá với tổng giá trị hàng hóa 380 tỷ đồng, giá bán thấp hơn thị trường 5–10%.",
     "Các mặt hàng bình ổn gồm gạo, thịt, trứng, dầu ăn, đường, rau củ quả. Điểm bán được bố trí tại các chợ, siêu thị và các xã vùng sâu.\n\nĐoàn kiểm tra liên ngành tăng cường kiểm tra niêm yết giá, xử lý nghiêm hành vi găm hàng, tăng giá bất hợp lý."),
    ("thu-ngan-sach-10-thang-2025", "2025-11-07T10:00:00+07:00", "Phạm Thanh Tâm",
     "Thu ngân sách 10 tháng năm 2025 đạt 86% dự toán",
     "Thu nội địa đạt 5.290 tỷ đồng; thu tiền sử dụng đất tăng mạnh nhờ đấu giá quyền sử dụng đất thành công.",
     "Chi đầu tư phát triển đạt 64% dự toán, chi thường xuyên bảo đảm các nhiệm vụ an sinh xã hội, giáo dục, y tế. Sở Tài chính đề nghị các đơn vị tiếp tục tiết kiệm chi thường xuyên để dành nguồn cho cải cách tiền lương."),
]


def generate():
    for id, date, author, title, summary, body in KH_NEWS:
        write(KH, id, item(KH, id, title, "news", date, body, summary=summary, author=author, tags=["đầu tư", "doanh nghiệp"]))
    for id, date, author, title, summary, body in TC_NEWS:
        write(TC, id, item(TC, id, title, "news", date, body, summary=summary, author=author, tags=["tài chính", "ngân sách"]))

    # Organisation: the department's own units.
    for id, name, functions, structure, history, address, phone, email in [
        ("gioi-thieu-phong-dang-ky-kinh-doanh", "Phòng Đăng ký kinh doanh",
         "Tiếp nhận, giải quyết hồ sơ đăng ký doanh nghiệp, hộ kinh doanh, hợp tác xã; quản lý cơ sở dữ liệu đăng ký doanh nghiệp của tỉnh; hướng dẫn, kiểm tra việc thực hiện đăng ký kinh doanh cấp huyện.",
         "Trưởng phòng, 02 Phó Trưởng phòng và 06 chuyên viên.",
         "Thành lập năm 2000 trên cơ sở tổ chức lại bộ phận đăng ký kinh doanh của Sở; từ năm 2010 giải quyết hồ sơ qua mạng.",
         "Số 6 Cách Mạng Tháng Tám, phường 3, thành phố Bến Tre", "0275 3822 485", "dkkd.skhdt@bentre.gov.vn"),
        ("gioi-thieu-phong-dau-tu-va-xuc-tien-dau-tu", "Phòng Đầu tư và Xúc tiến đầu tư",
         "Tham mưu chấp thuận chủ trương đầu tư, cấp và điều chỉnh giấy chứng nhận đăng ký đầu tư; xây dựng chương trình xúc tiến đầu tư; theo dõi, giám sát dự án ngoài ngân sách.",
         "Trưởng phòng, 01 Phó Trưởng phòng và 05 chuyên viên.",
         "Thành lập năm 2018 trên cơ sở hợp nhất Phòng Kinh tế đối ngoại và bộ phận xúc tiến đầu tư.",
         "Số 6 Cách Mạng Tháng Tám, phường 3, thành phố Bến Tre", "0275 3826 133", "dautu.skhdt@bentre.gov.vn"),
    ]:
        write(KH, id, item(KH, id, "Giới thiệu " + name, "organisation", "2025-01-15",
                           "%s là phòng chuyên môn thuộc Sở Kế hoạch và Đầu tư tỉnh Bến Tre." % name,
                           author="Văn phòng Sở", tags=["giới thiệu", "cơ cấu tổ chức"],
                           record=dict(unit_name=name + " – Sở Kế hoạch và Đầu tư", functions=functions, structure=structure,
                                       history=history, address=address, phone=phone, fax="0275 3825 039", email=email)))

    id = "tieu-su-pho-giam-doc-so-vo-minh-tuan"
    write(KH, id, item(KH, id, "Phó Giám đốc Sở Kế hoạch và Đầu tư Võ Minh Tuấn", "leader-profile", "2025-01-15",
                       "Tóm tắt tiểu sử và nhiệm vụ được phân công của Phó Giám đốc Sở.", author="Văn phòng Sở", tags=["lãnh đạo Sở"],
                       record=dict(full_name="Võ Minh Tuấn", position="Phó Giám đốc Sở", unit="Sở Kế hoạch và Đầu tư tỉnh Bến Tre",
                                   biography="Sinh năm 1977; quê quán: xã Tân Thạch, huyện Châu Thành, tỉnh Bến Tre.\nTrình độ: Thạc sĩ Kinh tế phát triển; Cao cấp lý luận chính trị.\nQuá trình công tác: chuyên viên, Phó Trưởng phòng Tổng hợp (2001–2012); Trưởng phòng Kinh tế ngành (2012–2020); Phó Giám đốc Sở từ tháng 8/2020.",
                                   duties="Giúp Giám đốc phụ trách lĩnh vực kế hoạch đầu tư công, kinh tế ngành, đấu thầu và giám sát đầu tư.\nPhụ trách Phòng Kinh tế ngành, Phòng Thẩm định và Giám sát đầu tư.")))

    id = "pho-bien-luat-dau-thau-2023"
    write(KH, id, item(KH, id, "Phổ biến những điểm mới của Luật Đấu thầu số 22/2023/QH15", "legal-guidance", "2024-01-20T08:00:00+07:00",
                       "Luật Đấu thầu năm 2023 có hiệu lực từ ngày 01/01/2024, gồm 10 chương, 96 điều. Một số điểm mới:\n\n"
                       "1. Mở rộng phạm vi điều chỉnh đối với doanh nghiệp nhà nước;\n2. Bổ sung quy định về mua sắm tập trung, mua thuốc, vật tư y tế;\n"
                       "3. Phân cấp mạnh cho chủ đầu tư trong quá trình lựa chọn nhà thầu;\n4. Đấu thầu qua mạng là hình thức chủ yếu, giảm chi phí và tăng minh bạch.\n\n"
                       "Cơ quan, đơn vị cần giải đáp liên hệ Phòng Thẩm định và Giám sát đầu tư.",
                       summary="Luật Đấu thầu số 22/2023/QH15 có hiệu lực từ ngày 01/01/2024, mở rộng đấu thầu qua mạng và phân cấp cho chủ đầu tư.",
                       author="Phòng Thẩm định và Giám sát đầu tư", tags=["phổ biến pháp luật", "đấu thầu"],
                       record=dict(promulgation_date="2023-06-23", related_document="Luật Đấu thầu số 22/2023/QH15")))

    f, sha = media_pdf(KH, "quy-hoach-tinh-ben-tre-2021-2030", ["THU TUONG CHINH PHU", "So: 1523/QD-TTg - ngay 06 thang 12 nam 2023", "QUYET DINH", "Phe duyet Quy hoach tinh Ben Tre thoi ky 2021-2030, tam nhin den nam 2050"])
    id = "quy-hoach-tinh-ben-tre-2021-2030"
    write(KH, id, item(KH, id, "Quy hoạch tỉnh Bến Tre thời kỳ 2021–2030, tầm nhìn đến năm 2050", "strategy-plan", "2023-12-15T09:00:00+07:00",
                       "Quy hoạch xác định Bến Tre phát triển theo ba vùng kinh tế – sinh thái: vùng ngọt, vùng lợ và vùng mặn; bốn hành lang kinh tế; ba đột phá chiến lược về hạ tầng, nguồn nhân lực và chuyển đổi số.\n\n"
                       "Mục tiêu đến năm 2030, GRDP bình quân đầu người đạt 5.500 USD, tỷ lệ đô thị hóa 36%%.\n\n[Quyết định phê duyệt Quy hoạch (PDF)](%s)" % f,
                       summary="Thủ tướng Chính phủ phê duyệt Quy hoạch tỉnh Bến Tre thời kỳ 2021–2030 tại Quyết định số 1523/QĐ-TTg.",
                       author="Phòng Tổng hợp", tags=["quy hoạch tỉnh", "chiến lược"],
                       record=dict(approval_date="2023-12-06", decision_number="1523/QĐ-TTg", file=sha)))

    id = "lien-he-truong-phong-tong-hop-skhdt"
    write(KH, id, item(KH, id, "Liên hệ: Nguyễn Thị Bích Vân, Trưởng phòng Tổng hợp", "official-contact", "2025-03-01",
                       "Đầu mối tổng hợp kế hoạch phát triển kinh tế – xã hội và kế hoạch đầu tư công của tỉnh.", author="Văn phòng Sở",
                       record=dict(full_name="Nguyễn Thị Bích Vân", position="Trưởng phòng Tổng hợp", unit="Sở Kế hoạch và Đầu tư tỉnh Bến Tre",
                                   phone="0275 3822 318", email="tonghop.skhdt@bentre.gov.vn")))

    # Statistics with their data and report files.
    for id, title, sector, survey, start, end, decided, method, analysis, summary in [
        ("thong-ke-von-dau-tu-cong-9-thang-2025", "Tình hình thực hiện và giải ngân vốn đầu tư công 9 tháng năm 2025", "Đầu tư công", None,
         "2025-01-01", "2025-09-30", "2025-10-06",
         "Tổng hợp số liệu giải ngân từ Hệ thống thông tin quốc gia về đầu tư công và Kho bạc Nhà nước, tính đến hết ngày 30/9/2025.",
         "Giải ngân đạt 61,2% kế hoạch, cao hơn bình quân cả nước; 8 chủ đầu tư giải ngân dưới 40%, chủ yếu do vướng bồi thường, giải phóng mặt bằng.",
         "Vốn đầu tư công giải ngân 9 tháng năm 2025 đạt 3.452 tỷ đồng, bằng 61,2% kế hoạch."),
        ("thong-ke-hop-tac-xa-nam-2024", "Kết quả điều tra hợp tác xã năm 2024", "Kinh tế tập thể", "Điều tra thực trạng hợp tác xã năm 2024",
         "2024-01-01", "2024-12-31", "2025-03-14",
         "Điều tra toàn bộ 232 hợp tác xã đang hoạt động theo phiếu thống nhất; số liệu doanh thu, lao động tính bình quân năm.",
         "Doanh thu bình quân một hợp tác xã đạt 4,1 tỷ đồng, tăng 11%; 38% hợp tác xã có liên kết tiêu thụ với doanh nghiệp; hợp tác xã nông nghiệp chiếm 71%.",
         "Năm 2024 toàn tỉnh có 232 hợp tác xã đang hoạt động, thu hút 41.600 thành viên."),
    ]:
        data_link, data_sha = media_pdf(KH, id + "-so-lieu", ["SO KE HOACH VA DAU TU TINH BEN TRE", "SO LIEU THONG KE", title])
        rep_link, rep_sha = media_pdf(KH, id + "-bao-cao", ["SO KE HOACH VA DAU TU TINH BEN TRE", "BAO CAO THONG KE", title])
        write(KH, id, item(KH, id, title, "statistics", decided + "T15:00:00+07:00",
                           "- [Số liệu thống kê đầy đủ (PDF)](%s)\n- [Báo cáo thống kê (PDF)](%s)" % (data_link, rep_link),
                           summary=summary, author="Phòng Tổng hợp", tags=["thống kê", sector],
                           record=dict(title=title, sector=sector, survey=survey, period_start=start, period_end=end,
                                       data=data_sha, report=rep_sha, methodology=method, analysis=analysis,
                                       publication_decision_date=decided)))

    # Legal documents: more issuers, forms and years, for the table's filters.
    docs = [
        (KH, "legal-document-external", "luat-dau-thau-22-2023-qh15", "luat", "Quốc hội", "22/2023/QH15", "2023-06-23", "2024-01-01", None,
         "Luật Đấu thầu", "Đấu thầu", "Luật Đấu thầu số 22/2023/QH15"),
        (KH, "legal-document-external", "nghi-dinh-24-2024-nd-cp-lua-chon-nha-thau", "nghi_dinh", "Chính phủ", "24/2024/NĐ-CP", "2024-02-27", "2024-02-27", None,
         "Quy định chi tiết một số điều và biện pháp thi hành Luật Đấu thầu về lựa chọn nhà thầu", "Đấu thầu", "Nghị định số 24/2024/NĐ-CP hướng dẫn Luật Đấu thầu"),
        (KH, "legal-document-external", "thong-tu-03-2021-tt-bkhdt-mau-van-ban-dau-tu", "thong_tu", "Bộ Kế hoạch và Đầu tư", "03/2021/TT-BKHĐT", "2021-04-09", "2021-06-01", None,
         "Quy định mẫu văn bản, báo cáo liên quan đến hoạt động đầu tư tại Việt Nam, đầu tư ra nước ngoài và xúc tiến đầu tư", "Đầu tư",
         "Thông tư số 03/2021/TT-BKHĐT quy định mẫu văn bản về đầu tư"),
        (TC, "legal-document", "qd-52-2024-qd-ubnd-bang-gia-dat-dieu-chinh", "quyet_dinh", "UBND tỉnh Bến Tre", "52/2024/QĐ-UBND", "2024-12-27", "2025-01-01", None,
         "Ban hành Bảng giá đất điều chỉnh trên địa bàn tỉnh Bến Tre áp dụng từ ngày 01/01/2025", "Đất đai",
         "Quyết định số 52/2024/QĐ-UBND ban hành Bảng giá đất điều chỉnh"),
        (TC, "legal-document", "nq-13-2025-nq-hdnd-muc-thu-hoc-phi", "nghi_quyet", "HĐND tỉnh Bến Tre", "13/2025/NQ-HĐND", "2025-06-11", "2025-07-01", "2026-06-30",
         "Quy định mức thu học phí đối với cơ sở giáo dục công lập năm học 2025–2026", "Giáo dục và đào tạo",
         "Nghị quyết số 13/2025/NQ-HĐND quy định mức thu học phí năm học 2025–2026"),
        (TC, "legal-document", "kh-168-kh-ubnd-thuc-hanh-tiet-kiem-2025", "ke_hoach", "UBND tỉnh Bến Tre", "168/KH-UBND", "2025-01-16", "2025-01-16", None,
         "Thực hành tiết kiệm, chống lãng phí năm 2025", "Tài chính – ngân sách", "Kế hoạch số 168/KH-UBND về thực hành tiết kiệm, chống lãng phí năm 2025"),
        (TC, "legal-document", "cv-845-stc-qlns-quyet-toan-ngan-sach-2024", "cong_van", "Sở Tài chính tỉnh Bến Tre", "845/STC-QLNS", "2025-03-12", "2025-03-12", None,
         "Hướng dẫn lập báo cáo quyết toán ngân sách nhà nước năm 2024", "Tài chính – ngân sách", "Công văn số 845/STC-QLNS hướng dẫn quyết toán ngân sách năm 2024"),
    ]
    for slug, cat, id, form, issuer, number, issued, effective, expiry, subject, field, title in docs:
        link, sha = media_pdf(slug, id, [issuer, "So: %s - ngay %s" % (number, issued), subject])
        author = "Văn phòng Sở"
        # Documents of central authorities are taken from the national legal database.
        ext = dict(source="Cơ sở dữ liệu quốc gia về văn bản pháp luật", source_url="https://vbpl.vn/") if cat == "legal-document-external" else {}
        write(slug, id, item(slug, id, title, cat, issued + "T16:00:00+07:00",
                             "%s.\n\n[Tải toàn văn (PDF)](%s)" % (subject, link),
                             summary=subject + ".", author=author, tags=["văn bản", field],
                             record=dict(document_form=form, issuer=issuer, number_symbol=number, issue_date=issued,
                                         effective_date=effective, expiry_date=expiry, summary=subject, field=field, file=sha), **ext))
    more()


def more():
    """Culture and tourism of every kind, plans of every type, one more guidance article."""
    for id, name, kind, location, description, extra in [
        ("di-tich-mo-nguyen-dinh-chieu", "Khu di tích Mộ và Đền thờ Nguyễn Đình Chiểu", "relic", "Xã An Đức, huyện Ba Tri",
         "Nơi an nghỉ của nhà thơ yêu nước Nguyễn Đình Chiểu (1822–1888), tác giả “Lục Vân Tiên”, “Văn tế nghĩa sĩ Cần Giuộc”. Khu di tích gồm mộ cụ Đồ Chiểu, đền thờ, nhà trưng bày và thư viện; hằng năm vào ngày 01/7 dương lịch tổ chức lễ giỗ trọng thể.",
         dict(relic_rank="national_special")),
        ("di-tich-dinh-phu-tuc", "Đình Phú Tự", "relic", "Xã Phú Túc, huyện Châu Thành",
         "Ngôi đình cổ xây dựng năm 1818, còn lưu giữ nhiều bao lam, hoành phi chạm khắc tinh xảo; nơi diễn ra lễ Kỳ yên hằng năm vào tháng 11 âm lịch.",
         dict(relic_rank="provincial")),
        ("tuyen-du-lich-song-nuoc-mien-vuon", "Tuyến du lịch sông nước miệt vườn Bến Tre – Chợ Lách – Mỏ Cày", "tourist_route",
         "Thành phố Bến Tre, huyện Chợ Lách, huyện Mỏ Cày Bắc",
         "Hành trình một ngày bằng tàu trên sông Hàm Luông và sông Cổ Chiên: tham quan làng hoa kiểng Cái Mơn, vườn trái cây Vĩnh Thành, lò kẹo dừa Mỏ Cày; nghe đờn ca tài tử và thưởng thức đặc sản miệt vườn.",
         dict(website="https://dulich.bentre.gov.vn/")),
        ("giai-dua-ghe-truyen-thong-song-ben-tre", "Giải đua ghe truyền thống trên sông Bến Tre", "sport", "Sông Bến Tre, đoạn trước Quảng trường Đồng Khởi",
         "Giải đua ghe ngo và ghe tam bản được tổ chức hằng năm dịp Quốc khánh 2/9 với sự tham gia của các đội đến từ các huyện, thành phố; thu hút hàng nghìn người dân cổ vũ hai bên bờ sông.",
         {}),
        ("truyen-thong-dong-khoi-ben-tre", "Phong trào Đồng Khởi năm 1960", "tradition", "Xã Định Thủy, Phước Hiệp, Bình Khánh, huyện Mỏ Cày Nam",
         "Ngày 17/01/1960, nhân dân Mỏ Cày đồng loạt nổi dậy phá ách kìm kẹp của địch, mở đầu phong trào Đồng Khởi lan rộng khắp miền Nam. Di tích Đồng Khởi tại xã Định Thủy là Di tích quốc gia đặc biệt, nơi giáo dục truyền thống cho thế hệ trẻ.",
         {}),
    ]:
        rec = dict(name=name, entry_type=kind, location=location, description=description)
        rec.update(extra)
        write(KH, id, item(KH, id, name, "culture-tourism", "2025-03-20T09:00:00+07:00", description,
                           summary=location + ".", author="Trung tâm Xúc tiến đầu tư", tags=["du lịch", "văn hóa"], record=rec))

    for id, name, kind, scope, period, authority, number, date, summary in [
        ("ke-hoach-thu-gom-xu-ly-chat-thai-ran-2025-2030", "Kế hoạch thu gom, vận chuyển và xử lý chất thải rắn sinh hoạt tỉnh Bến Tre giai đoạn 2025–2030",
         "waste_management", "Toàn tỉnh Bến Tre (8 huyện, thành phố)", "2025–2030", "UBND tỉnh Bến Tre", "1987/QĐ-UBND", "2025-08-19",
         "Đến năm 2030, thu gom 98% chất thải rắn sinh hoạt đô thị và 90% ở nông thôn; xử lý tập trung tại nhà máy xử lý chất thải rắn tỉnh; chấm dứt chôn lấp trực tiếp tại bãi rác Phú Hưng."),
        ("ke-hoach-khai-thac-cat-long-song-2025-2030", "Kế hoạch khai thác cát lòng sông trên địa bàn tỉnh Bến Tre giai đoạn 2025–2030",
         "resource_exploitation", "Sông Tiền, sông Hàm Luông, sông Cổ Chiên", "2025–2030", "UBND tỉnh Bến Tre", "2214/QĐ-UBND", "2025-09-22",
         "Khoanh định 7 khu vực mỏ cát với tổng trữ lượng 14,6 triệu m³, công suất khai thác tối đa 1,8 triệu m³/năm; không cấp phép tại các đoạn sông có nguy cơ sạt lở cao."),
    ]:
        link, sha = media_pdf(KH, id, ["UY BAN NHAN DAN TINH BEN TRE", "So: %s - ngay %s" % (number, date), name])
        write(KH, id, item(KH, id, name, "planning", date + "T15:00:00+07:00",
                           summary + "\n\n[Hồ sơ kế hoạch (PDF)](%s)" % link, summary=summary, author="Phòng Tổng hợp", tags=["quy hoạch", "kế hoạch"],
                           record=dict(name=name, plan_type=kind, scope=scope, period=period, approving_authority=authority,
                                       decision_number=number, approval_date=date, summary=summary, documents=sha)))

    id = "huong-dan-nghi-dinh-73-2024-muc-luong-co-so"
    write(TC, id, item(TC, id, "Hướng dẫn thực hiện mức lương cơ sở 2,34 triệu đồng/tháng theo Nghị định số 73/2024/NĐ-CP", "legal-guidance", "2024-07-12T08:00:00+07:00",
                       "Từ ngày 01/7/2024, mức lương cơ sở là **2.340.000 đồng/tháng**. Sở Tài chính hướng dẫn các cơ quan, đơn vị:\n\n"
                       "1. Xác định nhu cầu kinh phí tăng thêm theo mẫu biểu ban hành kèm Thông tư số 62/2024/TT-BTC;\n"
                       "2. Sử dụng nguồn cải cách tiền lương còn dư của đơn vị trước khi đề nghị ngân sách cấp bổ sung;\n"
                       "3. Gửi báo cáo nhu cầu về Sở Tài chính trước ngày 15/8/2024.",
                       summary="Mức lương cơ sở 2,34 triệu đồng/tháng từ ngày 01/7/2024; hướng dẫn xác định nhu cầu và nguồn kinh phí.",
                       author="Phòng Quản lý ngân sách", tags=["tiền lương", "hướng dẫn"],
                       record=dict(promulgation_date="2024-06-30", related_document="Nghị định số 73/2024/NĐ-CP quy định mức lương cơ sở")))
