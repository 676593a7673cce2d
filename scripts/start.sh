#!/usr/bin/env bash
# The README's main-job command: set up, then `tw serve` with the embedded default config.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec pnpm --silent start
