#!/usr/bin/env bash
# Issue 9 item 7's table: real Postgres-XC 0.9.2 pgbench (-c 4 per coordinator, 30 s) through each GTM
# setup — the original gtm + gtm_proxy, mgtm server + gtm_proxy, mgtm server + mgtm_proxy, the
# original gtm + mgtm_proxy, mgtm x3 + mgtm_proxy, and x3 again with the leader killed at 10 s — each
# with the race experiment (transfer client + reader) and the proxies' traffic captured and audited.
# Runs in the kept lab of bin/mgtm-demo --pgxc-home (made on first use, about a minute).
# Writes benchmarks/results/real-xc-<date>.md and .csv. Exit status 1 if a run's checks failed.
# Usage: benchmarks/real-xc.sh --pgxc-home DIR [options]   (or PGXC_HOME=DIR benchmarks/real-xc.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../bin/lib/mgtm-common.sh"
. "$here/../bin/lib/mgtm-bench-lib.sh"
. "$here/lib/real-xc.sh"
script=real-xc
default_seconds=30
usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  real_xc_usage
}
real_xc_options "$@"
if ! command -v tcpdump >/dev/null; then
  echo "$script: installing tcpdump for the captures" >&2
  apt-get install -y tcpdump >&2 || { apt-get update >&2 && apt-get install -y tcpdump >&2; } \
    || mgtm_die "tcpdump is needed for the captures: apt-get install -y tcpdump"
fi

common=(-c 4 --race --capture)
real_xc_setup "${common[@]}" --gtm original --proxy original
real_xc_setup "${common[@]}" --gtm server --proxy original
real_xc_setup "${common[@]}" --gtm server --proxy mgtm
real_xc_setup "${common[@]}" --gtm original --proxy mgtm
real_xc_setup "${common[@]}" --gtm group --replicas 3 --proxy mgtm
real_xc_setup "${common[@]}" --gtm group --replicas 3 --proxy mgtm --kill-at 10

real_xc_report "Real Postgres-XC 0.9.2 through each GTM setup" <<EOF
Load per run: \`pgbench -n -s SCALE -c 4 -T $seconds\` through each of the 2 coordinators, one transfer
client (\`-c 1 -f transfer.sql\`: two branches' balances changed in one transaction) through coordinator
1, and the race reader through coordinator 2 every 0.2 s (one psql per sample: in one SERIALIZABLE
transaction the snapshot, every branch row with xmin and xmax, sum(delta)). TPS per coordinator counts
the transactions completed after the first 5 s (the warm-up, reported apart: all coordinators
together); the longest gap is between completed transactions of one coordinator from 5 s on. A sample
is consistent with exactly one row per branch and sum(bbalance) = sum(delta); doubled: a branch seen
twice (in brackets: how many showed an older version whose xmax is in the snapshot's xip and a newer
one whose xmin is not — XC commits on the datanodes before the GTM); missing: a branch not seen;
other: the sums differ. Rates per reading and per 1,000 completed transfers. The audit: tcpdump of the
node hosts' proxy port (what the XC backends asked and were answered), checked against invariants 1-5
and 8 of docs/checker.md. Each run's logs, per-second timeline (CSV and PNG), race samples and audit
report are in its directory under \`$rundir\`.
EOF
[ "$failed" -eq 0 ]
