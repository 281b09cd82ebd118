#!/usr/bin/env bash
# Runs every test: installs the emulator (moto server, pinned) if needed, then cargo test.
# The integration tests start and stop moto themselves on a free 127.0.0.1 port.
set -euo pipefail
cd "$(dirname "$0")/.."
MOTO_PYTHON="$(scripts/install-moto.sh)"
export MOTO_PYTHON
cargo test --locked --all-targets "$@"
