#!/usr/bin/env bash
# Through 2 mgtm_proxy (127.0.0.31-32) to a 3-replica group (127.0.0.11-13) versus direct to a
# standalone mgtm, at 1, 8, 32 and 64 backends (split over the two proxies), with the proxies'
# grouping factor (backend requests per upstream request, from their logs at stop).
# Writes benchmarks/results/proxies-<date>.md. Usage: benchmarks/proxies.sh [seconds per row, default 10]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../bin/lib/mgtm-common.sh"
seconds=${1:-10}
stamp=$(date -u +%Y-%m-%d)
out=$here/results/proxies-$stamp.md
work=$(mktemp -d)
mgtm_use_private_jar "$work"
secret=bench-secret
members=mgtm1@127.0.0.11:7800,mgtm2@127.0.0.12:7800,mgtm3@127.0.0.13:7800
pidfiles=()
trap 'for p in "${pidfiles[@]}"; do mgtm_stop_pidfile "$p"; done; rm -rf "$work"' EXIT

row() { # label clients bench-args-for-each-target...
  local label=$1 c=$2
  shift 2
  local per=$(((c + $# - 1) / $#)) t=0 files=() benches=() tps=0 req=0 p50
  for target in "$@"; do
    "$MGTM_HOME/bin/mgtm-bench" -h "${target%:*}" -p "${target#*:}" -c "$per" -T "$seconds" -q >"$work/out-$t" &
    benches+=($!)
    files+=("$work/out-$t")
    t=$((t + 1))
  done
  wait "${benches[@]}" # only the benches: the servers are children of this script too
  for f in "${files[@]}"; do
    tps=$((tps + $(sed -n 's/^transactions: .* = \([0-9]*\) tps.*/\1/p' "$f")))
    req=$((req + $(sed -n 's/^transactions: .* (\([0-9]*\) GTM requests\/s).*/\1/p' "$f")))
  done
  p50=$(sed -n 's/^latency per transaction: p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/\1 | \2/p' "${files[0]}")
  echo "| $label | $((per * $#)) | $tps | $req | $p50 |" >>"$out"
  echo "$label c=$c: $tps tps" >&2
}

{
  echo "# Through 2 proxies to mgtm x3 versus direct to standalone mgtm"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(java -version 2>&1 | head -1)"
  echo "- load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- command: \`benchmarks/proxies.sh $seconds\`; 3 replicas, 2 proxies and the bench share the machine"
  echo
  echo "| path | backends | tps | GTM requests/s | p50 ms (first bench) | p99 ms |"
  echo "|---|---|---|---|---|---|"
} >"$out"

mgtm_spawn "$work/standalone.log" "$work/standalone.pid" server -h 127.0.0.11 -p 6666 -D "$work/standalone" -x 1000
pidfiles+=("$work/standalone.pid")
mgtm_wait_for_line "$work/standalone.log" "I'm running" "$work/standalone.pid" 60
for c in 1 8 32 64; do row "direct to standalone mgtm" "$c" 127.0.0.11:6666; done
mgtm_stop_pidfile "$work/standalone.pid"

for i in 1 2 3; do
  mgtm_spawn "$work/r$i.log" "$work/r$i.pid" replica --member-id "mgtm$i" --members "$members" -D "$work/r$i" \
    --secret "$secret" -x 1000
  pidfiles+=("$work/r$i.pid")
done
for i in 1 2 3; do mgtm_wait_for_line "$work/r$i.log" "I'm running" "$work/r$i.pid" 60; done
for i in 1 2; do
  mgtm_spawn "$work/p$i.log" "$work/p$i.pid" proxy -h "127.0.0.3$i" -p 6666 --members "$members" --secret "$secret"
  pidfiles+=("$work/p$i.pid")
  mgtm_wait_for_line "$work/p$i.log" "I'm running" "$work/p$i.pid" 60
done
for c in 1 8 32 64; do row "2 proxies to mgtm x3" "$c" 127.0.0.31:6666 127.0.0.32:6666; done
leader_json=$("$MGTM_HOME/bin/mgtm" ctl status --members "$members" --secret "$secret" --json || true)
python3 - "$out" <<PY
import json, sys
docs = json.loads('''$leader_json''' or '[]')
leader = next((d for d in docs if d.get("role") == "Leader"), None)
with open(sys.argv[1], "a") as f:
    if leader:
        per = leader["logCommands"] / max(1, leader["logEntries"])
        f.write(f"\nLeader after the run: {leader['logEntries']} log entries carried {leader['logCommands']} commands "
                f"({per:.2f} per entry, group commit); each proxy sends one MULTI per request kind per round.\n")
PY
for i in 1 2; do mgtm_stop_pidfile "$work/p$i.pid"; done
{
  echo
  echo "Proxies at stop (all rows together):"
  for i in 1 2; do echo "- proxy$i: $(grep -o 'mgtm_proxy stopping: .*' "$work/p$i.log" || echo 'no statistics line')"; done
} >>"$out"
echo "results: $out" >&2
