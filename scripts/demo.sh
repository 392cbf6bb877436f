#!/usr/bin/env bash
# Runs ChoriaDashboard on a simulated Choria fleet: installs nats-server if missing, starts it on loopback,
# and starts the dashboard with its demo fleet publishing real events through it.
#   DEMO_NODES=2000  PORT=5080  NATS_PORT=(free)  HOST=127.0.0.1
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_packages nats-server:nats-server curl:curl

host=${HOST:-127.0.0.1}
web_port=${PORT:-5080}
nats_port=${NATS_PORT:-$(free_port)}
nodes=${DEMO_NODES:-2000}
state_dir=.demo

start_nats "$nats_port" "$state_dir/nats"
trap 'kill "$NATS_PID" 2>/dev/null || true' EXIT

# Sign-in: a browser token and a wallboard token made once and kept in .demo, so the links below keep working across
# runs; the cookie's keys are kept there too, so a browser stays signed in when the demo restarts. They go to the app
# in its environment, not on the command line, where any local user could read them.
mkdir -p "$state_dir"
token_file() { [ -s "$1" ] || (umask 077; head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' > "$1"); cat "$1"; }
export Auth__BrowserToken; Auth__BrowserToken=$(token_file "$state_dir/browser-token")
export Auth__WallTokens__0__Name=demo-wall
export Auth__WallTokens__0__Token; Auth__WallTokens__0__Token=$(token_file "$state_dir/wall-token")
export Auth__KeysDirectory="$state_dir/keys"

echo "==> nats-server on nats://127.0.0.1:$nats_port (pid $NATS_PID)"
echo "==> Building and starting the dashboard; a demo fleet of $nodes nodes publishes through NATS."
echo
echo "    Sign in:    http://$host:$web_port/login?t=$Auth__BrowserToken"
echo "    Wallboard:  http://$host:$web_port/wall?token=$Auth__WallTokens__0__Token"
echo
echo "==> Ctrl+C stops both."
# The demo compresses Choria's timings: alive every 20 s instead of 30 min, so nodes turn stale (45 s)
# and dead (90 s) within a minute or two of going quiet. nats-server runs with JetStream (store in .demo/nats) and
# the dashboard creates Choria's two streams there, so a restarted dashboard replays the last minutes at start.
dotnet run --project ChoriaDashboard.csproj -c Release -- \
  --urls "http://$host:$web_port" \
  --Nats:Url="nats://127.0.0.1:$nats_port" \
  --Demo:Enabled=true --Demo:Nodes="$nodes" --Demo:AliveInterval=00:00:20 \
  --Fleet:StaleAfter=00:00:45 --Fleet:DeadAfter=00:01:30 --Fleet:ForgetAfter=00:10:00 --Fleet:CheckStaleAfter=00:01:30 \
  --Replay:CreateStreams=true --Replay:CreatedStreamMaxAge=00:30:00 \
  "$@"
