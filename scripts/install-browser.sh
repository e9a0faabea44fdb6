#!/usr/bin/env bash
# Headless Chromium for the browser tests (tests/browser/), from Debian's packages.
# Playwright drives this system browser; it never downloads a browser of its own.
# A re-run is a no-op once /usr/bin/chromium exists.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
echo "==> installing chromium (Debian package) for the browser tests" >&2
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    chromium fonts-wqy-microhei >&2
