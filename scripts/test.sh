#!/usr/bin/env bash
# Runs every test: installs the emulators (moto server from PyPI, cognito-local from npm, both
# pinned) if needed, then cargo test. The integration tests start and stop them themselves on
# free 127.0.0.1 ports.
set -euo pipefail
cd "$(dirname "$0")/.."
MOTO_PYTHON="$(scripts/install-moto.sh)"
COGNITO_LOCAL_JS="$(scripts/install-cognito-local.sh)"
export MOTO_PYTHON COGNITO_LOCAL_JS
cargo test --locked --all-targets "$@"
