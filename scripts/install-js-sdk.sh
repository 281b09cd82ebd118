#!/usr/bin/env bash
# Installs the JavaScript SDK's container-credentials provider (@aws-sdk/credential-provider-http,
# pinned) into ./.js-sdk (once), for the exec --server tests; prints its package folder.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=3.972.86
PACKAGE="$PWD/.js-sdk/node_modules/@aws-sdk/credential-provider-http"
if ! grep -qs "\"version\": \"$VERSION\"" "$PACKAGE/package.json"; then
  echo "installing @aws-sdk/credential-provider-http@$VERSION into .js-sdk" >&2
  mkdir -p .js-sdk
  (cd .js-sdk && npm install --silent --no-audit --no-fund --no-save \
    "@aws-sdk/credential-provider-http@$VERSION" >&2)
fi
echo "$PACKAGE"
