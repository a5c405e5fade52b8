#!/usr/bin/env bash
# Install headless Chromium (Debian package `chromium`) for the report's browser test (tests/report_browser.py).
# Idempotent: does nothing when chromium or chromium-browser is already on PATH. Never fails the caller: without a
# browser the browser test skips, and this script says why in one line.
set -uo pipefail

if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium: not installed and no apt-get here; install chromium by hand (the browser test skips)" >&2
  exit 0
fi

install="apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null"
if [ "$(id -u)" = 0 ]; then
  sh -c "$install" || { echo "chromium: apt-get install chromium failed (the browser test skips)" >&2; exit 0; }
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo -n sh -c "$install" || { echo "chromium: sudo apt-get install chromium failed (the browser test skips)" >&2; exit 0; }
else
  echo "chromium: not installed, not root and no passwordless sudo; run: sudo apt-get install chromium" >&2
  exit 0
fi
echo "chromium installed: $(chromium --version 2>/dev/null)"
