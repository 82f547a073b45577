"""Thạnh Phú district, the industrial-parks authority (a unit), and more for Châu Thành."""

import os

import common
from common import item, write, tcvn3_seen_as_cp1252

TP = "thanhphu"
KCN = "bqlkcn"
CT = "chauthanh"

TP_NEWS = [
    ("thanh-phu-thu-hoach-tom-cang-xanh-vu-1-2025", "2025-03-18T16:00:00+07:00", "Ngọc Hân",
     "Nông dân Thạnh Phú trúng mùa tôm càng xanh trên đất lúa",
     "Mô hình luân canh tôm – lúa tại xã An Thạnh, Mỹ An cho lợi nhuận 120–150 triệu đồng/ha mỗi vụ.",
     "Vụ nuôi tôm càng xanh năm nay năng suất bình quân đạt 700 kg/ha, giá bán tại ao từ 180.000 đến 220.000 đồng/kg. Hợp tác xã Nông nghiệp An Thạnh ký hợp đồng bao tiêu với doanh nghiệp chế biến, bảo đảm đầu ra ổn định cho thành viên.\n\nPhòng Nông nghiệp và Phát triển nông thôn huyện khuyến cáo người nuôi thả giống đúng lịch thời vụ, theo dõi độ mặn để chủ động thu hoạch."),
    ("thanh-phu-khoi-cong-ke-bien-thanh-hai", "2025-04-02T10:00:00+07:00", "Quốc Việt",
     "Khởi công kè chống sạt lở bờ biển xã Thạnh Hải",
     "Công trình dài 2,4 km với tổng mức đầu tư 180 tỷ đồng, bảo vệ hơn 300 hộ dân và 500 ha rừng phòng hộ.",
     "Kè được thiết kế kết hợp đê mềm và trồng cây chắn sóng, dự kiến hoàn thành trong năm 2026. Trong những năm gần đây, triều cường và sóng lớn đã làm sạt lở nhiều đoạn bờ biển Thạnh Hải, có nơi ăn sâu vào đất liền hơn 20 m.\n\nUBND huyện yêu cầu nhà thầu bảo đảm chất lượng, tiến độ và an toàn lao động."),
    ("thanh-phu-le-hoi-nghinh-ong-thanh-hai", "2025-05-12T18:00:00+07:00", "Ngọc Hân",
     "Lễ hội Nghinh Ông Thạnh Phong năm 2025 thu hút hàng nghìn người dân",
     "Lễ hội truyền thống của ngư dân vùng biển cầu mong mưa thuận gió hòa, ra khơi bình an.",
     "Lễ hội diễn ra trong ba ngày với nghi thức nghinh Ông trên biển, hát bội, đờn ca tài tử và các trò chơi dân gian. Năm nay có hơn 120 tàu cá tham gia đoàn nghinh Ông.\n\nUBND huyện phối hợp Đồn Biên phòng Thạnh Phong bảo đảm an ninh, an toàn cho người và phương tiện."),
    ("thanh-phu-dua-vao-su-dung-nha-may-nuoc-giao-thanh", "2025-06-20T09:00:00+07:00", "Quốc Việt",
     "Đưa vào sử dụng nhà máy nước Giao Thạnh công suất 3.000 m³/ngày",
     "Hơn 4.200 hộ dân ở 3 xã Giao Thạnh, An Điền, Thạnh Phong có nước sạch sử dụng quanh năm.",
     "Nhà máy sử dụng công nghệ lọc màng, có hồ trữ nước thô 60.000 m³ để chủ động nguồn nước khi xâm nhập mặn. Giá nước sinh hoạt áp dụng theo quy định của UBND tỉnh.\n\nNgười dân đăng ký lắp đặt đồng hồ nước tại UBND xã hoặc Trung tâm Nước sạch và Vệ sinh môi trường nông thôn."),
    ("thanh-phu-hoi-nghi-so-ket-6-thang-2025", "2025-07-08T17:00:00+07:00", "Ngọc Hân",
     "Thạnh Phú sơ kết tình hình kinh tế – xã hội 6 tháng đầu năm 2025",
     "Giá trị sản xuất nông nghiệp tăng 4,1%; thu ngân sách trên địa bàn đạt 58% dự toán.",
     "Sáu tháng đầu năm, huyện đã giải quyết việc làm cho 1.650 lao động, xây mới 85 căn nhà cho hộ nghèo. Các công trình giao thông nông thôn tại xã Quới Điền, Hòa Lợi được đưa vào sử dụng.\n\nNhiệm vụ 6 tháng cuối năm là đẩy nhanh giải ngân vốn đầu tư công, phòng chống thiên tai và chuẩn bị các điều kiện cho năm học mới."),
    ("thanh-phu-ra-mat-hop-tac-xa-dua-huu-co", "2025-08-14T10:00:00+07:00", "Quốc Việt",
     "Ra mắt Hợp tác xã dừa hữu cơ Mỹ Hưng",
     "Hợp tác xã có 68 thành viên với 95 ha dừa đạt chứng nhận hữu cơ theo tiêu chuẩn châu Âu.",
     "Hợp tác xã liên kết với doanh nghiệp xuất khẩu nước dừa và cơm dừa sấy, giá thu mua cao hơn thị trường 10–15%. Thành viên được tập huấn quy trình canh tác hữu cơ, ghi chép nhật ký sản xuất để truy xuất nguồn gốc.\n\nUBND huyện hỗ trợ kinh phí cấp chứng nhận và xây dựng nhà sơ chế."),
    ("thanh-phu-dien-tap-phong-chong-bao-2025", "2025-09-24T16:00:00+07:00", "Ngọc Hân",
     "Diễn tập ứng phó bão mạnh và nước dâng tại xã Thạnh Phong",
     "Hơn 500 người tham gia diễn tập sơ tán dân, cứu hộ tàu thuyền và sơ cấp cứu người bị nạn.",
     "Buổi diễn tập giả định bão cấp 12 đổ bộ vào vùng biển Thạnh Phú kèm nước dâng 1,5 m. Các lực lượng quân sự, công an, biên phòng, y tế và thanh niên tình nguyện đã phối hợp nhịp nhàng theo phương châm bốn tại chỗ.\n\nQua diễn tập, huyện rút kinh nghiệm, hoàn thiện phương án sơ tán cho gần 3.000 hộ dân vùng ven biển."),
    ("thanh-phu-trao-nha-dai-doan-ket", "2025-11-18T15:00:00+07:00", "Quốc Việt",
     "Trao 40 căn nhà Đại đoàn kết cho hộ nghèo nhân Ngày hội Đại đoàn kết toàn dân tộc",
     "Mỗi căn nhà trị giá 60 triệu đồng, từ nguồn Quỹ Vì người nghèo và đóng góp của doanh nghiệp.",
     "Các căn nhà được xây dựng kiên cố, diện tích từ 40 m² trở lên, đáp ứng tiêu chí “3 cứng”. Ủy ban MTTQ Việt Nam huyện đã vận động được 2,4 tỷ đồng cho chương trình này trong năm 2025.\n\nĐến cuối năm 2025, huyện cơ bản xóa xong nhà tạm, nhà dột nát."),
]

