"""Văn phòng UBND tỉnh (provincial office): provincial news, directions, gazette, contacts."""

from common import item, write, media_pdf, tcvn3, nfd

S = "vpubnd"

# (id, published, author, title, summary, body, tags): 26 provincial news items, enough for a
# second page of the news list (20 per page) on this site alone.
NEWS = [
    ("ubnd-tinh-hop-phien-thuong-ky-thang-1-2025", "2025-01-06T16:30:00+07:00", "Minh Trí",
     "UBND tỉnh họp phiên thường kỳ tháng 01/2025",
     "UBND tỉnh đánh giá tình hình kinh tế – xã hội tháng 12/2024 và cho ý kiến các nhiệm vụ trọng tâm quý I/2025.",
     "Chiều 06/01, UBND tỉnh Bến Tre họp phiên thường kỳ tháng 01/2025. Năm 2024, tốc độ tăng trưởng tổng sản phẩm trên địa bàn tỉnh (GRDP) ước đạt 6,2%; kim ngạch xuất khẩu đạt 1,87 tỷ USD; thu ngân sách vượt dự toán.\n\nChủ tịch UBND tỉnh yêu cầu các sở, ngành và địa phương triển khai ngay kế hoạch năm 2025, bảo đảm hàng hóa phục vụ Tết Nguyên đán, chủ động ứng phó xâm nhập mặn mùa khô.",
     ["UBND tỉnh", "phiên họp thường kỳ"]),
    ("khai-mac-hoi-cho-xuan-at-ty-2025", "2025-01-18T09:00:00+07:00", "Thanh Hương",
     "Khai mạc Hội chợ Xuân Ất Tỵ năm 2025",
     "Hội chợ có 250 gian hàng của doanh nghiệp, hợp tác xã trong và ngoài tỉnh, diễn ra đến ngày 26/01/2025 tại Quảng trường Đồng Khởi.",
     "Hội chợ Xuân Ất Tỵ năm 2025 giới thiệu sản phẩm OCOP, đặc sản dừa, trái cây, cây giống và hàng tiêu dùng thiết yếu với giá bình ổn. Ban Tổ chức bố trí khu vực riêng cho sản phẩm của hộ nghèo và hợp tác xã mới thành lập.\n\nCác đơn vị tham gia cam kết niêm yết giá, không kinh doanh hàng giả, hàng kém chất lượng.",
     ["hội chợ", "Tết Nguyên đán"]),
    ("tham-tang-qua-tet-gia-dinh-chinh-sach-2025", "2025-01-22T15:00:00+07:00", "Minh Trí",
     "Lãnh đạo tỉnh thăm, tặng quà Tết gia đình chính sách",
     "Toàn tỉnh dành hơn 92 tỷ đồng thăm, tặng quà cho người có công, hộ nghèo, hộ cận nghèo dịp Tết Nguyên đán Ất Tỵ.",
     "Các đoàn công tác của Tỉnh ủy, HĐND, UBND, Ủy ban MTTQ Việt Nam tỉnh đã đến thăm, chúc Tết Mẹ Việt Nam anh hùng, thương binh, gia đình liệt sĩ tại các huyện và thành phố.\n\nNguồn kinh phí gồm quà của Chủ tịch nước, ngân sách tỉnh, ngân sách huyện và vận động xã hội hóa.",
     ["an sinh xã hội", "Tết Nguyên đán"]),
    ("ra-quan-trong-cay-xuan-2025", "2025-02-05T10:00:00+07:00", "Hoàng Nam",
     "Phát động Tết trồng cây “Đời đời nhớ ơn Bác Hồ” Xuân Ất Tỵ",
     "Năm 2025 toàn tỉnh phấn đấu trồng mới 1,2 triệu cây xanh các loại, trong đó có 150.000 cây dừa trên các tuyến đường nông thôn.",
     "Lễ phát động được tổ chức tại xã Phú An Hòa, huyện Châu Thành. Các địa phương ưu tiên trồng cây bản địa, cây chắn sóng ven biển ở Bình Đại, Ba Tri, Thạnh Phú và cây bóng mát trong trường học.\n\nSở Nông nghiệp và Phát triển nông thôn hướng dẫn chăm sóc, bảo đảm tỷ lệ cây sống trên 90%.",
     ["môi trường", "trồng cây"]),
    ("hoi-nghi-trien-khai-nhiem-vu-chuyen-doi-so-2025", "2025-02-19T14:00:00+07:00", "Bảo Ngọc",
     "Triển khai nhiệm vụ chuyển đổi số tỉnh Bến Tre năm 2025",
     "Năm 2025, tỉnh đặt mục tiêu 100% hồ sơ thủ tục hành chính được số hóa và 80% hồ sơ được nộp trực tuyến toàn trình.",
     "Tại hội nghị, Ban Chỉ đạo chuyển đổi số tỉnh đánh giá năm 2024 tỉnh đã đưa vào vận hành Trung tâm giám sát, điều hành thông minh, kết nối 45 hệ thống thông tin chuyên ngành.\n\nNăm 2025, các sở, ngành tập trung làm sạch dữ liệu dân cư, đất đai, hộ tịch; mở rộng thanh toán không dùng tiền mặt trong trường học và bệnh viện.",
     ["chuyển đổi số", "dịch vụ công trực tuyến"]),
    ("kiem-tra-tinh-hinh-xam-nhap-man-ba-tri", "2025-03-04T17:00:00+07:00", "Hoàng Nam",
     "Phó Chủ tịch UBND tỉnh kiểm tra công tác phòng, chống hạn mặn tại huyện Ba Tri",
     "Độ mặn 4‰ đã vào sâu 52 km trên sông Hàm Luông; tỉnh yêu cầu vận hành linh hoạt hệ thống cống để trữ ngọt.",
     "Đoàn kiểm tra làm việc tại cống Tân Xuân và các điểm cấp nước tập trung của xã An Hiệp, Tân Thủy. Huyện Ba Tri đã lắp đặt 1.600 bồn chứa nước cho hộ khó khăn và bố trí xe bồn chở nước đến những khu vực xa.\n\nPhó Chủ tịch UBND tỉnh đề nghị ngành điện bảo đảm nguồn điện cho các trạm bơm và nhà máy nước trong cao điểm mùa khô.",
     ["xâm nhập mặn", "phòng chống thiên tai"]),
    ("dai-hoi-the-duc-the-thao-tinh-lan-x", "2025-03-22T20:00:00+07:00", "Thanh Hương",
     "Bế mạc Đại hội Thể dục thể thao tỉnh Bến Tre lần thứ X",
     "Hơn 1.800 vận động viên thi đấu 16 môn; đoàn thành phố Bến Tre dẫn đầu toàn đoàn.",
     "Đại hội diễn ra từ ngày 10 đến 22/3 với các môn điền kinh, bơi lội, bóng đá, đua ghe, võ thuật, cờ tướng và các môn thể thao dân tộc. Nhiều thành tích mới được xác lập ở môn điền kinh và bơi lội.\n\nĐây cũng là dịp tuyển chọn vận động viên tham dự Đại hội Thể dục thể thao toàn quốc.",
     ["thể thao", "đại hội"]),
    ("don-doan-cong-tac-tinh-gangwon-han-quoc", "2025-04-08T11:00:00+07:00", "Bảo Ngọc",
     "Tiếp đoàn công tác tỉnh Gangwon, Hàn Quốc",
     "Hai địa phương trao đổi hợp tác về nông nghiệp công nghệ cao, lao động thời vụ và giáo dục nghề nghiệp.",
     "Lãnh đạo UBND tỉnh giới thiệu tiềm năng của Bến Tre về kinh tế dừa, thủy sản, năng lượng tái tạo và du lịch sinh thái. Đoàn tỉnh Gangwon bày tỏ mong muốn mở rộng chương trình lao động thời vụ và hỗ trợ đào tạo kỹ thuật chế biến nông sản.\n\nHai bên thống nhất xây dựng kế hoạch hợp tác giai đoạn 2025–2027.",
     ["đối ngoại", "hợp tác quốc tế"]),
    ("ky-niem-50-nam-giai-phong-mien-nam", "2025-04-29T19:30:00+07:00", "Minh Trí",
     "Mít tinh kỷ niệm 50 năm Ngày Giải phóng miền Nam, thống nhất đất nước",
     "Lễ mít tinh được tổ chức trang trọng tại Quảng trường Đồng Khởi với sự tham dự của hơn 2.000 đại biểu và nhân dân.",
     "Buổi lễ ôn lại truyền thống đấu tranh của quân và dân Bến Tre, quê hương Đồng Khởi, trong hai cuộc kháng chiến. Nhân dịp này, tỉnh trao tặng 50 căn nhà tình nghĩa cho gia đình chính sách.\n\nChương trình nghệ thuật “Bến Tre – Khát vọng vươn lên” khép lại lễ kỷ niệm.",
     ["kỷ niệm", "30/4"]),
    ("so-ket-chuong-trinh-ocop-2025", "2025-05-15T16:00:00+07:00", "Thanh Hương",
     "Bến Tre có 416 sản phẩm OCOP đạt từ 3 sao trở lên",
     "Trong đó có 2 sản phẩm 5 sao quốc gia, 41 sản phẩm 4 sao; sản phẩm từ dừa chiếm gần 40%.",
     "Sau 6 năm triển khai Chương trình Mỗi xã một sản phẩm, các chủ thể OCOP của tỉnh đã mở rộng thị trường ra các hệ thống siêu thị và sàn thương mại điện tử. Nhiều sản phẩm như kẹo dừa, thạch dừa, mật hoa dừa đã xuất khẩu sang châu Âu.\n\nNăm 2025, tỉnh tiếp tục hỗ trợ bao bì, truy xuất nguồn gốc và quảng bá sản phẩm.",
     ["OCOP", "nông nghiệp"]),
    ("ky-hop-chuyen-de-hdnd-tinh-thang-6-2025", "2025-06-12T17:30:00+07:00", "Minh Trí",
     "HĐND tỉnh tổ chức kỳ họp chuyên đề, thông qua 9 nghị quyết",
     "Các nghị quyết liên quan đến đầu tư công, chính sách hỗ trợ nông nghiệp và sắp xếp đơn vị hành chính cấp xã.",
     "Kỳ họp đã xem xét, thông qua các nghị quyết điều chỉnh kế hoạch đầu tư công trung hạn, quy định chính sách hỗ trợ liên kết sản xuất và tiêu thụ sản phẩm nông nghiệp, và chủ trương đầu tư một số dự án giao thông.\n\nUBND tỉnh được giao tổ chức thực hiện, báo cáo kết quả tại kỳ họp cuối năm.",
     ["HĐND tỉnh", "nghị quyết"]),
    ("khanh-thanh-cau-rach-mieu-2-nhanh-phu", "2025-07-05T10:00:00+07:00", "Hoàng Nam",
     "Thông xe đường dẫn phía Bến Tre của cầu Rạch Miễu 2",
     "Đường dẫn dài 3,2 km nối cầu Rạch Miễu 2 với Quốc lộ 60 tại huyện Châu Thành được đưa vào khai thác.",
     "Công trình giúp giảm ùn tắc trên cầu Rạch Miễu hiện hữu, rút ngắn thời gian đi lại từ Bến Tre đến Thành phố Hồ Chí Minh. Chủ đầu tư đã hoàn thành bồi thường cho 312 hộ dân bị ảnh hưởng.\n\nUBND tỉnh yêu cầu các đơn vị bảo đảm an toàn giao thông, lắp đặt đầy đủ biển báo và hệ thống chiếu sáng.",
     ["giao thông", "cầu Rạch Miễu 2"]),
    ("tuyen-sinh-lop-10-nam-hoc-2025-2026", "2025-07-14T09:00:00+07:00", "Bảo Ngọc",
     "Công bố điểm chuẩn tuyển sinh lớp 10 năm học 2025–2026",
     "Trường THPT chuyên Bến Tre có điểm chuẩn cao nhất ở môn Toán; toàn tỉnh tuyển mới 13.200 học sinh lớp 10 công lập.",
     "Sở Giáo dục và Đào tạo đã công bố điểm chuẩn của 33 trường trung học phổ thông công lập. Học sinh tra cứu kết quả trên trang thông tin của Sở và nhận giấy báo trúng tuyển tại trường trung học cơ sở.\n\nThời gian nhập học từ ngày 21 đến 26/7/2025.",
     ["giáo dục", "tuyển sinh"]),
    ("hoi-thao-phat-trien-kinh-te-bien", "2025-08-06T15:00:00+07:00", "Hoàng Nam",
     "Hội thảo phát triển kinh tế biển Bến Tre đến năm 2030",
     "Các chuyên gia kiến nghị phát triển điện gió ngoài khơi, nuôi trồng thủy sản công nghệ cao và du lịch biển gắn với rừng ngập mặn.",
     "Bến Tre có bờ biển dài 65 km với ba cửa sông lớn. Hội thảo tập trung thảo luận ba nhóm giải pháp: hạ tầng kết nối vùng ven biển, thu hút đầu tư năng lượng tái tạo và bảo vệ rừng phòng hộ.\n\nCác ý kiến sẽ được tổng hợp để hoàn thiện đề án phát triển kinh tế biển của tỉnh.",
     ["kinh tế biển", "hội thảo"]),
    ("le-quoc-khanh-2-9-2025", "2025-09-02T08:00:00+07:00", "Thanh Hương",
     "Bến Tre rộn ràng các hoạt động mừng Quốc khánh 2/9",
     "Nhiều hoạt động văn hóa, thể thao diễn ra tại thành phố Bến Tre và các huyện nhân kỷ niệm 80 năm Quốc khánh.",
     "Giải đua ghe truyền thống trên sông Bến Tre, hội thi đờn ca tài tử và triển lãm ảnh “Bến Tre – 80 năm một chặng đường” thu hút đông đảo người dân tham gia.\n\nCác cơ quan, đơn vị treo cờ Tổ quốc, tổ chức trang trí đường phố trang trọng.",
     ["Quốc khánh", "văn hóa"]),
    ("ket-qua-chi-so-cai-cach-hanh-chinh-2024", "2025-09-18T10:30:00+07:00", "Bảo Ngọc",
     "Chỉ số cải cách hành chính năm 2024 của tỉnh tăng 5 bậc",
     "Bến Tre xếp thứ 18/63 tỉnh, thành phố về chỉ số PAR INDEX 2024; chỉ số hài lòng SIPAS đạt 83,6%.",
     "Kết quả được Bộ Nội vụ công bố cho thấy các chỉ số thành phần về cải cách thủ tục hành chính và hiện đại hóa nền hành chính của tỉnh có cải thiện rõ rệt.\n\nUBND tỉnh giao Sở Nội vụ phân tích các tiêu chí bị trừ điểm, đề xuất giải pháp khắc phục trong năm 2025.",
     ["cải cách hành chính", "PAR INDEX"]),
    ("hoi-nghi-doi-thoai-doanh-nghiep-quy-3-2025", "2025-09-26T17:00:00+07:00", "Hoàng Nam",
     "Lãnh đạo tỉnh đối thoại với doanh nghiệp quý III/2025",
     "Hơn 30 kiến nghị về đất đai, thủ tục đầu tư, thuế và hạ tầng khu công nghiệp được trả lời trực tiếp tại hội nghị.",
     "Các doanh nghiệp kiến nghị rút ngắn thời gian thẩm định giá đất, đẩy nhanh hoàn thuế giá trị gia tăng và nâng cấp đường vào Khu công nghiệp Giao Long.\n\nChủ tịch UBND tỉnh giao các sở, ngành trả lời bằng văn bản những kiến nghị chưa giải quyết xong trong vòng 15 ngày.",
     ["doanh nghiệp", "đối thoại"]),
    ("phong-chong-dich-sot-xuat-huyet-2025", "2025-10-03T09:00:00+07:00", "Thanh Hương",
     "Tăng cường phòng, chống dịch sốt xuất huyết trong mùa mưa",
     "Từ đầu năm, toàn tỉnh ghi nhận 1.146 ca sốt xuất huyết, tăng 18% so với cùng kỳ; chưa có trường hợp tử vong.",
     "Ngành y tế phối hợp chính quyền địa phương tổ chức chiến dịch diệt lăng quăng tại các xã có số ca mắc cao ở huyện Châu Thành, Giồng Trôm và Mỏ Cày Bắc.\n\nNgười dân cần đậy kín dụng cụ chứa nước, thu gom vật phế thải và đến cơ sở y tế khi có dấu hiệu sốt cao.",
     ["y tế", "sốt xuất huyết"]),
    ("giao-ban-bao-chi-thang-10-2025", "2025-10-10T16:00:00+07:00", "Bảo Ngọc",
     "Họp báo cung cấp thông tin định kỳ quý III/2025",
     "UBND tỉnh thông tin tình hình kinh tế – xã hội 9 tháng, tiến độ các công trình trọng điểm và trả lời câu hỏi của phóng viên.",
     "Chín tháng năm 2025, GRDP của tỉnh ước tăng 6,5%; vốn đầu tư công giải ngân đạt 61% kế hoạch. Các phóng viên quan tâm đến tiến độ dự án đường ven biển, tình hình sạt lở bờ sông và giá dừa khô.\n\nNgười phát ngôn của UBND tỉnh đã trả lời và cung cấp số liệu cụ thể cho các cơ quan báo chí.",
     ["họp báo", "kinh tế – xã hội"]),
    ("sat-lo-bo-song-mo-cay-nam", "2025-10-21T18:00:00+07:00", "Hoàng Nam",
     "Công bố tình huống khẩn cấp sạt lở bờ sông Cổ Chiên tại huyện Mỏ Cày Nam",
     "Đoạn sạt lở dài 420 m đe dọa 35 hộ dân; tỉnh hỗ trợ di dời khẩn cấp và bố trí vốn xây kè.",
     "UBND tỉnh đã quyết định công bố tình huống khẩn cấp sạt lở bờ sông tại xã Thành Thới B. Các hộ dân trong vùng nguy hiểm được hỗ trợ di dời, tạm cư và nhận tiền hỗ trợ ổn định cuộc sống.\n\nSở Nông nghiệp và Phát triển nông thôn khẩn trương lập phương án xử lý, thi công kè tạm trước mùa triều cường.",
     ["sạt lở", "phòng chống thiên tai"]),
    ("hoi-thi-tim-hieu-phap-luat-truc-tuyen-2025", "2025-10-30T09:30:00+07:00", "Bảo Ngọc",
     "Trao giải Cuộc thi tìm hiểu pháp luật trực tuyến năm 2025",
     "Cuộc thi thu hút hơn 48.000 lượt dự thi; 25 cá nhân và 5 tập thể được trao giải.",
     "Cuộc thi do Hội đồng phối hợp phổ biến, giáo dục pháp luật tỉnh tổ chức, tập trung vào các luật mới có hiệu lực như Luật Đất đai năm 2024, Luật Căn cước và Luật Phòng, chống ma túy.\n\nNhiều thí sinh là học sinh, sinh viên và đoàn viên thanh niên ở các xã vùng sâu.",
     ["phổ biến pháp luật", "cuộc thi"]),
    ("trien-khai-mo-hinh-chinh-quyen-dia-phuong-hai-cap", "2025-11-05T15:00:00+07:00", "Minh Trí",
     "Hội nghị tập huấn vận hành hệ thống quản lý văn bản liên thông bốn cấp",
     "Hơn 600 cán bộ văn thư, công chức cấp xã được tập huấn ký số, gửi nhận văn bản điện tử liên thông.",
     "Hệ thống quản lý văn bản và điều hành của tỉnh đã liên thông với Trục liên thông văn bản quốc gia. Tỷ lệ văn bản điện tử có ký số đạt 98%.\n\nVăn phòng UBND tỉnh đề nghị các đơn vị không gửi kèm bản giấy đối với văn bản đã gửi qua hệ thống, trừ văn bản mật.",
     ["văn bản điện tử", "chữ ký số"]),
    ("le-hoi-dua-lan-thu-6-tong-ket", "2025-11-12T11:00:00+07:00", "Thanh Hương",
     "Tổng kết công tác chuẩn bị Lễ hội Dừa lần thứ VI",
     "Lễ hội Dừa lần thứ VI dự kiến tổ chức vào tháng 4/2026 với chủ đề “Dừa Bến Tre – Hội nhập và phát triển bền vững”.",
     "Ban Tổ chức đã thống nhất khung chương trình gồm lễ khai mạc, hội chợ sản phẩm dừa, lễ hội đường phố, hội thi ẩm thực và tuần lễ du lịch miệt vườn.\n\nCác sở, ngành được phân công kêu gọi tài trợ, mời doanh nghiệp dừa trong và ngoài nước tham dự.",
     ["Lễ hội Dừa", "du lịch"]),
    ("tong-ket-nam-hoc-thanh-toan-khong-dung-tien-mat", "2025-11-20T10:00:00+07:00", "Bảo Ngọc",
     "94% trường học trên địa bàn tỉnh thu học phí không dùng tiền mặt",
     "Tỉnh đẩy mạnh thanh toán không dùng tiền mặt trong giáo dục, y tế và các dịch vụ công thiết yếu.",
     "Phụ huynh có thể nộp học phí, tiền ăn bán trú qua ứng dụng ngân hàng hoặc mã QR. Các bệnh viện tuyến tỉnh đã triển khai thanh toán viện phí bằng thẻ và ví điện tử.\n\nNgân hàng Nhà nước chi nhánh tỉnh phối hợp với các ngân hàng thương mại miễn phí chuyển khoản cho các khoản thu này.",
     ["chuyển đổi số", "thanh toán không dùng tiền mặt"]),
    ("tiep-xuc-cu-tri-truoc-ky-hop-cuoi-nam-2025", "2025-11-28T17:00:00+07:00", "Minh Trí",
     "Đại biểu HĐND tỉnh tiếp xúc cử tri trước kỳ họp cuối năm 2025",
     "Cử tri kiến nghị về giá vật tư nông nghiệp, nước sinh hoạt mùa khô và tiến độ giải ngân vốn hỗ trợ nhà ở.",
     "Tại các điểm tiếp xúc, lãnh đạo UBND tỉnh và các sở, ngành đã trực tiếp giải đáp nhiều kiến nghị. Những nội dung chưa trả lời được sẽ được tổng hợp, giao cơ quan chuyên môn trả lời bằng văn bản.\n\nKết quả giải quyết kiến nghị cử tri được đăng trên chuyên mục Thông tin chỉ đạo, điều hành của Cổng.",
     ["cử tri", "HĐND tỉnh"]),
    ("ubnd-tinh-hop-phien-thuong-ky-thang-12-2025", "2025-12-08T17:00:00+07:00", "Minh Trí",
     "UBND tỉnh họp phiên thường kỳ tháng 12/2025, đánh giá kết quả năm",
     "Năm 2025 tỉnh đạt và vượt 20/22 chỉ tiêu chủ yếu; GRDP ước tăng 6,8%, cao nhất trong 5 năm.",
     "UBND tỉnh thống nhất nội dung báo cáo trình HĐND tỉnh tại kỳ họp cuối năm, trong đó có kế hoạch phát triển kinh tế – xã hội, dự toán ngân sách và kế hoạch đầu tư công năm 2026.\n\nChủ tịch UBND tỉnh yêu cầu tập trung giải ngân vốn đầu tư công đến hết ngày 31/01/2026 và chuẩn bị chu đáo Tết Nguyên đán Bính Ngọ.",
     ["UBND tỉnh", "phiên họp thường kỳ"]),
]

