# A 3-replica group for the benchmark scripts (grants.sh, memory.sh). Source it after
# bin/lib/mgtm-common.sh; it defines functions only. The caller sets: work (a scratch directory),
# hosts (array of 3), client_port, internal_port, raft_port, max_txns, replica_opts (array), and
# pidfiles=() (every process started, stopped by stop_all).

bench_secret=bench-secret

# The MGTM_BENCH_* and MGTM_JAVA_OPTS settings in effect, as a prefix for the report's command line.
bench_env() {
  env | grep -E '^(MGTM_BENCH_[A-Z_]+|MGTM_JAVA_OPTS)=' | sort | sed -E "s/^([^=]+)=(.*)$/\1='\2'/" | tr '\n' ' ' || true
}

# The --members string of the group: mgtm1@host1:raft_port,...
group_members() {
  local i m=""
  for i in 1 2 3; do m+="${m:+,}mgtm$i@${hosts[$((i - 1))]}:$raft_port"; done
  printf '%s' "$m"
}

stop_all() {
  local p
  for p in "${pidfiles[@]}"; do mgtm_stop_pidfile "$p"; done
  pidfiles=()
}

# The first errors of every log in $work, on stderr: the logs go with the work directory.
show_errors() {
  local log
  for log in "$work"/*.log; do
    [ -f "$log" ] || continue
    grep -m 5 -B 2 -E 'ERROR|Exception' "$log" | sed "s|^|$(basename "$log"): |" >&2 || true
  done
  return 0
}

status_json() {
  "$MGTM_HOME/bin/mgtm" ctl status --members "$(group_members)" --internal-port "$internal_port" \
    --secret "$bench_secret" --json 2>/dev/null || true
}

# Prints the host of the member that reports itself leader, or nothing.
leader_host() {
  status_json | python3 -c '
import json, sys
try:
    docs = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
lead = [d for d in docs if d.get("role") == "Leader"]
if lead:
    print(next(m["host"] for m in lead[0]["members"] if m["id"] == lead[0]["member"]))
' 2>/dev/null || true
}

# 0 once "I'm running" is in log $1; 1 if the process of pidfile $2 exits first or 60 s pass.
replica_started() {
  local waited=0
  while ! grep -q "I'm running" "$1" 2>/dev/null; do
    kill -0 "$(cat "$2")" 2>/dev/null || return 1
    [ "$waited" -ge 600 ] && return 1
    sleep 0.1
    waited=$((waited + 1))
  done
}

# Starts the replicas and waits for a leader; sets group_leader to its host (not printed: a command
# substitution would run this in a subshell and lose the pidfiles). On a loaded machine a replica's
# jgroups JOIN can time out and then be refused as a duplicate, and the replica exits: then the
# whole group starts again from empty data directories, up to 3 times.
start_group() {
  local attempt i ok lhost
  group_leader=""
  for attempt in 1 2 3; do
    for i in 1 2 3; do
      mgtm_spawn "$work/r$i.log" "$work/r$i.pid" replica --member-id "mgtm$i" --members "$(group_members)" \
        -D "$work/r$i" --secret "$bench_secret" -x 1000 -p "$client_port" --internal-port "$internal_port" \
        --max-transactions "$max_txns" "${replica_opts[@]}"
      pidfiles+=("$work/r$i.pid")
    done
    ok=1
    for i in 1 2 3; do replica_started "$work/r$i.log" "$work/r$i.pid" || ok=0; done
    lhost=""
    if [ "$ok" = 1 ]; then
      for _ in $(seq 1 150); do
        lhost=$(leader_host)
        [ -n "$lhost" ] && break
        sleep 0.2
      done
    fi
    if [ -n "$lhost" ]; then
      group_leader=$lhost
      return 0
    fi
    echo "the group did not start (attempt $attempt of 3):" >&2
    show_errors
    stop_all
    for i in 1 2 3; do
      rm -rf "$work/r$i"
      mv "$work/r$i.log" "$work/r$i.attempt$attempt.log.old"
    done
  done
  mgtm_die "the group did not start in 3 attempts"
}
