# The leaders' work schedule of the demo, sourced by deploy/demo.sh, which defines `schedule`:
#   schedule SLUG DAY HH:MM ID-STEM LEADER TITLE CONTENT PLACE PARTICIPANTS PREPARING-UNIT
# DAY counts from this week's Monday: 0-4 this week, -7..-3 the previous week, 7-11 the next.

# Văn phòng UBND tỉnh: the Chairman and Vice-Chairmen of the Provincial People's Committee.
schedule vpubnd -7 08:00 lich-cong-tac-chu-tich-ubnd-tinh "Ông Trần Ngọc Tam, Chủ tịch UBND tỉnh" \
  "Chủ tịch UBND tỉnh chủ trì họp giao ban lãnh đạo UBND tỉnh" \
  "Giao ban lãnh đạo UBND tỉnh: nghe báo cáo tình hình kinh tế – xã hội trong tuần, cho ý kiến các tờ trình của sở, ngành." \
  "Phòng họp số 1, UBND tỉnh" "Các Phó Chủ tịch UBND tỉnh; Chánh Văn phòng UBND tỉnh" "Văn phòng UBND tỉnh"
schedule vpubnd -5 14:00 lich-cong-tac-pho-chu-tich-ubnd-tinh "Ông Nguyễn Minh Cảnh, Phó Chủ tịch UBND tỉnh" \
  "Phó Chủ tịch UBND tỉnh làm việc với Sở Nông nghiệp và Phát triển nông thôn về phương án phòng, chống hạn mặn" \
  "Nghe báo cáo phương án phòng, chống hạn hán, thiếu nước, xâm nhập mặn mùa khô; kế hoạch vận hành hệ thống thủy lợi Bắc Bến Tre." \
  "Phòng họp số 2, UBND tỉnh" "Lãnh đạo Sở Nông nghiệp và Phát triển nông thôn, Sở Tài chính, Sở Tài nguyên và Môi trường; Chi cục Thủy lợi" "Sở Nông nghiệp và Phát triển nông thôn"
schedule vpubnd 0 07:30 lich-cong-tac-chu-tich-ubnd-tinh "Ông Trần Ngọc Tam, Chủ tịch UBND tỉnh" \
  "Chủ tịch UBND tỉnh dự chào cờ và giao ban đầu tuần" \
  "Dự lễ chào cờ đầu tuần tại Văn phòng UBND tỉnh; sau đó chủ trì giao ban lãnh đạo UBND tỉnh." \
  "Hội trường Văn phòng UBND tỉnh" "Các Phó Chủ tịch UBND tỉnh; lãnh đạo Văn phòng UBND tỉnh" "Văn phòng UBND tỉnh"
schedule vpubnd 1 08:00 lich-cong-tac-pho-chu-tich-ubnd-tinh "Bà Nguyễn Thị Bé Mười, Phó Chủ tịch UBND tỉnh" \
  "Phó Chủ tịch UBND tỉnh dự hội nghị tổng kết công tác giáo dục nghề nghiệp" \
  "Dự và phát biểu chỉ đạo tại hội nghị tổng kết công tác giáo dục nghề nghiệp và giải quyết việc làm cho người lao động." \
  "Hội trường Sở Lao động – Thương binh và Xã hội" "Lãnh đạo Sở Lao động – Thương binh và Xã hội; hiệu trưởng các trường cao đẳng, trung cấp" "Sở Lao động – Thương binh và Xã hội"
schedule vpubnd 2 14:00 lich-cong-tac-chu-tich-ubnd-tinh "Ông Trần Ngọc Tam, Chủ tịch UBND tỉnh" \
  "Chủ tịch UBND tỉnh tiếp và làm việc với Đoàn công tác của Ngân hàng Thế giới" \
  "Làm việc với Đoàn công tác của Ngân hàng Thế giới về Dự án chống chịu khí hậu tổng hợp và sinh kế bền vững đồng bằng sông Cửu Long (MD-ICRSL)." \
  "Phòng khách UBND tỉnh" "Lãnh đạo Sở Kế hoạch và Đầu tư, Sở Tài chính, Sở Nông nghiệp và Phát triển nông thôn; Ban Quản lý dự án ODA" "Sở Kế hoạch và Đầu tư"
