#!/usr/bin/env bash
# The README's test command: set up, then every check CI runs, then the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install-peers.sh
pnpm typecheck
pnpm lint
pnpm format
# Packages as published: references, publint, attw, then a real publish to a local registry.
# Before vitest so that the test runner's summary stays the last thing CI prints.
pnpm check:pkg
pnpm rehearse:publish
pnpm vitest run
