#!/usr/bin/env bash
# Runs every test: installs the emulators (moto server from PyPI; cognito-local and
# oidc-provider from npm; all pinned) if needed, then cargo test. The integration tests start
# and stop them themselves on free 127.0.0.1 ports.
set -euo pipefail
cd "$(dirname "$0")/.."
MOTO_PYTHON="$(scripts/install-moto.sh)"
{ read -r COGNITO_LOCAL_JS; read -r OIDC_PROVIDER_JS; } < <(scripts/install-node-emulators.sh)
export MOTO_PYTHON COGNITO_LOCAL_JS OIDC_PROVIDER_JS
# tests/cli/faults.rs kills a login at each write with strace's syscall fault injection.
command -v strace >/dev/null || { apt-get update -qq && apt-get install -y -qq strace; }
cargo test --locked --all-targets "$@"
