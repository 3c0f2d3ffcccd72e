#!/usr/bin/env bash
# Fails when a module includes a module it must not. Dependencies flow one way:
#   common -> protocol, config -> storage -> actors -> client -> streams -> apps
#   (and actors -> kafka -> apps: the Kafka listener sits beside the native client)
# (bench, tests and examples may use anything). Checked by grepping #include lines.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A allowed=(
  [common]="common"
  [protocol]="common protocol"
  [config]="common config"
  [storage]="common protocol config storage"
  [actors]="common protocol config storage actors"
  [client]="common protocol config storage actors client"
  [kafka]="common protocol config storage actors kafka"
  [streams]="common protocol config client streams"
  [apps]="common protocol config storage actors client kafka streams apps"
)

status=0
for module in "${!allowed[@]}"; do
  [[ -d $module ]] || continue
  while IFS= read -r line; do
    file=${line%%:*}
    used=$(sed -E 's/.*tributary\/([a-z_]+)\/.*/\1/' <<<"$line")
    if [[ " ${allowed[$module]} " != *" $used "* ]]; then
      echo "check-deps: $file: module '$module' must not include '$used' (allowed: ${allowed[$module]})"
      status=1
    fi
  done < <(grep -rnE '#include +[<"]tributary/[a-z_]+/' "$module" --include='*.cpp' --include='*.hpp' || true)
done
exit $status
