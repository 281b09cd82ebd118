#!/usr/bin/env bash
# The main job, end to end, against a local emulator, in a sandbox that never touches your ~/.aws:
# build, install and start moto server, set up the seeds' stack with `admin bootstrap
# --test-users` (alice-premium in premium-users, bob-basic in basic-users), log both in, and show
# that each gets an identity and a profile of their own. Then the browser sign-in: carol signs in
# through a Hosted UI (cognito-local's) with `login --browser`, a scripted browser standing in for
# her browser. It ends by using alice's profile the way any AWS tool does: boto3 (and the AWS CLI
# when it is installed) calls STS with it.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(scripts/install-moto.sh)"
{ read -r COGNITO_LOCAL_JS; read -r _; } < <(scripts/install-node-emulators.sh)
cargo build --locked --quiet
BIN="$PWD/target/debug/cognito-auth"

SANDBOX="$(mktemp -d)"
EMULATOR_DIR="$SANDBOX"
source scripts/emulators.sh
trap 'stop_emulators; rm -rf "$SANDBOX"' EXIT
# Everything cognito-auth reads or writes lives under this HOME: ~/.aws, its config, its cache.
export HOME="$SANDBOX" COGNITO_AUTH_KEYRING=off
unset AWS_PROFILE AWS_DEFAULT_REGION AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE AWS_SESSION_TOKEN
unset COGNITO_USER_POOL_ID COGNITO_CLIENT_ID COGNITO_CLIENT_SECRET COGNITO_IDENTITY_POOL_ID COGNITO_PASSWORD

serve 3 AWS_ENDPOINT_URL moto "$PY" tests/support/moto_server.py
export AWS_ENDPOINT_URL
# Admin credentials for the emulator (moto checks no signature).
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1
echo "== moto server at $AWS_ENDPOINT_URL; sandbox HOME=$SANDBOX"

run() { printf '\n$ %s\n' "$*" >&2; "$@"; }
cat <<'NOTE'

== Expect one `error:` line from each of the two bootstrap runs below, and that is fine.
   moto (the emulator) does not implement identity-pool role mappings (SetIdentityPoolRoles),
   so bootstrap creates the user pool, groups, app client, identity pool and roles, reports the
   one step it could not apply, and exits 1. Against AWS that step succeeds. Everything after
   it works as it would against AWS.
NOTE
run "$BIN" admin bootstrap --name customer-file-access --client-secret --test-users \
  --profile alice --json > "$SANDBOX/stack.json" || true
eval "$("$PY" scripts/stack.py "$HOME/.config/cognito-auth/config" < "$SANDBOX/stack.json")"
run "$BIN" admin bootstrap --name customer-file-access --client-secret --profile bob || true

printf '%s\n' "$ALICE_PASSWORD" | run "$BIN" login --profile alice -u alice-premium --password-stdin
printf '%s\n' "$BOB_PASSWORD" | run "$BIN" login --profile bob -u bob-basic --password-stdin
run "$BIN" status --profile alice
run "$BIN" status --profile bob
echo; echo "== $HOME/.aws/credentials"; cat "$HOME/.aws/credentials"
echo "== $HOME/.aws/config"; cat "$HOME/.aws/config"

# The browser sign-in, for users who come through Google, SAML or OIDC: cognito-local serves the
# Hosted UI (/oauth2/authorize with a login form, /oauth2/token with PKCE); moto the identity pool.
mkdir "$SANDBOX/cognito-local"
serve 4 HOSTED_UI cognito-local "$PY" tests/support/cognito_local.py "$COGNITO_LOCAL_JS" "$SANDBOX/cognito-local"
REDIRECT="$(free_redirect_uri)"
eval "$("$PY" scripts/hosted_ui_stack.py "$HOSTED_UI" "$AWS_ENDPOINT_URL" "$REDIRECT")"
echo; echo "== Hosted UI (cognito-local) at $HOSTED_UI"
run "$BIN" configure --profile carol --user-pool-id "$HOSTED_POOL_ID" --client-id "$HOSTED_CLIENT_ID" \
  --identity-pool-id "$HOSTED_IDENTITY_POOL_ID" --region us-east-1 \
  --hosted-ui-domain "$HOSTED_UI" --redirect-uri "$REDIRECT"
# The scripted browser fills in the Hosted UI's form and follows the redirect, as a person would.
AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER="$HOSTED_UI" BROWSER="$PY $PWD/tests/support/browser.py" \
  TEST_BROWSER_USER=carol-federated TEST_BROWSER_PASSWORD="$CAROL_PASSWORD" \
  TEST_BROWSER_LOG="$SANDBOX/browser.log" TEST_BROWSER_STEPS="login callback" \
  run "$BIN" login --browser --profile carol
run "$BIN" status --profile carol

# What the profiles are for: any AWS tool reads them. The admin keys exported above would beat
# the profile (environment credentials come first), so they are left out here.
cat <<'NOTE'

== Using profile alice as any AWS tool does (moto answers for STS; the identity pool's
   credentials are moto's stand-ins, so the caller it reports is moto's default account).
NOTE
run env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$PY" -c '
import boto3
who = boto3.Session(profile_name="alice").client("sts").get_caller_identity()
print("boto3, profile alice:", who["Arn"], "account", who["Account"])'
if aws --version >/dev/null 2>&1; then
  run env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY aws sts get-caller-identity --profile alice
fi