EN = [
    ("provincial-people-s-committee-december-2025-meeting", "ubnd-tinh-hop-phien-thuong-ky-thang-12-2025",
     "2025-12-09T10:00:00+07:00", "Provincial People's Committee reviews 2025 at its December meeting",
     "The province met or exceeded 20 of its 22 main targets in 2025; GRDP is estimated to have grown by 6.8%, the fastest in five years.",
     "At its regular December meeting the Provincial People's Committee agreed the reports to be submitted to the Provincial People's Council: the socio-economic development plan, the budget estimate and the public investment plan for 2026.\n\nThe Chairman asked departments and districts to complete the disbursement of public investment capital by 31 January 2026 and to prepare the Lunar New Year carefully.\n\n*This is an English summary for reference. The Vietnamese version prevails.*",
     ["People's Committee", "regular meeting"]),
    ("ben-tre-has-416-ocop-products", "so-ket-chuong-trinh-ocop-2025",
     "2025-05-16T09:00:00+07:00", "Ben Tre has 416 OCOP products rated three stars or more",
     "Two products have five national stars and 41 have four; coconut products make up almost 40% of the total.",
     "Six years into the One Commune One Product programme, Ben Tre's producers sell through supermarket chains and e-commerce platforms, and coconut candy, coconut jelly and coconut nectar are exported to Europe.\n\nIn 2025 the province continues to support packaging, traceability and promotion.\n\n*This is an English summary for reference. The Vietnamese version prevails.*",
     ["OCOP", "agriculture"]),
]