KCN_NEWS = [
    ("kcn-giao-long-thu-hut-du-an-soi-ky-thuat", "2025-02-25T10:00:00+07:00", "Thu Trang",
     "Khu công nghiệp Giao Long thu hút thêm dự án sợi kỹ thuật vốn 45 triệu USD",
     "Dự án sản xuất sợi polyester kỹ thuật dự kiến tạo việc làm cho 800 lao động.",
     "Nhà đầu tư đến từ Hồng Kông (Trung Quốc) thuê 9,5 ha đất tại Khu công nghiệp Giao Long giai đoạn II. Dự án sử dụng công nghệ tiết kiệm năng lượng, có hệ thống xử lý nước thải riêng trước khi đấu nối vào trạm xử lý tập trung.\n\nĐến nay, tỷ lệ lấp đầy Khu công nghiệp Giao Long đạt 92%."),
    ("kcn-hoi-nghi-doi-thoai-doanh-nghiep-2025", "2025-04-17T16:00:00+07:00", "Thu Trang",
     "Đối thoại với doanh nghiệp trong các khu công nghiệp năm 2025",
     "Doanh nghiệp kiến nghị về nhà ở cho công nhân, tuyến xe buýt và nguồn điện ổn định.",
     "Ban Quản lý các khu công nghiệp phối hợp các sở, ngành trả lời trực tiếp 18 kiến nghị. Tỉnh đang kêu gọi đầu tư khu nhà ở xã hội cho công nhân tại xã An Hiệp và nghiên cứu mở tuyến xe buýt từ thành phố Bến Tre đến Khu công nghiệp Giao Long.\n\nNgành điện cam kết hoàn thành nâng cấp trạm biến áp 110 kV Giao Long trong năm 2025."),
    ("kcn-an-hiep-hoan-thanh-tram-xu-ly-nuoc-thai", "2025-06-03T09:00:00+07:00", "Minh Luân",
     "Khu công nghiệp An Hiệp nâng công suất trạm xử lý nước thải tập trung",
     "Trạm xử lý nâng công suất lên 4.000 m³/ngày đêm, có quan trắc tự động truyền dữ liệu về Sở Tài nguyên và Môi trường.",
     "Nước thải sau xử lý đạt cột A của quy chuẩn kỹ thuật quốc gia về nước thải công nghiệp. Các doanh nghiệp trong khu phải đấu nối và xử lý sơ bộ trước khi xả vào hệ thống thu gom chung.\n\nBan Quản lý tăng cường kiểm tra việc chấp hành pháp luật bảo vệ môi trường của doanh nghiệp."),
    ("kcn-ngay-hoi-viec-lam-2025", "2025-08-09T15:00:00+07:00", "Minh Luân",
     "Ngày hội việc làm các khu công nghiệp: 2.300 chỉ tiêu tuyển dụng",
     "32 doanh nghiệp tham gia tuyển dụng lao động phổ thông, kỹ thuật viên, kế toán và phiên dịch.",
     "Ngày hội được tổ chức tại Khu công nghiệp Giao Long với sự phối hợp của Trung tâm Dịch vụ việc làm tỉnh. Người lao động được tư vấn chính sách bảo hiểm thất nghiệp và học nghề miễn phí.\n\nNhiều doanh nghiệp hỗ trợ tiền nhà trọ và xe đưa rước cho công nhân."),
    ("kcn-phu-thuan-khoi-cong-ha-tang", "2025-10-28T10:00:00+07:00", "Thu Trang",
     "Khởi công xây dựng hạ tầng Khu công nghiệp Phú Thuận",
     "Khu công nghiệp Phú Thuận (huyện Bình Đại) quy mô 180 ha, tổng vốn đầu tư hạ tầng 1.650 tỷ đồng.",
     "Khu công nghiệp ưu tiên thu hút các ngành chế biến nông, thủy sản, cơ khí, điện tử và công nghiệp hỗ trợ. Nhà đầu tư hạ tầng cam kết hoàn thành giai đoạn I trong 24 tháng.\n\nUBND huyện Bình Đại đã hoàn thành bồi thường, giải phóng mặt bằng cho 92% diện tích."),
    ("kcn-tap-huan-an-toan-lao-dong-2025", "2025-11-25T09:00:00+07:00", "Minh Luân",
     "Tập huấn an toàn, vệ sinh lao động cho doanh nghiệp trong khu công nghiệp",
     "Hơn 150 cán bộ phụ trách an toàn của doanh nghiệp được cập nhật quy định mới về huấn luyện và khai báo tai nạn lao động.",
     "Lớp tập huấn giới thiệu các quy định của Luật An toàn, vệ sinh lao động và các nghị định hướng dẫn, kỹ năng đánh giá rủi ro, phòng chống cháy nổ trong nhà xưởng.\n\nBan Quản lý đề nghị doanh nghiệp báo cáo công tác an toàn, vệ sinh lao động định kỳ trước ngày 10/01 hằng năm."),
]

