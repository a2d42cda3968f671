#!/usr/bin/env bash
# Installs Debian's chromium and a CJK font for the browser tests when they are missing (root only).
set -uo pipefail
if command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi -e wqy -e noto.*cjk; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "browser tests need Debian's chromium and fonts-wqy-microhei: apt-get install chromium fonts-wqy-microhei" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null && apt-get install -y -q chromium fonts-wqy-microhei >/dev/null \
  || echo "could not install chromium; browser tests will be skipped" >&2