def directions():
    out = []
    f1, s1 = media_pdf(S, "12-ct-ubnd-2025", ["UY BAN NHAN DAN TINH BEN TRE", "So: 12/CT-UBND - ngay 14 thang 3 nam 2025", "CHI THI", "Ve tang cuong cong tac phong, chong chay no mua kho 2025"])
    out.append(("ct-12-ct-ubnd-phong-chong-chay-no-mua-kho-2025", "2025-03-15T09:00:00+07:00",
                "Chỉ thị số 12/CT-UBND về tăng cường phòng cháy, chữa cháy mùa khô năm 2025",
                "Chủ tịch UBND tỉnh yêu cầu các sở, ngành, địa phương kiểm tra an toàn phòng cháy tại chợ, khu dân cư, cơ sở sản xuất than, chỉ xơ dừa.",
                "Mùa khô năm 2025 dự báo nắng nóng gay gắt, nguy cơ cháy cao tại các cơ sở chế biến dừa, chợ và rừng phòng hộ ven biển. Chủ tịch UBND tỉnh chỉ thị:\n\n1. Công an tỉnh chủ trì kiểm tra an toàn phòng cháy, chữa cháy tại các cơ sở có nguy cơ cao;\n2. UBND các huyện, thành phố tổ chức diễn tập phương án chữa cháy tại chợ và khu dân cư;\n3. Sở Nông nghiệp và Phát triển nông thôn chỉ đạo các ban quản lý rừng trực 24/24 giờ.\n\n[Toàn văn Chỉ thị (PDF)](%s)" % f1,
                dict(direction_type="directive", number_symbol="12/CT-UBND", issue_date="2025-03-14", file=s1), ["phòng cháy chữa cháy", "chỉ thị"]))
    f2, s2 = media_pdf(S, "2845-ubnd-tl-2025", ["UY BAN NHAN DAN TINH BEN TRE", "So: 2845/UBND-TH - ngay 20 thang 5 nam 2025", "Ve viec tra loi kien nghi cua cu tri huyen Ba Tri"])
    out.append(("tra-loi-kien-nghi-cu-tri-nuoc-sach-ba-tri", "2025-05-22T10:00:00+07:00",
                "Trả lời kiến nghị của cử tri huyện Ba Tri về nước sạch mùa khô",
                "UBND tỉnh trả lời kiến nghị đầu tư tuyến ống cấp nước sạch cho các xã ven biển huyện Ba Tri.",
                "**Kiến nghị:** Cử tri xã Bảo Thạnh, Bảo Thuận đề nghị sớm đầu tư tuyến ống cấp nước sạch, vì mùa khô người dân phải mua nước với giá cao.\n\n**Trả lời:** Dự án cấp nước sạch cho các xã ven biển huyện Ba Tri từ nguồn vốn viện trợ của KOICA đang được thi công, dự kiến cấp nước cho xã Bảo Thạnh, Bảo Thuận từ quý IV/2025. Trong thời gian chờ, UBND huyện Ba Tri bố trí xe bồn chở nước miễn phí cho hộ nghèo.\n\n[Văn bản trả lời (PDF)](%s)" % f2,
                dict(direction_type="petition_response", number_symbol="2845/UBND-TH", issue_date="2025-05-20", subject="Cử tri xã Bảo Thạnh, xã Bảo Thuận, huyện Ba Tri", file=s2), ["kiến nghị cử tri", "nước sạch"]))
    out.append(("tra-loi-phan-anh-den-chieu-sang-duong-dong-khoi", "2025-08-12T15:00:00+07:00",
                "Trả lời phản ánh về đèn chiếu sáng hư hỏng trên đại lộ Đồng Khởi",
                "Phản ánh của người dân qua Hệ thống tiếp nhận phản ánh, kiến nghị của tỉnh đã được xử lý trong 3 ngày.",
                "**Phản ánh:** Ông Trần Văn Hòa (phường Phú Khương) phản ánh 12 bóng đèn chiếu sáng đoạn từ vòng xoay Trúc Giang đến cầu Hàm Luông bị hư, gây mất an toàn giao thông ban đêm.\n\n**Kết quả xử lý:** UBND thành phố Bến Tre chỉ đạo đơn vị quản lý thay thế toàn bộ bóng đèn hư hỏng trong ngày 11/8/2025 và tăng cường kiểm tra định kỳ.",
                dict(direction_type="petition_response", number_symbol="4512/UBND-KT", issue_date="2025-08-11", subject="Ông Trần Văn Hòa, phường Phú Khương, thành phố Bến Tre"), ["phản ánh kiến nghị", "hạ tầng đô thị"]))
    out.append(("khen-thuong-tap-the-chong-han-man-2024-2025", "2025-06-06T09:00:00+07:00",
                "Khen thưởng các tập thể có thành tích trong phòng, chống hạn mặn mùa khô 2024–2025",
                "Chủ tịch UBND tỉnh tặng Bằng khen cho 8 tập thể và 12 cá nhân.",
                "Các tập thể được khen thưởng đã chủ động vận hành cống, trữ nước ngọt và cấp nước sinh hoạt miễn phí cho người dân vùng bị ảnh hưởng, góp phần giảm thiệt hại sản xuất.",
                dict(direction_type="commendation", number_symbol="1206/QĐ-UBND", issue_date="2025-06-04", subject="Công ty TNHH MTV Cấp thoát nước Bến Tre; Chi cục Thủy lợi; Trung tâm Nước sạch và Vệ sinh môi trường nông thôn; UBND huyện Ba Tri, Bình Đại, Thạnh Phú và 2 tập thể khác"), ["khen thưởng", "hạn mặn"]))
    out.append(("xu-phat-vi-pham-moi-truong-cong-ty-che-bien-thuy-san", "2025-09-09T14:00:00+07:00",
                "Xử phạt vi phạm hành chính trong lĩnh vực bảo vệ môi trường đối với một doanh nghiệp chế biến thủy sản",
                "Doanh nghiệp bị phạt 320 triệu đồng và buộc khắc phục hậu quả do xả nước thải vượt quy chuẩn.",
                "Qua kiểm tra đột xuất, đoàn kiểm tra liên ngành phát hiện doanh nghiệp xả nước thải có thông số COD, amoni vượt từ 3 đến 5 lần quy chuẩn cho phép ra sông Ba Lai. Chủ tịch UBND tỉnh quyết định xử phạt 320 triệu đồng, đình chỉ hoạt động của hệ thống xả thải 3 tháng và buộc nâng cấp hệ thống xử lý nước thải.",
                dict(direction_type="sanction", number_symbol="2011/QĐ-XPHC", issue_date="2025-09-05", subject="Công ty TNHH Chế biến thủy sản Ba Lai (huyện Bình Đại)"), ["xử phạt", "môi trường"]))
    out.append(("y-kien-chi-dao-giai-ngan-von-dau-tu-cong-2025", "2025-10-15T16:00:00+07:00",
                "Ý kiến chỉ đạo về đẩy nhanh giải ngân vốn đầu tư công những tháng cuối năm 2025",
                "Chủ tịch UBND tỉnh yêu cầu các chủ đầu tư giải ngân đạt trên 95% kế hoạch vốn được giao.",
                "Kết luận tại cuộc họp ngày 14/10/2025, Chủ tịch UBND tỉnh giao Sở Kế hoạch và Đầu tư theo dõi tiến độ hằng tuần; chủ đầu tư chậm giải ngân sẽ bị điều chuyển vốn sang dự án có khả năng giải ngân tốt hơn. Người đứng đầu chịu trách nhiệm nếu để chậm trễ.",
                dict(direction_type="directive", number_symbol="512/TB-VPUBND", issue_date="2025-10-15"), ["đầu tư công", "giải ngân"]))
    return out


