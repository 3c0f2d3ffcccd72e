#!/usr/bin/env bash
# Installs whatever Tributary needs that this Debian 12 machine lacks. Idempotent and
# quiet when everything is there. The one place that lists the project's packages.
set -euo pipefail

# Build toolchain and libraries.
packages=(
  g++ cmake make pkg-config git ccache mold clang-format python3
  clang               # libFuzzer: scripts/fuzz.sh and the short fuzz run in the tests
  libcaf-dev          # C++ Actor Framework 0.17.6
  libsqlite3-dev      # group offsets and cluster metadata
  libspdlog-dev       # logging
  catch2              # unit tests (v2)
  libtomlplusplus-dev # config files
  zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev # Kafka's compression codecs
  libcli11-dev nlohmann-json3-dev                  # CLI and JSON
  librdkafka-dev kcat # a real Kafka client and its mock cluster, for golden bytes and tests
  redis-server        # Redis Streams, the peer bench/kafka_bench compares against
  # Kafka clients for tests/kafka_clients (run by /usr/bin/python3) and kafka-python's codecs.
  python3-kafka python3-confluent-kafka python3-snappy python3-lz4 python3-zstandard
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# kafkajs for tests/kafka_clients/kafkajs, pinned by its package-lock.json. Node's npm when
# there is none on PATH (Debian's nodejs + npm).
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kafkajs_dir="$repo/tests/kafka_clients/kafkajs"
if [[ ! -d "$kafkajs_dir/node_modules/kafkajs" ]]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: installing nodejs npm"
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  echo "setup: npm ci in tests/kafka_clients/kafkajs"
  npm ci --prefix "$kafkajs_dir" --no-audit --no-fund --loglevel=error >/dev/null
fi
