#!/usr/bin/env bash
# Peak GXID grants per second with TXN_BEGIN_GETGXID_MULTI (`mgtm bench grants`): a standalone mgtm
# for reference, then the leader of a 3-replica group, over XC (as gtm_proxy) and over the internal
# protocol (as mgtm_proxy), at several batch sizes and connection counts. Every granted batch is
# ended at once with one TXN_COMMIT_MULTI, so the transaction table holds only what is in flight.
# Writes benchmarks/results/grants-<date>.md.
#
# Usage: benchmarks/grants.sh [seconds measured per row, default 10] [warm-up seconds per row, default 3]
# Defaults take about 4.5 minutes: 18 rows of warm-up + measure, plus starting the servers.
# Environment (default):
#   MGTM_BENCH_BATCHES (64,512,4096)  MGTM_BENCH_CONNECTIONS (1,4)  MGTM_BENCH_DEPTH (4: begins in flight per connection)
#   MGTM_BENCH_PROTOCOLS ("xc internal")  MGTM_BENCH_MAX_OPEN (65536: GXIDs begun and not yet ended)
#   MGTM_BENCH_MAX_TRANSACTIONS (131072: --max-transactions of every server; must be >= MAX_OPEN)
#   MGTM_BENCH_HOSTS ("127.0.0.11 127.0.0.12 127.0.0.13"; the standalone server uses the first)
#   MGTM_BENCH_CLIENT_PORT (6666)  MGTM_BENCH_INTERNAL_PORT (6680)
#   MGTM_BENCH_RAFT_PORT (7800; jgroups' FD_SOCK2 also takes this +100 and +101)
#   MGTM_BENCH_SERVER_OPTS, MGTM_BENCH_REPLICA_OPTS: more options for `mgtm server` / `mgtm replica`
#   MGTM_BENCH_SKIP_STANDALONE=1: replicated rows only   MGTM_BENCH_OUT: the report's path
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../bin/lib/mgtm-common.sh"
seconds=${1:-10}
warmup=${2:-3}
batches=${MGTM_BENCH_BATCHES:-64,512,4096}
connections=${MGTM_BENCH_CONNECTIONS:-1,4}
depth=${MGTM_BENCH_DEPTH:-4}
protocols=${MGTM_BENCH_PROTOCOLS:-xc internal}
max_open=${MGTM_BENCH_MAX_OPEN:-65536}
max_txns=${MGTM_BENCH_MAX_TRANSACTIONS:-131072}
read -r -a hosts <<<"${MGTM_BENCH_HOSTS:-127.0.0.11 127.0.0.12 127.0.0.13}"
client_port=${MGTM_BENCH_CLIENT_PORT:-6666}
internal_port=${MGTM_BENCH_INTERNAL_PORT:-6680}
raft_port=${MGTM_BENCH_RAFT_PORT:-7800}
read -r -a server_opts <<<"${MGTM_BENCH_SERVER_OPTS:-}"
read -r -a replica_opts <<<"${MGTM_BENCH_REPLICA_OPTS:-}"
stamp=$(date -u +%Y-%m-%d)
out=${MGTM_BENCH_OUT:-$here/results/grants-$stamp.md}
[ "${#hosts[@]}" -eq 3 ] || mgtm_die "MGTM_BENCH_HOSTS must name 3 hosts"
[ "$max_open" -le "$max_txns" ] || mgtm_die "MGTM_BENCH_MAX_OPEN ($max_open) is above MGTM_BENCH_MAX_TRANSACTIONS ($max_txns)"