schedule vpubnd 3 08:00 lich-cong-tac-pho-chu-tich-ubnd-tinh "Ông Nguyễn Minh Cảnh, Phó Chủ tịch UBND tỉnh" \
  "Phó Chủ tịch UBND tỉnh kiểm tra tiến độ dự án đường ven biển" \
  "Kiểm tra thực tế tiến độ thi công và công tác bồi thường, giải phóng mặt bằng Dự án đường ven biển qua các huyện Bình Đại, Ba Tri, Thạnh Phú." \
  "Huyện Bình Đại, Ba Tri, Thạnh Phú" "Lãnh đạo Sở Giao thông vận tải, Sở Kế hoạch và Đầu tư; Ban Quản lý dự án đầu tư xây dựng các công trình giao thông; UBND các huyện ven biển" "Sở Giao thông vận tải"
schedule vpubnd 4 14:00 lich-cong-tac-chu-tich-ubnd-tinh "Ông Trần Ngọc Tam, Chủ tịch UBND tỉnh" \
  "Chủ tịch UBND tỉnh tiếp công dân định kỳ" \
  "Tiếp công dân định kỳ theo Luật Tiếp công dân; giải quyết khiếu nại về bồi thường, hỗ trợ tái định cư." \
  "Trụ sở Tiếp công dân tỉnh" "Chánh Thanh tra tỉnh; Giám đốc Sở Tài nguyên và Môi trường; Trưởng Ban Tiếp công dân tỉnh" "Ban Tiếp công dân tỉnh"
schedule vpubnd 7 08:00 lich-cong-tac-chu-tich-ubnd-tinh "Ông Trần Ngọc Tam, Chủ tịch UBND tỉnh" \
  "Chủ tịch UBND tỉnh chủ trì phiên họp UBND tỉnh thường kỳ" \
  "Phiên họp thường kỳ: đánh giá tình hình kinh tế – xã hội tháng, cho ý kiến dự thảo nghị quyết trình HĐND tỉnh." \
  "Phòng họp số 1, UBND tỉnh" "Thành viên UBND tỉnh; Thủ trưởng các sở, ban, ngành; Chủ tịch UBND các huyện, thành phố" "Văn phòng UBND tỉnh"
schedule vpubnd 9 09:00 lich-cong-tac-pho-chu-tich-ubnd-tinh "Bà Nguyễn Thị Bé Mười, Phó Chủ tịch UBND tỉnh" \
  "Phó Chủ tịch UBND tỉnh dự lễ khai mạc Tuần lễ Văn hóa – Du lịch dừa" \
  "Dự lễ khai mạc, tham quan gian hàng sản phẩm OCOP và làng nghề truyền thống." \
  "Quảng trường Đồng Khởi, thành phố Bến Tre" "Lãnh đạo Sở Văn hóa, Thể thao và Du lịch; Sở Công Thương; UBND thành phố Bến Tre" "Sở Văn hóa, Thể thao và Du lịch"

# Sở Kế hoạch và Đầu tư.
schedule skhdt -6 08:00 lich-cong-tac-giam-doc-so "Ông Nguyễn Văn Thắng, Giám đốc Sở" \
  "Giám đốc Sở làm việc với nhà đầu tư dự án nhà máy sợi kỹ thuật" \
  "Làm việc với nhà đầu tư về hồ sơ đề nghị chấp thuận chủ trương đầu tư dự án nhà máy sợi kỹ thuật tại Khu công nghiệp Giao Long." \
  "Phòng họp số 1, Sở Kế hoạch và Đầu tư" "Phòng Đầu tư và Xúc tiến đầu tư; Ban Quản lý các khu công nghiệp" "Phòng Đầu tư và Xúc tiến đầu tư"
schedule skhdt 0 07:30 lich-cong-tac-giam-doc-so "Ông Nguyễn Văn Thắng, Giám đốc Sở" \
  "Giám đốc Sở chủ trì giao ban lãnh đạo Sở đầu tuần" \
  "Giao ban lãnh đạo Sở: kiểm điểm công việc tuần trước, phân công nhiệm vụ trọng tâm trong tuần." \
  "Phòng họp số 1, Sở Kế hoạch và Đầu tư" "Các Phó Giám đốc Sở; Chánh Văn phòng, Trưởng các phòng chuyên môn" "Văn phòng Sở"
