#!/usr/bin/env bash
# Installs what a fresh machine with Node 20 and npm needs: pnpm (corepack fails against this
# registry, so npm installs it), then the workspace from the committed lockfile, then builds.
set -euo pipefail
cd "$(dirname "$0")/.."
want=10.34.9
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$want" ]; then
  npm install -g "pnpm@$want" --no-fund --no-audit --loglevel=error
fi
pnpm install --frozen-lockfile --reporter=append-only
pnpm build
