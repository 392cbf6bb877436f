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
#   scripts/bench.sh flood [ARGS]    bad publishers against the caps at their defaults: a 10,000-node fleet, then 5,000
#                                    made-up components, 1.1 million made-up checks, 300,000 made-up nodes; RSS after
#                                    each, every refusal counted, the valid fleet exact at the end; ARGS e.g. --smoke
#   scripts/bench.sh faults [ARGS]   faults (issue 22), each against a fresh nats-server and app: the broker restarted 10
#                                    times under steady load, a slow consumer, 1,000,000 hostile messages then the valid
#                                    fleet, SIGTERM under load, Chromium tabs opened and closed in rounds of 100; and on a
#                                    fresh three-node cluster (`cluster`): the app's broker killed 3 times under load from
#                                    the other two, a broker killed mid-replay of 100,000 nodes (about 15 minutes in all);
#                                    ARGS e.g. --smoke (about 2 minutes) or --only restarts,cluster.
#                                    Writes artifacts/bench/reliability.md; docs/reliability.md is a full run's copy
#   scripts/bench.sh tabs [ARGS]     server memory per open tab (issue 23), page by page in one app holding a 100,000-node
#                                    demo fleet with a full chart history: RSS and live heap (dotnet-gcdump) after one
#                                    tab and after 20 more; ARGS e.g. --nodes 2000 --fill 30 --pages "/ /nodes" --app-setting Demo:CrashPerMille=0.
#                                    About 15 minutes; artifacts/bench/tabs.md
#   scripts/bench.sh replay [ARGS]   restart recovery: 100,000 nodes x 3 events in Choria Streams, process start to a
#                                    complete view with replay (3 runs) and without; ARGS e.g. --nodes 2000 --runs 1
#   scripts/bench.sh million [ARGS]  a million nodes: the startup storm at 20,000/s and at full speed, the node list's
#                                    first row, RSS with every node's history, a replay of 3,000,000 events (about 25
#                                    minutes); artifacts/bench/million-*.md
#   scripts/bench.sh day [ARGS]      a simulated day (issue 22): the app's fleet store on a manual clock, 100,000 nodes
#                                    for 30 simulated hours (restarts, a rolling upgrade, deaths, new nodes, checks) in
#                                    about 13 minutes; memory, node states and every bound after each hour, forgotten
#                                    nodes and the node list at the end; exits non-zero when a check fails. ARGS e.g.
#                                    --smoke (2,000 nodes, 26 h, seconds), --nodes 20000, --hours 26. Report:
#                                    artifacts/bench/day.md (day-smoke.md)
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
  # The app as it ships: published output for this machine's runtime (ReadyToRun, as the Dockerfile publishes it),
  # Production environment.
  dotnet publish ChoriaDashboard.csproj -c Release --use-current-runtime -o artifacts/bench/app -nologo -v q
}

mode="${1:-full}"
case "$mode" in
  micro)
    shift
    dotnet build bench/ChoriaDashboard.Bench/ChoriaDashboard.Bench.csproj -c Release -nologo -v q
    BENCH_ARTIFACTS="$PWD/artifacts/bench/micro" dotnet bench/ChoriaDashboard.Bench/bin/Release/net10.0/ChoriaDashboard.Bench.dll "$@"
    ;;
  day)
    shift
    dotnet build bench/ChoriaDashboard.Bench/ChoriaDashboard.Bench.csproj -c Release -nologo -v q
    timeout --kill-after=30 2400 dotnet bench/ChoriaDashboard.Bench/bin/Release/net10.0/ChoriaDashboard.Bench.dll --day "$@"
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
  flood)
    shift
    ensure_packages nats-server:nats-server
    build_bench
    timeout --kill-after=30 1200 dotnet bench/ChoriaDashboard.LoadGen/bin/Release/net10.0/ChoriaDashboard.LoadGen.dll \
      flood --app artifacts/bench/app/ChoriaDashboard.dll --environment Production "$@"
    ;;
  tabs)
    shift
    need
    build_bench
    # bench/tabs-memory.sh bounds each step; timeout is the backstop.
    timeout --kill-after=30 2400 bench/tabs-memory.sh artifacts/bench/app/ChoriaDashboard.dll "$@"
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
  million)
    # A million nodes (issue 23), Fleet:MaxNodes raised to fit: the startup storm at a fleet's pace (20,000/s) with the
    # node list's first row and RSS once every node has sent 32 alives; the storm as fast as one client publishes; a
    # restart replaying 3,000,000 events from Choria Streams. About 25 minutes; artifacts/bench/million-*.md.
    shift
    need
    build_bench
    loadgen=bench/ChoriaDashboard.LoadGen/bin/Release/net10.0/ChoriaDashboard.LoadGen.dll
    common=(--app artifacts/bench/app/ChoriaDashboard.dll --environment Production --app-setting Fleet:MaxNodes=1000000)
    status=0
    timeout --kill-after=30 1200 dotnet "$loadgen" measure "${common[@]}" --nodes 1000000 --browsers 1 \
      --only storm,render,memory --storm-rate 20000 --out artifacts/bench/million-paced.md "$@" || status=$?
    timeout --kill-after=30 900 dotnet "$loadgen" measure "${common[@]}" --nodes 1000000 --browsers 1 \
      --only storm --out artifacts/bench/million-full-speed.md "$@" || status=$?
    timeout --kill-after=30 1800 dotnet "$loadgen" replay "${common[@]}" --nodes 1000000 --runs 1 \
      --out artifacts/bench/million-replay.md || status=$?
    exit "$status"
    ;;
  full)
    need
    build_bench
    timeout --kill-after=30 1500 dotnet bench/ChoriaDashboard.LoadGen/bin/Release/net10.0/ChoriaDashboard.LoadGen.dll \
      measure --nodes 100000 --app artifacts/bench/app/ChoriaDashboard.dll --environment Production
    ;;
  *)
    echo "usage: scripts/bench.sh [--smoke | micro [ARGS] | measure [ARGS] | replay [ARGS] | flood [ARGS] | faults [ARGS] | webhooks [ARGS] | day [ARGS]]" >&2
    exit 2
    ;;
esac
