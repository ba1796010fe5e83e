#!/usr/bin/env bash
# TPS against the number of backends, as in the Postgres-XC GTM study's graph: mgtm groups of 1, 2
# and 3 replicas, each measured through 2 mgtm_proxy with the backends split over them, at 1-10, 16,
# 32 and 64 backends; plus, for comparison on the same chart, any endpoint given with --extra (an
# original XC gtm_proxy, say), benched directly at the same counts.
# Writes benchmarks/results/tps-clients-<date>.md, .csv and .png. Options: benchmarks/tps-clients.sh --help
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../bin/lib/mgtm-common.sh"
. "$here/../bin/lib/mgtm-bench-lib.sh"
command_line=benchmarks/tps-clients.sh
for a in "$@"; do # quoted so that the report's command can be pasted back into a shell
  if [[ $a =~ ^[A-Za-z0-9_./:=,+@-]+$ ]]; then command_line+=" $a"; else command_line+=" '${a//\'/\'\\\'\'}'"; fi
done

usage() {
  cat <<EOF
Usage: benchmarks/tps-clients.sh [options]
  -T, --seconds N          seconds per point (default 12; a full run takes about 10 minutes)
      --warmup N           seconds of unrecorded load before each series (default 5)
      --backends "LIST"    backend counts (default "1 2 3 4 5 6 7 8 9 10 16 32 64")
      --replicas "LIST"    mgtm group sizes to measure (default "1 2 3"; "" for the extras only)
      --extra LABEL=HOST:PORT[,HOST:PORT...]
                           also bench this XC endpoint directly (e.g. an XC gtm_proxy), backends split
                           over the endpoints listed; repeatable
      --replica-hosts "LIST"  (default "127.0.0.11 127.0.0.12 127.0.0.13", env MGTM_REPLICA_HOSTS)
      --proxy-hosts "LIST"    (default "127.0.0.31 127.0.0.32", env MGTM_PROXY_HOSTS)
      --xc-port N          replicas' XC port (default 6666, env MGTM_XC_PORT)
      --internal-port N    replicas' internal port (default 6680, env MGTM_INTERNAL_PORT)
      --raft-port N        raft port; FD_SOCK2 also uses N+100 and N+101 (default 7800, env MGTM_RAFT_PORT)
      --proxy-port N       proxies' listen port (default 6666, env MGTM_PROXY_PORT)
      --proxy-args "ARGS"  more mgtm proxy options for every proxy (e.g. "--max-rounds-out 2")
      --data-dir DIR       where the replicas' raft logs go (default: a temporary directory; the
                           file system matters, the log is fsync'ed)
      --out-dir DIR        where the results go (default benchmarks/results)
EOF
}

seconds=12
warmup=5
backend_counts="1 2 3 4 5 6 7 8 9 10 16 32 64"
group_sizes="1 2 3"
extras=()
replica_hosts=${MGTM_REPLICA_HOSTS:-127.0.0.11 127.0.0.12 127.0.0.13}
proxy_hosts=${MGTM_PROXY_HOSTS:-127.0.0.31 127.0.0.32}
xc_port=${MGTM_XC_PORT:-6666}
internal_port=${MGTM_INTERNAL_PORT:-6680}
raft_port=${MGTM_RAFT_PORT:-7800}
proxy_port=${MGTM_PROXY_PORT:-6666}
data_root=""
proxy_args=""
out_dir=$here/results
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || case $1 in -h | --help) ;; *) mgtm_die "$1 needs a value (--help)" ;; esac
  case $1 in
    -T | --seconds) seconds=$2 ;;
    --warmup) warmup=$2 ;;
    --backends) backend_counts=$2 ;;
    --replicas) group_sizes=$2 ;;
    --extra) extras+=("$2") ;;
    --replica-hosts) replica_hosts=$2 ;;
    --proxy-hosts) proxy_hosts=$2 ;;
    --xc-port) xc_port=$2 ;;
    --internal-port) internal_port=$2 ;;
    --raft-port) raft_port=$2 ;;
    --proxy-port) proxy_port=$2 ;;
    --data-dir) data_root=$2 ;;
    --proxy-args) proxy_args=$2 ;;
    --out-dir) out_dir=$2 ;;
    -h | --help) usage; exit 0 ;;
    *) mgtm_die "unknown option $1 (--help)" ;;
  esac
  shift 2
done
for v in "$seconds" "$xc_port" "$internal_port" "$raft_port" "$proxy_port" $backend_counts $group_sizes; do
  [[ $v =~ ^[1-9][0-9]*$ ]] || mgtm_die "not a positive number: '$v'"
