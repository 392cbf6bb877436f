# Shared helpers for the scripts: install what is missing, find free ports, start and stop nats-server.
# shellcheck shell=bash

# ensure_packages CMD:PACKAGE ... installs each Debian PACKAGE whose CMD is not found.
ensure_packages() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd=${pair%%:*}; pkg=${pair##*:}
    if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$cmd" ] && [ ! -x "/usr/lib/chromium/$cmd" ]; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> Installing ${missing[*]} (Debian packages)"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "error: need root or sudo to run: apt-get install -y ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

nats_server_bin() {
  command -v nats-server 2>/dev/null || echo /usr/sbin/nats-server
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port: a port nothing listens on, from a high range.
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( (RANDOM % 20000) + 30000 ))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  echo "error: no free port found" >&2; return 1
}

# wait_http URL SECONDS: waits until URL answers 200.
wait_http() {
  local url=$1 deadline=$(( $(date +%s) + $2 ))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    [ "$(date +%s)" -ge "$deadline" ] && { echo "error: $url did not answer within $2 s" >&2; return 1; }
    sleep 0.2
  done
}

# start_nats PORT DIR: starts nats-server with JetStream on loopback; sets NATS_PID.
start_nats() {
  local port=$1 dir=$2
  mkdir -p "$dir"
  "$(nats_server_bin)" -a 127.0.0.1 -p "$port" -js -sd "$dir" >"$dir/nats-server.log" 2>&1 &
  NATS_PID=$!
  local deadline=$(( $(date +%s) + 15 ))
  until port_in_use "$port"; do
    kill -0 "$NATS_PID" 2>/dev/null || { echo "error: nats-server exited; see $dir/nats-server.log" >&2; cat "$dir/nats-server.log" >&2; return 1; }
    [ "$(date +%s)" -ge "$deadline" ] && { echo "error: nats-server did not listen on $port" >&2; return 1; }
    sleep 0.1
  done
}