def gazettes():
    issues = [
        ("01+02", "2025-01-15", [
            ("45/2024/NQ-HĐND", "HĐND tỉnh Bến Tre", "2024-12-10", "Quy định mức chi bảo đảm công tác cải cách hành chính trên địa bàn tỉnh"),
            ("46/2024/NQ-HĐND", "HĐND tỉnh Bến Tre", "2024-12-10", "Quy định chính sách hỗ trợ liên kết sản xuất và tiêu thụ sản phẩm nông nghiệp"),
            ("52/2024/QĐ-UBND", "UBND tỉnh Bến Tre", "2024-12-27", "Ban hành Bảng giá đất điều chỉnh áp dụng từ ngày 01/01/2025"),
        ]),
        ("15+16", "2025-04-10", [
            ("08/2025/QĐ-UBND", "UBND tỉnh Bến Tre", "2025-03-20", "Quy định phân cấp quản lý nhà nước về an toàn thực phẩm"),
            ("09/2025/QĐ-UBND", "UBND tỉnh Bến Tre", "2025-03-28", "Quy định đơn giá bồi thường cây trồng, vật nuôi khi Nhà nước thu hồi đất"),
        ]),
        ("31+32", "2025-07-18", [
            ("12/2025/NQ-HĐND", "HĐND tỉnh Bến Tre", "2025-06-11", "Điều chỉnh kế hoạch đầu tư công trung hạn giai đoạn 2021–2025"),
            ("13/2025/NQ-HĐND", "HĐND tỉnh Bến Tre", "2025-06-11", "Quy định mức thu học phí năm học 2025–2026"),
            ("21/2025/QĐ-UBND", "UBND tỉnh Bến Tre", "2025-07-02", "Quy chế phối hợp quản lý cụm công nghiệp trên địa bàn tỉnh"),
        ]),
        ("45+46", "2025-10-20", [
            ("30/2025/QĐ-UBND", "UBND tỉnh Bến Tre", "2025-10-01", "Quy định hạn mức giao đất ở tại nông thôn và đô thị"),
            ("31/2025/QĐ-UBND", "UBND tỉnh Bến Tre", "2025-10-08", "Sửa đổi Quy chế tổ chức và hoạt động của Cổng Thông tin điện tử tỉnh"),
        ]),
    ]
    out = []
    for number, date, docs in issues:
        year = date[:4]
        slug_no = number.replace("+", "-")
        link, sha = media_pdf(S, "cong-bao-so-%s-%s" % (slug_no, year), ["CONG BAO TINH BEN TRE", "So %s - ngay %s" % (number, date)] + [d[0] + " - " + d[3] for d in docs])
        rows = [dict(number_symbol=d[0], issuer=d[1], issue_date=d[2], summary=d[3]) for d in docs]
        lst = "\n".join("- **%s** (%s): %s" % (d[0], d[1], d[3]) for d in docs)
        out.append(("cong-bao-so-%s-nam-%s" % (slug_no, year), date + "T15:00:00+07:00",
                    "Công báo tỉnh Bến Tre số %s năm %s" % (number, year),
                    "Công báo số %s đăng %d văn bản quy phạm pháp luật của HĐND và UBND tỉnh." % (number, len(docs)),
                    "Văn bản đăng trong số này:\n\n%s\n\n[Tải Công báo (PDF)](%s)" % (lst, link),
                    dict(issue_number="%s/%s" % (number, year), issue_date=date, file=sha, documents=rows), ["công báo"]))
    return out