CT_NEWS = [
    ("chau-thanh-hoi-thi-nha-nong-gioi-2025", "2025-03-26T16:00:00+07:00", "Kim Ngân",
     "Hội thi Nhà nông đua tài huyện Châu Thành năm 2025",
     "12 đội đến từ các xã tham gia phần thi kiến thức, năng khiếu và xử lý tình huống trong sản xuất.",
     "Hội thi do Hội Nông dân huyện tổ chức nhằm tuyên truyền kiến thức nông nghiệp an toàn, ứng phó hạn mặn và chuyển đổi số trong nông nghiệp. Đội xã Tân Thạch đoạt giải nhất.\n\nHội thi cũng là dịp giới thiệu sản phẩm OCOP của huyện như bưởi da xanh, sầu riêng và cây giống."),
    ("chau-thanh-nghiem-thu-mo-hinh-sau-rieng-chiu-han", "2025-06-27T10:00:00+07:00", "Kim Ngân",
     "Nghiệm thu mô hình trồng sầu riêng thích ứng hạn mặn tại xã Quới Sơn",
     "Mô hình sử dụng gốc ghép chịu mặn và hệ thống tưới nhỏ giọt, giảm 40% lượng nước tưới.",
     "Sau ba năm thực hiện, vườn mô hình cho trái ổn định, năng suất đạt 14 tấn/ha. Phòng Nông nghiệp và Phát triển nông thôn huyện sẽ nhân rộng mô hình ra 120 ha tại các xã ven sông Tiền.\n\nNông dân quan tâm liên hệ Trạm Khuyến nông huyện để được hỗ trợ kỹ thuật."),
    ("chau-thanh-xet-tuyen-vien-chuc-giao-duc-2025", "2025-09-05T08:00:00+07:00", "Hoài Phong",
     "Thông báo kết quả xét tuyển viên chức giáo dục năm 2025",
     "87 thí sinh trúng tuyển vào các trường mầm non, tiểu học, trung học cơ sở công lập của huyện.",
     "Thí sinh trúng tuyển hoàn thiện hồ sơ và nhận quyết định tuyển dụng tại Phòng Nội vụ huyện trước ngày 30/9/2025. Quá thời hạn trên, thí sinh không hoàn thiện hồ sơ sẽ bị hủy kết quả trúng tuyển.\n\nDanh sách chi tiết được niêm yết tại trụ sở UBND huyện."),
]