schedule skhdt 1 14:00 lich-cong-tac-pho-giam-doc-so "Bà Lê Thị Ngọc Diệp, Phó Giám đốc Sở" \
  "Phó Giám đốc Sở chủ trì họp thẩm định hồ sơ mời thầu dự án nhà máy xử lý chất thải rắn (PPP)" \
  "Họp thẩm định hồ sơ mời thầu lựa chọn nhà đầu tư dự án nhà máy xử lý chất thải rắn sinh hoạt tập trung tỉnh Bến Tre theo phương thức PPP." \
  "Phòng họp số 2, Sở Kế hoạch và Đầu tư" "Đại diện Sở Tài nguyên và Môi trường, Sở Xây dựng, Sở Tài chính; tổ chuyên gia đấu thầu" "Phòng Kinh tế ngành"
schedule skhdt 3 08:00 lich-cong-tac-giam-doc-so "Ông Nguyễn Văn Thắng, Giám đốc Sở" \
  "Giám đốc Sở làm việc với UBND huyện Châu Thành về giải ngân vốn đầu tư công" \
  "Làm việc với UBND huyện Châu Thành về tiến độ giải ngân vốn đầu tư công và bồi thường, giải phóng mặt bằng đường dẫn cầu Rạch Miễu 2." \
  "Hội trường UBND huyện Châu Thành" "Trưởng phòng Tổng hợp; lãnh đạo UBND huyện Châu Thành, Ban Quản lý dự án đầu tư xây dựng huyện" "Phòng Tổng hợp"
schedule skhdt 8 14:00 lich-cong-tac-pho-giam-doc-so "Ông Võ Minh Tuấn, Phó Giám đốc Sở" \
  "Phó Giám đốc Sở dự hội nghị trực tuyến của Bộ Kế hoạch và Đầu tư về đầu tư công" \
  "Dự hội nghị trực tuyến toàn quốc về tình hình giải ngân vốn đầu tư công và kế hoạch năm sau." \
  "Điểm cầu trực tuyến UBND tỉnh" "Phòng Tổng hợp; Phòng Kinh tế ngành" "Phòng Tổng hợp"

# Sở Tài chính.
schedule stc 0 08:00 lich-cong-tac-giam-doc-so-tai-chinh "Ông Trần Quốc Hùng, Giám đốc Sở" \
  "Giám đốc Sở họp thẩm định dự toán ngân sách năm sau của các sở, ngành" \
  "Thảo luận, thẩm định dự toán thu, chi ngân sách năm sau của các đơn vị dự toán cấp tỉnh." \
  "Phòng họp Sở Tài chính" "Phòng Quản lý ngân sách; đại diện các đơn vị dự toán cấp tỉnh" "Phòng Quản lý ngân sách"
schedule stc 2 08:00 lich-cong-tac-pho-giam-doc-so-tai-chinh "Bà Đoàn Thị Mỹ Hạnh, Phó Giám đốc Sở" \
  "Phó Giám đốc Sở chủ trì Hội đồng thẩm định giá đất cụ thể" \
  "Thẩm định giá đất cụ thể để tính tiền bồi thường dự án mở rộng Quốc lộ 57 đoạn qua huyện Mỏ Cày Nam." \
  "Phòng họp Sở Tài chính" "Thành viên Hội đồng thẩm định giá đất tỉnh; đại diện UBND huyện Mỏ Cày Nam" "Phòng Quản lý giá và Công sản"
schedule stc 9 14:00 lich-cong-tac-giam-doc-so-tai-chinh "Ông Trần Quốc Hùng, Giám đốc Sở" \
  "Giám đốc Sở làm việc với Kho bạc Nhà nước về thanh toán vốn cuối năm" \
  "Làm việc về tiến độ kiểm soát chi, thanh toán vốn đầu tư công và khóa sổ kế toán ngân sách cuối năm." \
  "Kho bạc Nhà nước khu vực XIX – Bến Tre" "Phòng Tài chính đầu tư; lãnh đạo Kho bạc Nhà nước khu vực" "Phòng Tài chính đầu tư"

