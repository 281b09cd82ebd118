#!/usr/bin/env bash
# The main job, end to end, against a local emulator, in a sandbox that never touches your ~/.aws:
# build, install and start moto server, provision the seeds' pool (alice-premium in
# premium-users, bob-basic in basic-users), configure, log in, show status and the profile.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(scripts/install-moto.sh)"
cargo build --locked --quiet
BIN="$PWD/target/debug/cognito-auth"

SANDBOX="$(mktemp -d)"
cleanup() { [ -n "${MOTO_PID:-}" ] && kill "$MOTO_PID" 2>/dev/null; rm -rf "$SANDBOX"; }
trap cleanup EXIT
# Everything cognito-auth reads or writes lives under this HOME: ~/.aws, its config, its cache.
export HOME="$SANDBOX"
unset AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE
unset COGNITO_USER_POOL_ID COGNITO_CLIENT_ID COGNITO_CLIENT_SECRET COGNITO_IDENTITY_POOL_ID

mkfifo "$SANDBOX/moto.stdin"
"$PY" tests/support/moto_server.py < "$SANDBOX/moto.stdin" > "$SANDBOX/moto.port" 2>/dev/null &
MOTO_PID=$!
exec 3> "$SANDBOX/moto.stdin"   # moto serves until this closes
until [ -s "$SANDBOX/moto.port" ]; do sleep 0.1; done
export AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$SANDBOX/moto.port")"
echo "== moto server at $AWS_ENDPOINT_URL; sandbox HOME=$SANDBOX"

eval "$("$PY" scripts/provision_demo.py "$AWS_ENDPOINT_URL")"
echo "== provisioned user pool $USER_POOL_ID, identity pool $IDENTITY_POOL_ID"

run() { echo "\$ $*"; "$@"; }
printf '%s\n' "$CLIENT_SECRET" | run "$BIN" configure --profile dev --user-pool-id "$USER_POOL_ID" \
  --client-id "$CLIENT_ID" --identity-pool-id "$IDENTITY_POOL_ID" --client-secret-stdin
printf 'AlicePass123\n' | run "$BIN" login --profile dev -u alice-premium --password-stdin
# bob's first sign-in answers NEW_PASSWORD_REQUIRED (his password is temporary).
printf '%s\n' "$CLIENT_SECRET" | run "$BIN" configure --profile bob --user-pool-id "$USER_POOL_ID" \
  --client-id "$CLIENT_ID" --identity-pool-id "$IDENTITY_POOL_ID" --client-secret-stdin
COGNITO_NEW_PASSWORD=BobsNewPass1 COGNITO_PASSWORD='TempPass123!' run "$BIN" login --profile bob -u bob-basic
run "$BIN" status --profile dev
echo "== $HOME/.aws/credentials"; cat "$HOME/.aws/credentials"
echo "== $HOME/.aws/config"; cat "$HOME/.aws/config"
