#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, the newest that runs on Node 20) in a folder of its
# own, outside the extension's package.json, following ../shared/reference/vscode-e2e.md. Idempotent:
# exits at once when the pinned version is already there. The folder is printed on the last line.
#
# Needs the Debian packages libkrb5-dev (kerberos addon builds from source) and ripgrep (seeds
# @vscode/ripgrep's download cache, since its postinstall cannot reach GitHub here); .ci/run installs them.
set -euo pipefail

VERSION=4.100.3
DIR="${PRODLENS_CODE_SERVER_DIR:-$HOME/.cache/prodlens-e2e/code-server-$VERSION}"
ENTRY="$DIR/node_modules/code-server/out/node/entry.js"

if [ -f "$ENTRY" ] && grep -q "\"version\": \"$VERSION\"" "$DIR/node_modules/code-server/package.json"; then
  echo "$DIR"
  exit 0
fi

for tool in rg; do
  command -v "$tool" >/dev/null || { echo "install-code-server: '$tool' is missing; apt-get install -y ripgrep libkrb5-dev" >&2; exit 1; }
done

# code-server 4.100.3 pins @vscode/ripgrep 1.15.11, whose postinstall downloads ripgrep v13.0.0-10
# unless it finds the archive in its cache under $TMPDIR.
RG_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
RG_ARCHIVE="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$RG_ARCHIVE" ]; then
  seed=$(mktemp -d)
  mkdir -p "$RG_CACHE"
  cp "$(command -v rg)" "$seed/rg"
  tar czf "$RG_ARCHIVE" -C "$seed" rg
  rm -rf "$seed"
fi

mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || npm init -y >/dev/null
# npm_config_yes: node-pty's postinstall runs `npx node-gyp`; --unsafe-perm: code-server's
# postinstall refuses to run as root without it.
npm_config_yes=true npm install --no-audit --no-fund --unsafe-perm "code-server@$VERSION" >&2
echo "$DIR"
