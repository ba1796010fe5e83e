#!/usr/bin/env bash
# The cost of TLS between replicas (issue 11): a 3-replica group on 127.0.0.91-93, the bench against the
# leader's XC port (proxy framing, as mgtm_proxy sends) at 32 and 64 clients, with replication in the clear
# and over TLS (mgtm tls-keys --shared), alternating so that the machine's load hits both alike.
# Writes benchmarks/results/tls-cost-<date>.md.
# Usage: benchmarks/tls-cost.sh [seconds per row, default 10] [rounds, default 2]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../bin/lib/mgtm-common.sh"
. "$here/../bin/lib/mgtm-bench-lib.sh"
seconds=${1:-10}
rounds=${2:-2}
stamp=$(date -u +%Y-%m-%d)
out=$here/results/tls-cost-$stamp.md
work=$(mktemp -d)
mgtm_use_private_jar "$work"
hosts=(127.0.0.91 127.0.0.92 127.0.0.93)
secret=bench-secret-tls
trap 'mgtm_stop_tracked; rm -rf "$work"' EXIT
"$MGTM_JAVA" -jar "$MGTM_JAR" tls-keys --dir "$work/tls" --shared --password "$secret" >/dev/null
store=$work/tls/group.p12

{
  echo "# TLS between replicas: throughput cost"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(java -version 2>&1 | head -1)"
  echo "- load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (other work shares the machine)"
  echo "- command: \`benchmarks/tls-cost.sh $seconds $rounds\`; 3 replicas on 127.0.0.91-93, fsync on, the bench"
  echo "  against the leader's XC port with proxy framing (2 connections), $seconds s per row, rounds alternate"
  echo
  echo "| round | replication | clients | tps | GTM requests/s | p50 ms | p99 ms | load average after |"
  echo "|---|---|---|---|---|---|---|---|"
} >"$out"

for ((r = 1; r <= rounds; r++)); do
  for mode in plain tls; do
    args=(--secret "$secret" -x 1000)
    [ "$mode" = tls ] && args+=(--tls-keystore "$store")
    members=$(mgtm_members 17800 3 "${hosts[@]}")
    rm -rf "$work/g"
    mgtm_group_start "$work/g" "$work/g" "$members" --internal-port 16680 "${args[@]}"
    lhost=$(mgtm_member_host "$members" "$(mgtm_group_leader "$members" "$secret" 16680 30)")
    for c in 32 64; do
      res=$("$MGTM_HOME/bin/mgtm-bench" -h "$lhost" -p 6666 -c "$c" -T "$seconds" -q --proxy-framing --proxy-connections 2)
      tps=$(sed -n 's/^transactions: .* = \([0-9]*\) tps (\([0-9]*\) GTM requests\/s).*/\1 | \2/p' <<<"$res")
      lat=$(sed -n 's/^latency per transaction: p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/\1 | \2/p' <<<"$res")
      echo "| $r | $mode | $c | $tps | $lat | $(cut -d' ' -f1 /proc/loadavg) |" >>"$out"
      echo "round $r $mode c=$c: $tps" >&2
    done
    mgtm_stop_tracked
  done
done
echo "results: $out" >&2