work=$(mktemp -d)
. "$here/../bin/lib/mgtm-bench-lib.sh"
bench_secret=bench-secret
# set +e: nothing in the cleanup may stop it before every process it started is stopped.
trap 'rc=$?; set +e; [ "$rc" -eq 0 ] || mgtm_show_errors "$work"; mgtm_stop_tracked; rm -rf "$work"' EXIT
mgtm_use_private_jar "$work"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# Runs the grants driver against one target and appends a table row per result line.
grants_rows() { # label protocol driver-args...
  local label=$1 protocol=$2 line key value
  shift 2
  "$MGTM_HOME/bin/mgtm" bench grants --protocol "$protocol" -b "$batches" -c "$connections" --depth "$depth" \
    --max-open "$max_open" -w "$warmup" -T "$seconds" -q "$@" >"$work/grants.out" 2>&1 || true
  grep -q '^result ' "$work/grants.out" || { cat "$work/grants.out" >&2; mgtm_die "no result from the grants driver ($label)"; }
  while read -r line; do
    declare -A r=()
    for kv in ${line#result }; do
      key=${kv%%=*}
      value=${kv#*=}
      r[$key]=$value
    done
    local errors=$((r[end_failures] + r[error_answers] + r[lost_links]))
    echo "| $label | $protocol | ${r[connections]} | ${r[batch]} | ${r[grants_per_s]} | ${r[begins_per_s]} | ${r[begin_p50_ms]} | ${r[begin_p99_ms]} | ${r[granted]} | ${r[ended]} | $errors |" >>"$out"
    echo "$label $protocol c=${r[connections]} b=${r[batch]}: ${r[grants_per_s]} grants/s" >&2
    unset r
  done < <(grep '^result ' "$work/grants.out")
  grep -v '^result ' "$work/grants.out" | grep -i 'warning\|first:' >&2 || true
}

members=$(mgtm_members "$raft_port" 3 "${hosts[@]}")

{
  echo "# Peak GXID grants per second (TXN_BEGIN_GETGXID_MULTI)"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(java -version 2>&1 | head -1)"
  echo "- load average before the run: $load_before"
  echo "- command: \`$(mgtm_bench_env)benchmarks/grants.sh $seconds $warmup\` with batches $batches, connections $connections, depth $depth," \
    "max open $max_open, --max-transactions $max_txns${MGTM_BENCH_SERVER_OPTS:+, server options $MGTM_BENCH_SERVER_OPTS}${MGTM_BENCH_REPLICA_OPTS:+, replica options $MGTM_BENCH_REPLICA_OPTS}"
  echo "- JVM options of every process: ${MGTM_JAVA_OPTS}; servers, replicas and the driver share the machine"
  echo "- each connection keeps $depth begin requests in flight and commits every granted batch at once with one" \
    "TXN_COMMIT_MULTI; grants/s counts GXIDs whose begin answer came within the ${seconds} s window after ${warmup} s of warm-up"
  echo "- xc: proxy-framed XC connections as gtm_proxy's (to the standalone server, or to the leader's XC port);" \
    "internal: sessions of the internal protocol as mgtm_proxy's (LeaderClient); replicas fsync their raft log"
  echo "- errors: endings not answered OK, error answers and lost connections (all should be 0); ended = granted means every GXID was committed"
  echo
  echo "| target | protocol | connections | batch | grants/s | begins/s | begin p50 ms | begin p99 ms | granted | ended | errors |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} >"$out"

if [ "${MGTM_BENCH_SKIP_STANDALONE:-}" != 1 ]; then
  mgtm_spawn "$work/standalone.log" "$work/standalone.pid" server -h "${hosts[0]}" -p "$client_port" -D "$work/standalone" \
    -x 1000 --max-transactions "$max_txns" "${server_opts[@]}"
  mgtm_track "$work/standalone.pid"
  mgtm_wait_for_line "$work/standalone.log" "I'm running" "$work/standalone.pid" 60
  grants_rows "standalone mgtm" xc --host "${hosts[0]}" -p "$client_port"
  mgtm_stop_tracked
fi

mgtm_group_start "$work" "$work" "$members" --secret "$bench_secret" -x 1000 -p "$client_port" \
  --internal-port "$internal_port" --max-transactions "$max_txns" "${replica_opts[@]}"
lhost=$(mgtm_member_host "$members" "$(mgtm_group_leader "$members" "$bench_secret" "$internal_port" 30)")
for protocol in $protocols; do
  case $protocol in
    xc) grants_rows "leader of 3 replicas" xc --host "$lhost" -p "$client_port" ;;
    internal) grants_rows "leader of 3 replicas" internal --members "$members" --internal-port "$internal_port" --secret "$bench_secret" ;;
    *) mgtm_die "unknown protocol $protocol (xc or internal)" ;;
  esac
done
now_leader=$(mgtm_member_host "$members" "$(mgtm_group_leader_now "$members" "$bench_secret" "$internal_port")" || true)
[ "$now_leader" = "$lhost" ] || echo "- note: the leader moved during the run ($lhost, then ${now_leader:-none})" >>"$out"
mgtm_stop_tracked
echo "results: $out" >&2
