#!/usr/bin/env bash
# README command 2: install what is missing, build everything with tests (one configure,
# warnings as errors, ASan+UBSan), check formatting and module dependencies, run ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/check-format.sh"
"$root/scripts/check-deps.sh"
mkdir -p "$root/build"
# -O1 -g1: with the sanitizers, -O2 -g took 4-5x longer to compile CAF-heavy files
# (broker.cpp: 111 s vs 24 s) and CI must finish in 45 minutes on 2 cores.
"$root/scripts/build.sh" "$root/build/test" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DCMAKE_C_FLAGS_DEBUG="-O1 -g1" \
  -DTRIB_WERROR=ON -DTRIB_SANITIZE=${TRIB_SANITIZE:-ON} -DTRIB_BUILD_TESTS=ON
cd "$root/build/test"
ctest --output-on-failure -j"${TRIB_JOBS:-2}" "$@"
