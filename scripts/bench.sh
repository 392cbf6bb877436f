#!/usr/bin/env bash
# Benchmarks for ChoriaDashboard (issue 3). Loopback only; everything it starts stops by itself.
#
#   scripts/bench.sh                 end-to-end: 100,000 nodes, 50 browsers (about 6-8 minutes on 2 cores)
#   scripts/bench.sh --smoke         the same machinery at 2,000 nodes and 5 browsers (under 2 minutes), for CI:
#                                    fails only if the machinery fails, not on a missed target
#   scripts/bench.sh micro [ARGS]    BenchmarkDotNet micro-benchmarks (decode, FleetState, NodeQuery); ARGS go to it,
#                                    e.g. --filter '*Decode*' or --full
#   scripts/bench.sh measure [ARGS]  end-to-end with any LoadGen measure options (see: --help)
#   scripts/bench.sh webhooks [ARGS] the 100,000-node startup storm without webhooks, then with three endpoints (two
#                                    fast, one dead), and deliveries per second; ARGS e.g. --smoke or --nodes 20000
#   scripts/bench.sh faults [ARGS]   faults on one broker (issue 22), each against a fresh nats-server and app: the broker
#                                    restarted 10 times under steady load, a slow consumer, 1,000,000 hostile messages
#                                    then the valid fleet, SIGTERM under load, Chromium tabs opened and closed in rounds
#                                    of 100 (about 6 minutes); ARGS e.g. --smoke (about 80 s) or --only restarts,tabs.
#                                    Writes artifacts/bench/reliability.md; docs/reliability.md is a full run's copy
#   scripts/bench.sh replay [ARGS]   restart recovery: 100,000 nodes x 3 events in Choria Streams, process start to a
#                                    complete view with replay (3 runs) and without; ARGS e.g. --nodes 2000 --runs 1
#
# Results: artifacts/bench/results.md (or results-smoke.md; faults: reliability.md), logs of nats-server and the app beside it,
# micro-benchmark reports under artifacts/bench/micro/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

need() {
  ensure_packages nats-server:nats-server chromium:chromium
}

build_bench() {
  dotnet build bench/ChoriaDashboard.LoadGen/ChoriaDashboard.LoadGen.csproj -c Release -nologo -v q
  # The app as it ships: published output, Production environment.
  dotnet publish ChoriaDashboard.csproj -c Release -o artifacts/bench/app -nologo -v q
}

mode="${1:-full}"
case "$mode" in
  micro)
    shift
    dotnet build bench/ChoriaDashboard.Bench/ChoriaDashboard.Bench.csproj -c Release -nologo -v q
    BENCH_ARTIFACTS="$PWD/artifacts/bench/micro" dotnet bench/ChoriaDashboard.Bench/bin/Release/net10.0/ChoriaDashboard.Bench.dll "$@"
    ;;
  --smoke|smoke)
    need
    build_bench
    # Bounded twice: the runner gives up by itself after 5 minutes; timeout is the backstop.
    timeout --kill-after=30 420 dotnet bench/ChoriaDashboard.LoadGen/bin/Release/net10.0/ChoriaDashboard.LoadGen.dll \
      measure --smoke --app artifacts/bench/app/ChoriaDashboard.dll --environment Production
    ;;
  measure)
    shift
    need
    build_bench
    timeout --kill-after=30 1500 dotnet bench/ChoriaDashboard.LoadGen/bin/Release/net10.0/ChoriaDashboard.LoadGen.dll \
      measure --app artifacts/bench/app/ChoriaDashboard.dll --environment Production "$@"
    ;;
  webhooks)
    shift
    ensure_packages nats-server:nats-server
    build_bench
    timeout --kill-after=30 900 dotnet bench/ChoriaDashboard.LoadGen/bin/Release/net10.0/ChoriaDashboard.LoadGen.dll \
      webhooks --app artifacts/bench/app/ChoriaDashboard.dll --environment Production "$@"
    ;;
  faults)
    shift
    need
    build_bench
    # The runner bounds each wait itself; timeout is the backstop.
    timeout --kill-after=30 2400 dotnet bench/ChoriaDashboard.LoadGen/bin/Release/net10.0/ChoriaDashboard.LoadGen.dll \
      faults --app artifacts/bench/app/ChoriaDashboard.dll --environment Production "$@"
    ;;
  replay)
    shift
    ensure_packages nats-server:nats-server
    build_bench
    timeout --kill-after=30 1200 dotnet bench/ChoriaDashboard.LoadGen/bin/Release/net10.0/ChoriaDashboard.LoadGen.dll \
      replay --app artifacts/bench/app/ChoriaDashboard.dll --environment Production "$@"
    ;;
  full)
    need
    build_bench
    timeout --kill-after=30 1500 dotnet bench/ChoriaDashboard.LoadGen/bin/Release/net10.0/ChoriaDashboard.LoadGen.dll \
      measure --nodes 100000 --app artifacts/bench/app/ChoriaDashboard.dll --environment Production
    ;;
  *)
    echo "usage: scripts/bench.sh [--smoke | micro [ARGS] | measure [ARGS] | faults [ARGS] | replay [ARGS] | webhooks [ARGS]]" >&2
    exit 2
    ;;
esac
