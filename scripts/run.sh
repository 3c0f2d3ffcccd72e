#!/usr/bin/env bash
# README command 1: install what is missing, build in Release, run the project's main job.
# Until the node program exists this runs the storage benchmark (bench/storage_bench).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
mkdir -p "$root/build"
"$root/scripts/build.sh" "$root/build/release" -DCMAKE_BUILD_TYPE=Release -DTRIB_BUILD_TESTS=OFF
exec "$root/build/release/bench/storage_bench" "$@"
