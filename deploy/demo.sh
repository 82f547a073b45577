#!/usr/bin/env bash
# `make demo`: a throw-away hub with six component portals' agents and sample content.
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
"$hub" --data-dir "$data/hub" tenant add --slug bqlkcn --name "Ban Quản lý các khu công nghiệp" --kind unit >/dev/null

"$hub" --data-dir "$data/hub" serve >"$data/hub.log" 2>&1 &
pids+=($!)
wait_port "$grpc_port"
wait_port "$http_port"

# The leaders' schedule (Monday to Friday, Vietnam time, as the hub counts weeks): written at
# start beside the sample items with dates of the current week, and some of the previous and next
# weeks, so that "this week" is never empty and the previous/next-week links lead somewhere.
vn_today="$(TZ=ICT-7 date +%F)"
monday="$(date -d "$vn_today -$(( $(date -d "$vn_today" +%u) - 1 )) days" +%F)"
weekdays=("Thứ Hai" "Thứ Ba" "Thứ Tư" "Thứ Năm" "Thứ Sáu" "Thứ Bảy" "Chủ nhật")
schedule() { # slug, days after this week's Monday (-7..13), HH:MM, id stem, leader, title, content, place, participants, preparing unit
  local slug="$1" day time="$3" hour author source published id
  day="$(date -d "$monday $2 days" +%F)"
  hour="$((10#${time%%:*})) giờ ${time#*:}"
  case "$slug" in
    vpubnd) author="Phòng Hành chính – Tổ chức" source="Văn phòng UBND tỉnh Bến Tre" ;;
    skhdt) author="Văn phòng Sở" source="Sở Kế hoạch và Đầu tư tỉnh Bến Tre" ;;
    stc) author="Văn phòng Sở" source="Sở Tài chính tỉnh Bến Tre" ;;
    chauthanh) author="Văn phòng HĐND và UBND huyện" source="Ủy ban nhân dân huyện Châu Thành" ;;
    thanhphu) author="Văn phòng HĐND và UBND huyện" source="Ủy ban nhân dân huyện Thạnh Phú" ;;
    bqlkcn) author="Văn phòng Ban" source="Ban Quản lý các khu công nghiệp tỉnh Bến Tre" ;;
  esac
  # Published on the Friday before the entry's week (the schedule is announced in advance).
  published="$(date -d "$day -$(( $(date -d "$day" +%u) + 2 )) days" +%F)"
  [[ "$published" < "$vn_today" ]] || published="$(date -d "$vn_today -1 day" +%F)"
  id="$4-ngay-$(date -d "$day" +%d-%m-%Y)"
  mkdir -p "$data/agents/$slug/content"
  cat >"$data/agents/$slug/content/$id.md" <<ITEM
---
id: $id
title: "$6 ($(date -d "$day" +%d/%m/%Y))"
category: leader-schedule
language: vi
author: "$author"
source: "$source"
published_at: ${published}T16:00:00+07:00
summary: "${weekdays[$(( $(date -d "$day" +%u) - 1 ))]}, ngày $(date -d "$day" +%d/%m/%Y), $hour: $6."
tags: [lịch công tác]
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
# shellcheck source=demo/schedule.sh
source "$root/deploy/demo/schedule.sh"

for slug in vpubnd skhdt stc chauthanh thanhphu bqlkcn; do
  token="$("$hub" --data-dir "$data/hub" token issue --tenant "$slug" --ttl 10m 2>/dev/null)"
  mkdir -p "$data/agents/$slug/content"
  cp "$root/deploy/demo/content/$slug/"*.md "$data/agents/$slug/content/"
  if compgen -G "$root/deploy/demo/content/$slug/*.json" >/dev/null; then
    cp "$root/deploy/demo/content/$slug/"*.json "$data/agents/$slug/content/"
  fi
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
  UBND huyện Thạnh Phú   http://127.0.0.1:$http_port/t/thanhphu/
  Văn phòng UBND tỉnh    http://127.0.0.1:$http_port/t/vpubnd/
  Ban Quản lý các KCN    http://127.0.0.1:$http_port/t/bqlkcn/

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
