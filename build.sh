#!/usr/bin/env bash
# PaperShelf's one entry point, for people and CI alike.
#   ./build.sh run    install, build the extension, start the backend on the default library
#   ./build.sh test   install what the tests need and run the whole suite
#   ./build.sh dist   build dist/papershelf-chrome.zip and dist/papershelf-firefox.zip
#   ./build.sh bench  print the speed figures (bench/*.py)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
VENV=${PAPERSHELF_VENV:-$ROOT/.venv}
PY=$VENV/bin/python

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

ensure_venv() {
  if [ ! -x "$PY" ]; then
    say "creating a virtual environment in $VENV"
    python3 -m venv "$VENV"
  fi
  local extras=$1 stamp="$VENV/.installed-$1"
  # Reinstall only when pyproject.toml changed since the last install.
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    say "installing papershelf${extras:+[$extras]}"
    "$PY" -m pip install --quiet --upgrade pip
    "$PY" -m pip install --quiet -e ".${extras:+[$extras]}"
    touch "$stamp"
  fi
}

ensure_test_programs() {
  # Real programs the tests drive: Debian's Chromium and Firefox ESR for the end-to-end tests
  # (never a browser download of a test tool's own), pandoc as a real consumer of our exports.
  local need=()
  command -v chromium >/dev/null || need+=(chromium)
  command -v firefox-esr >/dev/null || need+=(firefox-esr)
  command -v pandoc >/dev/null || need+=(pandoc)
  if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]} (apt)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

ensure_node_tools() {
  # package.json pins the Node programs the tests drive (web-ext; Zotero's import translators);
  # reinstall from the lock file only when it changed since the last install.
  local stamp=node_modules/.installed
  if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
    say "installing web-ext and zotero-translators (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
    touch "$stamp"
  fi
}

build_extension() {
  if [ -f tools/extension.py ]; then
    say "building the extension"
    "$PY" tools/extension.py dist
  fi
}

case "${1:-}" in
  run)
    shift
    ensure_venv ""
    build_extension
    say "starting the backend (Ctrl-C stops it)"
    exec "$VENV/bin/papershelf" serve "$@"
    ;;
  test)
    shift
    ensure_venv test
    ensure_test_programs
    ensure_node_tools
    build_extension
    if [ -d extension ]; then
      # The Firefox build, as the zip holds it: the source manifest also names Chrome's
      # background.service_worker, which Firefox ignores and web-ext would warn about.
      say "web-ext lint (the Firefox build)"
      lint_dir=$(mktemp -d)
      "$PY" tools/extension.py unpacked "$lint_dir" >/dev/null
      npx --no-install web-ext lint --source-dir "$lint_dir/firefox" --self-hosted --output text \
        || { rm -rf "$lint_dir"; exit 1; }
      rm -rf "$lint_dir"
    fi
    say "pytest"
    exec "$PY" -m pytest "$@"
    ;;
  dist)
    ensure_venv ""
    build_extension
    ;;
  bench)
    ensure_venv test
    for b in bench/*.py; do say "$b"; "$PY" "$b"; done
    ;;
  *)
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
