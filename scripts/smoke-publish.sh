#!/usr/bin/env bash
# What the Dockerfile runs, tested without Docker: the `dotnet publish` output starts in Production with the default
# sign-in (a browser token, logged at start), refuses the anonymous, serves the UI to a browser that opened the logged
# link and the API to an API key, serves its static assets and /healthz and /readyz to anyone, and its health probe (the
# container HEALTHCHECK) works.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

out=artifacts/publish
work=$(mktemp -d)
trap 'kill ${APP_PID:-} ${NATS_PID:-} 2>/dev/null || true; rm -rf "$work"' EXIT

echo "publishing to $out"
# As the Dockerfile: for this machine's runtime, so ReadyToRun (ChoriaDashboard.csproj).
if ! dotnet publish ChoriaDashboard.csproj -c Release -o "$out" --use-current-runtime --nologo -v quiet >"$work/publish.log" 2>&1; then
  echo "FAIL dotnet publish:"; cat "$work/publish.log"; exit 1
fi
# Precompiled code carries a ReadyToRun header ('RTR'); an IL-only assembly has none.
if LC_ALL=C grep -qaP 'RTR\x00' "$out/ChoriaDashboard.dll"; then echo "ok   ChoriaDashboard.dll is ReadyToRun"; else echo "FAIL ChoriaDashboard.dll is not ReadyToRun"; exit 1; fi

nats_port=$(free_port); start_nats "$nats_port" "$work/nats" || { echo "FAIL nats-server did not start"; exit 1; }
echo "nats-server on $nats_port, the app on the next free port"
web_port=$(free_port)
# Run from the publish folder, as the container does (WORKDIR /app): the content root is the working directory.
api_key=smoke-api-key-0123456789abcdef
(cd "$out" && ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$web_port" Nats__Url="nats://127.0.0.1:$nats_port" \
  Auth__ApiKeys__0__Name=smoke Auth__ApiKeys__0__Key=$api_key Auth__KeysDirectory="$work/keys" \
  exec dotnet ChoriaDashboard.dll) >"$work/app.log" 2>&1 &
APP_PID=$!
base="http://127.0.0.1:$web_port"
wait_http "$base/healthz" 30 || { cat "$work/app.log"; exit 1; }
wait_http "$base/readyz" 30 || { cat "$work/app.log"; exit 1; }

fail=0
jar="$work/cookies"
check() { # URL, text expected in the body (optional); as the signed-in browser, or with the API key for /api
  local body auth=(-b "$jar")
  [[ $1 == /api/* ]] && auth=(-H "x-api-key: $api_key")
  if ! body=$(curl -fsS "${auth[@]}" "$base$1"); then echo "FAIL $1: not 200"; fail=1; return; fi
  if [ -n "${2:-}" ] && ! grep -qF -- "$2" <<<"$body"; then echo "FAIL $1: no '$2' in ${#body} characters"; fail=1; return; fi
  echo "ok   $1"
}
refused() { # URL, the status an anonymous request gets
  local status; status=$(curl -s -o /dev/null -w '%{http_code}' "$base$1")
  if [ "$status" = "$2" ]; then echo "ok   $1 anonymous: $2"; else echo "FAIL $1 anonymous: $status, not $2"; fail=1; fi
}
refused / 302
refused /api/fleet 401
refused /export/nodes.csv 401
# The operator's way in: the one line the app logged at start.
link=$(grep -o "http://[^ ]*/login?t=[A-Za-z0-9_-]*" "$work/app.log" | head -1 || true)
if [ -n "$link" ] && [ "$(curl -s -c "$jar" -o /dev/null -w '%{http_code}' "$link")" = 302 ]; then echo "ok   the logged sign-in link signs in"; else echo "FAIL no working sign-in link in the log"; fail=1; fi
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
if curl -fsS -b "$jar" -D - -o /dev/null "$base/" | grep -qi "^content-security-policy: default-src 'none'; script-src 'self'"; then echo "ok   / has the Content-Security-Policy"; else echo "FAIL / has no Content-Security-Policy"; fail=1; fi
if curl -fsS -H "x-api-key: $api_key" -D - -o /dev/null "$base/api/fleet" | grep -qi "^x-content-type-options: nosniff"; then echo "ok   /api/fleet has nosniff"; else echo "FAIL /api/fleet has no nosniff"; fail=1; fi
if ASPNETCORE_URLS="http://127.0.0.1:$web_port" dotnet "$out/ChoriaDashboard.dll" --probe "$base/healthz"; then echo "ok   --probe"; else echo "FAIL --probe"; fail=1; fi
if dotnet "$out/ChoriaDashboard.dll" --probe "http://127.0.0.1:$(free_port)/healthz" 2>/dev/null; then echo "FAIL --probe of a dead port succeeded"; fail=1; else echo "ok   --probe fails when nothing answers"; fi

# Invalid configuration: the app refuses to start and says what is wrong.
if Fleet__StaleAfter=02:00:00 dotnet "$out/ChoriaDashboard.dll" --urls "http://127.0.0.1:$(free_port)" >"$work/bad.log" 2>&1; then
  echo "FAIL invalid configuration started"; fail=1
elif grep -q "DeadAfter" "$work/bad.log"; then echo "ok   invalid configuration refused with a clear message"
else echo "FAIL invalid configuration: no clear message"; cat "$work/bad.log"; fail=1; fi

[ $fail -eq 0 ] && echo "publish smoke test: 18 passed, 0 failed" || { echo "publish smoke test failed"; cat "$work/app.log"; exit 1; }
