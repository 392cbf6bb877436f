#!/usr/bin/env bash
# What the Dockerfile runs, tested without Docker: the `dotnet publish` output starts in Production, serves the
# UI and its static assets, answers /healthz and /readyz, and its health probe (the container HEALTHCHECK) works.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

out=artifacts/publish
work=$(mktemp -d)
trap 'kill ${APP_PID:-} ${NATS_PID:-} 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet publish ChoriaDashboard.csproj -c Release -o "$out" --nologo -v quiet

nats_port=$(free_port); start_nats "$nats_port" "$work/nats"
web_port=$(free_port)
# Run from the publish folder, as the container does (WORKDIR /app): the content root is the working directory.
(cd "$out" && ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$web_port" Nats__Url="nats://127.0.0.1:$nats_port" \
  exec dotnet ChoriaDashboard.dll) >"$work/app.log" 2>&1 &
APP_PID=$!
base="http://127.0.0.1:$web_port"
wait_http "$base/healthz" 30 || { cat "$work/app.log"; exit 1; }
wait_http "$base/readyz" 30 || { cat "$work/app.log"; exit 1; }

fail=0
check() { # URL, text expected in the body (optional)
  local body
  if ! body=$(curl -fsS "$base$1"); then echo "FAIL $1: not 200"; fail=1; return; fi
  if [ -n "${2:-}" ] && ! grep -qF -- "$2" <<<"$body"; then echo "FAIL $1: no '$2' in ${#body} characters"; fail=1; return; fi
  echo "ok   $1"
}
check /healthz Healthy
check / "_framework/blazor.web.js"
check /nodes "node-list"
check /app.css ".node-table"
check /_content/MudBlazor/MudBlazor.min.css ".mud-"
check /_content/MudBlazor/MudBlazor.min.js ""
check /_framework/blazor.web.js ""
check /favicon.svg "<svg"
check /api/fleet '"state":"connected"'
# The hardened headers in Production too (docs: README, Security).
if curl -fsS -D - -o /dev/null "$base/" | grep -qi "^content-security-policy: default-src 'none'; script-src 'self'"; then echo "ok   / has the Content-Security-Policy"; else echo "FAIL / has no Content-Security-Policy"; fail=1; fi
if curl -fsS -D - -o /dev/null "$base/api/fleet" | grep -qi "^x-content-type-options: nosniff"; then echo "ok   /api/fleet has nosniff"; else echo "FAIL /api/fleet has no nosniff"; fail=1; fi
if ASPNETCORE_URLS="http://127.0.0.1:$web_port" dotnet "$out/ChoriaDashboard.dll" --probe "$base/healthz"; then echo "ok   --probe"; else echo "FAIL --probe"; fail=1; fi
if dotnet "$out/ChoriaDashboard.dll" --probe "http://127.0.0.1:$(free_port)/healthz" 2>/dev/null; then echo "FAIL --probe of a dead port succeeded"; fail=1; else echo "ok   --probe fails when nothing answers"; fi

# Invalid configuration: the app refuses to start and says what is wrong.
if Fleet__StaleAfter=02:00:00 dotnet "$out/ChoriaDashboard.dll" --urls "http://127.0.0.1:$(free_port)" >"$work/bad.log" 2>&1; then
  echo "FAIL invalid configuration started"; fail=1
elif grep -q "DeadAfter" "$work/bad.log"; then echo "ok   invalid configuration refused with a clear message"
else echo "FAIL invalid configuration: no clear message"; cat "$work/bad.log"; fail=1; fi

[ $fail -eq 0 ] && echo "publish smoke test: 14 passed, 0 failed" || { echo "publish smoke test failed"; cat "$work/app.log"; exit 1; }
