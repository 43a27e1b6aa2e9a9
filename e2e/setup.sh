#!/usr/bin/env bash
# Install the e2e npm dependencies (playwright-core only) when node_modules is
# missing or stale. A stamp file inside node_modules holds the sha256 of
# package.json + package-lock.json at the time of the last `npm ci`; when it
# matches, nothing runs.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
stamp=node_modules/.spanfall-lock.sha256
want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -d node_modules/playwright-core ]]; then
  exit 0
fi

echo "setup.sh: npm ci (node_modules missing or stale vs package-lock.json)" >&2
# playwright-core downloads no browser on install; be explicit anyway: the
# tests use the system Chromium (/usr/bin/chromium).
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefer-offline --no-audit --no-fund >&2
echo "$want" > "$stamp"