done
[[ $warmup =~ ^[0-9]+$ ]] || mgtm_die "not a number of seconds: '$warmup'"
extra_form='^[A-Za-z0-9][A-Za-z0-9 ._()/+-]*=[^,:= ]+:[0-9]+(,[^,:= ]+:[0-9]+)*$' # the label goes into the CSV
read -r -a rhosts <<<"$replica_hosts"
read -r -a phosts <<<"$proxy_hosts"
[ ${#phosts[@]} -ge 1 ] || mgtm_die "no proxy host"
largest=0
labels=" "
for n in $group_sizes; do
  [ "$n" -le ${#rhosts[@]} ] || mgtm_die "a group of $n needs $n replica hosts"
  [ "$n" -le "$largest" ] || largest=$n
  labels+="mgtm x$n via ${#phosts[@]} proxies "
done
for e in "${extras[@]}"; do
  [[ $e =~ $extra_form ]] || mgtm_die "--extra wants LABEL=HOST:PORT[,HOST:PORT...] (label without commas), got '$e'"
  [[ $labels != *" ${e%%=*} "* ]] || mgtm_die "two series named '${e%%=*}'" # the chart keys series by name
  labels+="${e%%=*} "
done
for e in "${extras[@]}"; do
  eps=${e#*=}
  for ep in ${eps//,/ }; do
    # without connecting: an XC gtm_proxy serves nobody after a connection that sent no startup message
    mgtm_port_listening "${ep%:*}" "${ep##*:}" || mgtm_die "nothing listens on $ep (--extra ${e%%=*})"
  done
done

stamp=$(date -u +%Y-%m-%d)
mkdir -p "$out_dir"
base=$out_dir/tps-clients-$stamp
md=$base.md
csv=$base.csv
png=$base.png
work=$(mktemp -d)
trap 'mgtm_stop_tracked; rm -rf "$work"' EXIT
if [ -n "$data_root" ]; then
  # A fresh directory inside: a replica would otherwise resume an earlier run's log.
  mkdir -p "$data_root"
  data_root=$(mktemp -d "$(cd "$data_root" && pwd)/tps-clients.XXXXXX")
  trap 'mgtm_stop_tracked; rm -rf "$work" "$data_root"' EXIT
else
  data_root=$work/data
  mkdir -p "$data_root"
fi
secret=bench-secret-$$
trap 'exit 130' INT
trap 'exit 143' TERM
mgtm_use_private_jar "$work"

series_count=$((${#extras[@]} + $(wc -w <<<"$group_sizes")))
points=$((series_count * $(wc -w <<<"$backend_counts")))
# Per bench run about 2 s besides the load (the bench JVMs start and connect); per group about 20 s
# (replicas, election, proxies, status calls, stopping). Measured on 2 cores.
estimate=$((points * (seconds + 2) + series_count * (warmup + 2) + $(wc -w <<<"$group_sizes") * 20))
echo "tps-clients: $points points of $seconds s, about $(((estimate + 59) / 60)) minutes" >&2

{
  echo "# TPS by number of backends: mgtm groups through ${#phosts[@]} mgtm_proxy"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  mgtm_machine_lines
  echo "- command: \`$command_line\`"
  if [ "$largest" -gt 0 ]; then
    echo "- mgtm: replicas on ${rhosts[*]:0:$largest} (raft port $raft_port, XC port $xc_port, internal port"
    echo "  $internal_port), raft log fsync'ed on $(df -PT "$data_root" | awk 'NR == 2 {print $2}') ($data_root);"
    echo "  ${#phosts[@]} mgtm_proxy on ${phosts[*]} port $proxy_port, the backends split over them (when they"
    echo "  do not divide evenly, the first proxies take one more)${proxy_args:+; proxy options: \`$proxy_args\`}"
  fi
  echo "- each point: one bench process per endpoint, all started together, $seconds s; tps and GTM"
  echo "  requests/s are their sums, p50 and p99 the worst of them; $warmup s of unrecorded load at 8"
  echo "  backends before each series. A transaction: begin (GXID), 5 snapshots, commit: 7 GTM requests"
  echo "- replicas, proxies and benches all on this one machine; data: \`$(basename "$csv")\`, chart: \`$(basename "$png")\`"
} >"$md"
echo "series,replicas,backends,split,tps,gtm_requests_per_s,p50_ms,p99_ms,errors" >"$csv"

# measure LABEL REPLICAS ENDPOINT...: the warmup, then a point per backend count, into the CSV and a table.
measure() {
  local label=$1 replicas=$2 b tps req p50 p99 err split
  shift 2
  {
    echo
    echo "## $label"
    echo
    echo "| backends | split | tps | GTM requests/s | p50 ms | p99 ms | errors |"
    echo "|---|---|---|---|---|---|---|"
  } >>"$md"
  if [ "$warmup" -gt 0 ]; then mgtm_bench_split "$work" "$warmup" 8 "$@"; fi
  for b in $backend_counts; do
    mgtm_bench_split "$work" "$seconds" "$b" "$@"
    read -r tps req p50 p99 err split <<<"$MGTM_BENCH_RESULT"
    echo "$label,$replicas,$b,$split,$tps,$req,$p50,$p99,$err" >>"$csv"
    echo "| $b | $split | $tps | $req | $p50 | $p99 | $err |" >>"$md"
    echo "$label, $b backends: $tps tps" >&2
  done
}

for e in "${extras[@]}"; do
  eps=${e#*=}
  # shellcheck disable=SC2086
  measure "${e%%=*}" "" ${eps//,/ }
  echo >>"$md"
  echo "Benched directly against $eps." >>"$md"
done

for n in $group_sizes; do
  members=$(mgtm_members "$raft_port" "$n" "${rhosts[@]}")
  gdir=$work/x$n
  mgtm_group_start "$gdir" "$data_root/x$n" "$members" --secret "$secret" -p "$xc_port" \
    --internal-port "$internal_port" -x 1000
  leader=$(mgtm_group_leader "$members" "$secret" "$internal_port" 60)
  endpoints=()
  for ((i = 0; i < ${#phosts[@]}; i++)); do
    # shellcheck disable=SC2086 # --proxy-args is split into options on purpose
    mgtm_spawn "$gdir/proxy$i.log" "$gdir/proxy$i.pid" proxy -h "${phosts[$i]}" -p "$proxy_port" \
      --members "$members" --internal-port "$internal_port" --secret "$secret" $proxy_args
    mgtm_track "$gdir/proxy$i.pid"
    mgtm_wait_for_line "$gdir/proxy$i.log" "I'm running" "$gdir/proxy$i.pid" 60
    endpoints+=("${phosts[$i]}:$proxy_port")
  done
  read -r e0 c0 <<<"$(mgtm_group_log_counters "$members" "$secret" "$internal_port")"
  read -r we0 rr0 ro0 q0 b0 <<<"$(mgtm_group_read_counters "$members" "$secret" "$internal_port")"
  measure "mgtm x$n via ${#phosts[@]} proxies" "$n" "${endpoints[@]}"
  read -r e1 c1 <<<"$(mgtm_group_log_counters "$members" "$secret" "$internal_port")"
  read -r we1 rr1 ro1 q1 b1 <<<"$(mgtm_group_read_counters "$members" "$secret" "$internal_port")"
  mgtm_stop_tracked # proxies first: they print their grouping statistics at stop
  {
    echo
    echo "Leader at the start: $leader. Over the points the leader appended $((e1 - e0)) log entries carrying"
    echo "$((c1 - c0)) commands ($(awk -v e=$((e1 - e0)) -v c=$((c1 - c0)) 'BEGIN {printf "%.2f", e ? c / e : 0}') per entry, group commit)."
    echo "Reads answered without the log: $((we1 - we0)) with their batch's entry, $((rr1 - rr0)) in $((ro1 - ro0)) check"
    echo "rounds ($(awk -v r=$((ro1 - ro0)) -v n=$((rr1 - rr0)) 'BEGIN {printf "%.2f", r ? n / r : 0}') per round). The proxies' $((q1 - q0)) requests carried $((b1 - b0)) backend requests"
    echo "($(awk -v q=$((q1 - q0)) -v b=$((b1 - b0)) 'BEGIN {printf "%.2f", q ? b / q : 0}') per request)."
    echo "Proxies at stop (warmup included):"
    for ((i = 0; i < ${#phosts[@]}; i++)); do
      echo "- ${phosts[$i]}: $(grep -o 'mgtm_proxy stopping: .*' "$gdir/proxy$i.log" || echo 'no statistics line')"
    done
  } >>"$md"
done

python3 - "$csv" "$md" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
series = list(dict.fromkeys(r["series"] for r in rows))
counts = sorted({int(r["backends"]) for r in rows})
tps = {(r["series"], int(r["backends"])): r["tps"] for r in rows}
with open(sys.argv[2], "a") as f:
    f.write("\n## All series, tps\n\n| backends | " + " | ".join(series) + " |\n")
    f.write("|---" * (len(series) + 1) + "|\n")
    for b in counts:
        f.write(f"| {b} | " + " | ".join(tps.get((s, b), "") for s in series) + " |\n")
PY
"$MGTM_HOME/bin/mgtm" bench chart "$csv" -o "$png" \
  --title "GTM transactions/s by number of backends ($(nproc) cores, $seconds s per point, $stamp)"
printf '\n![TPS by backends](%s)\n' "$(basename "$png")" >>"$md"
echo "results: $md, $csv, $png" >&2
