#!/usr/bin/env bash
# XC 0.9.2's own inconsistent-read race (issue 9 item 6) against the GTM's round trip: the original
# gtm + gtm_proxy without a relay, then with a relay between the proxies and the gtm adding 0, 500,
# 1000, 2000 and 5000 us each way; each run -c 4 per coordinator with the transfer client and the race
# reader, 60 s. Table: samples, doubled / missing / other, rates per reading and per 1,000 transfers,
# TPS (a slower GTM also means fewer conflicting transactions: compare per 1,000 transfers).
# Writes benchmarks/results/real-xc-race-<date>.md and .csv. Exit status 1 if a run's checks failed.
# Usage: benchmarks/real-xc-race.sh --pgxc-home DIR [options] [--relays 0,500,1000,2000,5000]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../bin/lib/mgtm-common.sh"
. "$here/../bin/lib/mgtm-bench-lib.sh"
. "$here/lib/real-xc.sh"
script=real-xc-race
default_seconds=60
relays=0,500,1000,2000,5000
usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  real_xc_usage
  echo "  --relays LIST     the relay's delays each way, microseconds (default $relays)"
}
real_xc_take_list relays relays "$@"
[[ $relays =~ ^[0-9]+(,[0-9]+)*$ ]] || mgtm_die "--relays wants a list such as 0,500,2000, got '$relays'"
real_xc_options ${args[@]+"${args[@]}"}

real_xc_setup -c 4 --race --gtm original --proxy original
real_xc_setup -c 4 --race --gtm original --proxy original --relay-us "$relays"

real_xc_report "XC 0.9.2's inconsistent-read race against the GTM's round trip" <<EOF
The original gtm on 127.0.0.11:6666; with a relay (\`mgtm bench relay\`'s code, in the benchmark's
process) on 127.0.0.11:6667 that the gtm_proxies connect to, delaying every byte by the given time each
way. Load per run: \`pgbench -n -s SCALE -c 4 -T $seconds\` through each coordinator, one transfer client
through coordinator 1, the race reader through coordinator 2 every 0.2 s (see real-xc-*.md for the
classes). The inconsistent samples of each run, with their snapshots and row versions, are in
\`race-samples.txt\` in its directory under \`$rundir\`.
EOF
[ "$failed" -eq 0 ]
