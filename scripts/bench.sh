#!/usr/bin/env bash
# Prints login speed, the network floor, peak RSS and --help time against a local moto server;
# the cost of one request to the exec --server endpoint on a live cache; start-up beside a Rust
# hello world built here with our release profile; login and status with 10,000 profiles in each
# file beside small files; then the browser sign-in's own time and the client-credentials token's
# against cognito-local and oidc-provider, using a release build. Usage: scripts/bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(scripts/install-moto.sh)"
{ read -r COGNITO_LOCAL_JS; read -r OIDC_PROVIDER_JS; } < <(scripts/install-node-emulators.sh)
cargo build --locked --release --quiet
WORK="$(mktemp -d)"
EMULATOR_DIR="$WORK"
source scripts/emulators.sh
trap 'stop_emulators; rm -rf "$WORK"' EXIT
serve 3 ENDPOINT moto "$PY" tests/support/moto_server.py
BIN="$PWD/target/release/cognito-auth"
# The seeds' stack, made by cognito-auth itself in a throw-away HOME (exit 1: moto has no role
# mappings, and says so).
HOME="$WORK" AWS_ENDPOINT_URL="$ENDPOINT" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench \
  AWS_REGION=us-east-1 "$BIN" admin bootstrap --name bench --client-secret --test-users \
  --profile bench --json > "$WORK/stack.json" 2>/dev/null || true
eval "$("$PY" scripts/stack.py "$WORK/.config/cognito-auth/config" < "$WORK/stack.json")"
BENCH_PASSWORD="$ALICE_PASSWORD" "$PY" scripts/bench.py "$BIN" "$ENDPOINT" "$USER_POOL_ID" \
  "$CLIENT_ID" "$CLIENT_SECRET" "$IDENTITY_POOL_ID" "${1:-15}"
# One request to the exec --server endpoint on a live cache (median and p95).
BENCH_PASSWORD="$ALICE_PASSWORD" "$PY" scripts/bench_endpoint.py "$BIN" "$ENDPOINT" "$USER_POOL_ID" \
  "$CLIENT_ID" "$CLIENT_SECRET" "$IDENTITY_POOL_ID" 1000

# Hello worlds from the same toolchain and [profile.release]: as cargo links it (PIE), and
# linked as cognito-auth is (our build.rs).
for variant in pie nopie; do
  mkdir -p "$WORK/hello-$variant/src"
  { printf '[package]\nname = "hello"\nversion = "0.1.0"\nedition = "2024"\n\n'
    sed -n '/^\[profile\.release\]$/,/^$/p' Cargo.toml; } > "$WORK/hello-$variant/Cargo.toml"
  printf 'fn main() {\n    println!("Hello, world!");\n}\n' > "$WORK/hello-$variant/src/main.rs"
  if [ "$variant" = nopie ]; then cp build.rs "$WORK/hello-$variant/"; fi
  cargo build --release --quiet --manifest-path "$WORK/hello-$variant/Cargo.toml" \
    --target-dir "$WORK/hello-target-$variant"
done
BENCH_PASSWORD="$ALICE_PASSWORD" "$PY" scripts/bench_startup.py "$BIN" \
  "$WORK/hello-target-pie/release/hello" "$WORK/hello-target-nopie/release/hello" "$ENDPOINT" \
  "$USER_POOL_ID" "$CLIENT_ID" "$CLIENT_SECRET" "$IDENTITY_POOL_ID" 200
BENCH_PASSWORD="$ALICE_PASSWORD" "$PY" scripts/bench_scale.py "$BIN" "$ENDPOINT" "$USER_POOL_ID" \
  "$CLIENT_ID" "$CLIENT_SECRET" "$IDENTITY_POOL_ID" "${1:-15}"

# The browser sign-in: cognito-local's Hosted UI, moto's identity pool, the scripted browser.
mkdir "$WORK/cognito-local"
serve 4 HOSTED_UI cognito-local "$PY" tests/support/cognito_local.py "$COGNITO_LOCAL_JS" "$WORK/cognito-local"
serve 5 OAUTH_SERVER oauth node tests/support/oauth_server.mjs "$OIDC_PROVIDER_JS" bench_m2m bench-m2m-secret
REDIRECT="$(free_redirect_uri)"
eval "$("$PY" scripts/hosted_ui_stack.py "$HOSTED_UI" "$ENDPOINT" "$REDIRECT")"
"$PY" scripts/bench_hosted_ui.py "$BIN" "$ENDPOINT" "$HOSTED_UI" "$REDIRECT" "$HOSTED_POOL_ID" \
  "$HOSTED_CLIENT_ID" "$HOSTED_IDENTITY_POOL_ID" "$CAROL_PASSWORD" \
  "$OAUTH_SERVER" bench_m2m bench-m2m-secret "${1:-15}"