# UBND huyện Châu Thành.
schedule chauthanh -4 08:00 lich-cong-tac-chu-tich-ubnd-huyen "Ông Huỳnh Văn Tâm, Chủ tịch UBND huyện" \
  "Chủ tịch UBND huyện kiểm tra công trình đường giao thông nông thôn xã Tân Thạch" \
  "Kiểm tra tiến độ, chất lượng thi công các tuyến đường giao thông nông thôn thuộc kế hoạch năm." \
  "Xã Tân Thạch" "Phòng Kinh tế và Hạ tầng; Ban Quản lý dự án đầu tư xây dựng huyện; UBND xã Tân Thạch" "Phòng Kinh tế và Hạ tầng"
schedule chauthanh 0 08:00 lich-cong-tac-chu-tich-ubnd-huyen "Ông Huỳnh Văn Tâm, Chủ tịch UBND huyện" \
  "Chủ tịch UBND huyện chủ trì phiên họp UBND huyện thường kỳ" \
  "Phiên họp UBND huyện thường kỳ: đánh giá tình hình kinh tế – xã hội tháng, cho ý kiến kế hoạch đầu tư công năm sau." \
  "Phòng họp UBND huyện Châu Thành" "Thành viên UBND huyện; Thủ trưởng các phòng, ban chuyên môn; Chủ tịch UBND các xã, thị trấn" "Văn phòng HĐND và UBND huyện"
schedule chauthanh 2 14:00 lich-cong-tac-pho-chu-tich-ubnd-huyen "Bà Trương Thị Mỹ Linh, Phó Chủ tịch UBND huyện" \
  "Phó Chủ tịch UBND huyện kiểm tra công tác phòng, chống xâm nhập mặn tại xã Tân Thạch" \
  "Kiểm tra việc vận hành cống, tích trữ nước ngọt và điểm cấp nước sinh hoạt cho hộ khó khăn tại xã Tân Thạch, Quới Sơn." \
  "UBND xã Tân Thạch và các điểm cấp nước" "Phòng Nông nghiệp và Phát triển nông thôn; Trạm Thủy lợi huyện; UBND xã Tân Thạch, Quới Sơn" "Phòng Nông nghiệp và Phát triển nông thôn"
schedule chauthanh 4 07:30 lich-cong-tac-chu-tich-ubnd-huyen "Ông Huỳnh Văn Tâm, Chủ tịch UBND huyện" \
  "Chủ tịch UBND huyện tiếp công dân định kỳ" \
  "Tiếp công dân định kỳ, giải quyết khiếu nại, kiến nghị của công dân về đất đai và bồi thường, hỗ trợ tái định cư." \
  "Trụ sở Tiếp công dân huyện Châu Thành" "Chánh Thanh tra huyện; Trưởng phòng Tài nguyên và Môi trường; Ban Tiếp công dân huyện" "Ban Tiếp công dân huyện"
schedule chauthanh 10 08:00 lich-cong-tac-pho-chu-tich-ubnd-huyen "Bà Trương Thị Mỹ Linh, Phó Chủ tịch UBND huyện" \
  "Phó Chủ tịch UBND huyện dự lễ ra quân chiến dịch vệ sinh môi trường" \
  "Dự lễ ra quân chiến dịch thu gom rác thải, khơi thông dòng chảy kênh rạch trên địa bàn huyện." \
  "Thị trấn Tiên Thủy" "Phòng Tài nguyên và Môi trường; Huyện Đoàn; UBND thị trấn Tiên Thủy" "Phòng Tài nguyên và Môi trường"

# UBND huyện Thạnh Phú.
schedule thanhphu -3 14:00 lich-cong-tac-chu-tich-ubnd-huyen-thanh-phu "Ông Lê Hoàng Vũ, Chủ tịch UBND huyện" \
  "Chủ tịch UBND huyện kiểm tra công trình kè biển Thạnh Hải" \
  "Kiểm tra tiến độ thi công kè chống sạt lở bờ biển xã Thạnh Hải và phương án bảo vệ rừng phòng hộ." \
  "Xã Thạnh Hải" "Phòng Nông nghiệp và Phát triển nông thôn; Hạt Kiểm lâm huyện; UBND xã Thạnh Hải" "Phòng Nông nghiệp và Phát triển nông thôn"
schedule thanhphu 0 07:30 lich-cong-tac-chu-tich-ubnd-huyen-thanh-phu "Ông Lê Hoàng Vũ, Chủ tịch UBND huyện" \
  "Chủ tịch UBND huyện họp giao ban Thường trực UBND huyện" \
  "Giao ban Thường trực UBND huyện, triển khai nhiệm vụ trọng tâm trong tuần." \
  "Phòng họp UBND huyện Thạnh Phú" "Các Phó Chủ tịch UBND huyện; Chánh Văn phòng HĐND và UBND huyện" "Văn phòng HĐND và UBND huyện"
