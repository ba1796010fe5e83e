#!/usr/bin/env bash
# Standalone mgtm throughput: the bench at 1, 8, 32 and 64 clients, direct and through proxy
# framing (clients multiplexed on 2 gtm_proxy-style connections with grouped MULTI requests).
# Writes benchmarks/results/standalone-<date>.md (and the per-run CSV timelines next to it).
# Usage: benchmarks/standalone.sh [seconds per run, default 20] [extra endpoint host:port to bench too]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../bin/lib/mgtm-common.sh"

seconds=${1:-20}
extra=${2:-}
host=127.0.0.11
port=6666
stamp=$(date -u +%Y-%m-%d)
out=$here/results/standalone-$stamp.md
work=$(mktemp -d)
pidfile=$work/mgtm.pid

mgtm_use_private_jar "$work"
trap 'mgtm_stop_pidfile "$pidfile"; rm -rf "$work"' EXIT
mgtm_spawn "$work/mgtm.log" "$pidfile" server -h "$host" -p "$port" -D "$work/data" -x 1000
mgtm_wait_for_line "$work/mgtm.log" "I'm running" "$pidfile" 60

run() { # label host port extra-args...
  local label=$1 h=$2 p=$3
  shift 3
  for c in 1 8 32 64; do
    local csv=$here/results/standalone-$stamp-$label-c$c.csv
    local res
    res=$("$MGTM_HOME/bin/mgtm-bench" -h "$h" -p "$p" -c "$c" -T "$seconds" -q --csv "$csv" "$@")
    local tps p50 p99 p999 grp
    tps=$(sed -n 's/^transactions: .* = \([0-9]*\) tps (\([0-9]*\) GTM requests\/s).*/\1 | \2/p' <<<"$res")
    p50=$(sed -n 's/^latency per transaction: p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms, p99.9 \([0-9.]*\) ms.*/\1 | \2 | \3/p' <<<"$res")
    grp=$(sed -n 's/^grouping: \([0-9.]*\) .*/\1/p' <<<"$res")
    echo "| $label | $c | $tps | $p50 | ${grp:--} |" >>"$out"
    echo "$label c=$c: $tps tps|req/s" >&2
  done
}

{
  echo "# Standalone mgtm: bench throughput"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(java -version 2>&1 | head -1)"
  echo "- load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- command: \`benchmarks/standalone.sh $seconds${extra:+ $extra}\` (mgtm and the bench share the machine)"
  echo "- workload: each client loops begin + GXID, 5 snapshots, commit (pgbench TPC-B through XC); $seconds s per row"
  echo
  echo "| mode | clients | tps | GTM requests/s | p50 ms | p99 ms | p99.9 ms | requests per MULTI |"
  echo "|---|---|---|---|---|---|---|---|"
} >"$out"
run direct "$host" "$port"
run proxy-framing "$host" "$port" --proxy-framing --proxy-connections 2
if [ -n "$extra" ]; then
  run "other-direct" "${extra%:*}" "${extra#*:}"
  run "other-proxy-framing" "${extra%:*}" "${extra#*:}" --proxy-framing --proxy-connections 2
fi
echo "results: $out" >&2
