#!/usr/bin/env bash
# Runs every test: installs the emulators (moto server from PyPI; cognito-local, oidc-provider
# and playwright-core from npm; all pinned) and the Debian packages the keyring and real-browser
# tests use (gnome-keyring, dbus, secret-tool, chromium) if needed, then cargo test. The
# integration tests start and stop the emulators themselves on free 127.0.0.1 ports.
set -euo pipefail
cd "$(dirname "$0")/.."
MOTO_PYTHON="$(scripts/install-moto.sh)"
{ read -r COGNITO_LOCAL_JS; read -r OIDC_PROVIDER_JS; read -r PLAYWRIGHT_CORE; } \
  < <(scripts/install-node-emulators.sh)
export MOTO_PYTHON COGNITO_LOCAL_JS OIDC_PROVIDER_JS PLAYWRIGHT_CORE
# COGNITO_AUTH_TEST_KEYRING / COGNITO_AUTH_TEST_CHROMIUM: installed, so those tests must run.
while read -r line; do export "${line?}"; done < <(scripts/install-system-packages.sh)
cargo test --locked --all-targets "$@"
