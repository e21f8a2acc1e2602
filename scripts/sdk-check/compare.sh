#!/usr/bin/env bash
# Pages the same 100,000-member sandbox list over loopback with Consent
# Desk's client (`consent members --json`) and with Klaviyo's official Node
# SDK, and prints both times and page counts (pages: neither side counts
# the HTTP requests a retry adds; TestPagingAtKlaviyosLimits counts ours). RATE_LIMIT=off turns the
# sandbox's enforcement of Klaviyo's limits off (default on). Optional
# tooling: needs Node.js and npm; `go test ./...` does not.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
n=${MEMBERS:-100000}

(cd "$root" && go build -o "$tmp/consent" .)
(cd "$here" && npm install --no-audit --no-fund --silent)
export CONSENT_HOME=$tmp
"$tmp/consent" sandbox load --db "$tmp/sandbox.db" --list Compare --members "$n" >/dev/null
"$tmp/consent" sandbox serve --db "$tmp/sandbox.db" --rate-limit "${RATE_LIMIT:-on}" >"$tmp/url" &
pid=$!
for _ in $(seq 50); do [ -s "$tmp/url" ] && break; sleep 0.1; done
url=$(head -1 "$tmp/url")
id=$(KLAVIYO_API_URL=$url KLAVIYO_API_KEY=pk_compare "$tmp/consent" lists --json | grep '"Compare"' | sed 's/.*"id":"\([^"]*\)".*/\1/')

start=$(date +%s.%N)
count=$(KLAVIYO_API_URL=$url KLAVIYO_API_KEY=pk_compare "$tmp/consent" members "$id" --json | wc -l)
end=$(date +%s.%N)
printf 'consent members --json: %d members, %d pages, %.2f s\n' "$count" $(( (count + 99) / 100 )) "$(echo "$end - $start" | bc)"
KLAVIYO_API_URL=$url node "$here/page.mjs" "$id"
