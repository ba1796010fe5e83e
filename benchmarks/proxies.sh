#!/usr/bin/env bash
# Through 2 mgtm_proxy (127.0.0.31-32) to a 3-replica group (127.0.0.11-13) versus direct to a
# standalone mgtm, at 1, 8, 32 and 64 backends (split over the two proxies), with the proxies'
# grouping factor (backend requests per upstream request, from their logs at stop).
# Writes benchmarks/results/proxies-<date>.md. Usage: benchmarks/proxies.sh [seconds per row, default 10]
# Ports: MGTM_XC_PORT (6666), MGTM_INTERNAL_PORT (6680), MGTM_RAFT_PORT (7800), MGTM_PROXY_PORT (6666).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../bin/lib/mgtm-common.sh"
. "$here/../bin/lib/mgtm-bench-lib.sh"
seconds=${1:-10}
xc_port=${MGTM_XC_PORT:-6666}
internal_port=${MGTM_INTERNAL_PORT:-6680}
raft_port=${MGTM_RAFT_PORT:-7800}
proxy_port=${MGTM_PROXY_PORT:-6666}
stamp=$(date -u +%Y-%m-%d)
out=$here/results/proxies-$stamp.md
work=$(mktemp -d)
mgtm_use_private_jar "$work"
secret=bench-secret
members=$(mgtm_members "$raft_port" 3 127.0.0.11 127.0.0.12 127.0.0.13)
trap 'mgtm_stop_tracked; rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

row() { # label backends endpoint...: the backends split over the endpoints
  local label=$1 c=$2 tps req p50 p99 err split
  shift 2
  mgtm_bench_split "$work" "$seconds" "$c" "$@"
  read -r tps req p50 p99 err split <<<"$MGTM_BENCH_RESULT"
  echo "| $label | $c | $tps | $req | $p50 | $p99 |" >>"$out"
  echo "$label c=$c: $tps tps" >&2
}

{
  echo "# Through 2 proxies to mgtm x3 versus direct to standalone mgtm"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  mgtm_machine_lines
  echo "- command: \`benchmarks/proxies.sh $seconds\`; 3 replicas, 2 proxies and the bench share the machine"
  echo
  echo "| path | backends | tps | GTM requests/s | p50 ms (worst bench) | p99 ms (worst bench) |"
  echo "|---|---|---|---|---|---|"
} >"$out"

mgtm_spawn "$work/standalone.log" "$work/standalone.pid" server -h 127.0.0.11 -p "$xc_port" -D "$work/standalone" -x 1000
mgtm_track "$work/standalone.pid"
mgtm_wait_for_line "$work/standalone.log" "I'm running" "$work/standalone.pid" 60
for c in 1 8 32 64; do row "direct to standalone mgtm" "$c" "127.0.0.11:$xc_port"; done
mgtm_stop_pidfile "$work/standalone.pid"

mgtm_group_start "$work" "$work/data" "$members" --secret "$secret" -p "$xc_port" --internal-port "$internal_port" -x 1000
for i in 1 2; do
  mgtm_spawn "$work/p$i.log" "$work/p$i.pid" proxy -h "127.0.0.3$i" -p "$proxy_port" --members "$members" \
    --internal-port "$internal_port" --secret "$secret"
  mgtm_track "$work/p$i.pid"
  mgtm_wait_for_line "$work/p$i.log" "I'm running" "$work/p$i.pid" 60
done
for c in 1 8 32 64; do row "2 proxies to mgtm x3" "$c" "127.0.0.31:$proxy_port" "127.0.0.32:$proxy_port"; done
leader_json=$(mgtm_group_status "$members" "$secret" "$internal_port" || true)
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
