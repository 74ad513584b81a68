#!/usr/bin/env bash
# Regenerates libs/contracts from proto/ (buf + ts-proto, offline). With --check, fails when
# the committed code differs from what the protos generate.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=libs/contracts/src/generated
(cd proto && ../node_modules/.bin/buf lint)
if [ "${1:-}" = "--check" ]; then
  tmp=$(mktemp -d)
  cp -r "$out" "$tmp/before"
  rm -rf "$out"
  (cd proto && ../node_modules/.bin/buf generate)
  if ! diff -r "$tmp/before" "$out" >/dev/null; then
    diff -r "$tmp/before" "$out" | head -40
    echo "libs/contracts is out of date: run npm run contracts:generate and commit the result" >&2
    exit 1
  fi
  echo "contracts: no drift"
else
  rm -rf "$out"
  (cd proto && ../node_modules/.bin/buf generate)
  echo "contracts generated into $out"
fi
