#!/usr/bin/env bash
# Runs every test: installs nats-server, chromium, curl, Node.js and Prometheus when missing, installs the npm packages
# of the test OpenID provider, the hub's JavaScript client and the CloudEvents sender, builds with warnings as errors, checks formatting, runs
# unit, integration (real nats-server, real Prometheus), component (bUnit) and browser (Playwright in Chromium, sign-in
# against a real OpenID provider) tests, smoke-tests the publish output, and runs the benchmark script once with a
# small fleet.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_packages nats-server:nats-server chromium:chromium curl:curl node:nodejs npm:npm
# The metrics tests start a real Prometheus and run promtool (both in Debian's prometheus package).
ensure_packages prometheus:prometheus promtool:prometheus

echo "==> Test OpenID provider packages (npm ci in tests/oidc-provider)"
npm ci --prefix tests/oidc-provider --no-audit --no-fund --loglevel=error
echo "==> Hub client packages (npm ci in tests/signalr-client: @microsoft/signalr for the README's wallboard)"
npm ci --prefix tests/signalr-client --no-audit --no-fund --loglevel=error
echo "==> CloudEvents client packages (npm ci in tests/cloudevents-client: the cloudevents SDK posting to /api/events)"
npm ci --prefix tests/cloudevents-client --no-audit --no-fund --loglevel=error

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "==> Restore and build (Release, warnings are errors)"
dotnet restore ChoriaDashboard.sln --nologo -v quiet
dotnet build ChoriaDashboard.sln -c Release --no-restore --nologo -v quiet

echo "==> Format check"
dotnet format ChoriaDashboard.sln --verify-no-changes --no-restore -v quiet

echo "==> Tests"
log=$(mktemp)
status=0
# A test that hangs is stopped after 10 minutes and named in the output (no dump), so a hang fails the run
# instead of eating the CI budget.
dotnet test ChoriaDashboard.sln -c Release --no-build --nologo --blame-hang-timeout 10m --blame-hang-dump-type none 2>&1 | tee "$log" || status=$?
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
if [ "$status" -ne 0 ] || [ "$passed" -eq 0 ]; then
  echo "tests: $passed passed, $failed failed"
  exit 1
fi

echo "==> Publish smoke test"
scripts/smoke-publish.sh

if [ -x scripts/bench.sh ]; then
  echo "==> Benchmark smoke run (small fleet; figures are not asserted)"
  scripts/bench.sh --smoke
fi

echo "tests: $passed passed, $failed failed"
