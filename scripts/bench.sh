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
BIN="$PWD/target/release/cognito-auth"
# The seeds' stack, made by cognito-auth itself in a throw-away HOME (exit 1: moto has no role
# mappings, and says so).
HOME="$WORK" AWS_ENDPOINT_URL="$ENDPOINT" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench \
  AWS_REGION=us-east-1 "$BIN" admin bootstrap --name bench --client-secret --test-users \
  --profile bench --json > "$WORK/stack.json" 2>/dev/null || true
eval "$("$PY" scripts/stack.py "$WORK/.config/cognito-auth/config" < "$WORK/stack.json")"
BENCH_PASSWORD="$ALICE_PASSWORD" "$PY" scripts/bench.py "$BIN" "$ENDPOINT" "$USER_POOL_ID" \
  "$CLIENT_ID" "$CLIENT_SECRET" "$IDENTITY_POOL_ID" "${1:-15}"
