#!/usr/bin/env bash
# Configures (once) and builds one build tree. Usage: scripts/build.sh <dir> [cmake -D...]
# Shared by run.sh and test.sh so both use ccache under $HOME and -j2.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$1
shift
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
jobs=${TRIB_JOBS:-2}
cmake -S "$root" -B "$dir" -G "Unix Makefiles" "$@" >"$dir.configure.log" 2>&1 || {
  cat "$dir.configure.log"
  exit 1
}
cmake --build "$dir" -j"$jobs" -- --no-print-directory