CONTACTS = [
    ("lien-he-chanh-van-phong-ubnd-tinh", "Lê Văn Bảy", "Chánh Văn phòng", "Văn phòng UBND tỉnh", "0275 3822 246", "0275 3827 560", "vpubnd@bentre.gov.vn"),
    ("lien-he-truong-phong-hanh-chinh-to-chuc-vpubnd", "Phạm Thị Thu Hà", "Trưởng phòng Hành chính – Tổ chức", "Văn phòng UBND tỉnh", "0275 3822 148", None, "hcth.vpubnd@bentre.gov.vn"),
    ("lien-he-giam-doc-trung-tam-thong-tin-dien-tu", "Nguyễn Hoàng Phúc", "Giám đốc Trung tâm Thông tin điện tử", "Văn phòng UBND tỉnh", "0275 3817 577", None, "cong.ttdt@bentre.gov.vn"),
]

SERVICES = [
    ("dvc-tiep-nhan-phan-anh-kien-nghi", "2.002176", "Tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính", "Kiểm soát thủ tục hành chính", "Văn phòng UBND tỉnh", "full_online", "provincial"),
    ("dvc-cap-the-apec", "1.000501", "Cho phép sử dụng thẻ đi lại của doanh nhân APEC", "Ngoại vụ", "Văn phòng UBND tỉnh", "partial_online", "provincial"),
]


