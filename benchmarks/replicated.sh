#!/usr/bin/env bash
# Replicated mgtm throughput: groups of 1, 2 and 3 replicas on 127.0.0.11-13 (fsync'ed raft log),
# the bench against the leader's XC port at 1, 8, 32 and 64 clients, direct and with proxy framing;
# log entries and commands per entry (the group-commit batching factor) from the leader's status.
# Writes benchmarks/results/replicated-<date>.md. Usage: benchmarks/replicated.sh [seconds per row, default 10]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../bin/lib/mgtm-common.sh"
. "$here/../bin/lib/mgtm-bench-lib.sh"
seconds=${1:-10}
stamp=$(date -u +%Y-%m-%d)
out=$here/results/replicated-$stamp.md
work=$(mktemp -d)
mgtm_use_private_jar "$work"
hosts=(127.0.0.11 127.0.0.12 127.0.0.13)
secret=bench-secret
trap 'mgtm_stop_tracked; rm -rf "$work"' EXIT

{
  echo "# Replicated mgtm: bench throughput by group size"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(java -version 2>&1 | head -1)"
  echo "- load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- command: \`benchmarks/replicated.sh $seconds\`; every replica, the bench and nothing else on one machine"
  echo "- raft log fsync on; group commit with up to 4 appends in flight; workload as in standalone.sh"
  echo
  echo "| replicas | mode | clients | tps | GTM requests/s | p50 ms | p99 ms | log entries | commands per entry |"
  echo "|---|---|---|---|---|---|---|---|---|"
} >"$out"

for n in 1 2 3; do
  members=$(mgtm_members 7800 "$n" "${hosts[@]}")
  mgtm_group_start "$work/x$n" "$work/x$n" "$members" --secret "$secret" -x 1000
  lhost=$(mgtm_member_host "$members" "$(mgtm_group_leader "$members" "$secret" 6680 20)")
  for mode in direct proxy-framing; do
    extra=()
    [ "$mode" = proxy-framing ] && extra=(--proxy-framing --proxy-connections 2)
    for c in 1 8 32 64; do
      before=$(mgtm_group_log_counters "$members" "$secret" 6680)
      res=$("$MGTM_HOME/bin/mgtm-bench" -h "$lhost" -p 6666 -c "$c" -T "$seconds" -q "${extra[@]}")
      after=$(mgtm_group_log_counters "$members" "$secret" 6680)
      read -r e0 c0 <<<"$before"
      read -r e1 c1 <<<"$after"
      tps=$(sed -n 's/^transactions: .* = \([0-9]*\) tps (\([0-9]*\) GTM requests\/s).*/\1 | \2/p' <<<"$res")
      lat=$(sed -n 's/^latency per transaction: p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/\1 | \2/p' <<<"$res")
      entries=$((e1 - e0))
      per=$(python3 -c "print(f'{($c1-$c0)/max(1,$entries):.2f}')")
      echo "| $n | $mode | $c | $tps | $lat | $entries | $per |" >>"$out"
      echo "x$n $mode c=$c: $tps" >&2
    done
  done
  mgtm_stop_tracked
done
echo "results: $out" >&2
