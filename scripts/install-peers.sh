#!/usr/bin/env bash
# Debian packages the interop tests talk to. Installed idempotently and quietly; skipped when
# everything is already there. Without root (a developer's laptop) it says what is missing.
set -euo pipefail
needed=(curl finger nginx openssh-client openssl python3)
missing=()
for pkg in "${needed[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "install-peers: missing Debian packages for interop tests: ${missing[*]} (run as root to install)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