def generate():
    # A few items are taken from the provincial newspaper: source and source link (Art 9.3).
    from_press = {"khai-mac-hoi-cho-xuan-at-ty-2025", "dai-hoi-the-duc-the-thao-tinh-lan-x", "le-quoc-khanh-2-9-2025"}
    for id, date, author, title, summary, body, tags in NEWS:
        press = dict(source="Báo Đồng Khởi", source_url="https://baodongkhoi.vn/") if id in from_press else {}
        english = [en for en, vi, *_ in EN if vi == id]
        write(S, id, item(S, id, title, "news", date, body, summary=summary, author=author, tags=tags,
                          translation=english[0] if english else None, **press))
    for id, vi, date, title, summary, body, tags in EN:
        write(S, id, item(S, id, title, "news", date, body, summary=summary, author="Provincial Portal editorial team",
                          tags=tags, language="en", translation=vi))
    for id, date, title, summary, body, record, tags in directions():
        write(S, id, item(S, id, title, "direction", date, body, summary=summary, author="Phòng Tổng hợp", tags=tags, record=record))
    for id, date, title, summary, body, record, tags in gazettes():
        write(S, id, item(S, id, title, "gazette-issue", date, body, summary=summary, author="Trung tâm Thông tin điện tử",
                          tags=tags, record=record))
    for id, name, position, unit, phone, fax, email in CONTACTS:
        write(S, id, item(S, id, "Liên hệ: %s, %s" % (name, position), "official-contact", "2025-02-03",
                          "Đầu mối liên hệ, tiếp nhận văn bản và phản ánh thuộc lĩnh vực %s phụ trách." % unit, author="Phòng Hành chính – Tổ chức",
                          record=dict(full_name=name, position=position, unit=unit, phone=phone, fax=fax, email=email)))
    for id, code, name, field, agency, level, admin in SERVICES:
        write(S, id, item(S, id, "Dịch vụ công trực tuyến: " + name, "public-service", "2025-03-10",
                          "Nộp hồ sơ trên Cổng Dịch vụ công quốc gia hoặc Hệ thống thông tin giải quyết thủ tục hành chính tỉnh Bến Tre.",
                          summary="Thủ tục %s, mức độ %s." % (name[0].lower() + name[1:], "toàn trình" if level == "full_online" else "một phần"),
                          author="Phòng Kiểm soát thủ tục hành chính", tags=["dịch vụ công trực tuyến"],
                          record=dict(code=code, name=name, field=field, agency=agency, level=level, admin_level=admin,
                                      link="https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=" + code)))

    # Written in NFD (decomposed), as some Mac and older editors save text: stored as NFC.
    id = "ben-tre-don-bang-cong-nhan-huyen-nong-thon-moi"
    write(S, id, item(S, id, "Huyện Chợ Lách đón Bằng công nhận đạt chuẩn nông thôn mới", "news", "2025-08-25T10:00:00+07:00",
                      "Chợ Lách là huyện thứ năm của tỉnh đạt chuẩn nông thôn mới, với 100% số xã đạt chuẩn và 4 xã đạt chuẩn nâng cao.\n\n"
                      "Thu nhập bình quân đầu người của huyện năm 2024 đạt 68 triệu đồng, tỷ lệ hộ nghèo còn 1,2%. Nghề trồng cây giống, hoa kiểng là thế mạnh giúp người dân tăng thu nhập.\n\n"
                      "*Tệp gốc của tin này được lưu ở dạng Unicode tổ hợp (NFD); Cổng chuẩn hóa về dạng dựng sẵn (NFC) khi đăng.*",
                      summary="Thủ tướng Chính phủ công nhận huyện Chợ Lách đạt chuẩn nông thôn mới năm 2024.",
                      author="Minh Trí", tags=["nông thôn mới", "Chợ Lách"]), encoding=nfd)
    # Saved by a legacy program in TCVN3 (ABC): converted to Unicode by the hub, noted on the version.
    id = "thong-bao-nghi-tet-duong-lich-2026"
    write(S, id, item(S, id, "Thông báo nghỉ Tết Dương lịch năm 2026", "news", "2025-12-15T09:00:00+07:00",
                      "Cán bộ, công chức, viên chức và người lao động các cơ quan hành chính, sự nghiệp của tỉnh được nghỉ Tết Dương lịch một ngày, thứ Năm, ngày 01/01/2026.\n\n"
                      "Các cơ quan, đơn vị bố trí trực, bảo đảm an ninh trật tự và giải quyết công việc liên tục, kịp thời.\n\n"
                      "Văn bản này được soạn thảo bằng phông chữ TCVN3 (ABC) và được chuyển sang Unicode khi đăng.",
                      summary="Cán bộ, công chức được nghỉ Tết Dương lịch năm 2026 một ngày.",
                      author="Văn phòng UBND tỉnh", tags=["thông báo", "nghỉ lễ"]), encoding=tcvn3)
