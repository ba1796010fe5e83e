#!/usr/bin/env bash
# Memory per replica of a 3-replica group, idle and with N open transactions (`mgtm bench
# open-transactions`: begun through the leader, one more committed so that snapshots list them, and a
# few snapshots taken). Each replica's heap is read after a full GC (jcmd GC.run, then jstat -gc), its
# RSS from /proc/<pid>/status. Writes benchmarks/results/memory-<date>.md.
#
# Usage: benchmarks/memory.sh [open transactions, default 10000]   (about 1 minute)
# Rows: idle, N open, idle again after the driver stopped (the two idle rows show the noise).
# Environment (default):
#   MGTM_BENCH_MAX_TRANSACTIONS (16384: --max-transactions of the replicas; must exceed N)
#   MGTM_BENCH_PROTOCOL (internal: as mgtm_proxy; or xc: proxy-framed XC to the leader's XC port)
#   MGTM_BENCH_OPEN_CONNECTIONS (4)  MGTM_BENCH_OPEN_BATCH (256)  MGTM_BENCH_SNAPSHOTS (5)
#   MGTM_BENCH_SETTLE (3: seconds of quiet before each measurement)
#   MGTM_BENCH_HOSTS ("127.0.0.11 127.0.0.12 127.0.0.13")  MGTM_BENCH_CLIENT_PORT (6666)
#   MGTM_BENCH_INTERNAL_PORT (6680)  MGTM_BENCH_RAFT_PORT (7800; FD_SOCK2 also takes +100 and +101)
#   MGTM_BENCH_REPLICA_OPTS: more `mgtm replica` options   MGTM_BENCH_OUT: the report's path
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../bin/lib/mgtm-common.sh"
n=${1:-10000}
max_txns=${MGTM_BENCH_MAX_TRANSACTIONS:-16384}
protocol=${MGTM_BENCH_PROTOCOL:-internal}
open_connections=${MGTM_BENCH_OPEN_CONNECTIONS:-4}
open_batch=${MGTM_BENCH_OPEN_BATCH:-256}
snapshots=${MGTM_BENCH_SNAPSHOTS:-5}
settle=${MGTM_BENCH_SETTLE:-3}
read -r -a hosts <<<"${MGTM_BENCH_HOSTS:-127.0.0.11 127.0.0.12 127.0.0.13}"
client_port=${MGTM_BENCH_CLIENT_PORT:-6666}
internal_port=${MGTM_BENCH_INTERNAL_PORT:-6680}
raft_port=${MGTM_BENCH_RAFT_PORT:-7800}
read -r -a replica_opts <<<"${MGTM_BENCH_REPLICA_OPTS:-}"
stamp=$(date -u +%Y-%m-%d)
out=${MGTM_BENCH_OUT:-$here/results/memory-$stamp.md}
[ "${#hosts[@]}" -eq 3 ] || mgtm_die "MGTM_BENCH_HOSTS must name 3 hosts"
[ "$n" -lt "$max_txns" ] || mgtm_die "$n open transactions need MGTM_BENCH_MAX_TRANSACTIONS above $n (one more is committed)"
command -v jcmd >/dev/null && command -v jstat >/dev/null || mgtm_die "jcmd and jstat (JDK) are needed"

work=$(mktemp -d)
. "$here/../bin/lib/mgtm-bench-lib.sh"
bench_secret=bench-secret
# set +e: nothing in the cleanup may stop it before every process it started is stopped.
trap 'rc=$?; set +e; [ "$rc" -eq 0 ] || mgtm_show_errors "$work"; mgtm_stop_tracked; rm -rf "$work"' EXIT
mgtm_use_private_jar "$work"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
members=$(mgtm_members "$raft_port" 3 "${hosts[@]}")

# Prints "role open" of member mgtm$1 from a status document on stdin.
role_and_open() {
  python3 -c '
import json, sys
docs = json.load(sys.stdin)
d = next((d for d in docs if d.get("member") == sys.argv[1]), {})
print(d.get("role", "unreachable"), d.get("openTransactions", "?"))
' "mgtm$1"
}

# Waits until every member reports $1 open transactions (followers apply a little after the leader).
wait_open() {
  local want=$1 doc
  for _ in $(seq 1 150); do
    doc=$(mgtm_group_status "$members" "$bench_secret" "$internal_port" || true)
    if [ -n "$doc" ] && python3 -c '
import json, sys
docs = json.loads(sys.argv[1])
sys.exit(0 if len(docs) == 3 and all(d.get("openTransactions") == int(sys.argv[2]) for d in docs) else 1)
' "$doc" "$want"; then
      return 0
    fi
    sleep 0.2
  done
  mgtm_die "not every replica reports $want open transactions: $doc"
}

