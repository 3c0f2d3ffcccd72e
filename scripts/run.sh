#!/usr/bin/env bash
# README command 1: install what is missing, build in Release (tests off), start one node
# with embedded defaults (data in ./tributary-data, native listener 127.0.0.1:19092).
# Arguments go to the node: scripts/run.sh --help, scripts/run.sh --log.format=json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
mkdir -p "$root/build"
"$root/scripts/build.sh" "$root/build/release" -DCMAKE_BUILD_TYPE=Release -DTRIB_BUILD_TESTS=OFF
exec "$root/build/release/apps/tributary/tributary" "$@"