def records():
    for id, date, author, title, summary, body in TP_NEWS:
        write(TP, id, item(TP, id, title, "news", date, body, summary=summary, author=author, tags=["Thạnh Phú"]))
    for id, date, author, title, summary, body in KCN_NEWS:
        write(KCN, id, item(KCN, id, title, "news", date, body, summary=summary, author=author, tags=["khu công nghiệp"]))
    for id, date, author, title, summary, body in CT_NEWS:
        write(CT, id, item(CT, id, title, "news", date, body, summary=summary, author=author, tags=["Châu Thành"]))

    # Saved through a tool that read the TCVN3 bytes as Windows-1252 ("huyÖn"): converted by the hub.
    id = "thanh-phu-thong-bao-lich-tiep-cong-dan-thang-12"
    write(TP, id, item(TP, id, "Thông báo lịch tiếp công dân định kỳ tháng 12 năm 2025", "news", "2025-11-27T15:00:00+07:00",
                       "Chủ tịch UBND huyện Thạnh Phú tiếp công dân định kỳ vào sáng thứ Năm, ngày 11/12/2025, tại Trụ sở Tiếp công dân huyện.\n\n"
                       "Công dân đến trình bày khiếu nại, tố cáo, kiến nghị, phản ánh mang theo giấy tờ tùy thân và tài liệu có liên quan.\n\n"
                       "Văn bản gốc được soạn thảo bằng phông chữ TCVN3 và được chuyển sang Unicode khi đăng.",
                       summary="Lịch tiếp công dân định kỳ của Chủ tịch UBND huyện tháng 12 năm 2025.",
                       author="Ban Tiếp công dân huyện", source="UBND huyện Thạnh Phú", tags=["tiếp công dân"]), encoding=tcvn3_seen_as_cp1252)

    # Directions (answers to voters' petitions) of Thạnh Phú.
    for id, date, title, summary, body, rec in [
        ("tra-loi-kien-nghi-cu-tri-duong-an-thanh", "2025-07-21T10:00:00+07:00",
         "Trả lời kiến nghị cử tri xã An Thạnh về nâng cấp đường huyện 22",
         "UBND huyện bố trí vốn nâng cấp đường huyện 22 trong kế hoạch đầu tư công năm 2026.",
         "**Kiến nghị:** Cử tri xã An Thạnh phản ánh đường huyện 22 xuống cấp, mùa mưa lầy lội, đề nghị sớm nâng cấp.\n\n**Trả lời:** Tuyến đường dài 6,8 km đã được đưa vào danh mục kế hoạch đầu tư công năm 2026 với tổng mức đầu tư 38 tỷ đồng. Trước mắt, Phòng Kinh tế và Hạ tầng huyện sửa chữa các ổ gà, bảo đảm đi lại an toàn.",
         dict(direction_type="petition_response", number_symbol="1125/UBND-KT", issue_date="2025-07-18", subject="Cử tri xã An Thạnh, huyện Thạnh Phú")),
        ("khen-thuong-phong-trao-thi-dua-nong-thon-moi-thanh-phu", "2025-10-02T09:00:00+07:00",
         "Khen thưởng tập thể, cá nhân tiêu biểu trong phong trào xây dựng nông thôn mới",
         "Chủ tịch UBND huyện tặng Giấy khen cho 10 tập thể và 25 cá nhân.",
         "Các tập thể, cá nhân được khen thưởng đã đóng góp ngày công, hiến đất làm đường, tham gia xây dựng khu dân cư kiểu mẫu.",
         dict(direction_type="commendation", number_symbol="2210/QĐ-UBND", issue_date="2025-09-30", subject="Ấp Thạnh Hòa (xã Thạnh Phong), ấp An Hòa (xã An Thạnh) và 8 tập thể khác")),
        ("chi-dao-phong-chong-trieu-cuong-cuoi-nam-2025", "2025-10-16T17:00:00+07:00",
         "Chỉ đạo ứng phó triều cường cuối năm 2025",
         "UBND huyện yêu cầu các xã kiểm tra đê bao, cống, bờ bao và bảo vệ sản xuất trước đợt triều cường.",
         "Dự báo đỉnh triều cường tháng 10 và 11 âm lịch vượt mức báo động III. UBND các xã gia cố đê bao xung yếu, vận hành cống ngăn triều, thông tin kịp thời cho người dân.",
         dict(direction_type="directive", number_symbol="1688/UBND-NN", issue_date="2025-10-15")),
    ]:
        write(TP, id, item(TP, id, title, "direction", date, body, summary=summary, author="Văn phòng HĐND và UBND huyện", record=rec, tags=["chỉ đạo điều hành"]))
    for id, date, title, summary, body, rec in [
        ("tra-loi-kien-nghi-doanh-nghiep-duong-vao-kcn-giao-long", "2025-05-06T10:00:00+07:00",
         "Trả lời kiến nghị của doanh nghiệp về đường vào Khu công nghiệp Giao Long",
         "Tuyến đường vào giai đoạn II Khu công nghiệp Giao Long được mở rộng 4 làn xe, dự kiến hoàn thành quý II/2026.",
         "**Kiến nghị:** Doanh nghiệp trong Khu công nghiệp Giao Long phản ánh đường vào khu hẹp, xe container khó lưu thông, thường xuyên ùn tắc giờ tan ca.\n\n**Trả lời:** Ban Quản lý đã phối hợp Sở Giao thông vận tải đưa dự án mở rộng tuyến đường vào kế hoạch đầu tư công; trước mắt bố trí lực lượng điều tiết giao thông giờ cao điểm và cắm biển cấm dừng, đỗ xe hai bên đường.",
         dict(direction_type="petition_response", number_symbol="612/BQL-QLĐT", issue_date="2025-05-05", subject="Hiệp hội doanh nghiệp Khu công nghiệp Giao Long")),
        ("xu-phat-doanh-nghiep-cham-dau-noi-nuoc-thai-kcn-an-hiep", "2025-07-24T15:00:00+07:00",
         "Xử phạt doanh nghiệp chậm đấu nối nước thải vào hệ thống xử lý tập trung",
         "Doanh nghiệp bị phạt 85 triệu đồng và buộc đấu nối nước thải trong 30 ngày.",
         "Qua kiểm tra, doanh nghiệp chế biến thực phẩm tại Khu công nghiệp An Hiệp chưa đấu nối nước thải vào trạm xử lý tập trung theo quy định. Trưởng Ban Quản lý đã quyết định xử phạt và yêu cầu doanh nghiệp khắc phục.",
         dict(direction_type="sanction", number_symbol="45/QĐ-XPHC", issue_date="2025-07-22", subject="Công ty TNHH Thực phẩm An Hiệp (Khu công nghiệp An Hiệp)")),
    ]:
        write(KCN, id, item(KCN, id, title, "direction", date, body, summary=summary, author="Phòng Quản lý đầu tư", record=rec, tags=["chỉ đạo điều hành", "khu công nghiệp"]))
    id = "tra-loi-kien-nghi-cu-tri-chieu-sang-xa-tam-phuoc"
    write(CT, id, item(CT, id, "Trả lời kiến nghị cử tri xã Tam Phước về đèn chiếu sáng đường liên xã", "direction", "2025-08-04T10:00:00+07:00",
                       "**Kiến nghị:** Cử tri ấp Phước Hòa đề nghị lắp đèn chiếu sáng tuyến đường liên xã Tam Phước – Phú Túc.\n\n**Trả lời:** UBND huyện đã giao UBND xã Tam Phước lắp đặt 45 bộ đèn năng lượng mặt trời trên tuyến, hoàn thành trong tháng 9/2025.",
                       summary="Tuyến đường liên xã Tam Phước – Phú Túc được lắp 45 bộ đèn năng lượng mặt trời.",
                       author="Văn phòng HĐND và UBND huyện", tags=["kiến nghị cử tri"],
                       record=dict(direction_type="petition_response", number_symbol="1432/UBND-KT", issue_date="2025-08-01", subject="Cử tri ấp Phước Hòa, xã Tam Phước")))

    contacts = [
        (TP, "lien-he-chanh-van-phong-hdnd-ubnd-huyen-thanh-phu", "Võ Thị Thanh Thúy", "Chánh Văn phòng HĐND và UBND huyện", "UBND huyện Thạnh Phú", "0275 3870 203", "vp.thanhphu@bentre.gov.vn"),
        (TP, "lien-he-truong-phong-tai-nguyen-moi-truong-thanh-phu", "Đặng Văn Lực", "Trưởng phòng Tài nguyên và Môi trường", "UBND huyện Thạnh Phú", "0275 3870 415", "ptnmt.thanhphu@bentre.gov.vn"),
        (TP, "lien-he-giam-doc-trung-tam-hanh-chinh-cong-thanh-phu", "Lâm Thị Kim Xuyến", "Giám đốc Trung tâm Hành chính công huyện", "UBND huyện Thạnh Phú", "0275 3870 111", "tthcc.thanhphu@bentre.gov.vn"),
        (KCN, "lien-he-chanh-van-phong-bqlkcn", "Huỳnh Thị Ngọc Mai", "Chánh Văn phòng", "Ban Quản lý các khu công nghiệp", "0275 3822 605", "bqlkcn@bentre.gov.vn"),
        (KCN, "lien-he-truong-phong-quan-ly-dau-tu-bqlkcn", "Trương Minh Đức", "Trưởng phòng Quản lý đầu tư", "Ban Quản lý các khu công nghiệp", "0275 3822 719", "qldt.bqlkcn@bentre.gov.vn"),
        (CT, "lien-he-truong-phong-noi-vu-huyen-chau-thanh", "Phan Thị Bích Tuyền", "Trưởng phòng Nội vụ", "UBND huyện Châu Thành", "0275 3860 250", "pnv.chauthanh@bentre.gov.vn"),
    ]
    for slug, id, name, position, unit, phone, email in contacts:
        write(slug, id, item(slug, id, "Liên hệ: %s, %s" % (name, position), "official-contact", "2025-03-03",
                             "Đầu mối liên hệ của %s. Giờ làm việc: sáng từ 7 giờ đến 11 giờ, chiều từ 13 giờ đến 17 giờ, từ thứ Hai đến thứ Sáu." % unit,
                             author="Văn phòng", record=dict(full_name=name, position=position, unit=unit, phone=phone, email=email)))

    services = [
        (TP, "dvc-dang-ky-ket-hon-thanh-phu", "1.000894", "Đăng ký kết hôn", "Hộ tịch", "UBND các xã, thị trấn thuộc huyện Thạnh Phú", "full_online", "commune"),
        (TP, "dvc-chung-thuc-ban-sao-thanh-phu", "2.000815", "Cấp bản sao có chứng thực từ bản chính hồ sơ, giấy tờ, văn bản", "Chứng thực", "Phòng Tư pháp huyện; UBND các xã, thị trấn", "partial_online", "district"),
        (TP, "dvc-cap-giay-phep-khai-thac-thuy-san-thanh-phu", "1.004359", "Cấp giấy phép khai thác thủy sản", "Thủy sản", "Phòng Nông nghiệp và Phát triển nông thôn huyện Thạnh Phú", "full_online", "district"),
        (TP, "dvc-cong-nhan-ho-ngheo-thanh-phu", "1.001753", "Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm", "Bảo trợ xã hội", "UBND các xã, thị trấn thuộc huyện Thạnh Phú", "partial_online", "commune"),
        (KCN, "dvc-cap-giay-chung-nhan-dang-ky-dau-tu-kcn", "1.009645", "Cấp Giấy chứng nhận đăng ký đầu tư đối với dự án không thuộc diện chấp thuận chủ trương đầu tư", "Đầu tư tại Việt Nam", "Ban Quản lý các khu công nghiệp tỉnh", "full_online", "provincial"),
        (KCN, "dvc-dieu-chinh-giay-chung-nhan-dang-ky-dau-tu-kcn", "1.009650", "Điều chỉnh Giấy chứng nhận đăng ký đầu tư", "Đầu tư tại Việt Nam", "Ban Quản lý các khu công nghiệp tỉnh", "full_online", "provincial"),
        (KCN, "dvc-cap-giay-phep-lao-dong-nguoi-nuoc-ngoai-kcn", "1.000105", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", "Việc làm", "Ban Quản lý các khu công nghiệp tỉnh", "partial_online", "provincial"),
    ]
    for slug, id, code, name, field, agency, level, admin in services:
        write(slug, id, item(slug, id, "Dịch vụ công trực tuyến: " + name, "public-service", "2025-04-01",
                             "Tổ chức, cá nhân nộp hồ sơ trực tuyến tại Cổng Dịch vụ công quốc gia; theo dõi tiến độ và nhận kết quả điện tử hoặc tại Bộ phận Một cửa.",
                             summary="Mã thủ tục %s, lĩnh vực %s, %s." % (code, field.lower(), "toàn trình" if level == "full_online" else "một phần"),
                             author="Bộ phận Một cửa", tags=["dịch vụ công trực tuyến", field],
                             record=dict(code=code, name=name, field=field, agency=agency, level=level, admin_level=admin,
                                         link="https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=" + code)))


def generate():
    records()
    # The investment certificate in English for foreign investors, linked both ways.
    vi = "dvc-cap-giay-chung-nhan-dang-ky-dau-tu-kcn"
    en = "online-service-investment-registration-certificate-industrial-parks"
    path = os.path.join(common.CONTENT, KCN, vi + ".md")
    text = open(path, encoding="utf-8").read().replace("\nlanguage: vi\n", "\nlanguage: vi\ntranslation: %s\n" % en, 1)
    write(KCN, vi, text)
    common.written.remove(os.path.relpath(path, common.ROOT))
    write(KCN, en, item(KCN, en, "Online public service: investment registration certificate for projects in industrial parks", "public-service", "2025-04-01",
                        "Investors submit the application online on the National Public Service Portal, follow its progress and receive the certificate electronically or at the one-stop desk of the Industrial Parks Authority. Applications in English are accepted with a Vietnamese translation.\n\n*This is an English summary for reference. The Vietnamese version prevails.*",
                        summary="Procedure 1.009645, investment in Viet Nam, fully online.", author="One-stop desk", language="en", translation=vi,
                        tags=["online public services", "investment"],
                        record=dict(code="1.009645", name="Issuance of an investment registration certificate for a project not subject to an investment policy decision",
                                    field="Investment in Viet Nam", agency="Ben Tre Industrial Parks Authority", level="full_online", admin_level="provincial",
                                    link="https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.009645")))
