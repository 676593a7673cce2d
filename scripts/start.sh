#!/usr/bin/env bash
# The README's main-job command: set up, then run the demo servers on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec pnpm --silent start
