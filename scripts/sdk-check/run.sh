#!/usr/bin/env bash
# Runs Klaviyo's official Node SDK against a fresh `consent sandbox serve`.
# Optional tooling: needs Node.js and npm; `go test ./...` does not.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT

(cd "$root" && go build -o "$tmp/consent" .)
(cd "$here" && npm install --no-audit --no-fund --silent)
"$tmp/consent" sandbox serve --db "$tmp/sdk.db" >"$tmp/url" &
pid=$!
for _ in $(seq 50); do [ -s "$tmp/url" ] && break; sleep 0.1; done
KLAVIYO_API_URL=$(head -1 "$tmp/url") node "$here/check.mjs"
