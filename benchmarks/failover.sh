#!/usr/bin/env bash
# The failover benchmark: under bench load through 2 mgtm_proxy (127.0.0.31-32) to 3 replicas
# (127.0.0.11-13), kill -9 the leader 20 times, one every 15 s, each victim restarted once a new leader
# is up (benchmarks/chaos/failover-20.schedule, run by bin/mgtm-chaos); then the pause each kill caused,
# from the recorded histories (mgtm failover-report; definition in docs/chaos.md and in the result file).
#
# Usage: benchmarks/failover.sh [--schedule FILE] [--results DIR] [--dir RUN_DIR] [mgtm chaos options...]
#   --schedule  default benchmarks/chaos/failover-20.schedule (about 6.5 minutes in all)
#   --results   where the results go, default benchmarks/results
#   --dir       the chaos run's directory (emptied first), default run/failover
#   anything else goes to bin/mgtm-chaos, e.g. -c 8 (backends per proxy) or, to stay off the default
#   ports of another run: --port 26766 --internal-port 26781 --raft-port 27850
# Writes RESULTS/failover-<UTC date>.md, -pauses.csv, -timeline.csv, .png and -chaos.txt (the chaos
# run's report). Exit status: that of mgtm chaos (0: no violation, the cluster recovered), or 2 if the
# report could not be written.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../bin/lib/mgtm-common.sh"
command_line="$0"; [ $# -gt 0 ] && command_line+="$(printf " %q" "$@")"
schedule=$here/chaos/failover-20.schedule
results=$here/results
rundir=$MGTM_HOME/run/failover
chaos_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --schedule | --results | --dir)
      [ $# -ge 2 ] || mgtm_die "$1 needs a value"
      case $1 in
        --schedule) schedule=$2 ;;
        --results) results=$2 ;;
        --dir) rundir=$2 ;;
      esac
      shift 2
      ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      chaos_args+=("$1")
      shift
      ;;
  esac
done
[ -f "$schedule" ] || mgtm_die "no schedule $schedule"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mgtm_use_private_jar "$work" # one build for the whole run, whatever happens to the tree meanwhile
mkdir -p "$results"
stamp=$(date -u +%Y-%m-%d)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo), $(uname -sr), \
$("$MGTM_JAVA" -version 2>&1 | head -1)"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "failover benchmark: $schedule, run in $rundir, results in $results/failover-$stamp.*" >&2
echo "machine: $machine; load average before: $load_before" >&2

status=0
"$MGTM_HOME/bin/mgtm-chaos" "$schedule" --dir "$rundir" ${chaos_args[@]+"${chaos_args[@]}"} || status=$?
if [ "$status" -eq 2 ] || [ ! -f "$rundir/faults.csv" ]; then
  mgtm_die "the chaos run could not be carried out (exit status $status); see its output above and $rundir"
fi
[ -f "$rundir/report.txt" ] && cp "$rundir/report.txt" "$results/failover-$stamp-chaos.txt"
(mgtm_run failover-report --run "$rundir" --out "$results/failover-$stamp" --command "$command_line" \
  --machine "$machine" --load-before "$load_before" --started "$started" --chaos-status "$status") || exit 2
exit "$status"
