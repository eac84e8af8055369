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

find_python() {
  # The newest Python 3.11+ on PATH; anything older gets one clear line before anything is installed.
  local candidate
  for candidate in "${PYTHON:-}" python3.14 python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] && command -v "$candidate" >/dev/null || continue
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  local found
  found=$(python3 --version 2>/dev/null || echo "no python3")
  echo "PaperShelf needs Python 3.11 or newer (found: $found). Install one, or name it with PYTHON=/path/to/python3.11." >&2
  exit 1
}

ensure_venv() {
  # A venv made by a Python older than 3.11, or left without pip by a venv that failed half-way,
  # is rebuilt rather than used.
  if [ -e "$VENV" ]; then
    local why=""
    if [ ! -x "$PY" ]; then why="it has no python"
    elif ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      why="it was made by $("$PY" --version 2>&1), older than 3.11"
    elif ! "$PY" -m pip --version >/dev/null 2>&1; then why="it has no pip (a venv that failed half-way)"
    fi
    if [ -n "$why" ]; then
      say "rebuilding $VENV: $why"
      rm -rf "$VENV"
    fi
  fi
  if [ ! -x "$PY" ]; then
    local python
    python=$(find_python)
    say "creating a virtual environment in $VENV ($("$python" --version 2>&1))"
    "$python" -m venv "$VENV"
  fi
  local extras=$1 stamp="$VENV/.installed-$1"
  # Reinstall only when pyproject.toml changed since the last install.
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    say "installing papershelf${extras:+[$extras]} and its dependencies (pip; a minute on a fresh machine)"
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
  # Node.js and npm run web-ext and Zotero's translators; checked before anything is installed.
  command -v node >/dev/null || need+=(nodejs)
  command -v npm >/dev/null || need+=(npm)
  if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]} (apt; a few minutes on a fresh machine)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

ensure_node_tools() {
  # package.json pins the Node programs the tests drive (web-ext; Zotero's import translators);
  # reinstall from the lock file only when it changed since the last install.
  local stamp=node_modules/.installed
  if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
    say "installing web-ext and zotero-translators (npm ci; about a minute on a fresh machine)"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
    touch "$stamp"
  fi
}

lint_extension() {
  # The Firefox build, as the zip holds it: the source manifest also names Chrome's
  # background.service_worker, which Firefox ignores and web-ext would warn about.
  local lint_dir
  lint_dir=$(mktemp -d)
  "$PY" tools/extension.py unpacked "$lint_dir" >/dev/null
  NO_UPDATE_NOTIFIER=1 npx --no-install web-ext lint --source-dir "$lint_dir/firefox" --self-hosted --output text \
    || { rm -rf "$lint_dir"; return 1; }
  rm -rf "$lint_dir"
}

build_extension() {
  if [ -f tools/extension.py ]; then
    say "building the extension"
    # extension/ loads unpacked as it is: bring its made-from-the-sites files (manifest matches,
    # content/sites/*.js, lib/sites.js) in step with backend/papershelf/sites/ first.
    "$PY" tools/extension.py sync
    "$PY" tools/extension.py dist
  fi
}

usage() { sed -n '2,/^[^#]/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; }

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
    find_python >/dev/null
    ensure_test_programs
    ensure_venv test
    ensure_node_tools
    build_extension
    say "web-ext lint (the Firefox build)"
    lint_extension
    say "pytest (about 5 minutes; the browser tests and the 50-kill durability test take the longest)"
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
  "" | -h | --help | help)
    usage
    ;;
  *)
    echo "build.sh: unknown command '$1'" >&2
    usage >&2
    exit 2
    ;;
esac
