#!/usr/bin/env bash
# Regenerates build/hot-path.ld: profiles `credential-process` on a live cache under callgrind
# (valgrind, from Debian) against a local moto, with the release build itself, linked with a map
# of where each function went (the profile then names no symbol; the map does).
# Usage: scripts/hot-path.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
PY="$(scripts/install-moto.sh)"
WORK="$(mktemp -d)"
EMULATOR_DIR="$WORK"
source scripts/emulators.sh
trap 'stop_emulators; rm -rf "$WORK"' EXIT
cargo rustc --locked --release --quiet --bin cognito-auth -- -C "link-arg=-Wl,-Map=$WORK/link.map"
cp target/release/cognito-auth "$WORK/cognito-auth"
BIN="$WORK/cognito-auth"
serve 3 ENDPOINT moto "$PY" tests/support/moto_server.py
HOME="$WORK" AWS_ENDPOINT_URL="$ENDPOINT" AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x \
  AWS_REGION=us-east-1 "$BIN" admin bootstrap --name hot --client-secret --test-users \
  --profile hot --json > "$WORK/stack.json" 2>/dev/null || true
eval "$("$PY" scripts/stack.py "$WORK/.config/cognito-auth/config" < "$WORK/stack.json")"
export HOME="$WORK" AWS_ENDPOINT_URL="$ENDPOINT" COGNITO_AUTH_KEYRING=off \
  COGNITO_USER_POOL_ID="$USER_POOL_ID" COGNITO_CLIENT_ID="$CLIENT_ID" \
  COGNITO_CLIENT_SECRET="$CLIENT_SECRET" COGNITO_IDENTITY_POOL_ID="$IDENTITY_POOL_ID"
COGNITO_PASSWORD="$ALICE_PASSWORD" "$BIN" login --profile hot -u alice-premium >/dev/null
"$BIN" credential-process --profile hot >/dev/null # live, or this stops the script
valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" \
  "$BIN" credential-process --profile hot >/dev/null 2>&1
"$PY" scripts/hot_path_ld.py "$WORK/callgrind.out" "$WORK/link.map" > build/hot-path.ld
echo "build/hot-path.ld: $(grep -c '^    \*(' build/hot-path.ld) patterns"
