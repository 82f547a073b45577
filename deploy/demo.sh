#!/usr/bin/env bash
# `make demo`: a throw-away hub with three component portals' agents and sample content.
# Everything lives in ./demo-data (removed at the next start); Ctrl-C stops it all.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
data="${DEMO_DIR:-$root/demo-data}"
http_port="${DEMO_HTTP_PORT:-8080}"
grpc_port="${DEMO_GRPC_PORT:-7443}"
hub="$root/target/debug/portal-hub"
agent="$root/target/debug/portal-agent"

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

for slug in skhdt stc chauthanh; do
  token="$("$hub" --data-dir "$data/hub" token issue --tenant "$slug" --ttl 10m 2>/dev/null)"
  mkdir -p "$data/agents/$slug/content"
  cp "$root/deploy/demo/content/$slug/"*.md "$data/agents/$slug/content/"
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

Sub-domain routing works too, e.g.  curl -H 'Host: skhdt.bentre.gov.vn' http://127.0.0.1:$http_port/
Edit, add or delete a .md file under $data/agents/<slug>/content and reload the page.
Agent status:   $agent --data-dir $data/agents/skhdt/data status
Logs:           $data/hub.log, $data/agents/<slug>/agent.log

Press Ctrl-C to stop.
MSG

wait
