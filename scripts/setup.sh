#!/usr/bin/env bash
# `npm run setup`: installs what Yishi runs on (redis-server; postgresql for the tests) when absent, then
# the npm dependencies. Safe to run again: nothing is installed twice.
set -euo pipefail
cd "$(dirname "$0")/.."

have_postgres() {
  command -v initdb >/dev/null 2>&1 && return 0
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
have_postgres || missing+=(postgresql)
# The staff web page: a CJK font for its charts and notices; chromium and pdftotext for its tests.
[[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]] || missing+=(fonts-noto-cjk)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)

if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "setup: ${missing[*]} missing; run as root: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: ${missing[*]} missing and this is not a Debian-like system: install them with your package manager" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  "${sudo[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "setup: redis-server and postgresql are already installed"
fi

npm ci
echo "setup: done. Next: npm start (console demo) or npm test"
