#!/usr/bin/env bash
# Installs the Debian packages the smoke tests drive Dynabase with: the AWS CLI and boto3.
# Called by .ci/run before the tests; safe to run again (apt-get skips what is installed).
# Without root or apt the smoke tests skip themselves and say so.
set -u
if command -v aws >/dev/null 2>&1 && python3 -c 'import boto3' >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-tools: not root or no apt-get; AWS CLI and boto3 smoke tests will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends awscli python3-boto3 >/dev/null 2>&1 \
  || echo "install-test-tools: apt-get install failed; smoke tests will be skipped" >&2
exit 0
