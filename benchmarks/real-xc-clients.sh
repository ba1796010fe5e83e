#!/usr/bin/env bash
# Issue 14 item 5, the original study's graph on real XC: Postgres-XC 0.9.2 pgbench TPS against pgbench
# clients per coordinator (1, 2, 4, 8, 16, 32), one line per GTM setup: the original gtm + gtm_proxy,
# and mgtm groups of 1, 2 and 3 replicas + mgtm_proxy. Each point is its own run (-T seconds, the
# first 5 s not counted) in the kept lab of bin/mgtm-demo --pgxc-home.
# Writes benchmarks/results/real-xc-clients-<date>.md, .csv and .png. Exit status 1 if a run's checks failed.
# Usage: benchmarks/real-xc-clients.sh --pgxc-home DIR [options] [--clients 1,2,4,8,16,32]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../bin/lib/mgtm-common.sh"
. "$here/../bin/lib/mgtm-bench-lib.sh"
. "$here/lib/real-xc.sh"
script=real-xc-clients
default_seconds=30
clients=1,2,4,8,16,32
usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  real_xc_usage
  echo "  --clients LIST    pgbench clients per coordinator (default $clients)"
}
real_xc_take_list clients clients "$@"
[[ $clients =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || mgtm_die "--clients wants a list such as 1,2,4, got '$clients'"
real_xc_options ${args[@]+"${args[@]}"}
png=$base.png

real_xc_setup -c "$clients" --gtm original --proxy original
for n in 1 2 3; do
  real_xc_setup -c "$clients" --gtm group --replicas "$n" --proxy mgtm
done
"$MGTM_HOME/bin/mgtm" bench chart "$csv" -o "$png" --log-x --x-title "pgbench clients per coordinator" \
  --title "Postgres-XC 0.9.2 pgbench TPS (2 coordinators) by GTM setup" >&2

# TPS (both coordinators) by setup and clients, from the CSV: series,backends,tps,...
pivot=$(awk -F, -v list="$clients" '
  NR == 1 { next }
  { if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } tps[$1, $2] = $3 }
  END {
    k = split(list, c, ",")
    head = "| GTM setup |"; rule = "|---|"
    for (i = 1; i <= k; i++) { head = head " " c[i] " |"; rule = rule "--:|" }
    print head; print rule
    for (j = 1; j <= n; j++) {
      line = "| " order[j] " |"
      for (i = 1; i <= k; i++) line = line " " (((order[j], c[i]) in tps) ? sprintf("%.0f", tps[order[j], c[i]]) : "—") " |"
      print line
    }
  }' "$csv")

real_xc_report "Real Postgres-XC 0.9.2: TPS by pgbench clients per coordinator, per GTM setup" <<EOF
Load per point: \`pgbench -n -s SCALE -c N -T $seconds\` through each of the 2 coordinators at once; TPS
is both coordinators together, transactions completed after the first 5 s (the warm-up, reported
apart) per second. Every point starts its GTM setup afresh (new data directories, GXIDs above the
nodes' highest XID) and the nodes against it. Chart: \`$(basename "$png")\`.

![TPS by clients]($(basename "$png"))

TPS (both coordinators) by clients per coordinator:

$pivot

Every run:
EOF
[ "$failed" -eq 0 ]
