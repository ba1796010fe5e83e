# Shared by the bin/ scripts: where things are, building the jar on first use, starting and
# stopping processes by pid. Source it; it defines functions only.

MGTM_HOME=${MGTM_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# In the repository the jar is built into java/dist/target (the dist module); an installed copy (the Ansible roles install
# bin/ and lib/mgtm.jar under one prefix such as /opt/mgtm) has no java/ and uses lib/mgtm.jar.
if [ -z "${MGTM_JAR:-}" ]; then
  if [ -f "$MGTM_HOME/java/pom.xml" ]; then
    MGTM_JAR=$MGTM_HOME/java/dist/target/mgtm.jar
  else
    MGTM_JAR=$MGTM_HOME/lib/mgtm.jar
  fi
fi
MGTM_JAVA=${JAVA:-java}
# Every mgtm process starts with MGTM_JAVA_OPTS (heap and collector), then the fixed flags: from here, and
# from Java through org.mgtm.lab.LocalProcess (the lab, chaos and the process tests), which holds the same
# default and the same fixed flags (LocalProcessTest compares the two).
# On 2 cores or fewer the JIT stops at C1: C2's compiling competes with the database for a minute after
# every start, while C1 alone serves at its steady state within seconds (docs/decisions/0011).
mgtm_default_java_opts() {
  local opts="-Xms256m -Xmx1g -XX:+UseParallelGC"
  if [ "$(nproc)" -le 2 ]; then opts+=" -XX:TieredStopAtLevel=1"; fi
  echo "$opts"
}
MGTM_JAVA_OPTS=${MGTM_JAVA_OPTS:-$(mgtm_default_java_opts)}
MGTM_FIXED_FLAGS=(-Djava.net.preferIPv4Stack=true -Dorg.slf4j.simpleLogger.defaultLogLevel=info
  -Dorg.slf4j.simpleLogger.log.org.jgroups=warn -Dorg.slf4j.simpleLogger.showDateTime=true
  "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS")

mgtm_die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# Prints the calling script's header comment (its usage), without the '#' marks.
mgtm_usage() {
  sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"
}

# Maven as the scripts run it: batch mode, no download progress, and no colour codes (Maven 3.8 writes raw
# escape sequences such as [0m even in batch mode, which end up in logs).
MGTM_MVN_FLAGS=(-B -ntp -Dstyle.color=never)

# Succeeds when the jar exists and no module's main sources or pom is newer.
mgtm_jar_fresh() {
  [ -f "$MGTM_JAR" ] && [ -z "$(find "$MGTM_HOME/java" \( -path '*/src/main/*' -o -name pom.xml \) -not -path '*/target/*' \
    -newer "$MGTM_JAR" -print -quit 2>/dev/null)" ]
}

# Builds the jar when it is missing or older than any source file (MGTM_NO_BUILD=1: use the jar as it is).
# Several scripts started at once on one checkout (three bin/mgtm-start) take turns through a lock: only
# the first builds, the others wait and then find the jar fresh. The build shows one line per module;
# its whole output is in run/build.log.
mgtm_ensure_jar() {
  if [ "${MGTM_NO_BUILD:-}" = 1 ] && [ -f "$MGTM_JAR" ]; then
    return 0
  fi
  if [ ! -f "$MGTM_HOME/java/pom.xml" ]; then
    [ -f "$MGTM_JAR" ] || mgtm_die "no $MGTM_JAR (an installed copy without sources: install the jar there)"
    return 0
  fi
  mgtm_jar_fresh && return 0
  command -v mvn >/dev/null || mgtm_die "Maven (mvn) is needed to build $MGTM_JAR: apt-get install maven"
  mkdir -p "$MGTM_HOME/run"
  local lock=$MGTM_HOME/run/.build.lock log=$MGTM_HOME/run/build.log status
  exec 9>"$lock"
  if ! flock -n 9; then
    echo "$(date +%T) waiting for another build of $MGTM_JAR to finish ..." >&2
    flock 9
  fi
  if ! mgtm_jar_fresh; then
    echo "$(date +%T) building $MGTM_JAR (first use or changed sources; about a minute; log: $log)" >&2
    (cd "$MGTM_HOME/java" && mvn "${MGTM_MVN_FLAGS[@]}" -DskipTests package) >"$log" 2>&1 &
    local build=$!
    # One line per module as Maven reaches it ("[INFO] Building mgtm-core 0.1.0-SNAPSHOT   [2/12]").
    tail -n +1 -f "$log" --pid=$build 2>/dev/null \
      | sed -n -u -E 's/^\[INFO\] Building ([^ ]+) [^ ]+ +\[([0-9]+\/[0-9]+)\]$/   \2 \1/p' >&2
    status=0
    wait $build || status=$?
    if [ "$status" != 0 ]; then
      grep -E '^\[ERROR\]' "$log" | head -20 >&2
      flock -u 9
      exec 9>&-
      mgtm_die "build failed (exit status $status); the whole output is in $log"
    fi
    echo "$(date +%T) built $MGTM_JAR" >&2
  fi
  flock -u 9
  exec 9>&-
}

# Builds the jar if needed and switches this script to a private copy of it in directory $1, so a
# measurement uses one build from start to end whatever happens to the source tree meanwhile.
mgtm_use_private_jar() {
  mgtm_ensure_jar
  cp "$MGTM_JAR" "$1/mgtm.jar"
  export MGTM_JAR=$1/mgtm.jar MGTM_NO_BUILD=1
}

# Runs an mgtm subcommand in the foreground: mgtm_run server -D dir ...
mgtm_run() {
  mgtm_ensure_jar
  # shellcheck disable=SC2086
  exec "$MGTM_JAVA" $MGTM_JAVA_OPTS "${MGTM_FIXED_FLAGS[@]}" -jar "$MGTM_JAR" "$@"
}

# Starts an mgtm subcommand in the background, logging to $1 and writing its pid to $2.
mgtm_spawn() {
  local log=$1 pidfile=$2
  shift 2
  mgtm_ensure_jar
  # shellcheck disable=SC2086
  "$MGTM_JAVA" $MGTM_JAVA_OPTS "${MGTM_FIXED_FLAGS[@]}" -jar "$MGTM_JAR" "$@" >>"$log" 2>&1 &
  echo $! >"$pidfile"
}

# Succeeds once a line matching $2 appears in log $1; fails (status 1: the process of pidfile $3 exited,
# 2: $4 seconds passed, default 30) with the log's last lines on stderr.
mgtm_line_seen() {
  local log=$1 pattern=$2 pidfile=$3 limit=${4:-30} waited=0
  while ! grep -q -- "$pattern" "$log" 2>/dev/null; do
    kill -0 "$(cat "$pidfile")" 2>/dev/null || { tail -20 "$log" >&2; return 1; }
    [ "$waited" -ge $((limit * 10)) ] && { tail -20 "$log" >&2; return 2; }
    sleep 0.1
    waited=$((waited + 1))
  done
}

# Waits like mgtm_line_seen, and ends the script if the line does not come.
mgtm_wait_for_line() {
  local rc=0
  mgtm_line_seen "$@" || rc=$?
  [ "$rc" = 1 ] && mgtm_die "process $(cat "$3") exited"
  [ "$rc" = 2 ] && mgtm_die "timed out waiting for '$2' in $1"
  return 0
}

# Stops the process whose pid is in $1 (SIGTERM, then SIGKILL after $2 seconds), and removes the pidfile.
mgtm_stop_pidfile() {
  local pidfile=$1 grace=${2:-10} pid i
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < grace * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
}

# Succeeds when something accepts TCP connections on host $1 port $2 (bash's /dev/tcp; 2 s at most).
# It connects: see mgtm_port_listening for ports an original XC gtm_proxy may serve.
mgtm_port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# Succeeds when a socket listens on IPv4 address $1 (or on any address) port $2, without connecting:
# a connection that closes without a startup message leaves XC 0.9.2's gtm_proxy unable to serve
# anyone (its worker waits for that connection forever). Reads the kernel's tables, where addresses
# are little-endian hex words: /proc/net/tcp, and /proc/net/tcp6 for Java's IPv4-mapped sockets. For
# a host name, or without /proc, it falls back to mgtm_port_open.
mgtm_port_listening() {
  local a b c d v4
  if [[ ! $1 =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || [ ! -r /proc/net/tcp ]; then
    mgtm_port_open "$1" "$2"
    return
  fi
  IFS=. read -r a b c d <<<"$1"
  printf -v v4 '%02X%02X%02X%02X' "$d" "$c" "$b" "$a"
  awk -v port="$(printf ':%04X' "$2")" -v v4="$v4" '
    BEGIN { want[v4 port]; want["00000000" port]; want["0000000000000000FFFF0000" v4 port]
            want["00000000000000000000000000000000" port] }
    FNR > 1 && ($2 in want) && $4 == "0A" { found = 1 }
    END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# Prints the value of `key = value` in a config file (quotes and trailing comments removed), or $3.
mgtm_conf_get() {
  local file=$1 key=$2 default=${3:-} line value
  line=$(grep -E "^[[:space:]]*$key[[:space:]]*=" "$file" | tail -1) || true
  if [ -z "$line" ]; then
    printf '%s' "$default"
    return 0
  fi
  value=${line#*=}
  value=$(printf '%s' "$value" | sed -E "s/^[[:space:]]*//; s/[[:space:]]+#.*$//; s/[[:space:]]*$//; s/^'(.*)'$/\1/")
  printf '%s' "$value"
}

# The user Postgres-XC runs as: $1 when set, else postgres when running as root (postgres refuses
# to run as root), else the current user.
mgtm_pgxc_user() {
  if [ -n "${1:-}" ]; then
    printf '%s' "$1"
  elif [ "$(id -u)" = 0 ]; then
    printf postgres
  else
    id -un
  fi
}

# Runs a command as user $1: through runuser when root, directly when already that user.
mgtm_run_as() {
  local user=$1
  shift
  if [ "$(id -un)" = "$user" ]; then
    "$@"
  elif [ "$(id -u)" = 0 ]; then
    runuser -u "$user" -- "$@"
  else
    mgtm_die "Postgres-XC runs as $user: run this as root or as $user"
  fi
}
