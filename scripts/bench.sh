#!/usr/bin/env bash
# Prints login speed, the network floor, peak RSS and --help time against a local moto server,
# then the browser sign-in's own time and the client-credentials token's against cognito-local
# and oidc-provider, using a release build. Usage: scripts/bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(scripts/install-moto.sh)"
{ read -r COGNITO_LOCAL_JS; read -r OIDC_PROVIDER_JS; } < <(scripts/install-node-emulators.sh)
cargo build --locked --release --quiet
WORK="$(mktemp -d)"
# Closing their stdin stops the emulators (cognito_local.py then stops its node server too).
trap 'exec 3>&- 4>&- 5>&-; wait 2>/dev/null; rm -rf "$WORK"' EXIT
mkfifo "$WORK/stdin"
"$PY" tests/support/moto_server.py < "$WORK/stdin" > "$WORK/port" 2>/dev/null &
exec 3> "$WORK/stdin"
until [ -s "$WORK/port" ]; do sleep 0.1; done
ENDPOINT="http://127.0.0.1:$(cat "$WORK/port")"
BIN="$PWD/target/release/cognito-auth"
# The seeds' stack, made by cognito-auth itself in a throw-away HOME (exit 1: moto has no role
# mappings, and says so).
HOME="$WORK" AWS_ENDPOINT_URL="$ENDPOINT" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench \
  AWS_REGION=us-east-1 "$BIN" admin bootstrap --name bench --client-secret --test-users \
  --profile bench --json > "$WORK/stack.json" 2>/dev/null || true
eval "$("$PY" scripts/stack.py "$WORK/.config/cognito-auth/config" < "$WORK/stack.json")"
BENCH_PASSWORD="$ALICE_PASSWORD" "$PY" scripts/bench.py "$BIN" "$ENDPOINT" "$USER_POOL_ID" \
  "$CLIENT_ID" "$CLIENT_SECRET" "$IDENTITY_POOL_ID" "${1:-15}"

# The browser sign-in: cognito-local's Hosted UI, moto's identity pool, the scripted browser.
mkdir "$WORK/cognito-local"
mkfifo "$WORK/local.stdin" "$WORK/oauth.stdin"
"$PY" tests/support/cognito_local.py "$COGNITO_LOCAL_JS" "$WORK/cognito-local" \
  < "$WORK/local.stdin" > "$WORK/local.port" &
exec 4> "$WORK/local.stdin"
node tests/support/oauth_server.mjs "$OIDC_PROVIDER_JS" bench_m2m bench-m2m-secret \
  < "$WORK/oauth.stdin" > "$WORK/oauth.port" 2>/dev/null &
exec 5> "$WORK/oauth.stdin"
until [ -s "$WORK/local.port" ] && [ -s "$WORK/oauth.port" ]; do sleep 0.1; done
HOSTED_UI="http://127.0.0.1:$(cat "$WORK/local.port")"
REDIRECT="http://127.0.0.1:$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')/callback"
eval "$("$PY" scripts/hosted_ui_stack.py "$HOSTED_UI" "$ENDPOINT" "$REDIRECT")"
"$PY" scripts/bench_hosted_ui.py "$BIN" "$ENDPOINT" "$HOSTED_UI" "$REDIRECT" "$HOSTED_POOL_ID" \
  "$HOSTED_CLIENT_ID" "$HOSTED_IDENTITY_POOL_ID" "$CAROL_PASSWORD" \
  "http://127.0.0.1:$(cat "$WORK/oauth.port")" bench_m2m bench-m2m-secret "${1:-15}"
