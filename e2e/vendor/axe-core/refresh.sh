#!/usr/bin/env bash
# Refresh the vendored axe-core from the npm registry (needs npm; running the e2e tests does not).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack "axe-core@${1:-4}" >/dev/null
tar xzf axe-core-*.tgz
cp package/axe.min.js package/LICENSE "$here/"
node -p "require('./package/package.json').version" > "$here/VERSION"
echo "axe-core $(cat "$here/VERSION")"
