# Shared by the real-XC benchmark scripts (real-xc.sh, real-xc-clients.sh, real-xc-race.sh); source
# it after bin/lib/mgtm-common.sh and mgtm-bench-lib.sh. Each script runs `mgtm bench xc` once per GTM
# setup, every run appending its row to one CSV and one markdown table, then writes the report.
#
# The caller sets: script (its name), default_seconds, and calls real_xc_options "$@". Then:
#   real_xc_setup ARGS...   one `mgtm bench xc` invocation (the setup's options), the common ones added
#   real_xc_report TITLE    the markdown report: machine, commands, the table; extra text on stdin

# The options every real-XC script takes; anything else goes to every `mgtm bench xc` (for instance
# --replica-hosts, --node-hosts, -s, --lab-dir).
real_xc_usage() {
  cat <<EOF
  --pgxc-home DIR   the Postgres-XC 0.9.2 installation (default: \$PGXC_HOME; required)
  -T, --seconds N   seconds of load per run (default $default_seconds)
  --results DIR     where the report, CSV (and chart) go (default benchmarks/results)
  --dir DIR         the runs' logs, timelines and captures (default run/$script)
  anything else goes to every mgtm bench xc, e.g. --replica-hosts 127.0.0.11,127.0.0.12,127.0.0.13
EOF
}

real_xc_options() {
  pgxc_home=${PGXC_HOME:-}
  seconds=$default_seconds
  results=$here/results
  rundir=$MGTM_HOME/run/$script
  passthrough=()
  command_line="benchmarks/$script.sh"; [ $# -gt 0 ] && command_line+="$(printf " %q" "$@")"
  while [ $# -gt 0 ]; do
    case $1 in
      --pgxc-home | -T | --seconds | --results | --dir)
        [ $# -ge 2 ] || mgtm_die "$1 needs a value"
        case $1 in
          --pgxc-home) pgxc_home=$2 ;;
          -T | --seconds) seconds=$2 ;;
          --results) results=$2 ;;
          --dir) rundir=$2 ;;
        esac
        shift 2
        ;;
      -h | --help) usage; exit 0 ;;
      *) passthrough+=("$1"); shift ;;
    esac
  done
  # The project never builds or ships XC: it uses an installation the user names.
  [ -n "$pgxc_home" ] || mgtm_die "no Postgres-XC installation: give --pgxc-home DIR or set PGXC_HOME (the project does not build XC)"
  [ -x "$pgxc_home/bin/gtm" ] && [ -x "$pgxc_home/bin/pgbench" ] \
    || mgtm_die "$pgxc_home is not a Postgres-XC 0.9.2 installation (no bin/gtm or bin/pgbench)"
  [[ $seconds =~ ^[1-9][0-9]*$ ]] || mgtm_die "-T wants a number of seconds, got '$seconds'"
  results=$(realpath -m "$results")
  rundir=$(realpath -m "$rundir")
  pgxc_home=$(realpath -m "$pgxc_home")
  stamp=$(date -u +%Y-%m-%d)
  mkdir -p "$results"
  base=$results/$script-$stamp
  csv=$base.csv
  table=$(mktemp)
  # A run of the same day replaces the earlier one: the command refuses rows already in its CSV.
  rm -f "$csv"
  work=$(mktemp -d)
  trap 'rm -rf "$work" "$table"' EXIT
  mgtm_use_private_jar "$work" # one build for the whole run, whatever happens to the tree meanwhile
  export MGTM_HOME          # mgtm bench xc runs $MGTM_HOME/bin/node-start and node-stop
  cd "$MGTM_HOME"           # the lab (run/xc-lab) is the demo's
  started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  commands=()
  failed=0
}

# One `mgtm bench xc` with the setup's options; its rows go to the CSV and the table. A setup whose
# checks fail is recorded and the next one runs: the report shows which failed, the exit status too.
real_xc_setup() {
  local args=(--pgxc-home "$pgxc_home" -T "$seconds" --csv "$csv" --table "$table" --dir "$rundir"
    ${passthrough[@]+"${passthrough[@]}"} "$@")
  commands+=("bin/mgtm bench xc $(printf '%q ' "${args[@]}" | sed "s|$csv|$(basename "$csv")|; s|$table|TABLE|; s/ $//")")
  echo "== $script: mgtm bench xc $*" >&2
  "$MGTM_HOME/bin/mgtm" bench xc "${args[@]}" || failed=$((failed + 1))
}

# The report: title, machine, load, commands, then the table of every run; further text from stdin.
real_xc_report() {
  local md=$base.md c
  {
    echo "# $1"
    echo
    echo "- date: $started (UTC), to $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    mgtm_machine_lines | sed "s/^- load average before the run: .*/- load average before the run: $load_before/"
    echo "- Postgres-XC: $pgxc_home (2 coordinators + 2 datanodes, the lab of \`bin/mgtm-demo --pgxc-home\`)"
    echo "- script: \`$command_line\`; data: \`$(basename "$csv")\`"
    echo "- commands (TABLE: the table below; each run's logs, timeline and capture in \`$rundir\`):"
    echo
    for c in "${commands[@]}"; do echo "      $c"; done
    echo
    cat
    echo
    cat "$table"
    echo
    if [ "$failed" -eq 0 ]; then
      echo "Every run passed its checks (0 pgbench errors, balances consistent on both coordinators$(
        grep -q -- --capture <<<"${commands[*]}" && echo ", no audit violation"))."
    else
      echo "**$failed setup(s) had runs whose checks failed: see the checks column.**"
    fi
  } >"$md"
  echo "$script: report $md, data $csv" >&2
}

# Takes `--NAME LIST` out of the arguments: the list into the variable VAR, every other argument into the
# array `args` (for real_xc_options). Usage: real_xc_take_list NAME VAR "$@"
real_xc_take_list() {
  local name=$1 var=$2
  shift 2
  args=()
  while [ $# -gt 0 ]; do
    if [ "$1" = "--$name" ]; then
      [ $# -ge 2 ] || mgtm_die "--$name needs a value"
      printf -v "$var" '%s' "$2"
      shift 2
    else
      args+=("$1")
      shift
    fi
  done
}
