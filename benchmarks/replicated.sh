#!/usr/bin/env bash
# Replicated mgtm throughput: groups of 1, 2 and 3 replicas on 127.0.0.11-13 (fsync'ed raft log),
# the bench against the leader's XC port at 1, 8, 32 and 64 clients, direct and with proxy framing;
# log entries and commands per entry (the group-commit batching factor) from the leader's status.
# Writes benchmarks/results/replicated-<date>.md. Usage: benchmarks/replicated.sh [seconds per row, default 10]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../bin/lib/mgtm-common.sh"
seconds=${1:-10}
stamp=$(date -u +%Y-%m-%d)
out=$here/results/replicated-$stamp.md
work=$(mktemp -d)
mgtm_use_private_jar "$work"
hosts=(127.0.0.11 127.0.0.12 127.0.0.13)
secret=bench-secret
pids=()
stop_all() {
  for p in "${pids[@]}"; do mgtm_stop_pidfile "$p"; done
  pids=()
}
trap 'stop_all; rm -rf "$work"' EXIT

status_of() { # members: print the leader's host and its logEntries/logCommands
  "$MGTM_HOME/bin/mgtm" ctl status --members "$1" --secret "$secret" --json 2>/dev/null
}

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
  members=""
  for ((i = 1; i <= n; i++)); do members+="${members:+,}mgtm$i@${hosts[$((i - 1))]}:7800"; done
  for ((i = 1; i <= n; i++)); do
    pf=$work/r$i.pid
    mgtm_spawn "$work/r$n-$i.log" "$pf" replica --member-id "mgtm$i" --members "$members" -D "$work/data$n-$i" \
      --secret "$secret" -x 1000
    pids+=("$pf")
  done
  for ((i = 1; i <= n; i++)); do mgtm_wait_for_line "$work/r$n-$i.log" "I'm running" "$work/r$i.pid" 60; done
  leader=""
  for _ in $(seq 1 100); do
    leader=$(status_of "$members" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(next((m["member"] for m in d if m.get("role")=="Leader"), ""))' || true)
    [ -n "$leader" ] && break
    sleep 0.2
  done
  [ -n "$leader" ] || mgtm_die "no leader in a group of $n"
  lhost=${hosts[$((${leader#mgtm} - 1))]}
  for mode in direct proxy-framing; do
    extra=()
    [ "$mode" = proxy-framing ] && extra=(--proxy-framing --proxy-connections 2)
    for c in 1 8 32 64; do
      before=$(status_of "$members" | python3 -c 'import json,sys; d=json.load(sys.stdin); l=[m for m in d if m.get("role")=="Leader"][0]; print(l["logEntries"], l["logCommands"])')
      res=$("$MGTM_HOME/bin/mgtm-bench" -h "$lhost" -p 6666 -c "$c" -T "$seconds" -q "${extra[@]}")
      after=$(status_of "$members" | python3 -c 'import json,sys; d=json.load(sys.stdin); l=[m for m in d if m.get("role")=="Leader"][0]; print(l["logEntries"], l["logCommands"])')
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
  stop_all
done
echo "results: $out" >&2
