#!/usr/bin/env bash
# Installs the pinned npm emulators into ./.emulators (once, in one npm install so neither
# prunes the other):
#   cognito-local  - user pools, the hosted UI's /oauth2/authorize and /oauth2/token (PKCE)
#   oidc-provider  - an OpenID-certified OAuth 2.0 server, for the client-credentials grant
#                    (cognito-local does not serve it)
# Prints two lines: cognito-local's start script, then oidc-provider's entry module.
set -euo pipefail
cd "$(dirname "$0")/.."
COGNITO_LOCAL=5.3.0
OIDC_PROVIDER=9.13.3
MODULES="$PWD/.emulators/node_modules"
if ! grep -qs "\"version\": \"$COGNITO_LOCAL\"" "$MODULES/cognito-local/package.json" ||
   ! grep -qs "\"version\": \"$OIDC_PROVIDER\"" "$MODULES/oidc-provider/package.json"; then
  echo "installing cognito-local@$COGNITO_LOCAL and oidc-provider@$OIDC_PROVIDER into .emulators" >&2
  mkdir -p .emulators
  (cd .emulators && npm install --silent --no-audit --no-fund --no-save \
    "cognito-local@$COGNITO_LOCAL" "oidc-provider@$OIDC_PROVIDER" >&2)
fi
echo "$MODULES/cognito-local/lib/bin/start.js"
echo "$MODULES/oidc-provider/lib/index.js"
