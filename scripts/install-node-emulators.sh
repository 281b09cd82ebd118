#!/usr/bin/env bash
# Installs the pinned npm emulators into ./.emulators (once, in one npm install so neither
# prunes the other):
#   cognito-local  - user pools, the hosted UI's /oauth2/authorize and /oauth2/token (PKCE)
#   oidc-provider  - an OpenID-certified OAuth 2.0 server, for the client-credentials grant
#                    (cognito-local does not serve it)
#   playwright-core - drives a real (Debian's) chromium through the Hosted UI as $BROWSER; no
#                    browser download (playwright-core never fetches one)
# Prints three lines: cognito-local's start script, oidc-provider's entry module, and
# playwright-core's folder.
set -euo pipefail
cd "$(dirname "$0")/.."
COGNITO_LOCAL=5.3.0
OIDC_PROVIDER=9.13.3
PLAYWRIGHT_CORE=1.65.1
MODULES="$PWD/.emulators/node_modules"
if ! grep -qs "\"version\": \"$COGNITO_LOCAL\"" "$MODULES/cognito-local/package.json" ||
   ! grep -qs "\"version\": \"$OIDC_PROVIDER\"" "$MODULES/oidc-provider/package.json" ||
   ! grep -qs "\"version\": \"$PLAYWRIGHT_CORE\"" "$MODULES/playwright-core/package.json"; then
  echo "installing cognito-local@$COGNITO_LOCAL, oidc-provider@$OIDC_PROVIDER and playwright-core@$PLAYWRIGHT_CORE into .emulators" >&2
  mkdir -p .emulators
  (cd .emulators && npm install --silent --no-audit --no-fund --no-save \
    "cognito-local@$COGNITO_LOCAL" "oidc-provider@$OIDC_PROVIDER" \
    "playwright-core@$PLAYWRIGHT_CORE" >&2)
fi
echo "$MODULES/cognito-local/lib/bin/start.js"
echo "$MODULES/oidc-provider/lib/index.js"
echo "$MODULES/playwright-core"