schedule thanhphu 1 08:00 lich-cong-tac-pho-chu-tich-ubnd-huyen-thanh-phu "Ông Phạm Văn Ngoan, Phó Chủ tịch UBND huyện" \
  "Phó Chủ tịch UBND huyện kiểm tra vùng nuôi tôm xã An Điền" \
  "Kiểm tra tình hình nuôi tôm nước lợ, công tác phòng chống dịch bệnh và quan trắc môi trường vùng nuôi." \
  "Xã An Điền" "Phòng Nông nghiệp và Phát triển nông thôn; Trạm Chăn nuôi và Thú y; UBND xã An Điền" "Phòng Nông nghiệp và Phát triển nông thôn"
schedule thanhphu 3 14:00 lich-cong-tac-chu-tich-ubnd-huyen-thanh-phu "Ông Lê Hoàng Vũ, Chủ tịch UBND huyện" \
  "Chủ tịch UBND huyện đối thoại với người dân về bồi thường dự án đường ven biển" \
  "Đối thoại với các hộ dân bị ảnh hưởng bởi dự án đường ven biển đoạn qua xã Thạnh Phong, Giao Thạnh." \
  "Hội trường UBND xã Thạnh Phong" "Phòng Tài nguyên và Môi trường; Trung tâm Phát triển quỹ đất; UBND các xã Thạnh Phong, Giao Thạnh" "Trung tâm Phát triển quỹ đất huyện"
schedule thanhphu 8 08:00 lich-cong-tac-pho-chu-tich-ubnd-huyen-thanh-phu "Ông Phạm Văn Ngoan, Phó Chủ tịch UBND huyện" \
  "Phó Chủ tịch UBND huyện dự hội nghị tổng kết mùa vụ lúa – tôm" \
  "Dự hội nghị tổng kết mô hình luân canh lúa – tôm càng xanh và triển khai kế hoạch vụ mới." \
  "Hội trường UBND xã Mỹ An" "Phòng Nông nghiệp và Phát triển nông thôn; Hội Nông dân huyện; các hợp tác xã" "Phòng Nông nghiệp và Phát triển nông thôn"

# Ban Quản lý các khu công nghiệp.
schedule bqlkcn 0 14:00 lich-cong-tac-truong-ban-bqlkcn "Ông Lê Văn Nhã, Trưởng Ban" \
  "Trưởng Ban làm việc với doanh nghiệp hạ tầng Khu công nghiệp Phú Thuận" \
  "Làm việc về tiến độ đầu tư hạ tầng giai đoạn I và kế hoạch thu hút nhà đầu tư thứ cấp." \
  "Phòng họp Ban Quản lý các khu công nghiệp" "Phòng Quản lý đầu tư; Phòng Quản lý quy hoạch và xây dựng" "Phòng Quản lý đầu tư"
schedule bqlkcn 2 08:00 lich-cong-tac-pho-truong-ban-bqlkcn "Bà Nguyễn Thị Kiều Oanh, Phó Trưởng Ban" \
  "Phó Trưởng Ban kiểm tra công tác bảo vệ môi trường tại Khu công nghiệp An Hiệp" \
  "Kiểm tra vận hành trạm xử lý nước thải tập trung và việc đấu nối nước thải của doanh nghiệp." \
  "Khu công nghiệp An Hiệp" "Phòng Quản lý môi trường; đại diện Sở Tài nguyên và Môi trường" "Phòng Quản lý môi trường"
schedule bqlkcn 11 08:00 lich-cong-tac-truong-ban-bqlkcn "Ông Lê Văn Nhã, Trưởng Ban" \
  "Trưởng Ban tiếp đoàn nhà đầu tư Nhật Bản" \
  "Giới thiệu môi trường đầu tư, quỹ đất sạch tại các khu công nghiệp Giao Long, An Hiệp, Phú Thuận." \
  "Phòng khách Ban Quản lý các khu công nghiệp" "Phòng Quản lý đầu tư; Trung tâm Xúc tiến đầu tư và Hỗ trợ doanh nghiệp" "Phòng Quản lý đầu tư"
