#!/usr/bin/env bash
# Server memory per open tab (issue 23), one page after another in one app process:
#   bench/tabs-memory.sh APP_DLL [--nodes 100000] [--tabs 20] [--fill 400] [--pages "/ /nodes ..."] [--app-setting Section:Key=value]...
# Starts nats-server, the published app (Production) with its demo fleet of --nodes nodes (alives every 5 minutes) and
# Fleet:SeriesInterval=1s so that the overview's chart history is full (360 samples) after --fill seconds, and a
# headless Chromium driven over its DevTools HTTP endpoint. Per page: one warm tab, then --tabs more; after each, the
# app's RSS (VmRSS) and its live managed heap (dotnet-gcdump, which forces a full GC and counts reachable objects
# only). Writes artifacts/bench/tabs.md (a table per page: RSS and live heap per tab) and keeps the .gcdump files
# beside it (`dotnet-gcdump report FILE` lists them by type). Needs dotnet-gcdump (installed as a global tool when
# missing), nats-server and chromium. Everything it starts is stopped on exit. --app-setting passes a setting to the app,
# e.g. a demo fleet that stands still for the node list: --app-setting Demo:CrashPerMille=0 (and RestartPerMille,
# UpgradePerMille).
set -euo pipefail
app="$1"; shift
nodes=100000; tabs=20; fill=400; pages="/ /nodes /events /checks /nodes/node00042.nyc3.example.net /wall"; extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes="$2"; shift 2 ;;
    --tabs) tabs="$2"; shift 2 ;;
    --fill) fill="$2"; shift 2 ;;
    --pages) pages="$2"; shift 2 ;;
    --app-setting) extra+=("--$2"); shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
out="$PWD/artifacts/bench/tabs"; mkdir -p "$out"; rm -f "$out"/*.gcdump
gcdump="$HOME/.dotnet/tools/dotnet-gcdump"
[ -x "$gcdump" ] || dotnet tool install -g dotnet-gcdump >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
nport=$(free_port); aport=$(free_port); cport=$(free_port)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
nats-server -a 127.0.0.1 -p "$nport" >"$out/nats.log" 2>&1 & pids+=($!)
chromium --headless=new --no-sandbox --disable-gpu --remote-debugging-port="$cport" --user-data-dir="$out/profile" about:blank >"$out/chromium.log" 2>&1 & pids+=($!)
sleep 1
(cd "$(dirname "$app")" && ASPNETCORE_ENVIRONMENT=Production exec dotnet "$(basename "$app")" --urls "http://127.0.0.1:$aport" \
  --Nats:Url="nats://127.0.0.1:$nport" --Auth:Mode=Unsecured --Security:MaxCircuitsPerClient=100000 \
  --Security:ApiRequestsPerMinute=1000000 --Demo:Enabled=true --Demo:Nodes="$nodes" --Demo:AliveInterval=00:05:00 \
  --Fleet:SeriesInterval=00:00:01 "${extra[@]}") >"$out/app.log" 2>&1 & apid=$!; pids+=($apid)
echo "app pid $apid on :$aport; filling the chart history for $fill s"
sleep "$fill"
rss() { awk '/VmRSS/ {print $2 * 1024}' "/proc/$apid/status"; }
heap() {
  timeout 600 "$gcdump" collect -p "$apid" -o "$out/$1.gcdump" >/dev/null 2>&1 || { echo 0; return; }
  "$gcdump" report "$out/$1.gcdump" 2>/dev/null | awk 'NR==1 {gsub(",","",$1); print $1+0; exit}'
}
tab_ids() { curl -s "http://127.0.0.1:$cport/json/list" | python3 -c "import json,sys; [print(t['id']) for t in json.load(sys.stdin) if t['type']=='page' and ':$aport/' in t['url']]"; }
open_tabs() { for _ in $(seq 1 "$2"); do curl -s -X PUT "http://127.0.0.1:$cport/json/new?http://127.0.0.1:$aport$1" >/dev/null; done; }
mb() { python3 -c "print(f'{$1/1048576:.2f}')"; }
{
  echo "# Server memory per open tab"
  echo
  echo "- Run: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- App: $app (Production), demo fleet of $nodes nodes, chart history filled for $fill s at one sample a second${extra[*]:+; settings ${extra[*]}}"
  echo "- Per page: one warm tab, then $tabs more; per tab = (after − before) / $tabs"
  echo
  echo "| Page | RSS per tab | Live heap per tab | RSS after 1 / after $((tabs + 1)) tabs | Live heap after 1 / after $((tabs + 1)) |"
  echo "|---|---|---|---|---|"
} >"$out/../tabs.md"
for page in $pages; do
  tag=$(echo "$page" | tr '/.' '__'); [ "$tag" = "_" ] && tag="_overview"
  open_tabs "$page" 1; sleep 20; r1=$(rss); h1=$(heap "$tag-1")
  open_tabs "$page" "$tabs"; sleep 60; r2=$(rss); h2=$(heap "$tag-$((tabs + 1))")
  echo "| \`$page\` | $(mb "($r2 - $r1) / $tabs") MB | $(mb "($h2 - $h1) / $tabs") MB | $(mb "$r1") / $(mb "$r2") MB | $(mb "$h1") / $(mb "$h2") MB |" >>"$out/../tabs.md"
  tail -1 "$out/../tabs.md"
  for id in $(tab_ids); do curl -s "http://127.0.0.1:$cport/json/close/$id" >/dev/null; done
  sleep 20
done
echo "written to $out/../tabs.md"
