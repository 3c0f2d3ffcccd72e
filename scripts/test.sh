#!/usr/bin/env bash
# README command 2: install what is missing, build everything with tests (one configure,
# warnings as errors, ASan+UBSan), check formatting and module dependencies, run ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/check-format.sh"
"$root/scripts/check-deps.sh"
mkdir -p "$root/build"
"$root/scripts/build.sh" "$root/build/test" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTRIB_WERROR=ON -DTRIB_SANITIZE=${TRIB_SANITIZE:-ON} -DTRIB_BUILD_TESTS=ON
cd "$root/build/test"
ctest --output-on-failure -j"${TRIB_JOBS:-2}" "$@"
