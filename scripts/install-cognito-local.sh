#!/usr/bin/env bash
# Installs the pinned cognito-local (npm) into ./.emulators (once); prints its start script.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=5.3.0
START="$PWD/.emulators/node_modules/cognito-local/lib/bin/start.js"
if ! grep -qs "\"version\": \"$VERSION\"" .emulators/node_modules/cognito-local/package.json; then
  echo "installing cognito-local@$VERSION into .emulators" >&2
  mkdir -p .emulators
  (cd .emulators && npm install --silent --no-audit --no-fund --no-save "cognito-local@$VERSION" >&2)
fi
echo "$START"
