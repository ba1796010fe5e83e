# Shared by the benchmarks/ scripts; source it after mgtm-common.sh. Starting a replica group and
# finding its leader, running the bench with its backends split over several endpoints, and
# stopping everything started, by pid, in the reverse order (proxies before the replicas they use).

MGTM_PIDFILES=()
MGTM_BENCH_PIDS=()

# Remembers pidfile $1 for mgtm_stop_tracked.
mgtm_track() {
  MGTM_PIDFILES+=("$1")
}

# Stops every tracked process, newest first, and any bench still running (an interrupted point).
mgtm_stop_tracked() {
  local i p
  for p in "${MGTM_BENCH_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  MGTM_BENCH_PIDS=()
  for ((i = ${#MGTM_PIDFILES[@]} - 1; i >= 0; i--)); do mgtm_stop_pidfile "${MGTM_PIDFILES[$i]}"; done
  MGTM_PIDFILES=()
}

# Prints the members list for the first $2 of hosts $3...: mgtm_members RAFT_PORT N HOST... -> mgtm1@h1:port,...
mgtm_members() {
  local port=$1 n=$2 i members=""
  shift 2
  [ "$n" -le $# ] || mgtm_die "a group of $n needs $n hosts, got $#: $*"
  for ((i = 1; i <= n; i++)); do members+="${members:+,}mgtm$i@${!i}:$port"; done
  printf '%s' "$members"
}

# The one shell launcher of a local replica group (org.mgtm.lab.LocalCluster is the Java one; both start
# processes with MGTM_JAVA_OPTS and the same fixed flags). Starts one replica per member and waits until each
# is running. Logs and pidfiles are DIR/ID.log and DIR/ID.pid; data in DATA/ID. Further arguments go to every
# replica (ports, secret...). On a loaded machine a replica's jgroups JOIN can time out and then be refused
# as a duplicate, and the replica exits: then the whole group starts again from empty data directories, up
# to 3 times. mgtm_group_start DIR DATA MEMBERS [replica options...]
mgtm_group_start() {
  local dir=$1 data=$2 members=$3 spec id attempt ok
  shift 3
  mkdir -p "$dir" "$data"
  for attempt in 1 2 3; do
    for spec in ${members//,/ }; do
      id=${spec%%@*}
      mgtm_spawn "$dir/$id.log" "$dir/$id.pid" replica --member-id "$id" --members "$members" -D "$data/$id" "$@"
      mgtm_track "$dir/$id.pid"
    done
    ok=1
    for spec in ${members//,/ }; do
      mgtm_line_seen "$dir/${spec%%@*}.log" "I'm running" "$dir/${spec%%@*}.pid" 60 || ok=0
    done
    [ "$ok" = 1 ] && return 0
    echo "the group did not start (attempt $attempt of 3):" >&2
    mgtm_show_errors "$dir"
    for spec in ${members//,/ }; do
      id=${spec%%@*}
      mgtm_stop_pidfile "$dir/$id.pid"
      rm -rf "${data:?}/$id"
      mv "$dir/$id.log" "$dir/$id.attempt$attempt.log.old"
    done
  done
  mgtm_die "the group did not start in 3 attempts"
}

# Prints the host of member ID in MEMBERS: mgtm_member_host MEMBERS ID
mgtm_member_host() {
  local spec
  for spec in ${1//,/ }; do
    [ "${spec%%@*}" = "$2" ] && { spec=${spec#*@}; printf '%s' "${spec%:*}"; return 0; }
  done
  return 1
}

# The first errors of every log in DIR, on stderr: mgtm_show_errors DIR
mgtm_show_errors() {
  local log
  for log in "$1"/*.log; do
    [ -f "$log" ] || continue
    grep -m 5 -B 2 -E 'ERROR|Exception' "$log" | sed "s|^|$(basename "$log"): |" >&2 || true
  done
  return 0
}

# The MGTM_BENCH_* and MGTM_JAVA_OPTS settings in effect, as a prefix for a report's command line.
mgtm_bench_env() {
  env | grep -E '^(MGTM_BENCH_[A-Z_]+|MGTM_JAVA_OPTS)=' | sort | sed -E "s/^([^=]+)=(.*)$/\1='\2'/" | tr '\n' ' ' || true
}

# Prints the members' status documents (a JSON array): mgtm_group_status MEMBERS SECRET INTERNAL_PORT
mgtm_group_status() {
  "$MGTM_HOME/bin/mgtm" ctl status --members "$1" --secret "$2" --internal-port "$3" --json 2>/dev/null
}

# Waits until a member reports itself leader and prints its id; dies after $4 seconds (default 30).
# mgtm_group_leader MEMBERS SECRET INTERNAL_PORT [seconds]
mgtm_group_leader() {
  local leader="" deadline=$((SECONDS + ${4:-30}))
  while [ "$SECONDS" -lt "$deadline" ]; do
    leader=$(mgtm_group_leader_now "$1" "$2" "$3")
    [ -n "$leader" ] && { printf '%s' "$leader"; return 0; }
    sleep 0.2
  done
  mgtm_die "no leader in $1 after ${4:-30} s"
}

# Prints the id of the member that reports itself leader now, or nothing: mgtm_group_leader_now MEMBERS SECRET INTERNAL_PORT
mgtm_group_leader_now() {
  mgtm_group_status "$1" "$2" "$3" | python3 -c 'import json,sys
d=json.load(sys.stdin); print(next((m["member"] for m in d if m.get("role")=="Leader"), ""))' 2>/dev/null || true
}

# Prints the leader's "logEntries logCommands" (their ratio is the group-commit factor), or "0 0".
# mgtm_group_log_counters MEMBERS SECRET INTERNAL_PORT
mgtm_group_log_counters() {
  mgtm_group_status "$1" "$2" "$3" | python3 -c 'import json,sys
d=json.load(sys.stdin); l=[m for m in d if m.get("role")=="Leader"]
print(l[0]["logEntries"], l[0]["logCommands"]) if l else print(0, 0)' 2>/dev/null || echo "0 0"
}

# mgtm_group_read_counters MEMBERS SECRET INTERNAL_PORT
# Prints the leader's "readsWithEntries readsOnRounds checkRounds clientRequests backendRequests" (reads
# answered without the log, with their batch's entry or in check rounds; the requests clients sent and
# the backend requests they carried), or "0 0 0 0 0".
mgtm_group_read_counters() {
  mgtm_group_status "$1" "$2" "$3" | python3 -c 'import json,sys
d=json.load(sys.stdin); l=[m for m in d if m.get("role")=="Leader"]
k=["readsWithEntries","readsOnRounds","checkRounds","clientRequests","backendRequests"]
print(*[l[0].get(x, 0) for x in k]) if l else print(0, 0, 0, 0, 0)' 2>/dev/null || echo "0 0 0 0 0"
}

# Runs BACKENDS backends split as evenly as possible over the endpoints (host:port, the first ones
# take the remainder), one bench process per endpoint, all started together, for SECONDS. Sets
# MGTM_BENCH_RESULT to "tps requests/s p50_ms p99_ms errors split": tps, requests and errors summed,
# latencies the worst of the benches (percentiles of separate runs do not add up), split as "2+1".
# Not a command substitution, so that an interrupted script's trap sees the benches' pids.
# Bench output in DIR. mgtm_bench_split DIR SECONDS BACKENDS ENDPOINT... [-- bench options]
mgtm_bench_split() {
  local dir=$1 seconds=$2 backends=$3 targets=() opts=() t per rem n split="" files=() f rc=0
  shift 3
  while [ $# -gt 0 ] && [ "$1" != -- ]; do targets+=("$1"); shift; done
  [ $# -gt 0 ] && { shift; opts=("$@"); }
  per=$((backends / ${#targets[@]}))
  rem=$((backends % ${#targets[@]}))
  MGTM_BENCH_PIDS=()
  for t in "${!targets[@]}"; do
    n=$((per + (t < rem ? 1 : 0)))
    [ "$n" -gt 0 ] || continue
    split+="${split:++}$n"
    f=$dir/bench-$t.out
    files+=("$f")
    "$MGTM_HOME/bin/mgtm-bench" -h "${targets[$t]%:*}" -p "${targets[$t]##*:}" -c "$n" -T "$seconds" -q \
      "${opts[@]}" >"$f" 2>&1 &
    MGTM_BENCH_PIDS+=($!)
  done
  for t in "${MGTM_BENCH_PIDS[@]}"; do wait "$t" || rc=$?; done # only the benches: servers are children too
  MGTM_BENCH_PIDS=()
  if [ "$rc" -ne 0 ]; then
    for f in "${files[@]}"; do tail -5 "$f" >&2; done
    mgtm_die "a bench failed (exit status $rc) at $backends backends"
  fi
  MGTM_BENCH_RESULT=$(for f in "${files[@]}"; do
    sed -n -e 's/^transactions: .* = \([0-9]*\) tps (\([0-9]*\) GTM requests\/s), errors: \([0-9]*\).*/T \1 \2 \3/p' \
      -e 's/^latency per transaction: p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/L \1 \2/p' "$f"
  done | awk -v sp="$split" -v n="${#files[@]}" '
    $1 == "T" { tps += $2; req += $3; err += $4; seen++ }
    $1 == "L" { if ($2 > p50) p50 = $2; if ($3 > p99) p99 = $3 }
    END { if (seen != n) exit 1; printf "%d %d %.3f %.3f %d %s\n", tps, req, p50, p99, err, sp }') ||
    mgtm_die "could not read the bench summaries in ${files[*]}"
}

# Prints the machine line and the load average line of a results file's header.
mgtm_machine_lines() {
  echo "- machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr), $("$MGTM_JAVA" -version 2>&1 | head -1)"
  echo "- load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
}