# Full GC twice (the second collects what the first one's finalisation released), then jstat -gc.
# Appends one table row per replica and keeps its heap used (KiB) in $work/heap-<key>-<i>.
measure() { # key label
  local key=$1 label=$2 doc i pid stats heap_used rss role open
  sleep "$settle"
  doc=$(mgtm_group_status "$members" "$bench_secret" "$internal_port" || true)
  for i in 1 2 3; do
    pid=$(cat "$work/mgtm$i.pid")
    jcmd "$pid" GC.run >/dev/null
    jcmd "$pid" GC.run >/dev/null
    # jstat -gc figures are KiB; columns are found by name, their order differs between JDKs.
    stats=$(jstat -gc "$pid" | awk 'NR == 1 { for (f = 1; f <= NF; f++) col[$f] = f; next }
      { printf "%.0f %.0f %.0f\n", $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"],
               $col["S0C"] + $col["S1C"] + $col["EC"] + $col["OC"], $col["MU"] }')
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
    read -r role open < <(role_and_open "$i" <<<"$doc")
    read -r heap_used _ <<<"$stats"
    echo "$heap_used" >"$work/heap-$key-$i"
    awk -v label="$label" -v i="$i" -v role="$role" -v open="$open" -v rss="$rss" -v stats="$stats" 'BEGIN {
      split(stats, s, " ")
      printf "| %s | mgtm%d | %s | %s | %.1f | %.1f | %.1f | %.1f |\n", label, i, role, open,
        s[1] / 1024, s[2] / 1024, s[3] / 1024, rss / 1024 }' >>"$out"
    echo "$label: mgtm$i ($role, $open open): heap ${heap_used} KiB used after full GC, RSS ${rss} KiB" >&2
  done
}

{
  echo "# Memory per replica: idle and with $n open transactions"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(java -version 2>&1 | head -1)"
  echo "- load average before the run: $load_before"
  echo "- command: \`$(mgtm_bench_env)benchmarks/memory.sh $n\` (replicas with --max-transactions $max_txns${MGTM_BENCH_REPLICA_OPTS:+ $MGTM_BENCH_REPLICA_OPTS};" \
    "transactions opened over the $protocol protocol on $open_connections connections, $open_batch per grouped begin, then $snapshots snapshots)"
  echo "- JVM options of every replica: ${MGTM_JAVA_OPTS}"
  echo "- heap: used (survivors + eden + old) after two full GCs (\`jcmd <pid> GC.run\`), from \`jstat -gc\`;" \
    "committed: what the JVM has reserved for the heap (at least -Xms); RSS: VmRSS of /proc/<pid>/status"
  echo "- rows: idle, with $n open, and idle again once the driver stopped (every replica back to 0 open);" \
    "the transaction table is allocated for --max-transactions at start, so the idle rows already hold it and" \
    "the difference is what the open transactions themselves cost, within the noise the two idle rows show"
  echo
  echo "| state | replica | role | open transactions | heap used MiB | heap committed MiB | metaspace used MiB | RSS MiB |"
  echo "|---|---|---|---|---|---|---|---|"
} >"$out"

mgtm_group_start "$work" "$work" "$members" --secret "$bench_secret" -x 1000 -p "$client_port" \
  --internal-port "$internal_port" --max-transactions "$max_txns" "${replica_opts[@]}"
lhost=$(mgtm_member_host "$members" "$(mgtm_group_leader "$members" "$bench_secret" "$internal_port" 30)")
wait_open 0
measure idle idle

case $protocol in
  internal) target=(--protocol internal --members "$members" --internal-port "$internal_port" --secret "$bench_secret") ;;
  xc) target=(--protocol xc --host "$lhost" -p "$client_port") ;;
  *) mgtm_die "MGTM_BENCH_PROTOCOL must be internal or xc" ;;
esac
mgtm_spawn "$work/open.log" "$work/open.pid" bench open-transactions "${target[@]}" -n "$n" -b "$open_batch" \
  -c "$open_connections" --snapshots "$snapshots" --hold signal
mgtm_track "$work/open.pid"
mgtm_wait_for_line "$work/open.log" "^holding" "$work/open.pid" 120
opened=$(grep '^open-transactions:' "$work/open.log" | head -1)
wait_open "$n"
measure open "$n open"

mgtm_stop_pidfile "$work/open.pid"
wait_open 0
# Idle again: how far the two idle rows differ is the noise the per-transaction figure carries.
measure after "idle after close"
{
  echo
  echo "Per open transaction: heap used with $n open minus the mean of the two idle rows, divided by $n" \
    "(the idle rows' difference is the measurement noise):"
  for i in 1 2 3; do
    awk -v i="$i" -v n="$n" -v idle="$(cat "$work/heap-idle-$i")" -v open="$(cat "$work/heap-open-$i")" \
      -v after="$(cat "$work/heap-after-$i")" 'BEGIN {
        base = (idle + after) / 2; noise = idle - after; if (noise < 0) noise = -noise
        printf "- mgtm%d: %+.0f KiB, %.0f bytes per transaction (idle rows differ by %.0f KiB)\n",
          i, open - base, (open - base) * 1024 / n, noise }'
  done
  echo
  echo "Driver: ${opened#open-transactions: }"
} >>"$out"
mgtm_stop_tracked
echo "results: $out" >&2
