#!/usr/bin/env bash
# Prints login speed, the network floor, peak RSS and --help time against a local moto server,
# using a release build. Usage: scripts/bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(scripts/install-moto.sh)"
cargo build --locked --release --quiet
WORK="$(mktemp -d)"
trap 'kill "$MOTO_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
mkfifo "$WORK/stdin"
"$PY" tests/support/moto_server.py < "$WORK/stdin" > "$WORK/port" 2>/dev/null &
MOTO_PID=$!
exec 3> "$WORK/stdin"
until [ -s "$WORK/port" ]; do sleep 0.1; done
ENDPOINT="http://127.0.0.1:$(cat "$WORK/port")"
eval "$("$PY" scripts/provision_demo.py "$ENDPOINT")"
"$PY" scripts/bench.py "$PWD/target/release/cognito-auth" "$ENDPOINT" "$USER_POOL_ID" "$CLIENT_ID" \
  "$CLIENT_SECRET" "$IDENTITY_POOL_ID" "${1:-15}"
