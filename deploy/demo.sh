#!/usr/bin/env bash
# `make demo`: a throw-away hub with three component portals' agents and sample content.
# Everything lives in ./demo-data (removed at the next start); Ctrl-C stops it all.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
data="${DEMO_DIR:-$root/demo-data}"
http_port="${DEMO_HTTP_PORT:-8080}"
grpc_port="${DEMO_GRPC_PORT:-7443}"
# cargo puts the binaries under CARGO_TARGET_DIR when it is set (relative to $root here).
target="${CARGO_TARGET_DIR:-target}"
[[ "$target" = /* ]] || target="$root/$target"
hub="$target/debug/portal-hub"
agent="$target/debug/portal-agent"

echo "==> building"
(cd "$root" && cargo build --bins --quiet)

rm -rf "$data"
mkdir -p "$data"
pids=()
cleanup() {
  echo
  echo "==> stopping"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

wait_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "port $1 did not open; see $data/hub.log" >&2
  exit 1
}

echo "==> initialising the hub in $data/hub"
"$hub" --data-dir "$data/hub" init --domain bentre.gov.vn --hub-name localhost --hub-name 127.0.0.1 >/dev/null
cat >>"$data/hub/hub.toml" <<TOML
grpc_listen = "127.0.0.1:$grpc_port"
http_listen = "127.0.0.1:$http_port"
public_scheme = "http"
TOML

"$hub" --data-dir "$data/hub" tenant add --slug vpubnd --name "Văn phòng UBND tỉnh" --kind provincial_office >/dev/null
"$hub" --data-dir "$data/hub" tenant add --slug skhdt --name "Sở Kế hoạch và Đầu tư" --kind department >/dev/null
"$hub" --data-dir "$data/hub" tenant add --slug stc --name "Sở Tài chính" --kind department >/dev/null
"$hub" --data-dir "$data/hub" tenant add --slug chauthanh --name "UBND huyện Châu Thành" --kind district >/dev/null
"$hub" --data-dir "$data/hub" tenant add --slug thanhphu --name "UBND huyện Thạnh Phú" --kind district >/dev/null

"$hub" --data-dir "$data/hub" serve >"$data/hub.log" 2>&1 &
pids+=($!)
wait_port "$grpc_port"
wait_port "$http_port"

# The leaders' schedule of the current week (Monday to Friday, Vietnam time, as the hub counts
# weeks), so that "this week" on the home pages is never empty: written beside the sample items.
vn_today="$(TZ=ICT-7 date +%F)"
monday="$(date -d "$vn_today -$(( $(date -d "$vn_today" +%u) - 1 )) days" +%F)"
weekdays=("Thứ Hai" "Thứ Ba" "Thứ Tư" "Thứ Năm" "Thứ Sáu")
schedule() { # slug, days after Monday, HH:MM, id stem, leader, title, content, place, participants, preparing unit
  local slug="$1" day time="$3" hour author source site
  day="$(date -d "$monday +$2 days" +%F)"
  hour="$((10#${time%%:*})) giờ ${time#*:}"
  case "$slug" in
    skhdt) author="Văn phòng Sở" source="Sở Kế hoạch và Đầu tư tỉnh Bến Tre" ;;
    stc) author="Văn phòng Sở" source="Sở Tài chính tỉnh Bến Tre" ;;
    *) author="Văn phòng HĐND và UBND huyện" source="Ủy ban nhân dân huyện Châu Thành" ;;
  esac
  site="https://$slug.bentre.gov.vn/lich-cong-tac/tuan-$(date -d "$monday" +%V-%G)"
  mkdir -p "$data/agents/$slug/content"
  cat >"$data/agents/$slug/content/$4-ngay-$(date -d "$day" +%d-%m-%Y).md" <<ITEM
---
id: $4-ngay-$(date -d "$day" +%d-%m-%Y)
title: "$6 ($(date -d "$day" +%d/%m/%Y))"
category: leader-schedule
language: vi
author: "$author"
source: "$source"
source_url: "$site"
published_at: $(date -d "$monday -3 days" +%F)T16:00:00+07:00
summary: "${weekdays[$2]}, ngày $(date -d "$day" +%d/%m/%Y), $hour: $6."
tags: [lịch công tác, tuần này]
record:
  date: "$day"
  time: "$time"
  leader: "$5"
  content: "$7"
  place: "$8"
  participants: "$9"
  preparing_unit: "${10}"
---
ITEM
}
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

for slug in skhdt stc chauthanh; do
  token="$("$hub" --data-dir "$data/hub" token issue --tenant "$slug" --ttl 10m 2>/dev/null)"
  mkdir -p "$data/agents/$slug/content"
  cp "$root/deploy/demo/content/$slug/"*.md "$data/agents/$slug/content/"
  # Files the items link to and name in media fields (documents, maps), under tep/ beside them.
  if [[ -d "$root/deploy/demo/media/$slug" ]]; then
    cp -R "$root/deploy/demo/media/$slug/." "$data/agents/$slug/content/"
  fi
  printf '%s\n' "$token" | "$agent" --data-dir "$data/agents/$slug/data" enroll \
    --hub "127.0.0.1:$grpc_port" --token-file - --ca-file "$data/hub/pki/ca.pem" \
    --name "demo-$slug" --content-dir "$data/agents/$slug/content" >/dev/null
  "$agent" --data-dir "$data/agents/$slug/data" run >"$data/agents/$slug/agent.log" 2>&1 &
  pids+=($!)
  echo "==> agent for $slug enrolled and running (content: $data/agents/$slug/content)"
done

sleep 2
cat <<MSG

The provincial portal and its component portals are up:

  Provincial portal      http://127.0.0.1:$http_port/
  Sở Kế hoạch và Đầu tư  http://127.0.0.1:$http_port/t/skhdt/
  Sở Tài chính           http://127.0.0.1:$http_port/t/stc/
  UBND huyện Châu Thành  http://127.0.0.1:$http_port/t/chauthanh/

Things to try:

  A table with filters   http://127.0.0.1:$http_port/categories/investment-project?status=in_progress
                         (also legal-document, procurement-project, public-service, research-programme)
  Leaders' schedule      http://127.0.0.1:$http_port/categories/leader-schedule   (week of $monday)
  English version        http://127.0.0.1:$http_port/en/
  Portal map             http://127.0.0.1:$http_port/so-do-cong

Sub-domain routing works too, e.g.  curl -H 'Host: skhdt.bentre.gov.vn' http://127.0.0.1:$http_port/
Edit, add or delete a .md file under $data/agents/<slug>/content and reload the page.
Agent status:   $agent --data-dir $data/agents/skhdt/data status
Logs:           $data/hub.log, $data/agents/<slug>/agent.log

Press Ctrl-C to stop.
MSG

wait
