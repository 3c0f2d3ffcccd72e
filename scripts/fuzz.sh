#!/usr/bin/env bash
# Builds the libFuzzer target over Kafka request decoding and RecordBatch validation with
# clang (ASan + libFuzzer) in build/fuzz, and runs it on a copy of the seed corpus.
# Usage: scripts/fuzz.sh [libFuzzer flags...]   e.g. -max_total_time=60 or -runs=10000000
# Exit code: libFuzzer's (non-zero on a crash; the reproducer is written to build/fuzz/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${TRIB_FUZZ_DIR:-$root/build/fuzz}
command -v clang++ >/dev/null || { echo "fuzz: clang++ is not installed (apt-get install clang)"; exit 1; }
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
mkdir -p "$dir"
CC=clang CXX=clang++ cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRIB_FUZZ=ON \
  -DTRIB_BUILD_TESTS=OFF -DTRIB_BUILD_BENCH=OFF >"$dir.configure.log" 2>&1 || {
  cat "$dir.configure.log"
  exit 1
}
cmake --build "$dir" --target kafka_request_fuzz -j"${TRIB_JOBS:-2}" -- --no-print-directory >"$dir.build.log" 2>&1 || {
  tail -50 "$dir.build.log"
  exit 1
}
# Work on a copy: libFuzzer adds what it finds to the first corpus directory.
work="$dir/corpus"
mkdir -p "$work"
cp -n "$root"/protocol/fuzz/corpus/* "$work"/ 2>/dev/null || true
cd "$dir"
args=("$@")
((${#args[@]})) || args=(-max_total_time=60)
exec "$dir/protocol/kafka_request_fuzz" -rss_limit_mb=2048 -max_len=1048576 -print_final_stats=1 \
  "${args[@]}" "$work"
