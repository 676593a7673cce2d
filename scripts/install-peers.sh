#!/usr/bin/env bash
# Debian packages the interop tests talk to. Installed idempotently and quietly; skipped when
# everything is already there. Without root (a developer's laptop) it says what is missing.
set -euo pipefail
needed=(chromium curl finger irssi nginx ngircd openssh-client openssh-server openssh-sftp-server openssl python3 python3-twisted rsync wrk)
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
# The tests start their own peers (nginx on a free loopback port, …): keep apt from starting the
# packages' system services on install. policy-rc.d is Debian's switch for that.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && made_policy=1
fi
trap '[ "$made_policy" = 1 ] && rm -f "$policy"' EXIT
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
