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

echo "==> nats-server on nats://127.0.0.1:$nats_port (pid $NATS_PID)"
echo "==> Building and starting the dashboard; a demo fleet of $nodes nodes publishes through NATS."
echo "==> Open http://$host:$web_port  (Ctrl+C stops both)"
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
