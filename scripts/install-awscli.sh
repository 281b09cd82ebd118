#!/usr/bin/env bash
# Installs the pinned AWS CLI v1 into ./.venv-awscli (once) and prints the path of its `aws`.
# A venv of its own: each awscli release pins one botocore, never the one moto's venv holds
# (awscli 1.46.3 wants botocore 1.43.62, moto's venv has 1.44.8).
set -euo pipefail
cd "$(dirname "$0")/.."
AWSCLI_VERSION=1.46.3
if ! .venv-awscli/bin/aws --version 2>&1 | grep -q "^aws-cli/$AWSCLI_VERSION "; then
  echo "installing awscli==$AWSCLI_VERSION into .venv-awscli" >&2
  python3 -m venv .venv-awscli
  .venv-awscli/bin/pip install --quiet --disable-pip-version-check "awscli==$AWSCLI_VERSION" >&2
fi
echo "$PWD/.venv-awscli/bin/aws"
